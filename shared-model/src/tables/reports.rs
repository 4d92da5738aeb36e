use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::optional_long_text;
use crate::geo::GpsTrack;
use crate::validate::{self as v, FieldError, FieldErrors, code};

/// The most photos one report may reference.
pub const MAX_PHOTOS_PER_REPORT: usize = 100;

/// The fields of a campaign report (a driver's trip) the phone writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportCapture {
    /// The campaign reported on.
    pub campaign_id: i64,
    /// The day reported on.
    pub report_date: NaiveDate,
    /// Locations visited.
    pub locations_covered: Option<String>,
    /// Distance in km; recomputed by the server from `gps_data` when that is given.
    pub km_travelled: Option<f64>,
    /// Photos, each `media:<sha256>` (a JSON array on the wire; absent or null means none).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub photos_url: Vec<String>,
    /// The recorded track.
    pub gps_data: Option<GpsTrack>,
    /// Notes.
    pub notes: Option<String>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(deserializer)?.unwrap_or_default())
}

/// The fields of a report a writer sets: the capture fields and the driver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportFields {
    /// What the phone writes.
    #[serde(flatten)]
    pub capture: ReportCapture,
    /// The driver whose trip it is (set by the server from a driver's own link).
    pub driver_id: Option<i64>,
}

/// A report as the server sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Primary key.
    pub id: i64,
    /// Sync identity, made on the phone.
    pub uuid: Uuid,
    /// The writable fields.
    #[serde(flatten)]
    pub fields: ReportFields,
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

impl ReportCapture {
    /// The distance the server stores: the track's length when there is a track, else as given.
    pub fn effective_km(&self) -> Option<f64> {
        self.gps_data.as_ref().map(GpsTrack::length_km).or(self.km_travelled)
    }

    /// Checks every capture field; `today` is the server's date.
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        self.check(&mut errors, today);
        errors.into_result()
    }

    fn check(&self, errors: &mut FieldErrors, today: NaiveDate) {
        errors.check(v::id("campaign_id", self.campaign_id));
        errors.check(v::event_date("report_date", self.report_date, today));
        errors.check(optional_long_text("locations_covered", self.locations_covered.as_deref()));
        if let Some(km) = self.km_travelled
            && (!km.is_finite() || !(0.0..=100_000.0).contains(&km))
        {
            errors.check(Err(FieldError::new(
                "km_travelled",
                code::OUT_OF_RANGE,
                "km_travelled must be between 0 and 100000",
            )));
        }
        if self.photos_url.len() > MAX_PHOTOS_PER_REPORT {
            errors.check(Err(FieldError::new(
                "photos_url",
                code::OUT_OF_RANGE,
                format!("a report holds at most {MAX_PHOTOS_PER_REPORT} photos"),
            )));
        }
        if let Some(bad) = self.photos_url.iter().find(|p| v::parse_media_ref(p).is_none()) {
            errors.check(v::media_ref("photos_url", bad));
        }
        errors.check(optional_long_text("notes", self.notes.as_deref()));
    }
}

impl ReportFields {
    /// Checks every field; `today` is the server's date.
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        self.capture.check(&mut errors, today);
        errors.check(v::optional_id("driver_id", self.driver_id));
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::TrackPoint;

    fn report() -> ReportCapture {
        ReportCapture {
            campaign_id: 10,
            report_date: NaiveDate::from_ymd_opt(2026, 1, 9).expect("date"),
            locations_covered: Some("Mandya, Maddur".into()),
            km_travelled: Some(999.0),
            photos_url: vec![],
            gps_data: Some(
                GpsTrack::new(vec![
                    TrackPoint { lon: 77.0, lat: 12.0, time_ms: 0 },
                    TrackPoint { lon: 77.0, lat: 12.5, time_ms: 60_000 },
                ])
                .expect("track"),
            ),
            notes: None,
        }
    }

    #[test]
    fn the_track_decides_the_distance_not_the_phone() {
        let km = report().effective_km().expect("km");
        assert!((km - 55.6).abs() < 0.1, "{km}");
        assert_eq!(ReportCapture { gps_data: None, ..report() }.effective_km(), Some(999.0));
    }

    #[test]
    fn a_null_photo_list_reads_as_none() {
        let mut json = serde_json::to_value(report()).expect("serialise");
        json["photos_url"] = serde_json::Value::Null;
        assert_eq!(serde_json::from_value::<ReportCapture>(json).expect("parse").photos_url, Vec::<String>::new());
    }

    #[test]
    fn photos_must_all_be_references() {
        let r = ReportCapture { photos_url: vec!["http://x/y.jpg".into()], ..report() };
        let errors = r.validate(NaiveDate::from_ymd_opt(2026, 1, 9).expect("date")).expect_err("bad");
        assert_eq!(errors.for_field("photos_url").map(|e| e.code.as_str()), Some(code::INVALID_FORMAT));
    }

    #[test]
    fn a_report_with_a_track_round_trips_through_json() {
        let json = serde_json::to_value(report()).expect("serialise");
        assert_eq!(json["gps_data"]["type"], "Feature");
        assert_eq!(json["photos_url"], serde_json::json!([]));
        assert_eq!(serde_json::from_value::<ReportCapture>(json).expect("parse"), report());
        let fields = ReportFields { capture: report(), driver_id: Some(12) };
        let json = serde_json::to_value(&fields).expect("serialise");
        assert_eq!(json["driver_id"], 12);
        assert_eq!(json["campaign_id"], 10);
        assert_eq!(serde_json::from_value::<ReportFields>(json).expect("parse"), fields);
    }
}
