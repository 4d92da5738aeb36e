//! End-to-end test support for the Fleet Operations Platform: a fresh MariaDB/MySQL database per
//! test (dropped when the test ends) and the real server on a free port. The tests themselves live
//! in `tests/`; the server's and the phone app's own unit tests live beside their code.
//!
//! The database server comes from `FLEET_TEST_DATABASE_URL` (default
//! `mysql://root@127.0.0.1:3306`); `scripts/test` starts MariaDB when it is not running.
#![forbid(unsafe_code)]

pub mod child_server;
pub mod hostile;
pub mod phone;
pub mod proxy;
pub mod sim;

use std::net::SocketAddr;
use std::sync::Arc;

use secrecy::SecretString;
use shared_model::protocol::SessionResponse;
use sqlx::{AssertSqlSafe, Connection, Executor, MySqlConnection, MySqlPool};
use sync_server::config::DatabaseUrl;
use sync_server::{AppState, Config};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The database server tests make their databases on.
pub fn server_url() -> String {
    std::env::var("FLEET_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_owned())
        .trim_end_matches('/')
        .to_owned()
}

/// The value of cookie `name` that `response` sets, if it sets it (the manager pages' session).
pub fn cookie_of(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")).and_then(|rest| rest.split(';').next()).map(str::to_owned))
}

/// A database of its own for one test, named `fleet_test_<random>`, dropped on `Drop`.
#[derive(Debug)]
pub struct TestDb {
    /// The database's name.
    pub name: String,
    /// `mysql://.../<name>`.
    pub url: String,
    /// A pool on it.
    pub pool: MySqlPool,
}

impl TestDb {
    /// An empty database.
    pub async fn empty() -> anyhow::Result<Self> {
        let mut suffix = [0u8; 6];
        getrandom::fill(&mut suffix).map_err(|e| anyhow::anyhow!("randomness: {e}"))?;
        let name = format!("fleet_test_{}", hex::encode(suffix));
        let mut admin = MySqlConnection::connect(&format!("{}/mysql", server_url())).await?;
        admin
            .execute(AssertSqlSafe(format!(
                "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )))
            .await?;
        admin.close().await?;
        let url = format!("{}/{name}", server_url());
        let pool = MySqlPool::connect(&url).await?;
        Ok(TestDb { name, url, pool })
    }

    /// A database with every migration applied.
    pub async fn migrated() -> anyhow::Result<Self> {
        let db = Self::empty().await?;
        sync_server::db::migrate_up(&db.pool).await?;
        Ok(db)
    }

    /// A server configuration pointing at this database, with a throw-away data folder.
    pub fn config(&self, data_dir: &std::path::Path) -> Config {
        Config {
            database_url: DatabaseUrl::new(self.url.clone()),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.to_path_buf(),
            jwt_secret: Some(SecretString::from("test-secret-test-secret-test-secret-0123")),
            database_max_connections: 5,
            database_connect_timeout_secs: 5,
            log: "warn".to_owned(),
            feed_retention_days: 60,
            media_store: String::new(),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot block on itself: drop the database
        // from a thread with its own small runtime, and wait for it.
        let dropper = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            runtime.block_on(drop_database(&name));
        });
        let _ = dropper.join();
    }
}

/// Drops a test database. The test's own pool may still hold connections in it, even one inside a
/// transaction whose rollback never ran because the test ended first; such a connection holds
/// metadata locks that would make `DROP DATABASE` wait forever. They are closed first.
async fn drop_database(name: &str) {
    let Ok(mut admin) = MySqlConnection::connect(&format!("{}/mysql", server_url())).await else { return };
    let _ = admin.execute("SET SESSION lock_wait_timeout = 20").await;
    let holders: Vec<u64> = sqlx::query_scalar(
        "SELECT CAST(id AS UNSIGNED) FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()",
    )
    .bind(name)
    .fetch_all(&mut admin)
    .await
    .unwrap_or_default();
    for id in holders {
        let _ = admin.execute(AssertSqlSafe(format!("KILL CONNECTION {id}"))).await;
    }
    let _ = admin.execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS `{name}`"))).await;
    let _ = admin.close().await;
}

/// A migrated database with the demo company, and the server on it.
pub async fn demo() -> anyhow::Result<(TestDb, TestServer)> {
    let db = TestDb::migrated().await?;
    sync_server::demo::seed(&db.pool).await?;
    let server = TestServer::start(&db).await?;
    Ok((db, server))
}

/// The real server on a free port of 127.0.0.1, stopped on `Drop` (or by [`TestServer::stop`]).
#[derive(Debug)]
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<sync_server::Result<()>>>,
    _data_dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts the server on `db` (which must be migrated).
    pub async fn start(db: &TestDb) -> anyhow::Result<Self> {
        Self::start_on(db, "127.0.0.1:0").await
    }

    /// Starts the server on `db` at `addr`: the same address as a server that was killed, to
    /// restart it where the phones look for it.
    pub async fn start_on(db: &TestDb, addr: &str) -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir()?;
        let config = db.config(data_dir.path());
        let jwt_secret = config.jwt_secret()?;
        let tokens = Arc::new(sync_server::auth::tokens::TokenKeys::new(&jwt_secret));
        let media = sync_server::media::storage::open(&config)?;
        let state = AppState { pool: db.pool.clone(), config: Arc::new(config), tokens, media };
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(sync_server::launch(listener, state, async {
            let _ = rx.await;
        }));
        Ok(TestServer { base_url, shutdown: Some(tx), task: Some(task), _data_dir: data_dir })
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Signs in and returns the session, failing on any answer but 200.
    pub async fn login(&self, email: &str, password: &str) -> anyhow::Result<SessionResponse> {
        let response = reqwest::Client::new()
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await?;
        anyhow::ensure!(response.status() == 200, "login of {email}: {} {}", response.status(), response.text().await?);
        Ok(response.json().await?)
    }

    /// Calls `/api/v1{path}` with `token`, returning the status and the JSON body (null if none).
    pub async fn api(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> anyhow::Result<(reqwest::StatusCode, serde_json::Value)> {
        let mut request =
            reqwest::Client::new().request(method, self.url(&format!("/api/v1{path}"))).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        Ok((status, response.json().await.unwrap_or(serde_json::Value::Null)))
    }

    /// Ends the server at once, as a crash would: requests in flight are cut off and their
    /// transactions rolled back. The port is free again when this returns.
    pub async fn kill(mut self) {
        self.shutdown.take();
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Asks the server to stop and waits until it has finished its requests.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await??;
        }
        Ok(())
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
