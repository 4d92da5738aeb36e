//! `fleet-mobile`: the phone app. On Android and iOS it uses the phone's camera, GPS and app
//! folder through the native plugin. On a desktop it opens a phone-sized window (360×780); the
//! data folder is `FLEET_DATA_DIR` or the user's data folder, the camera takes the file named by
//! `FLEET_CAMERA_FILE`, and the location replays the GPX file named by `FLEET_GPX_FILE` at
//! `FLEET_GPX_SPEED` times its pace. `FLEET_LANG=hi` shows the screens in Hindi.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use mobile::platform::Platform;
use mobile::store::Store;
use mobile::sync::{Engine, EngineConfig};
use mobile::ui::strings::Lang;
use mobile::ui::{App, AppContext};

/// The phone's own camera, GPS and data folder.
#[cfg(any(target_os = "android", target_os = "ios"))]
fn platform() -> Platform {
    use mobile::platform::native::{NativeCamera, NativeDataDir, NativeLocation};
    Platform::new(NativeCamera, NativeLocation { interval_ms: 2000 }, NativeDataDir)
}

/// On a desktop: a chosen photo file, a replayed GPX track, the user's data folder.
#[cfg(not(any(target_os = "android", target_os = "ios")))]
fn platform() -> Platform {
    use mobile::platform::{DesktopDataDir, FileCamera, GpxReplay};
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let camera = FileCamera::new(var("FLEET_CAMERA_FILE").unwrap_or_default());
    let speed = var("FLEET_GPX_SPEED").and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let location = GpxReplay::new(var("FLEET_GPX_FILE").unwrap_or_default(), speed);
    Platform::new(camera, location, DesktopDataDir::from_env())
}

fn context() -> mobile::Result<AppContext> {
    let platform = Arc::new(platform());
    let folder = platform.data_dir.path()?;
    let store = Arc::new(Store::open(&folder.join("fleet.sqlite"))?);
    let engine = Arc::new(Engine::new(Arc::clone(&store), EngineConfig::default()));
    let lang = if std::env::var("FLEET_LANG").as_deref() == Ok("hi") { Lang::Hi } else { Lang::En };
    Ok(AppContext {
        store,
        engine,
        platform,
        photos_dir: folder.join("photos"),
        lang,
        sync_every: Duration::from_secs(300),
        background_sync: true,
    })
}

fn main() -> ExitCode {
    let context = match context() {
        Ok(context) => context,
        Err(e) => {
            #[allow(clippy::print_stderr, reason = "the app cannot open its data; say why and stop")]
            {
                eprintln!("fleet-mobile: {e}");
            }
            return ExitCode::from(1);
        }
    };
    let launch = dioxus::LaunchBuilder::new().with_context(context);
    #[cfg(feature = "desktop")]
    let launch = launch.with_cfg(
        dioxus::desktop::Config::new().with_menu(None).with_window(
            dioxus::desktop::WindowBuilder::new()
                .with_title("Fleet Operations")
                .with_inner_size(dioxus::desktop::LogicalSize::new(360.0, 780.0)),
        ),
    );
    launch.launch(App);
    ExitCode::SUCCESS
}
