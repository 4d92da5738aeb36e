//! What the app needs from the device, behind traits: a [`Camera`] that produces a photo file, a
//! [`Location`] service that delivers GPS fixes, and the app's [`DataDir`]. The rest of the app
//! uses only these traits, usually through one [`Platform`].
//!
//! The desktop implementations live in [`desktop`]: a photo file chosen by the user
//! ([`FileCamera`]), a GPX file replayed as if driven ([`GpxReplay`]) and the user's data folder
//! ([`DesktopDataDir`]). On Android and iOS the same traits are implemented by the native plugin
//! in `mobile/android` and `mobile/ios` (`native`, DESIGN.md decision 9), so nothing in the traits
//! may name a desktop-only type.

pub mod desktop;
#[cfg(any(target_os = "android", target_os = "ios"))]
pub mod native;

use std::fmt::Debug;
use std::path::PathBuf;

use tokio::sync::mpsc::Receiver;

pub use desktop::{DATA_DIR_VAR, DesktopDataDir, FileCamera, GpxReplay};

use crate::Result;
use crate::gps::Fix;

/// Takes a photo and hands it over as a file.
pub trait Camera: Send + Sync + Debug {
    /// Lets the user take (or pick) a photo and returns the file holding it, or `None` when the
    /// user closed the camera or the picker without one. The file is the camera's original; the
    /// photo pipeline (`media`) makes the copy the app keeps. It may block until the user is done,
    /// so call it off the UI thread.
    fn take_photo(&self) -> Result<Option<PathBuf>>;
}

/// Delivers the device's position while a trip is recorded.
pub trait Location: Send + Sync + Debug {
    /// Starts delivering fixes, in the order they are measured, on the returned channel. Delivery
    /// stops when the receiver is dropped; the channel closes when the source has no more fixes.
    /// Fails when location is unavailable (no permission, no source).
    fn start(&self) -> Result<Receiver<Fix>>;
}

/// Where the app keeps its database and photos.
pub trait DataDir: Send + Sync + Debug {
    /// The app's data folder, created if it does not exist yet.
    fn path(&self) -> Result<PathBuf>;
}

/// The device services of one running app.
#[derive(Debug)]
pub struct Platform {
    /// The camera (or, on desktop, a chosen file).
    pub camera: Box<dyn Camera>,
    /// The location service (or, on desktop, a GPX replay).
    pub location: Box<dyn Location>,
    /// The app's data folder.
    pub data_dir: Box<dyn DataDir>,
}

impl Platform {
    /// Bundles the three services.
    pub fn new(
        camera: impl Camera + 'static,
        location: impl Location + 'static,
        data_dir: impl DataDir + 'static,
    ) -> Self {
        Platform { camera: Box::new(camera), location: Box::new(location), data_dir: Box::new(data_dir) }
    }
}
