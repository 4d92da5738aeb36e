//! The GPS trip recorder: turns the positions the phone reports into the track a driver's report
//! carries (`gps_data` in SYNC-PROTOCOL.md) and the kilometres travelled.
//!
//! Positions arrive as [`Fix`]es, from the phone's location service or from a GPX file
//! ([`read_gpx`], [`read_gpx_file`]). A [`TripRecorder`] takes them one by one and keeps only those
//! that describe real movement: it drops inaccurate fixes, fixes out of time order, jitter while
//! the vehicle stands still and impossible jumps, saying why in its [`Verdict`]. Its kilometres are
//! the haversine length of the kept points, measured with `shared_model::geo::haversine_km`, the
//! function the server uses to recompute `km_travelled`, so both sides agree to the metre.
//!
//! Plain Rust with no UI and no platform code: where fixes come from is `platform`'s business,
//! where the track is stored is `store`'s.

mod gpx_file;
mod recorder;

use chrono::{DateTime, Utc};
use shared_model::geo::TrackPoint;

pub use gpx_file::{METRES_PER_HDOP, UNTIMED_PACE_M_PER_S, read_gpx, read_gpx_file};
pub use recorder::{DropReason, Thresholds, TripRecorder, Verdict};

/// One position reported by the phone's location service (or read from a GPX file).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    /// Degrees east, -180..=180.
    pub lon: f64,
    /// Degrees north, -90..=90.
    pub lat: f64,
    /// The radius in metres within which the true position probably lies, as the location service
    /// reports it; `None` when unknown, which the recorder treats as accurate.
    pub accuracy_m: Option<f64>,
    /// When the position was measured.
    pub at: DateTime<Utc>,
}

impl From<Fix> for TrackPoint {
    fn from(fix: Fix) -> Self {
        TrackPoint { lon: fix.lon, lat: fix.lat, time_ms: fix.at.timestamp_millis() }
    }
}

/// What a driver adds when ending a trip.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TripEnd {
    /// The campaign the trip was for.
    pub campaign_id: i64,
    /// Villages and places on the way.
    pub locations_covered: Option<String>,
    /// Anything to tell the office.
    pub notes: Option<String>,
    /// Photo references, `media:<sha256>`.
    pub photos: Vec<String>,
}

/// The report a finished trip is saved as: its day (the first fix's), the kept track as the
/// protocol's GeoJSON and its kilometres (the server recomputes them from the track with the same
/// function).
pub fn trip_report(recorder: &TripRecorder, end: TripEnd) -> crate::Result<shared_model::tables::ReportCapture> {
    let track = recorder.track()?;
    let day = track
        .points()
        .first()
        .and_then(|p| DateTime::from_timestamp_millis(p.time_ms))
        .map(|at| at.date_naive())
        .ok_or_else(|| crate::Error::Track("the trip has no points".into()))?;
    Ok(shared_model::tables::ReportCapture {
        campaign_id: end.campaign_id,
        report_date: day,
        locations_covered: end.locations_covered,
        km_travelled: Some((recorder.km() * 1000.0).round() / 1000.0),
        photos_url: end.photos,
        gps_data: Some(track),
        notes: end.notes,
    })
}
