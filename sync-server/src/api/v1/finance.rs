//! Invoices and payments (seed, "Vendor Invoice & Payment Processing"): a vendor submits an
//! invoice (a real number replacing its placeholder), accounts approve or reject it, a payment is
//! made only for an approved invoice, one per invoice, and completing it marks the invoice paid.

use chrono::Utc;
use serde_json::{Map, Value};
use shared_model::Role;
use shared_model::protocol::{Op, PullTable};
use shared_model::tables::PLACEHOLDER_PREFIX;
use sqlx::MySqlConnection;

use super::resources::{conflict, invalid};
use crate::auth::AuthUser;
use crate::db::feed::{self, Audience};
use crate::error::{Error, Result};

fn text<'a>(row: &'a Map<String, Value>, key: &str) -> &'a str {
    row.get(key).and_then(Value::as_str).unwrap_or_default()
}

pub(super) fn invoice_before_create(values: &Map<String, Value>) -> Result<()> {
    if text(values, "status") == "paid" {
        return Err(conflict("invalid_transition", "An invoice becomes paid only when its payment is completed."));
    }
    if text(values, "status") == "submitted" {
        check_submittable(values)?;
    }
    Ok(())
}

/// A submitted invoice carries its real number and an amount.
fn check_submittable(values: &Map<String, Value>) -> Result<()> {
    if text(values, "invoice_number").starts_with(PLACEHOLDER_PREFIX) {
        return Err(invalid("invoice_number", "required", "enter the real invoice number before submitting"));
    }
    if matches!(text(values, "amount"), "" | "0.00") {
        return Err(invalid("amount", "out_of_range", "a submitted invoice has an amount above 0.00"));
    }
    Ok(())
}

pub(super) fn invoice_before_update(
    user: &AuthUser,
    before: &Map<String, Value>,
    values: &Map<String, Value>,
) -> Result<()> {
    let (from, to) = (text(before, "status"), text(values, "status"));
    let content_changed = ["invoice_number", "invoice_file", "amount", "invoice_date", "vendor_id", "campaign_id"]
        .iter()
        .any(|k| before.get(*k) != values.get(*k));
    if matches!(from, "approved" | "paid") && (content_changed || to != from) {
        return Err(conflict("invoice_locked", format!("This invoice is {from} and can no longer be changed.")));
    }
    if user.role == Role::Vendor && content_changed && !matches!(from, "pending" | "rejected") {
        return Err(conflict("invoice_locked", "A submitted invoice waits for accounts; it cannot be edited now."));
    }
    if from == to {
        return Ok(());
    }
    match (from, to) {
        ("pending" | "rejected", "submitted") => check_submittable(values),
        ("submitted", "approved" | "rejected") if user.role != Role::Vendor => Ok(()),
        ("submitted", "approved" | "rejected") => {
            Err(Error::Forbidden("Only accounts approve or reject invoices.".into()))
        }
        (_, "paid") => {
            Err(conflict("invalid_transition", "An invoice becomes paid only when its payment is completed."))
        }
        _ => Err(conflict("invalid_transition", format!("An invoice cannot go from {from} to {to}."))),
    }
}

pub(super) async fn invoice_before_delete(conn: &mut MySqlConnection, row: &Map<String, Value>) -> Result<()> {
    let id = row.get("id").and_then(Value::as_i64).unwrap_or_default();
    let paid: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM payments WHERE invoice_id = ? AND is_active = TRUE")
        .bind(id)
        .fetch_one(conn)
        .await?;
    if paid > 0 || text(row, "status") == "paid" {
        return Err(conflict("invoice_has_payment", "This invoice has a payment; delete the payment first."));
    }
    Ok(())
}

pub(super) async fn payment_before_create(conn: &mut MySqlConnection, values: &mut Map<String, Value>) -> Result<()> {
    let invoice_id = values.get("invoice_id").and_then(Value::as_i64).unwrap_or_default();
    let invoice: Option<(String, i64)> = sqlx::query_as(
        "SELECT CAST(status AS CHAR), vendor_id FROM invoices WHERE id = ? AND is_active = TRUE FOR UPDATE",
    )
    .bind(invoice_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((status, vendor_id)) = invoice else {
        return Err(invalid("invoice_id", "not_found", format!("invoice {invoice_id} does not exist")));
    };
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM payments WHERE invoice_id = ?")
        .bind(invoice_id)
        .fetch_one(&mut *conn)
        .await?;
    if existing > 0 {
        return Err(conflict("payment_exists", "This invoice already has its payment."));
    }
    if status != "approved" {
        return Err(conflict(
            "invoice_not_approved",
            format!("Only an approved invoice can be paid; this one is {status}."),
        ));
    }
    if values.get("vendor_id").and_then(Value::as_i64) != Some(vendor_id) {
        return Err(invalid("vendor_id", "mismatch", format!("the invoice is from vendor {vendor_id}")));
    }
    if text(values, "status") == "completed" {
        default_payment_date(values);
    }
    Ok(())
}

fn default_payment_date(values: &mut Map<String, Value>) {
    if values.get("payment_date").is_none_or(Value::is_null) {
        values.insert("payment_date".into(), Value::from(Utc::now().date_naive().to_string()));
    }
}

pub(super) fn payment_before_update(before: &Map<String, Value>, values: &mut Map<String, Value>) -> Result<()> {
    let (from, to) = (text(before, "status").to_owned(), text(values, "status").to_owned());
    if from == "completed" {
        return Err(conflict("payment_locked", "This payment is completed and can no longer be changed."));
    }
    if before.get("invoice_id") != values.get("invoice_id") || before.get("vendor_id") != values.get("vendor_id") {
        return Err(conflict("payment_invoice_fixed", "A payment stays with its invoice; delete it and pay again."));
    }
    let allowed = from == to
        || matches!(
            (from.as_str(), to.as_str()),
            ("pending", "processing" | "completed" | "failed")
                | ("processing", "completed" | "failed")
                | ("failed", "pending" | "processing")
        );
    if !allowed {
        return Err(conflict("invalid_transition", format!("A payment cannot go from {from} to {to}.")));
    }
    if to == "completed" {
        default_payment_date(values);
    }
    Ok(())
}

/// Completing a payment marks its invoice paid, in the same transaction.
pub(super) async fn payment_after_write(
    conn: &mut MySqlConnection,
    before: Option<&Map<String, Value>>,
    values: &Map<String, Value>,
) -> Result<()> {
    let completed_now =
        text(values, "status") == "completed" && before.is_none_or(|b| text(b, "status") != "completed");
    if completed_now {
        let invoice_id = values.get("invoice_id").and_then(Value::as_i64).unwrap_or_default();
        sqlx::query("UPDATE invoices SET status = 'paid', updated_at = UTC_TIMESTAMP(6) WHERE id = ?")
            .bind(invoice_id)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// An invoice links its vendor to its campaign, so it decides which drivers and vendors see the
/// campaign: when an invoice is made, moved or removed, its campaigns are recorded in the change
/// feed so that their pulls bring the campaign, or take it away.
pub(super) async fn invoice_moved_campaigns(
    conn: &mut MySqlConnection,
    before: Option<&Map<String, Value>>,
    after: Option<&Map<String, Value>>,
) -> Result<()> {
    let link = |row: Option<&Map<String, Value>>| {
        row.map(|r| (r.get("campaign_id").and_then(Value::as_i64), r.get("vendor_id").and_then(Value::as_i64)))
    };
    if before.is_some() && link(before) == link(after) {
        return Ok(());
    }
    let mut campaigns: Vec<i64> = [link(before), link(after)].into_iter().flatten().filter_map(|(c, _)| c).collect();
    campaigns.sort_unstable();
    campaigns.dedup();
    for campaign in campaigns {
        feed::record(conn, PullTable::Campaigns, campaign, None, Op::Upsert, Audience::NONE).await?;
    }
    Ok(())
}

pub(super) fn payment_before_delete(row: &Map<String, Value>) -> Result<()> {
    if text(row, "status") == "completed" {
        return Err(conflict("payment_locked", "A completed payment cannot be deleted."));
    }
    Ok(())
}
