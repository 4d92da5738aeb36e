//! Reading the `data` of a pushed mutation: only capture fields (anything else is
//! `forbidden_field`), each of the right type, then the field rules (`invalid_field`). The phone
//! runs the same code on its forms, so a sync never fails on what a form could have caught.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{ErrorInfo, codes};
use crate::protocol::PushTable;
use crate::tables::{ActivityCapture, ExpenseCapture, ReportCapture};
use crate::validate::{FieldErrors, code};

/// The keys a phone may send, per table (SYNC-PROTOCOL.md, capture fields).
pub const fn capture_fields(table: PushTable) -> &'static [&'static str] {
    match table {
        PushTable::Expenses => {
            &["campaign_id", "expense_type", "amount", "submitted_date", "description", "bill_image"]
        }
        PushTable::PromoterActivities => &[
            "campaign_id",
            "village_name",
            "activity_date",
            "people_attended",
            "activity_count",
            "before_image",
            "during_image",
            "after_image",
            "specialty",
            "language",
            "remarks",
        ],
        PushTable::Reports => {
            &["campaign_id", "report_date", "locations_covered", "km_travelled", "photos_url", "gps_data", "notes"]
        }
    }
}

/// Valid capture fields of one pushed row.
#[derive(Debug, Clone, PartialEq)]
pub enum Capture {
    /// An expense.
    Expense(ExpenseCapture),
    /// A promoter activity.
    Activity(ActivityCapture),
    /// A report.
    Report(ReportCapture),
}

/// Why a mutation's data was refused: `forbidden_field` or `invalid_field`, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct CaptureError {
    /// [`codes::FORBIDDEN_FIELD`] or [`codes::INVALID_FIELD`].
    pub code: &'static str,
    /// The field at fault.
    pub field: String,
    /// The rule that failed, for people.
    pub message: String,
    /// The field rule's own code (`required`, `too_long`, ...), for `invalid_field`.
    pub rule: Option<String>,
}

impl CaptureError {
    fn forbidden(field: &str) -> Self {
        CaptureError {
            code: codes::FORBIDDEN_FIELD,
            field: field.to_owned(),
            message: format!("{field} cannot be written from a phone"),
            rule: None,
        }
    }

    fn invalid(field: &str, rule: &str, message: impl Into<String>) -> Self {
        CaptureError {
            code: codes::INVALID_FIELD,
            field: field.to_owned(),
            message: message.into(),
            rule: Some(rule.to_owned()),
        }
    }

    fn first_of(errors: FieldErrors) -> Self {
        match errors.0.into_iter().next() {
            Some(e) => CaptureError::invalid(&e.field, &e.code, e.message),
            None => CaptureError::invalid("data", code::INVALID_VALUE, "the record is not valid"),
        }
    }

    /// The error of the push result: `details.field` names the field.
    pub fn to_error_info(&self) -> ErrorInfo {
        let mut details = serde_json::json!({ "field": self.field });
        if let Some(rule) = &self.rule {
            details["rule"] = Value::String(rule.clone());
        }
        ErrorInfo::new(self.code, self.message.clone()).with_details(details)
    }
}

/// Reads and checks the data of an upsert to `table`; `today` is the server's date.
pub fn parse_capture(table: PushTable, data: &Map<String, Value>, today: NaiveDate) -> Result<Capture, CaptureError> {
    let allowed = capture_fields(table);
    if let Some(key) = data.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(CaptureError::forbidden(key));
    }
    let r = Reader(data);
    let capture = match table {
        PushTable::Expenses => {
            let e = ExpenseCapture {
                campaign_id: r.required("campaign_id")?,
                expense_type: r.required("expense_type")?,
                amount: r.required("amount")?,
                submitted_date: r.required("submitted_date")?,
                description: r.optional("description")?,
                bill_image: r.optional("bill_image")?,
            };
            e.validate(today).map_err(CaptureError::first_of)?;
            Capture::Expense(e)
        }
        PushTable::PromoterActivities => {
            let a = ActivityCapture {
                campaign_id: r.required("campaign_id")?,
                village_name: r.required("village_name")?,
                activity_date: r.required("activity_date")?,
                people_attended: r.optional("people_attended")?,
                activity_count: r.optional("activity_count")?,
                before_image: r.optional("before_image")?,
                during_image: r.optional("during_image")?,
                after_image: r.optional("after_image")?,
                specialty: r.optional("specialty")?,
                language: r.optional("language")?,
                remarks: r.optional("remarks")?,
            };
            a.validate(today).map_err(CaptureError::first_of)?;
            Capture::Activity(a)
        }
        PushTable::Reports => {
            let rep = ReportCapture {
                campaign_id: r.required("campaign_id")?,
                report_date: r.required("report_date")?,
                locations_covered: r.optional("locations_covered")?,
                km_travelled: r.optional("km_travelled")?,
                photos_url: r.optional("photos_url")?.unwrap_or_default(),
                gps_data: r.optional("gps_data")?,
                notes: r.optional("notes")?,
            };
            rep.validate(today).map_err(CaptureError::first_of)?;
            Capture::Report(rep)
        }
    };
    Ok(capture)
}

struct Reader<'a>(&'a Map<String, Value>);

impl Reader<'_> {
    fn optional<T: DeserializeOwned>(&self, field: &str) -> Result<Option<T>, CaptureError> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::deserialize(value)
                .map(Some)
                .map_err(|e| CaptureError::invalid(field, code::INVALID_FORMAT, format!("{field}: {e}"))),
        }
    }

    fn required<T: DeserializeOwned>(&self, field: &str) -> Result<T, CaptureError> {
        self.optional(field)?
            .ok_or_else(|| CaptureError::invalid(field, code::REQUIRED, format!("{field} is required")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 9).expect("date")
    }

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn expense() -> Value {
        json!({"campaign_id": 10, "expense_type": "fuel", "amount": "2450.00",
               "description": "Diesel, NH-48", "submitted_date": "2026-01-09",
               "bill_image": "media:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"})
    }

    #[test]
    fn the_protocols_example_expense_is_accepted() {
        let capture = parse_capture(PushTable::Expenses, &map(expense()), today()).expect("valid");
        let Capture::Expense(e) = capture else { panic!("an expense") };
        assert_eq!(e.amount.to_string(), "2450.00");
        assert_eq!(e.campaign_id, 10);
    }

    #[test]
    fn a_status_key_is_a_forbidden_field() {
        let mut data = map(expense());
        data.insert("status".into(), json!("approved"));
        let err = parse_capture(PushTable::Expenses, &data, today()).expect_err("forbidden");
        assert_eq!(err.code, "forbidden_field");
        assert_eq!(err.to_error_info().details, Some(json!({"field": "status"})));
    }

    #[test]
    fn forbidden_fields_are_found_before_invalid_ones() {
        let data = map(json!({"driver_id": 3, "amount": "-1.00"}));
        let err = parse_capture(PushTable::Expenses, &data, today()).expect_err("forbidden first");
        assert_eq!((err.code, err.field.as_str()), ("forbidden_field", "driver_id"));
    }

    #[test]
    fn missing_null_and_mistyped_fields_are_invalid() {
        let cases = [
            ("campaign_id", Value::Null, "required"),
            ("amount", json!(2450.0), "invalid_format"),
            ("amount", json!("0.00"), "out_of_range"),
            ("submitted_date", json!("09/01/2026"), "invalid_format"),
            ("expense_type", json!(""), "required"),
        ];
        for (field, value, rule) in cases {
            let mut data = map(expense());
            data.insert(field.into(), value);
            let err = parse_capture(PushTable::Expenses, &data, today()).expect_err(field);
            assert_eq!(err.code, "invalid_field", "{field}");
            assert_eq!(err.field, field);
            assert_eq!(err.rule.as_deref(), Some(rule), "{field}");
        }
    }

    #[test]
    fn an_optional_field_that_is_absent_counts_as_null() {
        let data = map(json!({"campaign_id": 10, "village_name": "Hosahalli", "activity_date": "2026-01-08"}));
        let Capture::Activity(a) = parse_capture(PushTable::PromoterActivities, &data, today()).expect("valid") else {
            panic!("an activity")
        };
        assert_eq!(a.people_attended, None);
        assert_eq!(a.before_image, None);
    }

    #[test]
    fn a_report_takes_a_geojson_track_and_a_photo_list() {
        let data = map(json!({
            "campaign_id": 10, "report_date": "2026-01-09",
            "photos_url": ["media:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
            "gps_data": {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[77.0, 12.0], [77.0, 12.01]]},
                         "properties": {"times": [1000, 2000]}}
        }));
        let Capture::Report(r) = parse_capture(PushTable::Reports, &data, today()).expect("valid") else {
            panic!("a report")
        };
        assert_eq!(r.photos_url.len(), 1);
        assert!((r.effective_km().expect("km") - 1.112).abs() < 0.01);
        let mut bad = data;
        bad.insert("gps_data".into(), json!({"type": "Feature"}));
        let err = parse_capture(PushTable::Reports, &bad, today()).expect_err("not a track");
        assert_eq!((err.code, err.field.as_str()), ("invalid_field", "gps_data"));
    }

    proptest! {
        #[test]
        fn any_unknown_key_is_named_back(key in "[a-z_]{1,20}") {
            prop_assume!(!capture_fields(PushTable::Expenses).contains(&key.as_str()));
            let mut data = map(expense());
            data.insert(key.clone(), json!(1));
            let err = parse_capture(PushTable::Expenses, &data, today()).expect_err("unknown key");
            prop_assert_eq!(err.code, "forbidden_field");
            prop_assert_eq!(err.field, key);
        }

        #[test]
        fn village_names_are_valid_exactly_up_to_255_characters(name in "[a-zA-Zअ-ह ]{0,300}") {
            let data = map(json!({"campaign_id": 10, "village_name": name, "activity_date": "2026-01-08"}));
            let ok = parse_capture(PushTable::PromoterActivities, &data, today()).is_ok();
            prop_assert_eq!(ok, !name.trim().is_empty() && name.chars().count() <= 255);
        }
    }
}
