//! Every screen rendered to HTML (dioxus-ssr) from a real store in each state a user meets:
//! empty, with captures waiting, with a refused and a rejected one, offline, in Hindi; the
//! assertions are on what the user reads.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use dioxus::prelude::*;
use mobile::platform::{DesktopDataDir, FileCamera, GpxReplay, Platform};
use mobile::store::{Session, Store};
use mobile::sync::{Engine, EngineConfig};
use mobile::ui::strings::Lang;
use mobile::ui::{AppContext, Screen, Screens, ScreensProps};
use shared_model::protocol::{Change, MutationResult, MutationStatus, Op, PullTable, SessionUser};
use shared_model::tables::ExpenseCapture;
use shared_model::{ErrorInfo, Money, Role};

struct Phone {
    dir: tempfile::TempDir,
    store: Arc<Store>,
    engine: Arc<Engine>,
}

fn phone() -> anyhow::Result<Phone> {
    let dir = tempfile::tempdir()?;
    let store = Arc::new(Store::open(&dir.path().join("fleet.sqlite"))?);
    let config = EngineConfig { attempts: 1, ..EngineConfig::default() };
    let engine = Arc::new(Engine::new(Arc::clone(&store), config));
    Ok(Phone { dir, store, engine })
}

fn sign_in(store: &Store, role: Role) -> anyhow::Result<()> {
    store.set_session(&Session {
        // Nothing listens here: the phone is offline.
        server: "http://127.0.0.1:9".into(),
        access_token: "a".into(),
        refresh_token: "r".into(),
        access_expires_at: Utc::now() + chrono::Duration::minutes(10),
        user: SessionUser {
            id: 7,
            name: "Ravi Kumar".into(),
            email: "driver@demo.test".into(),
            role,
            vendor_id: Some(1),
            driver_id: (role == Role::Driver).then_some(3),
            promoter_id: (role == Role::Promoter).then_some(2),
            client_id: None,
        },
    })?;
    let campaign = Change {
        table: PullTable::Campaigns,
        op: Op::Upsert,
        id: 1,
        uuid: None,
        row: Some(serde_json::json!({"id": 1, "name": "Summer Campaign", "status": "running"})),
    };
    store.apply_pull_page(&[campaign], "c1")?;
    Ok(())
}

fn fuel(amount: &str) -> anyhow::Result<ExpenseCapture> {
    Ok(ExpenseCapture {
        campaign_id: 1,
        expense_type: "fuel".into(),
        amount: Money::from_str(amount)?,
        submitted_date: Utc::now().date_naive(),
        description: Some("Diesel, NH-48".into()),
        bill_image: None,
    })
}

/// Renders the app opened at `start`, after its data has loaded.
async fn render(phone: &Phone, start: Screen, lang: Lang) -> anyhow::Result<String> {
    let platform = Arc::new(Platform::new(
        FileCamera::new(phone.dir.path().join("none.jpg")),
        GpxReplay::new(phone.dir.path().join("none.gpx"), 0.0),
        DesktopDataDir::new(Some(phone.dir.path().to_owned())),
    ));
    let context = AppContext {
        store: Arc::clone(&phone.store),
        engine: Arc::clone(&phone.engine),
        platform,
        photos_dir: phone.dir.path().join("photos"),
        lang,
        sync_every: Duration::from_secs(3600),
        background_sync: false,
    };
    let mut dom = VirtualDom::new_with_props(Screens, ScreensProps { start }).with_root_context(context);
    dom.rebuild_in_place();
    // Lists load on a worker; let them arrive.
    for _ in 0..20 {
        if tokio::time::timeout(Duration::from_millis(50), dom.wait_for_work()).await.is_ok() {
            dom.render_immediate(&mut dioxus_core::NoOpMutations);
        }
    }
    Ok(dioxus_ssr::render(&dom))
}

#[tokio::test]
async fn sign_in_asks_for_server_email_and_password_with_fitting_keyboards() -> anyhow::Result<()> {
    let phone = phone()?;
    let html = render(&phone, Screen::SignIn, Lang::En).await?;
    for text in ["Server address", "Email", "Password", "Sign in"] {
        assert!(html.contains(text), "{text} missing: {html}");
    }
    assert!(html.contains(r#"type="email""#) && html.contains(r#"inputmode="email""#));
    assert!(html.contains(r#"type="password""#));
    assert!(!html.contains("Sync now"), "no sync bar before sign-in");
    Ok(())
}

#[tokio::test]
async fn an_empty_driver_home_offers_an_expense_and_a_trip() -> anyhow::Result<()> {
    let phone = phone()?;
    sign_in(&phone.store, Role::Driver)?;
    let html = render(&phone, Screen::Home, Lang::En).await?;
    for text in ["New expense", "Start trip", "My expenses", "My trips", "Nothing here yet.", "Sync now"] {
        assert!(html.contains(text), "{text} missing: {html}");
    }
    assert!(html.contains("0 records waiting"), "{html}");
    assert!(!html.contains("New activity"));
    Ok(())
}

#[tokio::test]
async fn waiting_captures_say_so_and_the_bar_counts_them() -> anyhow::Result<()> {
    let phone = phone()?;
    sign_in(&phone.store, Role::Driver)?;
    phone.store.save_expense(None, &fuel("2450.00")?)?;
    phone.store.save_expense(None, &fuel("120.00")?)?;
    let html = render(&phone, Screen::Home, Lang::En).await?;
    assert!(html.contains("₹ 2450.00 · Fuel"), "{html}");
    assert_eq!(html.matches("Waiting to sync").count(), 2, "{html}");
    assert!(html.contains("2 records waiting"), "{html}");
    Ok(())
}

#[tokio::test]
async fn refused_and_rejected_expenses_show_why() -> anyhow::Result<()> {
    let phone = phone()?;
    sign_in(&phone.store, Role::Driver)?;
    let refused = phone.store.save_expense(None, &fuel("300.00")?)?;
    let rejected = phone.store.save_expense(None, &fuel("400.00")?)?;
    let batch = phone.store.next_batch(10)?;
    let answer = |i: usize, status, error: Option<ErrorInfo>| MutationResult {
        mutation_id: batch[i].mutation_id,
        status,
        original_status: None,
        id: Some(10 + i as i64),
        row: None,
        error,
    };
    phone.store.apply_results(
        &batch,
        &[
            answer(
                0,
                MutationStatus::Rejected,
                Some(ErrorInfo::new("expense_locked", "This expense was already approved.")),
            ),
            answer(1, MutationStatus::Applied, None),
        ],
    )?;
    let office = Change {
        table: PullTable::Expenses,
        op: Op::Upsert,
        id: 11,
        uuid: Some(rejected),
        row: Some(
            serde_json::json!({"id": 11, "uuid": rejected, "campaign_id": 1, "expense_type": "fuel", "amount": "400.00",
            "submitted_date": Utc::now().date_naive(), "status": "rejected", "review_note": "No bill photo.",
            "updated_at": "2026-11-25T08:00:00.000Z", "is_active": true}),
        ),
    };
    phone.store.apply_pull_page(&[office], "c2")?;
    let html = render(&phone, Screen::Home, Lang::En).await?;
    assert!(html.contains("Not accepted") && html.contains("This expense was already approved."), "{html}");
    assert!(html.contains("Fix and send again"), "{html}");
    assert!(html.contains("Rejected") && html.contains("No bill photo."), "{html}");
    let _ = refused;

    let form = render(&phone, Screen::Expense(Some(refused)), Lang::En).await?;
    assert!(form.contains("Edit expense") && form.contains("This expense was already approved."), "{form}");
    assert!(form.contains(r#"value="300.00""#), "the driver's figures are in the form: {form}");
    Ok(())
}

#[tokio::test]
async fn offline_the_bar_says_everything_is_kept_on_the_phone() -> anyhow::Result<()> {
    let phone = phone()?;
    sign_in(&phone.store, Role::Driver)?;
    phone.store.save_expense(None, &fuel("50.00")?)?;
    let offline = phone.engine.sync_now().await;
    assert!(offline.is_err());
    let html = render(&phone, Screen::Home, Lang::En).await?;
    assert!(html.contains("Offline: everything is saved on this phone"), "{html}");
    assert!(html.contains("1 records waiting"), "{html}");
    assert!(html.contains("Last sync: never"), "{html}");
    Ok(())
}

#[tokio::test]
async fn the_expense_form_offers_synced_campaigns_and_a_decimal_keyboard() -> anyhow::Result<()> {
    let phone = phone()?;
    sign_in(&phone.store, Role::Driver)?;
    let html = render(&phone, Screen::Expense(None), Lang::En).await?;
    for text in [
        "New expense",
        "Campaign",
        "Summer Campaign",
        "Type",
        "Toll",
        "Amount (₹)",
        "Bill photo",
        "Take photo",
        "Date",
        "Save",
    ] {
        assert!(html.contains(text), "{text} missing: {html}");
    }
    assert!(html.contains(r#"inputmode="decimal""#), "{html}");
    Ok(())
}

#[tokio::test]
async fn a_promoter_sees_activities_and_their_form_has_three_photo_slots() -> anyhow::Result<()> {
    let phone = phone()?;
    sign_in(&phone.store, Role::Promoter)?;
    let home = render(&phone, Screen::Home, Lang::En).await?;
    assert!(home.contains("New activity") && home.contains("My activities"), "{home}");
    assert!(!home.contains("New expense"));
    let form = render(&phone, Screen::Activity(None), Lang::En).await?;
    for text in ["Village", "People attended", "Activities held", "Before", "During", "After", "Remarks"] {
        assert!(form.contains(text), "{text} missing: {form}");
    }
    assert_eq!(form.matches(r#"inputmode="numeric""#).count(), 2, "{form}");
    assert_eq!(form.matches("Take photo").count(), 3, "{form}");
    Ok(())
}

#[tokio::test]
async fn the_trip_screen_starts_a_trip() -> anyhow::Result<()> {
    let phone = phone()?;
    sign_in(&phone.store, Role::Driver)?;
    let html = render(&phone, Screen::Trip, Lang::En).await?;
    assert!(html.contains("Start trip") && html.contains("Back"), "{html}");
    Ok(())
}

#[tokio::test]
async fn the_screens_speak_hindi() -> anyhow::Result<()> {
    let phone = phone()?;
    sign_in(&phone.store, Role::Driver)?;
    let html = render(&phone, Screen::Home, Lang::Hi).await?;
    for text in ["नया खर्च", "यात्रा शुरू करें", "मेरे खर्च", "अभी सिंक करें"]
    {
        assert!(html.contains(text), "{text} missing: {html}");
    }
    assert!(!html.contains("New expense"));
    Ok(())
}
