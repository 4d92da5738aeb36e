//! Queries of phone sync: remembered mutations, the conflict log, devices, and phone-made rows
//! looked up by their sync identity.

use chrono::{DateTime, Utc};
use sqlx::{MySql, MySqlConnection, Transaction};
use uuid::Uuid;

use crate::db::feed;
use crate::error::Result;

/// A mutation as first answered, remembered so a replay gets the same answer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredMutation {
    /// Who pushed it.
    pub user_id: i64,
    /// From which device.
    pub device_id: Uuid,
    /// Which table.
    pub table_name: String,
    /// Which row.
    pub row_uuid: Uuid,
    /// `applied`, `superseded` or `rejected`.
    pub status: String,
    /// The row's id, when there is a row.
    pub row_id: Option<i64>,
    /// Why it was rejected.
    pub error_code: Option<String>,
    /// In words.
    pub error_message: Option<String>,
    /// `details` of the error, as JSON text.
    pub error_details: Option<String>,
}

/// The remembered answers to any of `mutation_ids`.
pub async fn find_mutations(conn: &mut MySqlConnection, mutation_ids: &[Uuid]) -> Result<Vec<(Uuid, StoredMutation)>> {
    if mutation_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = sqlx::QueryBuilder::new(
        "SELECT mutation_id, user_id, device_id, table_name, row_uuid, CAST(status AS CHAR) AS status, row_id, error_code,
                error_message, error_details
         FROM sync_mutations WHERE mutation_id IN (",
    );
    let mut list = qb.separated(", ");
    for id in mutation_ids {
        list.push_bind(*id);
    }
    qb.push(")");
    let rows = qb.build().fetch_all(conn).await?;
    rows.iter()
        .map(|row| {
            use sqlx::{FromRow, Row};
            Ok((row.try_get("mutation_id")?, StoredMutation::from_row(row)?))
        })
        .collect()
}

/// Remembers the answers to many mutations in one statement.
pub async fn save_mutations(conn: &mut MySqlConnection, answered: &[(Uuid, StoredMutation)]) -> Result<()> {
    if answered.is_empty() {
        return Ok(());
    }
    let mut qb = sqlx::QueryBuilder::new(
        "INSERT INTO sync_mutations (mutation_id, user_id, device_id, table_name, row_uuid, status, row_id,
                                     error_code, error_message, error_details) ",
    );
    qb.push_values(answered, |mut row, (id, m)| {
        row.push_bind(*id)
            .push_bind(m.user_id)
            .push_bind(m.device_id)
            .push_bind(m.table_name.clone())
            .push_bind(m.row_uuid)
            .push_bind(m.status.clone())
            .push_bind(m.row_id)
            .push_bind(m.error_code.clone())
            .push_bind(m.error_message.clone())
            .push_bind(m.error_details.clone());
    });
    qb.build().execute(conn).await?;
    Ok(())
}

/// A version that lost, or was refused, or was overwritten: never dropped.
#[derive(Debug, Clone)]
pub struct Conflict {
    /// Which table.
    pub table_name: String,
    /// The row's id, when there is a row.
    pub row_id: Option<i64>,
    /// The row's sync identity.
    pub row_uuid: Uuid,
    /// The mutation that brought the losing version, or the winning one for `overwritten`.
    pub mutation_id: Option<Uuid>,
    /// Who pushed the mutation.
    pub user_id: Option<i64>,
    /// From which device.
    pub device_id: Option<Uuid>,
    /// `superseded`, `rejected` or `overwritten`.
    pub reason: &'static str,
    /// For rejections: the error code.
    pub error_code: Option<String>,
    /// In words.
    pub message: Option<String>,
    /// `upsert` or `delete`.
    pub losing_op: &'static str,
    /// The losing capture fields, as JSON text.
    pub losing_data: Option<String>,
    /// The losing version's time.
    pub losing_updated_at: Option<DateTime<Utc>>,
    /// The winning version's time.
    pub winning_updated_at: Option<DateTime<Utc>>,
}

/// Writes one entry of the conflict log.
pub async fn log_conflict(conn: &mut MySqlConnection, c: &Conflict) -> Result<()> {
    sqlx::query(
        "INSERT INTO sync_conflicts (table_name, row_id, row_uuid, mutation_id, user_id, device_id, reason, error_code,
                                     message, losing_op, losing_data, losing_updated_at, winning_updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&c.table_name)
    .bind(c.row_id)
    .bind(c.row_uuid)
    .bind(c.mutation_id)
    .bind(c.user_id)
    .bind(c.device_id)
    .bind(c.reason)
    .bind(&c.error_code)
    .bind(&c.message)
    .bind(c.losing_op)
    .bind(&c.losing_data)
    .bind(c.losing_updated_at)
    .bind(c.winning_updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Notes that the device of session `session_id` pulled now, for the managers' list of field
/// devices; nothing when the session was opened without a device id.
pub async fn note_pull(conn: &mut MySqlConnection, session_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO devices (device_id, user_id, last_pull_at)
         SELECT device_id, user_id, UTC_TIMESTAMP(6) FROM auth_sessions WHERE id = ? AND device_id IS NOT NULL
         ON DUPLICATE KEY UPDATE user_id = VALUES(user_id), last_seen_at = UTC_TIMESTAMP(6),
                                 last_pull_at = UTC_TIMESTAMP(6)",
    )
    .bind(session_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends a push's transaction in one request to the database: notes that the device pushed,
/// records the batch's changes in the feed ([`feed::record_many_sql`]) and commits. If a statement
/// fails the ones after it do not run, and the transaction rolls back when `tx` is dropped.
pub async fn finish_push(
    mut tx: Transaction<'_, MySql>,
    device_id: Uuid,
    user_id: i64,
    changes: &[feed::Entry],
) -> Result<()> {
    let device = device_id.simple();
    let sql = format!(
        "INSERT INTO devices (device_id, user_id, last_push_at) VALUES (X'{device}', {user_id}, UTC_TIMESTAMP(6)) \
         ON DUPLICATE KEY UPDATE user_id = VALUES(user_id), last_seen_at = UTC_TIMESTAMP(6), last_push_at = UTC_TIMESTAMP(6); \
         {} COMMIT",
        feed::record_many_sql(changes)
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
    // Committed already; this closes sqlx's own record of the transaction.
    tx.commit().await?;
    Ok(())
}

/// The version of a phone-made row: who owns it and which write it holds.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RowVersion {
    /// Sync identity.
    pub uuid: Uuid,
    /// Primary key.
    pub id: i64,
    /// `driver_id` or `promoter_id`.
    pub owner_id: Option<i64>,
    /// An expense's approval state.
    pub status: Option<String>,
    /// The version's time.
    pub updated_at: DateTime<Utc>,
    /// The device that wrote the current capture fields.
    pub device_id: Option<Uuid>,
    /// `false` once deleted.
    pub is_active: bool,
}

/// The current versions of the phone-made rows `uuids` of `table`, locked for the transaction.
///
/// The rows are found by a plain read first and then locked by primary key, in id order, so that
/// batches lock shared rows in one order. A locking read of uuids that do not exist yet would
/// wait on the rows other batches are inserting next to them in the index; a new row needs no
/// lock, as a second batch inserting the same uuid stops at the unique key and is merged again.
pub async fn row_versions_for_update(
    conn: &mut MySqlConnection,
    table: &str,
    uuids: &[Uuid],
) -> Result<Vec<RowVersion>> {
    let (select, table) = match table {
        "expenses" => (
            "SELECT uuid, id, driver_id AS owner_id, CAST(status AS CHAR) AS status, updated_at, device_id, is_active FROM expenses",
            "expenses",
        ),
        "reports" => (
            "SELECT uuid, id, driver_id AS owner_id, NULL AS status, updated_at, device_id, is_active FROM reports",
            "reports",
        ),
        _ => (
            "SELECT uuid, id, promoter_id AS owner_id, NULL AS status, updated_at, device_id, is_active FROM promoter_activities",
            "promoter_activities",
        ),
    };
    if uuids.is_empty() {
        return Ok(Vec::new());
    }
    let mut find = sqlx::QueryBuilder::new(format!("SELECT id FROM {table} WHERE uuid IN ("));
    let mut list = find.separated(", ");
    for uuid in uuids {
        list.push_bind(*uuid);
    }
    find.push(")");
    let ids: Vec<i64> = find.build_query_scalar().fetch_all(&mut *conn).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut lock = sqlx::QueryBuilder::new(select);
    lock.push(" WHERE id IN (");
    let mut list = lock.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    lock.push(") ORDER BY id FOR UPDATE");
    Ok(lock.build_query_as().fetch_all(conn).await?)
}

/// Soft-deletes a phone-made row as a version written by `device_id` at `at`.
pub async fn delete_row_at(
    conn: &mut MySqlConnection,
    table: &str,
    id: i64,
    device_id: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    let sql = match table {
        "expenses" => "UPDATE expenses SET is_active = FALSE, device_id = ?, updated_at = ? WHERE id = ?",
        "reports" => "UPDATE reports SET is_active = FALSE, device_id = ?, updated_at = ? WHERE id = ?",
        _ => "UPDATE promoter_activities SET is_active = FALSE, device_id = ?, updated_at = ? WHERE id = ?",
    };
    sqlx::query(sql).bind(device_id).bind(at).bind(id).execute(conn).await?;
    Ok(())
}

/// Brings a soft-deleted phone-made row back (a later upsert after a delete).
pub async fn set_active(conn: &mut MySqlConnection, table: &str, id: i64) -> Result<()> {
    let sql = match table {
        "expenses" => "UPDATE expenses SET is_active = TRUE WHERE id = ?",
        "reports" => "UPDATE reports SET is_active = TRUE WHERE id = ?",
        _ => "UPDATE promoter_activities SET is_active = TRUE WHERE id = ?",
    };
    sqlx::query(sql).bind(id).execute(conn).await?;
    Ok(())
}
