//! `GET /healthz`: the process is up. `GET /readyz`: the database answers.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::Method;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::routes::Route;
use crate::error::Error;
use crate::state::AppState;

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/healthz", get(healthz), "health", "The process is up")
            .public()
            .answers(200, "Up", Some(json!({"type": "object", "properties": {"status": {"const": "ok"}}}))),
        Route::new(Method::GET, "/readyz", get(readyz), "health", "The database answers")
            .public()
            .answers(200, "Ready", Some(json!({"type": "object", "properties": {
                "status": {"const": "ready"}, "database": {"const": "connected"}, "schema_version": {"type": ["integer", "null"]}}})))
            .errors(&[503]),
    ]
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
