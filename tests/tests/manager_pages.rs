//! The manager web pages in a real browser (headless Chromium driven by Playwright, the suite in
//! `tests/web/`) against the real server on a fresh demo database, filled with field data the way
//! it arrives in production: real phones capture expenses, activities and a GPS trip with photos
//! and sync them over HTTP. The browser signs in as each kind of manager, a vendor and a client,
//! walks their pages, approves and rejects expenses; this test then checks the decisions in the
//! database and on the driver's phone.
//!
//! The browser suite reads what it needs (the address, the ids, what the pages should show) from a
//! JSON file named by `FLEET_WEB_FIXTURE`. Screenshots go to a temporary folder, to
//! `docs/screenshots/` with `FLEET_SCREENSHOTS=1`, or to the folder `FLEET_SCREENSHOTS` names.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{NaiveDate, Utc};
use fleet_tests::phone::Phone;
use fleet_tests::{TestDb, TestServer, demo};
use mobile::gps::{TripEnd, TripRecorder, trip_report};
use mobile::platform::{GpxReplay, Location};
use reqwest::Method;
use serde_json::{Value, json};
use shared_model::Money;
use shared_model::tables::{ActivityCapture, ExpenseCapture};
use uuid::Uuid;

/// The note the browser types when it rejects an expense.
const REJECT_NOTE: &str = "Bill photo does not match the amount";
/// A village name a promoter typed as markup: the pages must show it as text.
const ESCAPED_VILLAGE: &str = "<script>alert(1)</script>";
/// The amount of a driver's edit of an expense already approved: refused, kept as a conflict.
const REFUSED_EDIT: &str = "275.00";
/// The amount of a driver's edit made before another phone's later one: superseded, kept.
const OLDER_EDIT: &str = "96.00";

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn shared(path: &str) -> PathBuf {
    repo(&format!("../shared/{path}"))
}

/// A fixture photo through the phone's own pipeline, registered with its store: `media:<sha256>`.
fn photo(phone: &Phone, name: &str) -> anyhow::Result<String> {
    let source = shared(&format!("fixtures/photos/{name}"));
    let processed = mobile::media::process_photo(&source, &phone.dir().join("photos"))?;
    phone.store.add_photo(&processed)?;
    Ok(format!("media:{}", processed.sha256))
}

fn expense(
    campaign_id: i64,
    kind: &str,
    amount: &str,
    note: &str,
    bill: Option<String>,
) -> anyhow::Result<ExpenseCapture> {
    Ok(ExpenseCapture {
        campaign_id,
        expense_type: kind.into(),
        amount: Money::from_str(amount)?,
        submitted_date: Utc::now().date_naive(),
        description: Some(note.into()),
        bill_image: bill,
    })
}

fn activity(campaign_id: i64, village: &str, people: i64, remarks: Option<&str>) -> ActivityCapture {
    ActivityCapture {
        campaign_id,
        village_name: village.into(),
        activity_date: Utc::now().date_naive(),
        people_attended: Some(people),
        activity_count: Some(1),
        before_image: None,
        during_image: None,
        after_image: None,
        specialty: Some("Street play".into()),
        language: Some("Kannada".into()),
        remarks: remarks.map(Into::into),
    }
}

/// The server's id of a capture the phone has synced.
fn server_id(phone: &Phone, uuid: Uuid) -> anyhow::Result<i64> {
    phone.store.capture(uuid)?.and_then(|c| c.server_id).ok_or_else(|| anyhow::anyhow!("{uuid} has no server id"))
}

async fn id_by_name(db: &TestDb, table: &str, name: &str) -> anyhow::Result<i64> {
    let sql = format!("SELECT id FROM {table} WHERE name = ?");
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(name).fetch_one(&db.pool).await?)
}

async fn strings(db: &TestDb, sql: &'static str, id: i64) -> anyhow::Result<Vec<String>> {
    Ok(sqlx::query_scalar(sql).bind(id).fetch_all(&db.pool).await?)
}

/// An expense's amount on the server, as the pages write it without currency: `250.00`.
async fn amount_of(db: &TestDb, id: i64) -> anyhow::Result<String> {
    Ok(sqlx::query_scalar("SELECT CAST(amount AS CHAR) FROM expenses WHERE id = ?")
        .bind(id)
        .fetch_one(&db.pool)
        .await?)
}

/// A count (or sum).
async fn total(db: &TestDb, sql: &'static str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(sql).fetch_one(&db.pool).await?)
}

/// A count (or sum) whose query takes one parameter.
async fn count<T>(db: &TestDb, sql: &'static str, parameter: T) -> anyhow::Result<i64>
where
    T: for<'q> sqlx::Encode<'q, sqlx::MySql> + sqlx::Type<sqlx::MySql> + Send,
{
    Ok(sqlx::query_scalar(sql).bind(parameter).fetch_one(&db.pool).await?)
}

/// What the field sent, by the server ids the browser suite needs.
struct FieldData {
    /// A pending expense of driver@ with a bill photo, approved in the browser; and its uuid.
    approve: (i64, Uuid),
    /// Another pending expense of driver@, rejected in the browser.
    reject: i64,
    /// A pending expense of driver2@ the browser tries to approve without a CSRF token.
    untouched: i64,
    escaped_activity: i64,
    photo_activity: i64,
    report: i64,
    /// The expense whose edit was refused (it was approved), and the one whose edit was superseded.
    refused_edit_of: i64,
    older_edit_of: i64,
}

/// driver@ captures three expenses (two with bill photos) and a trip replayed from the GPX
/// fixture, and syncs: the uuids of the expense to approve, the one to reject, and the report.
async fn driver_captures(driver: &Phone, campaign: i64) -> anyhow::Result<(Uuid, Uuid, Uuid)> {
    let approve = driver.store.save_expense(
        None,
        &expense(campaign, "fuel", "2450.00", "Diesel, NH-275", Some(photo(driver, "landscape_1.jpg")?))?,
    )?;
    let reject = driver.store.save_expense(
        None,
        &expense(campaign, "toll", "180.00", "Toll, Srirangapatna", Some(photo(driver, "landscape_2.jpg")?))?,
    )?;
    driver.store.save_expense(None, &expense(campaign, "food", "320.00", "Crew lunch, Maddur", None)?)?;
    let mut recorder = TripRecorder::default();
    let mut fixes = GpxReplay::new(shared("fixtures/gps/Mojstrovka.gpx"), 0.0).start()?;
    while let Some(fix) = fixes.recv().await {
        recorder.push(fix);
    }
    let trip = TripEnd {
        campaign_id: campaign,
        locations_covered: Some("Vršič pass, Mandya".into()),
        notes: Some("No fuel stop on the pass".into()),
        photos: vec![photo(driver, "landscape_6.jpg")?],
    };
    let report = driver.store.save_report(None, &trip_report(&recorder, trip)?)?;
    driver.engine.sync_now().await?;
    Ok((approve, reject, report))
}

/// driver2@ captures three expenses on one phone and syncs; the office approves one; the driver's
/// second phone syncs and edits another after the first phone did, while the first phone, not yet
/// told of the approval, edits the approved one: one edit refused, one superseded. The ids of the
/// expense left alone, the approved one and the one edited twice.
async fn driver2_conflicts(server: &TestServer, campaign: i64) -> anyhow::Result<(i64, i64, i64)> {
    let first = Phone::signed_in(&server.base_url, "driver2@demo.test").await?;
    let untouched = first.store.save_expense(
        None,
        &expense(campaign, "fuel", "1800.00", "Diesel, Malavalli", Some(photo(&first, "DSCN0010.jpg")?))?,
    )?;
    let toll = first.store.save_expense(None, &expense(campaign, "toll", "95.00", "Toll, Maddur", None)?)?;
    let food = first.store.save_expense(None, &expense(campaign, "food", "250.00", "Crew dinner", None)?)?;
    first.engine.sync_now().await?;
    let food_id = server_id(&first, food)?;
    let ops = server.login("operations_manager@demo.test", "demo-pass").await?.access_token;
    let (status, body) = server.api(&ops, Method::POST, &format!("/expenses/{food_id}/approve"), None).await?;
    anyhow::ensure!(status == 200, "approving {food_id}: {status} {body}");

    let second = Phone::signed_in(&server.base_url, "driver2@demo.test").await?;
    second.engine.sync_now().await?;
    first.store.save_expense(Some(food), &expense(campaign, "food", REFUSED_EDIT, "Crew dinner, corrected", None)?)?;
    first.store.save_expense(Some(toll), &expense(campaign, "toll", OLDER_EDIT, "Toll, older edit", None)?)?;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    second.store.save_expense(Some(toll), &expense(campaign, "toll", "97.00", "Toll, later edit", None)?)?;
    second.engine.sync_now().await?;
    first.engine.sync_now().await?;
    Ok((server_id(&first, untouched)?, food_id, server_id(&first, toll)?))
}

/// promoter@ logs two activities, one with before, during and after photos and one whose village
/// and remarks are markup, and syncs: their ids.
async fn promoter_captures(server: &TestServer, campaign: i64) -> anyhow::Result<(i64, i64)> {
    let promoter = Phone::signed_in(&server.base_url, "promoter@demo.test").await?;
    let mut with_photos = activity(campaign, "Hosahalli", 120, Some("Good turnout"));
    with_photos.before_image = Some(photo(&promoter, "landscape_3.jpg")?);
    with_photos.during_image = Some(photo(&promoter, "landscape_4.jpg")?);
    with_photos.after_image = Some(photo(&promoter, "landscape_5.jpg")?);
    let with_photos = promoter.store.save_activity(None, &with_photos)?;
    let mut escaped = activity(campaign, ESCAPED_VILLAGE, 45, Some("<b>bold</b> claims & \"quotes\""));
    escaped.during_image = Some(photo(&promoter, "landscape_7.jpg")?);
    let escaped = promoter.store.save_activity(None, &escaped)?;
    promoter.engine.sync_now().await?;
    Ok((server_id(&promoter, with_photos)?, server_id(&promoter, escaped)?))
}

/// promoter2@ logs an activity on another client's campaign and syncs; then its phone falls
/// silent: its device's last contact is moved two days back.
async fn a_phone_silent_for_two_days(db: &TestDb, server: &TestServer) -> anyhow::Result<()> {
    let quiet = Phone::signed_in(&server.base_url, "promoter2@demo.test").await?;
    let milk = id_by_name(db, "campaigns", "Milk Quality Village Camps").await?;
    quiet.store.save_activity(None, &activity(milk, "Hunsur", 60, None))?;
    quiet.engine.sync_now().await?;
    sqlx::query(
        "UPDATE devices SET first_seen_at = first_seen_at - INTERVAL 3 DAY, last_seen_at = UTC_TIMESTAMP(6) - INTERVAL 2 DAY,
         last_push_at = UTC_TIMESTAMP(6) - INTERVAL 2 DAY, last_pull_at = UTC_TIMESTAMP(6) - INTERVAL 2 DAY
         WHERE device_id = ?",
    )
    .bind(quiet.store.device_id())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The field's work of the day, through real phones.
async fn capture_in_the_field(db: &TestDb, server: &TestServer, driver: &Phone) -> anyhow::Result<FieldData> {
    let campaign = id_by_name(db, "campaigns", "Mandya Seed Roadshow").await?;
    let (approve, reject, report) = driver_captures(driver, campaign).await?;
    let (untouched, refused_edit_of, older_edit_of) = driver2_conflicts(server, campaign).await?;
    let (photo_activity, escaped_activity) = promoter_captures(server, campaign).await?;
    a_phone_silent_for_two_days(db, server).await?;
    for reason in ["rejected", "superseded"] {
        let kept = count(db, "SELECT COUNT(*) FROM sync_conflicts WHERE reason = ?", reason).await?;
        anyhow::ensure!(kept == 1, "{kept} {reason} conflicts kept, 1 expected");
    }
    Ok(FieldData {
        approve: (server_id(driver, approve)?, approve),
        reject: server_id(driver, reject)?,
        untouched,
        escaped_activity,
        photo_activity,
        report: server_id(driver, report)?,
        refused_edit_of,
        older_edit_of,
    })
}

async fn user(db: &TestDb, role: &str) -> anyhow::Result<Value> {
    let email = format!("{role}@demo.test");
    let (id, name, kind): (i64, String, String) =
        sqlx::query_as("SELECT id, name, CAST(role AS CHAR) FROM users WHERE email = ?")
            .bind(&email)
            .fetch_one(&db.pool)
            .await?;
    Ok(json!({"id": id, "email": email, "name": name, "role": kind}))
}

/// What the overview should show: today's field work, running campaigns, the documents expiring
/// within 30 days and one that expires later, the field devices and the one gone silent.
async fn overview(db: &TestDb) -> anyhow::Result<Value> {
    let today = Utc::now().date_naive();
    let quiet: String = sqlx::query_scalar(
        "SELECT u.name FROM devices d JOIN users u ON u.id = d.user_id WHERE d.last_seen_at < UTC_TIMESTAMP(6) - INTERVAL 1 DAY",
    )
    .fetch_one(&db.pool)
    .await?;
    let within_30_days = today + chrono::Duration::days(30);
    let expiring_vehicles: Vec<String> = sqlx::query_scalar(
        "SELECT vehicle_number FROM vehicles WHERE is_active AND (rc_validity <= ? OR insurance_validity <= ? OR permit_validity <= ?)",
    )
    .bind(within_30_days)
    .bind(within_30_days)
    .bind(within_30_days)
    .fetch_all(&db.pool)
    .await?;
    let expiring_drivers: Vec<String> =
        sqlx::query_scalar("SELECT name FROM drivers WHERE is_active AND license_validity <= ?")
            .bind(within_30_days)
            .fetch_all(&db.pool)
            .await?;
    let expiring = [expiring_vehicles, expiring_drivers].concat();
    let lasting: String = sqlx::query_scalar(
        "SELECT vehicle_number FROM vehicles WHERE rc_validity > ? AND insurance_validity > ? AND permit_validity > ? LIMIT 1",
    )
    .bind(within_30_days)
    .bind(within_30_days)
    .bind(within_30_days)
    .fetch_one(&db.pool)
    .await?;

    Ok(json!({
        "activitiesToday": count(db, "SELECT COUNT(*) FROM promoter_activities WHERE activity_date = ?", today).await?,
        "peopleToday": count(db, "SELECT CAST(COALESCE(SUM(people_attended), 0) AS SIGNED) FROM promoter_activities WHERE activity_date = ?", today).await?,
        "runningCampaigns": count(db, "SELECT COUNT(*) FROM campaigns WHERE is_active AND status = ?", "running").await?,
        "fieldDevices": total(db, "SELECT COUNT(*) FROM devices d JOIN users u ON u.id = d.user_id WHERE u.role IN ('driver', 'promoter', 'anchor')").await?,
        "quietUser": quiet,
        "expiring": expiring,
        "notExpiring": lasting,
    }))
}

/// Everything the browser suite asserts, read from the database the pages read.
async fn fixture(db: &TestDb, server: &TestServer, field: &FieldData, screenshots: &Path) -> anyhow::Result<Value> {
    let mut users = serde_json::Map::new();
    for role in [
        "admin",
        "operations_manager",
        "accounts",
        "client_servicing",
        "sales",
        "purchase",
        "operator",
        "vehicle_manager",
        "godown_manager",
        "vendor",
        "vendor2",
        "client",
        "client2",
        "driver",
        "driver2",
        "promoter",
        "anchor",
    ] {
        users.insert(role.to_owned(), user(db, role).await?);
    }
    let vendor = id_by_name(db, "vendors", "Shree Balaji Travels").await?;
    let vendor2 = id_by_name(db, "vendors", "Nandi Fleet Services").await?;
    let driver2 = id_by_name(db, "drivers", "Prakash Naik").await?;
    let shared_campaign = id_by_name(db, "campaigns", "Mandya Seed Roadshow").await?;
    let (campaign_name, budget): (String, String) =
        sqlx::query_as("SELECT name, CAST(CAST(budget AS SIGNED) AS CHAR) FROM campaigns WHERE id = ?")
            .bind(shared_campaign)
            .fetch_one(&db.pool)
            .await?;
    let not_vendors: i64 = sqlx::query_scalar(
        "SELECT c.id FROM campaigns c WHERE EXISTS (SELECT 1 FROM invoices i WHERE i.campaign_id = c.id AND i.vendor_id = ?)
         AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.campaign_id = c.id AND i.vendor_id = ?) ORDER BY c.id LIMIT 1",
    )
    .bind(vendor2)
    .bind(vendor)
    .fetch_one(&db.pool)
    .await?;
    let (km, locations, notes): (f64, String, String) =
        sqlx::query_as("SELECT km_travelled, locations_covered, notes FROM reports WHERE id = ?")
            .bind(field.report)
            .fetch_one(&db.pool)
            .await?;
    let (bill,): (String,) = sqlx::query_as("SELECT bill_image FROM expenses WHERE id = ?")
        .bind(field.approve.0)
        .fetch_one(&db.pool)
        .await?;
    let (village, people, before): (String, i64, String) = sqlx::query_as(
        "SELECT village_name, CAST(people_attended AS SIGNED), before_image FROM promoter_activities WHERE id = ?",
    )
    .bind(field.photo_activity)
    .fetch_one(&db.pool)
    .await?;
    let of_client: Vec<i64> = sqlx::query_scalar(
        "SELECT a.id FROM promoter_activities a JOIN campaigns c ON c.id = a.campaign_id
         JOIN projects p ON p.id = c.project_id JOIN users u ON u.client_id = p.client_id WHERE u.email = ?",
    )
    .bind("client@demo.test")
    .fetch_all(&db.pool)
    .await?;
    Ok(json!({
        "baseUrl": server.base_url,
        "today": Utc::now().date_naive(),
        "password": sync_server::demo::DEMO_PASSWORD,
        "chromium": chromium()?,
        "screenshots": screenshots,
        "users": users,
        "expenses": {
            "approve": {
                "id": field.approve.0,
                "uuid": field.approve.1.to_string(),
                "amount": amount_of(db, field.approve.0).await?,
            },
            "reject": {"id": field.reject, "note": REJECT_NOTE},
            "untouched": {"id": field.untouched},
            "pending": count(db, "SELECT COUNT(*) FROM expenses WHERE status = ?", "pending").await?,
            "total": total(db, "SELECT COUNT(*) FROM expenses").await?,
            "driver2": {
                "driverId": driver2,
                "name": users["driver2"]["name"],
                "count": count(db, "SELECT COUNT(*) FROM expenses WHERE driver_id = ?", driver2).await?,
            },
        },
        "activities": {
            "escaped": {"id": field.escaped_activity, "campaignId": shared_campaign, "village": ESCAPED_VILLAGE},
            "withPhotos": {"id": field.photo_activity, "campaignId": shared_campaign, "village": village, "people": people},
            "onCampaign": count(db, "SELECT COUNT(*) FROM promoter_activities WHERE campaign_id = ?", shared_campaign).await?,
            "ofClient": of_client,
        },
        "media": {"bill": media_sha(&bill)?, "activity": media_sha(&before)?},
        "report": {"id": field.report, "km": km, "locations": locations, "notes": notes},
        "campaigns": {
            "shared": {
                "id": shared_campaign,
                "name": campaign_name,
                "budget": budget,
                "vendors": strings(db, "SELECT DISTINCT v.name FROM vendors v JOIN invoices i ON i.vendor_id = v.id WHERE i.campaign_id = ?", shared_campaign).await?,
            },
            "notVendors": not_vendors,
        },
        "vendors": {
            "vendor": {
                "id": vendor,
                "vehicles": strings(db, "SELECT vehicle_number FROM vehicles WHERE vendor_id = ?", vendor).await?,
                "drivers": strings(db, "SELECT name FROM drivers WHERE vendor_id = ?", vendor).await?,
            },
            "vendor2": {
                "id": vendor2,
                "vehicles": strings(db, "SELECT vehicle_number FROM vehicles WHERE vendor_id = ?", vendor2).await?,
            },
        },
        "overview": overview(db).await?,
        "conflicts": {
            "refused": {"from": amount_of(db, field.refused_edit_of).await?, "to": REFUSED_EDIT},
            "older": {"from": amount_of(db, field.older_edit_of).await?, "to": OLDER_EDIT},
        },
    }))
}

/// The sha256 of a `media:<sha256>` reference.
fn media_sha(reference: &str) -> anyhow::Result<&str> {
    reference.strip_prefix("media:").ok_or_else(|| anyhow::anyhow!("{reference} is not a media reference"))
}

/// The browser: `FLEET_CHROMIUM`, else Debian's chromium.
fn chromium() -> anyhow::Result<PathBuf> {
    let path = std::env::var_os("FLEET_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    anyhow::ensure!(
        path.exists(),
        "{} is missing: run scripts/test (it installs Debian's chromium) or `apt-get install chromium`",
        path.display()
    );
    Ok(path)
}

/// Node, the suite's packages and the browser, or a message saying how to get them.
async fn browser_suite_ready() -> anyhow::Result<()> {
    let node = tokio::process::Command::new("node").arg("--version").output().await;
    anyhow::ensure!(
        node.is_ok_and(|o| o.status.success()),
        "node is not installed: the browser suite needs Node 20 or later; run scripts/test"
    );
    anyhow::ensure!(
        repo("tests/web/node_modules/playwright-core").exists(),
        "tests/web/node_modules is missing: run scripts/test or `npm ci --prefix tests/web`"
    );
    chromium()?;
    Ok(())
}

/// `node --test` over the suite's files, `tests/web/*.test.mjs` (named one by one, which every Node
/// version takes; newer ones read a folder argument as a glob), with the fixture file; its output
/// goes to the test's output.
async fn run_browser_suite(fixture: &Path) -> anyhow::Result<()> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(repo("tests/web"))?.map(|entry| entry.map(|e| e.path())).collect::<Result<_, _>>()?;
    files.retain(|path| path.to_string_lossy().ends_with(".test.mjs"));
    files.sort();
    anyhow::ensure!(!files.is_empty(), "no tests/web/*.test.mjs");
    let status = tokio::process::Command::new("node")
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .args(&files)
        .env("FLEET_WEB_FIXTURE", fixture)
        .status()
        .await?;
    anyhow::ensure!(status.success(), "the browser suite failed ({status}): see its output above");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managers_review_field_data_in_the_browser_and_the_phone_sees_the_decision() -> anyhow::Result<()> {
    browser_suite_ready().await?;
    let (db, server) = demo().await?;
    let driver = Phone::signed_in(&server.base_url, "driver@demo.test").await?;
    let field = capture_in_the_field(&db, &server, &driver).await?;
    let work = tempfile::tempdir()?;
    let screenshots = match std::env::var("FLEET_SCREENSHOTS") {
        Ok(value) if value == "1" => repo("docs/screenshots"),
        Ok(folder) if !folder.is_empty() => PathBuf::from(folder),
        _ => work.path().join("screenshots"),
    };
    std::fs::create_dir_all(&screenshots)?;
    let fixture_file = work.path().join("fixture.json");
    std::fs::write(&fixture_file, serde_json::to_vec_pretty(&fixture(&db, &server, &field, &screenshots).await?)?)?;

    run_browser_suite(&fixture_file).await?;

    let ops: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'operations_manager@demo.test'")
        .fetch_one(&db.pool)
        .await?;
    let (status, approved_date, reviewer): (String, Option<NaiveDate>, Option<i64>) =
        sqlx::query_as("SELECT CAST(status AS CHAR), approved_date, reviewed_by_id FROM expenses WHERE id = ?")
            .bind(field.approve.0)
            .fetch_one(&db.pool)
            .await?;
    assert_eq!(status, "approved", "the expense approved in the browser");
    assert_eq!(approved_date, Some(Utc::now().date_naive()));
    assert_eq!(reviewer, Some(ops), "reviewed by the operations manager who signed in");
    let (status, note): (String, Option<String>) =
        sqlx::query_as("SELECT CAST(status AS CHAR), review_note FROM expenses WHERE id = ?")
            .bind(field.reject)
            .fetch_one(&db.pool)
            .await?;
    assert_eq!((status.as_str(), note.as_deref()), ("rejected", Some(REJECT_NOTE)));
    let untouched: String = sqlx::query_scalar("SELECT CAST(status AS CHAR) FROM expenses WHERE id = ?")
        .bind(field.untouched)
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(untouched, "pending", "the review posted without its CSRF token changed nothing");

    driver.engine.sync_now().await?;
    let local = driver.store.capture(field.approve.1)?.ok_or_else(|| anyhow::anyhow!("the capture is gone"))?;
    assert_eq!(local.review("status"), Some("approved"), "the browser's approval reached the driver's phone");
    Ok(())
}
