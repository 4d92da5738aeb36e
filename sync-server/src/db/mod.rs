//! The database: connecting, migrating, and the queries, grouped per table family. Query
//! functions take `&mut MySqlConnection` so they run inside the caller's transaction.

pub mod feed;
pub mod finance;
pub mod fleet;
pub mod logins;
pub mod media;
pub mod organisation;
pub mod pages;
pub mod records;
pub mod scope;
pub mod sessions;
pub mod sync;
pub mod users;

use std::time::{Duration, Instant};

use sqlx::migrate::Migrator;
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions, MySqlQueryResult};
use sqlx::{Connection, MySqlConnection, MySqlPool};

use crate::config::Config;
use crate::error::{Error, Result};

/// The schema migrations, embedded from `migrations/`.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// The id an `INSERT` gave its row.
pub(crate) fn inserted_id(result: &MySqlQueryResult) -> Result<i64> {
    i64::try_from(result.last_insert_id()).map_err(|e| Error::Other(e.into()))
}

/// The newest migration this binary carries.
pub fn latest_migration() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Opens the connection pool, first making sure the database can be reached, and saying in one
/// line why not: refused, wrong password, no such database, ...
pub async fn connect(config: &Config) -> Result<MySqlPool> {
    let options = connect_options(config)?;
    probe(&options, config).await?;
    let pool = MySqlPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(config.connect_timeout())
        .connect_lazy_with(options);
    Ok(pool)
}

fn connect_options(config: &Config) -> Result<MySqlConnectOptions> {
    let options: MySqlConnectOptions =
        config.database_url.expose().parse().map_err(|e: sqlx::Error| {
            Error::Config(format!("database_url is not usable: {}", redact_error(&e, config)))
        })?;
    // Times are UTC everywhere (DESIGN.md decision 1); sqlx sets the session time zone to UTC.
    Ok(options.charset("utf8mb4"))
}

/// Tries one connection, retrying for a while when the server refuses it (it may be starting).
async fn probe(options: &MySqlConnectOptions, config: &Config) -> Result<()> {
    let deadline = Instant::now() + config.connect_timeout();
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(200));
        let attempt = tokio::time::timeout(remaining, MySqlConnection::connect_with(options)).await;
        let error = match attempt {
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
                return Ok(());
            }
            Ok(Err(e)) => e,
            Err(_) => {
                return Err(Error::DatabaseUnavailable(format!(
                    "cannot reach the database at {}: no answer within {} s",
                    config.database_url,
                    config.connect_timeout().as_secs()
                )));
            }
        };
        let refused = matches!(&error, sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused);
        if !refused || Instant::now() >= deadline {
            return Err(Error::DatabaseUnavailable(describe_connect_error(&error, config)));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn describe_connect_error(error: &sqlx::Error, config: &Config) -> String {
    let url = &config.database_url;
    let detail = redact_error(error, config);
    match error.as_database_error().and_then(|e| e.code()).as_deref() {
        Some("28000") => format!("the database at {url} refused the login (wrong user or password): {detail}"),
        Some("42000") if detail.contains("Unknown database") => format!(
            "the database `{}` does not exist at {url}; create it first (CREATE DATABASE {} CHARACTER SET utf8mb4)",
            url.database_name().unwrap_or_default(),
            url.database_name().unwrap_or_default()
        ),
        _ => match error {
            sqlx::Error::Io(_) | sqlx::Error::Tls(_) => format!("cannot reach the database at {url}: {detail}"),
            _ => format!("cannot use the database at {url}: {detail}"),
        },
    }
}

/// An error's text, one line, with the database password taken out if it appears.
fn redact_error(error: &sqlx::Error, config: &Config) -> String {
    let mut text = error.to_string().replace('\n', " ");
    if let Ok(url) = url::Url::parse(config.database_url.expose())
        && let Some(password) = url.password()
        && !password.is_empty()
    {
        text = text.replace(password, "***");
    }
    text
}

/// The newest migration applied to the database, if any.
pub async fn schema_version(pool: &MySqlPool) -> Result<Option<i64>> {
    let exists: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '_sqlx_migrations'",
    )
    .fetch_optional(pool)
    .await?;
    if exists.is_none() {
        return Ok(None);
    }
    let version: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE").fetch_one(pool).await?;
    Ok(version)
}

/// Applies every migration not yet applied; refuses when the database is newer than this binary.
pub async fn migrate_up(pool: &MySqlPool) -> Result<()> {
    refuse_newer_schema(pool).await?;
    MIGRATOR.run(pool).await?;
    Ok(())
}

/// Reverts the newest `steps` applied migrations; returns the version the schema is then at.
pub async fn migrate_down(pool: &MySqlPool, steps: usize) -> Result<i64> {
    refuse_newer_schema(pool).await?;
    let applied: Vec<i64> = match schema_version(pool).await? {
        None => Vec::new(),
        Some(_) => {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE ORDER BY version DESC")
                .fetch_all(pool)
                .await?
        }
    };
    let target = applied.get(steps).copied().unwrap_or(0);
    MIGRATOR.undo(pool, target).await?;
    Ok(target)
}

async fn refuse_newer_schema(pool: &MySqlPool) -> Result<()> {
    match schema_version(pool).await? {
        Some(database) if database > latest_migration() => {
            Err(Error::SchemaTooNew { database, binary: latest_migration() })
        }
        _ => Ok(()),
    }
}

/// Whether the database answers, within `timeout`.
pub async fn ping(pool: &MySqlPool, timeout: Duration) -> bool {
    let query = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(pool);
    matches!(tokio::time::timeout(timeout, query).await, Ok(Ok(1)))
}

/// Deadlocks, lock wait timeouts, and a key another transaction inserted first: the transaction
/// was rolled back and may simply run again (it then sees the other's row).
pub(crate) fn is_transient(error: &sqlx::Error) -> bool {
    let Some(db) = error.as_database_error() else { return false };
    let code = db.code().unwrap_or_default();
    code == "40001" || db.is_unique_violation() || db.message().contains("Lock wait timeout")
}

/// Runs the transaction `attempt` makes again, up to five times with a short pause, while the
/// database ends it with a transient conflict ([`is_transient`]); any other outcome is returned.
pub(crate) async fn retry_transient<T, F, Fut>(what: &str, mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut tries: u64 = 0;
    loop {
        tries += 1;
        match attempt().await {
            Err(Error::Database(e)) if tries < 5 && is_transient(&e) => {
                tracing::debug!(what, tries, error = %e, "lock conflict; running the transaction again");
                tokio::time::sleep(Duration::from_millis(20 * tries)).await;
            }
            outcome => return outcome,
        }
    }
}
