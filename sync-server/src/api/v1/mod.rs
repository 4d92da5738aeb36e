//! `/api/v1`: one module per resource, each with its `router()`.

mod auth;

use axum::Router;

use crate::state::AppState;

/// Every `/api/v1` route.
pub(crate) fn router() -> Router<AppState> {
    Router::new().merge(auth::router())
}
