//! The Fleet Operations sync server: the REST API, phone sync (push, pull, photos), and the
//! manager pages, on MySQL/MariaDB through sqlx.
//!
//! A library with a thin binary (`fleet-server`): `config` and `error` at the top, `db/` for
//! queries grouped per table family, `api/` for HTTP routes, `auth/` for passwords and sessions,
//! `accounts` and `demo` for the administrative commands, `limits` for how much of the work a
//! client can make expensive (password checks, JSON bodies, photos) runs at once. Domain types and
//! validation rules are not here: they live in `shared-model`, which the phone app shares.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod api;
pub mod auth;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod error;
pub mod limits;
pub mod media;
pub mod state;
pub mod sync;
pub mod telemetry;

use std::future::Future;
use std::sync::Arc;

use axum::http::{Extensions, HeaderMap, StatusCode, Version};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

pub use config::Config;
pub use error::{Error, Result};
pub use state::AppState;

/// Serves the API on an already bound listener until `shutdown` resolves, then finishes the
/// requests in flight. Tests bind port 0 and pass their own shutdown signal.
pub async fn launch(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let app = api::router(state.clone())
        .merge(dashboard::router(state))
        // Bodies may arrive gzip- or zstd-compressed; answers are compressed when the client accepts
        // it. Error answers stay plain: they are small, and one refusing a body the server did not
        // read (413) must reach the client whole before the connection closes.
        .layer(RequestDecompressionLayer::new())
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(|status: StatusCode, _: Version, _: &HeaderMap, _: &Extensions| status.is_success()),
            ),
        )
        .layer(telemetry::request_log_layer())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid));
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// `fleet-server serve`: connects, migrates, binds and serves until SIGTERM or Ctrl-C.
pub async fn serve(config: Config) -> Result<()> {
    let pool = db::connect(&config).await?;
    db::migrate_up(&pool).await?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| Error::Config(format!("cannot listen on {}: {e}", config.listen)))?;
    let jwt_secret = config.jwt_secret()?;
    let address = listener.local_addr()?;
    tracing::info!(url = %format!("http://{address}"), database = %config.database_url, "fleet-server is listening");
    let media = media::storage::open(&config)?;
    let upkeep = tokio::spawn(upkeep(pool.clone(), media.clone(), config.feed_retention_days));
    let tokens = Arc::new(auth::tokens::TokenKeys::new(&jwt_secret));
    let state = AppState { pool: pool.clone(), config: Arc::new(config), tokens, media };
    launch(listener, state, shutdown_signal()).await?;
    upkeep.abort();
    pool.close().await;
    tracing::info!("fleet-server stopped");
    Ok(())
}

/// Housekeeping while serving, every six hours: prunes the change feed and drops photo uploads
/// abandoned for a day. Safe with several servers: both are idempotent.
async fn upkeep(pool: sqlx::MySqlPool, media: Arc<dyn object_store::ObjectStore>, retention_days: u32) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(6 * 60 * 60));
    loop {
        every.tick().await;
        let before = chrono::Utc::now() - chrono::Duration::days(i64::from(retention_days));
        match db::feed::prune(&pool, before).await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, retention_days, "pruned the change feed"),
            Err(error) => tracing::warn!(%error, "pruning the change feed failed; will try again"),
        }
        match media::uploads::clean_abandoned(&pool, &media, chrono::Utc::now() - chrono::Duration::days(1)).await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "dropped abandoned photo uploads"),
            Err(error) => tracing::warn!(%error, "dropping abandoned uploads failed; will try again"),
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
