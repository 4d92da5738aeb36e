//! Campaigns as the campaign list and the campaign page show them, with what hangs off one:
//! its vendors, invoices, payments and the sums of its expenses.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::{MySqlConnection, QueryBuilder};

use crate::db::records::push_where;
use crate::db::scope::Clause;
use crate::error::Result;

/// A campaign and whose it is.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Campaign {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// What it is about.
    pub description: Option<String>,
    /// Its project.
    pub project: String,
    /// The project's client.
    pub client: String,
    /// l_shape, btl, roadshow, sampling, other.
    pub campaign_type: String,
    /// planning .. cancelled.
    pub status: String,
    /// Starts.
    pub start_date: Option<NaiveDate>,
    /// Ends.
    pub end_date: Option<NaiveDate>,
    /// Budget.
    pub budget: Option<Decimal>,
    /// Where.
    pub locations: Option<String>,
}

const SELECT: &str = "SELECT t.id, t.name, t.description, p.name AS project, cl.name AS client,
        CAST(t.campaign_type AS CHAR) AS campaign_type, CAST(t.status AS CHAR) AS status, t.start_date, t.end_date,
        t.budget, t.locations
    FROM campaigns t JOIN projects p ON p.id = t.project_id JOIN clients cl ON cl.id = p.client_id";

/// Campaigns in `scope`: running first, then by start date, newest first.
pub async fn list(conn: &mut MySqlConnection, scope: Option<&Clause>, status: Option<&str>) -> Result<Vec<Campaign>> {
    let mut qb = QueryBuilder::new(SELECT);
    push_where(&mut qb, scope, false);
    if let Some(status) = status {
        qb.push(" AND t.status = ");
        qb.push_bind(status.to_owned());
    }
    qb.push(" ORDER BY t.status <> 'running', t.start_date DESC, t.name LIMIT 1000");
    Ok(qb.build_query_as().fetch_all(conn).await?)
}

/// Campaign `id`, if it is in `scope`.
pub async fn one(conn: &mut MySqlConnection, scope: Option<&Clause>, id: i64) -> Result<Option<Campaign>> {
    let mut qb = QueryBuilder::new(SELECT);
    push_where(&mut qb, scope, false);
    qb.push(" AND t.id = ");
    qb.push_bind(id);
    Ok(qb.build_query_as().fetch_optional(conn).await?)
}

/// A campaign's expenses by status: (status, count, amount).
pub async fn expense_sums(
    conn: &mut MySqlConnection,
    scope: Option<&Clause>,
    campaign_id: i64,
) -> Result<Vec<(String, i64, Decimal)>> {
    let mut qb = QueryBuilder::new(
        "SELECT CAST(t.status AS CHAR), CAST(COUNT(*) AS SIGNED), COALESCE(SUM(t.amount), 0) FROM expenses t",
    );
    push_where(&mut qb, scope, false);
    qb.push(" AND t.campaign_id = ");
    qb.push_bind(campaign_id);
    qb.push(" GROUP BY t.status ORDER BY t.status");
    Ok(qb.build_query_as().fetch_all(conn).await?)
}

/// An invoice with its vendor's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invoice {
    /// Id.
    pub id: i64,
    /// The vendor's number.
    pub invoice_number: String,
    /// Vendor.
    pub vendor_id: i64,
    /// Vendor's name.
    pub vendor: String,
    /// Campaign, if any.
    pub campaign_id: Option<i64>,
    /// Campaign's name.
    pub campaign: Option<String>,
    /// Amount.
    pub amount: Decimal,
    /// Dated.
    pub invoice_date: Option<NaiveDate>,
    /// pending .. paid.
    pub status: String,
}

/// Invoices in `scope` of a campaign or of a vendor.
pub async fn invoices(
    conn: &mut MySqlConnection,
    scope: Option<&Clause>,
    campaign_id: Option<i64>,
    vendor_id: Option<i64>,
) -> Result<Vec<Invoice>> {
    let mut qb = QueryBuilder::new(
        "SELECT t.id, t.invoice_number, t.vendor_id, v.name AS vendor, t.campaign_id, c.name AS campaign, t.amount,
                t.invoice_date, CAST(t.status AS CHAR) AS status
         FROM invoices t JOIN vendors v ON v.id = t.vendor_id LEFT JOIN campaigns c ON c.id = t.campaign_id",
    );
    push_where(&mut qb, scope, false);
    super::and_eq(&mut qb, "t.campaign_id", campaign_id);
    super::and_eq(&mut qb, "t.vendor_id", vendor_id);
    qb.push(" ORDER BY t.invoice_date DESC, t.id DESC LIMIT 1000");
    Ok(qb.build_query_as().fetch_all(conn).await?)
}

/// A payment with its invoice's number.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Payment {
    /// Id.
    pub id: i64,
    /// Invoice paid.
    pub invoice_number: String,
    /// Vendor's name.
    pub vendor: String,
    /// Amount.
    pub amount: Decimal,
    /// Paid on.
    pub payment_date: Option<NaiveDate>,
    /// pending .. completed.
    pub status: String,
    /// How.
    pub payment_method: Option<String>,
    /// Bank reference.
    pub transaction_reference: Option<String>,
}

/// Payments in `scope` of a campaign's invoices or of a vendor.
pub async fn payments(
    conn: &mut MySqlConnection,
    scope: Option<&Clause>,
    campaign_id: Option<i64>,
    vendor_id: Option<i64>,
) -> Result<Vec<Payment>> {
    let mut qb = QueryBuilder::new(
        "SELECT t.id, i.invoice_number, v.name AS vendor, t.amount, t.payment_date, CAST(t.status AS CHAR) AS status,
                CAST(t.payment_method AS CHAR) AS payment_method, t.transaction_reference
         FROM payments t JOIN invoices i ON i.id = t.invoice_id JOIN vendors v ON v.id = t.vendor_id",
    );
    push_where(&mut qb, scope, false);
    super::and_eq(&mut qb, "i.campaign_id", campaign_id);
    super::and_eq(&mut qb, "t.vendor_id", vendor_id);
    qb.push(" ORDER BY t.payment_date DESC, t.id DESC LIMIT 1000");
    Ok(qb.build_query_as().fetch_all(conn).await?)
}
