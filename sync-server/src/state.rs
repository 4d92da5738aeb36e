//! What every handler can reach.

use std::sync::Arc;

use sqlx::MySqlPool;

use crate::auth::tokens::TokenKeys;
use crate::config::Config;

/// Shared, cheap to clone: the pool, the configuration and the token keys.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub pool: MySqlPool,
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// Signs and checks access tokens.
    pub tokens: Arc<TokenKeys>,
    /// Where photos are kept.
    pub media: Arc<dyn object_store::ObjectStore>,
}
