//! Syncing with the server: the HTTP client of SYNC-PROTOCOL.md ([`client`]) and the engine that
//! pushes the outbox, pulls changes and uploads photos, reporting its state for the sync bar
//! ([`engine`]).

pub mod client;
pub mod engine;
mod status;

pub use client::Client;
pub use engine::{Engine, EngineConfig, SyncReport};
pub use status::{Activity, Stage, SyncStatus};
