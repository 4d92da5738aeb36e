//! [`TripRecorder`]: filters fixes as they arrive and keeps the trip's track and running length.

use chrono::TimeDelta;
use shared_model::geo::{GpsTrack, MAX_TRACK_POINTS, TrackPoint, haversine_km};

use super::Fix;
use crate::{Error, Result};

/// The limits a fix must meet to be kept.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Fixes whose accuracy radius is larger than this many metres are dropped. Phones report
    /// 3-15 m under open sky and 20-40 m between buildings; beyond 50 m the position is usually a
    /// cell-tower or Wi-Fi guess that can be hundreds of metres off.
    pub max_accuracy_m: f64,
    /// The least distance in metres from the last kept fix that counts as movement, even when both
    /// fixes claim to be more accurate than that (or do not say). Consumer GNSS wanders by a few
    /// metres while standing still, so smaller moves are noise; it must stay below the spacing of
    /// a slow, densely logged track (the Mojstrovka fixture's closest points are 4.5 m apart).
    pub min_move_m: f64,
    /// The fastest believable speed between two kept fixes, in km/h. No car, van or truck on a
    /// campaign goes faster; a fix that would need more is a multipath or cold-start jump.
    pub max_speed_kmh: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { max_accuracy_m: 50.0, min_move_m: 3.0, max_speed_kmh: 250.0 }
    }
}

/// What the recorder did with a fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The fix is now the end of the track.
    Kept,
    /// The fix was left out, for the reason given.
    Dropped(DropReason),
}

/// Why a fix was left out of the track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// Not a position on Earth (not finite, or out of range), or a time before 1970.
    OutOfRange,
    /// The accuracy radius is larger than [`Thresholds::max_accuracy_m`] (or not a number).
    Inaccurate,
    /// The fix is older than the last kept one.
    BackInTime,
    /// The fix has the same time (to the millisecond) as the last kept one.
    SameTime,
    /// The fix lies so close to the last kept one that the two positions cannot be told apart:
    /// closer than their accuracy radii together, or than [`Thresholds::min_move_m`].
    Jitter,
    /// Reaching the fix from the last kept one would take more than [`Thresholds::max_speed_kmh`].
    TooFast,
}

impl DropReason {
    /// A stable lower-case name, for logs and command-line output.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::OutOfRange => "out_of_range",
            DropReason::Inaccurate => "inaccurate",
            DropReason::BackInTime => "back_in_time",
            DropReason::SameTime => "same_time",
            DropReason::Jitter => "jitter",
            DropReason::TooFast => "too_fast",
        }
    }
}

/// Records one trip: takes fixes one by one, keeps those that describe real movement, and keeps
/// the length of the kept track up to date, so each fix costs a few comparisons and one haversine.
///
/// Every check compares a fix with the last kept one. Comparing with the last kept fix (not the
/// last received one) means jitter cannot creep the track away from a standstill, while slow
/// driving still counts: once the vehicle has moved far enough from where it last was, the next
/// fix is kept. The speed check heals itself: if the last kept fix was itself a bad one, the time
/// since it grows with every dropped fix until real fixes are believable again.
///
/// # The point limit
///
/// A saved track holds at most [`MAX_TRACK_POINTS`] points. When a long trip reaches that, the
/// recorder thins the track evenly instead of refusing fixes, so the rest of the day still
/// counts: it keeps every second point (the first kept fix always stays) and from then on keeps
/// only every second kept fix, halving again each time the limit comes back. The latest kept fix
/// always ends the track, so the length reaches the vehicle's current position. Thinning cuts
/// corners, so on winding roads [`TripRecorder::km`] can shrink a little when it happens;
/// [`TripRecorder::km`] is always the length of [`TripRecorder::points`], which is what the server
/// computes from the saved track.
#[derive(Debug, Clone)]
pub struct TripRecorder {
    thresholds: Thresholds,
    /// Kept fixes whose index (counted among all kept fixes) is a multiple of `stride`, then the
    /// latest kept fix if it is not one of those (`tail_provisional`).
    points: Vec<TrackPoint>,
    /// The accuracy of the latest kept fix, which later fixes are compared with.
    last_accuracy_m: Option<f64>,
    stride: u64,
    tail_provisional: bool,
    /// The length of `points` without a provisional tail.
    anchored_km: f64,
    kept: u64,
    dropped: u64,
}

impl Default for TripRecorder {
    fn default() -> Self {
        TripRecorder::new(Thresholds::default())
    }
}

impl TripRecorder {
    /// An empty recorder that judges fixes by `thresholds`.
    pub fn new(thresholds: Thresholds) -> Self {
        TripRecorder {
            thresholds,
            points: Vec::new(),
            last_accuracy_m: None,
            stride: 1,
            tail_provisional: false,
            anchored_km: 0.0,
            kept: 0,
            dropped: 0,
        }
    }

    /// The limits this recorder applies.
    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    /// Judges one fix and, if it is kept, adds it to the track.
    pub fn push(&mut self, fix: Fix) -> Verdict {
        let point = TrackPoint::from(fix);
        let verdict = self.judge(&point, fix.accuracy_m);
        match verdict {
            Verdict::Kept => self.keep(point, fix.accuracy_m),
            Verdict::Dropped(_) => self.dropped += 1,
        }
        verdict
    }

    /// The track so far, oldest first.
    pub fn points(&self) -> &[TrackPoint] {
        &self.points
    }

    /// The length of the track so far in kilometres: the haversine length of [`Self::points`].
    pub fn km(&self) -> f64 {
        match self.points.as_slice() {
            [.., anchor, tail] if self.tail_provisional => self.anchored_km + haversine_km(anchor, tail),
            _ => self.anchored_km,
        }
    }

    /// The time from the first to the last point of the track (zero before two points).
    pub fn duration(&self) -> TimeDelta {
        match (self.points.first(), self.points.last()) {
            (Some(first), Some(last)) => TimeDelta::milliseconds(last.time_ms - first.time_ms),
            _ => TimeDelta::zero(),
        }
    }

    /// How many fixes were kept. After thinning, more than [`Self::points`] holds.
    pub fn kept_count(&self) -> u64 {
        self.kept
    }

    /// How many fixes were dropped.
    pub fn dropped_count(&self) -> u64 {
        self.dropped
    }

    /// The track as the report's `gps_data`; an error while it has fewer than two points.
    pub fn track(&self) -> Result<GpsTrack> {
        GpsTrack::new(self.points.clone()).map_err(|e| Error::Track(format!("This trip cannot be saved: {e}.")))
    }

    fn judge(&self, point: &TrackPoint, accuracy_m: Option<f64>) -> Verdict {
        let on_earth = point.lon.is_finite()
            && point.lat.is_finite()
            && (-180.0..=180.0).contains(&point.lon)
            && (-90.0..=90.0).contains(&point.lat);
        if !on_earth || point.time_ms < 0 {
            return Verdict::Dropped(DropReason::OutOfRange);
        }
        if accuracy_m.is_some_and(|a| !(0.0..=self.thresholds.max_accuracy_m).contains(&a)) {
            return Verdict::Dropped(DropReason::Inaccurate);
        }
        let Some(last) = self.points.last() else {
            return Verdict::Kept;
        };
        if point.time_ms < last.time_ms {
            return Verdict::Dropped(DropReason::BackInTime);
        }
        if point.time_ms == last.time_ms {
            return Verdict::Dropped(DropReason::SameTime);
        }
        let km = haversine_km(last, point);
        let indistinct_m = self.last_accuracy_m.unwrap_or(0.0) + accuracy_m.unwrap_or(0.0);
        if km * 1000.0 < indistinct_m.max(self.thresholds.min_move_m) {
            return Verdict::Dropped(DropReason::Jitter);
        }
        let hours = (point.time_ms - last.time_ms) as f64 / 3_600_000.0;
        if km > self.thresholds.max_speed_kmh * hours {
            return Verdict::Dropped(DropReason::TooFast);
        }
        Verdict::Kept
    }

    fn keep(&mut self, point: TrackPoint, accuracy_m: Option<f64>) {
        let index = self.kept;
        self.kept += 1;
        self.last_accuracy_m = accuracy_m;
        if self.tail_provisional {
            self.points.pop();
        }
        self.tail_provisional = !index.is_multiple_of(self.stride);
        if !self.tail_provisional
            && let Some(anchor) = self.points.last()
        {
            self.anchored_km += haversine_km(anchor, &point);
        }
        self.points.push(point);
        if self.points.len() > MAX_TRACK_POINTS {
            self.thin();
        }
    }

    /// Halves the track: keeps the points whose index is a multiple of twice the stride, plus the
    /// latest one, and doubles the stride.
    fn thin(&mut self) {
        let Some(tail) = self.points.pop() else {
            return;
        };
        // The first, third, fifth... point: those whose index is a multiple of twice the stride.
        let mut keep = false;
        self.points.retain(|_| {
            keep = !keep;
            keep
        });
        self.stride *= 2;
        self.tail_provisional = !(self.kept - 1).is_multiple_of(self.stride);
        self.points.push(tail);
        let anchors = if self.tail_provisional { &self.points[..self.points.len() - 1] } else { &self.points[..] };
        self.anchored_km = anchors.windows(2).map(|w| haversine_km(&w[0], &w[1])).sum();
    }
}
