//! `/api/v1`: authentication, the thirteen tables, the business processes and the dashboards.
//! The whole route table is here.

mod auth;
mod campaigns;
mod dashboards;
pub mod expenses;
mod field_records;
mod finance;
mod hooks;
mod media;
mod organisation;
pub mod resources;
pub mod sync;
pub mod tables;
mod users;

use super::routes::Route;

/// Where this version of the API lives.
pub const PREFIX: &str = "/api/v1";

/// Every `/api/v1` route.
pub(crate) fn routes() -> Vec<Route> {
    let mut all = auth::routes();
    all.extend(expenses::routes());
    all.extend(dashboards::routes());
    all.extend(sync::routes());
    all.extend(media::routes());
    for def in tables::ALL {
        all.extend(resources::routes(def));
    }
    all
}
