//! Counters the simulation keeps while it runs.

use std::sync::atomic::{AtomicU64, Ordering};

/// What happened during the run.
#[derive(Debug, Default)]
pub struct Stats {
    /// Captures made.
    pub captures: AtomicU64,
    /// Edits saved.
    pub edits: AtomicU64,
    /// Deletes saved.
    pub deletes: AtomicU64,
    /// Syncs that finished.
    pub syncs_ok: AtomicU64,
    /// Syncs that gave up (offline, server down, faults).
    pub syncs_failed: AtomicU64,
    /// Times a phone went out of signal.
    pub offline_spells: AtomicU64,
    /// Errors a phone's own code reported (not sync failures).
    pub phone_errors: AtomicU64,
    /// Server kills.
    pub server_kills: AtomicU64,
    /// Database restarts.
    pub database_restarts: AtomicU64,
    /// Faults armed in the proxy: lost answers.
    pub armed_drops: AtomicU64,
    /// Faults armed in the proxy: requests delivered twice.
    pub armed_duplicates: AtomicU64,
    /// Faults armed in the proxy: uploads cut.
    pub armed_cuts: AtomicU64,
    /// Expenses the office approved or rejected during the run.
    pub reviews: AtomicU64,
    /// Rows found on a phone outside its user's scope while the run went on.
    pub out_of_scope_seen: AtomicU64,
}

impl Stats {
    /// Adds `n` to `counter`.
    pub fn add(&self, counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// The value of `counter`.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}
