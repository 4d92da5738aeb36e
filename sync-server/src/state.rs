//! What every handler can reach.

use std::sync::Arc;

use secrecy::SecretString;
use sqlx::MySqlPool;

use crate::config::Config;

/// Shared, cheap to clone: the pool, the configuration and the token secret.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub pool: MySqlPool,
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// Signs access tokens.
    pub jwt_secret: SecretString,
}
