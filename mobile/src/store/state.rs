//! Sync state, one value per key: device id, pull cursor, hybrid clock, session, last success.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use shared_model::clock::HybridClock;
use shared_model::protocol::SessionUser;
use uuid::Uuid;

use super::Store;
use crate::{Error, Result};

/// The account session on this phone. Kept when the network is gone: a phone offline for weeks
/// still opens straight to home, and syncs with its refresh token when signal returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The server's base address, `https://fleet.example.com`.
    pub server: String,
    /// Bearer token for requests.
    pub access_token: String,
    /// Exchanged for a new pair when the access token has expired.
    pub refresh_token: String,
    /// When the access token stops working (by the phone's clock, with a margin).
    pub access_expires_at: DateTime<Utc>,
    /// Who is signed in.
    pub user: SessionUser,
}

pub(super) fn get<T: for<'de> Deserialize<'de>>(conn: &Connection, key: &str) -> Result<Option<T>> {
    let text: Option<String> =
        conn.query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    text.map(|t| serde_json::from_str(&t).map_err(Error::from)).transpose()
}

pub(super) fn set<T: Serialize>(conn: &Connection, key: &str, value: &T) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, serde_json::to_string(value)?],
    )?;
    Ok(())
}

fn remove(conn: &Connection, key: &str) -> Result<()> {
    conn.execute("DELETE FROM sync_state WHERE key = ?1", [key])?;
    Ok(())
}

/// The device id, made and stored the first time.
pub(super) fn device_id(conn: &Connection) -> Result<Uuid> {
    if let Some(id) = get::<Uuid>(conn, "device_id")? {
        return Ok(id);
    }
    let id = Uuid::now_v7();
    set(conn, "device_id", &id)?;
    Ok(id)
}

/// The next version time from the stored hybrid clock, stored back in the caller's transaction.
pub(super) fn tick(conn: &Connection, wall: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let mut clock: HybridClock = get(conn, "clock")?.unwrap_or_default();
    let at = clock.tick(wall);
    set(conn, "clock", &clock)?;
    Ok(at)
}

impl Store {
    /// The saved pull cursor; `None` before the first complete sync.
    pub fn cursor(&self) -> Result<Option<String>> {
        get(&*self.conn()?, "cursor")
    }

    /// Forgets the cursor, so the next pull is a first sync (after `410 cursor_expired`).
    /// Unsynced captures stay.
    pub fn reset_cursor(&self) -> Result<()> {
        remove(&*self.conn()?, "cursor")
    }

    /// Learns the clock offset from a server answer received now.
    pub fn observe_server_time(&self, server_time: DateTime<Utc>) -> Result<()> {
        let conn = self.conn()?;
        let mut clock: HybridClock = get(&conn, "clock")?.unwrap_or_default();
        clock.observe(server_time, self.wall_now());
        set(&conn, "clock", &clock)
    }

    /// The hybrid clock's state.
    pub fn clock(&self) -> Result<HybridClock> {
        Ok(get(&*self.conn()?, "clock")?.unwrap_or_default())
    }

    /// The session, if someone signed in on this phone.
    pub fn session(&self) -> Result<Option<Session>> {
        get(&*self.conn()?, "session")
    }

    /// Keeps a new or refreshed session.
    pub fn set_session(&self, session: &Session) -> Result<()> {
        set(&*self.conn()?, "session", session)
    }

    /// Signs out: forgets the session and the cursor. Captures, waiting or not, stay on the phone
    /// (the app warns before signing out with unsynced data, and never deletes it silently).
    pub fn clear_session(&self) -> Result<()> {
        let conn = self.conn()?;
        remove(&conn, "session")?;
        remove(&conn, "cursor")
    }

    /// When the last sync finished without error.
    pub fn last_success(&self) -> Result<Option<DateTime<Utc>>> {
        get(&*self.conn()?, "last_success")
    }

    /// Notes a sync that finished without error.
    pub fn set_last_success(&self, at: DateTime<Utc>) -> Result<()> {
        set(&*self.conn()?, "last_success", &at)
    }
}
