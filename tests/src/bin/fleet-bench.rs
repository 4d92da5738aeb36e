//! `fleet-bench`: sync throughput against the database's own speed, measured in one run.
//!
//! Starts a release `fleet-server` (default settings) on a fresh database, then, in each of
//! [`ROUNDS`] rounds:
//! 1. 50 simulated devices push expenses over HTTP in batches of 100, all at once;
//! 2. the same number of rows go in by raw multi-row `INSERT ... ON DUPLICATE KEY UPDATE` from 50
//!    connections in batches of 100, into the same MariaDB;
//!
//! and prints the median records per second of each and their ratio (rounds alternate so that the
//! database's background work after one phase falls on both), the CPU each process used, the
//! server's peak memory, and then, for one phone's first sync of 50000 expenses, pull throughput
//! and bytes on the wire per expense row; how long the manager pages take with 10000 expenses in
//! the database; how long the phone takes to save a capture; and the phone's photo pipeline
//! against libvips' `vipsthumbnail` on the same photos. Run it with `scripts/bench`.
//! `BENCH_SERVER_LOG` sets the server's log filter (default `warn`; `warn,sqlx::query=debug` logs
//! every statement's time).
#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::{Duration, Instant};

use anyhow::Context;
use fleet_tests::{TestDb, cookie_of, server_url};
use serde_json::{Value, json};
use sqlx::{MySql, MySqlPool, QueryBuilder};
use uuid::Uuid;

const DEVICES: usize = 50;
const BATCHES: usize = 10;
const BATCH: usize = 100;
const ROUNDS: usize = 3;
const TOTAL: usize = DEVICES * BATCHES * BATCH;

fn expense_data(n: usize) -> Value {
    json!({"campaign_id": 1, "expense_type": "fuel", "amount": format!("{}.{:02}", 100 + n % 900, n % 100),
           "submitted_date": chrono::Utc::now().date_naive().to_string(), "description": format!("Diesel, NH-48, bill {n}")})
}

/// CPU seconds (user + system) a process has used so far.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// The processes whose CPU a phase is charged with.
struct Processes {
    server: u32,
    database: Option<u32>,
    bench: u32,
}

/// One phase's wall time and the CPU seconds of the server, the database and this program.
#[derive(Debug, Clone, Copy, Default)]
struct Phase {
    seconds: f64,
    server: f64,
    database: f64,
    bench: f64,
}

impl Processes {
    fn cpu(&self) -> [f64; 3] {
        [
            cpu_seconds(self.server).unwrap_or_default(),
            self.database.and_then(cpu_seconds).unwrap_or_default(),
            cpu_seconds(self.bench).unwrap_or_default(),
        ]
    }

    /// Runs `work` and measures it.
    async fn measure<F: Future<Output = anyhow::Result<()>>>(&self, work: F) -> anyhow::Result<Phase> {
        let before = self.cpu();
        let started = Instant::now();
        work.await?;
        let seconds = started.elapsed().as_secs_f64();
        let after = self.cpu();
        Ok(Phase { seconds, server: after[0] - before[0], database: after[1] - before[1], bench: after[2] - before[2] })
    }
}

/// Every device's outbox as ready push bodies, built before the clock starts: what is measured is
/// the server.
fn outboxes(round: usize) -> anyhow::Result<Vec<Vec<Vec<u8>>>> {
    (0..DEVICES)
        .map(|device| {
            let device_id = Uuid::now_v7();
            (0..BATCHES)
                .map(|batch| {
                    let mutations: Vec<Value> = (0..BATCH)
                        .map(|i| {
                            let n = ((round * DEVICES + device) * BATCHES + batch) * BATCH + i;
                            json!({"mutation_id": Uuid::now_v7(), "table": "expenses", "op": "upsert", "uuid": Uuid::now_v7(),
                                   "updated_at": chrono::Utc::now().to_rfc3339(), "data": expense_data(n)})
                        })
                        .collect();
                    Ok(serde_json::to_vec(&json!({"device_id": device_id, "mutations": mutations}))?)
                })
                .collect()
        })
        .collect()
}

/// All devices push their outboxes at once; every mutation must be applied.
async fn push_all(http: &reqwest::Client, base: &str, token: &str, outboxes: Vec<Vec<Vec<u8>>>) -> anyhow::Result<()> {
    let mut tasks = Vec::new();
    for outbox in outboxes {
        let (http, url, token) = (http.clone(), format!("{base}/api/v1/sync/push"), token.to_owned());
        tasks.push(tokio::spawn(async move {
            for body in outbox {
                let response = http
                    .post(&url)
                    .bearer_auth(&token)
                    .header("X-Sync-Protocol", "1")
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .await?;
                anyhow::ensure!(response.status() == 200, "push answered {}", response.status());
                let body: Value = response.json().await?;
                let applied =
                    body["results"].as_array().map_or(0, |r| r.iter().filter(|r| r["status"] == "applied").count());
                anyhow::ensure!(applied == BATCH, "only {applied} of {BATCH} applied");
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(())
}

/// The same rows written straight into the table, one multi-row upsert per batch.
async fn raw_all(pool: &MySqlPool, driver: i64, round: usize) -> anyhow::Result<()> {
    let mut tasks = Vec::new();
    for device in 0..DEVICES {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let device_id = Uuid::now_v7();
            for batch in 0..BATCHES {
                let mut qb: QueryBuilder<MySql> = QueryBuilder::new(
                    "INSERT INTO expenses (uuid, campaign_id, driver_id, expense_type, amount, description, status, submitted_date, device_id, updated_at) ",
                );
                qb.push_values(0..BATCH, |mut row, i| {
                    let n = ((round * DEVICES + device) * BATCHES + batch) * BATCH + i;
                    let data = expense_data(n);
                    row.push_bind(Uuid::now_v7())
                        .push_bind(1i64)
                        .push_bind(driver)
                        .push_bind("fuel")
                        .push_bind(data["amount"].as_str().unwrap_or("1.00").to_owned())
                        .push_bind(data["description"].as_str().unwrap_or_default().to_owned())
                        .push_bind("pending")
                        .push_bind(chrono::Utc::now().date_naive())
                        .push_bind(device_id)
                        .push_bind(chrono::Utc::now());
                });
                qb.push(" ON DUPLICATE KEY UPDATE amount = VALUES(amount), description = VALUES(description), updated_at = VALUES(updated_at)");
                qb.build().execute(&pool).await?;
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(())
}

/// Pull throughput and wire size of one phone's first sync.
struct Pull {
    rows: usize,
    expense_rows: usize,
    seconds: f64,
    json_bytes: usize,
    gzip_bytes: usize,
}

async fn first_sync(http: &reqwest::Client, base: &str, token: &str) -> anyhow::Result<Pull> {
    let started = Instant::now();
    let mut pull = Pull { rows: 0, expense_rows: 0, seconds: 0.0, json_bytes: 0, gzip_bytes: 0 };
    let mut cursor = None::<String>;
    loop {
        let mut url = format!("{base}/api/v1/sync/pull?limit=1000");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let response = http.get(&url).bearer_auth(token).header("X-Sync-Protocol", "1").send().await?;
        let body = response.bytes().await?;
        pull.json_bytes += body.len();
        let page: Value = serde_json::from_slice(&body)?;
        let changes = page["changes"].as_array().map(Vec::as_slice).unwrap_or_default();
        pull.rows += changes.len();
        pull.expense_rows += changes.iter().filter(|c| c["table"] == "expenses").count();
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut encoder, &body)?;
        pull.gzip_bytes += encoder.finish()?.len();
        cursor = page["cursor"].as_str().map(str::to_owned);
        if page["has_more"] != true {
            break;
        }
    }
    pull.seconds = started.elapsed().as_secs_f64();
    Ok(pull)
}

fn print_phase(name: &str, phases: &[Phase]) {
    for (i, p) in phases.iter().enumerate() {
        println!(
            "  {name} round {}: {:.2} s, {:.0} records/s; CPU s: server {:.2}, MariaDB {:.2}, bench {:.2}",
            i + 1,
            p.seconds,
            TOTAL as f64 / p.seconds,
            p.server,
            p.database,
            p.bench
        );
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let server_bin = std::env::args().nth(1).context("usage: fleet-bench PATH/TO/fleet-server")?;
    let db = TestDb::migrated().await?;
    sync_server::demo::seed(&db.pool).await?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let data = tempfile::tempdir()?;
    let mut server = std::process::Command::new(&server_bin)
        .arg("serve")
        .env("FLEET_DATABASE_URL", &db.url)
        .env("FLEET_LISTEN", format!("127.0.0.1:{port}"))
        .env("FLEET_DATA_DIR", data.path())
        .env("FLEET_LOG", std::env::var("BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()))
        .spawn()?;
    let outcome = run(&db, &format!("http://127.0.0.1:{port}"), server.id()).await;
    let _ = server.kill();
    let _ = server.wait();
    outcome?;
    capture_latency()?;
    photo_pipeline()
}

/// Captures saved on the phone's store one after the other.
const CAPTURES: usize = 2000;

/// How long the phone takes to save a capture (the record and its outbox entry, one SQLite
/// transaction with synchronous=FULL), without and with a bill photo through the pipeline.
fn capture_latency() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = mobile::store::Store::open(&dir.path().join("fleet.sqlite"))?;
    let expense = |n: usize| -> anyhow::Result<shared_model::tables::ExpenseCapture> {
        Ok(shared_model::tables::ExpenseCapture {
            campaign_id: 1,
            expense_type: "fuel".into(),
            amount: std::str::FromStr::from_str("450.00")?,
            submitted_date: chrono::Utc::now().date_naive(),
            description: Some(format!("Diesel, NH-48, bill {n}")),
            bill_image: None,
        })
    };
    let mut plain = Vec::with_capacity(CAPTURES);
    for n in 0..CAPTURES {
        let capture = expense(n)?;
        let started = Instant::now();
        store.save_expense(None, &capture)?;
        plain.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let photo = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/photos/jolla.jpg"));
    let mut with_photo = Vec::new();
    for n in 0..20 {
        let started = Instant::now();
        let processed = mobile::media::process_photo(photo, &dir.path().join("photos"))?;
        store.add_photo(&processed)?;
        let mut capture = expense(n)?;
        capture.bill_image = Some(format!("media:{}", processed.sha256));
        store.save_expense(None, &capture)?;
        with_photo.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let p99 = percentile(&mut plain.clone(), 0.99);
    println!(
        "phone capture latency, {CAPTURES} expenses saved one by one: median {:.2} ms, p99 {p99:.2} ms",
        median(&mut plain)
    );
    println!(
        "phone capture latency with a 3264x2448 bill photo through the pipeline: median {:.0} ms (20 captures)",
        median(&mut with_photo)
    );
    Ok(())
}

/// The phone's photo pipeline (decode, orient, shrink to 1600 px, JPEG q80 without EXIF, hash,
/// write) against `vipsthumbnail` doing the same to the same photos.
fn photo_pipeline() -> anyhow::Result<()> {
    let folder = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/photos"));
    let mut photos: Vec<std::path::PathBuf> = std::fs::read_dir(folder)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .collect();
    photos.sort();
    let out = tempfile::tempdir()?;
    let rounds = 3;
    let started = Instant::now();
    for _ in 0..rounds {
        for photo in &photos {
            mobile::media::process_photo(photo, out.path())?;
        }
    }
    let ours = started.elapsed().as_secs_f64() * 1000.0 / (rounds * photos.len()) as f64;
    let started = Instant::now();
    let mut vips_ok = true;
    for _ in 0..rounds {
        let status = std::process::Command::new("vipsthumbnail")
            .env("VIPS_CONCURRENCY", "1")
            .args(photos.iter().map(|p| p.as_os_str()))
            .arg("--size=1600x1600")
            .arg(format!("--output={}/%s.jpg[Q=80,strip]", out.path().display()))
            .status();
        vips_ok &= status.is_ok_and(|s| s.success());
    }
    let vips = started.elapsed().as_secs_f64() * 1000.0 / (rounds * photos.len()) as f64;
    if vips_ok {
        println!(
            "photo pipeline, {} fixture photos x {rounds}: phone pipeline {ours:.0} ms a photo, vipsthumbnail {vips:.0} ms a photo (one thread, one process for all), ratio ours / vips {:.2}",
            photos.len(),
            ours / vips
        );
    } else {
        println!(
            "photo pipeline: phone pipeline {ours:.0} ms a photo; vipsthumbnail not available (apt-get install libvips-tools)"
        );
    }
    Ok(())
}

async fn run(db: &TestDb, base: &str, server: u32) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let login: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "driver@demo.test", "password": "demo-pass"}))
        .send()
        .await?
        .json()
        .await?;
    let token = login["access_token"].as_str().context("login")?.to_owned();
    let database =
        std::process::Command::new("pidof").arg("mariadbd").output().ok().and_then(|o| {
            String::from_utf8_lossy(&o.stdout).split_whitespace().next().and_then(|p| p.parse::<u32>().ok())
        });
    let processes = Processes { server, database, bench: std::process::id() };
    let driver: i64 =
        sqlx::query_scalar("SELECT driver_id FROM users WHERE email = 'driver@demo.test'").fetch_one(&db.pool).await?;
    // The raw rows belong to another driver: they stay out of the pull below, and nothing is
    // deleted between rounds (the database's purge of deleted rows would weigh on the next one).
    let other_driver: i64 =
        sqlx::query_scalar("SELECT driver_id FROM users WHERE email = 'driver2@demo.test'").fetch_one(&db.pool).await?;
    let raw_pool = sqlx::mysql::MySqlPoolOptions::new().max_connections(DEVICES as u32).connect(&db.url).await?;

    let (mut pushes, mut raws) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let bodies = outboxes(round)?;
        pushes.push(processes.measure(push_all(&http, base, &token, bodies)).await?);
        raws.push(processes.measure(raw_all(&raw_pool, other_driver, round)).await?);
    }
    // One round's pushed rows stay, so that the pull below is a first sync of 50000 expenses.
    sqlx::query("DELETE FROM expenses WHERE driver_id = ? ORDER BY id DESC LIMIT ?")
        .bind(driver)
        .bind(u64::try_from(TOTAL * (ROUNDS - 1))?)
        .execute(&db.pool)
        .await?;
    let pull = first_sync(&http, base, &token).await?;
    let pages_full = page_times(db, base).await?;
    trim_expenses(db, PAGE_ROWS).await?;
    let pages = page_times(db, base).await?;
    let peak = peak_rss_mb(server);

    println!(
        "machine: {} cores, MariaDB at {}",
        std::thread::available_parallelism().map_or(0, usize::from),
        server_url()
    );
    println!("push over HTTP: {TOTAL} expenses from {DEVICES} devices in batches of {BATCH}, {ROUNDS} rounds");
    print_phase("push", &pushes);
    println!("raw INSERT ... ON DUPLICATE KEY UPDATE of the same rows, {DEVICES} connections, after each push round");
    print_phase("raw", &raws);
    let push_rate = median(&mut pushes.iter().map(|p| TOTAL as f64 / p.seconds).collect::<Vec<_>>());
    let raw_rate = median(&mut raws.iter().map(|p| TOTAL as f64 / p.seconds).collect::<Vec<_>>());
    println!("median push: {push_rate:.0} records/s; median raw: {raw_rate:.0} records/s");
    println!("ratio push / raw: {:.3} (goal: at least 0.5)", push_rate / raw_rate);
    let server_cpu = median(&mut pushes.iter().map(|p| p.server).collect::<Vec<_>>());
    println!("server CPU per pushed record: {:.0} µs (median round)", server_cpu * 1e6 / TOTAL as f64);
    match peak {
        Some(mb) => println!("server peak memory (VmHWM): {mb:.1} MB (goal: under 150 MB)"),
        None => println!("server peak memory: not measurable here"),
    }
    println!(
        "pull, first sync: {} rows ({} expenses) in {:.2} s, {:.0} rows/s",
        pull.rows,
        pull.expense_rows,
        pull.seconds,
        pull.rows as f64 / pull.seconds
    );
    println!(
        "bytes on the wire per expense row: {:.0} as JSON, {:.0} gzip-compressed",
        pull.json_bytes as f64 / pull.rows.max(1) as f64,
        pull.gzip_bytes as f64 / pull.rows.max(1) as f64
    );
    for times in [&pages, &pages_full] {
        println!(
            "manager pages, signed in as the operations manager, {} expenses in the database, {PAGE_SAMPLES} loads each:",
            times.expenses
        );
        for (name, ms) in &times.pages {
            let mut sorted = ms.clone();
            let p95 = percentile(&mut sorted, 0.95);
            println!("  {name}: median {:.1} ms, p95 {p95:.1} ms", median(&mut sorted));
        }
    }
    if let Some((_, ms)) = pages.pages.first() {
        println!(
            "expenses page with {PAGE_ROWS} expenses: median {:.1} ms (goal: under 100 ms)",
            median(&mut ms.clone())
        );
    }
    Ok(())
}

/// Expenses in the database when the pages are timed.
const PAGE_ROWS: usize = 10_000;
/// Loads of each page.
const PAGE_SAMPLES: usize = 30;

fn percentile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let rank = ((values.len() as f64 - 1.0) * q).round() as usize;
    values.get(rank).copied().unwrap_or(f64::NAN)
}

/// Keeps the `keep` newest expenses, a third of them approved and a sixth rejected, as a real
/// office's table would be.
async fn trim_expenses(db: &TestDb, keep: usize) -> anyhow::Result<()> {
    let cutoff: Option<i64> = sqlx::query_scalar("SELECT id FROM expenses ORDER BY id DESC LIMIT 1 OFFSET ?")
        .bind(u64::try_from(keep)?)
        .fetch_optional(&db.pool)
        .await?;
    if let Some(cutoff) = cutoff {
        loop {
            let gone =
                sqlx::query("DELETE FROM expenses WHERE id <= ? LIMIT 20000").bind(cutoff).execute(&db.pool).await?;
            if gone.rows_affected() == 0 {
                break;
            }
        }
    }
    sqlx::query(
        "UPDATE expenses SET status = CASE WHEN id % 6 IN (1, 2) THEN 'approved' WHEN id % 6 = 3 THEN 'rejected' ELSE status END,
                approved_date = CASE WHEN id % 6 IN (1, 2) THEN submitted_date ELSE NULL END",
    )
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// How long pages take to answer, whole (status 200 and every byte read).
struct PageTimes {
    expenses: i64,
    pages: Vec<(String, Vec<f64>)>,
}

/// Signs in to the pages as the operations manager and loads each page `PAGE_SAMPLES` times.
async fn page_times(db: &TestDb, base: &str) -> anyhow::Result<PageTimes> {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let form = http.get(format!("{base}/login")).send().await?;
    let login_cookie = cookie_of(&form, "fleet_login").context("sign-in form cookie")?;
    let signed = http
        .post(format!("{base}/login"))
        .header(reqwest::header::COOKIE, format!("fleet_login={login_cookie}"))
        .form(&[("csrf", login_cookie.as_str()), ("email", "operations_manager@demo.test"), ("password", "demo-pass")])
        .send()
        .await?;
    let session = cookie_of(&signed, "fleet_session").context("signed in to the pages")?;
    let expenses: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM expenses").fetch_one(&db.pool).await?;
    let middle: i64 = sqlx::query_scalar("SELECT id FROM expenses ORDER BY id LIMIT 1 OFFSET ?")
        .bind(expenses / 2)
        .fetch_one(&db.pool)
        .await?;
    let campaign: i64 =
        sqlx::query_scalar("SELECT campaign_id FROM expenses ORDER BY id DESC LIMIT 1").fetch_one(&db.pool).await?;
    let mut pages = Vec::new();
    for (name, path) in [
        ("expenses, first page".to_owned(), "/expenses".to_owned()),
        ("expenses, pending only".to_owned(), "/expenses?status=pending".to_owned()),
        ("expenses, a page in the middle".to_owned(), format!("/expenses?before={middle}")),
        ("expenses CSV export, every row".to_owned(), "/expenses.csv".to_owned()),
        ("overview".to_owned(), "/".to_owned()),
        ("campaign page".to_owned(), format!("/campaigns/{campaign}")),
    ] {
        let mut times = Vec::with_capacity(PAGE_SAMPLES);
        for _ in 0..PAGE_SAMPLES {
            let started = Instant::now();
            let response = http
                .get(format!("{base}{path}"))
                .header(reqwest::header::COOKIE, format!("fleet_session={session}"))
                .send()
                .await?;
            anyhow::ensure!(response.status() == 200, "{path}: {}", response.status());
            response.bytes().await?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        pages.push((name, times));
    }
    Ok(PageTimes { expenses, pages })
}
