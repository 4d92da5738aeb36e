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
