//! `POST /auth/login`, `POST /auth/refresh`, `POST /auth/logout`, `GET /auth/me`.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::Method;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::PREFIX;
use super::tables::ROLES;
use crate::api::json::ApiJson;
use crate::api::routes::Route;
use shared_model::protocol::{LoginRequest, RefreshRequest, SessionResponse, SessionUser};

use crate::auth::{AuthUser, sessions};
use crate::error::Result;
use crate::state::AppState;

fn session_user_schema() -> Value {
    let id = json!({"type": ["integer", "null"]});
    json!({"type": "object", "required": ["id", "name", "email", "role"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
        "role": {"type": "string", "enum": ROLES},
        "vendor_id": id, "driver_id": id, "promoter_id": id, "client_id": id}})
}

fn session_schema() -> Value {
    json!({"type": "object", "required": ["access_token", "refresh_token", "expires_in", "user"], "properties": {
        "access_token": {"type": "string"}, "refresh_token": {"type": "string"},
        "expires_in": {"type": "integer", "description": "seconds"}, "user": session_user_schema()}})
}

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::POST, format!("{PREFIX}/auth/login"), post(login), "auth", "Sign in")
            .public()
            .body(json!({"type": "object", "required": ["email", "password"], "properties": {
                "email": {"type": "string"}, "password": {"type": "string"},
                "device_id": {"type": "string", "format": "uuid"}}}))
            .answers(200, "A new session", Some(session_schema()))
            .errors(&[400, 401, 413, 415, 429]),
        Route::new(Method::POST, format!("{PREFIX}/auth/refresh"), post(refresh), "auth", "Trade a refresh token for a new pair")
            .public()
            .body(json!({"type": "object", "required": ["refresh_token"], "properties": {"refresh_token": {"type": "string"}}}))
            .answers(200, "The session, with a new refresh token", Some(session_schema()))
            .errors(&[400, 401, 415]),
        Route::new(Method::POST, format!("{PREFIX}/auth/logout"), post(logout), "auth", "End this session")
            .answers(204, "Signed out", None)
            .errors(&[401]),
        Route::new(Method::GET, format!("{PREFIX}/auth/me"), get(me), "auth", "The signed-in user")
            .answers(200, "The user", Some(session_user_schema()))
            .errors(&[401]),
    ]
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<SessionResponse>> {
    Ok(Json(sessions::login(&state.pool, &state.tokens, request, peer.ip()).await?))
}

async fn refresh(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> Result<Json<SessionResponse>> {
    Ok(Json(sessions::refresh(&state.pool, &state.tokens, &request.refresh_token).await?))
}

async fn logout(State(state): State<AppState>, user: AuthUser) -> Result<StatusCode> {
    sessions::logout(&state.pool, user.id, user.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(user: AuthUser) -> Json<SessionUser> {
    Json(user.session_user())
}
