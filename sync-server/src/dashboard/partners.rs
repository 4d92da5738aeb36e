//! The pages of the company's partners: a vendor's own page (the seed's vendor dashboard: its
//! vehicles, drivers, invoices, payments and campaigns), the office's list of vendors, and a
//! client's read-only page of its projects and campaigns. A vendor asking for another vendor's
//! page gets 404, as the API answers for a row outside the scope.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use chrono::{Duration, NaiveDate, Utc};
use maud::{Markup, html};
use shared_model::Role;

use super::PageResult;
use super::campaigns::{invoice_table, payment_table, scope_if_reads};
use super::layout::{self, money};
use super::session::Signed;
use crate::api::v1::resources::{authorize, scope_of};
use crate::auth::matrix::{self, Action, Resource};
use crate::db::pages::{campaigns as campaign_queries, partners as queries};
use crate::error::Error;
use crate::state::AppState;

/// Documents expiring within this many days are marked.
const WARN_DAYS: i64 = 30;

/// `GET /vendor`: a vendor's own page.
pub async fn own_vendor(signed: Signed) -> PageResult {
    match (signed.user.role, signed.user.vendor_id) {
        (Role::Vendor, Some(id)) => Ok(Redirect::to(&format!("/vendors/{id}")).into_response()),
        _ => Err(Error::NotFound("vendor page").into()),
    }
}

/// `GET /vendors`: every vendor, for the roles that read them all.
pub async fn vendors(State(state): State<AppState>, signed: Signed) -> PageResult {
    let user = &signed.user;
    let grant = authorize(user, Resource::Vendors, Action::Read)?;
    let mut conn = state.pool.acquire().await?;
    let rows = queries::vendors(&mut conn, scope_of(grant, user).as_ref()).await?;
    let body = html! {
        table #vendors {
            thead { tr { th { "Vendor" } th { "Company" } th { "Contact" } th { "Phone" } th { "Email" } } }
            tbody {
                @for v in &rows {
                    tr data-vendor-id=(v.id) {
                        td { a href={ "/vendors/" (v.id) } { (v.name) } }
                        td { (v.company.as_deref().unwrap_or("")) }
                        td { (v.contact_person.as_deref().unwrap_or("")) }
                        td { (v.phone.as_deref().unwrap_or("")) }
                        td { (v.email.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
    };
    Ok(layout::page(&signed, "/vendors", "Vendors", &body).into_response())
}

fn validity(day: Option<NaiveDate>, today: NaiveDate) -> Markup {
    match day {
        None => html! { span.none { "—" } },
        Some(day) => html! {
            span.expired[day < today].expiring[day >= today && day <= today + Duration::days(WARN_DAYS)] { (layout::date(day)) }
        },
    }
}

/// `GET /vendors/{id}`.
pub async fn vendor(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> PageResult {
    let user = &signed.user;
    let grant = authorize(user, Resource::Vendors, Action::Read).map_err(|_| Error::NotFound("vendor"))?;
    let mut conn = state.pool.acquire().await?;
    let vendor =
        queries::vendor(&mut conn, scope_of(grant, user).as_ref(), id).await?.ok_or(Error::NotFound("vendor"))?;
    let today = Utc::now().date_naive();
    let vehicles = match scope_if_reads(user, Resource::Vehicles) {
        Some(scope) => Some(queries::vehicles(&mut conn, scope.as_ref(), id).await?),
        None => None,
    };
    let drivers = match scope_if_reads(user, Resource::Drivers) {
        Some(scope) => Some(queries::drivers(&mut conn, scope.as_ref(), id).await?),
        None => None,
    };
    let invoices = match scope_if_reads(user, Resource::Invoices) {
        Some(scope) => Some(campaign_queries::invoices(&mut conn, scope.as_ref(), None, Some(id)).await?),
        None => None,
    };
    let payments = match scope_if_reads(user, Resource::Payments) {
        Some(scope) => Some(campaign_queries::payments(&mut conn, scope.as_ref(), None, Some(id)).await?),
        None => None,
    };
    let campaigns: BTreeMap<i64, String> =
        invoices.iter().flatten().filter_map(|i| i.campaign_id.zip(i.campaign.clone())).collect();
    let may_open_campaigns = matrix::allows(user.role, Resource::Campaigns, Action::Read);
    let outstanding: rust_decimal::Decimal = invoices
        .iter()
        .flatten()
        .filter(|i| matches!(i.status.as_str(), "submitted" | "approved"))
        .map(|i| i.amount)
        .sum();
    let body = html! {
        dl.facts {
            dt { "Company" } dd { (vendor.company.as_deref().unwrap_or("")) }
            dt { "Contact" } dd { (vendor.contact_person.as_deref().unwrap_or("")) " " (vendor.phone.as_deref().unwrap_or("")) " " (vendor.email.as_deref().unwrap_or("")) }
            @if invoices.is_some() { dt { "Invoiced, not yet paid" } dd.outstanding { (money(outstanding)) } }
        }
        @if !campaigns.is_empty() {
            section #campaigns {
                h2 { "Campaigns" }
                ul { @for (campaign_id, name) in &campaigns {
                    li { @if may_open_campaigns { a href={ "/campaigns/" (campaign_id) } { (name) } } @else { (name) } }
                } }
            }
        }
        @if let Some(vehicles) = &vehicles {
            section #vehicles {
                h2 { "Vehicles" }
                table.vehicles {
                    thead { tr { th { "Number" } th { "Type" } th { "Capacity" } th { "RC" } th { "Insurance" } th { "Permit" } } }
                    tbody {
                        @for v in vehicles {
                            tr data-vehicle-id=(v.id) {
                                td { (v.vehicle_number) }
                                td { (v.vehicle_type.as_deref().unwrap_or("")) }
                                td { (v.capacity.as_deref().unwrap_or("")) }
                                td { (validity(v.rc_validity, today)) }
                                td { (validity(v.insurance_validity, today)) }
                                td { (validity(v.permit_validity, today)) }
                            }
                        }
                        @if vehicles.is_empty() { tr { td colspan="6" { "No vehicles." } } }
                    }
                }
            }
        }
        @if let Some(drivers) = &drivers {
            section #drivers {
                h2 { "Drivers" }
                table.drivers {
                    thead { tr { th { "Name" } th { "Phone" } th { "Licence" } th { "Valid until" } th { "Vehicle" } } }
                    tbody {
                        @for d in drivers {
                            tr data-driver-id=(d.id) {
                                td { (d.name) }
                                td { (d.phone.as_deref().unwrap_or("")) }
                                td { (d.license_number.as_deref().unwrap_or("")) }
                                td { (validity(d.license_validity, today)) }
                                td { (d.vehicle_number.as_deref().unwrap_or("")) }
                            }
                        }
                        @if drivers.is_empty() { tr { td colspan="5" { "No drivers." } } }
                    }
                }
            }
        }
        @if let Some(invoices) = &invoices { section #invoices { h2 { "Invoices" } (invoice_table(invoices)) } }
        @if let Some(payments) = &payments { section #payments { h2 { "Payments" } (payment_table(payments)) } }
    };
    let active = if user.role == Role::Vendor { "/vendor" } else { "/vendors" };
    Ok(layout::page(&signed, active, &vendor.name, &body).into_response())
}

/// `GET /client`: a client's projects and campaigns, read-only.
pub async fn client(State(state): State<AppState>, signed: Signed) -> PageResult {
    let user = &signed.user;
    let (Role::Client, Some(client_id)) = (user.role, user.client_id) else {
        return Err(Error::NotFound("client page").into());
    };
    let client_grant = authorize(user, Resource::Clients, Action::Read)?;
    let mut conn = state.pool.acquire().await?;
    let client = queries::client(&mut conn, scope_of(client_grant, user).as_ref(), client_id)
        .await?
        .ok_or(Error::NotFound("client"))?;
    let projects = match scope_if_reads(user, Resource::Projects) {
        Some(scope) => queries::projects(&mut conn, scope.as_ref(), client_id).await?,
        None => Vec::new(),
    };
    let campaigns = match scope_if_reads(user, Resource::Campaigns) {
        Some(scope) => campaign_queries::list(&mut conn, scope.as_ref(), None).await?,
        None => Vec::new(),
    };
    let body = html! {
        p.lead { "Your projects and campaigns. Open a campaign to see the field activities with their photos." }
        section #projects {
            h2 { "Projects" }
            table.projects {
                thead { tr { th { "Project" } th { "Status" } th { "Dates" } th.num { "Budget" } } }
                tbody {
                    @for p in &projects {
                        tr data-project-id=(p.id) {
                            td { (p.name) @if let Some(d) = &p.description { br; small { (d) } } }
                            td { (layout::status(&p.status)) }
                            td { (p.start_date.map(layout::date).unwrap_or_default()) " – " (p.end_date.map(layout::date).unwrap_or_default()) }
                            td.num { (p.budget.map(money).unwrap_or_default()) }
                        }
                    }
                    @if projects.is_empty() { tr { td colspan="4" { "No projects." } } }
                }
            }
        }
        section #client-campaigns { h2 { "Campaigns" } (super::campaigns::table(&campaigns, true)) }
    };
    Ok(layout::page(&signed, "/client", &client.name, &body).into_response())
}
