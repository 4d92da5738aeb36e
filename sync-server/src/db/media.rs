//! Queries on `media_objects` and `media_uploads`.

use chrono::{DateTime, Utc};
use sqlx::MySqlConnection;

use crate::error::Result;

/// A stored photo.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MediaObject {
    /// Its address.
    pub sha256: String,
    /// Bytes.
    pub byte_size: i64,
    /// `image/jpeg`, ...
    pub content_type: String,
}

/// The stored photo with this hash, if it is complete.
pub async fn object(conn: &mut MySqlConnection, sha256: &str) -> Result<Option<MediaObject>> {
    Ok(sqlx::query_as("SELECT sha256, byte_size, content_type FROM media_objects WHERE sha256 = ?")
        .bind(sha256)
        .fetch_optional(conn)
        .await?)
}

/// Records a complete, checked photo (once: a second upload of the same bytes changes nothing).
#[allow(clippy::too_many_arguments, reason = "one column each")]
pub async fn insert_object(
    conn: &mut MySqlConnection,
    sha256: &str,
    byte_size: i64,
    content_type: &str,
    width: u32,
    height: u32,
    storage_key: &str,
    thumb_key: &str,
    uploaded_by_id: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT IGNORE INTO media_objects (sha256, byte_size, content_type, width, height, storage_key, thumb_key, uploaded_by_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(sha256)
    .bind(byte_size)
    .bind(content_type)
    .bind(width)
    .bind(height)
    .bind(storage_key)
    .bind(thumb_key)
    .bind(uploaded_by_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// An upload under way: its declared length and how much arrived.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Upload {
    /// `Upload-Length`.
    pub total_bytes: i64,
    /// Bytes received.
    pub received_bytes: i64,
}

/// The upload of `sha256`, locked for the transaction.
pub async fn upload_for_update(conn: &mut MySqlConnection, sha256: &str) -> Result<Option<Upload>> {
    Ok(sqlx::query_as("SELECT total_bytes, received_bytes FROM media_uploads WHERE sha256 = ? FOR UPDATE")
        .bind(sha256)
        .fetch_optional(conn)
        .await?)
}

/// The upload of `sha256`, without locking.
pub async fn upload(conn: &mut MySqlConnection, sha256: &str) -> Result<Option<Upload>> {
    Ok(sqlx::query_as("SELECT total_bytes, received_bytes FROM media_uploads WHERE sha256 = ?")
        .bind(sha256)
        .fetch_optional(conn)
        .await?)
}

/// Records how much of an upload arrived.
pub async fn save_upload(
    conn: &mut MySqlConnection,
    sha256: &str,
    total: i64,
    received: i64,
    staging_key: &str,
    user_id: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO media_uploads (sha256, total_bytes, received_bytes, staging_key, user_id) VALUES (?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE received_bytes = VALUES(received_bytes), updated_at = UTC_TIMESTAMP(6)",
    )
    .bind(sha256)
    .bind(total)
    .bind(received)
    .bind(staging_key)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets an upload (done, refused, or abandoned).
pub async fn delete_upload(conn: &mut MySqlConnection, sha256: &str) -> Result<()> {
    sqlx::query("DELETE FROM media_uploads WHERE sha256 = ?").bind(sha256).execute(conn).await?;
    Ok(())
}

/// Uploads nobody has added to since `before`.
pub async fn abandoned(conn: &mut MySqlConnection, before: DateTime<Utc>) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT sha256 FROM media_uploads WHERE updated_at < ?").bind(before).fetch_all(conn).await?)
}
