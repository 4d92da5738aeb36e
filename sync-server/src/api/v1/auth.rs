//! `POST /auth/login`, `POST /auth/refresh`, `POST /auth/logout`, `GET /auth/me`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::api::json::ApiJson;
use shared_model::protocol::{LoginRequest, RefreshRequest, SessionResponse, SessionUser};

use crate::auth::{AuthUser, sessions};
use crate::error::Result;
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/refresh", post(refresh))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(me))
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
