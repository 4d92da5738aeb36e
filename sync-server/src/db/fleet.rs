//! Queries on the supply side: `vendors`, `vehicles`, `drivers`, `promoters`.

use chrono::NaiveDate;
use shared_model::tables::{DriverFields, PromoterFields, VehicleFields, VendorFields};
use sqlx::{MySqlConnection, QueryBuilder};

use shared_model::protocol::{Op, PullTable};

use super::feed::{self, Audience};
use super::inserted_id;
use super::records::push_where;
use super::scope::Clause;
use crate::error::{Error, Result, ResultExt};

/// Inserts a vendor; returns its id.
pub async fn insert_vendor(conn: &mut MySqlConnection, v: &VendorFields) -> Result<i64> {
    let result = sqlx::query(
        "INSERT INTO vendors (name, company, email, phone, address, contact_person) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&v.name)
    .bind(&v.company)
    .bind(&v.email)
    .bind(&v.phone)
    .bind(&v.address)
    .bind(&v.contact_person)
    .execute(conn)
    .await?;
    inserted_id(&result)
}

/// The id of the active vendor with this name.
pub async fn vendor_id_by_name(conn: &mut MySqlConnection, name: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM vendors WHERE name = ? AND is_active = TRUE ORDER BY id LIMIT 1")
        .bind(name)
        .fetch_optional(conn)
        .await?)
}

/// Inserts a vehicle and records it in the change feed; returns its id. A registration number already in use is a 409.
pub async fn insert_vehicle(conn: &mut MySqlConnection, v: &VehicleFields) -> Result<i64> {
    let result = sqlx::query(
        "INSERT INTO vehicles (vehicle_number, vehicle_type, capacity, vendor_id, rc_validity, insurance_validity, permit_validity)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&v.vehicle_number)
    .bind(&v.vehicle_type)
    .bind(&v.capacity)
    .bind(v.vendor_id)
    .bind(v.rc_validity)
    .bind(v.insurance_validity)
    .bind(v.permit_validity)
    .execute(&mut *conn)
    .await
    .on_constraint("uq_vehicles_vehicle_number", || Error::Conflict {
        code: "vehicle_number_taken",
        message: format!("A vehicle numbered {} already exists.", v.vehicle_number),
    })?;
    let id = inserted_id(&result)?;
    feed::record(conn, PullTable::Vehicles, id, None, Op::Upsert, Audience::NONE).await?;
    Ok(id)
}

/// The id of the vehicle with this registration number, active or not.
pub async fn vehicle_id_by_number(conn: &mut MySqlConnection, number: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM vehicles WHERE vehicle_number = ?").bind(number).fetch_optional(conn).await?)
}

/// Inserts a driver and records it in the change feed; returns its id.
pub async fn insert_driver(conn: &mut MySqlConnection, d: &DriverFields) -> Result<i64> {
    let result = sqlx::query(
        "INSERT INTO drivers (name, phone, email, license_number, license_validity, vendor_id, vehicle_id)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&d.name)
    .bind(&d.phone)
    .bind(&d.email)
    .bind(&d.license_number)
    .bind(d.license_validity)
    .bind(d.vendor_id)
    .bind(d.vehicle_id)
    .execute(&mut *conn)
    .await?;
    let id = inserted_id(&result)?;
    feed::record(conn, PullTable::Drivers, id, None, Op::Upsert, Audience::driver(Some(id))).await?;
    Ok(id)
}

/// The id of the active driver with this licence number.
pub async fn driver_id_by_license(conn: &mut MySqlConnection, license_number: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM drivers WHERE license_number = ? AND is_active = TRUE ORDER BY id LIMIT 1")
        .bind(license_number)
        .fetch_optional(conn)
        .await?)
}

/// Inserts a promoter and records it in the change feed; returns its id.
pub async fn insert_promoter(conn: &mut MySqlConnection, p: &PromoterFields) -> Result<i64> {
    let result = sqlx::query("INSERT INTO promoters (name, phone, email, specialty, language) VALUES (?, ?, ?, ?, ?)")
        .bind(&p.name)
        .bind(&p.phone)
        .bind(&p.email)
        .bind(&p.specialty)
        .bind(&p.language)
        .execute(&mut *conn)
        .await?;
    let id = inserted_id(&result)?;
    feed::record(conn, PullTable::Promoters, id, None, Op::Upsert, Audience::promoter(Some(id))).await?;
    Ok(id)
}

/// The id of the active promoter with this email.
pub async fn promoter_id_by_email(conn: &mut MySqlConnection, email: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM promoters WHERE email = ? AND is_active = TRUE ORDER BY id LIMIT 1")
        .bind(email)
        .fetch_optional(conn)
        .await?)
}

/// A vehicle with a document (RC, insurance, permit) expiring by some day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExpiringVehicle {
    /// Id.
    pub id: i64,
    /// Registration number.
    pub vehicle_number: String,
    /// Owner.
    pub vendor_id: Option<i64>,
    /// Owner's name.
    pub vendor: Option<String>,
    /// RC valid until.
    pub rc_validity: Option<NaiveDate>,
    /// Insurance valid until.
    pub insurance_validity: Option<NaiveDate>,
    /// Permit valid until.
    pub permit_validity: Option<NaiveDate>,
}

impl ExpiringVehicle {
    /// The documents that expire by `until`: (name, day).
    pub fn documents(&self, until: NaiveDate) -> Vec<(&'static str, NaiveDate)> {
        [("rc", self.rc_validity), ("insurance", self.insurance_validity), ("permit", self.permit_validity)]
            .into_iter()
            .filter_map(|(name, day)| day.filter(|d| *d <= until).map(|d| (name, d)))
            .collect()
    }
}

/// Vehicles in `scope` with a document expiring by `until` (or already expired).
pub async fn expiring_vehicles(
    conn: &mut MySqlConnection,
    scope: Option<&Clause>,
    until: NaiveDate,
) -> Result<Vec<ExpiringVehicle>> {
    let mut qb = QueryBuilder::new(
        "SELECT t.id, t.vehicle_number, t.vendor_id, v.name AS vendor, t.rc_validity, t.insurance_validity, t.permit_validity
         FROM vehicles t LEFT JOIN vendors v ON v.id = t.vendor_id",
    );
    push_where(&mut qb, scope, false);
    qb.push(" AND LEAST(COALESCE(t.rc_validity, '9999-12-31'), COALESCE(t.insurance_validity, '9999-12-31'), COALESCE(t.permit_validity, '9999-12-31')) <= ");
    qb.push_bind(until);
    qb.push(" ORDER BY t.vehicle_number");
    Ok(qb.build_query_as().fetch_all(conn).await?)
}

/// A driver whose licence expires by some day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExpiringDriver {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Employer.
    pub vendor_id: Option<i64>,
    /// Employer's name.
    pub vendor: Option<String>,
    /// Licence number.
    pub license_number: Option<String>,
    /// Licence valid until.
    pub license_validity: Option<NaiveDate>,
}

/// Drivers in `scope` whose licence expires by `until` (or already has).
pub async fn expiring_drivers(
    conn: &mut MySqlConnection,
    scope: Option<&Clause>,
    until: NaiveDate,
) -> Result<Vec<ExpiringDriver>> {
    let mut qb = QueryBuilder::new(
        "SELECT t.id, t.name, t.vendor_id, v.name AS vendor, t.license_number, t.license_validity
         FROM drivers t LEFT JOIN vendors v ON v.id = t.vendor_id",
    );
    push_where(&mut qb, scope, false);
    qb.push(" AND t.license_validity <= ");
    qb.push_bind(until);
    qb.push(" ORDER BY t.license_validity, t.name");
    Ok(qb.build_query_as().fetch_all(conn).await?)
}
