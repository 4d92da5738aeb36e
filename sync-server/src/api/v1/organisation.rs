//! Clients and projects: deleting one soft-deletes what hangs under it (seed, "Delete Operation
//! Flow" and "Client → Project → Campaign Hierarchy").

use shared_model::protocol::{Op, PullTable};
use sqlx::MySqlConnection;

use crate::db::feed::{self, Audience};
use crate::error::Result;

/// Whose campaigns go.
#[derive(Debug, Clone, Copy)]
enum Parent {
    Project(i64),
    Client(i64),
}

/// Soft-deletes the parent's active campaigns and their placeholder invoices, and records each
/// campaign's removal in the change feed.
async fn delete_campaigns(conn: &mut MySqlConnection, parent: Parent) -> Result<()> {
    let (select, id) = match parent {
        Parent::Project(id) => {
            ("SELECT c.id FROM campaigns c WHERE c.is_active = TRUE AND c.project_id = ? FOR UPDATE", id)
        }
        Parent::Client(id) => (
            "SELECT c.id FROM campaigns c JOIN projects p ON p.id = c.project_id \
             WHERE c.is_active = TRUE AND p.client_id = ? FOR UPDATE",
            id,
        ),
    };
    let campaigns: Vec<i64> = sqlx::query_scalar(select).bind(id).fetch_all(&mut *conn).await?;
    for campaign in campaigns {
        sqlx::query("UPDATE campaigns SET is_active = FALSE, updated_at = UTC_TIMESTAMP(6) WHERE id = ?")
            .bind(campaign)
            .execute(&mut *conn)
            .await?;
        super::campaigns::delete_placeholders(conn, campaign).await?;
        feed::record(conn, PullTable::Campaigns, campaign, None, Op::Delete, Audience::NONE).await?;
    }
    Ok(())
}

pub(super) async fn delete_project_children(conn: &mut MySqlConnection, project_id: i64) -> Result<()> {
    delete_campaigns(conn, Parent::Project(project_id)).await
}

pub(super) async fn delete_client_children(conn: &mut MySqlConnection, client_id: i64) -> Result<()> {
    delete_campaigns(conn, Parent::Client(client_id)).await?;
    sqlx::query(
        "UPDATE projects SET is_active = FALSE, updated_at = UTC_TIMESTAMP(6) WHERE client_id = ? AND is_active = TRUE",
    )
    .bind(client_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
