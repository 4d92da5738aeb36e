//! The migrated schema holds every table, column, foreign key and index the seed describes, and
//! the migrations go all the way down to an empty schema and up again.

use std::collections::{BTreeMap, BTreeSet};

use fleet_tests::TestDb;
use sqlx::{MySqlPool, Row};

/// The column types of the seed, and what each may be in MySQL.
#[derive(Debug, Clone, Copy)]
enum Seed {
    Integer,
    String(u32),
    Text,
    /// The seed says Float; DESIGN.md decision 3 makes money DECIMAL(12,2).
    Money,
    Float,
    Date,
    DateTime,
    Boolean,
    Enum(&'static [&'static str]),
}

const ROLES: &[&str] = &[
    "admin",
    "client_servicing",
    "operations_manager",
    "accounts",
    "vendor",
    "client",
    "sales",
    "purchase",
    "operator",
    "driver",
    "promoter",
    "anchor",
    "vehicle_manager",
    "godown_manager",
];

/// Every table and column of the seed (the common fields are checked for every table apart).
fn seed_tables() -> Vec<(&'static str, Vec<(&'static str, Seed)>)> {
    use Seed::*;
    vec![
        (
            "users",
            vec![
                ("email", String(255)),
                ("name", String(255)),
                ("phone", String(20)),
                ("password_hash", String(255)),
                ("password_hint", String(255)),
                ("role", Enum(ROLES)),
                ("vendor_id", Integer),
                // DESIGN.md decision 3: the links that scope drivers, promoters and clients.
                ("driver_id", Integer),
                ("promoter_id", Integer),
                ("client_id", Integer),
            ],
        ),
        (
            "clients",
            vec![
                ("name", String(255)),
                ("company", String(255)),
                ("email", String(255)),
                ("phone", String(20)),
                ("address", Text),
                ("contact_person", String(255)),
            ],
        ),
        (
            "projects",
            vec![
                ("name", String(255)),
                ("description", Text),
                ("client_id", Integer),
                ("budget", Money),
                ("start_date", Date),
                ("end_date", Date),
                ("status", String(50)),
                ("assigned_cs", String(255)),
            ],
        ),
        (
            "campaigns",
            vec![
                ("name", String(255)),
                ("description", Text),
                ("project_id", Integer),
                ("campaign_type", Enum(&["l_shape", "btl", "roadshow", "sampling", "other"])),
                ("status", Enum(&["planning", "upcoming", "running", "hold", "completed", "cancelled"])),
                ("start_date", Date),
                ("end_date", Date),
                ("budget", Money),
                ("locations", Text),
            ],
        ),
        (
            "vendors",
            vec![
                ("name", String(255)),
                ("company", String(255)),
                ("email", String(255)),
                ("phone", String(20)),
                ("address", Text),
                ("contact_person", String(255)),
            ],
        ),
        (
            "vehicles",
            vec![
                ("vehicle_number", String(50)),
                ("vehicle_type", String(100)),
                ("capacity", String(100)),
                ("vendor_id", Integer),
                ("rc_validity", Date),
                ("insurance_validity", Date),
                ("permit_validity", Date),
            ],
        ),
        (
            "drivers",
            vec![
                ("name", String(255)),
                ("phone", String(20)),
                ("email", String(255)),
                ("license_number", String(100)),
                ("license_validity", Date),
                ("vendor_id", Integer),
                ("vehicle_id", Integer),
            ],
        ),
        (
            "promoters",
            vec![
                ("name", String(255)),
                ("phone", String(20)),
                ("email", String(255)),
                ("specialty", String(255)),
                ("language", String(100)),
            ],
        ),
        (
            "promoter_activities",
            vec![
                ("promoter_id", Integer),
                ("promoter_name", String(255)),
                ("campaign_id", Integer),
                ("village_name", String(255)),
                ("activity_date", Date),
                ("people_attended", Integer),
                ("activity_count", Integer),
                ("before_image", String(500)),
                ("during_image", String(500)),
                ("after_image", String(500)),
                ("specialty", String(255)),
                ("language", String(100)),
                ("remarks", Text),
                ("created_by_id", Integer),
            ],
        ),
        (
            "expenses",
            vec![
                ("campaign_id", Integer),
                ("driver_id", Integer),
                ("expense_type", String(100)),
                ("amount", Money),
                ("description", Text),
                ("bill_url", String(500)),
                ("bill_image", String(500)),
                ("status", Enum(&["pending", "approved", "rejected"])),
                ("submitted_date", Date),
                ("approved_date", Date),
            ],
        ),
        (
            "invoices",
            vec![
                ("invoice_number", String(100)),
                ("invoice_file", String(500)),
                ("amount", Money),
                ("invoice_date", Date),
                ("status", Enum(&["pending", "submitted", "approved", "rejected", "paid"])),
                ("vendor_id", Integer),
                ("campaign_id", Integer),
            ],
        ),
        (
            "payments",
            vec![
                ("amount", Money),
                ("payment_date", Date),
                ("status", Enum(&["pending", "processing", "completed", "failed"])),
                ("payment_method", Enum(&["bank_transfer", "cheque", "upi", "cash", "other"])),
                ("transaction_reference", String(255)),
                ("remarks", Text),
                ("invoice_id", Integer),
                ("vendor_id", Integer),
            ],
        ),
        (
            "reports",
            vec![
                ("campaign_id", Integer),
                ("report_date", Date),
                ("locations_covered", Text),
                ("km_travelled", Float),
                ("photos_url", Text),
                ("gps_data", Text),
                ("notes", Text),
            ],
        ),
    ]
}

/// (table, column, referenced table, accepted ON DELETE rules). The seed's FKs, plus DESIGN.md's links.
const FOREIGN_KEYS: &[(&str, &str, &str, &[&str])] = &[
    ("users", "vendor_id", "vendors", &["SET NULL"]),
    ("users", "driver_id", "drivers", &["SET NULL"]),
    ("users", "promoter_id", "promoters", &["SET NULL"]),
    ("users", "client_id", "clients", &["SET NULL"]),
    ("projects", "client_id", "clients", &["CASCADE"]),
    ("campaigns", "project_id", "projects", &["CASCADE"]),
    ("vehicles", "vendor_id", "vendors", &["SET NULL"]),
    ("drivers", "vendor_id", "vendors", &["SET NULL"]),
    ("drivers", "vehicle_id", "vehicles", &["SET NULL"]),
    ("promoter_activities", "promoter_id", "promoters", &["CASCADE"]),
    ("promoter_activities", "campaign_id", "campaigns", &["CASCADE"]),
    // The seed names no rule: the default, which MariaDB reports as RESTRICT and MySQL as NO ACTION.
    ("promoter_activities", "created_by_id", "users", &["RESTRICT", "NO ACTION"]),
    ("expenses", "campaign_id", "campaigns", &["CASCADE"]),
    ("expenses", "driver_id", "drivers", &["SET NULL"]),
    ("invoices", "vendor_id", "vendors", &["CASCADE"]),
    ("invoices", "campaign_id", "campaigns", &["SET NULL"]),
    ("payments", "invoice_id", "invoices", &["CASCADE"]),
    ("payments", "vendor_id", "vendors", &["CASCADE"]),
    ("reports", "campaign_id", "campaigns", &["CASCADE"]),
];

/// (table, column, unique?): the seed's "Indexing Strategy" and DESIGN.md's sync identities.
const INDEXES: &[(&str, &str, bool)] = &[
    ("users", "email", true),
    ("vehicles", "vehicle_number", true),
    ("invoices", "invoice_number", true),
    ("payments", "invoice_id", true),
    ("promoter_activities", "activity_date", false),
    ("users", "vendor_id", false),
    ("vehicles", "vendor_id", false),
    ("drivers", "vendor_id", false),
    ("invoices", "vendor_id", false),
    ("payments", "vendor_id", false),
    ("expenses", "uuid", true),
    ("promoter_activities", "uuid", true),
    ("reports", "uuid", true),
];

struct ColumnInfo {
    data_type: String,
    column_type: String,
    max_len: Option<i64>,
    precision: Option<i64>,
    scale: Option<i64>,
    extra: String,
    key: String,
}

async fn columns(pool: &MySqlPool) -> anyhow::Result<BTreeMap<(String, String), ColumnInfo>> {
    let rows = sqlx::query(
        "SELECT CAST(table_name AS CHAR) AS t, CAST(column_name AS CHAR) AS c, CAST(data_type AS CHAR) AS dt,
                CAST(column_type AS CHAR) AS ct, CAST(character_maximum_length AS SIGNED) AS len,
                CAST(numeric_precision AS SIGNED) AS np, CAST(numeric_scale AS SIGNED) AS ns,
                CAST(extra AS CHAR) AS extra, CAST(column_key AS CHAR) AS k
         FROM information_schema.columns WHERE table_schema = DATABASE()",
    )
    .fetch_all(pool)
    .await?;
    let mut map = BTreeMap::new();
    for row in rows {
        let info = ColumnInfo {
            data_type: row.try_get::<String, _>("dt")?.to_lowercase(),
            column_type: row.try_get::<String, _>("ct")?.to_lowercase(),
            max_len: row.try_get("len")?,
            precision: row.try_get("np")?,
            scale: row.try_get("ns")?,
            extra: row.try_get::<String, _>("extra")?.to_lowercase(),
            key: row.try_get("k")?,
        };
        map.insert((row.try_get("t")?, row.try_get("c")?), info);
    }
    Ok(map)
}

fn compatible(seed: Seed, info: &ColumnInfo) -> bool {
    match seed {
        Seed::Integer => matches!(info.data_type.as_str(), "int" | "bigint"),
        Seed::String(n) => info.data_type == "varchar" && info.max_len == Some(i64::from(n)),
        Seed::Text => matches!(info.data_type.as_str(), "text" | "mediumtext" | "longtext"),
        Seed::Money => info.data_type == "decimal" && info.precision == Some(12) && info.scale == Some(2),
        Seed::Float => matches!(info.data_type.as_str(), "double" | "float"),
        Seed::Date => info.data_type == "date",
        Seed::DateTime => info.data_type == "datetime",
        Seed::Boolean => info.data_type == "tinyint",
        Seed::Enum(values) => {
            let listed: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
            info.column_type == format!("enum({})", listed.join(","))
        }
    }
}

async fn table_names(pool: &MySqlPool) -> anyhow::Result<BTreeSet<String>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE()",
    )
    .fetch_all(pool)
    .await?;
    Ok(names.into_iter().collect())
}

async fn check_seed_schema(pool: &MySqlPool) -> anyhow::Result<()> {
    let columns = columns(pool).await?;
    let mut problems = Vec::new();
    for (table, own) in seed_tables() {
        let common = [
            ("id", Seed::Integer),
            ("created_at", Seed::DateTime),
            ("updated_at", Seed::DateTime),
            ("is_active", Seed::Boolean),
        ];
        for (column, seed) in common.into_iter().chain(own) {
            match columns.get(&(table.to_owned(), column.to_owned())) {
                None => problems.push(format!("{table}.{column} is missing")),
                Some(info) if !compatible(seed, info) => {
                    problems.push(format!("{table}.{column} is {} but the seed says {seed:?}", info.column_type));
                }
                Some(_) => {}
            }
        }
        match columns.get(&(table.to_owned(), "id".to_owned())) {
            Some(id) if id.key == "PRI" && id.extra.contains("auto_increment") => {}
            _ => problems.push(format!("{table}.id is not an AUTO_INCREMENT primary key")),
        }
    }

    let fks = sqlx::query(
        "SELECT CAST(k.table_name AS CHAR) AS t, CAST(k.column_name AS CHAR) AS c,
                CAST(k.referenced_table_name AS CHAR) AS rt, CAST(r.delete_rule AS CHAR) AS rule
         FROM information_schema.key_column_usage k
         JOIN information_schema.referential_constraints r
           ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name
         WHERE k.table_schema = DATABASE() AND k.referenced_table_name IS NOT NULL",
    )
    .fetch_all(pool)
    .await?;
    let found: BTreeMap<(String, String), (String, String)> = fks
        .iter()
        .map(|r| -> anyhow::Result<_> {
            Ok(((r.try_get("t")?, r.try_get("c")?), (r.try_get("rt")?, r.try_get("rule")?)))
        })
        .collect::<anyhow::Result<_>>()?;
    for (table, column, referenced, rules) in FOREIGN_KEYS {
        match found.get(&((*table).to_owned(), (*column).to_owned())) {
            None => problems.push(format!("no foreign key on {table}.{column}")),
            Some((rt, rule)) if rt != referenced || !rules.contains(&rule.as_str()) => {
                problems.push(format!(
                    "{table}.{column} references {rt} ON DELETE {rule}, expected {referenced} {rules:?}"
                ));
            }
            Some(_) => {}
        }
    }

    let indexes = sqlx::query(
        "SELECT CAST(table_name AS CHAR) AS t, CAST(column_name AS CHAR) AS c, CAST(non_unique AS SIGNED) AS nu
         FROM information_schema.statistics WHERE table_schema = DATABASE() AND seq_in_index = 1",
    )
    .fetch_all(pool)
    .await?;
    let leading: Vec<(String, String, bool)> = indexes
        .iter()
        .map(|r| -> anyhow::Result<_> { Ok((r.try_get("t")?, r.try_get("c")?, r.try_get::<i64, _>("nu")? == 0)) })
        .collect::<anyhow::Result<_>>()?;
    let has_index = |table: &str, column: &str, unique: bool| {
        leading.iter().any(|(t, c, u)| t == table && c == column && (*u || !unique))
    };
    for (table, column, unique) in INDEXES {
        if !has_index(table, column, *unique) {
            problems.push(format!("no {}index leads with {table}.{column}", if *unique { "unique " } else { "" }));
        }
    }
    for (table, column, _, _) in FOREIGN_KEYS {
        if !has_index(table, column, false) {
            problems.push(format!("foreign key column {table}.{column} has no index"));
        }
    }
    anyhow::ensure!(problems.is_empty(), "schema differs from the seed:\n{}", problems.join("\n"));
    Ok(())
}

#[tokio::test]
async fn migrated_schema_has_every_seed_column_foreign_key_and_index() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    check_seed_schema(&db.pool).await
}

#[tokio::test]
async fn the_sync_design_tables_exist() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    let tables = table_names(&db.pool).await?;
    for table in [
        "change_feed",
        "sync_sequences",
        "sync_mutations",
        "sync_conflicts",
        "devices",
        "media_objects",
        "media_uploads",
        "auth_sessions",
        "refresh_tokens",
        "login_failures",
    ] {
        assert!(tables.contains(table), "{table} missing from {tables:?}");
    }
    Ok(())
}

#[tokio::test]
async fn migrations_go_down_to_an_empty_schema_and_up_again() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    let all_tables = table_names(&db.pool).await?;
    assert!(all_tables.len() >= 22, "{all_tables:?}");

    let version = sync_server::db::migrate_down(&db.pool, usize::MAX).await?;
    assert_eq!(version, 0);
    let left = table_names(&db.pool).await?;
    assert_eq!(left, BTreeSet::from(["_sqlx_migrations".to_owned()]), "tables left after migrating down");
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&db.pool).await?;
    assert_eq!(applied, 0);

    sync_server::db::migrate_up(&db.pool).await?;
    assert_eq!(table_names(&db.pool).await?, all_tables);
    check_seed_schema(&db.pool).await
}

async fn column_snapshot(pool: &MySqlPool) -> anyhow::Result<BTreeSet<(String, String, String)>> {
    let rows = sqlx::query(
        "SELECT CAST(table_name AS CHAR) AS t, CAST(column_name AS CHAR) AS c, CAST(column_type AS CHAR) AS ty
         FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("t")?, r.try_get("c")?, r.try_get("ty")?))).collect()
}

#[tokio::test]
async fn going_down_one_step_gives_the_schema_of_the_migration_before() -> anyhow::Result<()> {
    let reverted = TestDb::migrated().await?;
    let version = sync_server::db::migrate_down(&reverted.pool, 1).await?;
    let latest = sync_server::db::latest_migration();
    assert!(version < latest && version > 0, "{version}");
    assert_eq!(sync_server::db::schema_version(&reverted.pool).await?, Some(version));

    let fresh = TestDb::empty().await?;
    sync_server::db::MIGRATOR.run_to(version, &fresh.pool).await?;
    assert_eq!(column_snapshot(&reverted.pool).await?, column_snapshot(&fresh.pool).await?);
    Ok(())
}

#[tokio::test]
async fn foreign_keys_act_as_the_seed_says() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    sync_server::demo::seed(&db.pool).await?;
    // Hard-deleting a vendor (never done by the app, which soft-deletes) cascades to its invoices
    // and sets its vehicles' and drivers' vendor to NULL.
    let vendor: i64 =
        sqlx::query_scalar("SELECT vendor_id FROM invoices ORDER BY id LIMIT 1").fetch_one(&db.pool).await?;
    let vehicles_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM vehicles WHERE vendor_id = ?")
        .bind(vendor)
        .fetch_one(&db.pool)
        .await?;
    assert!(vehicles_before > 0);
    sqlx::query("UPDATE users SET vendor_id = NULL WHERE vendor_id = ?").bind(vendor).execute(&db.pool).await?;
    sqlx::query("DELETE FROM vendors WHERE id = ?").bind(vendor).execute(&db.pool).await?;
    let invoices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invoices WHERE vendor_id = ?")
        .bind(vendor)
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(invoices, 0, "invoices cascade");
    let orphaned: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM vehicles WHERE vendor_id IS NULL").fetch_one(&db.pool).await?;
    assert_eq!(orphaned, vehicles_before, "vehicles keep existing with no vendor");
    Ok(())
}
