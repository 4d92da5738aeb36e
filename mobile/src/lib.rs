//! The Fleet Operations phone app for drivers and promoters: local store (rusqlite), outbox and
//! sync engine, photo pipeline, GPS trip recorder, and the Dioxus screens.
//!
//! Only the shape is here so far; the modules of DESIGN.md's layout (store, sync, media, gps,
//! platform, ui) are still to be written. Domain rules are not written here: they come from
//! `shared-model`, so a form checks a capture exactly as the server will.
#![forbid(unsafe_code)]

pub use shared_model;
