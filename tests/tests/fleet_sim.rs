//! The short form of the fleet simulation (the full form is `scripts/sim`): twenty phones with
//! the real sync engine through lost answers, double deliveries, cut uploads, offline spells,
//! clocks hours off and a server killed with SIGKILL; the checker then finds every capture on
//! the server once, or refused and logged, and nothing on a phone outside its scope.

#![allow(clippy::print_stdout, reason = "the simulation prints its counts")]

use std::time::Duration;

use fleet_tests::child_server::server_binary;
use fleet_tests::sim::{self, SimConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_phones_through_a_server_kill_and_lost_answers_lose_and_double_nothing() -> anyhow::Result<()> {
    let seed = std::env::var("SIM_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| fastrand::u64(..));
    let config = SimConfig {
        phones: 20,
        duration: Duration::from_secs(40),
        server_kills: 2,
        database_restarts: 0,
        skewed_every: 5,
        think_ms: (150, 900),
        server_binary: server_binary()?,
        seed,
    };
    let report = sim::run(config).await?;
    println!("{report}");

    let verdict = &report.verdict;
    assert!(verdict.made >= 200, "the phones worked: {} captures", verdict.made);
    assert_eq!(sim::stats::Stats::get(&report.stats.server_kills), 2, "the server was killed");
    assert!(report.proxy_faults[0] >= 1, "at least one answer was lost after the server committed");
    assert!(report.proxy_faults[2] >= 1, "at least one request was delivered twice");
    assert_eq!(verdict.lost, 0, "{verdict}");
    assert_eq!(verdict.duplicated, 0, "{verdict}");
    assert_eq!(verdict.out_of_scope + sim::stats::Stats::get(&report.stats.out_of_scope_seen), 0, "{verdict}");
    assert!(verdict.clean(), "{verdict}");
    assert_eq!(verdict.acknowledged + verdict.withdrawn, verdict.made, "every capture accounted for: {verdict}");
    Ok(())
}
