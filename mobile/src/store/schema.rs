//! The local schema and its migrations. SQLite's `user_version` holds how many of [`MIGRATIONS`]
//! have run; opening a store runs the rest, each in one transaction with its version bump.
//! Append only: a phone in the field may hold any earlier version.

use rusqlite::Connection;

use crate::Result;

/// Each entry takes the schema from the version before it (its index) to the next.
pub const MIGRATIONS: &[&str] = &[
    // 1: captures, their outbox, what the server sends, sync state.
    "CREATE TABLE captures (
         uuid          TEXT PRIMARY KEY,
         table_name    TEXT NOT NULL CHECK (table_name IN ('expenses', 'promoter_activities', 'reports')),
         server_id     INTEGER,
         data          TEXT NOT NULL,
         server_row    TEXT,
         updated_at    TEXT NOT NULL,
         deleted       INTEGER NOT NULL DEFAULT 0,
         state         TEXT NOT NULL CHECK (state IN ('waiting', 'synced', 'rejected')),
         error_code    TEXT,
         error_message TEXT,
         created_at    TEXT NOT NULL
     );
     CREATE INDEX captures_by_table ON captures (table_name, created_at);
     CREATE TABLE outbox (
         seq         INTEGER PRIMARY KEY AUTOINCREMENT,
         mutation_id TEXT NOT NULL UNIQUE,
         uuid        TEXT NOT NULL REFERENCES captures (uuid),
         table_name  TEXT NOT NULL,
         op          TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
         data        TEXT,
         updated_at  TEXT NOT NULL,
         sent        INTEGER NOT NULL DEFAULT 0
     );
     CREATE INDEX outbox_by_uuid ON outbox (uuid);
     CREATE TABLE server_rows (
         table_name TEXT NOT NULL,
         id         INTEGER NOT NULL,
         row        TEXT NOT NULL,
         PRIMARY KEY (table_name, id)
     );
     CREATE TABLE sync_state (
         key   TEXT PRIMARY KEY,
         value TEXT NOT NULL
     );",
    // 2: photos taken on the phone and how far their upload got.
    "CREATE TABLE photos (
         sha256        TEXT PRIMARY KEY,
         path          TEXT NOT NULL,
         bytes         INTEGER NOT NULL,
         width         INTEGER NOT NULL,
         height        INTEGER NOT NULL,
         state         TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'partial', 'uploaded', 'refused')),
         received      INTEGER NOT NULL DEFAULT 0,
         error_code    TEXT,
         error_message TEXT,
         created_at    TEXT NOT NULL
     );",
];

/// The schema version this code writes.
pub fn current_version() -> u32 {
    u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX)
}

/// Runs the migrations after the store's version, up to `target`.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32> {
    let mut version: u32 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > current_version() {
        return Err(crate::Error::Internal(format!(
            "this phone's data was written by a newer app (schema {version}); update the app"
        )));
    }
    while version < target.min(current_version()) {
        let tx = conn.transaction()?;
        let step = usize::try_from(version).ok().and_then(|i| MIGRATIONS.get(i));
        let step = step.ok_or_else(|| crate::Error::Internal(format!("no migration after version {version}")))?;
        tx.execute_batch(step)?;
        version += 1;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(version)
}
