//! Queries on `users`.

use shared_model::tables::UserFields;
use sqlx::MySqlConnection;

use super::inserted_id;
use crate::error::{Error, Result, ResultExt};

/// Inserts a user with an already-hashed password; returns its id.
pub async fn insert(conn: &mut MySqlConnection, user: &UserFields, password_hash: &str) -> Result<i64> {
    let result = sqlx::query(
        "INSERT INTO users (email, name, phone, password_hash, password_hint, role, vendor_id, driver_id, promoter_id, client_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&user.email)
    .bind(&user.name)
    .bind(&user.phone)
    .bind(password_hash)
    .bind(&user.password_hint)
    .bind(user.role.as_str())
    .bind(user.vendor_id)
    .bind(user.driver_id)
    .bind(user.promoter_id)
    .bind(user.client_id)
    .execute(&mut *conn)
    .await
    .on_constraint("uq_users_email", || Error::Conflict {
        code: "email_taken",
        message: format!("A user with the email {} already exists.", user.email),
    })
    .on_constraint("fk_users_vendor_id", || missing_link("vendor_id", user.vendor_id))
    .on_constraint("fk_users_driver_id", || missing_link("driver_id", user.driver_id))
    .on_constraint("fk_users_promoter_id", || missing_link("promoter_id", user.promoter_id))
    .on_constraint("fk_users_client_id", || missing_link("client_id", user.client_id))?;
    inserted_id(&result)
}

fn missing_link(field: &'static str, id: Option<i64>) -> Error {
    Error::Conflict { code: "link_not_found", message: format!("{field} {} does not exist.", id.unwrap_or_default()) }
}

/// The id of the user with this email, active or not.
pub async fn id_by_email(conn: &mut MySqlConnection, email: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM users WHERE email = ?").bind(email).fetch_optional(conn).await?)
}
