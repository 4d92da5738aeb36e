//! What the capture forms share: the synced campaigns to choose from, and reading what was typed
//! into a capture while noting each field's problem in the user's words; the shared model's own
//! rules (the server's) then judge the capture as a whole.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::NaiveDate;
use shared_model::Money;
use shared_model::protocol::PullTable;
use shared_model::validate::FieldErrors;

use super::strings::Text;
use crate::store::Store;

/// The campaigns the phone may use, by id and name, from the last sync.
pub(super) fn campaigns(store: &Store) -> Vec<(i64, String)> {
    store
        .server_rows(PullTable::Campaigns)
        .unwrap_or_default()
        .iter()
        .filter_map(|row| Some((row.get("id")?.as_i64()?, row.get("name")?.as_str()?.to_owned())))
        .collect()
}

/// Field problems by field name.
pub(super) type Problems = HashMap<String, String>;

/// Typed text, trimmed; `None` when empty.
pub(super) fn optional_text(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Reads a form's fields, keeping the first problem of each.
pub(super) struct Reader<'t> {
    t: &'t Text,
    problems: Problems,
}

impl<'t> Reader<'t> {
    pub(super) fn new(t: &'t Text) -> Self {
        Reader { t, problems: Problems::new() }
    }

    fn note(&mut self, field: &str, message: &str) {
        self.problems.entry(field.to_owned()).or_insert_with(|| message.to_owned());
    }

    /// The chosen campaign's id (0 when none is chosen).
    pub(super) fn campaign(&mut self, value: &str) -> i64 {
        value.parse().unwrap_or_else(|_| {
            self.note("campaign_id", self.t.choose_campaign);
            0
        })
    }

    /// A date field (`today` when it cannot be read).
    pub(super) fn date(&mut self, field: &str, value: &str, today: NaiveDate) -> NaiveDate {
        NaiveDate::from_str(value).unwrap_or_else(|_| {
            self.note(field, self.t.choose_date);
            today
        })
    }

    /// An amount in rupees (zero when it cannot be read).
    pub(super) fn money(&mut self, field: &str, value: &str) -> Money {
        Money::from_str(value.trim()).unwrap_or_else(|_| {
            self.note(field, self.t.enter_amount);
            Money::default()
        })
    }

    /// An optional whole number.
    pub(super) fn count(&mut self, field: &str, value: &str) -> Option<i64> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        value.parse().map_or_else(
            |_| {
                self.note(field, self.t.enter_whole_number);
                None
            },
            Some,
        )
    }

    /// The capture, or every field at fault: what could not be read, then the shared rules.
    pub(super) fn finish<C>(mut self, capture: C, rules: Result<(), FieldErrors>) -> Result<C, Problems> {
        if let Err(errors) = rules {
            for e in errors.0 {
                self.note(&e.field, &e.message);
            }
        }
        if self.problems.is_empty() { Ok(capture) } else { Err(self.problems) }
    }
}
