//! `/expenses`: the expenses in the user's scope with filters and keyset paging, bill photos,
//! approval and rejection of one or many (roles that may update expenses), and the CSV export of
//! the filtered rows. A review goes through the same code as the API's, so the driver's phone
//! pulls it like any other change.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};

use super::layout::{self, link, money, photo};
use super::params::Params;
use super::session::{Posted, Signed};
use super::{PageError, PageResult};
use crate::api::v1::expenses::{Outcome, review_in_transaction};
use crate::api::v1::resources::{authorize, scope_of};
use crate::auth::matrix::{self, Action, Resource};
use crate::db::pages::expenses::{self as queries, ExpenseFilter, ExpenseLine};
use crate::error::Error;
use crate::state::AppState;

/// Rows per page.
pub const PAGE_SIZE: i64 = 50;
/// The most rows one CSV export holds.
const CSV_CAP: i64 = 100_000;
/// The most expenses one review form may carry.
const MAX_REVIEW: usize = 500;
const STATUSES: &[&str] = &["pending", "approved", "rejected"];

fn filter_of(params: &Params) -> Result<ExpenseFilter, Error> {
    Ok(ExpenseFilter {
        status: params.choice("status", STATUSES)?,
        campaign_id: params.id("campaign_id")?,
        driver_id: params.id("driver_id")?,
        vendor_id: params.id("vendor_id")?,
        from: params.date("from")?,
        to: params.date("to")?,
        before: params.id("before")?,
        after: params.id("after")?,
    })
}

/// The filter as query pairs (paging left out).
fn filter_pairs(filter: &ExpenseFilter) -> Vec<(&'static str, String)> {
    let text = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    vec![
        ("status", filter.status.clone().unwrap_or_default()),
        ("campaign_id", text(filter.campaign_id)),
        ("driver_id", text(filter.driver_id)),
        ("vendor_id", text(filter.vendor_id)),
        ("from", filter.from.map(|d| d.to_string()).unwrap_or_default()),
        ("to", filter.to.map(|d| d.to_string()).unwrap_or_default()),
    ]
}

fn with_page(filter: &ExpenseFilter, key: &'static str, id: i64) -> String {
    let mut pairs = filter_pairs(filter);
    pairs.push((key, id.to_string()));
    link("/expenses", &pairs)
}

/// `GET /expenses`.
pub async fn page(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<HashMap<String, String>>,
) -> PageResult {
    let user = &signed.user;
    let grant = authorize(user, Resource::Expenses, Action::Read)?;
    let scope = scope_of(grant, user);
    let params = Params::new(query);
    let filter = filter_of(&params)?;
    let mut conn = state.pool.acquire().await?;
    let rows = queries::page(&mut conn, scope.as_ref(), &filter, PAGE_SIZE).await?;
    let (count, total) = queries::totals(&mut conn, scope.as_ref(), &filter).await?;
    let (newer, older) = match (rows.first(), rows.last()) {
        (Some(first), Some(last)) => (
            queries::exists_beyond(&mut conn, scope.as_ref(), &filter, first.id, false).await?,
            queries::exists_beyond(&mut conn, scope.as_ref(), &filter, last.id, true).await?,
        ),
        _ => (false, false),
    };
    let (campaigns, drivers, vendors) = queries::choices(&mut conn, scope.as_ref()).await?;
    let may_review = matrix::allows(user.role, Resource::Expenses, Action::Update);
    let here = link("/expenses", &{
        let mut pairs = filter_pairs(&filter);
        pairs.push(("before", filter.before.map(|v| v.to_string()).unwrap_or_default()));
        pairs.push(("after", filter.after.map(|v| v.to_string()).unwrap_or_default()));
        pairs
    });
    let body = html! {
        (layout::notice(review_notice(&params).as_deref()))
        form #filters .filters method="get" action="/expenses" {
            label { "Status"
                select name="status" {
                    option value="" { "All" }
                    @for status in STATUSES {
                        option value=(status) selected[filter.status.as_deref() == Some(*status)] { (status) }
                    }
                }
            }
            (layout::choice("campaign_id", "Campaign", &campaigns, filter.campaign_id))
            (layout::choice("driver_id", "Driver", &drivers, filter.driver_id))
            (layout::choice("vendor_id", "Vendor", &vendors, filter.vendor_id))
            label { "From" input type="date" name="from" value=[filter.from]; }
            label { "To" input type="date" name="to" value=[filter.to]; }
            button type="submit" { "Filter" }
            a href="/expenses" { "Clear" }
        }
        p.summary {
            span #count { (count) } " expenses, " (money(total)) " in all. "
            a #export-csv href=(link("/expenses.csv", &filter_pairs(&filter))) download { "Export CSV" }
        }
        form #review method="post" action="/expenses/review" {
            input type="hidden" name="csrf" value=(signed.csrf);
            input type="hidden" name="back" value=(here);
            @if may_review {
                div.actions {
                    label { "Note for the driver" input type="text" name="note" maxlength="500" placeholder="Why (needed to reject)"; }
                    button type="submit" name="action" value="approve" { "Approve selected" }
                    button.danger type="submit" name="action" value="reject" { "Reject selected" }
                }
            }
            (table(&rows, may_review, Some("expenses")))
        }
        nav.paging {
            @if newer { @if let Some(first) = rows.first() { a #newer href=(with_page(&filter, "after", first.id)) { "← Newer" } } }
            @if older { @if let Some(last) = rows.last() { a #older href=(with_page(&filter, "before", last.id)) { "Older →" } } }
        }
    };
    Ok(layout::page(&signed, "/expenses", "Expenses", &body).into_response())
}

/// The expenses table, with a checkbox on pending rows when the user may review; `id` names the
/// table when it is the page's own (a campaign page embeds it without).
pub fn table(rows: &[ExpenseLine], may_review: bool, id: Option<&str>) -> Markup {
    html! {
        table id=[id] .expenses {
            thead { tr {
                @if may_review { th { input type="checkbox" data-select-all="ids" aria-label="Select all pending"; } }
                th { "Date" } th { "Driver" } th { "Campaign" } th { "Type" } th.num { "Amount" }
                th { "Description" } th { "Bill" } th { "Status" } th { "Review" }
            } }
            tbody {
                @for row in rows {
                    tr data-expense-id=(row.id) {
                        @if may_review {
                            td { @if row.status == "pending" {
                                input type="checkbox" name="ids" value=(row.id) aria-label={ "Select expense " (row.id) };
                            } }
                        }
                        td { (layout::date(row.submitted_date)) }
                        td.driver { (row.driver.as_deref().unwrap_or("—")) @if let Some(v) = &row.vendor { br; small { (v) } } }
                        td.campaign { a href={ "/campaigns/" (row.campaign_id) } { (row.campaign) } }
                        td { (row.expense_type) }
                        td.amount.num { (money(row.amount)) }
                        td.description { (row.description.as_deref().unwrap_or("")) }
                        td.bill { (photo(row.bill_image.as_deref(), "Bill photo")) }
                        td.status { (layout::status(&row.status)) }
                        td.review {
                            @if let Some(day) = row.approved_date { (layout::date(day)) br; }
                            @if let Some(who) = &row.reviewer { small { "by " (who) } }
                            @if let Some(note) = &row.review_note { br; small.note { (note) } }
                        }
                    }
                }
                @if rows.is_empty() { tr { td colspan="10" { "No expenses match." } } }
            }
        }
    }
}

fn review_notice(params: &Params) -> Option<String> {
    let outcome = params.choice("reviewed", &["approved", "rejected"]).ok().flatten()?;
    let done: u32 = params.text("done").and_then(|v| v.parse().ok()).unwrap_or(0);
    let skipped: u32 = params.text("skipped").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut text = format!("{done} expense{} {outcome}.", if done == 1 { "" } else { "s" });
    if skipped > 0 {
        text.push_str(&format!(
            " {skipped} not changed: no longer pending, or not yours to review (the list shows them as they are now)."
        ));
    }
    Some(text)
}

/// `POST /expenses/review`: approve or reject the checked expenses, each in its own transaction
/// (one that someone else already reviewed does not hold up the rest), then back to the list.
pub async fn review(State(state): State<AppState>, posted: Posted) -> PageResult {
    let user = &posted.signed.user;
    authorize(user, Resource::Expenses, Action::Update)?;
    let outcome = match posted.get("action") {
        Some("approve") => Outcome::Approved,
        Some("reject") => Outcome::Rejected,
        _ => return Err(bad("Choose Approve or Reject.")),
    };
    let note = posted.get("note").map(str::trim).filter(|n| !n.is_empty());
    if outcome == Outcome::Rejected && note.is_none() {
        return Err(bad("Write why the expenses are rejected: the driver reads the note on the phone."));
    }
    let ids = posted
        .all("ids")
        .map(|v| v.trim().parse::<i64>().ok().filter(|id| *id > 0))
        .collect::<Option<Vec<i64>>>()
        .ok_or_else(|| bad("Expense ids are whole numbers."))?;
    if ids.is_empty() {
        return Err(bad("Tick at least one expense."));
    }
    if ids.len() > MAX_REVIEW {
        return Err(bad(&format!("At most {MAX_REVIEW} expenses at once.")));
    }
    let (mut done, mut skipped) = (0u32, 0u32);
    for id in ids {
        match review_in_transaction(&state.pool, user, id, outcome, note).await {
            Ok(_) => done += 1,
            Err(Error::Conflict { .. } | Error::NotFound(_)) => skipped += 1,
            Err(other) => return Err(other.into()),
        }
    }
    tracing::info!(user_id = user.id, outcome = outcome.as_str(), done, skipped, "expenses reviewed on the pages");
    let back = posted.get("back").filter(|b| b.starts_with("/expenses") && !b.starts_with("//")).unwrap_or("/expenses");
    let separator = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{separator}reviewed={}&done={done}&skipped={skipped}", outcome.as_str()))
        .into_response())
}

fn bad(message: &str) -> PageError {
    PageError(Error::BadRequest { code: "invalid_form", message: message.to_owned() })
}

/// `GET /expenses.csv`: the filtered expenses (paging aside) as CSV, for spreadsheets. Cells that
/// a spreadsheet would run as a formula are written as text.
pub async fn csv(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<HashMap<String, String>>,
) -> PageResult {
    let user = &signed.user;
    let grant = authorize(user, Resource::Expenses, Action::Read)?;
    let filter = ExpenseFilter { before: None, after: None, ..filter_of(&Params::new(query))? };
    let mut conn = state.pool.acquire().await?;
    let rows = queries::all(&mut conn, scope_of(grant, user).as_ref(), &filter, CSV_CAP).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "id",
            "submitted_date",
            "driver",
            "vendor",
            "campaign",
            "expense_type",
            "amount",
            "status",
            "approved_date",
            "reviewed_by",
            "review_note",
            "description",
            "bill_image",
        ])
        .map_err(|e| Error::Other(e.into()))?;
    for row in &rows {
        let text = |v: &Option<String>| spreadsheet_safe(v.as_deref().unwrap_or(""));
        writer
            .write_record([
                row.id.to_string(),
                row.submitted_date.to_string(),
                text(&row.driver),
                text(&row.vendor),
                spreadsheet_safe(&row.campaign),
                spreadsheet_safe(&row.expense_type),
                row.amount.round_dp(2).to_string(),
                row.status.clone(),
                row.approved_date.map(|d| d.to_string()).unwrap_or_default(),
                text(&row.reviewer),
                text(&row.review_note),
                text(&row.description),
                text(&row.bill_image),
            ])
            .map_err(|e| Error::Other(e.into()))?;
    }
    let bytes = writer.into_inner().map_err(|e| Error::Other(anyhow::anyhow!("csv: {e}")))?;
    let name = format!("expenses-{}.csv", chrono::Utc::now().format("%Y-%m-%d"));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// Text that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading apostrophe.
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_from_phones_stay_text_in_the_export() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("Diesel, NH-48"), "Diesel, NH-48");
    }

    #[test]
    fn paging_links_keep_the_filter() {
        let filter = ExpenseFilter { status: Some("pending".into()), campaign_id: Some(3), ..ExpenseFilter::default() };
        assert_eq!(with_page(&filter, "before", 40), "/expenses?status=pending&campaign_id=3&before=40");
    }

    #[test]
    fn the_notice_counts_what_changed_and_what_did_not() {
        let params = Params::new(
            [("reviewed", "approved"), ("done", "2"), ("skipped", "1")]
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        );
        let text = review_notice(&params).unwrap_or_default();
        assert!(text.starts_with("2 expenses approved."), "{text}");
        assert!(text.contains("1 not changed"), "{text}");
    }
}
