//! Campaigns and their vendors (seed, "Campaign Creation & Vendor Assignment"): a campaign is
//! linked to a vendor by an invoice; assigning vendors creates `PLACEHOLDER-` invoices, removing a
//! vendor soft-deletes its placeholder, deleting the campaign soft-deletes all its placeholders.

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use shared_model::protocol::{Op, PullTable};
use shared_model::tables::PLACEHOLDER_PREFIX;
use sqlx::MySqlConnection;

use super::resources::invalid;
use crate::db::feed::{self, Audience};
use crate::db::finance;
use crate::error::Result;

fn vendor_ids(extras: &Map<String, Value>) -> Result<Option<BTreeSet<i64>>> {
    let Some(value) = extras.get("vendor_ids") else { return Ok(None) };
    let bad = || invalid("vendor_ids", "invalid_format", "vendor_ids must be a list of vendor ids");
    let list = value.as_array().ok_or_else(bad)?;
    let ids = list.iter().map(|v| v.as_i64().filter(|id| *id > 0).ok_or_else(bad)).collect::<Result<BTreeSet<_>>>()?;
    if ids.len() > 100 {
        return Err(invalid("vendor_ids", "out_of_range", "a campaign has at most 100 vendors"));
    }
    Ok(Some(ids))
}

/// Makes the campaign's placeholder invoices match `vendor_ids` in `extras` (when given).
pub(super) async fn set_vendors(
    conn: &mut MySqlConnection,
    campaign_id: i64,
    extras: &Map<String, Value>,
) -> Result<()> {
    let Some(wanted) = vendor_ids(extras)? else { return Ok(()) };
    for vendor_id in &wanted {
        let active: Option<i64> = sqlx::query_scalar("SELECT id FROM vendors WHERE id = ? AND is_active = TRUE")
            .bind(vendor_id)
            .fetch_optional(&mut *conn)
            .await?;
        if active.is_none() {
            return Err(invalid("vendor_ids", "not_found", format!("vendor {vendor_id} does not exist")));
        }
    }
    let current: Vec<(i64, i64, bool)> = sqlx::query_as(
        "SELECT id, vendor_id, is_active FROM invoices WHERE campaign_id = ? AND invoice_number LIKE 'PLACEHOLDER-%' FOR UPDATE",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut changed = false;
    for (invoice_id, vendor_id, active) in &current {
        let keep = wanted.contains(vendor_id);
        if keep != *active {
            sqlx::query("UPDATE invoices SET is_active = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ?")
                .bind(keep)
                .bind(invoice_id)
                .execute(&mut *conn)
                .await?;
            changed = true;
        }
    }
    // A vendor that already has a real invoice for the campaign is assigned by it.
    let invoiced: Vec<i64> = sqlx::query_scalar(
        "SELECT vendor_id FROM invoices WHERE campaign_id = ? AND is_active = TRUE AND invoice_number NOT LIKE 'PLACEHOLDER-%'",
    )
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?;
    for vendor_id in wanted.iter().filter(|v| !current.iter().any(|(_, cv, _)| cv == *v) && !invoiced.contains(v)) {
        sqlx::query("INSERT INTO invoices (invoice_number, amount, status, vendor_id, campaign_id) VALUES (?, 0, 'pending', ?, ?)")
            .bind(finance::placeholder_number(campaign_id, *vendor_id))
            .bind(vendor_id)
            .bind(campaign_id)
            .execute(&mut *conn)
            .await?;
        changed = true;
    }
    if changed {
        // Who sees the campaign changed: its drivers pull it again (or lose it).
        feed::record(conn, PullTable::Campaigns, campaign_id, None, Op::Upsert, Audience::NONE).await?;
    }
    Ok(())
}

/// Soft-deletes a campaign's placeholder invoices.
pub(super) async fn delete_placeholders(conn: &mut MySqlConnection, campaign_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE invoices SET is_active = FALSE, updated_at = UTC_TIMESTAMP(6)
         WHERE campaign_id = ? AND is_active = TRUE AND invoice_number LIKE CONCAT(?, '%')",
    )
    .bind(campaign_id)
    .bind(PLACEHOLDER_PREFIX)
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds `vendor_ids` and `vendor_names`: the vendors with an active invoice for the campaign.
pub(super) async fn with_vendors(
    conn: &mut MySqlConnection,
    campaign_id: i64,
    mut row: Map<String, Value>,
) -> Result<Map<String, Value>> {
    let vendors: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT v.id, v.name FROM invoices i JOIN vendors v ON v.id = i.vendor_id
         WHERE i.campaign_id = ? AND i.is_active = TRUE ORDER BY v.name, v.id",
    )
    .bind(campaign_id)
    .fetch_all(conn)
    .await?;
    row.insert("vendor_ids".into(), vendors.iter().map(|(id, _)| Value::from(*id)).collect());
    row.insert("vendor_names".into(), vendors.into_iter().map(|(_, name)| Value::from(name)).collect());
    Ok(row)
}
