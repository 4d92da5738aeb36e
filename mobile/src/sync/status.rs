//! What the sync bar shows.

use chrono::{DateTime, Utc};

/// What the engine is doing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Activity {
    /// Nothing to do, or waiting for the next round.
    #[default]
    Idle,
    /// A sync is under way.
    Syncing {
        /// Which part.
        stage: Stage,
        /// How far, in records, pages or bytes of this stage.
        done: u64,
        /// Of how much, when known (0 when not).
        total: u64,
    },
    /// The server cannot be reached; captures keep waiting safely.
    Offline,
    /// Nobody is signed in, or the session ended: sign in again (nothing is lost).
    SignedOut,
    /// The last sync failed; the message says why, in words.
    Error(String),
}

/// The parts of a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Sending captures.
    Pushing,
    /// Receiving changes.
    Pulling,
    /// Sending photos (bytes).
    Uploading,
}

/// Everything the sync bar shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncStatus {
    /// What is happening now.
    pub activity: Activity,
    /// Captures waiting to be sent.
    pub waiting_records: u64,
    /// Photos waiting to be sent.
    pub waiting_photos: u64,
    /// When a sync last finished without error.
    pub last_success: Option<DateTime<Utc>>,
    /// The last error, in words, until a sync succeeds.
    pub last_error: Option<String>,
}
