//! The desktop implementations of the platform traits.

use std::io;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::mpsc::{self, Receiver, Sender};

use super::{Camera, DataDir, Location};
use crate::gps::{Fix, read_gpx_file};
use crate::{Error, Result};

/// The environment variable that overrides the desktop data folder.
pub const DATA_DIR_VAR: &str = "FLEET_DATA_DIR";

/// The folder under the user's data directory that holds the app's data.
const APP_FOLDER: &str = "fleet-operations";

/// How many fixes a replay may deliver ahead of a slow reader.
const REPLAY_BUFFER: usize = 64;

/// The longest a replay sleeps before checking whether its receiver is gone.
const REPLAY_POLL: Duration = Duration::from_millis(50);

/// An I/O error that names the path it is about.
fn io_error_at(path: &Path, e: &io::Error) -> Error {
    Error::Io(io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

/// A camera that hands over a photo file already chosen (picked in a file dialog or passed on
/// the command line).
#[derive(Debug, Clone)]
pub struct FileCamera {
    path: PathBuf,
}

impl FileCamera {
    /// A camera that returns the file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileCamera { path: path.into() }
    }
}

impl Camera for FileCamera {
    /// The chosen file; an [`Error::Io`] when it does not exist or is not a file.
    fn take_photo(&self) -> Result<Option<PathBuf>> {
        let metadata = std::fs::metadata(&self.path).map_err(|e| io_error_at(&self.path, &e))?;
        if !metadata.is_file() {
            let e = io::Error::new(io::ErrorKind::InvalidInput, "not a file");
            return Err(io_error_at(&self.path, &e));
        }
        Ok(Some(self.path.clone()))
    }
}

/// A location service that replays the fixes of a GPX file (read with [`read_gpx_file`]), for
/// trying trips out on a desktop.
///
/// Fixes arrive with the file's time gaps divided by `speed`. Their times are shifted so the
/// first fix is stamped with the moment [`Location::start`] is called, keeping the file's gaps
/// unscaled: the recorder then sees the trip's real speeds at any replay speed, and a report built
/// from the replay carries today's date.
#[derive(Debug, Clone)]
pub struct GpxReplay {
    /// The GPX file.
    pub path: PathBuf,
    /// How many times faster than real time to replay. Zero, infinity, or anything but a positive
    /// number replays as fast as the reader takes the fixes.
    pub speed: f64,
}

impl GpxReplay {
    /// A replay of the file at `path` at `speed` times real time.
    pub fn new(path: impl Into<PathBuf>, speed: f64) -> Self {
        GpxReplay { path: path.into(), speed }
    }

    /// Like [`Location::start`], also returning the thread that delivers the fixes. The thread
    /// ends when it has delivered every fix or the receiver is dropped, and returns how many
    /// fixes it handed to the channel.
    pub fn spawn(&self) -> Result<(Receiver<Fix>, JoinHandle<usize>)> {
        let fixes = read_gpx_file(&self.path)?;
        let speed = (self.speed.is_finite() && self.speed > 0.0).then_some(self.speed);
        let (sender, receiver) = mpsc::channel(REPLAY_BUFFER);
        let thread = std::thread::Builder::new()
            .name("gpx-replay".into())
            .spawn(move || replay(&fixes, speed, &sender))
            .map_err(Error::Io)?;
        Ok((receiver, thread))
    }
}

impl Location for GpxReplay {
    fn start(&self) -> Result<Receiver<Fix>> {
        self.spawn().map(|(receiver, _thread)| receiver)
    }
}

/// Sends `fixes` restamped from now, each when its (sped-up) time has come; returns how many
/// were sent.
fn replay(fixes: &[Fix], speed: Option<f64>, sender: &Sender<Fix>) -> usize {
    let Some(first) = fixes.first() else {
        return 0;
    };
    let (started, now) = (Instant::now(), Utc::now());
    let mut sent = 0;
    for fix in fixes {
        let offset = fix.at - first.at;
        if let Some(speed) = speed {
            // An earlier time than the first fix's is due at once; one beyond reach never is.
            let wait = Duration::try_from_secs_f64(offset.as_seconds_f64().max(0.0) / speed).ok();
            if !wait_until(wait.and_then(|w| started.checked_add(w)), sender) {
                break;
            }
        }
        let stamped = Fix { at: now.checked_add_signed(offset).unwrap_or(fix.at), ..*fix };
        if sender.blocking_send(stamped).is_err() {
            break;
        }
        sent += 1;
    }
    sent
}

/// Sleeps until `deadline` (for ever when `None`); false if the receiver went away first.
fn wait_until(deadline: Option<Instant>, sender: &Sender<Fix>) -> bool {
    loop {
        if sender.is_closed() {
            return false;
        }
        let left = match deadline {
            Some(deadline) => deadline.saturating_duration_since(Instant::now()),
            None => REPLAY_POLL,
        };
        if left.is_zero() {
            return true;
        }
        std::thread::sleep(left.min(REPLAY_POLL));
    }
}

/// The app's data folder on a desktop: the [`DATA_DIR_VAR`] folder if set, else
/// `fleet-operations` in the user's data directory (`~/.local/share` on Linux, `~/Library/Application
/// Support` on macOS, `%APPDATA%` on Windows).
#[derive(Debug, Clone)]
pub struct DesktopDataDir {
    location: Option<PathBuf>,
}

impl DesktopDataDir {
    /// The folder `override_dir` if given and not empty, else the user's data directory's
    /// `fleet-operations`.
    pub fn new(override_dir: Option<PathBuf>) -> Self {
        let location = match override_dir {
            Some(dir) if !dir.as_os_str().is_empty() => Some(dir),
            _ => dirs::data_dir().map(|dir| dir.join(APP_FOLDER)),
        };
        DesktopDataDir { location }
    }

    /// [`DesktopDataDir::new`] with the value of [`DATA_DIR_VAR`].
    pub fn from_env() -> Self {
        DesktopDataDir::new(std::env::var_os(DATA_DIR_VAR).map(PathBuf::from))
    }

    /// The folder, without creating it; `None` when no folder was given and the system has no
    /// user data directory.
    pub fn location(&self) -> Option<&Path> {
        self.location.as_deref()
    }
}

impl DataDir for DesktopDataDir {
    fn path(&self) -> Result<PathBuf> {
        let Some(dir) = &self.location else {
            let message = format!("This system has no user data folder; set {DATA_DIR_VAR}.");
            return Err(Error::Io(io::Error::new(io::ErrorKind::NotFound, message)));
        };
        std::fs::create_dir_all(dir).map_err(|e| io_error_at(dir, &e))?;
        Ok(dir.clone())
    }
}
