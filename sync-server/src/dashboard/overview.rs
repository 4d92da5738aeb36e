//! `/`: the office's overview. Today's and this week's approved expenses, what waits for a
//! decision, field work and kilometres, running campaigns, documents expiring within 30 days, and
//! the field devices with their last sync (a phone silent for a day stands out). Each part shows
//! only to roles that read its table in full.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use chrono::{Datelike, Duration, Utc};
use maud::{Markup, html};

use super::PageResult;
use super::layout::{self, money, reads_all};
use super::session::{Signed, home_of};
use crate::api::v1::resources::scope_of;
use crate::auth::matrix::{self, Resource};
use crate::db::{self, pages::overview as queries};
use crate::state::AppState;

/// A device silent longer than this stands out.
const SILENT_HOURS: i64 = 24;
/// Documents expiring within this many days are listed.
const EXPIRY_DAYS: i64 = 30;

fn figure(key: &str, label: &str, value: &str, detail: Option<String>) -> Markup {
    html! {
        div.figure data-figure=(key) {
            span.value { (value) }
            span.label { (label) }
            @if let Some(detail) = detail { span.detail { (detail) } }
        }
    }
}

fn plural(n: i64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// `GET /`.
pub async fn page(State(state): State<AppState>, signed: Signed) -> PageResult {
    if !signed.is_office() {
        return Ok(Redirect::to(home_of(signed.user.role)).into_response());
    }
    let role = signed.user.role;
    let now = Utc::now();
    let today = now.date_naive();
    let week_start = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let mut conn = state.pool.acquire().await?;
    let mut figures = Vec::new();
    if reads_all(role, Resource::Expenses) {
        let day = queries::approved_between(&mut conn, today, today).await?;
        let week = queries::approved_between(&mut conn, week_start, today).await?;
        let (pending, pending_amount) = queries::pending(&mut conn).await?;
        figures.push(figure(
            "approved-today",
            "approved today",
            &money(day.amount),
            Some(plural(day.count, "expense")),
        ));
        figures.push(figure(
            "approved-week",
            "approved this week",
            &money(week.amount),
            Some(plural(week.count, "expense")),
        ));
        figures.push(figure("pending", "waiting for approval", &pending.to_string(), Some(money(pending_amount))));
    }
    if reads_all(role, Resource::PromoterActivities) {
        let (activities, people) = queries::activities_between(&mut conn, today, today).await?;
        let (week_activities, week_people) = queries::activities_between(&mut conn, week_start, today).await?;
        figures.push(figure(
            "activities-today",
            "activities today",
            &activities.to_string(),
            Some(format!("{week_activities} this week")),
        ));
        figures.push(figure(
            "people-today",
            "people reached today",
            &people.to_string(),
            Some(format!("{week_people} this week")),
        ));
    }
    if reads_all(role, Resource::Reports) {
        let (trips, km) = queries::km_between(&mut conn, week_start, today).await?;
        figures.push(figure(
            "km-week",
            "km travelled this week",
            &format!("{km:.1}"),
            Some(format!("{trips} trip{}", if trips == 1 { "" } else { "s" })),
        ));
    }
    let running = if reads_all(role, Resource::Campaigns) {
        let running = queries::running_campaigns(&mut conn).await?;
        figures.push(figure("running-campaigns", "running campaigns", &running.len().to_string(), None));
        Some(running)
    } else {
        None
    };
    let until = today + Duration::days(EXPIRY_DAYS);
    let vehicles = match matrix::grant(role, Resource::Vehicles) {
        Some(grant) => {
            Some(db::fleet::expiring_vehicles(&mut conn, scope_of(grant, &signed.user).as_ref(), until).await?)
        }
        None => None,
    };
    let drivers = match matrix::grant(role, Resource::Drivers) {
        Some(grant) => {
            Some(db::fleet::expiring_drivers(&mut conn, scope_of(grant, &signed.user).as_ref(), until).await?)
        }
        None => None,
    };
    let devices = if layout::sees_conflicts(role) { Some(queries::devices(&mut conn).await?) } else { None };

    let body = html! {
        p.lead { "Today is " (layout::date(today)) "; the week began " (layout::date(week_start)) "." }
        section.figures { @for f in &figures { (f) } }
        @if let Some(running) = &running {
            section #running {
                h2 { "Running campaigns" }
                table #running-campaigns {
                    thead { tr { th { "Campaign" } th { "Client" } th { "Ends" } th.num { "Budget" } th.num { "Approved expenses" } } }
                    tbody {
                        @for c in running {
                            tr data-campaign-id=(c.id) {
                                td { a href={ "/campaigns/" (c.id) } { (c.name) } }
                                td { (c.client) }
                                td { (c.end_date.map(layout::date).unwrap_or_default()) }
                                td.num { (c.budget.map(money).unwrap_or_default()) }
                                td.num { (money(c.spent)) }
                            }
                        }
                        @if running.is_empty() { tr { td colspan="5" { "No campaign is running." } } }
                    }
                }
            }
        }
        @if vehicles.is_some() || drivers.is_some() {
            section {
                h2 { "Documents expiring by " (layout::date(until)) }
                table #expiring {
                    thead { tr { th { "What" } th { "Vendor" } th { "Document" } th { "Expires" } } }
                    tbody {
                        @for v in vehicles.iter().flatten() {
                            @for (document, day) in v.documents(until) {
                                tr.expired[day < today] {
                                    td { "Vehicle " (v.vehicle_number) }
                                    td { (v.vendor.as_deref().unwrap_or("—")) }
                                    td { (document) }
                                    td { (layout::date(day)) }
                                }
                            }
                        }
                        @for d in drivers.iter().flatten() {
                            @if let Some(day) = d.license_validity {
                                tr.expired[day < today] {
                                    td { "Driver " (d.name) }
                                    td { (d.vendor.as_deref().unwrap_or("—")) }
                                    td { "licence " (d.license_number.as_deref().unwrap_or("")) }
                                    td { (layout::date(day)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(devices) = &devices {
            section {
                h2 { "Field devices" }
                p.hint { "A phone that has not synced for a day is marked: its captures are waiting on it." }
                table #devices {
                    thead { tr { th { "User" } th { "Role" } th { "Last sync" } th { "Last push" } th { "Last pull" } th { "App" } } }
                    tbody {
                        @for d in devices {
                            @let last = d.last_sync();
                            tr.stale[now - last > Duration::hours(SILENT_HOURS)] data-device-id=(d.device_id) {
                                td.user { (d.user.as_deref().unwrap_or("—")) }
                                td { (d.role.as_deref().unwrap_or("")) }
                                td.last-sync title=(layout::time(last)) { (layout::ago(last, now)) }
                                td { (d.last_push_at.map(|t| layout::ago(t, now)).unwrap_or_else(|| "never".into())) }
                                td { (d.last_pull_at.map(|t| layout::ago(t, now)).unwrap_or_else(|| "never".into())) }
                                td { small { (d.user_agent.as_deref().unwrap_or("")) } }
                            }
                        }
                        @if devices.is_empty() { tr { td colspan="6" { "No phone has synced yet." } } }
                    }
                }
            }
        }
    };
    Ok(layout::page(&signed, "/", "Overview", &body).into_response())
}
