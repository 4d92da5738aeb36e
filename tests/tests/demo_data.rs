//! `seed-demo` loads a realistic small company, and running it again changes nothing.

use fleet_tests::TestDb;
use sync_server::auth::password;
use sync_server::demo::{self, DEMO_PASSWORD};

async fn count(db: &TestDb, sql: &'static str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(sql).fetch_one(&db.pool).await?)
}

#[tokio::test]
async fn the_demo_company_has_the_promised_rows() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    let report = demo::seed(&db.pool).await?;
    assert_eq!(report.total(), 78);
    for (sql, expected) in [
        ("SELECT COUNT(*) FROM clients", 3),
        ("SELECT COUNT(*) FROM projects", 5),
        ("SELECT COUNT(*) FROM campaigns", 8),
        ("SELECT COUNT(DISTINCT campaign_type) FROM campaigns", 5),
        ("SELECT COUNT(DISTINCT status) FROM campaigns", 6),
        ("SELECT COUNT(*) FROM vendors", 4),
        ("SELECT COUNT(*) FROM vehicles", 10),
        ("SELECT COUNT(*) FROM drivers", 12),
        ("SELECT COUNT(*) FROM promoters", 6),
        ("SELECT COUNT(*) FROM users", 18),
        ("SELECT COUNT(DISTINCT role) FROM users", 14),
    ] {
        assert_eq!(count(&db, sql).await?, expected, "{sql}");
    }
    let expiring = count(
        &db,
        "SELECT COUNT(*) FROM vehicles WHERE LEAST(rc_validity, insurance_validity, permit_validity)
         BETWEEN UTC_DATE() AND UTC_DATE() + INTERVAL 30 DAY",
    )
    .await?;
    assert!(expiring >= 3, "{expiring} vehicles with documents expiring within 30 days");
    Ok(())
}

#[tokio::test]
async fn placeholder_invoices_link_campaigns_to_vendors() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    demo::seed(&db.pool).await?;
    let bad = count(
        &db,
        "SELECT COUNT(*) FROM invoices i
         WHERE i.invoice_number NOT LIKE 'PLACEHOLDER-%' OR i.campaign_id IS NULL
            OR i.invoice_number <> CONCAT('PLACEHOLDER-', i.campaign_id, '-', i.vendor_id)",
    )
    .await?;
    assert_eq!(bad, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM invoices").await?, 12);
    let vendors_with_campaigns = count(&db, "SELECT COUNT(DISTINCT vendor_id) FROM invoices").await?;
    assert_eq!(vendors_with_campaigns, 4);
    Ok(())
}

#[tokio::test]
async fn every_demo_login_uses_the_demo_password_and_is_linked() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    demo::seed(&db.pool).await?;
    for login in demo::logins() {
        let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = ?")
            .bind(login.email)
            .fetch_one(&db.pool)
            .await?;
        assert!(hash.starts_with("$argon2id$"), "{}", login.email);
        assert!(password::verify(DEMO_PASSWORD, &hash), "{}", login.email);
    }
    let unlinked = count(
        &db,
        "SELECT COUNT(*) FROM users WHERE (role = 'driver' AND driver_id IS NULL)
            OR (role IN ('promoter', 'anchor') AND promoter_id IS NULL)
            OR (role = 'vendor' AND vendor_id IS NULL) OR (role = 'client' AND client_id IS NULL)",
    )
    .await?;
    assert_eq!(unlinked, 0);
    Ok(())
}

#[tokio::test]
async fn second_tenants_are_linked_to_different_rows() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    demo::seed(&db.pool).await?;
    for (first, second, column) in [
        ("driver@demo.test", "driver2@demo.test", "driver_id"),
        ("driver@demo.test", "driver2@demo.test", "vendor_id"),
        ("promoter@demo.test", "promoter2@demo.test", "promoter_id"),
        ("vendor@demo.test", "vendor2@demo.test", "vendor_id"),
        ("client@demo.test", "client2@demo.test", "client_id"),
    ] {
        let sql = match column {
            "driver_id" => "SELECT driver_id FROM users WHERE email = ?",
            "vendor_id" => "SELECT vendor_id FROM users WHERE email = ?",
            "promoter_id" => "SELECT promoter_id FROM users WHERE email = ?",
            _ => "SELECT client_id FROM users WHERE email = ?",
        };
        let a: Option<i64> = sqlx::query_scalar(sql).bind(first).fetch_one(&db.pool).await?;
        let b: Option<i64> = sqlx::query_scalar(sql).bind(second).fetch_one(&db.pool).await?;
        assert!(a.is_some() && b.is_some() && a != b, "{first} and {second} share {column}");
    }
    Ok(())
}

#[tokio::test]
async fn seeding_twice_adds_nothing() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    demo::seed(&db.pool).await?;
    let tables =
        ["clients", "projects", "campaigns", "vendors", "vehicles", "drivers", "promoters", "invoices", "users"];
    let mut before = Vec::new();
    for table in tables {
        before.push(
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&db.pool)
                .await?,
        );
    }
    let again = demo::seed(&db.pool).await?;
    assert_eq!(again.total(), 0, "{again:?}");
    for (table, count_before) in tables.iter().zip(before) {
        let after: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(&db.pool)
            .await?;
        assert_eq!(after, count_before, "{table}");
    }
    Ok(())
}

#[tokio::test]
async fn demo_rows_phones_pull_are_in_the_change_feed_in_order() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    demo::seed(&db.pool).await?;
    // 8 campaigns + 10 vehicles + 12 drivers + 6 promoters, and one campaign change per placeholder invoice.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM change_feed").await?, 8 + 10 + 12 + 6 + 12);
    assert_eq!(count(&db, "SELECT MIN(seq) FROM change_feed").await?, 1);
    assert_eq!(count(&db, "SELECT MAX(seq) FROM change_feed").await?, 48);
    assert_eq!(count(&db, "SELECT value FROM sync_sequences WHERE name = 'change_feed'").await?, 48);
    let unknown = count(
        &db,
        "SELECT COUNT(*) FROM change_feed f WHERE NOT (
            (f.table_name = 'campaigns' AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id = f.row_id))
         OR (f.table_name = 'vehicles' AND EXISTS (SELECT 1 FROM vehicles v WHERE v.id = f.row_id))
         OR (f.table_name = 'drivers' AND EXISTS (SELECT 1 FROM drivers d WHERE d.id = f.row_id))
         OR (f.table_name = 'promoters' AND EXISTS (SELECT 1 FROM promoters p WHERE p.id = f.row_id)))",
    )
    .await?;
    assert_eq!(unknown, 0, "every feed entry names an existing row");
    demo::seed(&db.pool).await?;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM change_feed").await?, 48, "a second run records nothing");
    Ok(())
}
