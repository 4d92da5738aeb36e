//! The conflict log (`sync_conflicts`) as the conflicts page reads it.

use chrono::{DateTime, Utc};
use sqlx::{MySqlConnection, QueryBuilder};

use crate::error::Result;

/// One version the server kept out.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoggedConflict {
    /// Id.
    pub id: i64,
    /// The table.
    pub table_name: String,
    /// The row, once it existed.
    pub row_id: Option<i64>,
    /// Who sent the losing version.
    pub user: Option<String>,
    /// superseded, rejected or overwritten.
    pub reason: String,
    /// The refusal's code.
    pub error_code: Option<String>,
    /// The refusal's words.
    pub message: Option<String>,
    /// upsert or delete.
    pub losing_op: String,
    /// The losing fields, as JSON text.
    pub losing_data: Option<String>,
    /// The losing version's time.
    pub losing_updated_at: Option<DateTime<Utc>>,
    /// The winning version's time.
    pub winning_updated_at: Option<DateTime<Utc>>,
    /// When it was logged.
    pub created_at: DateTime<Utc>,
}

/// The newest entries about `tables`, older than `before`.
pub async fn list(
    conn: &mut MySqlConnection,
    tables: &[&str],
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<LoggedConflict>> {
    if tables.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::new(
        "SELECT k.id, k.table_name, k.row_id, u.name AS user, CAST(k.reason AS CHAR) AS reason, k.error_code, k.message,
                CAST(k.losing_op AS CHAR) AS losing_op, k.losing_data, k.losing_updated_at, k.winning_updated_at, k.created_at
         FROM sync_conflicts k LEFT JOIN users u ON u.id = k.user_id WHERE k.table_name IN (",
    );
    let mut names = qb.separated(", ");
    for table in tables {
        names.push_bind(*table);
    }
    qb.push(")");
    if let Some(before) = before {
        qb.push(" AND k.id < ");
        qb.push_bind(before);
    }
    qb.push(" ORDER BY k.id DESC LIMIT ");
    qb.push_bind(limit);
    Ok(qb.build_query_as().fetch_all(conn).await?)
}
