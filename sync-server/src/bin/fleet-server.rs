//! `fleet-server`: serve the API, migrate the schema, create users, load demo data.
//! Every failure ends with one line on standard error saying what is wrong, and exit code 1.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use shared_model::Role;
use shared_model::tables::UserFields;
use sync_server::{Config, accounts, db, demo, telemetry};

/// A push allocates and frees many small maps and strings from several threads at once; mimalloc
/// does that with a fraction of the system allocator's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "fleet-server", version, about = "Fleet Operations sync server")]
struct Cli {
    /// TOML configuration file; `FLEET_*` environment variables override it.
    #[arg(long, global = true, env = "FLEET_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database, then serve HTTP until SIGTERM or Ctrl-C.
    Serve,
    /// Change the database schema.
    Migrate {
        #[command(subcommand)]
        direction: Option<Direction>,
    },
    /// Create a login. The password is asked for, or read from standard input when piped.
    CreateUser {
        /// Login email.
        #[arg(long)]
        email: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// admin, operations_manager, accounts, driver, promoter, vendor, client, ...
        #[arg(long)]
        role: Role,
        /// Contact number.
        #[arg(long)]
        phone: Option<String>,
        /// The vendor of a vendor user (or of a driver).
        #[arg(long)]
        vendor_id: Option<i64>,
        /// The driver row of a driver user.
        #[arg(long)]
        driver_id: Option<i64>,
        /// The promoter row of a promoter or anchor user.
        #[arg(long)]
        promoter_id: Option<i64>,
        /// The client of a client user.
        #[arg(long)]
        client_id: Option<i64>,
        /// A hint for admins.
        #[arg(long)]
        password_hint: Option<String>,
    },
    /// Load the demo company; running it again adds nothing.
    SeedDemo,
    /// Print the OpenAPI 3.1 document of the API.
    Openapi,
    /// Drop change-feed entries older than the retention; phones behind it start a new first sync.
    PruneFeed {
        /// Keep this many days (default: the configured feed_retention_days).
        #[arg(long)]
        keep_days: Option<u32>,
    },
}

#[derive(Debug, Subcommand)]
enum Direction {
    /// Apply every pending migration (the default).
    Up,
    /// Revert the newest N migrations.
    Down {
        /// How many to revert.
        steps: usize,
    },
    /// Print the schema's migration and the newest this binary has.
    Status,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = Config::load(cli.config.as_deref()).map_err(anyhow::Error::from).and_then(|config| {
        telemetry::init(&config.log);
        let runtime =
            tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
        runtime.block_on(run(cli.command, config))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let text = format!("{error:#}").replace('\n', " ");
            eprintln!("fleet-server: error: {text}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => sync_server::serve(config).await?,
        Command::Migrate { direction } => {
            let pool = db::connect(&config).await?;
            match direction.unwrap_or(Direction::Up) {
                Direction::Up => {
                    db::migrate_up(&pool).await?;
                    say(&format!("schema at migration {}", db::schema_version(&pool).await?.unwrap_or(0)));
                }
                Direction::Down { steps } => {
                    let version = db::migrate_down(&pool, steps).await?;
                    say(&format!("schema at migration {version}"));
                }
                Direction::Status => {
                    let current = db::schema_version(&pool).await?.unwrap_or(0);
                    say(&format!(
                        "schema at migration {current}; this fleet-server has up to {}",
                        db::latest_migration()
                    ));
                }
            }
        }
        Command::CreateUser {
            email,
            name,
            role,
            phone,
            vendor_id,
            driver_id,
            promoter_id,
            client_id,
            password_hint,
        } => {
            let user =
                UserFields { email, name, phone, password_hint, role, vendor_id, driver_id, promoter_id, client_id };
            user.validate().map_err(sync_server::Error::Validation)?;
            let password = read_password()?;
            let pool = db::connect(&config).await?;
            db::migrate_up(&pool).await?;
            let id = accounts::create_user(&pool, &user, &password).await?;
            say(&format!("created user {id}: {} ({})", user.email, user.role));
        }
        Command::PruneFeed { keep_days } => {
            let days = keep_days.unwrap_or(config.feed_retention_days);
            let pool = db::connect(&config).await?;
            db::migrate_up(&pool).await?;
            let removed = db::feed::prune(&pool, chrono::Utc::now() - chrono::Duration::days(i64::from(days))).await?;
            say(&format!("pruned {removed} change-feed entries older than {days} days"));
        }
        Command::Openapi => {
            say(&serde_json::to_string_pretty(sync_server::api::openapi_document())?);
        }
        Command::SeedDemo => {
            let pool = db::connect(&config).await?;
            db::migrate_up(&pool).await?;
            let report = demo::seed(&pool).await?;
            say(&format!(
                "demo data: {} rows added ({} clients, {} projects, {} campaigns, {} vendors, {} vehicles, {} drivers, {} promoters, {} placeholder invoices, {} logins)",
                report.total(),
                report.clients,
                report.projects,
                report.campaigns,
                report.vendors,
                report.vehicles,
                report.drivers,
                report.promoters,
                report.invoices,
                report.users
            ));
        }
    }
    Ok(())
}

/// Asks twice on a terminal; otherwise reads the first line of standard input.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").context("reading the password")?;
        let second = rpassword::prompt_password("Repeat it: ").context("reading the password")?;
        if first != second {
            bail!("the two passwords differ");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

#[allow(clippy::print_stdout, reason = "the command's result is its output")]
fn say(text: &str) {
    println!("{text}");
}
