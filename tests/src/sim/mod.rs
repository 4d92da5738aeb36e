//! The fleet simulator: many phones, each the real store and sync engine on its own SQLite file,
//! working through a proxy that loses answers, delivers requests twice and cuts uploads, against
//! the real `fleet-server` process, which is killed with SIGKILL and restarted, on a MariaDB that
//! may be restarted too; some phones' clocks are hours off. At the end the faults stop, every
//! phone syncs, and [`check::check`] counts what was made, acknowledged, lost and duplicated.
//!
//! `tests/tests/fleet_sim.rs` runs the short form in CI; `scripts/sim` runs the full form with
//! the `fleet-sim` binary.

pub mod actor;
pub mod check;
pub mod faults;
pub mod people;
pub mod server;
pub mod stats;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::TestDb;
use crate::proxy::{Fault, FaultKind, FaultProxy};
use actor::SimPhone;
use check::Verdict;
use server::ServerProcess;
use stats::Stats;

/// How a run goes.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Phones (half drivers, half promoters).
    pub phones: usize,
    /// How long the phones work with faults on.
    pub duration: Duration,
    /// SIGKILLs of the server, evenly spread.
    pub server_kills: usize,
    /// MariaDB restarts, evenly spread (takes every database on the machine down).
    pub database_restarts: usize,
    /// One phone in this many has a clock hours off (0: none).
    pub skewed_every: usize,
    /// How long a person waits between two actions, at least and at most, in milliseconds.
    pub think_ms: (u64, u64),
    /// The server binary.
    pub server_binary: PathBuf,
    /// Seed of everything random.
    pub seed: u64,
}

/// What a run did and what the checker found.
#[derive(Debug)]
pub struct SimReport {
    /// The run's configuration.
    pub config: SimConfig,
    /// Phones with a clock hours off.
    pub skewed: usize,
    /// Counters.
    pub stats: Arc<Stats>,
    /// Faults the proxy carried out: lost answers, cut uploads, double deliveries.
    pub proxy_faults: [u64; 3],
    /// The checker's counts.
    pub verdict: Verdict,
    /// The server's peak memory in its last life, MB.
    pub server_peak_mb: Option<f64>,
    /// How long the final syncs took.
    pub settle: Duration,
}

impl std::fmt::Display for SimReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.stats;
        let g = Stats::get;
        writeln!(
            f,
            "fleet simulation: {} phones ({} drivers, {} promoters, {} with clocks hours off), {} s with faults, seed {}",
            self.config.phones,
            self.config.phones.div_ceil(2),
            self.config.phones / 2,
            self.skewed,
            self.config.duration.as_secs(),
            self.config.seed
        )?;
        writeln!(
            f,
            "phones did: {} captures, {} edits, {} deletes, {} syncs finished, {} syncs failed, {} spells offline",
            g(&s.captures),
            g(&s.edits),
            g(&s.deletes),
            g(&s.syncs_ok),
            g(&s.syncs_failed),
            g(&s.offline_spells)
        )?;
        writeln!(
            f,
            "faults: server killed {} times (SIGKILL), MariaDB restarted {} times; answers lost after the server committed: {}, requests delivered twice: {}, uploads cut: {} (armed: {}, {}, {})",
            g(&s.server_kills),
            g(&s.database_restarts),
            self.proxy_faults[0],
            self.proxy_faults[2],
            self.proxy_faults[1],
            g(&s.armed_drops),
            g(&s.armed_duplicates),
            g(&s.armed_cuts)
        )?;
        writeln!(
            f,
            "office reviewed {} expenses meanwhile; out-of-scope rows seen on phones during the run: {} (must be 0)",
            g(&s.reviews),
            g(&s.out_of_scope_seen)
        )?;
        writeln!(f, "after the faults stopped, every phone synced in {:.1} s", self.settle.as_secs_f64())?;
        writeln!(f, "{}", self.verdict)?;
        match self.server_peak_mb {
            Some(mb) => write!(f, "server peak memory (last start): {mb:.1} MB"),
            None => write!(f, "server peak memory: not measurable here"),
        }
    }
}

/// Runs the simulation on a fresh demo database and checks the outcome.
pub async fn run(config: SimConfig) -> anyhow::Result<SimReport> {
    let db = TestDb::migrated().await?;
    sync_server::demo::seed(&db.pool).await?;
    let people = people::make(&db.pool, config.phones).await?;
    let server = Arc::new(Mutex::new(ServerProcess::start(&config.server_binary, &db.url).await?));
    let direct = server.lock().await.base_url();
    let proxy = Arc::new(FaultProxy::start(&direct).await?);
    let stats = Arc::new(Stats::default());

    // Phones sign in and take their first sync with nothing going wrong.
    let mut phones = Vec::with_capacity(people.len());
    let mut skewed = 0;
    for (n, person) in people.into_iter().enumerate() {
        let offset = if config.skewed_every > 0 && n % config.skewed_every == config.skewed_every - 1 {
            skewed += 1;
            let hours = 1 + (n % 6) as i64;
            chrono::Duration::hours(if n % 2 == 0 { hours } else { -hours })
        } else {
            chrono::Duration::zero()
        };
        let phone = Arc::new(SimPhone::new(person, offset, &proxy.base_url).await?);
        phone.engine.sync_now().await?;
        phones.push(phone);
    }

    let start = Instant::now();
    let until = start + config.duration;
    let mut tasks = tokio::task::JoinSet::new();
    for (n, phone) in phones.iter().enumerate() {
        tasks.spawn(Arc::clone(phone).live(
            proxy.base_url.clone(),
            until,
            config.seed ^ (n as u64 + 1),
            config.think_ms,
            Arc::clone(&stats),
        ));
    }
    tasks.spawn(faults::proxy_faults(Arc::clone(&proxy), until, config.seed ^ 0xfa, Arc::clone(&stats)));
    tasks.spawn(faults::office(Arc::clone(&server), until, config.seed ^ 0x0ff, Arc::clone(&stats)));
    tasks.spawn(faults::server_kills(
        Arc::clone(&server),
        start,
        config.duration,
        config.server_kills,
        Arc::clone(&stats),
    ));
    tasks.spawn(faults::database_restarts(start, config.duration, config.database_restarts, Arc::clone(&stats)));
    tasks.spawn(watch_scopes(phones.clone(), until, Arc::clone(&stats)));
    while let Some(joined) = tasks.join_next().await {
        joined?;
    }

    // The faults stop; every phone syncs until nothing waits, then once more to pull the rest.
    proxy.inject(Fault::None);
    let settle_start = Instant::now();
    for phone in &phones {
        settle(phone).await;
    }
    for phone in &phones {
        let _ = phone.engine.sync_now().await;
    }
    let settle = settle_start.elapsed();
    let proxy_faults =
        [FaultKind::LostAnswer, FaultKind::CutUpload, FaultKind::DoubleDelivery].map(|k| proxy.faults_of(k));
    let verdict = check::check(&direct, &db.pool, &phones).await?;
    let server_peak_mb = server.lock().await.peak_memory_mb();
    Ok(SimReport { config, skewed, stats, proxy_faults, verdict, server_peak_mb, settle })
}

/// Syncs `phone` until nothing waits on it (a few tries: the server may still be starting).
async fn settle(phone: &SimPhone) {
    for _ in 0..40 {
        let synced = phone.engine.sync_now().await;
        let waiting = phone.store.waiting().unwrap_or((1, 0));
        if synced.is_ok() && waiting == (0, 0) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Looks into every phone every few seconds for rows outside its user's scope.
async fn watch_scopes(phones: Vec<Arc<SimPhone>>, until: Instant, stats: Arc<Stats>) {
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_secs(3)).await;
        for phone in &phones {
            if let Ok(found) = check::out_of_scope(phone)
                && !found.is_empty()
            {
                stats.add(&stats.out_of_scope_seen, found.len() as u64);
                eprintln!("sim: {}", found.join("; "));
            }
        }
    }
}
