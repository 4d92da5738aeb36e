//! Making user accounts from the command line (`fleet-server create-user`).

use shared_model::tables::UserFields;
use sqlx::MySqlPool;

use crate::auth::password;
use crate::db;
use crate::error::{Error, Result};

/// Validates the account, hashes the password and stores both; returns the new user's id.
pub async fn create_user(pool: &MySqlPool, user: &UserFields, password: &str) -> Result<i64> {
    user.validate().map_err(Error::Validation)?;
    let hash = password::hash(password)?;
    let mut tx = pool.begin().await?;
    let id = db::users::insert(&mut tx, user, &hash).await?;
    tx.commit().await?;
    Ok(id)
}
