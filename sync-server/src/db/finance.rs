//! Queries on the money side: `invoices` (and, later, `payments` and `expenses`).

use shared_model::tables::{InvoiceFields, PLACEHOLDER_PREFIX};
use sqlx::MySqlConnection;

use shared_model::protocol::{Op, PullTable};

use super::feed::{self, Audience};
use super::inserted_id;
use crate::error::{Error, Result, ResultExt};

/// The invoice number of the placeholder that links `vendor_id` to `campaign_id`.
pub fn placeholder_number(campaign_id: i64, vendor_id: i64) -> String {
    format!("{PLACEHOLDER_PREFIX}{campaign_id}-{vendor_id}")
}

/// Inserts an invoice; returns its id. An invoice number already in use is a 409.
///
/// An invoice links its vendor to its campaign, and so decides which drivers see the campaign:
/// the campaign is recorded in the change feed, so that those drivers' next pull brings it.
pub async fn insert_invoice(conn: &mut MySqlConnection, i: &InvoiceFields) -> Result<i64> {
    let result = sqlx::query(
        "INSERT INTO invoices (invoice_number, invoice_file, amount, invoice_date, status, vendor_id, campaign_id)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&i.invoice_number)
    .bind(&i.invoice_file)
    .bind(i.amount.get())
    .bind(i.invoice_date)
    .bind(i.status.as_str())
    .bind(i.vendor_id)
    .bind(i.campaign_id)
    .execute(&mut *conn)
    .await
    .on_constraint("uq_invoices_invoice_number", || Error::Conflict {
        code: "invoice_number_taken",
        message: format!("An invoice numbered {} already exists.", i.invoice_number),
    })?;
    let id = inserted_id(&result)?;
    if let Some(campaign_id) = i.campaign_id {
        feed::record(conn, PullTable::Campaigns, campaign_id, None, Op::Upsert, Audience::NONE).await?;
    }
    Ok(id)
}

/// The id of the invoice with this number, active or not.
pub async fn invoice_id_by_number(conn: &mut MySqlConnection, number: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM invoices WHERE invoice_number = ?").bind(number).fetch_optional(conn).await?)
}
