//! The phone app itself (`fleet-mobile`, the Dioxus desktop build) in a phone-sized window under
//! Xvfb, driven like a user with xdotool, against the real server: sign in, create an expense with
//! the fixture photo while the server is down, see it wait, sync, see it synced, open the trip
//! screen; then start the app again with no server and capture once more. Screenshots of the
//! screens go to `docs/screenshots/`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fleet_tests::{TestServer, demo};
use mobile::store::{CaptureState, Store};
use shared_model::protocol::PushTable;

/// A process killed when the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// The app's binary, built beside this test by the workspace build.
fn app_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let folder = exe.parent().and_then(Path::parent).ok_or_else(|| anyhow::anyhow!("no target folder"))?;
    let binary = folder.join("fleet-mobile");
    anyhow::ensure!(binary.exists(), "{} is missing: build it with `cargo build -p mobile`", binary.display());
    Ok(binary)
}

/// A private X display.
fn xvfb() -> anyhow::Result<(Running, String)> {
    let number = (90..200)
        .find(|n| {
            !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
        })
        .ok_or_else(|| anyhow::anyhow!("no free X display number"))?;
    let display = format!(":{number}");
    let child = Command::new("Xvfb")
        .args([&display, "-screen", "0", "800x900x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let running = Running(child);
    wait_for(Duration::from_secs(10), || Ok(Path::new(&format!("/tmp/.X11-unix/X{number}")).exists()))?;
    Ok((running, display))
}

fn wait_for(limit: Duration, mut ready: impl FnMut() -> anyhow::Result<bool>) -> anyhow::Result<()> {
    let started = Instant::now();
    while !ready()? {
        anyhow::ensure!(started.elapsed() < limit, "gave up waiting after {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}

/// The user's finger and keyboard.
struct Hand {
    display: String,
}

impl Hand {
    fn xdotool(&self, args: &[&str]) -> anyhow::Result<()> {
        let status = Command::new("xdotool").env("DISPLAY", &self.display).args(args).status()?;
        anyhow::ensure!(status.success(), "xdotool {args:?} failed");
        Ok(())
    }

    fn tap(&self, x: u32, y: u32) -> anyhow::Result<()> {
        self.xdotool(&["mousemove", &x.to_string(), &y.to_string(), "click", "1"])?;
        std::thread::sleep(Duration::from_millis(400));
        Ok(())
    }

    fn type_text(&self, text: &str) -> anyhow::Result<()> {
        self.xdotool(&["type", "--delay", "40", text])
    }

    fn keys(&self, keys: &[&str]) -> anyhow::Result<()> {
        let mut args = vec!["key", "--delay", "120"];
        args.extend_from_slice(keys);
        self.xdotool(&args)
    }

    /// The phone-sized window as a PNG in `docs/screenshots/`; fails on a blank picture.
    fn screenshot(&self, name: &str) -> anyhow::Result<()> {
        let path = repo(&format!("docs/screenshots/{name}.png"));
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let status = Command::new("import")
            .env("DISPLAY", &self.display)
            .args(["-window", "root", "-crop", "360x780+0+0", "+repage"])
            .arg(&path)
            .status()?;
        anyhow::ensure!(status.success(), "import failed for {name}");
        let picture = image::open(&path)?.to_luma8();
        anyhow::ensure!(picture.dimensions() == (360, 780), "{name}: {:?}", picture.dimensions());
        let (min, max) = picture.pixels().fold((255u8, 0u8), |(lo, hi), p| (lo.min(p.0[0]), hi.max(p.0[0])));
        anyhow::ensure!(max - min > 100, "{name} is blank");
        Ok(())
    }
}

/// The app's own database, read beside it.
fn phone_store(data: &Path) -> anyhow::Result<Store> {
    Ok(Store::open(&data.join("fleet.sqlite"))?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_driver_signs_in_captures_offline_and_sees_the_expense_synced() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let address = server.base_url.trim_start_matches("http://").to_owned();
    let (_xvfb, display) = xvfb()?;
    let data = tempfile::tempdir()?;
    let photo = repo("../shared/fixtures/photos/jolla.jpg");
    let start_app = || -> anyhow::Result<Running> {
        Ok(Running(
            Command::new(app_binary()?)
                .env("DISPLAY", &display)
                .env("FLEET_DATA_DIR", data.path())
                .env("FLEET_CAMERA_FILE", &photo)
                .env("FLEET_GPX_FILE", repo("../shared/fixtures/gps/Mojstrovka.gpx"))
                .env("FLEET_GPX_SPEED", "30")
                .env("NO_AT_BRIDGE", "1")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()?,
        ))
    };
    let app = start_app()?;
    let window_open = || {
        wait_for(Duration::from_secs(60), || {
            let found = Command::new("xdotool")
                .env("DISPLAY", &display)
                .args(["search", "--name", "Fleet Operations"])
                .output()?;
            Ok(found.status.success())
        })
    };
    let hand = Hand { display: display.clone() };
    wait_for(Duration::from_secs(60), || {
        let found =
            Command::new("xdotool").env("DISPLAY", &display).args(["search", "--name", "Fleet Operations"]).output()?;
        Ok(found.status.success())
    })?;
    std::thread::sleep(Duration::from_secs(2));
    hand.screenshot("sign-in")?;

    // Sign in.
    hand.tap(180, 117)?;
    hand.type_text(&server.base_url)?;
    hand.keys(&["Tab"])?;
    hand.type_text("driver@demo.test")?;
    hand.keys(&["Tab"])?;
    hand.type_text("demo-pass")?;
    hand.keys(&["Return"])?;
    wait_for(Duration::from_secs(30), || Ok(phone_store(data.path())?.last_success()?.is_some()))?;
    std::thread::sleep(Duration::from_secs(1));
    hand.screenshot("home")?;

    // New expense: campaign, amount, description, bill photo.
    hand.tap(180, 156)?;
    std::thread::sleep(Duration::from_secs(1));
    hand.tap(180, 415)?;
    hand.keys(&["shift+Tab", "shift+Tab", "Down"])?;
    hand.tap(180, 415)?;
    hand.type_text("450.00")?;
    hand.tap(180, 530)?;
    hand.type_text("Toll, NH-48")?;
    hand.tap(180, 651)?;
    wait_for(Duration::from_secs(30), || Ok(!phone_store(data.path())?.photos_to_upload()?.is_empty()))?;
    std::thread::sleep(Duration::from_secs(1));
    hand.screenshot("expense-form")?;

    // The server goes away; the expense is saved on the phone and waits.
    server.kill().await;
    hand.tap(180, 415)?;
    hand.keys(&["Return"])?;
    wait_for(Duration::from_secs(20), || Ok(phone_store(data.path())?.captures(PushTable::Expenses)?.len() == 1))?;
    let waiting = phone_store(data.path())?.captures(PushTable::Expenses)?;
    assert_eq!(waiting[0].state, CaptureState::Waiting);
    assert_eq!(waiting[0].data["amount"], "450.00");
    assert_eq!(waiting[0].data["description"], "Toll, NH-48");
    std::thread::sleep(Duration::from_secs(10));
    hand.screenshot("home-offline")?;

    // The server is back; "Sync now".
    let restarted = TestServer::start_on(&db, &address).await?;
    hand.tap(300, 36)?;
    wait_for(Duration::from_secs(60), || {
        let store = phone_store(data.path())?;
        let synced = store.captures(PushTable::Expenses)?.first().is_some_and(|c| c.state == CaptureState::Synced);
        Ok(synced && store.photos_to_upload()?.is_empty())
    })?;
    std::thread::sleep(Duration::from_secs(1));
    hand.screenshot("home-synced")?;
    let (amount, bill): (String, String) = sqlx::query_as(
        "SELECT CAST(amount AS CHAR), bill_image FROM expenses WHERE created_by_id IS NOT NULL AND description = 'Toll, NH-48'",
    )
    .fetch_one(&db.pool)
    .await?;
    assert_eq!(amount, "450.00");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM media_objects WHERE CONCAT('media:', sha256) = ?")
        .bind(&bill)
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(stored, 1, "the bill photo reached the server");

    // A trip, replayed from the GPX fixture.
    hand.tap(180, 222)?;
    std::thread::sleep(Duration::from_secs(1));
    hand.tap(180, 198)?;
    std::thread::sleep(Duration::from_secs(4));
    hand.screenshot("trip")?;

    // The app started again with no server: it opens at home, and a capture is still saved.
    drop(app);
    restarted.stop().await?;
    let _app = start_app()?;
    window_open()?;
    std::thread::sleep(Duration::from_secs(3));
    hand.screenshot("home-started-offline")?;
    hand.tap(180, 156)?;
    std::thread::sleep(Duration::from_secs(1));
    hand.tap(180, 415)?;
    hand.keys(&["shift+Tab", "shift+Tab", "Down"])?;
    hand.tap(180, 415)?;
    hand.type_text("80.00")?;
    hand.keys(&["Return"])?;
    wait_for(Duration::from_secs(20), || Ok(phone_store(data.path())?.captures(PushTable::Expenses)?.len() == 2))?;
    let newest = phone_store(data.path())?.captures(PushTable::Expenses)?;
    assert_eq!((newest[0].state, newest[0].data["amount"].as_str()), (CaptureState::Waiting, Some("80.00")));
    assert_eq!(newest[1].state, CaptureState::Synced, "the synced one stays synced");
    Ok(())
}
