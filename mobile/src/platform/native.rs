//! The platform traits on Android and iOS, through the native plugin in `mobile/android` (Kotlin)
//! and `mobile/ios` (Swift), bound with `manganis::ffi`. Compiled only for those targets; the
//! desktop build and its tests use [`super::desktop`].
//!
//! The plugin's methods answer plain strings: a path or a JSON fix, "" for nothing (cancelled, no
//! fix yet), and "error: ..." for a reason the user can act on. Each call makes its own plugin
//! handle on the calling worker thread, so no native handle crosses threads.
#![allow(non_snake_case, reason = "the names are the plugin's own, as Kotlin and Swift spell them")]

use std::path::PathBuf;

use chrono::DateTime;
use tokio::sync::mpsc::{Receiver, channel};

use super::{Camera, DataDir, Location};
use crate::gps::Fix;
use crate::{Error, Result};

#[cfg(target_os = "android")]
#[manganis::ffi("/android")]
extern "Kotlin" {
    pub type FleetPlatform;
    pub fn dataDir(this: &FleetPlatform) -> String;
    pub fn capturePhoto(this: &FleetPlatform, name: String) -> String;
    pub fn startLocation(this: &FleetPlatform, intervalMs: i64) -> String;
    pub fn nextFix(this: &FleetPlatform, timeoutMs: i64) -> String;
    pub fn stopLocation(this: &FleetPlatform);
}

#[cfg(target_os = "ios")]
#[manganis::ffi("/ios")]
extern "Swift" {
    pub type FleetPlatform;
    pub fn dataDir(this: &FleetPlatform) -> String;
    pub fn capturePhoto(this: &FleetPlatform, name: String) -> String;
    pub fn startLocation(this: &FleetPlatform, intervalMs: i64) -> String;
    pub fn nextFix(this: &FleetPlatform, timeoutMs: i64) -> String;
    pub fn stopLocation(this: &FleetPlatform);
}

fn plugin() -> Result<FleetPlatform> {
    FleetPlatform::new().map_err(|e| Error::Internal(format!("the platform plugin did not start: {e:?}")))
}

fn bridge<T, E: std::fmt::Debug>(answer: std::result::Result<T, E>) -> Result<T> {
    answer.map_err(|e| Error::Internal(format!("the platform plugin failed: {e:?}")))
}

/// The answer's reason, if it is one.
fn refusal(answer: &str) -> Option<String> {
    answer.strip_prefix("error:").map(|reason| reason.trim().to_owned())
}

/// The phone's camera.
#[derive(Debug, Default)]
pub struct NativeCamera;

impl Camera for NativeCamera {
    fn take_photo(&self) -> Result<Option<PathBuf>> {
        let name = format!("capture-{}.jpg", uuid::Uuid::now_v7());
        let answer = bridge(capturePhoto(&plugin()?, name))?;
        match refusal(&answer) {
            Some(reason) => Err(Error::Photo { code: "camera_unavailable", message: reason }),
            None if answer.is_empty() => Ok(None),
            None => Ok(Some(PathBuf::from(answer))),
        }
    }
}

/// The phone's location service: a worker thread owns the plugin while a trip runs.
#[derive(Debug)]
pub struct NativeLocation {
    /// Milliseconds between fixes asked for.
    pub interval_ms: i64,
}

impl Location for NativeLocation {
    fn start(&self) -> Result<Receiver<Fix>> {
        let (sender, receiver) = channel(256);
        let interval = self.interval_ms;
        let (started_tx, started_rx) = std::sync::mpsc::channel::<Result<()>>();
        std::thread::spawn(move || {
            let source = match plugin() {
                Ok(source) => source,
                Err(e) => {
                    let _ = started_tx.send(Err(e));
                    return;
                }
            };
            let answer = bridge(startLocation(&source, interval));
            let failed = match answer {
                Ok(text) => refusal(&text).map(Error::Track),
                Err(e) => Some(e),
            };
            if let Some(e) = failed {
                let _ = started_tx.send(Err(e));
                return;
            }
            let _ = started_tx.send(Ok(()));
            while !sender.is_closed() {
                let Ok(text) = bridge(nextFix(&source, 1000)) else { break };
                if let Some(fix) = fix_of(&text)
                    && sender.blocking_send(fix).is_err()
                {
                    break;
                }
            }
            let _ = stopLocation(&source);
        });
        started_rx.recv().map_err(|_| Error::Track("the location service stopped".into()))??;
        Ok(receiver)
    }
}

/// A fix from the plugin's JSON: `{"lon", "lat", "accuracy_m", "time_ms"}`.
fn fix_of(text: &str) -> Option<Fix> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    Some(Fix {
        lon: value.get("lon")?.as_f64()?,
        lat: value.get("lat")?.as_f64()?,
        accuracy_m: value.get("accuracy_m").and_then(serde_json::Value::as_f64),
        at: DateTime::from_timestamp_millis(value.get("time_ms")?.as_i64()?)?,
    })
}

/// The app's private folder on the phone.
#[derive(Debug, Default)]
pub struct NativeDataDir;

impl DataDir for NativeDataDir {
    fn path(&self) -> Result<PathBuf> {
        let path = PathBuf::from(bridge(dataDir(&plugin()?))?);
        std::fs::create_dir_all(&path)?;
        Ok(path)
    }
}
