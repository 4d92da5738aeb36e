//! A phone for end-to-end tests: the real store on a temporary SQLite file and the real sync
//! engine, signed in to a test server; retries paced for tests.

use std::sync::Arc;
use std::time::Duration;

use mobile::store::{Store, WallClock};
use mobile::sync::{Engine, EngineConfig};

/// One phone.
#[derive(Debug)]
pub struct Phone {
    /// Its local database.
    pub store: Arc<Store>,
    /// Its sync engine.
    pub engine: Arc<Engine>,
    dir: tempfile::TempDir,
}

/// Engine settings for tests: short backoff, small chunks.
pub fn test_config() -> EngineConfig {
    EngineConfig {
        attempts: 4,
        backoff: Duration::from_millis(20),
        backoff_max: Duration::from_millis(200),
        chunk: 64 * 1024,
        ..EngineConfig::default()
    }
}

impl Phone {
    /// A new phone with the system clock, not signed in.
    pub fn new() -> anyhow::Result<Phone> {
        Phone::with_clock(Arc::new(chrono::Utc::now))
    }

    /// A new phone whose clock reads `wall`.
    pub fn with_clock(wall: WallClock) -> anyhow::Result<Phone> {
        let dir = tempfile::tempdir()?;
        let store = Arc::new(Store::open_with_clock(&dir.path().join("fleet.sqlite"), wall)?);
        let engine = Arc::new(Engine::new(Arc::clone(&store), test_config()));
        Ok(Phone { store, engine, dir })
    }

    /// A new phone signed in on `server` as `email` (demo password).
    pub async fn signed_in(server: &str, email: &str) -> anyhow::Result<Phone> {
        let phone = Phone::new()?;
        phone.engine.sign_in(server, email, "demo-pass").await?;
        Ok(phone)
    }

    /// The phone's data folder.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Points the session at another address (a proxy, a restarted server, nowhere).
    pub fn point_at(&self, server: &str) -> anyhow::Result<()> {
        let mut session = self.store.session()?.ok_or_else(|| anyhow::anyhow!("not signed in"))?;
        session.server = server.to_owned();
        self.store.set_session(&session)?;
        Ok(())
    }
}
