//! The desktop implementations of the platform traits, used through the traits.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use mobile::gps::{Fix, read_gpx_file};
use mobile::platform::{DATA_DIR_VAR, DataDir, DesktopDataDir, FileCamera, GpxReplay, Location, Platform};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/gps/Mojstrovka.gpx");

/// Writes a GPX track heading north, one point `seconds` after 2026-01-09T08:00:00Z for each
/// entry, and returns its path.
fn write_gpx(dir: &Path, seconds: &[i64]) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let start = chrono::DateTime::from_timestamp(1_767_945_600, 0).ok_or("a valid start time")?;
    let points: String = seconds
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let time = (start + TimeDelta::seconds(*s)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            format!("<trkpt lat=\"{}\" lon=\"77.59\"><time>{time}</time></trkpt>\n", 12.97 + 0.001 * i as f64)
        })
        .collect();
    let gpx = format!(
        "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"test\" \
         xmlns=\"http://www.topografix.com/GPX/1/1\"><trk><trkseg>\n{points}</trkseg></trk></gpx>\n"
    );
    let path = dir.join("trip.gpx");
    std::fs::write(&path, gpx)?;
    Ok(path)
}

/// Receives until the channel closes.
fn receive_all(mut receiver: tokio::sync::mpsc::Receiver<Fix>) -> Vec<Fix> {
    let mut fixes = Vec::new();
    while let Some(fix) = receiver.blocking_recv() {
        fixes.push(fix);
    }
    fixes
}

#[test]
fn gpx_replay_as_fast_as_possible_delivers_every_fix_in_order_then_closes() -> TestResult {
    let in_file = read_gpx_file(Path::new(FIXTURE))?;
    for speed in [0.0, f64::INFINITY] {
        let started = Utc::now();
        let replayed = receive_all(GpxReplay::new(FIXTURE, speed).start()?);
        assert_eq!(replayed.len(), in_file.len(), "speed {speed}");
        for (got, want) in replayed.iter().zip(&in_file) {
            assert_eq!((got.lon, got.lat, got.accuracy_m), (want.lon, want.lat, want.accuracy_m));
            // Shifted to the start of the replay, with the file's gaps.
            assert_eq!(got.at - replayed[0].at, want.at - in_file[0].at);
        }
        assert!((replayed[0].at - started).abs() < TimeDelta::seconds(5), "first fix at {}", replayed[0].at);
    }
    Ok(())
}

#[test]
fn gpx_replay_stops_when_the_receiver_is_dropped() -> TestResult {
    let dir = tempfile::tempdir()?;
    // An hour between fixes: the replay is waiting when the receiver goes.
    let path = write_gpx(dir.path(), &[0, 3600, 7200])?;
    let (mut receiver, thread) = GpxReplay::new(path, 1.0).spawn()?;
    assert!(receiver.blocking_recv().is_some());
    drop(receiver);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !thread.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(thread.is_finished(), "the replay still runs after its receiver was dropped");
    assert_eq!(thread.join().map_err(|_| "the replay thread panicked")?, 1);
    Ok(())
}

#[test]
fn gpx_replay_at_ten_times_speed_keeps_a_tenth_of_the_gaps() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = write_gpx(dir.path(), &[0, 2, 4, 6])?;
    let started = Instant::now();
    let mut receiver = GpxReplay::new(path, 10.0).start()?;
    let mut arrivals = Vec::new();
    while let Some(fix) = receiver.blocking_recv() {
        arrivals.push((started.elapsed(), fix));
    }
    assert_eq!(arrivals.len(), 4);
    for (i, (elapsed, fix)) in arrivals.iter().enumerate() {
        let due = Duration::from_millis(200) * i as u32;
        assert!(*elapsed >= due, "fix {i} came after {elapsed:?}, due at {due:?}");
        assert!(*elapsed < due + Duration::from_millis(1500), "fix {i} came after {elapsed:?}, due at {due:?}");
        // The times keep the trip's real gaps, so its speeds stay real.
        assert_eq!(fix.at - arrivals[0].1.at, TimeDelta::seconds(2 * i as i64));
    }
    Ok(())
}

#[test]
fn gpx_replay_of_a_missing_file_fails_at_start() -> TestResult {
    let dir = tempfile::tempdir()?;
    let error = GpxReplay::new(dir.path().join("absent.gpx"), 1.0).start().err().ok_or("no file, no replay")?;
    assert_eq!(error.code(), "io");
    Ok(())
}

#[test]
fn file_camera_returns_the_chosen_file() -> TestResult {
    let dir = tempfile::tempdir()?;
    let photo = dir.path().join("bill.jpg");
    std::fs::write(&photo, b"\xff\xd8\xff")?;
    let camera: &dyn mobile::platform::Camera = &FileCamera::new(&photo);
    assert_eq!(camera.take_photo()?, Some(photo));
    Ok(())
}

#[test]
fn file_camera_fails_for_a_missing_file_or_a_folder() -> TestResult {
    let dir = tempfile::tempdir()?;
    let missing = FileCamera::new(dir.path().join("bill.jpg"));
    let error = mobile::platform::Camera::take_photo(&missing).err().ok_or("a missing file is no photo")?;
    assert_eq!(error.code(), "io");
    assert!(error.to_string().contains("bill.jpg"), "{error}");
    let folder = FileCamera::new(dir.path());
    assert!(mobile::platform::Camera::take_photo(&folder).is_err());
    Ok(())
}

#[test]
fn data_dir_given_explicitly_is_used_and_created() -> TestResult {
    let dir = tempfile::tempdir()?;
    let wanted = dir.path().join("nested").join("fleet");
    let data_dir = DesktopDataDir::new(Some(wanted.clone()));
    assert_eq!(data_dir.path()?, wanted);
    assert!(wanted.is_dir());
    Ok(())
}

#[test]
fn empty_data_dir_override_means_the_user_data_folder() {
    let data_dir = DesktopDataDir::new(Some(PathBuf::new()));
    let expected = dirs::data_dir().map(|dir| dir.join("fleet-operations"));
    assert_eq!(data_dir.location(), expected.as_deref());
}

/// Run alone by [`fleet_data_dir_variable_is_honoured`] with the variable set; in a plain test run
/// it checks the default. Environment variables are process-wide, so only a child process sets one.
#[test]
fn data_dir_from_env_matches_the_environment() -> TestResult {
    let data_dir = DesktopDataDir::from_env();
    match std::env::var_os(DATA_DIR_VAR).filter(|value| !value.is_empty()) {
        Some(value) => assert_eq!(data_dir.path()?, PathBuf::from(value)),
        None => assert_eq!(data_dir.location(), dirs::data_dir().map(|d| d.join("fleet-operations")).as_deref()),
    }
    Ok(())
}

#[test]
fn fleet_data_dir_variable_is_honoured() -> TestResult {
    let dir = tempfile::tempdir()?;
    let wanted = dir.path().join("from-env");
    let output = Command::new(std::env::current_exe()?)
        .args(["data_dir_from_env_matches_the_environment", "--exact", "--nocapture"])
        .env(DATA_DIR_VAR, &wanted)
        .output()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    // The child created the folder, so it did run and follow the variable.
    assert!(wanted.is_dir());
    Ok(())
}

#[test]
fn platform_serves_the_app_through_the_traits() -> TestResult {
    let dir = tempfile::tempdir()?;
    let photo = dir.path().join("before.jpg");
    std::fs::write(&photo, b"\xff\xd8\xff")?;
    let data = dir.path().join("data");
    let platform =
        Platform::new(FileCamera::new(&photo), GpxReplay::new(FIXTURE, 0.0), DesktopDataDir::new(Some(data.clone())));
    assert_eq!(platform.camera.take_photo()?, Some(photo));
    assert_eq!(platform.data_dir.path()?, data);
    assert_eq!(receive_all(platform.location.start()?).len(), 184);
    Ok(())
}
