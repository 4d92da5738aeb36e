//! The simulated field staff: drivers of the demo company's vendors and promoters, each with a
//! login of their own, written straight into the database (one password hash for all).

use sqlx::MySqlPool;

/// The password of every simulated login.
pub const PASSWORD: &str = "sim-pass-2026";

/// Who a phone belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Login.
    pub email: String,
    /// Driver or promoter.
    pub kind: Kind,
    /// `drivers.id` or `promoters.id`.
    pub link_id: i64,
}

/// Field roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Expenses and trips.
    Driver,
    /// Village activities.
    Promoter,
}

/// Makes `count` people, alternately drivers (of the demo vendors in turn) and promoters.
pub async fn make(pool: &MySqlPool, count: usize) -> anyhow::Result<Vec<Person>> {
    let hash = sync_server::auth::password::hash(PASSWORD)?;
    let vendors: Vec<i64> = sqlx::query_scalar("SELECT id FROM vendors ORDER BY id").fetch_all(pool).await?;
    anyhow::ensure!(!vendors.is_empty(), "the demo company has no vendors");
    let mut people = Vec::with_capacity(count);
    for n in 0..count {
        let (kind, link_id, email) = if n % 2 == 0 {
            let vendor = vendors[(n / 2) % vendors.len()];
            let result = sqlx::query("INSERT INTO drivers (name, phone, vendor_id) VALUES (?, '+91 90000 00000', ?)")
                .bind(format!("Sim driver {n}"))
                .bind(vendor)
                .execute(pool)
                .await?;
            (Kind::Driver, i64::try_from(result.last_insert_id())?, format!("sim-driver-{n}@sim.test"))
        } else {
            let result = sqlx::query("INSERT INTO promoters (name, language) VALUES (?, 'Kannada')")
                .bind(format!("Sim promoter {n}"))
                .execute(pool)
                .await?;
            (Kind::Promoter, i64::try_from(result.last_insert_id())?, format!("sim-promoter-{n}@sim.test"))
        };
        let (role, driver_id, promoter_id) = match kind {
            Kind::Driver => ("driver", Some(link_id), None),
            Kind::Promoter => ("promoter", None, Some(link_id)),
        };
        sqlx::query(
            "INSERT INTO users (email, name, password_hash, role, driver_id, promoter_id) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&email)
        .bind(format!("Sim {n}"))
        .bind(&hash)
        .bind(role)
        .bind(driver_id)
        .bind(promoter_id)
        .execute(pool)
        .await?;
        people.push(Person { email, kind, link_id });
    }
    Ok(people)
}
