//! Users: the password is hashed on the way in, and a changed password or a deleted user ends
//! every session of that user.

use serde_json::{Map, Value};
use sqlx::MySqlConnection;

use super::resources::invalid;
use crate::auth::password;
use crate::db;
use crate::error::Result;

async fn hash_of(extras: &Map<String, Value>) -> Result<Option<String>> {
    let Some(value) = extras.get("password") else { return Ok(None) };
    let Some(text) = value.as_str() else {
        return Err(invalid("password", "invalid_format", "password must be a string"));
    };
    let text = text.to_owned();
    let hashed = tokio::task::spawn_blocking(move || password::hash(&text))
        .await
        .map_err(|e| crate::Error::Other(e.into()))?
        .map_err(|_| {
            invalid(
                "password",
                "too_short",
                format!("password needs at least {} characters", password::MIN_PASSWORD_CHARS),
            )
        })?;
    Ok(Some(hashed))
}

pub(super) async fn before_create(values: &mut Map<String, Value>, extras: &Map<String, Value>) -> Result<()> {
    let hash = hash_of(extras).await?.ok_or_else(|| invalid("password", "required", "password is required"))?;
    values.insert("password_hash".into(), Value::from(hash));
    Ok(())
}

pub(super) async fn before_update(values: &mut Map<String, Value>, extras: &Map<String, Value>) -> Result<()> {
    if let Some(hash) = hash_of(extras).await? {
        values.insert("password_hash".into(), Value::from(hash));
    }
    Ok(())
}

pub(super) async fn end_sessions(conn: &mut MySqlConnection, user_id: i64, reason: &str) -> Result<()> {
    let ended = db::sessions::revoke_all_of_user(conn, user_id, reason).await?;
    tracing::info!(user_id, ended, reason, "ended the user's sessions");
    Ok(())
}
