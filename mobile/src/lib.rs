//! The Fleet Operations phone app for drivers and promoters.
//!
//! The core is plain Rust, tested without a window: `store` (the local
//! SQLite database: captures, their outbox, photos, what the server sent, sync state), `sync` (the
//! HTTP client of SYNC-PROTOCOL.md and the engine that pushes, pulls and uploads), `media` (the
//! photo pipeline), `gps` (the trip recorder) and `platform` (camera, location and the app's
//! data folder behind traits, with desktop implementations), and `ui`, the Dioxus screens built on
//! them. The binary `fleet-mobile` starts the app.
//! Domain rules are not written here: they come from `shared-model`, so a form checks a capture
//! exactly as the server will.
#![forbid(unsafe_code)]

pub mod error;
pub mod gps;
pub mod media;
pub mod platform;
pub mod store;
pub mod sync;
pub mod ui;

pub use error::{Error, Result};
pub use shared_model;
