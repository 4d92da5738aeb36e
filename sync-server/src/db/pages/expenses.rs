//! Expenses as the expenses page, its CSV export and the campaign page list them.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::{MySql, MySqlConnection, QueryBuilder};

use super::{Choice, and_eq};
use crate::db::records::push_where;
use crate::db::scope::Clause;
use crate::error::Result;

/// Which expenses, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpenseFilter {
    /// pending, approved or rejected.
    pub status: Option<String>,
    /// One campaign.
    pub campaign_id: Option<i64>,
    /// One driver.
    pub driver_id: Option<i64>,
    /// The drivers of one vendor.
    pub vendor_id: Option<i64>,
    /// Submitted on or after.
    pub from: Option<NaiveDate>,
    /// Submitted on or before.
    pub to: Option<NaiveDate>,
    /// Older than this id (the next page).
    pub before: Option<i64>,
    /// Newer than this id (the previous page).
    pub after: Option<i64>,
}

/// One expense with the names around it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExpenseLine {
    /// Id.
    pub id: i64,
    /// fuel, toll, food, ...
    pub expense_type: String,
    /// Rupees.
    pub amount: Decimal,
    /// The driver's words.
    pub description: Option<String>,
    /// `media:<sha256>` of the bill.
    pub bill_image: Option<String>,
    /// pending, approved, rejected.
    pub status: String,
    /// The day on the bill.
    pub submitted_date: NaiveDate,
    /// When it was approved.
    pub approved_date: Option<NaiveDate>,
    /// Why it was rejected (or a note on approval).
    pub review_note: Option<String>,
    /// Driver.
    pub driver_id: Option<i64>,
    /// Driver's name.
    pub driver: Option<String>,
    /// The driver's vendor.
    pub vendor: Option<String>,
    /// Campaign.
    pub campaign_id: i64,
    /// Campaign's name.
    pub campaign: String,
    /// Who reviewed it.
    pub reviewer: Option<String>,
}

const SELECT: &str =
    "SELECT t.id, t.expense_type, t.amount, t.description, t.bill_image, CAST(t.status AS CHAR) AS status,
        t.submitted_date, t.approved_date, t.review_note, t.driver_id, d.name AS driver, v.name AS vendor,
        t.campaign_id, c.name AS campaign, r.name AS reviewer
    FROM expenses t
    JOIN campaigns c ON c.id = t.campaign_id
    LEFT JOIN drivers d ON d.id = t.driver_id
    LEFT JOIN vendors v ON v.id = d.vendor_id
    LEFT JOIN users r ON r.id = t.reviewed_by_id";

fn push_filter(qb: &mut QueryBuilder<MySql>, scope: Option<&Clause>, filter: &ExpenseFilter) {
    push_where(qb, scope, false);
    and_eq(qb, "t.status", filter.status.clone());
    and_eq(qb, "t.campaign_id", filter.campaign_id);
    and_eq(qb, "t.driver_id", filter.driver_id);
    if let Some(vendor) = filter.vendor_id {
        qb.push(" AND t.driver_id IN (SELECT dv.id FROM drivers dv WHERE dv.vendor_id = ");
        qb.push_bind(vendor);
        qb.push(")");
    }
    if let Some(from) = filter.from {
        qb.push(" AND t.submitted_date >= ");
        qb.push_bind(from);
    }
    if let Some(to) = filter.to {
        qb.push(" AND t.submitted_date <= ");
        qb.push_bind(to);
    }
}

/// One page of at most `limit` expenses, newest first; keyset-paged on the id (`before` for the
/// next page, `after` for the previous), so every page costs the same however deep it is.
pub async fn page(
    conn: &mut MySqlConnection,
    scope: Option<&Clause>,
    filter: &ExpenseFilter,
    limit: i64,
) -> Result<Vec<ExpenseLine>> {
    let mut qb = QueryBuilder::new(SELECT);
    push_filter(&mut qb, scope, filter);
    let backwards = filter.after.is_some() && filter.before.is_none();
    if let Some(before) = filter.before {
        qb.push(" AND t.id < ");
        qb.push_bind(before);
    } else if let Some(after) = filter.after {
        qb.push(" AND t.id > ");
        qb.push_bind(after);
    }
    qb.push(if backwards { " ORDER BY t.id ASC LIMIT " } else { " ORDER BY t.id DESC LIMIT " });
    qb.push_bind(limit);
    let mut rows: Vec<ExpenseLine> = qb.build_query_as().fetch_all(&mut *conn).await?;
    if backwards {
        rows.reverse();
    }
    Ok(rows)
}

/// Every matching expense, newest first, up to `cap` rows (the CSV export).
pub async fn all(
    conn: &mut MySqlConnection,
    scope: Option<&Clause>,
    filter: &ExpenseFilter,
    cap: i64,
) -> Result<Vec<ExpenseLine>> {
    let mut qb = QueryBuilder::new(SELECT);
    push_filter(&mut qb, scope, filter);
    qb.push(" ORDER BY t.id DESC LIMIT ");
    qb.push_bind(cap);
    Ok(qb.build_query_as().fetch_all(&mut *conn).await?)
}

/// How many expenses match (paging aside) and their total amount.
pub async fn totals(
    conn: &mut MySqlConnection,
    scope: Option<&Clause>,
    filter: &ExpenseFilter,
) -> Result<(i64, Decimal)> {
    let mut qb = QueryBuilder::new("SELECT CAST(COUNT(*) AS SIGNED), COALESCE(SUM(t.amount), 0) FROM expenses t");
    push_filter(&mut qb, scope, filter);
    Ok(qb.build_query_as().fetch_one(&mut *conn).await?)
}

/// Whether an expense matching the filter exists with an id beyond `id` (`older`: below it).
pub async fn exists_beyond(
    conn: &mut MySqlConnection,
    scope: Option<&Clause>,
    filter: &ExpenseFilter,
    id: i64,
    older: bool,
) -> Result<bool> {
    let mut qb = QueryBuilder::new("SELECT EXISTS (SELECT 1 FROM expenses t");
    let filter = ExpenseFilter { before: None, after: None, ..filter.clone() };
    push_filter(&mut qb, scope, &filter);
    qb.push(if older { " AND t.id < " } else { " AND t.id > " });
    qb.push_bind(id);
    qb.push(")");
    let found: i64 = qb.build_query_scalar().fetch_one(&mut *conn).await?;
    Ok(found != 0)
}

/// The choices of the filters: campaigns, drivers and vendors that have expenses in scope.
pub async fn choices(
    conn: &mut MySqlConnection,
    scope: Option<&Clause>,
) -> Result<(Vec<Choice>, Vec<Choice>, Vec<Choice>)> {
    let mut lists = Vec::new();
    for (select, group) in [
        ("SELECT c.id, c.name FROM campaigns c WHERE c.id IN (SELECT t.campaign_id FROM expenses t", "c.name"),
        ("SELECT d.id, d.name FROM drivers d WHERE d.id IN (SELECT t.driver_id FROM expenses t", "d.name"),
        (
            "SELECT v.id, v.name FROM vendors v WHERE v.id IN (SELECT dv.vendor_id FROM drivers dv JOIN expenses t ON t.driver_id = dv.id",
            "v.name",
        ),
    ] {
        let mut qb = QueryBuilder::new(select);
        push_where(&mut qb, scope, false);
        qb.push(format!(") ORDER BY {group}"));
        let rows: Vec<Choice> = qb.build_query_as().fetch_all(&mut *conn).await?;
        lists.push(rows);
    }
    let vendors = lists.pop().unwrap_or_default();
    let drivers = lists.pop().unwrap_or_default();
    let campaigns = lists.pop().unwrap_or_default();
    Ok((campaigns, drivers, vendors))
}
