//! `/api/v1/media/...`: resumable photo uploads and serving (SYNC-PROTOCOL.md, "Photos").

use std::collections::HashMap;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use shared_model::error::codes;
use shared_model::protocol::{MAX_PHOTO_BYTES, MediaState, MediaStatus, UploadAnswer};

use super::PREFIX;
use crate::api::routes::Route;
use crate::auth::AuthUser;
use crate::error::{Error, Result};
use crate::limits;
use crate::media::uploads::{self, Outcome, valid_sha};
use crate::state::AppState;

pub(super) fn routes() -> Vec<Route> {
    let status_schema = json!({"type": "object", "required": ["state", "received"], "properties": {
        "state": {"type": "string", "enum": ["complete", "partial", "missing"]}, "received": {"type": "integer"}}});
    let mut put_route = Route::new(
        Method::PUT,
        format!("{PREFIX}/media/{{sha256}}"),
        axum::routing::put(upload),
        "media",
        "Upload a photo's bytes from an offset (whole, or a chunk)",
    )
    .query("offset", json!({"type": "integer", "minimum": 0, "default": 0}), "where these bytes start")
    .answers(
        200,
        "Every byte arrived; the photo is stored",
        Some(json!({"type": "object", "properties": {"state": {"const": "complete"}}})),
    )
    .answers(202, "Some bytes arrived; send more from `received`", Some(status_schema.clone()))
    .errors(&[400, 401, 409, 413, 422]);
    put_route.doc.params.push(json!({"name": "Upload-Length", "in": "header", "required": true, "schema": {"type": "integer", "maximum": MAX_PHOTO_BYTES}}));
    put_route.doc.request = Some(json!({"type": "string", "format": "binary"}));
    vec![
        Route::new(
            Method::GET,
            format!("{PREFIX}/media/{{sha256}}/status"),
            get(status),
            "media",
            "How much of a photo the server has",
        )
        .answers(200, "The upload's state", Some(status_schema))
        .errors(&[400, 401]),
        put_route,
        Route::new(
            Method::GET,
            format!("{PREFIX}/media/{{sha256}}"),
            get(serve),
            "media",
            "A photo, to users who may see a record using it",
        )
        .query("size", json!({"type": "string", "enum": ["thumb"]}), "thumb: longest side 320 px")
        .answers(200, "The photo's bytes", Some(json!({"type": "string", "format": "binary"})))
        .errors(&[400, 401, 404]),
    ]
}

fn check_sha(sha256: &str) -> Result<()> {
    if valid_sha(sha256) {
        Ok(())
    } else {
        Err(Error::BadRequest {
            code: codes::BAD_REQUEST,
            message: "A photo is addressed by the lowercase hex SHA-256 of its bytes.".into(),
        })
    }
}

async fn status(
    State(state): State<AppState>,
    _user: AuthUser,
    Path(sha256): Path<String>,
) -> Result<Json<MediaStatus>> {
    check_sha(&sha256)?;
    Ok(Json(uploads::status(&state.pool, &sha256).await?))
}

async fn upload(
    State(state): State<AppState>,
    user: AuthUser,
    Path(sha256): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    check_sha(&sha256)?;
    let number = |text: Option<&str>, what: &str| -> Result<u64> {
        text.unwrap_or("0").trim().parse::<u64>().map_err(|_| Error::BadRequest {
            code: codes::BAD_REQUEST,
            message: format!("{what} must be a number of bytes"),
        })
    };
    let offset = number(query.get("offset").map(String::as_str), "offset")?;
    let total = headers.get("upload-length").and_then(|v| v.to_str().ok()).ok_or_else(|| Error::BadRequest {
        code: codes::BAD_REQUEST,
        message: "Send Upload-Length: the file's size in bytes.".into(),
    })?;
    let total = number(Some(total), "Upload-Length")?;
    // The body is held in memory while it arrives: a length that cannot be taken is refused before
    // any of it is read, no more than Upload-Length is read, and uploads share a budget of bytes.
    uploads::check_length(total)?;
    let _share = limits::photo_body(total).await?;
    let limit = usize::try_from(total).unwrap_or(usize::MAX);
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(e) if format!("{e:?}").contains("LengthLimit") => {
            return Err(Error::Detailed {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                info: shared_model::ErrorInfo::new(codes::FILE_TOO_LARGE, "More bytes than Upload-Length."),
            });
        }
        Err(_) => {
            // The body broke off: nothing of this chunk is kept. The answer, if it still reaches
            // the phone, is the protocol's "send more from here", never a refusal of the photo.
            let now = uploads::status(&state.pool, &sha256).await?;
            tracing::info!(user_id = user.id, %sha256, received = now.received, "upload body cut off; resume from the server's offset");
            return Ok(match now.state {
                MediaState::Complete => {
                    (StatusCode::OK, Json(UploadAnswer { state: MediaState::Complete, received: None })).into_response()
                }
                _ => (
                    StatusCode::ACCEPTED,
                    Json(UploadAnswer { state: MediaState::Partial, received: Some(now.received) }),
                )
                    .into_response(),
            });
        }
    };
    Ok(match uploads::put(&state.pool, &state.media, &user, &sha256, offset, total, bytes).await? {
        Outcome::Complete => {
            (StatusCode::OK, Json(UploadAnswer { state: MediaState::Complete, received: None })).into_response()
        }
        Outcome::Partial(received) => {
            (StatusCode::ACCEPTED, Json(UploadAnswer { state: MediaState::Partial, received: Some(received) }))
                .into_response()
        }
    })
}

async fn serve(
    State(state): State<AppState>,
    user: AuthUser,
    Path(sha256): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response> {
    check_sha(&sha256)?;
    let thumb = match query.get("size").map(String::as_str) {
        None => false,
        Some("thumb") => true,
        Some(_) => {
            return Err(Error::BadRequest { code: codes::BAD_REQUEST, message: "size is thumb or absent".into() });
        }
    };
    if !uploads::may_see(&state.pool, &user, &sha256).await? {
        tracing::warn!(user_id = user.id, %sha256, "refused: photo of no record the user may see");
        return Err(Error::NotFound("photo"));
    }
    let Some((bytes, content_type)) = uploads::read(&state.pool, &state.media, &sha256, thumb).await? else {
        return Err(Error::NotFound("photo"));
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, max-age=31536000, immutable".to_owned()),
            (header::ETAG, format!("\"{sha256}{}\"", if thumb { "-thumb" } else { "" })),
        ],
        bytes,
    )
        .into_response())
}
