use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::optional_long_text;
use crate::record::Record;
use crate::validate::{self as v, FieldErrors};

/// The largest attendance or activity count one record may carry.
pub const MAX_COUNT: i64 = 100_000;

/// The writable fields of a promoter (or anchor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromoterFields {
    /// Promoter's name; at most 255 characters.
    pub name: String,
    /// Contact number; at most 20 characters.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Specialisation; at most 255 characters.
    pub specialty: Option<String>,
    /// Preferred language; at most 100 characters.
    pub language: Option<String>,
}

/// A promoter as the server sends it.
pub type Promoter = Record<PromoterFields>;

impl PromoterFields {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check(v::required_text("name", &self.name, 255));
        errors.check(v::optional_phone("phone", self.phone.as_deref()));
        errors.check(v::optional_email("email", self.email.as_deref()));
        errors.check(v::optional_text("specialty", self.specialty.as_deref(), 255));
        errors.check(v::optional_text("language", self.language.as_deref(), 100));
        errors.into_result()
    }
}

/// The fields of a promoter activity the phone writes (SYNC-PROTOCOL.md, capture fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityCapture {
    /// The campaign it was for.
    pub campaign_id: i64,
    /// Where; at most 255 characters.
    pub village_name: String,
    /// When.
    pub activity_date: NaiveDate,
    /// How many people came, 0..=100000.
    pub people_attended: Option<i64>,
    /// How many activities were done, 0..=100000.
    pub activity_count: Option<i64>,
    /// Photo before, `media:<sha256>`.
    pub before_image: Option<String>,
    /// Photo during, `media:<sha256>`.
    pub during_image: Option<String>,
    /// Photo after, `media:<sha256>`.
    pub after_image: Option<String>,
    /// Activity specialty; at most 255 characters.
    pub specialty: Option<String>,
    /// Language used; at most 100 characters.
    pub language: Option<String>,
    /// Notes.
    pub remarks: Option<String>,
}

/// The fields of a promoter activity a writer sets: the capture fields and the promoter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityFields {
    /// What the phone writes.
    #[serde(flatten)]
    pub capture: ActivityCapture,
    /// The promoter who did it (set by the server from a promoter's own link).
    pub promoter_id: i64,
}

/// A promoter activity as the server sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromoterActivity {
    /// Primary key.
    pub id: i64,
    /// Sync identity, made on the phone.
    pub uuid: Uuid,
    /// The writable fields.
    #[serde(flatten)]
    pub fields: ActivityFields,
    /// The promoter's name when the activity was recorded.
    pub promoter_name: Option<String>,
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

impl ActivityCapture {
    /// Checks every capture field; `today` is the server's date.
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        self.check(&mut errors, today);
        errors.into_result()
    }

    fn check(&self, errors: &mut FieldErrors, today: NaiveDate) {
        errors.check(v::id("campaign_id", self.campaign_id));
        errors.check(v::required_text("village_name", &self.village_name, 255));
        errors.check(v::event_date("activity_date", self.activity_date, today));
        errors.check(v::optional_count("people_attended", self.people_attended, MAX_COUNT));
        errors.check(v::optional_count("activity_count", self.activity_count, MAX_COUNT));
        for (field, value) in [
            ("before_image", &self.before_image),
            ("during_image", &self.during_image),
            ("after_image", &self.after_image),
        ] {
            errors.check(v::optional_media_ref(field, value.as_deref()));
        }
        errors.check(v::optional_text("specialty", self.specialty.as_deref(), 255));
        errors.check(v::optional_text("language", self.language.as_deref(), 100));
        errors.check(optional_long_text("remarks", self.remarks.as_deref()));
    }
}

impl ActivityFields {
    /// Checks every field; `today` is the server's date.
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check(v::id("promoter_id", self.promoter_id));
        self.capture.check(&mut errors, today);
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::code;

    fn activity() -> ActivityCapture {
        ActivityCapture {
            campaign_id: 10,
            village_name: "Hosahalli".into(),
            activity_date: NaiveDate::from_ymd_opt(2026, 1, 8).expect("date"),
            people_attended: Some(120),
            activity_count: Some(3),
            before_image: None,
            during_image: None,
            after_image: None,
            specialty: None,
            language: Some("Kannada".into()),
            remarks: None,
        }
    }

    #[test]
    fn a_blank_village_and_a_negative_count_are_both_reported() {
        let a = ActivityCapture { village_name: " ".into(), people_attended: Some(-5), ..activity() };
        let errors = a.validate(NaiveDate::from_ymd_opt(2026, 1, 9).expect("date")).expect_err("two");
        assert_eq!(errors.for_field("village_name").map(|e| e.code.as_str()), Some(code::REQUIRED));
        assert_eq!(errors.for_field("people_attended").map(|e| e.code.as_str()), Some(code::OUT_OF_RANGE));
    }

    #[test]
    fn an_activity_dated_two_days_ahead_is_refused() {
        let a = ActivityCapture { activity_date: NaiveDate::from_ymd_opt(2026, 1, 11).expect("date"), ..activity() };
        assert!(a.validate(NaiveDate::from_ymd_opt(2026, 1, 9).expect("date")).is_err());
    }

    #[test]
    fn the_office_form_also_needs_a_promoter() {
        let a = ActivityFields { capture: activity(), promoter_id: 0 };
        let errors = a.validate(NaiveDate::from_ymd_opt(2026, 1, 9).expect("date")).expect_err("no promoter");
        assert_eq!(errors.for_field("promoter_id").map(|e| e.code.as_str()), Some(code::OUT_OF_RANGE));
    }
}
