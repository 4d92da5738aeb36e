//! New or edited expense: campaign, type, amount, description, bill photo, date. The form checks
//! with the server's own rules as the driver types, so a sync never fails on what it could catch.

use chrono::NaiveDate;
use dioxus::prelude::*;
use shared_model::tables::ExpenseCapture;
use uuid::Uuid;

use super::app::{Screen, save_and_go_home, use_app, use_navigate};
use super::form::{Problems, Reader, campaigns, optional_text};
use super::photo_slot::PhotoSlot;
use super::strings::Text;

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
    fn capture(&self, bill: Option<String>, today: NaiveDate, t: &Text) -> Result<ExpenseCapture, Problems> {
        let mut read = Reader::new(t);
        let expense = ExpenseCapture {
            campaign_id: read.campaign(&self.campaign),
            expense_type: self.kind.clone(),
            amount: read.money("amount", &self.amount),
            submitted_date: read.date("submitted_date", &self.date, today),
            description: optional_text(&self.description),
            bill_image: bill,
        };
        let rules = expense.validate(today);
        read.finish(expense, rules)
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
    let problems = if tried() { draft().capture(bill(), today, t).err().unwrap_or_default() } else { Problems::new() };
    let problem = move |field: &str| problems.get(field).cloned();
    let save = move |event: FormEvent| {
        event.prevent_default();
        tried.set(true);
        let Ok(expense) = draft().capture(bill(), today, t) else { return };
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
        let expense = draft.capture(None, today(), super::super::strings::Lang::En.text());
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
        let problems = draft.capture(None, today(), super::super::strings::Lang::En.text()).err().unwrap_or_default();
        let mut fields: Vec<&str> = problems.keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["amount", "campaign_id", "submitted_date"]);
    }
}
