//! `/api/v1`: authentication, the thirteen tables, the business processes and the dashboards.
//! The whole route table is here.

mod auth;
mod campaigns;
mod dashboards;
mod expenses;
mod field_records;
mod finance;
mod hooks;
mod organisation;
pub mod resources;
pub mod tables;
mod users;

use axum::Router;

use crate::state::AppState;

/// Every `/api/v1` route.
pub(crate) fn router() -> Router<AppState> {
    let mut router = Router::new().merge(auth::router()).merge(expenses::router()).merge(dashboards::router());
    for def in tables::ALL {
        router = router.merge(resources::routes(def));
    }
    router
}
