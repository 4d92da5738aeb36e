//! New or edited expense: campaign, type, amount, description, bill photo, date. The form checks
//! with the server's own rules as the driver types, so a sync never fails on what it could catch.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::NaiveDate;
use dioxus::prelude::*;
use shared_model::Money;
use shared_model::protocol::PullTable;
use shared_model::tables::ExpenseCapture;
use uuid::Uuid;

use super::app::{Screen, save_and_go_home, use_app, use_navigate};
use super::photo_slot::PhotoSlot;

/// The campaigns the phone may use, by id and name, from the last sync.
pub(super) fn campaigns(store: &crate::store::Store) -> Vec<(i64, String)> {
    store
        .server_rows(PullTable::Campaigns)
        .unwrap_or_default()
        .iter()
        .filter_map(|row| Some((row.get("id")?.as_i64()?, row.get("name")?.as_str()?.to_owned())))
        .collect()
}

/// Field errors by field name.
pub(super) type Problems = HashMap<String, String>;

pub(super) fn problems_of(errors: &shared_model::validate::FieldErrors) -> Problems {
    errors.0.iter().map(|e| (e.field.clone(), e.message.clone())).collect()
}

/// What the form holds, as typed.
#[derive(Debug, Clone, PartialEq, Default)]
struct Draft {
    campaign: String,
    kind: String,
    amount: String,
    description: String,
    date: String,
}

impl Draft {
    fn of(expense: &ExpenseCapture) -> Self {
        Draft {
            campaign: expense.campaign_id.to_string(),
            kind: expense.expense_type.clone(),
            amount: expense.amount.to_string(),
            description: expense.description.clone().unwrap_or_default(),
            date: expense.submitted_date.to_string(),
        }
    }

    /// The expense, or the fields at fault with the rule each breaks.
    fn capture(&self, bill: Option<String>, today: NaiveDate) -> Result<ExpenseCapture, Problems> {
        let mut problems = Problems::new();
        let campaign_id = self.campaign.parse::<i64>().unwrap_or_else(|_| {
            problems.insert("campaign_id".into(), "Choose a campaign.".into());
            0
        });
        let amount = Money::from_str(self.amount.trim()).unwrap_or_else(|_| {
            problems.insert("amount".into(), "Enter the amount in rupees, like 2450.50.".into());
            Money::default()
        });
        let submitted_date = NaiveDate::from_str(&self.date).unwrap_or_else(|_| {
            problems.insert("submitted_date".into(), "Choose the date.".into());
            today
        });
        let description = Some(self.description.trim().to_owned()).filter(|d| !d.is_empty());
        let expense = ExpenseCapture {
            campaign_id,
            expense_type: self.kind.clone(),
            amount,
            submitted_date,
            description,
            bill_image: bill,
        };
        if let Err(errors) = expense.validate(today) {
            for (field, message) in problems_of(&errors) {
                problems.entry(field).or_insert(message);
            }
        }
        if problems.is_empty() { Ok(expense) } else { Err(problems) }
    }
}

/// The expense form.
#[component]
pub fn ExpenseForm(uuid: Option<Uuid>) -> Element {
    let app = use_app();
    let t = app.lang.text();
    let mut navigate = use_navigate();
    let today = app.store.wall_now().date_naive();
    let existing = uuid.and_then(|u| app.store.capture(u).ok().flatten());
    let mut draft = use_signal(|| {
        existing.as_ref().and_then(crate::store::LocalCapture::expense).map_or_else(
            || Draft { kind: "fuel".into(), date: today.to_string(), ..Draft::default() },
            |e| Draft::of(&e),
        )
    });
    let bill = use_signal(|| existing.as_ref().and_then(|c| c.expense()).and_then(|e| e.bill_image));
    let mut tried = use_signal(|| false);
    let failure = use_signal(|| existing.as_ref().and_then(|c| c.error.as_ref().map(|e| e.message.clone())));
    let campaigns = campaigns(&app.store);
    let problems = if tried() { draft().capture(bill(), today).err().unwrap_or_default() } else { Problems::new() };
    let problem = move |field: &str| problems.get(field).cloned();
    let save = move |event: FormEvent| {
        event.prevent_default();
        tried.set(true);
        let Ok(expense) = draft().capture(bill(), today) else { return };
        save_and_go_home(&app, move |store| store.save_expense(uuid, &expense), failure, navigate);
    };
    let title = if uuid.is_some() { t.edit_expense } else { t.new_expense };
    rsx! {
        form { class: "screen", onsubmit: save, novalidate: true,
            h1 { "{title}" }
            if let Some(message) = failure() {
                div { class: "error", role: "alert", "{message}" }
            }
            label { r#for: "campaign", "{t.campaign}" }
            if campaigns.is_empty() {
                div { class: "notice", "{t.no_campaigns}" }
            }
            select { id: "campaign", name: "campaign", value: "{draft().campaign}",
                onchange: move |e| draft.write().campaign = e.value(),
                option { value: "", "{t.choose_campaign}" }
                for (id, name) in campaigns {
                    option { key: "{id}", value: "{id}", selected: draft().campaign == id.to_string(), "{name}" }
                }
            }
            if let Some(p) = problem("campaign_id") { div { class: "field-error", "{p}" } }
            label { r#for: "kind", "{t.expense_type}" }
            select { id: "kind", name: "kind", value: "{draft().kind}", onchange: move |e| draft.write().kind = e.value(),
                for (value, label) in t.expense_types {
                    option { key: "{value}", value: "{value}", selected: draft().kind == value, "{label}" }
                }
            }
            if let Some(p) = problem("expense_type") { div { class: "field-error", "{p}" } }
            label { r#for: "amount", "{t.amount}" }
            input { id: "amount", name: "amount", r#type: "text", inputmode: "decimal", placeholder: "0.00",
                initial_value: "{draft().amount}", oninput: move |e| draft.write().amount = e.value() }
            if let Some(p) = problem("amount") { div { class: "field-error", "{p}" } }
            label { r#for: "description", "{t.description}" }
            textarea { id: "description", name: "description", initial_value: "{draft().description}",
                oninput: move |e| draft.write().description = e.value() }
            if let Some(p) = problem("description") { div { class: "field-error", "{p}" } }
            PhotoSlot { label: t.bill_photo.to_owned(), value: bill }
            label { r#for: "date", "{t.date}" }
            input { id: "date", name: "date", r#type: "date", initial_value: "{draft().date}", max: "{today}",
                oninput: move |e| draft.write().date = e.value() }
            if let Some(p) = problem("submitted_date") { div { class: "field-error", "{p}" } }
            button { class: "primary", r#type: "submit", "{t.save}" }
            button { class: "secondary", r#type: "button", onclick: move |_| navigate.set(Screen::Home), "{t.back}" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
    }

    #[test]
    fn a_complete_draft_is_an_expense() {
        let draft = Draft {
            campaign: "3".into(),
            kind: "toll".into(),
            amount: "120.50".into(),
            description: " NH-48 ".into(),
            date: "2026-11-25".into(),
        };
        let expense = draft.capture(None, today());
        assert!(
            matches!(&expense, Ok(e) if e.campaign_id == 3 && e.description.as_deref() == Some("NH-48")),
            "{expense:?}"
        );
    }

    #[test]
    fn the_form_names_each_field_the_server_would_refuse() {
        let draft = Draft {
            campaign: String::new(),
            kind: "fuel".into(),
            amount: "0".into(),
            description: String::new(),
            date: "2099-01-01".into(),
        };
        let problems = draft.capture(None, today()).err().unwrap_or_default();
        let mut fields: Vec<&str> = problems.keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["amount", "campaign_id", "submitted_date"]);
    }
}
