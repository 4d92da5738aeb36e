//! Queries on the supply side: `vendors`, `vehicles`, `drivers`, `promoters`.

use shared_model::tables::{DriverFields, PromoterFields, VehicleFields, VendorFields};
use sqlx::MySqlConnection;

use shared_model::protocol::{Op, PullTable};

use super::feed::{self, Audience};
use super::inserted_id;
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
