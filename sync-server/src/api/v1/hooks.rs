//! What differs per table around the generic create, update and delete: server-set fields,
//! business rules and cascades. Each function dispatches on the resource to the module that
//! owns that business process.

use serde_json::{Map, Value};
use sqlx::MySqlConnection;

use super::{campaigns, field_records, finance, organisation, users};
use crate::auth::AuthUser;
use crate::auth::matrix::Resource;
use crate::error::Result;

/// Before a row is inserted: fill in what the server sets, refuse what the rules forbid.
pub async fn before_create(
    conn: &mut MySqlConnection,
    user: &AuthUser,
    resource: Resource,
    values: &mut Map<String, Value>,
    extras: &Map<String, Value>,
) -> Result<()> {
    match resource {
        Resource::Users => users::before_create(values, extras).await,
        Resource::Expenses | Resource::PromoterActivities | Resource::Reports => {
            field_records::before_create(conn, user, resource, values).await
        }
        Resource::Invoices => finance::invoice_before_create(values),
        Resource::Payments => finance::payment_before_create(conn, values).await,
        _ => Ok(()),
    }
}

/// After a row is inserted, in the same transaction.
pub async fn after_create(
    conn: &mut MySqlConnection,
    _user: &AuthUser,
    resource: Resource,
    id: i64,
    values: &Map<String, Value>,
    extras: &Map<String, Value>,
) -> Result<()> {
    match resource {
        Resource::Campaigns => campaigns::set_vendors(conn, id, extras).await,
        Resource::Payments => finance::payment_after_write(conn, None, values).await,
        Resource::Invoices => finance::invoice_moved_campaigns(conn, None, Some(values)).await,
        _ => Ok(()),
    }
}

/// Before a row is changed: `before` is the row as it was, `values` the merged fields.
pub async fn before_update(
    conn: &mut MySqlConnection,
    user: &AuthUser,
    resource: Resource,
    before: &Map<String, Value>,
    values: &mut Map<String, Value>,
    extras: &Map<String, Value>,
) -> Result<()> {
    match resource {
        Resource::Users => users::before_update(values, extras).await,
        Resource::Expenses | Resource::PromoterActivities | Resource::Reports => {
            field_records::before_update(conn, resource, before, values).await
        }
        Resource::Invoices => finance::invoice_before_update(user, before, values),
        Resource::Payments => finance::payment_before_update(before, values),
        _ => Ok(()),
    }
}

/// After a row is changed, in the same transaction.
pub async fn after_update(
    conn: &mut MySqlConnection,
    _user: &AuthUser,
    resource: Resource,
    id: i64,
    before: &Map<String, Value>,
    values: &Map<String, Value>,
    extras: &Map<String, Value>,
) -> Result<()> {
    match resource {
        Resource::Users if extras.contains_key("password") => users::end_sessions(conn, id, "password_changed").await,
        Resource::Campaigns if extras.contains_key("vendor_ids") => campaigns::set_vendors(conn, id, extras).await,
        Resource::Payments => finance::payment_after_write(conn, Some(before), values).await,
        Resource::Invoices => finance::invoice_moved_campaigns(conn, Some(before), Some(values)).await,
        _ => Ok(()),
    }
}

/// Before a row is soft-deleted.
pub async fn before_delete(
    conn: &mut MySqlConnection,
    _user: &AuthUser,
    resource: Resource,
    row: &Map<String, Value>,
) -> Result<()> {
    match resource {
        Resource::Invoices => finance::invoice_before_delete(conn, row).await,
        Resource::Payments => finance::payment_before_delete(row),
        _ => Ok(()),
    }
}

/// After a row is soft-deleted: what goes with it. `row` is the row as it was.
pub async fn after_delete(
    conn: &mut MySqlConnection,
    _user: &AuthUser,
    resource: Resource,
    id: i64,
    row: &Map<String, Value>,
) -> Result<()> {
    match resource {
        Resource::Invoices => finance::invoice_moved_campaigns(conn, Some(row), None).await,
        Resource::Clients => organisation::delete_client_children(conn, id).await,
        Resource::Projects => organisation::delete_project_children(conn, id).await,
        Resource::Campaigns => campaigns::delete_placeholders(conn, id).await,
        Resource::Users => users::end_sessions(conn, id, "user_deleted").await,
        _ => Ok(()),
    }
}

/// Adds to a single row what its table shows beside its columns (a campaign's vendors).
pub async fn decorate(
    conn: &mut MySqlConnection,
    resource: Resource,
    id: i64,
    row: Map<String, Value>,
) -> Result<Map<String, Value>> {
    match resource {
        Resource::Campaigns => campaigns::with_vendors(conn, id, row).await,
        _ => Ok(row),
    }
}
