//! HTTP: the route table (`routes`), built from each part's `routes()`, the router made from it,
//! and the OpenAPI document made from the same table.

mod health;
pub mod json;
pub mod openapi;
pub mod routes;
pub mod v1;

use std::sync::OnceLock;

use axum::http::Method;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::state::AppState;
use routes::Route;

/// Every route the server answers, with its description.
pub fn route_table() -> Vec<Route> {
    let mut all = health::routes();
    all.extend(v1::routes());
    all.push(
        Route::new(Method::GET, "/api/v1/openapi.json", get(openapi_json), "meta", "This document (OpenAPI 3.1)")
            .public()
            .answers(200, "The OpenAPI document", Some(json!({"type": "object"}))),
    );
    all
}

/// The router made from the route table.
pub fn router(state: AppState) -> Router {
    routes::router(route_table(), state)
}

/// The OpenAPI document of the route table.
pub fn openapi_document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let docs: Vec<(String, String, routes::Doc)> =
            route_table().into_iter().map(|r| (r.method.as_str().to_lowercase(), r.path, r.doc)).collect();
        openapi::document(&docs)
    })
}

async fn openapi_json() -> Json<Value> {
    Json(openapi_document().clone())
}
