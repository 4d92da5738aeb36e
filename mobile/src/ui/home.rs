//! Home, by role: a driver sees "New expense", "Start trip" (or the running trip) and their
//! expenses and trips; a promoter sees "New activity" and their activities. Every item says where
//! it stands.

use dioxus::prelude::*;
use shared_model::Role;
use shared_model::protocol::PushTable;

use super::app::{Screen, off_ui, use_app, use_navigate, use_sync_status};
use super::items::{ItemState, item_state};
use super::strings::Text;
use super::trip::{RunningTrip, format_duration};
use crate::store::LocalCapture;

/// One row of a list.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    uuid: uuid::Uuid,
    table: PushTable,
    title: String,
    detail: String,
    state: ItemState,
}

fn row_of(capture: &LocalCapture, t: &Text) -> Row {
    let text = |key: &str| capture.data.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let (title, detail) = match capture.table {
        PushTable::Expenses => {
            let kind = text("expense_type");
            let label = t.expense_types.iter().find(|(value, _)| *value == kind).map_or(kind.as_str(), |(_, l)| l);
            (format!("₹ {} · {label}", text("amount")), text("submitted_date"))
        }
        PushTable::PromoterActivities => (text("village_name"), text("activity_date")),
        PushTable::Reports => {
            let km = capture.data.get("km_travelled").and_then(serde_json::Value::as_f64).unwrap_or_default();
            (format!("{km:.1} km"), text("report_date"))
        }
    };
    Row { uuid: capture.uuid, table: capture.table, title, detail, state: item_state(capture) }
}

fn badge(state: &ItemState, t: &Text) -> (&'static str, &'static str) {
    match state {
        ItemState::Waiting => ("waiting", t.waiting_to_sync),
        ItemState::PendingApproval => ("pending", t.pending_approval),
        ItemState::Synced => ("synced", t.saved),
        ItemState::Approved => ("approved", t.approved),
        ItemState::RejectedByOffice(_) => ("rejected", t.rejected_by_office),
        ItemState::Refused(_) => ("refused", t.refused_by_server),
    }
}

/// The home screen.
#[component]
pub fn Home() -> Element {
    let app = use_app();
    let t = app.lang.text();
    let mut navigate = use_navigate();
    let status = use_sync_status();
    let trip = use_context::<Signal<Option<RunningTrip>>>();
    let role = app.store.session().ok().flatten().map(|s| s.user.role);
    let store = std::sync::Arc::clone(&app.store);
    // The lists are read again when what waits or the last sync changes, not on every progress
    // step of a sync.
    let changed = use_memo(move || {
        let now = status();
        (now.waiting_records, now.waiting_photos, now.last_success)
    });
    let lists = use_resource(move || {
        let _changed = changed();
        let store = std::sync::Arc::clone(&store);
        async move {
            off_ui(move || {
                Ok((
                    store.captures(PushTable::Expenses)?,
                    store.captures(PushTable::Reports)?,
                    store.captures(PushTable::PromoterActivities)?,
                ))
            })
            .await
        }
    });
    let mut confirm_sign_out = use_signal(|| false);
    let waiting = status().waiting_records + status().waiting_photos;
    let store = std::sync::Arc::clone(&app.store);
    let sign_out = move |_| {
        if waiting > 0 && !confirm_sign_out() {
            confirm_sign_out.set(true);
            return;
        }
        if store.clear_session().is_ok() {
            navigate.set(Screen::SignIn);
        }
    };
    let (expenses, trips, activities) = match &*lists.read() {
        Some(Ok((e, r, a))) => (
            e.iter().map(|c| row_of(c, t)).collect::<Vec<_>>(),
            r.iter().map(|c| row_of(c, t)).collect::<Vec<_>>(),
            a.iter().map(|c| row_of(c, t)).collect::<Vec<_>>(),
        ),
        _ => (Vec::new(), Vec::new(), Vec::new()),
    };
    let is_promoter = matches!(role, Some(Role::Promoter | Role::Anchor));
    rsx! {
        div { class: "screen",
            if is_promoter {
                button { class: "primary", onclick: move |_| navigate.set(Screen::Activity(None)), "{t.new_activity}" }
                h2 { "{t.my_activities}" }
                List { rows: activities }
            } else {
                button { class: "primary", onclick: move |_| navigate.set(Screen::Expense(None)), "{t.new_expense}" }
                match trip() {
                    Some(running) => rsx! {
                        button { class: "secondary", onclick: move |_| navigate.set(Screen::Trip),
                            "{t.trip_running}: {running.km():.2} km · {format_duration(running.elapsed())}"
                        }
                    },
                    None => rsx! {
                        button { class: "secondary", onclick: move |_| navigate.set(Screen::Trip), "{t.start_trip}" }
                    },
                }
                h2 { "{t.my_expenses}" }
                List { rows: expenses }
                h2 { "{t.my_trips}" }
                List { rows: trips }
            }
            if confirm_sign_out() {
                div { class: "notice", role: "alert", "{t.sign_out_warning}" }
                button { class: "secondary", onclick: move |_| confirm_sign_out.set(false), "{t.cancel}" }
            }
            button { class: "danger", onclick: sign_out,
                if confirm_sign_out() { "{t.sign_out_anyway}" } else { "{t.sign_out}" }
            }
        }
    }
}

#[component]
fn List(rows: Vec<Row>) -> Element {
    let app = use_app();
    let t = app.lang.text();
    let mut navigate = use_navigate();
    if rows.is_empty() {
        return rsx! { p { "{t.nothing_yet}" } };
    }
    rsx! {
        for row in rows {
            div { key: "{row.uuid}", class: "item",
                onclick: move |_| match row.table {
                    PushTable::Expenses => navigate.set(Screen::Expense(Some(row.uuid))),
                    PushTable::PromoterActivities => navigate.set(Screen::Activity(Some(row.uuid))),
                    PushTable::Reports => {}
                },
                div { class: "title", "{row.title}" }
                div { "{row.detail}" }
                {
                    let (class, label) = badge(&row.state, t);
                    rsx! { span { class: "badge {class}", "{label}" } }
                }
                match &row.state {
                    ItemState::Refused(message) => rsx! {
                        div { class: "reason", "{message}" }
                        div { class: "reason", "{t.fix_and_resend}" }
                    },
                    ItemState::RejectedByOffice(Some(note)) => rsx! { div { class: "reason", "{note}" } },
                    _ => rsx! {},
                }
            }
        }
    }
}
