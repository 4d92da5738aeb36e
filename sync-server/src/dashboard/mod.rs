//! The manager pages (DESIGN.md decision 10): server-rendered HTML for the office, vendors and
//! clients, on the same users, roles and scopes as the API. Templates are `maud` (escaped by
//! default); the stylesheet and the little JavaScript are compiled in, so nothing is fetched from
//! the internet. One module per page; their queries are in `db::pages`.

pub mod activities;
pub mod campaigns;
pub mod conflicts;
pub mod expenses;
pub mod layout;
pub mod media;
pub mod overview;
pub mod params;
pub mod partners;
pub mod reports;
pub mod session;
pub mod track;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::error::Error;
use crate::state::AppState;

/// What a page handler answers: a page, or an error shown as one.
pub type PageResult = Result<Response, PageError>;

/// An error shown as an HTML page with its status, stable code and message; server faults show
/// a generic message and are logged, as in the API.
#[derive(Debug)]
pub struct PageError(pub Error);

impl<E: Into<Error>> From<E> for PageError {
    fn from(error: E) -> Self {
        PageError(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self.0, "page failed");
        }
        let info = self.0.info();
        (status, layout::error_page(status, &info.code, &info.message)).into_response()
    }
}

/// Every page's route.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/", get(overview::page))
        .route("/expenses", get(expenses::page))
        .route("/expenses.csv", get(expenses::csv))
        .route("/expenses/review", post(expenses::review))
        .route("/activities", get(activities::page))
        .route("/reports", get(reports::list))
        .route("/reports/{id}", get(reports::page))
        .route("/campaigns", get(campaigns::list))
        .route("/campaigns/{id}", get(campaigns::page))
        .route("/conflicts", get(conflicts::page))
        .route("/vendor", get(partners::own_vendor))
        .route("/vendors", get(partners::vendors))
        .route("/vendors/{id}", get(partners::vendor))
        .route("/client", get(partners::client))
        .route("/media/{sha256}", get(media::full))
        .route("/media/{sha256}/thumb", get(media::thumb))
        .route("/static/fleet.css", get(stylesheet))
        .route("/static/fleet.js", get(script))
        .with_state(state)
}

async fn stylesheet() -> Response {
    static_file("text/css; charset=utf-8", include_str!("assets/fleet.css"))
}

async fn script() -> Response {
    static_file("text/javascript; charset=utf-8", include_str!("assets/fleet.js"))
}

fn static_file(content_type: &'static str, text: &'static str) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], text)
        .into_response()
}
