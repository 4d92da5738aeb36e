//! Vendors and clients as their own pages show them: a vendor's fleet and people, a client's
//! projects.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::{MySqlConnection, QueryBuilder};

use crate::db::records::push_where;
use crate::db::scope::Clause;
use crate::error::Result;

/// A vendor or a client: the seed gives both the same contact fields.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Party {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Company.
    pub company: Option<String>,
    /// Who to call.
    pub contact_person: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
}

async fn party(conn: &mut MySqlConnection, table: &str, scope: Option<&Clause>, id: Option<i64>) -> Result<Vec<Party>> {
    let mut qb =
        QueryBuilder::new(format!("SELECT t.id, t.name, t.company, t.contact_person, t.phone, t.email FROM {table} t"));
    push_where(&mut qb, scope, false);
    super::and_eq(&mut qb, "t.id", id);
    qb.push(" ORDER BY t.name LIMIT 1000");
    Ok(qb.build_query_as().fetch_all(conn).await?)
}

/// Vendors in `scope`.
pub async fn vendors(conn: &mut MySqlConnection, scope: Option<&Clause>) -> Result<Vec<Party>> {
    party(conn, "vendors", scope, None).await
}

/// Vendor `id`, if in `scope`.
pub async fn vendor(conn: &mut MySqlConnection, scope: Option<&Clause>, id: i64) -> Result<Option<Party>> {
    Ok(party(conn, "vendors", scope, Some(id)).await?.pop())
}

/// Client `id`, if in `scope`.
pub async fn client(conn: &mut MySqlConnection, scope: Option<&Clause>, id: i64) -> Result<Option<Party>> {
    Ok(party(conn, "clients", scope, Some(id)).await?.pop())
}

/// A vehicle of a vendor.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Vehicle {
    /// Id.
    pub id: i64,
    /// Registration.
    pub vehicle_number: String,
    /// Kind.
    pub vehicle_type: Option<String>,
    /// Capacity.
    pub capacity: Option<String>,
    /// RC valid until.
    pub rc_validity: Option<NaiveDate>,
    /// Insurance valid until.
    pub insurance_validity: Option<NaiveDate>,
    /// Permit valid until.
    pub permit_validity: Option<NaiveDate>,
}

/// The vehicles of vendor `vendor_id` in `scope`.
pub async fn vehicles(conn: &mut MySqlConnection, scope: Option<&Clause>, vendor_id: i64) -> Result<Vec<Vehicle>> {
    let mut qb = QueryBuilder::new(
        "SELECT t.id, t.vehicle_number, t.vehicle_type, t.capacity, t.rc_validity, t.insurance_validity, t.permit_validity
         FROM vehicles t",
    );
    push_where(&mut qb, scope, false);
    qb.push(" AND t.vendor_id = ");
    qb.push_bind(vendor_id);
    qb.push(" ORDER BY t.vehicle_number");
    Ok(qb.build_query_as().fetch_all(conn).await?)
}

/// A driver of a vendor.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Driver {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Licence.
    pub license_number: Option<String>,
    /// Licence valid until.
    pub license_validity: Option<NaiveDate>,
    /// The vehicle the driver drives.
    pub vehicle_number: Option<String>,
}

/// The drivers of vendor `vendor_id` in `scope`.
pub async fn drivers(conn: &mut MySqlConnection, scope: Option<&Clause>, vendor_id: i64) -> Result<Vec<Driver>> {
    let mut qb = QueryBuilder::new(
        "SELECT t.id, t.name, t.phone, t.license_number, t.license_validity, v.vehicle_number
         FROM drivers t LEFT JOIN vehicles v ON v.id = t.vehicle_id",
    );
    push_where(&mut qb, scope, false);
    qb.push(" AND t.vendor_id = ");
    qb.push_bind(vendor_id);
    qb.push(" ORDER BY t.name");
    Ok(qb.build_query_as().fetch_all(conn).await?)
}

/// A client's project.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Project {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// What it is.
    pub description: Option<String>,
    /// Budget.
    pub budget: Option<Decimal>,
    /// Starts.
    pub start_date: Option<NaiveDate>,
    /// Ends.
    pub end_date: Option<NaiveDate>,
    /// Its state.
    pub status: String,
}

/// The projects in `scope` of client `client_id`.
pub async fn projects(conn: &mut MySqlConnection, scope: Option<&Clause>, client_id: i64) -> Result<Vec<Project>> {
    let mut qb = QueryBuilder::new(
        "SELECT t.id, t.name, t.description, t.budget, t.start_date, t.end_date, t.status FROM projects t",
    );
    push_where(&mut qb, scope, false);
    qb.push(" AND t.client_id = ");
    qb.push_bind(client_id);
    qb.push(" ORDER BY t.start_date DESC, t.name");
    Ok(qb.build_query_as().fetch_all(conn).await?)
}
