//! `/reports` and `/reports/{id}`: drivers' trips: km, places, notes, photos and the GPS track.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use maud::{Markup, html};
use shared_model::geo::GpsTrack;

use super::PageResult;
use super::layout::{self, link, photo};
use super::params::Params;
use super::session::Signed;
use super::track;
use crate::api::v1::resources::{authorize, scope_of};
use crate::auth::matrix::{Action, Resource};
use crate::db::pages::field::{self, Report};
use crate::error::Error;
use crate::state::AppState;

const PAGE_SIZE: i64 = 50;

/// The report's photos: its `photos_url` is a JSON array of `media:` references.
fn photos(report: &Report) -> Vec<String> {
    report.photos_url.as_deref().and_then(|text| serde_json::from_str::<Vec<String>>(text).ok()).unwrap_or_default()
}

fn km(report: &Report) -> String {
    report.km_travelled.map_or_else(|| "—".to_owned(), |km| format!("{km:.1} km"))
}

/// Reports as a table linking to each; `id` names it when it is the page's own.
pub fn table(rows: &[Report], id: Option<&str>) -> Markup {
    html! {
        table id=[id] .reports {
            thead { tr { th { "Date" } th { "Driver" } th { "Campaign" } th.num { "Distance" } th { "Places" } th { "Photos" } } }
            tbody {
                @for r in rows {
                    tr data-report-id=(r.id) {
                        td { a href={ "/reports/" (r.id) } { (layout::date(r.report_date)) } }
                        td { (r.driver.as_deref().unwrap_or("—")) }
                        td { a href={ "/campaigns/" (r.campaign_id) } { (r.campaign) } }
                        td.num { (km(r)) }
                        td { (r.locations_covered.as_deref().unwrap_or("")) }
                        td { (photos(r).len()) }
                    }
                }
                @if rows.is_empty() { tr { td colspan="6" { "No trips reported yet." } } }
            }
        }
    }
}

/// `GET /reports`.
pub async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<HashMap<String, String>>,
) -> PageResult {
    let user = &signed.user;
    let grant = authorize(user, Resource::Reports, Action::Read)?;
    let params = Params::new(query);
    let (campaign_id, before) = (params.id("campaign_id")?, params.id("before")?);
    let mut conn = state.pool.acquire().await?;
    let rows = field::reports(&mut conn, scope_of(grant, user).as_ref(), campaign_id, before, PAGE_SIZE + 1).await?;
    let shown = &rows[..rows.len().min(usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX))];
    let body = html! {
        (table(shown, Some("reports")))
        @if rows.len() > shown.len() {
            @if let Some(last) = shown.last() {
                nav.paging { a #older href=(link("/reports", &[
                    ("campaign_id", campaign_id.map(|v| v.to_string()).unwrap_or_default()),
                    ("before", last.id.to_string()),
                ])) { "Older →" } }
            }
        }
    };
    Ok(layout::page(&signed, "/reports", "Trips & reports", &body).into_response())
}

/// `GET /reports/{id}`.
pub async fn page(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> PageResult {
    let user = &signed.user;
    let grant = authorize(user, Resource::Reports, Action::Read)?;
    let mut conn = state.pool.acquire().await?;
    let report =
        field::report(&mut conn, scope_of(grant, user).as_ref(), id).await?.ok_or(Error::NotFound("report"))?;
    let track = report.gps_data.as_deref().and_then(|text| serde_json::from_str::<GpsTrack>(text).ok());
    let body = html! {
        dl.facts {
            dt { "Driver" } dd { (report.driver.as_deref().unwrap_or("—")) }
            dt { "Campaign" } dd { a href={ "/campaigns/" (report.campaign_id) } { (report.campaign) } }
            dt { "Date" } dd { (layout::date(report.report_date)) }
            dt { "Distance" } dd.km { (km(&report)) }
            dt { "Places" } dd.locations { (report.locations_covered.as_deref().unwrap_or("")) }
            dt { "Notes" } dd.notes { (report.notes.as_deref().unwrap_or("")) }
            @if let Some(track) = &track {
                dt { "Track" } dd { (track.points().len()) " points, " (format!("{:.1}", track.length_km())) " km measured" }
            }
        }
        @match &track {
            Some(track) => { section.map { (track::svg(track)) } }
            None => { p.hint { "No GPS track was recorded for this trip." } }
        }
        section.photos {
            h2 { "Photos" }
            @for reference in photos(&report) { (photo(Some(&reference), "Trip photo")) }
            @if photos(&report).is_empty() { p { "No photos." } }
        }
    };
    let title = format!("Trip of {}", layout::date(report.report_date));
    Ok(layout::page(&signed, "/reports", &title, &body).into_response())
}
