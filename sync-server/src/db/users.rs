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

/// What sign-in needs to know about an account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginRecord {
    /// User id.
    pub id: i64,
    /// Stored hash (argon2id, or a legacy bcrypt one).
    pub password_hash: String,
    /// Deactivated accounts cannot sign in.
    pub is_active: bool,
}

/// The account with this email, for sign-in.
pub async fn login_record(conn: &mut MySqlConnection, email: &str) -> Result<Option<LoginRecord>> {
    Ok(sqlx::query_as("SELECT id, password_hash, is_active FROM users WHERE email = ?")
        .bind(email)
        .fetch_optional(conn)
        .await?)
}

/// Replaces a user's password hash (after a legacy hash was used, or a password change).
pub async fn set_password_hash(conn: &mut MySqlConnection, id: i64, hash: &str) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?").bind(hash).bind(id).execute(conn).await?;
    Ok(())
}

/// A signed-in user as every request sees it: read fresh from the database on each request, so a
/// deactivation or a role change applies at once.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PrincipalRecord {
    /// User id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Role, as stored.
    pub role: String,
    /// Linked vendor.
    pub vendor_id: Option<i64>,
    /// Linked driver row.
    pub driver_id: Option<i64>,
    /// Linked promoter row.
    pub promoter_id: Option<i64>,
    /// Linked client.
    pub client_id: Option<i64>,
    /// Deactivated users are refused.
    pub is_active: bool,
    /// The session's end, if it was ended.
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When the session expires.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// The user and the state of the session a token names.
pub async fn principal(conn: &mut MySqlConnection, user_id: i64, session_id: i64) -> Result<Option<PrincipalRecord>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.name, u.email, CAST(u.role AS CHAR) AS role, u.vendor_id, u.driver_id, u.promoter_id,
                u.client_id, u.is_active, s.revoked_at, s.expires_at
         FROM users u JOIN auth_sessions s ON s.user_id = u.id
         WHERE u.id = ? AND s.id = ?",
    )
    .bind(user_id)
    .bind(session_id)
    .fetch_optional(conn)
    .await?)
}

/// The role of user `id`, if the user exists and the stored role is one this server knows.
pub async fn role_of(conn: &mut MySqlConnection, id: i64) -> Result<Option<shared_model::Role>> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT CAST(role AS CHAR) FROM users WHERE id = ?").bind(id).fetch_optional(conn).await?;
    Ok(role.and_then(|r| r.parse().ok()))
}
