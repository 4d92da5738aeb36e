//! Fixes from GPX files: the desktop stand-in for a phone's location service, and a way to check
//! the recorder against recorded trips.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use shared_model::geo::{TrackPoint, haversine_km};

use super::Fix;
use crate::{Error, Result};

/// Metres of accuracy radius per unit of HDOP. A fix's error is roughly its HDOP times the
/// receiver's range error, about 5 m for consumer GPS; so HDOP 1 reads as 5 m and HDOP 10 (50 m,
/// the recorder's default limit) is the worst kept.
pub const METRES_PER_HDOP: f64 = 5.0;

/// The pace, in metres per second, at which points without a usable time are timed (36 km/h, a
/// slow drive), at least one second apart. Timing by distance keeps the recorder's speed check
/// satisfied however far apart a drawn route's points are.
pub const UNTIMED_PACE_M_PER_S: f64 = 10.0;

/// Times before 2000-01-01T00:00:00Z (the protocol's earliest date) are not real fixes: GPX
/// writers put placeholders such as 1901-12-13T20:45:52Z (the smallest 32-bit Unix time) there.
const EARLIEST_FIX_MS: i64 = 946_684_800_000;

/// Reads the fixes of a GPX file (1.0 or 1.1): the points of every track and segment, in file
/// order. Waypoints and routes are not trips and are ignored.
///
/// - The accuracy is [`METRES_PER_HDOP`] times the point's `<hdop>`, or unknown without one.
/// - A point's time is its `<time>` when that is on or after 2000-01-01. A point without a usable
///   time is timed from the point before it at [`UNTIMED_PACE_M_PER_S`]; points before the first
///   usable time are counted back from it the same way; a file with no usable time at all starts
///   at its metadata `<time>` if that is usable, else at 2000-01-01T00:00:00Z. So a drawn route, or
///   a log whose writer left placeholder times, still replays and measures; the times are then
///   made up, which is all such a file allows.
///
/// Errors with [`Error::Track`] when the data is not GPX or holds no track point.
pub fn read_gpx(reader: impl Read) -> Result<Vec<Fix>> {
    let gpx = gpx::read(reader).map_err(|e| Error::Track(format!("This is not a GPX file the app can read: {e}.")))?;
    let waypoints: Vec<&gpx::Waypoint> = gpx.tracks.iter().flat_map(|t| &t.segments).flat_map(|s| &s.points).collect();
    if waypoints.is_empty() {
        return Err(Error::Track("The GPX file has no track points.".into()));
    }
    let points: Vec<TrackPoint> = waypoints
        .iter()
        .map(|w| {
            let position = w.point();
            TrackPoint { lon: position.x(), lat: position.y(), time_ms: 0 }
        })
        .collect();
    let times: Vec<Option<DateTime<Utc>>> = waypoints.iter().map(|w| w.time.and_then(usable_time)).collect();
    let origin = gpx.metadata.as_ref().and_then(|m| m.time).and_then(usable_time);
    let fixes = waypoints
        .iter()
        .zip(&points)
        .zip(fill_times(&points, &times, origin))
        .map(|((w, p), at)| Fix {
            lon: p.lon,
            lat: p.lat,
            accuracy_m: w.hdop.filter(|h| h.is_finite() && *h >= 0.0).map(|h| h * METRES_PER_HDOP),
            at,
        })
        .collect();
    Ok(fixes)
}

/// [`read_gpx`] on a file.
pub fn read_gpx_file(path: &Path) -> Result<Vec<Fix>> {
    let at_path = |e: std::io::Error| Error::Io(std::io::Error::new(e.kind(), format!("{}: {e}", path.display())));
    let file = File::open(path).map_err(at_path)?;
    if file.metadata().map_err(at_path)?.is_dir() {
        return Err(at_path(std::io::Error::new(std::io::ErrorKind::InvalidInput, "a folder, not a GPX file")));
    }
    read_gpx(BufReader::new(file))
}

/// A GPX time as UTC, if it is one a phone could have recorded.
fn usable_time(time: gpx::Time) -> Option<DateTime<Utc>> {
    // The GPX crate's time type comes from the `time` crate; its ISO 8601 text is RFC 3339.
    let text = time.format().ok()?;
    let at = DateTime::parse_from_rfc3339(&text).ok()?.with_timezone(&Utc);
    (at.timestamp_millis() >= EARLIEST_FIX_MS).then_some(at)
}

/// The time from the point before to `point` at [`UNTIMED_PACE_M_PER_S`], at least one second.
fn pace_gap(before: &TrackPoint, point: &TrackPoint) -> TimeDelta {
    let seconds = haversine_km(before, point) * 1000.0 / UNTIMED_PACE_M_PER_S;
    // Not finite only for positions off the globe, which the recorder drops anyway.
    let ms = if seconds.is_finite() { (seconds * 1000.0).round() as i64 } else { 0 };
    TimeDelta::milliseconds(ms.max(1000))
}

/// Every point's time: its own where usable, else made up as [`read_gpx`] describes.
fn fill_times(
    points: &[TrackPoint],
    times: &[Option<DateTime<Utc>>],
    origin: Option<DateTime<Utc>>,
) -> Vec<DateTime<Utc>> {
    // The time from point `i - 1` to point `i`.
    let gap = |i: usize| pace_gap(&points[i - 1], &points[i]);
    let start = match times.iter().enumerate().find_map(|(i, t)| t.map(|t| (i, t))) {
        Some((first, at)) => (1..=first).rev().fold(at, |at, i| at.checked_sub_signed(gap(i)).unwrap_or(at)),
        None => origin.or_else(|| DateTime::from_timestamp_millis(EARLIEST_FIX_MS)).unwrap_or(DateTime::UNIX_EPOCH),
    };
    let mut at = start;
    times
        .iter()
        .enumerate()
        .map(|(i, time)| {
            at = match time {
                Some(time) => *time,
                None if i == 0 => start,
                None => at.checked_add_signed(gap(i)).unwrap_or(at),
            };
            at
        })
        .collect()
}
