//! The trip recorder, GPX reading and `fleet-track`, from the outside.

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, TimeDelta, Utc};
use mobile::gps::{
    DropReason, Fix, METRES_PER_HDOP, TripRecorder, UNTIMED_PACE_M_PER_S, Verdict, read_gpx, read_gpx_file,
};
use mobile::shared_model::geo::{GpsTrack, MAX_TRACK_POINTS, TrackPoint, haversine_km};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/gps/Mojstrovka.gpx");

/// Metres per degree of latitude on the mean Earth sphere.
const METRES_PER_DEGREE: f64 = 111_195.08;

/// Where the synthetic trips start: a road near Bengaluru.
const HOME: (f64, f64) = (77.59, 12.97);

fn trip_start() -> Result<DateTime<Utc>, String> {
    DateTime::from_timestamp(1_767_945_600, 0).ok_or_else(|| "2026-01-09 is a valid time".to_string())
}

/// A fix `east_m` and `north_m` metres from [`HOME`], `seconds` after [`trip_start`].
fn fix_at(east_m: f64, north_m: f64, accuracy_m: Option<f64>, seconds: f64) -> Result<Fix, String> {
    let lat = HOME.1 + north_m / METRES_PER_DEGREE;
    let lon = HOME.0 + east_m / (METRES_PER_DEGREE * HOME.1.to_radians().cos());
    let at = trip_start()? + TimeDelta::milliseconds((seconds * 1000.0).round() as i64);
    Ok(Fix { lon, lat, accuracy_m, at })
}

fn record(fixes: &[Fix]) -> TripRecorder {
    let mut recorder = TripRecorder::default();
    for fix in fixes {
        recorder.push(*fix);
    }
    recorder
}

#[test]
fn mojstrovka_fixture_measures_2_70_km_within_one_percent() -> TestResult {
    let fixes = read_gpx_file(Path::new(FIXTURE))?;
    let recorder = record(&fixes);
    assert_eq!((fixes.len(), recorder.kept_count(), recorder.dropped_count()), (184, 184, 0));
    assert!((recorder.km() - 2.70).abs() <= 0.027, "measured {} km", recorder.km());
    Ok(())
}

#[test]
fn fix_less_accurate_than_50_m_is_dropped() -> TestResult {
    let mut recorder = TripRecorder::default();
    assert_eq!(recorder.push(fix_at(0.0, 0.0, Some(80.0), 0.0)?), Verdict::Dropped(DropReason::Inaccurate));
    assert_eq!(recorder.push(fix_at(0.0, 0.0, Some(8.0), 1.0)?), Verdict::Kept);
    assert_eq!(recorder.push(fix_at(0.0, 150.0, Some(65.0), 11.0)?), Verdict::Dropped(DropReason::Inaccurate));
    assert_eq!(recorder.push(fix_at(0.0, 150.0, Some(f64::NAN), 12.0)?), Verdict::Dropped(DropReason::Inaccurate));
    assert_eq!((recorder.points().len(), recorder.dropped_count()), (1, 3));
    Ok(())
}

#[test]
fn standing_still_with_jitter_adds_almost_no_km() -> TestResult {
    // Ten minutes at a petrol pump: every fix lands somewhere within its own accuracy radius.
    let mut rng = fastrand::Rng::with_seed(7);
    let mut recorder = TripRecorder::default();
    recorder.push(fix_at(0.0, 0.0, Some(6.0), 0.0)?);
    for second in 1..=600 {
        let accuracy = 4.0 + 8.0 * rng.f64();
        let (distance, angle) = (accuracy * rng.f64().sqrt(), std::f64::consts::TAU * rng.f64());
        let fix = fix_at(distance * angle.cos(), distance * angle.sin(), Some(accuracy), f64::from(second))?;
        recorder.push(fix);
    }
    assert!(recorder.km() < 0.005, "standing still added {} km", recorder.km());
    assert_eq!(recorder.points().len(), 1);
    Ok(())
}

#[test]
fn creeping_in_traffic_still_adds_the_distance() -> TestResult {
    // 1 m a second for 1000 s: each fix alone is jitter, but the moves add up from the last kept fix.
    let fixes =
        (0..=1000).map(|s| fix_at(0.0, f64::from(s), Some(5.0), f64::from(s))).collect::<Result<Vec<_>, _>>()?;
    let recorder = record(&fixes);
    assert!((0.989..=1.0001).contains(&recorder.km()), "measured {} km", recorder.km());
    Ok(())
}

#[test]
fn teleport_jump_is_dropped_and_the_trip_goes_on() -> TestResult {
    let mut recorder = TripRecorder::default();
    for s in 0..3 {
        recorder.push(fix_at(0.0, 15.0 * f64::from(s), Some(5.0), f64::from(s))?);
    }
    // 5 km in one second is 18000 km/h.
    assert_eq!(recorder.push(fix_at(5000.0, 45.0, Some(5.0), 3.0)?), Verdict::Dropped(DropReason::TooFast));
    assert_eq!(recorder.push(fix_at(0.0, 60.0, Some(5.0), 4.0)?), Verdict::Kept);
    assert!((recorder.km() - 0.060).abs() < 0.001, "measured {} km", recorder.km());
    Ok(())
}

#[test]
fn distant_fix_after_a_long_gap_is_kept() -> TestResult {
    // Out of a tunnel: 8 km after ten minutes is 48 km/h.
    let mut recorder = TripRecorder::default();
    recorder.push(fix_at(0.0, 0.0, Some(5.0), 0.0)?);
    assert_eq!(recorder.push(fix_at(0.0, 8000.0, Some(5.0), 600.0)?), Verdict::Kept);
    assert_eq!(recorder.duration(), TimeDelta::minutes(10));
    Ok(())
}

#[test]
fn fix_back_in_time_is_dropped() -> TestResult {
    let mut recorder = TripRecorder::default();
    recorder.push(fix_at(0.0, 0.0, None, 10.0)?);
    assert_eq!(recorder.push(fix_at(0.0, 100.0, None, 9.0)?), Verdict::Dropped(DropReason::BackInTime));
    assert_eq!(recorder.points().len(), 1);
    Ok(())
}

#[test]
fn fix_repeating_the_last_time_is_dropped() -> TestResult {
    let mut recorder = TripRecorder::default();
    recorder.push(fix_at(0.0, 0.0, None, 10.0)?);
    assert_eq!(recorder.push(fix_at(0.0, 100.0, None, 10.0)?), Verdict::Dropped(DropReason::SameTime));
    assert_eq!(recorder.points().len(), 1);
    Ok(())
}

#[test]
fn track_geojson_has_one_time_per_point_and_round_trips() -> TestResult {
    let recorder = record(&read_gpx_file(Path::new(FIXTURE))?);
    let track = recorder.track()?;
    let json = serde_json::to_value(&track)?;
    let coordinates = json["geometry"]["coordinates"].as_array().ok_or("coordinates are an array")?;
    let times = json["properties"]["times"].as_array().ok_or("times are an array")?;
    assert_eq!((coordinates.len(), times.len()), (recorder.points().len(), recorder.points().len()));
    let expected_times: Vec<i64> = recorder.points().iter().map(|p| p.time_ms).collect();
    assert_eq!(times.iter().filter_map(serde_json::Value::as_i64).collect::<Vec<_>>(), expected_times);
    assert_eq!(serde_json::from_value::<GpsTrack>(json)?, track);
    assert!((track.length_km() - recorder.km()).abs() < 1e-9, "{} vs {}", track.length_km(), recorder.km());
    Ok(())
}

#[test]
fn trip_with_fewer_than_two_points_cannot_be_saved() -> TestResult {
    let recorder = record(&[fix_at(0.0, 0.0, None, 0.0)?]);
    let error = recorder.track().err().ok_or("one point is not a track")?;
    assert_eq!(error.code(), "invalid_track");
    Ok(())
}

#[test]
fn long_trip_is_thinned_evenly_below_the_point_limit() -> TestResult {
    // 500 km due north, a fix every 10 m and every second: 50001 fixes, all kept.
    let fixes = (0..=50_000).map(|i| fix_at(0.0, 10.0 * f64::from(i), None, f64::from(i)));
    let fixes = fixes.collect::<Result<Vec<_>, _>>()?;
    let recorder = record(&fixes);
    let points = recorder.points();
    assert_eq!(recorder.kept_count(), 50_001);
    assert!((MAX_TRACK_POINTS / 2..=MAX_TRACK_POINTS).contains(&points.len()), "{} points", points.len());
    let (first, last) = (points.first().ok_or("a first point")?, points.last().ok_or("a last point")?);
    assert_eq!((*first, *last), (TrackPoint::from(fixes[0]), TrackPoint::from(fixes[50_000])));
    // Evenly: one gap between all points but the last, which ends at the latest fix.
    let gaps: Vec<i64> = points.windows(2).map(|w| w[1].time_ms - w[0].time_ms).collect();
    let (last_gap, even_gaps) = gaps.split_last().ok_or("gaps")?;
    assert!(even_gaps.iter().all(|gap| *gap == even_gaps[0]), "uneven gaps");
    assert!(*last_gap <= even_gaps[0]);
    // Along a meridian thinning changes nothing: the length is still first to last.
    let straight = haversine_km(first, last);
    assert!((recorder.km() - straight).abs() < 1e-6, "{} km, straight {straight} km", recorder.km());
    assert_eq!(recorder.track()?.points().len(), points.len());
    Ok(())
}

#[test]
fn gpx_hdop_becomes_accuracy_and_times_are_the_files() -> TestResult {
    let gpx = r#"<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
<trkpt lat="12.97" lon="77.59"><time>2026-01-09T08:00:00Z</time><hdop>2.0</hdop></trkpt>
<trkpt lat="12.971" lon="77.59"><time>2026-01-09T08:00:07.250Z</time></trkpt>
</trkseg></trk></gpx>"#;
    let fixes = read_gpx(gpx.as_bytes())?;
    assert_eq!(fixes.len(), 2);
    assert_eq!(fixes[0].accuracy_m, Some(2.0 * METRES_PER_HDOP));
    assert_eq!(fixes[1].accuracy_m, None);
    assert_eq!(fixes[0].at, trip_start()?);
    assert_eq!(fixes[1].at - fixes[0].at, TimeDelta::milliseconds(7250));
    assert_eq!((fixes[1].lon, fixes[1].lat), (77.59, 12.971));
    Ok(())
}

#[test]
fn gpx_without_usable_times_is_timed_at_a_slow_drive_from_its_metadata_time() -> TestResult {
    // Placeholder times before 2000 count as none.
    let gpx = r#"<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
<metadata><time>2026-01-09T08:00:00Z</time></metadata><trk><trkseg>
<trkpt lat="12.97" lon="77.59"><time>1901-12-13T20:45:52Z</time></trkpt>
<trkpt lat="12.971" lon="77.59"><time>1901-12-13T20:45:52Z</time></trkpt>
<trkpt lat="12.971" lon="77.59"/>
</trkseg></trk></gpx>"#;
    let fixes = read_gpx(gpx.as_bytes())?;
    let (a, b) = (TrackPoint::from(fixes[0]), TrackPoint::from(fixes[1]));
    let pace_ms = (haversine_km(&a, &b) * 1_000_000.0 / UNTIMED_PACE_M_PER_S).round() as i64;
    assert_eq!(fixes[0].at, trip_start()?);
    assert_eq!(fixes[1].at - fixes[0].at, TimeDelta::milliseconds(pace_ms));
    // Standing still still takes at least a second.
    assert_eq!(fixes[2].at - fixes[1].at, TimeDelta::seconds(1));
    Ok(())
}

#[test]
fn gpx_points_missing_a_time_are_timed_from_their_neighbours() -> TestResult {
    let gpx = r#"<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
<trkpt lat="12.97" lon="77.59"/>
<trkpt lat="12.97" lon="77.59"><time>2026-01-09T08:00:00Z</time></trkpt>
<trkpt lat="12.97" lon="77.59"/>
</trkseg></trk></gpx>"#;
    let fixes = read_gpx(gpx.as_bytes())?;
    let times: Vec<DateTime<Utc>> = fixes.iter().map(|f| f.at).collect();
    let start = trip_start()?;
    assert_eq!(times, [start - TimeDelta::seconds(1), start, start + TimeDelta::seconds(1)]);
    Ok(())
}

#[test]
fn data_that_is_not_gpx_or_has_no_track_is_an_unusable_track() -> TestResult {
    let not_gpx = read_gpx("kept=184 dropped=0".as_bytes()).err().ok_or("text is not GPX")?;
    assert_eq!(not_gpx.code(), "invalid_track");
    let only_waypoints = r#"<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><wpt lat="12.97" lon="77.59"/></gpx>"#;
    let no_track = read_gpx(only_waypoints.as_bytes()).err().ok_or("a waypoint is not a track")?;
    assert_eq!(no_track.code(), "invalid_track");
    Ok(())
}

#[test]
fn fleet_track_prints_the_kept_points_and_a_km_line_for_the_fixture() -> TestResult {
    let output = Command::new(env!("CARGO_BIN_EXE_fleet-track")).arg(FIXTURE).output()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout)?;
    let lines: Vec<&str> = stdout.lines().collect();
    let (summary, points) = lines.split_last().ok_or("output")?;
    assert_eq!(points.len(), 184);
    assert_eq!(points[0], "13.748273,46.434981,2010-12-14T06:17:04.000Z");
    let km: f64 = summary.strip_prefix("kept=184 dropped=0 km=").ok_or(format!("summary line: {summary}"))?.parse()?;
    assert!((km - 2.70).abs() <= 0.027, "{km} km");
    Ok(())
}

#[test]
fn fleet_track_exits_2_on_a_file_that_is_not_gpx() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("notes.gpx");
    std::fs::write(&path, "not a track")?;
    let output = Command::new(env!("CARGO_BIN_EXE_fleet-track")).arg(&path).output()?;
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr)?;
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("GPX"), "{stderr}");
    Ok(())
}
