//! Queries on the client side of the business: `clients`, `projects`, `campaigns`.

use shared_model::tables::{CampaignFields, ClientFields, ProjectFields};
use sqlx::MySqlConnection;

use shared_model::protocol::{Op, PullTable};

use super::feed::{self, Audience};
use super::inserted_id;
use crate::error::Result;

/// Inserts a client; returns its id.
pub async fn insert_client(conn: &mut MySqlConnection, c: &ClientFields) -> Result<i64> {
    let result = sqlx::query(
        "INSERT INTO clients (name, company, email, phone, address, contact_person) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&c.name)
    .bind(&c.company)
    .bind(&c.email)
    .bind(&c.phone)
    .bind(&c.address)
    .bind(&c.contact_person)
    .execute(conn)
    .await?;
    inserted_id(&result)
}

/// The id of the active client with this name.
pub async fn client_id_by_name(conn: &mut MySqlConnection, name: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM clients WHERE name = ? AND is_active = TRUE ORDER BY id LIMIT 1")
        .bind(name)
        .fetch_optional(conn)
        .await?)
}

/// Inserts a project; returns its id.
pub async fn insert_project(conn: &mut MySqlConnection, p: &ProjectFields) -> Result<i64> {
    let result = sqlx::query(
        "INSERT INTO projects (name, description, client_id, budget, start_date, end_date, status, assigned_cs)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&p.name)
    .bind(&p.description)
    .bind(p.client_id)
    .bind(p.budget.map(|m| m.get()))
    .bind(p.start_date)
    .bind(p.end_date)
    .bind(p.status.as_str())
    .bind(&p.assigned_cs)
    .execute(conn)
    .await?;
    inserted_id(&result)
}

/// The id of the client's active project with this name.
pub async fn project_id_by_name(conn: &mut MySqlConnection, client_id: i64, name: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM projects WHERE client_id = ? AND name = ? AND is_active = TRUE ORDER BY id LIMIT 1",
    )
    .bind(client_id)
    .bind(name)
    .fetch_optional(conn)
    .await?)
}

/// Inserts a campaign and records it in the change feed; returns its id.
pub async fn insert_campaign(conn: &mut MySqlConnection, c: &CampaignFields) -> Result<i64> {
    let result = sqlx::query(
        "INSERT INTO campaigns (name, description, project_id, campaign_type, status, start_date, end_date, budget, locations)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&c.name)
    .bind(&c.description)
    .bind(c.project_id)
    .bind(c.campaign_type.as_str())
    .bind(c.status.as_str())
    .bind(c.start_date)
    .bind(c.end_date)
    .bind(c.budget.map(|m| m.get()))
    .bind(&c.locations)
    .execute(&mut *conn)
    .await?;
    let id = inserted_id(&result)?;
    feed::record(conn, PullTable::Campaigns, id, None, Op::Upsert, Audience::NONE).await?;
    Ok(id)
}

/// The id of the project's active campaign with this name.
pub async fn campaign_id_by_name(conn: &mut MySqlConnection, project_id: i64, name: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM campaigns WHERE project_id = ? AND name = ? AND is_active = TRUE ORDER BY id LIMIT 1",
    )
    .bind(project_id)
    .bind(name)
    .fetch_optional(conn)
    .await?)
}
