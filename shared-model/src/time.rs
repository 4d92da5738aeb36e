//! Timestamps on the wire: RFC 3339 in UTC with microseconds (`2026-01-09T08:15:30.123456Z`),
//! the precision of the database's `DATETIME(6)`. Use with `#[serde(with = "crate::time::rfc3339")]`.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};

/// Formats a timestamp the way every response writes it.
pub fn format(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parses an RFC 3339 timestamp, converting any offset to UTC and cutting it to microseconds.
pub fn parse(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    Ok(DateTime::parse_from_rfc3339(text)?.with_timezone(&Utc).trunc_subsecs(6))
}

/// Serde for `DateTime<Utc>` fields.
pub mod rfc3339 {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the timestamp in UTC with microseconds.
    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::format(at))
    }

    /// Reads an RFC 3339 timestamp.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        super::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_converted_to_utc_and_cut_to_microseconds() {
        let at = parse("2026-01-09T13:45:30.1234567+05:30").expect("valid");
        assert_eq!(format(&at), "2026-01-09T08:15:30.123456Z");
    }

    #[test]
    fn milliseconds_are_kept_exactly() {
        let at = parse("2026-01-09T08:15:30.123Z").expect("valid");
        assert_eq!(format(&at), "2026-01-09T08:15:30.123000Z");
    }

    #[test]
    fn dates_and_bare_times_are_not_timestamps() {
        assert!(parse("2026-01-09").is_err());
        assert!(parse("2026-01-09 08:15:30").is_err());
        assert!(parse("yesterday").is_err());
    }
}
