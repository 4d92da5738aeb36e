//! `fleet-bench`: sync throughput against the database's own speed, measured in one run.
//!
//! Starts a release `fleet-server` on a fresh database, then:
//! 1. 50 simulated devices push expenses over HTTP in batches of 100, all at once;
//! 2. the same number of rows go in by raw multi-row `INSERT ... ON DUPLICATE KEY UPDATE` from 50
//!    connections in batches of 100, into the same MariaDB;
//! 3. one phone pulls all of them as a first sync;
//!
//! and prints records per second for each, their ratio, the server's peak memory, pull
//! throughput and bytes on the wire per expense row. Run it with `scripts/bench`.
#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::{Duration, Instant};

use anyhow::Context;
use fleet_tests::{TestDb, server_url};
use serde_json::{Value, json};
use sqlx::{MySql, QueryBuilder};
use uuid::Uuid;

const DEVICES: usize = 50;
const BATCHES: usize = 10;
const BATCH: usize = 100;

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
        .env("FLEET_LOG", "warn")
        .env("FLEET_DATABASE_MAX_CONNECTIONS", "60")
        .spawn()?;
    let base = format!("http://127.0.0.1:{port}");
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
    let total = DEVICES * BATCHES * BATCH;

    // 1. Push over HTTP.
    let database =
        std::process::Command::new("pidof").arg("mariadbd").output().ok().and_then(|o| {
            String::from_utf8_lossy(&o.stdout).split_whitespace().next().and_then(|p| p.parse::<u32>().ok())
        });
    let database_before = database.and_then(cpu_seconds);
    let client_before = cpu_seconds(std::process::id());
    let cpu_before = cpu_seconds(server.id());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for device in 0..DEVICES {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let device_id = Uuid::now_v7();
            for batch in 0..BATCHES {
                let mutations: Vec<Value> = (0..BATCH)
                    .map(|i| {
                        let n = (device * BATCHES + batch) * BATCH + i;
                        json!({"mutation_id": Uuid::now_v7(), "table": "expenses", "op": "upsert", "uuid": Uuid::now_v7(),
                               "updated_at": chrono::Utc::now().to_rfc3339(), "data": expense_data(n)})
                    })
                    .collect();
                let response = http
                    .post(format!("{base}/api/v1/sync/push"))
                    .bearer_auth(&token)
                    .header("X-Sync-Protocol", "1")
                    .json(&json!({"device_id": device_id, "mutations": mutations}))
                    .send()
                    .await?;
                anyhow::ensure!(response.status() == 200, "push answered {}", response.status());
                let body: Value = response.json().await?;
                let applied = body["results"].as_array().map_or(0, |r| r.iter().filter(|r| r["status"] == "applied").count());
                anyhow::ensure!(applied == BATCH, "only {applied} of {BATCH} applied");
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let push_seconds = started.elapsed().as_secs_f64();
    let push_rate = total as f64 / push_seconds;
    let push_cpu = cpu_before.zip(cpu_seconds(server.id())).map(|(before, after)| after - before);
    let database_cpu = database_before.zip(database.and_then(cpu_seconds)).map(|(before, after)| after - before);
    let client_cpu = client_before.zip(cpu_seconds(std::process::id())).map(|(before, after)| after - before);

    // 2. The same rows by raw multi-row inserts.
    let driver: i64 =
        sqlx::query_scalar("SELECT driver_id FROM users WHERE email = 'driver@demo.test'").fetch_one(&db.pool).await?;
    let raw_pool = sqlx::mysql::MySqlPoolOptions::new().max_connections(DEVICES as u32).connect(&db.url).await?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for device in 0..DEVICES {
        let pool = raw_pool.clone();
        tasks.push(tokio::spawn(async move {
            let device_id = Uuid::now_v7();
            for batch in 0..BATCHES {
                let mut qb: QueryBuilder<MySql> = QueryBuilder::new(
                    "INSERT INTO expenses (uuid, campaign_id, driver_id, expense_type, amount, description, status, submitted_date, device_id, updated_at) ",
                );
                qb.push_values(0..BATCH, |mut row, i| {
                    let n = (device * BATCHES + batch) * BATCH + i;
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
    let raw_seconds = started.elapsed().as_secs_f64();
    let raw_rate = total as f64 / raw_seconds;
    sqlx::query("DELETE FROM expenses WHERE created_by_id IS NULL").execute(&db.pool).await?;

    // 3. A first sync of everything the driver has.
    let started = Instant::now();
    let (mut cursor, mut rows, mut wire_bytes, mut expense_rows, mut gzip_bytes) =
        (None::<String>, 0usize, 0usize, 0usize, 0usize);
    loop {
        let mut url = format!("{base}/api/v1/sync/pull?limit=1000");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let response = http.get(&url).bearer_auth(&token).header("X-Sync-Protocol", "1").send().await?;
        let body = response.bytes().await?;
        wire_bytes += body.len();
        let page: Value = serde_json::from_slice(&body)?;
        let changes = page["changes"].as_array().cloned().unwrap_or_default();
        rows += changes.len();
        expense_rows += changes.iter().filter(|c| c["table"] == "expenses").count();
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut encoder, &body)?;
        gzip_bytes += encoder.finish()?.len();
        cursor = page["cursor"].as_str().map(str::to_owned);
        if page["has_more"] != true {
            break;
        }
    }
    let pull_seconds = started.elapsed().as_secs_f64();
    let peak = peak_rss_mb(server.id());
    let _ = server.kill();
    let _ = server.wait();

    println!(
        "machine: {} cores, MariaDB at {}",
        std::thread::available_parallelism().map_or(0, usize::from),
        server_url()
    );
    println!(
        "push over HTTP: {total} expenses from {DEVICES} devices in batches of {BATCH}: {push_seconds:.2} s, {push_rate:.0} records/s"
    );
    println!(
        "raw INSERT ... ON DUPLICATE KEY UPDATE, same rows, {DEVICES} connections: {raw_seconds:.2} s, {raw_rate:.0} records/s"
    );
    println!("ratio push / raw: {:.3} (goal: at least 0.5)", push_rate / raw_rate);
    if let Some(cpu) = push_cpu {
        println!(
            "server CPU during the push: {cpu:.2} s of {push_seconds:.2} s ({:.0} µs per record)",
            cpu * 1e6 / total as f64
        );
    }
    if let (Some(database), Some(client)) = (database_cpu, client_cpu) {
        println!("during the push, MariaDB used {database:.2} s of CPU and this simulator {client:.2} s");
    }
    match peak {
        Some(mb) => println!("server peak memory (VmHWM): {mb:.1} MB (goal: under 150 MB)"),
        None => println!("server peak memory: not measurable here"),
    }
    println!(
        "pull, first sync: {rows} rows ({expense_rows} expenses) in {pull_seconds:.2} s, {:.0} rows/s",
        rows as f64 / pull_seconds
    );
    println!(
        "bytes on the wire per expense row: {:.0} as JSON, {:.0} gzip-compressed",
        wire_bytes as f64 / rows.max(1) as f64,
        gzip_bytes as f64 / rows.max(1) as f64
    );
    Ok(())
}
