//! Queries on `auth_sessions` and `refresh_tokens`.

use chrono::{DateTime, Utc};
use sqlx::MySqlConnection;
use uuid::Uuid;

use super::inserted_id;
use crate::error::Result;

/// A refresh token as stored, with its session's state, locked for the rest of the transaction.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredRefresh {
    /// The session.
    pub session_id: i64,
    /// Its user.
    pub user_id: i64,
    /// Its device, for phones.
    pub device_id: Option<Uuid>,
    /// When the token was spent, if it was.
    pub used_at: Option<DateTime<Utc>>,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
    /// When the session was ended, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Starts a session; returns its id.
pub async fn create(
    conn: &mut MySqlConnection,
    user_id: i64,
    device_id: Option<Uuid>,
    kind: &str,
    expires_at: DateTime<Utc>,
) -> Result<i64> {
    let result = sqlx::query("INSERT INTO auth_sessions (user_id, device_id, kind, expires_at) VALUES (?, ?, ?, ?)")
        .bind(user_id)
        .bind(device_id)
        .bind(kind)
        .bind(expires_at)
        .execute(conn)
        .await?;
    inserted_id(&result)
}

/// Stores a new refresh token of a session and moves the session's expiry to the token's.
pub async fn add_refresh_token(
    conn: &mut MySqlConnection,
    session_id: i64,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES (?, ?, ?)")
        .bind(token_hash)
        .bind(session_id)
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE auth_sessions SET expires_at = ?, last_used_at = UTC_TIMESTAMP(6) WHERE id = ?")
        .bind(expires_at)
        .bind(session_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The refresh token with this hash, locked (`FOR UPDATE`) so two refreshes cannot both spend it.
pub async fn find_refresh_for_update(conn: &mut MySqlConnection, token_hash: &[u8]) -> Result<Option<StoredRefresh>> {
    Ok(sqlx::query_as(
        "SELECT t.session_id, s.user_id, s.device_id, t.used_at, t.expires_at, s.revoked_at
         FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
         WHERE t.token_hash = ? FOR UPDATE",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

/// Marks a refresh token spent.
pub async fn spend_refresh_token(conn: &mut MySqlConnection, token_hash: &[u8]) -> Result<()> {
    sqlx::query("UPDATE refresh_tokens SET used_at = UTC_TIMESTAMP(6) WHERE token_hash = ?")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends a session; its access and refresh tokens stop working at once.
pub async fn revoke(conn: &mut MySqlConnection, session_id: i64, reason: &str) -> Result<()> {
    sqlx::query(
        "UPDATE auth_sessions SET revoked_at = UTC_TIMESTAMP(6), revoke_reason = ? WHERE id = ? AND revoked_at IS NULL",
    )
    .bind(reason)
    .bind(session_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends every session of a user (deactivation, password change).
pub async fn revoke_all_of_user(conn: &mut MySqlConnection, user_id: i64, reason: &str) -> Result<u64> {
    let result = sqlx::query(
        "UPDATE auth_sessions SET revoked_at = UTC_TIMESTAMP(6), revoke_reason = ? WHERE user_id = ? AND revoked_at IS NULL",
    )
    .bind(reason)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

/// Starts a browser session whose cookie token hashes to `token_hash`; returns its id.
pub async fn create_web(
    conn: &mut MySqlConnection,
    user_id: i64,
    token_hash: &[u8],
    csrf_token: &str,
    expires_at: DateTime<Utc>,
) -> Result<i64> {
    let result = sqlx::query(
        "INSERT INTO auth_sessions (user_id, kind, web_token_hash, csrf_token, expires_at) VALUES (?, 'web', ?, ?, ?)",
    )
    .bind(user_id)
    .bind(token_hash)
    .bind(csrf_token)
    .bind(expires_at)
    .execute(conn)
    .await?;
    inserted_id(&result)
}

/// A browser session as its cookie finds it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebSession {
    /// The session.
    pub id: i64,
    /// Its user.
    pub user_id: i64,
    /// What every form of this session posts back.
    pub csrf_token: String,
}

/// The live browser session whose cookie token hashes to `token_hash`: not ended, not expired.
pub async fn web_session(conn: &mut MySqlConnection, token_hash: &[u8]) -> Result<Option<WebSession>> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, csrf_token FROM auth_sessions
         WHERE web_token_hash = ? AND kind = 'web' AND revoked_at IS NULL AND expires_at > UTC_TIMESTAMP(6)
           AND csrf_token IS NOT NULL",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

/// Ends the browser session whose cookie token hashes to `token_hash`.
pub async fn revoke_web(conn: &mut MySqlConnection, token_hash: &[u8], reason: &str) -> Result<()> {
    sqlx::query(
        "UPDATE auth_sessions SET revoked_at = UTC_TIMESTAMP(6), revoke_reason = ? WHERE web_token_hash = ? AND revoked_at IS NULL",
    )
    .bind(reason)
    .bind(token_hash)
    .execute(conn)
    .await?;
    Ok(())
}
