//! `fleet-photo IN OUT_DIR`: runs the phone's photo pipeline on one file, as the app does when a
//! driver attaches a photo, and prints where the result went:
//! `path=… sha256=… width=… height=… bytes=…`.
//!
//! Exit status 0 when the photo was saved; 2 with one line on stderr when the input cannot be
//! taken (the reason and its code) or the arguments are wrong; 1 for a fault in the app itself.
#![allow(clippy::print_stdout, reason = "the result line on stdout is this tool's output")]
#![allow(clippy::print_stderr, reason = "refusals are reported on stderr")]

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

use mobile::Error;
use mobile::media::process_photo;

const USAGE: &str = "usage: fleet-photo IN OUT_DIR";

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let [input, out_dir] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match process_photo(Path::new(input), Path::new(out_dir)) {
        Ok(photo) => {
            println!(
                "path={} sha256={} width={} height={} bytes={}",
                photo.path.display(),
                photo.sha256,
                photo.width,
                photo.height,
                photo.bytes
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("fleet-photo: {} ({})", one_line(&error.to_string()), error.code());
            ExitCode::from(if matches!(error, Error::Internal(_)) { 1 } else { 2 })
        }
    }
}

/// The message on one line, whatever the underlying error put in it.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
