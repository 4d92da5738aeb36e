use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::optional_long_text;
use crate::enums::ExpenseStatus;
use crate::money::Money;
use crate::validate::{self as v, FieldErrors};

/// The largest single expense a driver may claim (SYNC-PROTOCOL.md, capture fields).
pub const MAX_EXPENSE_AMOUNT: Money = Money::from_cents_const(100_000_000);

/// The fields of an expense the phone writes (SYNC-PROTOCOL.md, capture fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseCapture {
    /// The campaign the expense belongs to.
    pub campaign_id: i64,
    /// Fuel, toll, food, ...; at most 100 characters.
    pub expense_type: String,
    /// More than 0.00, at most 1000000.00.
    pub amount: Money,
    /// The day the expense was submitted.
    pub submitted_date: NaiveDate,
    /// Expense details.
    pub description: Option<String>,
    /// The bill photo, `media:<sha256>`.
    pub bill_image: Option<String>,
}

/// The fields of an expense a writer sets: the capture fields, plus what the office sets. The
/// review fields (`status`, `approved_date`) are not here: only the approval process changes them
/// (DESIGN.md decision 6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseFields {
    /// What the phone writes.
    #[serde(flatten)]
    pub capture: ExpenseCapture,
    /// The driver who incurred it (set by the server from a driver's own link).
    pub driver_id: Option<i64>,
    /// Address of a bill document: a photo reference or an http(s) address.
    pub bill_url: Option<String>,
}

/// An expense as the server sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expense {
    /// Primary key.
    pub id: i64,
    /// Sync identity, made on the phone.
    pub uuid: Uuid,
    /// The writable fields.
    #[serde(flatten)]
    pub fields: ExpenseFields,
    /// Pending, approved or rejected.
    pub status: ExpenseStatus,
    /// The day it was approved.
    pub approved_date: Option<NaiveDate>,
    /// The reviewer's note, such as why it was rejected.
    #[serde(default)]
    pub review_note: Option<String>,
    /// The user who approved or rejected it.
    #[serde(default)]
    pub reviewed_by_id: Option<i64>,
    /// The device that wrote the current capture fields.
    pub device_id: Option<Uuid>,
    /// The user who made the record.
    pub created_by_id: Option<i64>,
    /// `false` once deleted (soft delete).
    pub is_active: bool,
    /// When the row was made.
    #[serde(with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When the row last changed.
    #[serde(with = "crate::time::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

impl ExpenseCapture {
    /// Checks every capture field; `today` is the server's date (or the phone's best guess of it).
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        self.check(&mut errors, today);
        errors.into_result()
    }

    fn check(&self, errors: &mut FieldErrors, today: NaiveDate) {
        errors.check(v::id("campaign_id", self.campaign_id));
        errors.check(v::required_text("expense_type", &self.expense_type, 100));
        errors.check(v::positive_money_up_to("amount", self.amount, MAX_EXPENSE_AMOUNT));
        errors.check(v::event_date("submitted_date", self.submitted_date, today));
        errors.check(optional_long_text("description", self.description.as_deref()));
        errors.check(v::optional_media_ref("bill_image", self.bill_image.as_deref()));
    }
}

impl ExpenseFields {
    /// Checks every field; `today` is the server's date.
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        self.capture.check(&mut errors, today);
        errors.check(v::optional_id("driver_id", self.driver_id));
        errors.check(v::optional_document("bill_url", self.bill_url.as_deref()));
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::code;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 9).expect("date")
    }

    fn capture(amount: &str) -> ExpenseCapture {
        ExpenseCapture {
            campaign_id: 10,
            expense_type: "fuel".into(),
            amount: amount.parse().expect("money"),
            submitted_date: today(),
            description: Some("Diesel, NH-48".into()),
            bill_image: Some("media:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into()),
        }
    }

    fn expense(amount: &str) -> ExpenseFields {
        ExpenseFields { capture: capture(amount), driver_id: Some(12), bill_url: None }
    }

    #[test]
    fn the_largest_claim_is_one_million() {
        assert_eq!(MAX_EXPENSE_AMOUNT.to_string(), "1000000.00");
        assert_eq!(expense("1000000.00").validate(today()), Ok(()));
        let errors = expense("1000000.01").validate(today()).expect_err("over");
        assert_eq!(errors.for_field("amount").map(|e| e.code.as_str()), Some(code::OUT_OF_RANGE));
    }

    #[test]
    fn zero_is_not_an_expense() {
        assert!(expense("0.00").validate(today()).is_err());
        assert_eq!(expense("0.01").validate(today()), Ok(()));
    }

    #[test]
    fn a_bill_image_must_be_a_photo_reference() {
        let e = ExpenseCapture { bill_image: Some("/uploads/bill.jpg".into()), ..capture("10.00") };
        let errors = e.validate(today()).expect_err("path");
        assert_eq!(errors.for_field("bill_image").map(|e| e.code.as_str()), Some(code::INVALID_FORMAT));
    }

    #[test]
    fn an_office_bill_url_must_be_a_web_address() {
        let e = ExpenseFields { bill_url: Some("file:///etc/passwd".into()), ..expense("10.00") };
        let errors = e.validate(today()).expect_err("file url");
        assert_eq!(errors.for_field("bill_url").map(|e| e.code.as_str()), Some(code::INVALID_FORMAT));
    }

    #[test]
    fn a_row_round_trips_through_json() {
        let row = Expense {
            id: 4711,
            uuid: Uuid::now_v7(),
            fields: expense("2450.00"),
            status: ExpenseStatus::Pending,
            approved_date: None,
            review_note: None,
            reviewed_by_id: None,
            device_id: Some(Uuid::now_v7()),
            created_by_id: Some(7),
            is_active: true,
            created_at: crate::time::parse("2026-01-09T08:15:30.123Z").expect("time"),
            updated_at: crate::time::parse("2026-01-09T08:15:30.123Z").expect("time"),
        };
        let json = serde_json::to_value(&row).expect("serialise");
        assert_eq!(json["amount"], "2450.00");
        assert_eq!(json["status"], "pending");
        assert_eq!(json["uuid"], row.uuid.to_string());
        assert_eq!(serde_json::from_value::<Expense>(json).expect("parse"), row);
    }

    proptest! {
        #[test]
        fn amounts_are_valid_exactly_in_the_open_closed_range(cents in -1_000_000i64..200_000_000) {
            let e = ExpenseCapture { amount: Money::from_cents(cents).expect("money"), ..capture("1.00") };
            prop_assert_eq!(e.validate(today()).is_ok(), cents > 0 && cents <= 100_000_000);
        }
    }
}
