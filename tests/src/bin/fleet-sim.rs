//! `fleet-sim`: the fleet simulation's full form (see `fleet_tests::sim`). Prints what the phones
//! did, the faults, and the checker's counts; exits 1 when anything was lost, doubled, leaked or
//! corrupted.
//!
//! `fleet-sim [--phones N] [--seconds S] [--server-kills K] [--database-restarts R] [--seed X]
//! [--think-min-ms A] [--think-max-ms B]`
#![allow(clippy::print_stdout, reason = "the simulation prints its counts")]

use std::time::Duration;

use anyhow::Context;
use fleet_tests::child_server::server_binary;
use fleet_tests::sim::{self, SimConfig};

fn flag(args: &[String], name: &str, default: u64) -> anyhow::Result<u64> {
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => {
            args.get(i + 1).context(format!("{name} needs a value"))?.parse().context(format!("{name} takes a number"))
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let config = SimConfig {
        phones: usize::try_from(flag(&args, "--phones", 200)?)?,
        duration: Duration::from_secs(flag(&args, "--seconds", 300)?),
        server_kills: usize::try_from(flag(&args, "--server-kills", 3)?)?,
        database_restarts: usize::try_from(flag(&args, "--database-restarts", 1)?)?,
        skewed_every: 5,
        think_ms: (flag(&args, "--think-min-ms", 400)?, flag(&args, "--think-max-ms", 2500)?),
        server_binary: server_binary()?,
        seed: flag(&args, "--seed", fastrand::u64(..))?,
    };
    let report = sim::run(config).await?;
    println!("{report}");
    if !report.verdict.clean() || sim::stats::Stats::get(&report.stats.out_of_scope_seen) > 0 {
        std::process::exit(1);
    }
    Ok(())
}
