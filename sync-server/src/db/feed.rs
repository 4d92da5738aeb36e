//! The change feed (DESIGN.md decision 5): every write to a table phones pull records a change in
//! the same transaction, numbered from `sync_sequences`.
//!
//! The number is taken with `UPDATE ... SET value = LAST_INSERT_ID(value + 1)`, which keeps the
//! counter row locked until the writing transaction ends. A second writer waits at that statement
//! until the first commits, so numbers become visible in the order they were handed out and a
//! pull cursor (`seq > cursor`) never skips a committed change. Call [`record`] as the last
//! statement before commit, to hold the lock briefly, or send [`record_many_sql`] together with
//! the commit.

use shared_model::protocol::{Op, PullTable};
use sqlx::MySqlConnection;
use uuid::Uuid;

use crate::error::{Error, Result};

/// Whose row a change was about when it was written: a pull tells that user when the row is no
/// longer visible to it, and nobody else.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Audience {
    /// The owning driver.
    pub driver_id: Option<i64>,
    /// The owning promoter.
    pub promoter_id: Option<i64>,
}

impl Audience {
    /// Nobody in particular (campaigns, vehicles): visible rows go to everyone who may see them.
    pub const NONE: Audience = Audience { driver_id: None, promoter_id: None };

    /// One driver.
    pub const fn driver(id: Option<i64>) -> Self {
        Audience { driver_id: id, promoter_id: None }
    }

    /// One promoter.
    pub const fn promoter(id: Option<i64>) -> Self {
        Audience { driver_id: None, promoter_id: id }
    }
}

/// Records that a row of a pulled table changed; returns its feed number.
pub async fn record(
    conn: &mut MySqlConnection,
    table: PullTable,
    row_id: i64,
    row_uuid: Option<Uuid>,
    op: Op,
    audience: Audience,
) -> Result<i64> {
    let taken = sqlx::query("UPDATE sync_sequences SET value = LAST_INSERT_ID(value + 1) WHERE name = 'change_feed'")
        .execute(&mut *conn)
        .await?;
    if taken.rows_affected() != 1 {
        return Err(Error::Other(anyhow::anyhow!("the change_feed sequence row is missing")));
    }
    let seq = i64::try_from(taken.last_insert_id()).map_err(|e| Error::Other(e.into()))?;
    let op = match op {
        Op::Upsert => "upsert",
        Op::Delete => "delete",
    };
    sqlx::query(
        "INSERT INTO change_feed (seq, table_name, row_id, row_uuid, op, audience_driver_id, audience_promoter_id)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(seq)
    .bind(table.as_str())
    .bind(row_id)
    .bind(row_uuid)
    .bind(op)
    .bind(audience.driver_id)
    .bind(audience.promoter_id)
    .execute(&mut *conn)
    .await?;
    Ok(seq)
}

/// One change to record.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// Which table.
    pub table: PullTable,
    /// Which row.
    pub row_id: i64,
    /// Its sync identity, for phone-made rows.
    pub row_uuid: Option<Uuid>,
    /// Upsert or delete.
    pub op: Op,
    /// Whose row it was about.
    pub audience: Audience,
}

/// The statements that record many changes with one reservation of feed numbers, as literal SQL
/// text for a multi-statement request that ends with `COMMIT` (see `db::sync::finish_push`).
///
/// The feed's counter is locked from its `UPDATE` to the `COMMIT`, and every other writer waits
/// for it there; sending the reservation, the feed rows and the commit as one request keeps that
/// wait to the database's own work, with no network or scheduling delay inside it. Every value is
/// a number, a UUID or a fixed word from this code, so it can be written as a literal. Ends with
/// `;`; empty when there is nothing to record.
pub fn record_many_sql(entries: &[Entry]) -> String {
    if entries.is_empty() {
        return String::new();
    }
    let count = entries.len();
    // `@feed_last` stays NULL if the counter row were missing, and the NOT NULL `seq` refuses it.
    let mut sql = format!(
        "SET @feed_last = NULL; \
         UPDATE sync_sequences SET value = (@feed_last := value + {count}) WHERE name = 'change_feed'; \
         INSERT INTO change_feed (seq, table_name, row_id, row_uuid, op, audience_driver_id, audience_promoter_id) VALUES "
    );
    let id = |v: Option<i64>| v.map_or_else(|| "NULL".to_owned(), |v| v.to_string());
    for (i, e) in entries.iter().enumerate() {
        let uuid = e.row_uuid.map_or_else(|| "NULL".to_owned(), |u| format!("X'{}'", u.simple()));
        let op = match e.op {
            Op::Upsert => "upsert",
            Op::Delete => "delete",
        };
        sql.push_str(&format!(
            "{}(@feed_last - {}, '{}', {}, {uuid}, '{op}', {}, {})",
            if i == 0 { "" } else { ", " },
            count - 1 - i,
            e.table.as_str(),
            e.row_id,
            id(e.audience.driver_id),
            id(e.audience.promoter_id),
        ));
    }
    sql.push(';');
    sql
}

/// Drops feed entries older than `before`, and raises the pruning watermark first, so that a pull
/// whose cursor points into what is dropped answers `410 cursor_expired` instead of skipping it.
/// Returns how many entries went.
pub async fn prune(pool: &sqlx::MySqlPool, before: chrono::DateTime<chrono::Utc>) -> Result<u64> {
    let watermark: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM change_feed WHERE changed_at < ?")
        .bind(before)
        .fetch_one(pool)
        .await?;
    let Some(watermark) = watermark else { return Ok(0) };
    sqlx::query("UPDATE sync_sequences SET value = GREATEST(value, ?) WHERE name = 'change_feed_pruned'")
        .bind(watermark)
        .execute(pool)
        .await?;
    let mut removed = 0;
    loop {
        let batch =
            sqlx::query("DELETE FROM change_feed WHERE seq <= ? LIMIT 10000").bind(watermark).execute(pool).await?;
        removed += batch.rows_affected();
        if batch.rows_affected() == 0 {
            return Ok(removed);
        }
    }
}
