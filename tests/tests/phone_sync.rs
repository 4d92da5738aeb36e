//! The real phone sync engine against the real server on MariaDB, over real HTTP: offline
//! captures, several phones and a manager converging, conflicts, refusals, cut uploads, a server
//! killed mid-push, and a phone whose clock is wrong.

use std::str::FromStr;
use std::sync::Arc;

use chrono::{Duration, Utc};
use fleet_tests::phone::Phone;
use fleet_tests::proxy::{Fault, FaultProxy};
use fleet_tests::{TestServer, demo};
use mobile::Error;
use mobile::store::CaptureState;
use mobile::sync::{Activity, Stage};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Digest;
use shared_model::Money;
use shared_model::protocol::{PullTable, PushTable};
use shared_model::tables::{ActivityCapture, ExpenseCapture};

fn fuel(amount: &str, note: &str) -> anyhow::Result<ExpenseCapture> {
    Ok(ExpenseCapture {
        campaign_id: 1,
        expense_type: "fuel".into(),
        amount: Money::from_str(amount)?,
        submitted_date: Utc::now().date_naive(),
        description: Some(note.into()),
        bill_image: None,
    })
}

async fn token(server: &TestServer, email: &str) -> anyhow::Result<String> {
    Ok(server.login(email, "demo-pass").await?.access_token)
}

/// The driver's expenses on the server, by uuid: (id, amount, description, status).
async fn server_expenses(server: &TestServer, email: &str) -> anyhow::Result<Vec<Value>> {
    let (status, body) = server.api(&token(server, email).await?, Method::GET, "/expenses?limit=1000", None).await?;
    anyhow::ensure!(status == 200, "{body}");
    Ok(body["items"].as_array().or_else(|| body.as_array()).cloned().unwrap_or_default())
}

#[tokio::test]
async fn a_hundred_captures_made_offline_reach_the_server_once_each() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let phone = Phone::signed_in(&server.base_url, "driver@demo.test").await?;
    phone.point_at("http://127.0.0.1:9")?;
    let mut made = Vec::new();
    for n in 0..100 {
        made.push(phone.store.save_expense(None, &fuel(&format!("{}.50", 100 + n), &format!("bill {n}"))?)?);
    }
    let offline = phone.engine.sync_now().await;
    assert!(matches!(offline, Err(Error::Offline(_))), "{offline:?}");
    assert_eq!(phone.engine.status().borrow().activity, Activity::Offline);
    assert_eq!(phone.engine.status().borrow().waiting_records, 100);

    phone.point_at(&server.base_url)?;
    let report = phone.engine.sync_now().await?;
    assert_eq!(report.pushed, 100);
    let on_server: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM expenses WHERE created_by_id IS NOT NULL").fetch_one(&db.pool).await?;
    assert_eq!(on_server, 100);
    for uuid in made {
        let local = phone.store.capture(uuid)?.ok_or_else(|| anyhow::anyhow!("capture {uuid} gone"))?;
        assert_eq!(local.state, CaptureState::Synced);
        let id: i64 =
            sqlx::query_scalar("SELECT id FROM expenses WHERE uuid = ?").bind(uuid).fetch_one(&db.pool).await?;
        assert_eq!(local.server_id, Some(id));
    }
    let status = phone.engine.status().borrow().clone();
    assert_eq!((status.activity, status.waiting_records), (Activity::Idle, 0));
    assert!(status.last_success.is_some());
    // The office sees when this phone last pushed and pulled.
    let (pushed, pulled): (Option<chrono::DateTime<Utc>>, Option<chrono::DateTime<Utc>>) =
        sqlx::query_as("SELECT last_push_at, last_pull_at FROM devices WHERE device_id = ?")
            .bind(phone.store.device_id())
            .fetch_one(&db.pool)
            .await?;
    assert!(pushed.is_some() && pulled.is_some(), "push {pushed:?}, pull {pulled:?}");
    Ok(())
}

#[tokio::test]
async fn two_phones_and_a_manager_converge() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let driver = Phone::signed_in(&server.base_url, "driver@demo.test").await?;
    let promoter = Phone::signed_in(&server.base_url, "promoter@demo.test").await?;
    let expense = driver.store.save_expense(None, &fuel("2450.00", "Diesel, NH-48")?)?;
    let activity = promoter.store.save_activity(
        None,
        &ActivityCapture {
            campaign_id: 1,
            village_name: "Hosahalli".into(),
            activity_date: Utc::now().date_naive(),
            people_attended: Some(120),
            activity_count: Some(3),
            before_image: None,
            during_image: None,
            after_image: None,
            specialty: None,
            language: Some("Kannada".into()),
            remarks: None,
        },
    )?;
    driver.engine.sync_now().await?;
    promoter.engine.sync_now().await?;

    let id = driver.store.capture(expense)?.and_then(|c| c.server_id).ok_or_else(|| anyhow::anyhow!("no id"))?;
    let ops = token(&server, "operations_manager@demo.test").await?;
    let (status, body) = server.api(&ops, Method::POST, &format!("/expenses/{id}/approve"), None).await?;
    assert_eq!(status, 200, "{body}");
    driver.engine.sync_now().await?;
    promoter.engine.sync_now().await?;

    let local = driver.store.capture(expense)?.ok_or_else(|| anyhow::anyhow!("expense gone"))?;
    assert_eq!(local.review("status"), Some("approved"), "the approval reached the driver's phone");
    let edit = driver.store.save_expense(Some(expense), &fuel("2500.00", "Diesel, NH-48")?);
    assert!(matches!(&edit, Err(e) if e.code() == "expense_locked"), "{edit:?}");
    let local_activity = promoter.store.capture(activity)?.ok_or_else(|| anyhow::anyhow!("activity gone"))?;
    assert_eq!(local_activity.state, CaptureState::Synced);
    assert!(local_activity.server_id.is_some());
    assert!(promoter.store.captures(PushTable::Expenses)?.is_empty(), "a promoter holds no expenses");
    assert!(driver.store.captures(PushTable::PromoterActivities)?.is_empty(), "a driver holds no activities");
    assert!(!driver.store.server_rows(PullTable::Campaigns)?.is_empty(), "the driver received its campaigns");

    // Each phone's expenses equal the server's for its user.
    let on_server = server_expenses(&server, "driver@demo.test").await?;
    let mine = driver.store.captures(PushTable::Expenses)?;
    assert_eq!(mine.len(), on_server.len());
    for row in &on_server {
        let local = mine.iter().find(|c| Some(c.uuid.to_string().as_str()) == row["uuid"].as_str());
        let local = local.ok_or_else(|| anyhow::anyhow!("server row {row} not on the phone"))?;
        assert_eq!(local.data["amount"], row["amount"]);
        assert_eq!(local.review("status"), row["status"].as_str());
    }
    Ok(())
}

#[tokio::test]
async fn an_older_edit_is_superseded_and_the_phone_takes_the_server_version() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let first = Phone::signed_in(&server.base_url, "driver@demo.test").await?;
    let uuid = first.store.save_expense(None, &fuel("100.00", "toll")?)?;
    first.engine.sync_now().await?;
    let second = Phone::signed_in(&server.base_url, "driver@demo.test").await?;
    second.engine.sync_now().await?;
    assert!(second.store.capture(uuid)?.is_some(), "the driver's second phone received the expense");

    first.store.save_expense(Some(uuid), &fuel("111.00", "older edit")?)?;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    second.store.save_expense(Some(uuid), &fuel("222.00", "later edit")?)?;
    second.engine.sync_now().await?;
    first.engine.sync_now().await?;

    let local = first.store.capture(uuid)?.ok_or_else(|| anyhow::anyhow!("gone"))?;
    assert_eq!(local.state, CaptureState::Synced);
    assert_eq!(local.data["amount"], "222.00", "the first phone took the later version");
    assert_eq!(local.data["description"], "later edit");
    Ok(())
}

#[tokio::test]
async fn an_edit_of_an_approved_expense_is_refused_kept_and_not_resent() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let phone = Phone::signed_in(&server.base_url, "driver@demo.test").await?;
    let uuid = phone.store.save_expense(None, &fuel("300.00", "food")?)?;
    phone.engine.sync_now().await?;
    let id = phone.store.capture(uuid)?.and_then(|c| c.server_id).ok_or_else(|| anyhow::anyhow!("no id"))?;
    let ops = token(&server, "operations_manager@demo.test").await?;
    assert_eq!(server.api(&ops, Method::POST, &format!("/expenses/{id}/approve"), None).await?.0, 200);

    // The phone has not heard of the approval yet, so its form lets the edit through.
    phone.store.save_expense(Some(uuid), &fuel("350.00", "food, corrected")?)?;
    phone.engine.sync_now().await?;
    let local = phone.store.capture(uuid)?.ok_or_else(|| anyhow::anyhow!("gone"))?;
    assert_eq!(local.state, CaptureState::Rejected);
    assert_eq!(local.error.as_ref().map(|e| e.code.as_str()), Some("expense_locked"));
    assert!(local.error.as_ref().is_some_and(|e| e.message.contains("approved")), "{:?}", local.error);
    assert_eq!(local.data["amount"], "350.00", "the driver's edit stays on the phone");
    assert_eq!(local.review("status"), Some("approved"));

    let report = phone.engine.sync_now().await?;
    assert_eq!(report.pushed, 0, "a refused edit is not resent unchanged");
    let logged: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sync_conflicts WHERE row_uuid = ? AND reason = 'rejected'")
            .bind(uuid)
            .fetch_one(&db.pool)
            .await?;
    assert_eq!(logged, 1);
    Ok(())
}

#[tokio::test]
async fn a_photo_upload_cut_in_the_middle_resumes_where_the_server_stopped() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let proxy = FaultProxy::start(&server.base_url).await?;
    let phone = Phone::signed_in(&proxy.base_url, "driver@demo.test").await?;
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/photos/jolla.jpg");
    let photo = mobile::media::process_photo(std::path::Path::new(source), &phone.dir().join("photos"))?;
    phone.store.add_photo(&photo)?;
    let (sha, bytes) = (photo.sha256.clone(), std::fs::read(&photo.path)?);
    let mut bill = fuel("450.00", "toll with bill")?;
    bill.bill_image = Some(format!("media:{sha}"));
    phone.store.save_expense(None, &bill)?;

    // The record goes first (a few KB); the photo's upload (about 300 KB after the pipeline) dies
    // after 150 KB in all, and the engine carries on from the server's offset.
    proxy.inject(Fault::CutUploadAfter(150_000));
    let before = proxy.bytes_up();
    let outcome = phone.engine.sync_now().await;
    let sent = proxy.bytes_up() - before;
    assert!(
        sent < bytes.len() as u64 + 100_000,
        "{sent} bytes sent for a {} byte photo: each byte at most once more",
        bytes.len()
    );
    assert!(outcome.is_ok(), "the engine resumes a cut upload: {outcome:?}");
    assert_eq!(proxy.faults_injected(), 1, "the upload was cut");
    let photo = phone.store.photo(&sha)?.ok_or_else(|| anyhow::anyhow!("photo gone"))?;
    assert_eq!(photo.state, "uploaded", "{:?}", photo.error);
    assert_eq!(phone.engine.status().borrow().waiting_photos, 0);
    let driver = token(&server, "driver@demo.test").await?;
    let status = reqwest::Client::new()
        .get(server.url(&format!("/api/v1/media/{sha}/status")))
        .bearer_auth(&driver)
        .header("X-Sync-Protocol", "1")
        .send()
        .await?
        .json::<Value>()
        .await?;
    assert_eq!(status, json!({"state": "complete", "received": bytes.len()}));
    let served = reqwest::Client::new()
        .get(server.url(&format!("/api/v1/media/{sha}")))
        .bearer_auth(&driver)
        .send()
        .await?
        .bytes()
        .await?;
    assert_eq!(hex::encode(sha2::Sha256::digest(&served)), sha, "the server holds the very same bytes");
    Ok(())
}

#[tokio::test]
async fn a_lost_answer_and_a_server_killed_mid_push_lose_and_double_nothing() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let proxy = FaultProxy::start(&server.base_url).await?;
    let phone = Arc::new(Phone::signed_in(&proxy.base_url, "driver@demo.test").await?);
    for n in 0..30 {
        phone.store.save_expense(None, &fuel("10.00", &format!("batch one {n}"))?)?;
    }
    // The server stores the batch, and its answer is lost on the way back.
    proxy.inject(Fault::DropNextResponse);
    phone.engine.sync_now().await?;
    assert_eq!(proxy.faults_injected(), 1);

    // Six batches to push; the server process dies once the first has been answered.
    for n in 0..600 {
        phone.store.save_expense(None, &fuel("20.00", &format!("batch two {n}"))?)?;
    }
    let mut status = phone.engine.status();
    let syncing = tokio::spawn({
        let phone = Arc::clone(&phone);
        async move { phone.engine.sync_now().await }
    });
    status
        .wait_for(|s| matches!(s.activity, Activity::Syncing { stage: Stage::Pushing, done, .. } if done >= 100))
        .await?;
    let address = server.base_url.trim_start_matches("http://").to_owned();
    server.kill().await;
    let cut = syncing.await?;
    assert!(matches!(cut, Err(Error::Offline(_))), "{cut:?}");
    assert!(phone.engine.status().borrow().waiting_records > 0, "some captures still wait");
    let restarted = TestServer::start_on(&db, &address).await?;
    phone.engine.sync_now().await?;

    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT description, COUNT(*) FROM expenses WHERE created_by_id IS NOT NULL GROUP BY description",
    )
    .fetch_all(&db.pool)
    .await?;
    assert_eq!(rows.len(), 630, "every capture arrived");
    assert!(rows.iter().all(|(_, n)| *n == 1), "none twice: {:?}", rows.iter().find(|(_, n)| *n != 1));
    assert_eq!(phone.engine.status().borrow().waiting_records, 0);
    restarted.stop().await?;
    Ok(())
}

#[tokio::test]
async fn an_expired_cursor_starts_the_pull_again_and_keeps_unsynced_captures() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let phone = Phone::signed_in(&server.base_url, "driver@demo.test").await?;
    let synced = phone.store.save_expense(None, &fuel("10.00", "synced before the prune")?)?;
    phone.engine.sync_now().await?;
    let old_cursor = phone.store.cursor()?;

    // Office writes move the feed on; then the feed is pruned past the phone's cursor.
    let ops = token(&server, "operations_manager@demo.test").await?;
    let id = phone.store.capture(synced)?.and_then(|c| c.server_id).ok_or_else(|| anyhow::anyhow!("no id"))?;
    assert_eq!(server.api(&ops, Method::POST, &format!("/expenses/{id}/approve"), None).await?.0, 200);
    sqlx::query("UPDATE change_feed SET changed_at = changed_at - INTERVAL 90 DAY").execute(&db.pool).await?;
    assert!(sync_server::db::feed::prune(&db.pool, Utc::now() - Duration::days(60)).await? > 0);

    let waiting = phone.store.save_expense(None, &fuel("20.00", "made after the prune")?)?;
    phone.engine.sync_now().await?;
    assert_ne!(phone.store.cursor()?, old_cursor, "the phone started over with a new cursor");
    let waiting = phone.store.capture(waiting)?.ok_or_else(|| anyhow::anyhow!("the unsynced capture was lost"))?;
    assert_eq!(waiting.state, CaptureState::Synced);
    let synced = phone.store.capture(synced)?.ok_or_else(|| anyhow::anyhow!("gone"))?;
    assert_eq!(synced.review("status"), Some("approved"), "the first sync again brought the approval");
    Ok(())
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_and_a_revoked_session_says_sign_in() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let phone = Phone::signed_in(&server.base_url, "driver@demo.test").await?;
    let mut session = phone.store.session()?.ok_or_else(|| anyhow::anyhow!("not signed in"))?;
    let first_refresh = session.refresh_token.clone();
    session.access_expires_at = Utc::now() - Duration::minutes(1);
    phone.store.set_session(&session)?;
    phone.store.save_expense(None, &fuel("10.00", "after the token expired")?)?;
    phone.engine.sync_now().await?;
    let refreshed = phone.store.session()?.ok_or_else(|| anyhow::anyhow!("session gone"))?;
    assert_ne!(refreshed.refresh_token, first_refresh, "the session was refreshed");
    assert_eq!(phone.engine.status().borrow().waiting_records, 0);

    // The old refresh token used again ends the session: the phone asks to sign in, keeps data.
    let mut stale = refreshed.clone();
    stale.refresh_token = first_refresh;
    stale.access_expires_at = Utc::now() - Duration::minutes(1);
    phone.store.set_session(&stale)?;
    phone.store.save_expense(None, &fuel("11.00", "waits for a new sign-in")?)?;
    let outcome = phone.engine.sync_now().await;
    assert!(matches!(outcome, Err(Error::SignedOut)), "{outcome:?}");
    assert_eq!(phone.engine.status().borrow().activity, Activity::SignedOut);
    assert_eq!(phone.engine.status().borrow().waiting_records, 1, "nothing is lost");
    phone.engine.sign_in(&server.base_url, "driver@demo.test", "demo-pass").await?;
    phone.engine.sync_now().await?;
    assert_eq!(phone.engine.status().borrow().waiting_records, 0);
    Ok(())
}

#[tokio::test]
async fn syncs_asked_for_at_once_run_one_after_the_other() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let phone = Arc::new(Phone::signed_in(&server.base_url, "driver@demo.test").await?);
    for n in 0..250 {
        phone.store.save_expense(None, &fuel("5.00", &format!("bill {n}"))?)?;
    }
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let phone = Arc::clone(&phone);
            tokio::spawn(async move { phone.engine.sync_now().await })
        })
        .collect();
    let mut pushed = 0;
    for run in runs {
        pushed += run.await??.pushed;
    }
    assert_eq!(pushed, 250, "each mutation was pushed by exactly one of the syncs");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sync_mutations").fetch_one(&db.pool).await?;
    assert_eq!(count, 250);
    Ok(())
}

#[tokio::test]
async fn a_phone_a_day_fast_neither_wins_nor_loses_every_conflict() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let fast = Phone::with_clock(Arc::new(|| Utc::now() + Duration::days(1)))?;
    fast.engine.sign_in(&server.base_url, "driver@demo.test", "demo-pass").await?;
    // Its first capture is stamped a day ahead; the server clamps it to its own time.
    let uuid = fast.store.save_expense(None, &fuel("500.00", "from the fast phone")?)?;
    fast.engine.sync_now().await?;
    let stored: chrono::DateTime<Utc> =
        sqlx::query_scalar("SELECT updated_at FROM expenses WHERE uuid = ?").bind(uuid).fetch_one(&db.pool).await?;
    assert!(stored < Utc::now() + Duration::minutes(6), "clamped: {stored}");

    // A phone with a right clock edits later, and wins.
    let right = Phone::signed_in(&server.base_url, "driver@demo.test").await?;
    right.engine.sync_now().await?;
    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    right.store.save_expense(Some(uuid), &fuel("510.00", "corrected on the right phone")?)?;
    right.engine.sync_now().await?;
    let amount: String = sqlx::query_scalar("SELECT CAST(amount AS CHAR) FROM expenses WHERE uuid = ?")
        .bind(uuid)
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(amount, "510.00", "a later edit on a right clock beats the fast phone's earlier one");

    // The fast phone has learnt the offset: its next edit, made later still, wins in turn.
    fast.engine.sync_now().await?;
    assert!(fast.store.clock()?.offset_ms < -86_000_000, "offset learnt: {}", fast.store.clock()?.offset_ms);
    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    fast.store.save_expense(Some(uuid), &fuel("520.00", "the fast phone again")?)?;
    fast.engine.sync_now().await?;
    let amount: String = sqlx::query_scalar("SELECT CAST(amount AS CHAR) FROM expenses WHERE uuid = ?")
        .bind(uuid)
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(amount, "520.00");
    right.engine.sync_now().await?;
    let local = right.store.capture(uuid)?.ok_or_else(|| anyhow::anyhow!("gone"))?;
    assert_eq!(local.data["amount"], "520.00", "both phones converge");
    Ok(())
}

#[tokio::test]
async fn the_background_loop_syncs_on_start_and_when_asked() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let phone = Phone::signed_in(&server.base_url, "driver@demo.test").await?;
    phone.store.save_expense(None, &fuel("10.00", "before start")?)?;
    let mut status = phone.engine.status();
    let background = tokio::spawn(Arc::clone(&phone.engine).run(std::time::Duration::from_secs(3600)));
    status.wait_for(|s| s.waiting_records == 0 && s.last_success.is_some()).await?;

    phone.store.save_expense(None, &fuel("20.00", "after start")?)?;
    phone.engine.request_sync();
    let waited = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        loop {
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM expenses WHERE created_by_id IS NOT NULL")
                .fetch_one(&db.pool)
                .await?;
            if count == 2 {
                return anyhow::Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await;
    background.abort();
    assert!(matches!(waited, Ok(Ok(()))), "the capture made after start was synced on request: {waited:?}");
    Ok(())
}

#[tokio::test]
async fn a_trip_replayed_from_gpx_is_saved_as_a_report_the_server_measures_alike() -> anyhow::Result<()> {
    use mobile::gps::{TripEnd, TripRecorder, trip_report};
    use mobile::platform::{GpxReplay, Location};

    let (db, server) = demo().await?;
    let phone = Phone::signed_in(&server.base_url, "driver@demo.test").await?;
    let gpx = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/gps/Mojstrovka.gpx");
    let mut fixes = GpxReplay::new(gpx, 0.0).start()?;
    let mut recorder = TripRecorder::default();
    while let Some(fix) = fixes.recv().await {
        recorder.push(fix);
    }
    let end = TripEnd {
        campaign_id: 1,
        locations_covered: Some("Vršič pass".into()),
        notes: Some("no fuel stop".into()),
        photos: vec![],
    };
    let report = trip_report(&recorder, end)?;
    let uuid = phone.store.save_report(None, &report)?;
    phone.engine.sync_now().await?;

    let (km, points): (f64, i64) = sqlx::query_as(
        "SELECT km_travelled, JSON_LENGTH(gps_data, '$.geometry.coordinates') FROM reports WHERE uuid = ?",
    )
    .bind(uuid)
    .fetch_one(&db.pool)
    .await?;
    assert!((km - 2.70).abs() <= 0.027, "the server measured {km} km");
    assert!((km - recorder.km()).abs() < 0.001, "phone {} km, server {km} km", recorder.km());
    assert_eq!(points, i64::try_from(recorder.points().len())?);
    let local = phone.store.capture(uuid)?.ok_or_else(|| anyhow::anyhow!("report gone"))?;
    assert_eq!(local.state, CaptureState::Synced);
    Ok(())
}

#[tokio::test]
async fn a_file_the_server_refuses_as_no_image_is_marked_refused_and_not_sent_again() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let phone = Phone::signed_in(&server.base_url, "driver@demo.test").await?;
    let bytes = b"these bytes are not a photo".to_vec();
    let sha = hex::encode(sha2::Sha256::digest(&bytes));
    let path = phone.dir().join(format!("{sha}.jpg"));
    std::fs::write(&path, &bytes)?;
    let photo =
        mobile::media::ProcessedPhoto { path, sha256: sha.clone(), width: 1, height: 1, bytes: bytes.len() as u64 };
    phone.store.add_photo(&photo)?;
    let mut bill = fuel("120.00", "bill photo broken on the phone")?;
    bill.bill_image = Some(format!("media:{sha}"));
    phone.store.save_expense(None, &bill)?;

    phone.engine.sync_now().await?;
    let local = phone.store.photo(&sha)?.ok_or_else(|| anyhow::anyhow!("photo gone"))?;
    assert_eq!(local.state, "refused");
    assert_eq!(local.error.map(|e| e.code), Some("not_an_image".to_owned()));
    assert!(phone.store.photos_to_upload()?.is_empty(), "a refused photo is not sent again");
    assert_eq!(phone.store.waiting()?, (0, 0));
    Ok(())
}
