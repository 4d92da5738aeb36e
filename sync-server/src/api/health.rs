//! `GET /healthz`: the process is up. `GET /readyz`: the database answers.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::error::Error;
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

async fn readyz(State(state): State<AppState>) -> Response {
    if !crate::db::ping(&state.pool, Duration::from_secs(2)).await {
        return Error::DatabaseUnavailable("readiness check: the database did not answer".into()).into_response();
    }
    match crate::db::schema_version(&state.pool).await {
        Ok(version) => {
            (StatusCode::OK, Json(json!({"status": "ready", "database": "connected", "schema_version": version})))
                .into_response()
        }
        Err(error) => error.into_response(),
    }
}
