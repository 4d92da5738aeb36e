//! Read-only views across tables: the vendor dashboard (seed, "Read Operation Flow"), the
//! managers' summary, and documents about to expire.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::Method;
use axum::routing::get;
use chrono::{Duration, Utc};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use shared_model::Role;

use super::PREFIX;
use super::resources::{authorize, scope_of};
use super::tables::{CAMPAIGNS, INVOICES, PAYMENTS};
use crate::api::openapi;
use crate::api::routes::Route;
use crate::auth::AuthUser;
use crate::auth::matrix::{Action, Resource};
use crate::db;
use crate::db::records::{self, ListQuery};
use crate::error::{Error, Result};
use crate::state::AppState;

pub(super) fn routes() -> Vec<Route> {
    let rows = |spec| json!({"type": "array", "items": openapi::row_schema(spec)});
    let count = json!({"type": "integer"});
    vec![
        Route::new(Method::GET, format!("{PREFIX}/vendor-dashboard"), get(vendor_dashboard), "dashboards", "A vendor's campaigns, invoices, payments and fleet")
            .answers(200, "The vendor's own work", Some(json!({"type": "object", "properties": {
                "vendor_id": count, "campaigns": rows(&CAMPAIGNS.spec), "invoices": rows(&INVOICES.spec),
                "payments": rows(&PAYMENTS.spec), "vehicles": count, "drivers": count}})))
            .errors(&[401, 403]),
        Route::new(Method::GET, format!("{PREFIX}/summary"), get(summary), "dashboards", "Today's numbers for managers")
            .answers(200, "The summary", Some(json!({"type": "object", "properties": {
                "date": {"type": "string", "format": "date"},
                "approved_expenses_today": {"type": "object", "properties": {"count": count, "amount": {"type": "string"}}},
                "pending_expenses": count, "submitted_invoices": count, "running_campaigns": count,
                "activities_today": count, "people_reached_today": count}})))
            .errors(&[401, 403]),
        Route::new(Method::GET, format!("{PREFIX}/compliance/expiring"), get(expiring), "dashboards", "Vehicle documents and driving licences expiring soon")
            .query("days", json!({"type": "integer", "minimum": 0, "maximum": 366, "default": 30}), "the window in days")
            .answers(200, "What expires by `until`", Some(json!({"type": "object", "properties": {
                "until": {"type": "string", "format": "date"},
                "vehicles": {"type": "array", "items": {"type": "object"}},
                "drivers": {"type": "array", "items": {"type": "object"}}}})))
            .errors(&[400, 401, 403]),
    ]
}

/// A vendor's campaigns, invoices and payments, and the size of its fleet.
async fn vendor_dashboard(State(state): State<AppState>, user: AuthUser) -> Result<Json<Value>> {
    if user.role != Role::Vendor {
        return Err(Error::Forbidden("The vendor dashboard is for vendor accounts.".into()));
    }
    let mut conn = state.pool.acquire().await?;
    let everything = ListQuery { limit: 1000, offset: 0, sort: ("id".into(), true), ..ListQuery::default() };
    let part = |resource| -> Result<_> {
        let grant = authorize(&user, resource, Action::Read)?;
        Ok(scope_of(grant, &user))
    };
    let (campaign_scope, invoice_scope, payment_scope) =
        (part(Resource::Campaigns)?, part(Resource::Invoices)?, part(Resource::Payments)?);
    let (campaigns, _) = records::list(&mut conn, &CAMPAIGNS.spec, campaign_scope.as_ref(), &everything).await?;
    let (invoices, _) = records::list(&mut conn, &INVOICES.spec, invoice_scope.as_ref(), &everything).await?;
    let (payments, _) = records::list(&mut conn, &PAYMENTS.spec, payment_scope.as_ref(), &everything).await?;
    let vendor_id = user.vendor_id.unwrap_or_default();
    let (vehicles, drivers): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM vehicles WHERE vendor_id = ? AND is_active = TRUE),
                (SELECT COUNT(*) FROM drivers WHERE vendor_id = ? AND is_active = TRUE)",
    )
    .bind(vendor_id)
    .bind(vendor_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Json(json!({
        "vendor_id": vendor_id,
        "campaigns": campaigns,
        "invoices": invoices,
        "payments": payments,
        "vehicles": vehicles,
        "drivers": drivers,
    })))
}

/// Today's approved expenses, what waits for a decision, running campaigns, today's field work.
async fn summary(State(state): State<AppState>, user: AuthUser) -> Result<Json<Value>> {
    let may_see = [Resource::Expenses, Resource::Campaigns, Resource::Invoices]
        .iter()
        .any(|r| crate::auth::matrix::grant(user.role, *r).is_some_and(|g| g.scope == crate::auth::matrix::Scope::All));
    if !may_see {
        return Err(Error::Forbidden("The summary is for office staff.".into()));
    }
    let today = Utc::now().date_naive();
    let mut conn = state.pool.acquire().await?;
    let (approved_count, approved_amount, pending): (i64, Option<Decimal>, i64) = sqlx::query_as(
        "SELECT CAST(COUNT(CASE WHEN status = 'approved' AND approved_date = ? THEN 1 END) AS SIGNED),
                SUM(CASE WHEN status = 'approved' AND approved_date = ? THEN amount END),
                CAST(COUNT(CASE WHEN status = 'pending' THEN 1 END) AS SIGNED)
         FROM expenses WHERE is_active = TRUE",
    )
    .bind(today)
    .bind(today)
    .fetch_one(&mut *conn)
    .await?;
    let (running, submitted_invoices, activities_today, people_today): (i64, i64, i64, Option<Decimal>) =
        sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM campaigns WHERE status = 'running' AND is_active = TRUE),
                (SELECT COUNT(*) FROM invoices WHERE status = 'submitted' AND is_active = TRUE),
                (SELECT COUNT(*) FROM promoter_activities WHERE activity_date = ? AND is_active = TRUE),
                (SELECT SUM(people_attended) FROM promoter_activities WHERE activity_date = ? AND is_active = TRUE)",
        )
        .bind(today)
        .bind(today)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Json(json!({
        "date": today.to_string(),
        "approved_expenses_today": {"count": approved_count, "amount": format!("{:.2}", approved_amount.unwrap_or_default())},
        "pending_expenses": pending,
        "submitted_invoices": submitted_invoices,
        "running_campaigns": running,
        "activities_today": activities_today,
        "people_reached_today": people_today.map_or(0, |d| d.try_into().unwrap_or(0i64)),
    })))
}

/// Vehicles whose RC, insurance or permit, and drivers whose licence, expire within `days`
/// (default 30) or already have.
async fn expiring(
    State(state): State<AppState>,
    user: AuthUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>> {
    let days: i64 = match query.get("days") {
        None => 30,
        Some(text) => text.parse().ok().filter(|d| (0..=366).contains(d)).ok_or_else(|| Error::BadRequest {
            code: "invalid_query",
            message: "days must be a whole number from 0 to 366".into(),
        })?,
    };
    let until = Utc::now().date_naive() + Duration::days(days);
    let vehicle_grant = authorize(&user, Resource::Vehicles, Action::Read)?;
    let driver_grant = authorize(&user, Resource::Drivers, Action::Read)?;
    let mut conn = state.pool.acquire().await?;

    let vehicles: Vec<Value> = db::fleet::expiring_vehicles(&mut conn, scope_of(vehicle_grant, &user).as_ref(), until)
        .await?
        .iter()
        .map(|v| {
            let documents: Vec<Value> = v
                .documents(until)
                .into_iter()
                .map(|(name, day)| json!({"document": name, "expires_on": day.to_string()}))
                .collect();
            json!({"id": v.id, "vehicle_number": v.vehicle_number, "vendor_id": v.vendor_id, "documents": documents})
        })
        .collect();
    let drivers: Vec<Value> = db::fleet::expiring_drivers(&mut conn, scope_of(driver_grant, &user).as_ref(), until)
        .await?
        .into_iter()
        .map(|d| {
            json!({"id": d.id, "name": d.name, "vendor_id": d.vendor_id, "license_number": d.license_number,
                   "license_validity": d.license_validity.map(|v| v.to_string())})
        })
        .collect();
    Ok(Json(json!({"until": until.to_string(), "vehicles": vehicles, "drivers": drivers})))
}
