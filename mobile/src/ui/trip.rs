//! A trip: start, live distance and time, then end with the campaign, places covered, notes and
//! photos; saved as a report with the GPS track.

use chrono::{DateTime, Utc};
use dioxus::prelude::*;

use super::app::{Screen, off_ui, use_app, use_navigate};
use super::form::{campaigns, optional_text};
use super::photo_slot::PhotoSlot;
use crate::gps::{TripEnd, TripRecorder, trip_report};

/// The trip under way, shared by the home and trip screens.
#[derive(Debug, Clone)]
pub struct RunningTrip {
    /// The kept track.
    pub recorder: TripRecorder,
    /// When the driver pressed "Start trip".
    pub started: DateTime<Utc>,
    /// The task feeding fixes in; cancelled when the trip ends.
    pub feed: Option<dioxus::core::Task>,
}

impl RunningTrip {
    /// Kilometres so far.
    pub fn km(&self) -> f64 {
        self.recorder.km()
    }

    /// Time since the start.
    pub fn elapsed(&self) -> chrono::TimeDelta {
        Utc::now() - self.started
    }
}

/// `1:05:09` or `5:09`.
pub fn format_duration(elapsed: chrono::TimeDelta) -> String {
    let seconds = elapsed.num_seconds().max(0);
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// The trip screen.
#[component]
pub fn Trip() -> Element {
    let app = use_app();
    let t = app.lang.text();
    let mut navigate = use_navigate();
    let mut trip = use_context::<Signal<Option<RunningTrip>>>();
    let mut campaign = use_signal(String::new);
    let mut locations = use_signal(String::new);
    let mut notes = use_signal(String::new);
    let photos = [use_signal(|| None::<String>), use_signal(|| None::<String>), use_signal(|| None::<String>)];
    let mut failure = use_signal(|| None::<String>);
    // The clock on screen moves once a second while the trip runs.
    let mut tick = use_signal(|| 0u64);
    use_future(move || async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            tick += 1;
        }
    });
    let platform = std::sync::Arc::clone(&app.platform);
    // Starting may wait for the phone (the location permission question, the location service
    // coming up), so it runs off the UI thread.
    let start = move |_| {
        let platform = std::sync::Arc::clone(&platform);
        spawn(async move {
            match off_ui(move || platform.location.start()).await {
                // Another tap started the trip meanwhile; dropping these fixes stops their source.
                Ok(_) if trip.peek().is_some() => {}
                Ok(mut fixes) => {
                    let feed = spawn(async move {
                        while let Some(fix) = fixes.recv().await {
                            if let Some(running) = trip.write().as_mut() {
                                running.recorder.push(fix);
                            }
                        }
                    });
                    trip.set(Some(RunningTrip {
                        recorder: TripRecorder::default(),
                        started: Utc::now(),
                        feed: Some(feed),
                    }));
                }
                Err(e) => failure.set(Some(e.to_string())),
            }
        });
    };
    let campaign_list = campaigns(&app.store);
    let shared = (std::sync::Arc::clone(&app.store), std::sync::Arc::clone(&app.engine));
    let end = move |event: FormEvent| {
        event.prevent_default();
        let Some(running) = trip() else { return };
        let Ok(campaign_id) = campaign().parse::<i64>() else {
            failure.set(Some(t.choose_campaign.to_owned()));
            return;
        };
        let end = TripEnd {
            campaign_id,
            locations_covered: optional_text(&locations()),
            notes: optional_text(&notes()),
            photos: photos.iter().filter_map(|p| p()).collect(),
        };
        let (store, engine) = (std::sync::Arc::clone(&shared.0), std::sync::Arc::clone(&shared.1));
        spawn(async move {
            let saved = off_ui(move || {
                let report = trip_report(&running.recorder, end)?;
                store.save_report(None, &report)
            })
            .await;
            match saved {
                Ok(_) => {
                    if let Some(feed) = trip().and_then(|r| r.feed) {
                        feed.cancel();
                    }
                    trip.set(None);
                    engine.request_sync();
                    navigate.set(Screen::Home);
                }
                Err(e) => failure.set(Some(e.to_string())),
            }
        });
    };
    let _second = tick();
    rsx! {
        div { class: "screen",
            if let Some(message) = failure() {
                div { class: "error", role: "alert", "{message}" }
            }
            match trip() {
                None => rsx! {
                    h1 { "{t.start_trip}" }
                    button { class: "primary", onclick: start, "{t.start_trip}" }
                },
                Some(running) => rsx! {
                    h1 { "{t.trip_running}" }
                    div { class: "trip-live", "{running.km():.2} km" }
                    div { class: "trip-live", "{format_duration(running.elapsed())}" }
                    form { onsubmit: end, novalidate: true,
                        label { r#for: "campaign", "{t.campaign}" }
                        select { id: "campaign", name: "campaign", onchange: move |e| campaign.set(e.value()),
                            option { value: "", "{t.choose_campaign}" }
                            for (id, name) in campaign_list {
                                option { key: "{id}", value: "{id}", "{name}" }
                            }
                        }
                        label { r#for: "locations", "{t.locations_covered}" }
                        input { id: "locations", name: "locations", r#type: "text", initial_value: "{locations}",
                            oninput: move |e| locations.set(e.value()) }
                        label { r#for: "notes", "{t.notes}" }
                        textarea { id: "notes", name: "notes", initial_value: "{notes}", oninput: move |e| notes.set(e.value()) }
                        div { class: "photos",
                            for (i, slot) in photos.into_iter().enumerate() {
                                PhotoSlot { key: "{i}", label: format!("{} {}", t.photo, i + 1), value: slot }
                            }
                        }
                        button { class: "primary", r#type: "submit", "{t.end_trip}" }
                    }
                },
            }
            button { class: "secondary", onclick: move |_| navigate.set(Screen::Home), "{t.back}" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_minutes_or_hours() {
        assert_eq!(format_duration(chrono::TimeDelta::seconds(309)), "5:09");
        assert_eq!(format_duration(chrono::TimeDelta::seconds(3909)), "1:05:09");
        assert_eq!(format_duration(chrono::TimeDelta::seconds(-5)), "0:00");
    }
}
