//! The phone's local database (rusqlite, bundled SQLite, WAL): every capture with its outbox
//! entry, the rows the server sent, photos and their upload state, and the sync state (device id,
//! pull cursor, hybrid clock, session).
//!
//! A capture and its outbox entry are written in one transaction, so a crash leaves either the old
//! or the new state. Captures need no session and no network. Methods are synchronous and short;
//! callers on a UI thread run them on a worker.

mod captures;
mod outbox;
mod photos;
mod pulled;
pub mod schema;
mod state;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use uuid::Uuid;

pub use captures::{CaptureState, LocalCapture};
pub use photos::LocalPhoto;
pub use state::Session;

use crate::{Error, Result};

/// The wall clock the store stamps with: the system clock, or another one in tests (a phone
/// whose clock is wrong).
pub type WallClock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The local database.
pub struct Store {
    conn: Mutex<Connection>,
    wall: WallClock,
    device_id: Uuid,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("device_id", &self.device_id).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with_clock(path, Arc::new(Utc::now))
    }

    /// As [`Store::open`], stamping versions from `wall` instead of the system clock.
    pub fn open_with_clock(path: &Path, wall: WallClock) -> Result<Store> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        schema::migrate_to(&mut conn, schema::current_version())?;
        let device_id = state::device_id(&conn)?;
        Ok(Store { conn: Mutex::new(conn), wall, device_id })
    }

    /// This installation's device id, made on first open and kept.
    pub fn device_id(&self) -> Uuid {
        self.device_id
    }

    /// The wall clock now.
    pub fn wall_now(&self) -> DateTime<Utc> {
        (self.wall)()
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>> {
        self.conn.lock().map_err(|_| Error::Internal("the store's lock was poisoned by a crash".into()))
    }

    /// How many captures wait to be pushed, and how many photos wait to be uploaded.
    pub fn waiting(&self) -> Result<(u64, u64)> {
        let conn = self.conn()?;
        let records: i64 = conn.query_row("SELECT COUNT(DISTINCT uuid) FROM outbox", [], |r| r.get(0))?;
        let photos: i64 =
            conn.query_row("SELECT COUNT(*) FROM photos WHERE state IN ('waiting', 'partial')", [], |r| r.get(0))?;
        Ok((u64::try_from(records).unwrap_or_default(), u64::try_from(photos).unwrap_or_default()))
    }
}
