//! Queries on `login_failures`: counting failed sign-ins per account and per address.

use chrono::{DateTime, Utc};
use sqlx::MySqlConnection;

use crate::error::Result;

/// Records one failed sign-in.
pub async fn record_failure(conn: &mut MySqlConnection, email: &str, address: &str) -> Result<()> {
    sqlx::query("INSERT INTO login_failures (email, address) VALUES (?, ?)")
        .bind(email)
        .bind(address)
        .execute(conn)
        .await?;
    Ok(())
}

/// Failures for this email since `since`: how many, and the oldest.
pub async fn failures_for_email(
    conn: &mut MySqlConnection,
    email: &str,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>)> {
    Ok(sqlx::query_as("SELECT COUNT(*), MIN(failed_at) FROM login_failures WHERE email = ? AND failed_at >= ?")
        .bind(email)
        .bind(since)
        .fetch_one(conn)
        .await?)
}

/// Failures from this address since `since`: how many, and the oldest.
pub async fn failures_for_address(
    conn: &mut MySqlConnection,
    address: &str,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>)> {
    Ok(sqlx::query_as("SELECT COUNT(*), MIN(failed_at) FROM login_failures WHERE address = ? AND failed_at >= ?")
        .bind(address)
        .bind(since)
        .fetch_one(conn)
        .await?)
}

/// Forgets an account's failures after it signs in successfully.
pub async fn clear_for_email(conn: &mut MySqlConnection, email: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE email = ?").bind(email).execute(conn).await?;
    Ok(())
}
