//! `/campaigns` and `/campaigns/{id}`: a campaign with its vendors, expenses, activities,
//! reports, invoices and payments, and for the office its totals against the budget. Each part
//! shows only what the user's role reads, in its scope; a campaign outside the scope is 404.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use maud::{Markup, html};
use rust_decimal::Decimal;

use super::PageResult;
use super::layout::{self, money, reads_all};
use super::params::Params;
use super::session::Signed;
use crate::api::v1::resources::{authorize, scope_of};
use crate::auth::AuthUser;
use crate::auth::matrix::{self, Action, Resource};
use crate::db::pages::campaigns::{self as queries, Campaign, Invoice, Payment};
use crate::db::pages::expenses::{self as expense_queries, ExpenseFilter};
use crate::db::pages::field;
use crate::db::scope::Clause;
use crate::error::Error;
use crate::state::AppState;

const STATUSES: &[&str] = &["planning", "upcoming", "running", "hold", "completed", "cancelled"];

/// The user's scope on `resource` when the role reads it at all.
pub fn scope_if_reads(user: &AuthUser, resource: Resource) -> Option<Option<Clause>> {
    matrix::grant(user.role, resource).filter(|g| g.allows(Action::Read)).map(|g| scope_of(g, user))
}

/// `GET /campaigns`.
pub async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<HashMap<String, String>>,
) -> PageResult {
    let user = &signed.user;
    let grant = authorize(user, Resource::Campaigns, Action::Read)?;
    let status = Params::new(query).choice("status", STATUSES)?;
    let mut conn = state.pool.acquire().await?;
    let rows = queries::list(&mut conn, scope_of(grant, user).as_ref(), status.as_deref()).await?;
    let body = html! {
        form #filters .filters method="get" action="/campaigns" {
            label { "Status"
                select name="status" {
                    option value="" { "All" }
                    @for s in STATUSES { option value=(s) selected[status.as_deref() == Some(*s)] { (s) } }
                }
            }
            button type="submit" { "Show" }
        }
        (table(&rows, reads_all(user.role, Resource::Campaigns) || user.role == shared_model::Role::Client))
    };
    Ok(layout::page(&signed, "/campaigns", "Campaigns", &body).into_response())
}

/// Campaigns as a table; the budget column only for those who may see it.
pub fn table(rows: &[Campaign], show_budget: bool) -> Markup {
    html! {
        table #campaigns {
            thead { tr {
                th { "Campaign" } th { "Client" } th { "Type" } th { "Status" } th { "Dates" }
                @if show_budget { th.num { "Budget" } }
            } }
            tbody {
                @for c in rows {
                    tr data-campaign-id=(c.id) {
                        td { a href={ "/campaigns/" (c.id) } { (c.name) } br; small { (c.project) } }
                        td { (c.client) }
                        td { (c.campaign_type) }
                        td { (layout::status(&c.status)) }
                        td { (dates(c)) }
                        @if show_budget { td.num { (c.budget.map(money).unwrap_or_default()) } }
                    }
                }
                @if rows.is_empty() { tr { td colspan="6" { "No campaigns." } } }
            }
        }
    }
}

fn dates(c: &Campaign) -> String {
    match (c.start_date, c.end_date) {
        (Some(start), Some(end)) => format!("{} – {}", layout::date(start), layout::date(end)),
        (Some(start), None) => format!("from {}", layout::date(start)),
        (None, Some(end)) => format!("until {}", layout::date(end)),
        (None, None) => String::new(),
    }
}

/// `GET /campaigns/{id}`.
pub async fn page(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> PageResult {
    let user = &signed.user;
    let grant = authorize(user, Resource::Campaigns, Action::Read)?;
    let mut conn = state.pool.acquire().await?;
    let campaign =
        queries::one(&mut conn, scope_of(grant, user).as_ref(), id).await?.ok_or(Error::NotFound("campaign"))?;

    let expenses = match scope_if_reads(user, Resource::Expenses) {
        Some(scope) => {
            let sums = queries::expense_sums(&mut conn, scope.as_ref(), id).await?;
            let filter = ExpenseFilter { campaign_id: Some(id), ..ExpenseFilter::default() };
            let latest = expense_queries::page(&mut conn, scope.as_ref(), &filter, 20).await?;
            Some((sums, latest))
        }
        None => None,
    };
    let activities = match scope_if_reads(user, Resource::PromoterActivities) {
        Some(scope) => Some(field::activities(&mut conn, scope.as_ref(), Some(id), None, None, 12).await?),
        None => None,
    };
    let reports = match scope_if_reads(user, Resource::Reports) {
        Some(scope) => Some(field::reports(&mut conn, scope.as_ref(), Some(id), None, 50).await?),
        None => None,
    };
    let invoices = match scope_if_reads(user, Resource::Invoices) {
        Some(scope) => Some(queries::invoices(&mut conn, scope.as_ref(), Some(id), None).await?),
        None => None,
    };
    let payments = match scope_if_reads(user, Resource::Payments) {
        Some(scope) => Some(queries::payments(&mut conn, scope.as_ref(), Some(id), None).await?),
        None => None,
    };
    let office = signed.is_office();
    let body = html! {
        dl.facts {
            dt { "Client" } dd { (campaign.client) " · " (campaign.project) }
            dt { "Type" } dd { (campaign.campaign_type) }
            dt { "Status" } dd { (layout::status(&campaign.status)) }
            dt { "Dates" } dd { (dates(&campaign)) }
            dt { "Where" } dd { (campaign.locations.as_deref().unwrap_or("")) }
            @if let Some(description) = &campaign.description { dt { "About" } dd { (description) } }
        }
        @if office { (totals(&campaign, expenses.as_ref().map(|e| &e.0[..]), invoices.as_deref(), payments.as_deref())) }
        @if let Some(invoices) = &invoices { (vendors(invoices)) }
        @if let Some((sums, latest)) = &expenses {
            section #expenses {
                h2 { "Expenses" }
                p {
                    @for (status, count, amount) in sums { (layout::status(status)) " " (count) " · " (money(*amount)) "  " }
                    @if sums.is_empty() { "None yet." }
                    " " a href={ "/expenses?campaign_id=" (id) } { "All expenses of this campaign →" }
                }
                (super::expenses::table(latest, false, None))
            }
        }
        @if let Some(activities) = &activities {
            section #activities {
                h2 { "Activities" }
                @if reads_all(user.role, Resource::PromoterActivities) {
                    p { a href={ "/activities?campaign_id=" (id) } { "All activities of this campaign →" } }
                }
                (super::activities::list(activities))
            }
        }
        @if let Some(reports) = &reports {
            section #reports { h2 { "Trips and reports" } (super::reports::table(reports, None)) }
        }
        @if let Some(invoices) = &invoices { section #invoices { h2 { "Invoices" } (invoice_table(invoices)) } }
        @if let Some(payments) = &payments { section #payments { h2 { "Payments" } (payment_table(payments)) } }
    };
    Ok(layout::page(&signed, "/campaigns", &campaign.name, &body).into_response())
}

/// Budget against what is approved, invoiced and paid.
fn totals(
    campaign: &Campaign,
    expense_sums: Option<&[(String, i64, Decimal)]>,
    invoices: Option<&[Invoice]>,
    payments: Option<&[Payment]>,
) -> Markup {
    let expense = |status: &str| {
        expense_sums.unwrap_or_default().iter().filter(|(s, _, _)| s == status).map(|(_, _, a)| *a).sum::<Decimal>()
    };
    let approved = expense("approved");
    let pending = expense("pending");
    let invoiced: Decimal =
        invoices.unwrap_or_default().iter().filter(|i| i.status != "rejected").map(|i| i.amount).sum();
    let paid: Decimal = payments.unwrap_or_default().iter().filter(|p| p.status == "completed").map(|p| p.amount).sum();
    let committed = approved + invoiced;
    html! {
        section #totals {
            h2 { "Against the budget" }
            table.totals {
                tbody {
                    tr { th { "Budget" } td.num.budget { (campaign.budget.map(money).unwrap_or_else(|| "not set".into())) } }
                    @if expense_sums.is_some() {
                        tr { th { "Approved expenses" } td.num.spent { (money(approved)) } }
                        tr { th { "Expenses waiting for approval" } td.num { (money(pending)) } }
                    }
                    @if invoices.is_some() { tr { th { "Invoiced by vendors (not rejected)" } td.num { (money(invoiced)) } } }
                    @if payments.is_some() { tr { th { "Paid to vendors" } td.num { (money(paid)) } } }
                    @if let Some(budget) = campaign.budget {
                        tr.remaining.over[committed > budget] {
                            th { "Remaining (budget − approved − invoiced)" }
                            td.num.remaining { (money(budget - committed)) }
                        }
                    }
                }
            }
        }
    }
}

fn vendors(invoices: &[Invoice]) -> Markup {
    let mut by_vendor: BTreeMap<(String, i64), (usize, Decimal)> = BTreeMap::new();
    for invoice in invoices {
        let entry = by_vendor.entry((invoice.vendor.clone(), invoice.vendor_id)).or_default();
        entry.0 += 1;
        entry.1 += invoice.amount;
    }
    html! {
        section #vendors {
            h2 { "Vendors" }
            ul {
                @for ((name, vendor_id), (count, amount)) in &by_vendor {
                    li { a href={ "/vendors/" (vendor_id) } { (name) } " · " (count) " invoices, " (money(*amount)) }
                }
                @if by_vendor.is_empty() { li { "No vendor is assigned yet." } }
            }
        }
    }
}

/// Invoices as a table.
pub fn invoice_table(rows: &[Invoice]) -> Markup {
    html! {
        table.invoices {
            thead { tr { th { "Number" } th { "Vendor" } th { "Campaign" } th { "Date" } th.num { "Amount" } th { "Status" } } }
            tbody {
                @for i in rows {
                    tr data-invoice-id=(i.id) {
                        td { (i.invoice_number) }
                        td { (i.vendor) }
                        td { @if let (Some(id), Some(name)) = (i.campaign_id, &i.campaign) { a href={ "/campaigns/" (id) } { (name) } } }
                        td { (i.invoice_date.map(layout::date).unwrap_or_default()) }
                        td.num { (money(i.amount)) }
                        td { (layout::status(&i.status)) }
                    }
                }
                @if rows.is_empty() { tr { td colspan="6" { "No invoices." } } }
            }
        }
    }
}

/// Payments as a table.
pub fn payment_table(rows: &[Payment]) -> Markup {
    html! {
        table.payments {
            thead { tr { th { "Invoice" } th { "Vendor" } th { "Date" } th { "Method" } th { "Reference" } th.num { "Amount" } th { "Status" } } }
            tbody {
                @for p in rows {
                    tr data-payment-id=(p.id) {
                        td { (p.invoice_number) }
                        td { (p.vendor) }
                        td { (p.payment_date.map(layout::date).unwrap_or_default()) }
                        td { (p.payment_method.as_deref().unwrap_or("")) }
                        td { (p.transaction_reference.as_deref().unwrap_or("")) }
                        td.num { (money(p.amount)) }
                        td { (layout::status(&p.status)) }
                    }
                }
                @if rows.is_empty() { tr { td colspan="7" { "No payments." } } }
            }
        }
    }
}
