//! New or edited promoter activity: campaign, village, date, people attended, activities held,
//! specialty, language, remarks, and photos before, during and after.

use chrono::NaiveDate;
use dioxus::prelude::*;
use shared_model::tables::ActivityCapture;
use uuid::Uuid;

use super::app::{Screen, save_and_go_home, use_app, use_navigate};
use super::form::{Problems, Reader, campaigns, optional_text};
use super::photo_slot::PhotoSlot;
use super::strings::Text;

#[derive(Debug, Clone, PartialEq, Default)]
struct Draft {
    campaign: String,
    village: String,
    date: String,
    people: String,
    count: String,
    specialty: String,
    language: String,
    remarks: String,
}

impl Draft {
    fn of(a: &ActivityCapture) -> Self {
        Draft {
            campaign: a.campaign_id.to_string(),
            village: a.village_name.clone(),
            date: a.activity_date.to_string(),
            people: a.people_attended.map(|n| n.to_string()).unwrap_or_default(),
            count: a.activity_count.map(|n| n.to_string()).unwrap_or_default(),
            specialty: a.specialty.clone().unwrap_or_default(),
            language: a.language.clone().unwrap_or_default(),
            remarks: a.remarks.clone().unwrap_or_default(),
        }
    }

    fn capture(&self, photos: [Option<String>; 3], today: NaiveDate, t: &Text) -> Result<ActivityCapture, Problems> {
        let mut read = Reader::new(t);
        let [before_image, during_image, after_image] = photos;
        let activity = ActivityCapture {
            campaign_id: read.campaign(&self.campaign),
            village_name: self.village.trim().to_owned(),
            activity_date: read.date("activity_date", &self.date, today),
            people_attended: read.count("people_attended", &self.people),
            activity_count: read.count("activity_count", &self.count),
            before_image,
            during_image,
            after_image,
            specialty: optional_text(&self.specialty),
            language: optional_text(&self.language),
            remarks: optional_text(&self.remarks),
        };
        let rules = activity.validate(today);
        read.finish(activity, rules)
    }
}

/// The activity form.
#[component]
pub fn ActivityForm(uuid: Option<Uuid>) -> Element {
    let app = use_app();
    let t = app.lang.text();
    let mut navigate = use_navigate();
    let today = app.store.wall_now().date_naive();
    let existing = uuid.and_then(|u| app.store.capture(u).ok().flatten()).and_then(|c| c.activity());
    let mut draft = use_signal(|| {
        existing.as_ref().map_or_else(|| Draft { date: today.to_string(), ..Draft::default() }, Draft::of)
    });
    let before = use_signal(|| existing.as_ref().and_then(|a| a.before_image.clone()));
    let during = use_signal(|| existing.as_ref().and_then(|a| a.during_image.clone()));
    let after = use_signal(|| existing.as_ref().and_then(|a| a.after_image.clone()));
    let mut tried = use_signal(|| false);
    let failure = use_signal(|| None::<String>);
    let photos = move || [before(), during(), after()];
    let problems =
        if tried() { draft().capture(photos(), today, t).err().unwrap_or_default() } else { Problems::new() };
    let problem = move |field: &str| problems.get(field).cloned();
    let campaign_list = campaigns(&app.store);
    let save = move |event: FormEvent| {
        event.prevent_default();
        tried.set(true);
        let Ok(activity) = draft().capture(photos(), today, t) else { return };
        save_and_go_home(&app, move |store| store.save_activity(uuid, &activity), failure, navigate);
    };
    let title = if uuid.is_some() { t.edit_activity } else { t.new_activity };
    rsx! {
        form { class: "screen", onsubmit: save, novalidate: true,
            h1 { "{title}" }
            if let Some(message) = failure() {
                div { class: "error", role: "alert", "{message}" }
            }
            label { r#for: "campaign", "{t.campaign}" }
            select { id: "campaign", name: "campaign", onchange: move |e| draft.write().campaign = e.value(),
                option { value: "", "{t.choose_campaign}" }
                for (id, name) in campaign_list {
                    option { key: "{id}", value: "{id}", selected: draft().campaign == id.to_string(), "{name}" }
                }
            }
            if let Some(p) = problem("campaign_id") { div { class: "field-error", "{p}" } }
            label { r#for: "village", "{t.village}" }
            input { id: "village", name: "village", r#type: "text", autocomplete: "off", initial_value: "{draft().village}",
                oninput: move |e| draft.write().village = e.value() }
            if let Some(p) = problem("village_name") { div { class: "field-error", "{p}" } }
            label { r#for: "date", "{t.date}" }
            input { id: "date", name: "date", r#type: "date", max: "{today}", initial_value: "{draft().date}",
                oninput: move |e| draft.write().date = e.value() }
            if let Some(p) = problem("activity_date") { div { class: "field-error", "{p}" } }
            label { r#for: "people", "{t.people_attended}" }
            input { id: "people", name: "people", r#type: "text", inputmode: "numeric", initial_value: "{draft().people}",
                oninput: move |e| draft.write().people = e.value() }
            if let Some(p) = problem("people_attended") { div { class: "field-error", "{p}" } }
            label { r#for: "count", "{t.activity_count}" }
            input { id: "count", name: "count", r#type: "text", inputmode: "numeric", initial_value: "{draft().count}",
                oninput: move |e| draft.write().count = e.value() }
            if let Some(p) = problem("activity_count") { div { class: "field-error", "{p}" } }
            label { r#for: "specialty", "{t.specialty}" }
            input { id: "specialty", name: "specialty", r#type: "text", initial_value: "{draft().specialty}",
                oninput: move |e| draft.write().specialty = e.value() }
            label { r#for: "language", "{t.language}" }
            input { id: "language", name: "language", r#type: "text", initial_value: "{draft().language}",
                oninput: move |e| draft.write().language = e.value() }
            label { r#for: "remarks", "{t.remarks}" }
            textarea { id: "remarks", name: "remarks", initial_value: "{draft().remarks}",
                oninput: move |e| draft.write().remarks = e.value() }
            div { class: "photos",
                PhotoSlot { label: t.photo_before.to_owned(), value: before }
                PhotoSlot { label: t.photo_during.to_owned(), value: during }
                PhotoSlot { label: t.photo_after.to_owned(), value: after }
            }
            button { class: "primary", r#type: "submit", "{t.save}" }
            button { class: "secondary", r#type: "button", onclick: move |_| navigate.set(Screen::Home), "{t.back}" }
        }
    }
}
