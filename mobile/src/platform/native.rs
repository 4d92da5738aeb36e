//! The platform traits on Android and iOS, through the native plugin in `mobile/android` (Kotlin)
//! and `mobile/ios` (Swift), bound with `manganis::ffi`. Compiled only for those targets; the
//! desktop build and its tests use [`super::desktop`].
//!
//! The plugin's methods answer plain strings: a path or a JSON fix, "" for nothing (cancelled, no
//! fix yet), and "error: ..." for a reason the user can act on. Each call makes its own plugin
//! handle on the calling worker thread, so no native handle crosses threads. Calls that wait for
//! the user (camera, location permission) must not run on the UI thread.
#![allow(non_snake_case, reason = "the names are the plugin's own, as Kotlin and Swift spell them")]

use std::path::PathBuf;

use chrono::DateTime;
use tokio::sync::mpsc::{Receiver, channel};

use super::{Camera, DataDir, Location};
use crate::gps::Fix;
use crate::{Error, Result};

// The source folders are relative to the crate root (`mobile/`). The Kotlin class's package is
// the `namespace` in `android/build.gradle.kts`; the Swift class is registered with Objective-C
// under the bare name `FleetPlatform`.
#[cfg(target_os = "android")]
#[manganis::ffi("android")]
extern "Kotlin" {
    pub type FleetPlatform;
    pub fn dataDir(this: &FleetPlatform) -> String;
    pub fn capturePhoto(this: &FleetPlatform, name: String) -> String;
    pub fn startLocation(this: &FleetPlatform, intervalMs: i64) -> String;
    pub fn nextFix(this: &FleetPlatform, timeoutMs: i64) -> String;
    pub fn stopLocation(this: &FleetPlatform) -> String;
}

#[cfg(target_os = "ios")]
#[manganis::ffi("ios")]
extern "Swift" {
    pub type FleetPlatform;
    pub fn dataDir(this: &FleetPlatform) -> String;
    pub fn capturePhoto(this: &FleetPlatform, name: String) -> String;
    pub fn startLocation(this: &FleetPlatform, intervalMs: i64) -> String;
    pub fn nextFix(this: &FleetPlatform, timeoutMs: i64) -> String;
    pub fn stopLocation(this: &FleetPlatform) -> String;
}

/// A plugin handle for the calling thread.
#[cfg(target_os = "ios")]
fn plugin() -> Result<FleetPlatform> {
    FleetPlatform::new().map_err(|e| Error::Internal(format!("the platform plugin did not start: {e}")))
}

/// A plugin handle for the calling thread. The plugin class is loaded through the activity's
/// class loader: on threads Rust started, `FindClass` sees only the system class loader, which
/// does not know the app's classes.
#[cfg(target_os = "android")]
fn plugin() -> Result<FleetPlatform> {
    manganis::android::with_activity(|env, activity| Some(android::construct(env, activity)))
        .unwrap_or_else(|| Err("this thread has no Java environment".to_owned()))
        .map(FleetPlatform::from_global_ref)
        .map_err(|reason| Error::Internal(format!("the platform plugin did not start: {reason}")))
}

/// Making the plugin object with JNI.
#[cfg(target_os = "android")]
mod android {
    use manganis::jni::JNIEnv;
    use manganis::jni::errors::Error as JniError;
    use manganis::jni::objects::{GlobalRef, JClass, JObject, JString, JValue};

    /// The plugin's class, by the binary name `ClassLoader.loadClass` takes.
    const CLASS: &str = "app.fleetops.platform.FleetPlatform";

    /// A new `FleetPlatform(activity)`, held by a global reference. The local references made on
    /// the way are freed before it returns.
    pub(super) fn construct(env: &mut JNIEnv<'_>, activity: &JObject<'_>) -> Result<GlobalRef, String> {
        env.with_local_frame(8, |env| -> Result<GlobalRef, JniError> {
            let loader = env.call_method(activity, "getClassLoader", "()Ljava/lang/ClassLoader;", &[])?.l()?;
            let name = env.new_string(CLASS)?;
            let class = env
                .call_method(&loader, "loadClass", "(Ljava/lang/String;)Ljava/lang/Class;", &[JValue::Object(&name)])?
                .l()?;
            let class = JClass::from(class);
            let plugin = env.new_object(&class, "(Landroid/app/Activity;)V", &[JValue::Object(activity)])?;
            env.new_global_ref(&plugin)
        })
        .map_err(|error| reason(env, &error))
    }

    /// The failure in words. A pending Java exception is cleared (the thread may not make JNI
    /// calls while one is pending) and named by its `toString()`.
    fn reason(env: &mut JNIEnv<'_>, error: &JniError) -> String {
        let thrown = match env.exception_occurred() {
            Ok(thrown) if !thrown.is_null() => thrown,
            _ => return error.to_string(),
        };
        let _ = env.exception_clear();
        let text = env.with_local_frame(4, |env| -> Result<String, JniError> {
            let text = JString::from(env.call_method(&thrown, "toString", "()Ljava/lang/String;", &[])?.l()?);
            Ok(env.get_string(&text)?.into())
        });
        // `toString()` may have thrown in turn.
        let _ = env.exception_clear();
        let _ = env.delete_local_ref(thrown);
        text.unwrap_or_else(|_| error.to_string())
    }
}

fn bridge<T, E: std::fmt::Display>(answer: std::result::Result<T, E>) -> Result<T> {
    answer.map_err(|e| Error::Internal(format!("the platform plugin failed: {e}")))
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

/// The phone's location service: a worker thread owns the plugin while a trip runs. `start`
/// waits until location updates run, which may mean the user answering the permission question,
/// so call it off the UI thread.
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
            // Until the trip ends (the receiver is dropped) or the source fails: then the channel
            // closes and the trip keeps the fixes it has.
            while !sender.is_closed() {
                let text = match bridge(nextFix(&source, 1000)) {
                    Ok(text) => text,
                    Err(error) => {
                        tracing::warn!(%error, "location fixes stopped");
                        break;
                    }
                };
                if let Some(reason) = refusal(&text) {
                    tracing::warn!(%reason, "location fixes stopped");
                    break;
                }
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
        let answer = bridge(dataDir(&plugin()?))?;
        if let Some(reason) = refusal(&answer) {
            return Err(Error::Internal(format!("the app's folder is unknown: {reason}")));
        }
        if answer.is_empty() {
            return Err(Error::Internal("the app's folder is unknown".into()));
        }
        let path = PathBuf::from(answer);
        std::fs::create_dir_all(&path)?;
        Ok(path)
    }
}
