//! Uploading and serving photos.

use std::sync::Arc;

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use serde_json::json;
use sha2::{Digest, Sha256};
use shared_model::ErrorInfo;
use shared_model::error::codes;
use shared_model::protocol::{MAX_PHOTO_BYTES, MediaState, MediaStatus};
use sqlx::MySqlPool;

use super::check::{self, Refusal};
use super::storage;
use crate::auth::AuthUser;
use crate::auth::matrix::{self, Resource, Scope};
use crate::db;
use crate::db::records::push_where;
use crate::error::{Error, Result};
use crate::limits;

/// A photo's address: 64 lowercase hex digits.
pub fn valid_sha(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn refused(status: axum::http::StatusCode, code: &str, message: impl Into<String>) -> Error {
    Error::Detailed { status, info: ErrorInfo::new(code, message) }
}

fn storage_error(e: object_store::Error) -> Error {
    Error::Other(anyhow::Error::new(e).context("photo storage"))
}

/// How much of a photo the server has.
pub async fn status(pool: &MySqlPool, sha256: &str) -> Result<MediaStatus> {
    let mut conn = pool.acquire().await?;
    if let Some(object) = db::media::object(&mut conn, sha256).await? {
        return Ok(MediaStatus { state: MediaState::Complete, received: u64::try_from(object.byte_size).unwrap_or(0) });
    }
    Ok(match db::media::upload(&mut conn, sha256).await? {
        Some(upload) => {
            MediaStatus { state: MediaState::Partial, received: u64::try_from(upload.received_bytes).unwrap_or(0) }
        }
        None => MediaStatus { state: MediaState::Missing, received: 0 },
    })
}

/// What an upload request ended in.
#[derive(Debug)]
pub enum Outcome {
    /// All bytes arrived and the photo is stored (200).
    Complete,
    /// Send more from here (202).
    Partial(u64),
}

/// Refuses an `Upload-Length` no photo can have: over 10 MiB (413), or nothing.
pub fn check_length(total: u64) -> Result<()> {
    if total > MAX_PHOTO_BYTES {
        return Err(refused(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            codes::FILE_TOO_LARGE,
            format!("A photo is at most {} MiB.", MAX_PHOTO_BYTES / (1024 * 1024)),
        ));
    }
    if total == 0 {
        return Err(Error::BadRequest {
            code: codes::BAD_REQUEST,
            message: "Upload-Length must be the file's size in bytes.".into(),
        });
    }
    Ok(())
}

/// Takes the bytes of `sha256` from `offset` on, of a file of `total` bytes. Two deliveries of
/// the same chunk at once (a phone retrying while its first try still runs) meet in the
/// database; the one that loses runs again and then answers as the second.
pub async fn put(
    pool: &MySqlPool,
    store: &Arc<dyn ObjectStore>,
    user: &AuthUser,
    sha256: &str,
    offset: u64,
    total: u64,
    body: Bytes,
) -> Result<Outcome> {
    check_length(total)?;
    db::retry_transient("photo upload", || put_once(pool, store, user, sha256, offset, total, body.clone())).await
}

async fn put_once(
    pool: &MySqlPool,
    store: &Arc<dyn ObjectStore>,
    user: &AuthUser,
    sha256: &str,
    offset: u64,
    total: u64,
    body: Bytes,
) -> Result<Outcome> {
    let mut tx = pool.begin().await?;
    if db::media::object(&mut tx, sha256).await?.is_some() {
        return Ok(Outcome::Complete);
    }
    let upload = db::media::upload_for_update(&mut tx, sha256).await?;
    let received = upload.map_or(0, |u| u64::try_from(u.received_bytes).unwrap_or(0));
    if let Some(upload) = upload
        && u64::try_from(upload.total_bytes).unwrap_or(0) != total
    {
        return Err(refused(
            axum::http::StatusCode::CONFLICT,
            "length_mismatch",
            "Upload-Length differs from the upload under way.",
        ));
    }
    if offset != received {
        return Err(Error::Detailed {
            status: axum::http::StatusCode::CONFLICT,
            info: ErrorInfo::new(codes::OFFSET_MISMATCH, format!("Send from byte {received}."))
                .with_details(json!({ "received": received })),
        });
    }
    let length = u64::try_from(body.len()).unwrap_or(u64::MAX);
    if offset + length > total {
        return Err(refused(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            codes::FILE_TOO_LARGE,
            "More bytes than Upload-Length.",
        ));
    }
    if length > 0 {
        store.put(&storage::chunk_key(sha256, offset), PutPayload::from(body)).await.map_err(storage_error)?;
    }
    let now_received = offset + length;
    let staging = storage::staging_prefix(sha256).to_string();
    let signed = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    db::media::save_upload(&mut tx, sha256, signed(total), signed(now_received), &staging, user.id).await?;
    if now_received < total {
        tx.commit().await?;
        return Ok(Outcome::Partial(now_received));
    }

    // Every byte is here: assemble, verify, check, store.
    let bytes = Bytes::from(assemble(store, sha256).await?);
    let verdict = if hex::encode(Sha256::digest(&bytes)) != sha256 {
        Err(refused(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            codes::HASH_MISMATCH,
            "The bytes do not hash to this address; upload again from 0.",
        ))
    } else {
        // Decoding takes about 4 bytes a pixel: photos wait for their share of the pixels.
        let (width, height) = check::dimensions(&bytes);
        let _decoding = limits::photo_decode(width, height).await?;
        let for_check = bytes.clone();
        match tokio::task::spawn_blocking(move || check::check(&for_check)).await.map_err(|e| Error::Other(e.into()))? {
            Ok(checked) => Ok(checked),
            Err(Refusal::TooLarge(w, h)) => Err(refused(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                codes::IMAGE_TOO_LARGE,
                format!("{w}×{h} pixels; at most {} a side.", shared_model::protocol::MAX_PHOTO_SIDE),
            )),
            Err(Refusal::NotAnImage(why)) => Err(refused(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                codes::NOT_AN_IMAGE,
                format!("Not a JPEG, PNG or WebP photo ({why})."),
            )),
        }
    };
    db::media::delete_upload(&mut tx, sha256).await?;
    let checked = match verdict {
        Ok(checked) => checked,
        Err(error) => {
            tx.commit().await?;
            discard_chunks(store, sha256).await?;
            return Err(error);
        }
    };
    let size = bytes.len();
    store.put(&storage::photo_key(sha256), PutPayload::from(bytes)).await.map_err(storage_error)?;
    store.put(&storage::thumb_key(sha256), PutPayload::from(checked.thumbnail)).await.map_err(storage_error)?;
    db::media::insert_object(
        &mut tx,
        sha256,
        signed(u64::try_from(size).unwrap_or(0)),
        checked.content_type,
        checked.width,
        checked.height,
        storage::photo_key(sha256).as_ref(),
        storage::thumb_key(sha256).as_ref(),
        user.id,
    )
    .await?;
    tx.commit().await?;
    discard_chunks(store, sha256).await?;
    tracing::info!(user_id = user.id, %sha256, size, "photo stored");
    Ok(Outcome::Complete)
}

async fn assemble(store: &Arc<dyn ObjectStore>, sha256: &str) -> Result<Vec<u8>> {
    let mut chunks: Vec<object_store::ObjectMeta> =
        store.list(Some(&storage::staging_prefix(sha256))).try_collect().await.map_err(storage_error)?;
    chunks.sort_by(|a, b| a.location.as_ref().cmp(b.location.as_ref()));
    let mut bytes = Vec::new();
    for chunk in chunks {
        let part = store.get(&chunk.location).await.map_err(storage_error)?.bytes().await.map_err(storage_error)?;
        bytes.extend_from_slice(&part);
    }
    Ok(bytes)
}

async fn discard_chunks(store: &Arc<dyn ObjectStore>, sha256: &str) -> Result<()> {
    let chunks: Vec<object_store::ObjectMeta> =
        store.list(Some(&storage::staging_prefix(sha256))).try_collect().await.map_err(storage_error)?;
    for chunk in chunks {
        match store.delete(&chunk.location).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(storage_error(e)),
        }
    }
    Ok(())
}

/// Drops uploads nobody added to since `before`; returns how many.
pub async fn clean_abandoned(pool: &MySqlPool, store: &Arc<dyn ObjectStore>, before: DateTime<Utc>) -> Result<usize> {
    let mut conn = pool.acquire().await?;
    let stale = db::media::abandoned(&mut conn, before).await?;
    for sha256 in &stale {
        discard_chunks(store, sha256).await?;
        db::media::delete_upload(&mut conn, sha256).await?;
    }
    Ok(stale.len())
}

/// Whether `user` may see the photo: it is used by a record the user may see. Roles that see every
/// expense, activity or report see every photo.
pub async fn may_see(pool: &MySqlPool, user: &AuthUser, sha256: &str) -> Result<bool> {
    let reference = format!("media:{sha256}");
    let mut conn = pool.acquire().await?;
    for (resource, condition) in [
        (Resource::Expenses, "t.bill_image = ?"),
        (Resource::PromoterActivities, "? IN (t.before_image, t.during_image, t.after_image)"),
        (Resource::Reports, "LOCATE(?, t.photos_url) > 0"),
    ] {
        let Some(grant) = matrix::grant(user.role, resource) else { continue };
        if grant.scope == Scope::All {
            return Ok(true);
        }
        let scope = crate::api::v1::resources::scope_of(grant, user);
        let mut qb = sqlx::QueryBuilder::new(format!("SELECT COUNT(*) FROM {} t", resource.table()));
        push_where(&mut qb, scope.as_ref(), false);
        let (before, after) = condition.split_once('?').unwrap_or((condition, ""));
        qb.push(" AND ");
        qb.push(before);
        qb.push_bind(reference.clone());
        qb.push(after);
        let count: i64 = qb.build_query_scalar().fetch_one(&mut *conn).await?;
        if count > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The bytes of a photo (or its thumbnail) and their content type.
pub async fn read(
    pool: &MySqlPool,
    store: &Arc<dyn ObjectStore>,
    sha256: &str,
    thumb: bool,
) -> Result<Option<(Bytes, String)>> {
    let mut conn = pool.acquire().await?;
    let Some(object) = db::media::object(&mut conn, sha256).await? else { return Ok(None) };
    let (key, content_type) = if thumb {
        (storage::thumb_key(sha256), "image/jpeg".to_owned())
    } else {
        (storage::photo_key(sha256), object.content_type)
    };
    let bytes = store.get(&key).await.map_err(storage_error)?.bytes().await.map_err(storage_error)?;
    Ok(Some((bytes, content_type)))
}
