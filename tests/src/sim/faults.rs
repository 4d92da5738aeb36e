//! What goes wrong while the phones work: the proxy loses answers, delivers requests twice and
//! cuts uploads; the server is killed with SIGKILL and started again; MariaDB is restarted. And
//! the office, which reviews expenses while the phones edit them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;
use tokio::sync::Mutex;

use super::server::ServerProcess;
use super::stats::Stats;
use crate::proxy::{Fault, FaultProxy};

/// Arms a random proxy fault every few hundred milliseconds until `until`.
pub async fn proxy_faults(proxy: Arc<FaultProxy>, until: Instant, seed: u64, stats: Arc<Stats>) {
    let mut rng = fastrand::Rng::with_seed(seed);
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(rng.u64(200..800))).await;
        match rng.u8(..10) {
            0..=3 => {
                proxy.inject(Fault::DropNextResponse);
                stats.add(&stats.armed_drops, 1);
            }
            4..=6 => {
                proxy.inject(Fault::DuplicateNextRequest);
                stats.add(&stats.armed_duplicates, 1);
            }
            _ => {
                proxy.inject(Fault::CutUploadAfter(rng.u64(500..200_000)));
                stats.add(&stats.armed_cuts, 1);
            }
        }
    }
    proxy.inject(Fault::None);
}

/// Kills the server `count` times, evenly over `span` from `start`, bringing it back after a
/// second or two each time.
pub async fn server_kills(
    server: Arc<Mutex<ServerProcess>>,
    start: Instant,
    span: Duration,
    count: usize,
    stats: Arc<Stats>,
) {
    for k in 1..=count {
        let at = start + span.mul_f64(k as f64 / (count + 1) as f64);
        tokio::time::sleep_until(at.into()).await;
        let mut server = server.lock().await;
        server.kill();
        stats.add(&stats.server_kills, 1);
        tokio::time::sleep(Duration::from_millis(fastrand::u64(500..2000))).await;
        if let Err(error) = server.restart().await {
            eprintln!("sim: the server did not come back: {error}");
        }
    }
}

/// Restarts MariaDB `count` times, evenly over `span` from `start` (the full form only: every
/// database on the machine goes down with it).
pub async fn database_restarts(start: Instant, span: Duration, count: usize, stats: Arc<Stats>) {
    for k in 1..=count {
        let at = start + span.mul_f64((k as f64 - 0.5) / count as f64);
        tokio::time::sleep_until(at.into()).await;
        match restart_database().await {
            Ok(()) => stats.add(&stats.database_restarts, 1),
            Err(error) => eprintln!("sim: restarting MariaDB failed: {error}"),
        }
    }
}

async fn restart_database() -> anyhow::Result<()> {
    let stopped = tokio::process::Command::new("mariadb-admin")
        .args(["--user=root", "--host=127.0.0.1", "shutdown"])
        .status()
        .await?;
    anyhow::ensure!(stopped.success(), "mariadb-admin shutdown: {stopped}");
    // The port closes before the process has gone; started again too soon, start-stop-daemon
    // would find the old process and do nothing.
    for _ in 0..600 {
        let running = tokio::process::Command::new("pidof").arg("mariadbd").output().await?;
        if !running.status.success() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let started = tokio::process::Command::new("start-stop-daemon")
        .args(["--start", "--oknodo", "--background", "--exec", "/usr/sbin/mariadbd"])
        .status()
        .await?;
    anyhow::ensure!(started.success(), "start-stop-daemon: {started}");
    for _ in 0..600 {
        if tokio::net::TcpStream::connect("127.0.0.1:3306").await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("MariaDB did not come back within a minute")
}

/// The operations manager, straight to the server (not through the proxy): every second or so
/// approves or rejects a few pending expenses, so phones meet reviewed expenses they edit.
pub async fn office(server: Arc<Mutex<ServerProcess>>, until: Instant, seed: u64, stats: Arc<Stats>) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let http = reqwest::Client::new();
    let mut token: Option<String> = None;
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(rng.u64(500..1500))).await;
        let base = server.lock().await.base_url();
        if token.is_none() {
            token = login(&http, &base).await.ok();
        }
        let Some(bearer) = token.clone() else { continue };
        let pending = http
            .request(Method::GET, format!("{base}/api/v1/expenses?status=pending&limit=20&sort=-id"))
            .bearer_auth(&bearer)
            .send()
            .await;
        let Ok(pending) = pending else { continue };
        if pending.status() == 401 {
            token = None;
            continue;
        }
        let Ok(body) = pending.json::<Value>().await else { continue };
        let items = body["items"].as_array().cloned().unwrap_or_default();
        for item in &items {
            let Some(id) = item["id"].as_i64().filter(|_| rng.u8(..10) < 3) else { continue };
            let (action, note) = if rng.u8(..10) < 8 { ("approve", "") } else { ("reject", "no bill attached") };
            let body = if note.is_empty() { serde_json::json!({}) } else { serde_json::json!({"note": note}) };
            let answer = http
                .post(format!("{base}/api/v1/expenses/{id}/{action}"))
                .bearer_auth(&bearer)
                .json(&body)
                .send()
                .await;
            if answer.is_ok_and(|a| a.status() == 200) {
                stats.add(&stats.reviews, 1);
            }
        }
    }
}

async fn login(http: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let answer: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "operations_manager@demo.test", "password": "demo-pass"}))
        .send()
        .await?
        .json()
        .await?;
    answer["access_token"].as_str().map(str::to_owned).ok_or_else(|| anyhow::anyhow!("no token: {answer}"))
}
