//! The rows field staff make (expenses, promoter activities, trip reports), when made or changed
//! through the API: the server gives them their sync identity, creator and denormalised fields,
//! recomputes a report's distance from its track, and locks an expense once it is reviewed.

use serde_json::{Map, Value};
use shared_model::geo::GpsTrack;
use sqlx::MySqlConnection;
use uuid::Uuid;

use super::resources::{conflict, invalid};
use crate::auth::AuthUser;
use crate::auth::matrix::Resource;
use crate::error::Result;

pub(super) async fn before_create(
    conn: &mut MySqlConnection,
    user: &AuthUser,
    resource: Resource,
    values: &mut Map<String, Value>,
) -> Result<()> {
    values.insert("uuid".into(), Value::from(Uuid::now_v7().to_string()));
    values.insert("created_by_id".into(), Value::from(user.id));
    match resource {
        Resource::Expenses => {
            values.insert("status".into(), Value::from("pending"));
        }
        Resource::PromoterActivities => set_promoter_name(conn, values).await?,
        Resource::Reports => set_km(values)?,
        _ => {}
    }
    Ok(())
}

pub(super) async fn before_update(
    conn: &mut MySqlConnection,
    resource: Resource,
    before: &Map<String, Value>,
    values: &mut Map<String, Value>,
) -> Result<()> {
    match resource {
        Resource::Expenses if before.get("status").and_then(Value::as_str) != Some("pending") => {
            Err(conflict("expense_locked", "This expense was already reviewed and can no longer be changed."))
        }
        Resource::PromoterActivities => set_promoter_name(conn, values).await,
        Resource::Reports => set_km(values),
        _ => Ok(()),
    }
}

/// `promoter_name` is the promoter's name when the activity is written.
async fn set_promoter_name(conn: &mut MySqlConnection, values: &mut Map<String, Value>) -> Result<()> {
    let promoter = values.get("promoter_id").and_then(Value::as_i64).unwrap_or_default();
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM promoters WHERE id = ?").bind(promoter).fetch_optional(conn).await?;
    values.insert("promoter_name".into(), name.map_or(Value::Null, Value::from));
    Ok(())
}

/// The server recomputes `km_travelled` from `gps_data`, with the phone's own function.
fn set_km(values: &mut Map<String, Value>) -> Result<()> {
    let Some(track) = values.get("gps_data").filter(|v| !v.is_null()) else { return Ok(()) };
    let track: GpsTrack = serde_json::from_value(track.clone())
        .map_err(|e| invalid("gps_data", "invalid_format", format!("gps_data: {e}")))?;
    let km = (track.length_km() * 1000.0).round() / 1000.0;
    values.insert("km_travelled".into(), Value::from(km));
    Ok(())
}
