//! `/api/v1/sync/...`: the phone protocol (SYNC-PROTOCOL.md). Every request carries
//! `X-Sync-Protocol: 1`.

use axum::Json;
use axum::body::Body;
use axum::extract::Query;
use axum::extract::{FromRequestParts, State};
use axum::http::Method;
use axum::http::request::Parts;
use axum::routing::{get, post};
use serde_json::json;
use shared_model::error::codes;
use shared_model::protocol::{
    DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_PUSH_BYTES, PROTOCOL_HEADER, PROTOCOL_VERSION, PullResponse, PushResponse,
};
use std::collections::HashMap;

use super::PREFIX;
use crate::api::routes::Route;
use crate::auth::AuthUser;
use crate::error::{Error, Result};
use crate::limits;
use crate::state::AppState;
use crate::sync;

/// Proof that a request speaks protocol version 1.
#[derive(Debug, Clone, Copy)]
pub struct SyncProtocol;

impl<S: Send + Sync> FromRequestParts<S> for SyncProtocol {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let version = parts.headers.get(PROTOCOL_HEADER).and_then(|v| v.to_str().ok()).map(str::trim);
        if version == Some(PROTOCOL_VERSION.to_string().as_str()) {
            Ok(SyncProtocol)
        } else {
            Err(Error::BadRequest {
                code: codes::UNSUPPORTED_PROTOCOL,
                message: format!(
                    "Send {PROTOCOL_HEADER}: {PROTOCOL_VERSION}; this server speaks sync protocol {PROTOCOL_VERSION}."
                ),
            })
        }
    }
}

pub(super) fn routes() -> Vec<Route> {
    let header = json!({"name": PROTOCOL_HEADER, "in": "header", "required": true, "schema": {"const": "1"}});
    let mut push_route = Route::new(Method::POST, format!("{PREFIX}/sync/push"), post(push), "sync", "Send a phone's changes")
        .body(json!({"type": "object", "required": ["device_id", "mutations"], "properties": {
            "device_id": {"type": "string", "format": "uuid"},
            "mutations": {"type": "array", "maxItems": shared_model::protocol::MAX_PUSH_MUTATIONS, "items": {"type": "object",
                "required": ["mutation_id", "table", "op", "uuid", "updated_at"], "properties": {
                    "mutation_id": {"type": "string", "format": "uuid"},
                    "table": {"type": "string", "enum": ["expenses", "promoter_activities", "reports"]},
                    "op": {"type": "string", "enum": ["upsert", "delete"]},
                    "uuid": {"type": "string", "format": "uuid"},
                    "updated_at": {"type": "string", "format": "date-time"},
                    "data": {"type": "object"}}}}}}))
        .answers(200, "One result per mutation, in order", Some(json!({"type": "object", "properties": {
            "server_time": {"type": "string", "format": "date-time"},
            "results": {"type": "array", "items": {"type": "object", "required": ["mutation_id", "status"], "properties": {
                "mutation_id": {"type": "string", "format": "uuid"},
                "status": {"type": "string", "enum": ["applied", "duplicate", "superseded", "rejected"]},
                "original_status": {"type": "string", "enum": ["applied", "superseded", "rejected"]},
                "id": {"type": "integer"}, "row": {"type": "object"},
                "error": {"$ref": "#/components/schemas/Error/properties/error"}}}}}})))
        .errors(&[400, 401, 413, 503]);
    push_route.doc.params.push(header.clone());
    let mut pull_route = Route::new(Method::GET, format!("{PREFIX}/sync/pull"), get(pull), "sync", "Receive what changed for this user")
        .query("cursor", json!({"type": "string"}), "from the last page; none for a first sync")
        .query("limit", json!({"type": "integer", "minimum": 1, "maximum": MAX_PULL_LIMIT, "default": DEFAULT_PULL_LIMIT}), "changes per page")
        .answers(200, "A page of changes", Some(json!({"type": "object", "required": ["changes", "cursor", "has_more", "server_time"], "properties": {
            "changes": {"type": "array", "items": {"type": "object", "required": ["table", "op", "id"], "properties": {
                "table": {"type": "string", "enum": ["campaigns", "drivers", "vehicles", "promoters", "expenses", "promoter_activities", "reports"]},
                "op": {"type": "string", "enum": ["upsert", "delete"]},
                "id": {"type": "integer"}, "uuid": {"type": "string", "format": "uuid"}, "row": {"type": "object"}}}},
            "cursor": {"type": "string"}, "has_more": {"type": "boolean"},
            "server_time": {"type": "string", "format": "date-time"}}})))
        .errors(&[400, 401, 403, 410]);
    pull_route.doc.params.push(header);
    vec![push_route, pull_route]
}

async fn pull(
    State(state): State<AppState>,
    _protocol: SyncProtocol,
    user: AuthUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<PullResponse>> {
    let limit = match query.get("limit") {
        None => i64::from(DEFAULT_PULL_LIMIT),
        Some(text) => {
            text.parse::<i64>().ok().filter(|l| (1..=i64::from(MAX_PULL_LIMIT)).contains(l)).ok_or_else(|| {
                Error::BadRequest { code: codes::BAD_REQUEST, message: format!("limit must be 1 to {MAX_PULL_LIMIT}") }
            })?
        }
    };
    let cursor = query.get("cursor").map(String::as_str).filter(|c| !c.is_empty());
    Ok(Json(sync::pull::pull(&state.pool, &user, cursor, limit).await?))
}

async fn push(
    State(state): State<AppState>,
    _protocol: SyncProtocol,
    user: AuthUser,
    body: Body,
) -> Result<Json<PushResponse>> {
    let received = limits::receive_json(body, MAX_PUSH_BYTES).await.map_err(|refusal| {
        refusal.into_error(Error::PayloadTooLarge {
            code: codes::BATCH_TOO_LARGE,
            message: format!("A push carries at most {} MiB.", MAX_PUSH_BYTES / (1024 * 1024)),
        })
    })?;
    // Parsed, a batch takes many times its size: it is parsed and merged in its turn.
    let _turn = limits::parse_json(received.bytes.len()).await?;
    Ok(Json(sync::push::push(&state.pool, &user, received.bytes.clone()).await?))
}
