//! The bar on every screen: online or offline, what waits, progress, the last sync, "Sync now",
//! and the last error in words.

use dioxus::prelude::*;

use super::app::{use_app, use_sync_status};
use crate::sync::{Activity, Stage};

/// The sync bar.
#[component]
pub fn SyncBar() -> Element {
    let app = use_app();
    let t = app.lang.text();
    let status = use_sync_status()();
    let state = match &status.activity {
        Activity::Offline => rsx! { span { class: "offline", "{t.offline}" } },
        Activity::Syncing { stage, done, total } => {
            let what = match stage {
                Stage::Pushing | Stage::Pulling => String::new(),
                Stage::Uploading if *total > 0 => format!(" {}%", done * 100 / total),
                Stage::Uploading => String::new(),
            };
            rsx! { span { "{t.syncing}{what}…" } }
        }
        Activity::SignedOut => rsx! { span { class: "offline", "{t.signed_out_sync}" } },
        Activity::Idle | Activity::Error(_) => rsx! { span { "{t.online}" } },
    };
    let last = status
        .last_success
        .map(|at| at.with_timezone(&chrono::Local).format("%d %b %H:%M").to_string())
        .unwrap_or_else(|| t.never.to_owned());
    let engine = std::sync::Arc::clone(&app.engine);
    rsx! {
        div { class: "sync-bar", role: "status",
            div { class: "row",
                {state}
                button {
                    disabled: matches!(status.activity, Activity::Syncing { .. }),
                    onclick: move |_| engine.request_sync(),
                    "{t.sync_now}"
                }
            }
            div { class: "row",
                span { "{status.waiting_records} {t.records_waiting} · {status.waiting_photos} {t.photos_waiting}" }
            }
            div { class: "row", span { "{t.last_sync}: {last}" } }
            if let Some(error) = &status.last_error {
                if !matches!(status.activity, Activity::Offline) {
                    div { class: "bar-error", "{error}" }
                }
            }
        }
    }
}
