//! Field-level validation: each rule returns a [`FieldError`] with a stable code, so the server's
//! 422 answers and the phone's inline form errors say the same thing.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::money::Money;

/// Stable codes a field can fail with. Clients may match on them; never rename one.
pub mod code {
    /// A required field is absent, null or blank.
    pub const REQUIRED: &str = "required";
    /// Longer than the column holds.
    pub const TOO_LONG: &str = "too_long";
    /// A number or date outside what is allowed.
    pub const OUT_OF_RANGE: &str = "out_of_range";
    /// Not in the expected format (email, phone, media reference, GeoJSON, ...).
    pub const INVALID_FORMAT: &str = "invalid_format";
    /// Not one of the allowed values.
    pub const INVALID_VALUE: &str = "invalid_value";
    /// An end date before its start date.
    pub const DATE_ORDER: &str = "date_order";
    /// A role that needs a link (vendor, client, driver, promoter) lacks it, or has one it may not have.
    pub const LINK_MISMATCH: &str = "link_mismatch";
}

/// One field that failed one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name as on the wire (`amount`, `village_name`).
    pub field: String,
    /// A stable code from [`code`].
    pub code: String,
    /// A sentence a person can read.
    pub message: String,
}

impl FieldError {
    /// A failure of `field` with `code`.
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        FieldError { field: field.to_owned(), code: code.to_owned(), message: message.into() }
    }
}

/// All the fields of one record that failed; empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Records the outcome of one rule.
    pub fn check(&mut self, outcome: Result<(), FieldError>) {
        if let Err(error) = outcome {
            self.0.push(error);
        }
    }

    /// `Ok` when no rule failed.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    /// The first failure for `field`, if any.
    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

/// A required text: present, not blank, at most `max` characters (MySQL counts characters).
pub fn required_text(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::new(field, code::REQUIRED, format!("{field} is required")));
    }
    max_len(field, value, max)
}

/// An optional text of at most `max` characters.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<(), FieldError> {
    value.map_or(Ok(()), |v| max_len(field, v, max))
}

/// At most `max` characters.
pub fn max_len(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    let chars = value.chars().count();
    if chars > max {
        return Err(FieldError::new(
            field,
            code::TOO_LONG,
            format!("{field} is {chars} characters long; at most {max} fit"),
        ));
    }
    if value.contains('\0') {
        return Err(FieldError::new(field, code::INVALID_FORMAT, format!("{field} contains a NUL character")));
    }
    Ok(())
}

/// An email address: one `@` with text on both sides and a dot in the domain, no spaces.
pub fn email(field: &str, value: &str) -> Result<(), FieldError> {
    max_len(field, value, 255)?;
    let bad = || FieldError::new(field, code::INVALID_FORMAT, format!("{field} is not an email address"));
    let (local, domain) = value.split_once('@').ok_or_else(bad)?;
    let valid = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid { Ok(()) } else { Err(bad()) }
}

/// An optional email address.
pub fn optional_email(field: &str, value: Option<&str>) -> Result<(), FieldError> {
    value.map_or(Ok(()), |v| email(field, v))
}

/// A phone number: up to 20 characters of digits, spaces, `+`, `-`, `(`, `)`, with at least 5 digits.
pub fn optional_phone(field: &str, value: Option<&str>) -> Result<(), FieldError> {
    let Some(value) = value else { return Ok(()) };
    max_len(field, value, 20)?;
    let allowed = value.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if allowed && digits >= 5 {
        Ok(())
    } else {
        Err(FieldError::new(field, code::INVALID_FORMAT, format!("{field} is not a phone number")))
    }
}

/// A non-negative amount (budgets, invoice amounts).
pub fn non_negative_money(field: &str, value: Option<Money>) -> Result<(), FieldError> {
    match value {
        Some(m) if m < Money::ZERO => {
            Err(FieldError::new(field, code::OUT_OF_RANGE, format!("{field} cannot be negative")))
        }
        _ => Ok(()),
    }
}

/// An amount greater than zero and at most `max`.
pub fn positive_money_up_to(field: &str, value: Money, max: Money) -> Result<(), FieldError> {
    if value <= Money::ZERO || value > max {
        return Err(FieldError::new(
            field,
            code::OUT_OF_RANGE,
            format!("{field} must be more than 0.00 and at most {max}"),
        ));
    }
    Ok(())
}

/// An optional count within `0..=max`.
pub fn optional_count(field: &str, value: Option<i64>, max: i64) -> Result<(), FieldError> {
    match value {
        Some(n) if !(0..=max).contains(&n) => {
            Err(FieldError::new(field, code::OUT_OF_RANGE, format!("{field} must be between 0 and {max}")))
        }
        _ => Ok(()),
    }
}

/// The earliest date any record may carry.
pub fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// A date of something that happened: from 2000-01-01 to one day after `today` (server time).
pub fn event_date(field: &str, value: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
    let latest = today.succ_opt().unwrap_or(today);
    if value < earliest_date() || value > latest {
        return Err(FieldError::new(
            field,
            code::OUT_OF_RANGE,
            format!("{field} must be between 2000-01-01 and {latest}"),
        ));
    }
    Ok(())
}

/// A planning or validity date: from 2000-01-01 to 2100-12-31.
pub fn optional_calendar_date(field: &str, value: Option<NaiveDate>) -> Result<(), FieldError> {
    let latest = NaiveDate::from_ymd_opt(2100, 12, 31).unwrap_or(NaiveDate::MAX);
    match value {
        Some(d) if d < earliest_date() || d > latest => Err(FieldError::new(
            field,
            code::OUT_OF_RANGE,
            format!("{field} must be between 2000-01-01 and 2100-12-31"),
        )),
        _ => Ok(()),
    }
}

/// `end` is not before `start` when both are given.
pub fn date_order(field: &str, start: Option<NaiveDate>, end: Option<NaiveDate>) -> Result<(), FieldError> {
    match (start, end) {
        (Some(s), Some(e)) if e < s => {
            Err(FieldError::new(field, code::DATE_ORDER, format!("{field} cannot be before the start date")))
        }
        _ => Ok(()),
    }
}

/// A reference to a photo by its content hash: `media:` and 64 lowercase hex digits.
pub fn media_ref(field: &str, value: &str) -> Result<(), FieldError> {
    if parse_media_ref(value).is_some() {
        Ok(())
    } else {
        Err(FieldError::new(field, code::INVALID_FORMAT, format!("{field} must be a photo reference (media:<sha256>)")))
    }
}

/// An optional photo reference.
pub fn optional_media_ref(field: &str, value: Option<&str>) -> Result<(), FieldError> {
    value.map_or(Ok(()), |v| media_ref(field, v))
}

/// The SHA-256 hex of a `media:<sha256>` reference.
pub fn parse_media_ref(value: &str) -> Option<&str> {
    let hex = value.strip_prefix("media:")?;
    let valid = hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    valid.then_some(hex)
}

/// A document: a photo reference or an `http(s)://` address of at most 500 characters.
pub fn optional_document(field: &str, value: Option<&str>) -> Result<(), FieldError> {
    let Some(value) = value else { return Ok(()) };
    max_len(field, value, 500)?;
    let is_url = (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() > "https://".len()
        && !value.chars().any(char::is_whitespace);
    if is_url || parse_media_ref(value).is_some() {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            code::INVALID_FORMAT,
            format!("{field} must be a photo reference or an http(s) address"),
        ))
    }
}

/// A database id: positive.
pub fn id(field: &str, value: i64) -> Result<(), FieldError> {
    if value > 0 {
        Ok(())
    } else {
        Err(FieldError::new(field, code::OUT_OF_RANGE, format!("{field} must be a positive id")))
    }
}

/// An optional database id.
pub fn optional_id(field: &str, value: Option<i64>) -> Result<(), FieldError> {
    value.map_or(Ok(()), |v| id(field, v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn blank_required_text_is_required_not_too_long() {
        let err = required_text("name", "   ", 10).expect_err("blank");
        assert_eq!(err.code, code::REQUIRED);
        assert_eq!(err.field, "name");
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        // Hindi text: 5 characters, 15 bytes in UTF-8, fits a 5-character column.
        assert!(max_len("village_name", "रामपुर", 6).is_ok());
        assert_eq!(max_len("village_name", "रामपुर", 5).map_err(|e| e.code), Err(code::TOO_LONG.to_owned()));
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(email("email", "driver@demo.test").is_ok());
        for bad in ["driver", "@demo.test", "driver@demo", "driver@@demo.test", "dri ver@demo.test", "a@.test"] {
            assert!(email("email", bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn phones_allow_common_punctuation_only() {
        assert!(optional_phone("phone", Some("+91 98450-12345")).is_ok());
        assert!(optional_phone("phone", Some("call me")).is_err());
        assert!(optional_phone("phone", Some("123")).is_err());
        assert!(optional_phone("phone", None).is_ok());
    }

    #[test]
    fn event_dates_run_from_2000_to_tomorrow() {
        let today = day(2026, 1, 9);
        assert!(event_date("d", day(2000, 1, 1), today).is_ok());
        assert!(event_date("d", day(2026, 1, 10), today).is_ok());
        assert!(event_date("d", day(2026, 1, 11), today).is_err());
        assert!(event_date("d", day(1999, 12, 31), today).is_err());
    }

    #[test]
    fn media_refs_are_lowercase_sha256() {
        let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert!(media_ref("bill_image", &format!("media:{hash}")).is_ok());
        assert!(media_ref("bill_image", &format!("media:{}", hash.to_uppercase())).is_err());
        assert!(media_ref("bill_image", hash).is_err());
        assert!(media_ref("bill_image", "media:abc").is_err());
        assert!(optional_document("bill_url", Some("https://bills.example/1.pdf")).is_ok());
        assert!(optional_document("bill_url", Some("javascript:alert(1)")).is_err());
    }

    #[test]
    fn errors_collect_and_report_per_field() {
        let mut errors = FieldErrors::default();
        errors.check(required_text("name", "", 5));
        errors.check(optional_count("people_attended", Some(-1), 100_000));
        errors.check(optional_count("activity_count", Some(3), 100_000));
        let errors = errors.into_result().expect_err("two failures");
        assert_eq!(errors.0.len(), 2);
        assert_eq!(errors.for_field("people_attended").map(|e| e.code.as_str()), Some(code::OUT_OF_RANGE));
        assert!(errors.for_field("activity_count").is_none());
    }

    proptest! {
        #[test]
        fn max_len_accepts_exactly_up_to_the_limit(text in "\\PC{0,40}", max in 0usize..40) {
            let chars = text.chars().count();
            prop_assert_eq!(max_len("f", &text, max).is_ok(), chars <= max && !text.contains('\0'));
        }

        #[test]
        fn counts_are_valid_exactly_within_bounds(n in any::<i64>()) {
            prop_assert_eq!(optional_count("c", Some(n), 100_000).is_ok(), (0..=100_000).contains(&n));
        }

        #[test]
        fn event_dates_valid_exactly_in_window(offset in -20_000i64..20_000) {
            let today = day(2026, 6, 15);
            let date = today + chrono::Duration::days(offset);
            let expected = date >= day(2000, 1, 1) && date <= day(2026, 6, 16);
            prop_assert_eq!(event_date("d", date, today).is_ok(), expected);
        }
    }
}
