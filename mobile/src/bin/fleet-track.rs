//! `fleet-track FILE.gpx`: runs a GPX file's track points through the phone's trip recorder and
//! prints the track it would save, one point a line (`longitude,latitude,time`), then
//! `kept=N dropped=N km=N.NNN`, followed by how many fixes were dropped for each reason when any
//! were (` jitter=N too_fast=N ...`). A file it cannot use ends it with exit code 2 and the reason
//! on one line of stderr.
#![forbid(unsafe_code)]
#![allow(clippy::print_stderr, reason = "a command-line tool reports failures on stderr")]

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, SecondsFormat};
use mobile::gps::{TripRecorder, Verdict, read_gpx_file};
use mobile::shared_model::geo::GpsTrack;

/// The exit code for input the tool cannot use.
const UNUSABLE: u8 = 2;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        eprintln!("usage: fleet-track FILE.gpx");
        return ExitCode::from(UNUSABLE);
    };
    let recorded = match record(Path::new(&path)) {
        Ok(recorded) => recorded,
        Err(e) => {
            eprintln!("fleet-track: {e}");
            return ExitCode::from(UNUSABLE);
        }
    };
    match print(&recorded) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader stopped early (`fleet-track FILE | head`): nothing to report.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("fleet-track: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A GPX file run through the recorder.
struct Recorded {
    recorder: TripRecorder,
    track: GpsTrack,
    /// How many fixes were dropped, by reason.
    dropped: BTreeMap<&'static str, u64>,
}

/// Reads the file and records it, as the app records a replayed trip.
fn record(path: &Path) -> mobile::Result<Recorded> {
    let mut recorder = TripRecorder::default();
    let mut dropped = BTreeMap::new();
    for fix in read_gpx_file(path)? {
        if let Verdict::Dropped(reason) = recorder.push(fix) {
            *dropped.entry(reason.as_str()).or_insert(0) += 1;
        }
    }
    let track = recorder.track()?;
    Ok(Recorded { recorder, track, dropped })
}

fn print(recorded: &Recorded) -> std::io::Result<()> {
    let Recorded { recorder, track, dropped } = recorded;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for point in track.points() {
        let time = DateTime::from_timestamp_millis(point.time_ms)
            .map_or_else(|| point.time_ms.to_string(), |t| t.to_rfc3339_opts(SecondsFormat::Millis, true));
        writeln!(out, "{},{},{time}", point.lon, point.lat)?;
    }
    write!(out, "kept={} dropped={} km={:.3}", recorder.kept_count(), recorder.dropped_count(), recorder.km())?;
    for (reason, count) in dropped {
        write!(out, " {reason}={count}")?;
    }
    writeln!(out)?;
    out.flush()
}
