//! The screens drivers and promoters use (Dioxus 0.7), one file each, over the plain-Rust core:
//! they read and write the `store`, ask the sync `engine` for a sync, and show its status. Saving
//! never waits for the network; SQLite work runs on a blocking worker, not the UI thread.
//!
//! All text comes from [`strings`] (English and Hindi). The layout is for a phone held in one hand
//! (360×780 first): large touch targets, high contrast, the fitting keyboard for each field.
#![allow(unused_qualifications, reason = "rsx! expands event handlers to fully qualified paths")]

mod activity_form;
mod app;
mod expense_form;
mod form;
mod home;
mod items;
mod photo_slot;
mod sign_in;
pub mod strings;
mod sync_bar;
mod theme;
mod trip;

pub use app::{App, AppContext, Screen, Screens, ScreensProps};
pub use items::{ItemState, item_state};
