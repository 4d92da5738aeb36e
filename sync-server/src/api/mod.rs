//! HTTP: the whole route table, readable on one screen. Each part has its own `router()`.

mod health;
pub mod json;
pub mod v1;

use axum::Router;

use crate::state::AppState;

/// Every route the server answers.
pub fn router(state: AppState) -> Router {
    Router::new().merge(health::router()).nest("/api/v1", v1::router()).with_state(state)
}
