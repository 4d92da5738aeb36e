//! The overview's figures and the field devices' last syncs.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::MySqlConnection;

use crate::error::Result;

/// Approved expenses over a span of days.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Approved {
    /// How many.
    pub count: i64,
    /// Their total.
    pub amount: Decimal,
}

/// Expenses approved on days `from..=to`.
pub async fn approved_between(conn: &mut MySqlConnection, from: NaiveDate, to: NaiveDate) -> Result<Approved> {
    Ok(sqlx::query_as(
        "SELECT CAST(COUNT(*) AS SIGNED) AS count, COALESCE(SUM(amount), 0) AS amount FROM expenses
         WHERE is_active = TRUE AND status = 'approved' AND approved_date BETWEEN ? AND ?",
    )
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await?)
}

/// Expenses waiting for a decision: (count, amount).
pub async fn pending(conn: &mut MySqlConnection) -> Result<(i64, Decimal)> {
    Ok(sqlx::query_as(
        "SELECT CAST(COUNT(*) AS SIGNED), COALESCE(SUM(amount), 0) FROM expenses WHERE is_active = TRUE AND status = 'pending'",
    )
    .fetch_one(conn)
    .await?)
}

/// Activities held on days `from..=to` and the people they reached: (activities, people).
pub async fn activities_between(conn: &mut MySqlConnection, from: NaiveDate, to: NaiveDate) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT CAST(COUNT(*) AS SIGNED), CAST(COALESCE(SUM(people_attended), 0) AS SIGNED) FROM promoter_activities
         WHERE is_active = TRUE AND activity_date BETWEEN ? AND ?",
    )
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await?)
}

/// Kilometres driven on trips reported for days `from..=to`: (trips, km).
pub async fn km_between(conn: &mut MySqlConnection, from: NaiveDate, to: NaiveDate) -> Result<(i64, f64)> {
    Ok(sqlx::query_as(
        "SELECT CAST(COUNT(*) AS SIGNED), CAST(COALESCE(SUM(km_travelled), 0) AS DOUBLE) FROM reports
         WHERE is_active = TRUE AND report_date BETWEEN ? AND ?",
    )
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await?)
}

/// A campaign under way.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Running {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Its client.
    pub client: String,
    /// Ends on.
    pub end_date: Option<NaiveDate>,
    /// Budget.
    pub budget: Option<Decimal>,
    /// Approved expenses so far.
    pub spent: Decimal,
}

/// Running campaigns, the soonest to end first.
pub async fn running_campaigns(conn: &mut MySqlConnection) -> Result<Vec<Running>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.name, cl.name AS client, c.end_date, c.budget,
                COALESCE((SELECT SUM(e.amount) FROM expenses e
                          WHERE e.campaign_id = c.id AND e.status = 'approved' AND e.is_active = TRUE), 0) AS spent
         FROM campaigns c JOIN projects p ON p.id = c.project_id JOIN clients cl ON cl.id = p.client_id
         WHERE c.is_active = TRUE AND c.status = 'running'
         ORDER BY c.end_date IS NULL, c.end_date, c.name",
    )
    .fetch_all(conn)
    .await?)
}

/// A phone and when it last synced.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Device {
    /// The phone's id.
    pub device_id: uuid::Uuid,
    /// Who signed in on it last.
    pub user: Option<String>,
    /// Their role.
    pub role: Option<String>,
    /// The app's user agent.
    pub user_agent: Option<String>,
    /// Last push.
    pub last_push_at: Option<DateTime<Utc>>,
    /// Last pull.
    pub last_pull_at: Option<DateTime<Utc>>,
    /// Last request of any kind.
    pub last_seen_at: DateTime<Utc>,
}

impl Device {
    /// The last time it synced (pushed or pulled), or was seen at all.
    pub fn last_sync(&self) -> DateTime<Utc> {
        [self.last_push_at, self.last_pull_at].into_iter().flatten().max().unwrap_or(self.last_seen_at)
    }
}

/// Every field device, the longest silent first.
pub async fn devices(conn: &mut MySqlConnection) -> Result<Vec<Device>> {
    Ok(sqlx::query_as(
        "SELECT d.device_id, u.name AS user, CAST(u.role AS CHAR) AS role, d.user_agent, d.last_push_at, d.last_pull_at,
                d.last_seen_at
         FROM devices d LEFT JOIN users u ON u.id = d.user_id
         ORDER BY GREATEST(COALESCE(d.last_push_at, d.last_seen_at), COALESCE(d.last_pull_at, d.last_seen_at)), d.device_id
         LIMIT 1000",
    )
    .fetch_all(conn)
    .await?)
}
