//! `fleet-server` as an operator meets it: bad configuration ends it with one clear line (never a
//! panic or a backtrace), and its commands do what they say.

use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use fleet_tests::{TestDb, server_url};

/// The binary with only `env` set; its data folder is a fresh temporary one unless `env` names one.
fn fleet_server(env: &[(&str, &str)], args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fleet-server"));
    command.env_clear().args(args).stdin(Stdio::null());
    command.env("FLEET_DATA_DIR", std::env::temp_dir().join(format!("fleet-cli-test-{}", std::process::id())));
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

fn run(env: &[(&str, &str)], args: &[&str]) -> Output {
    fleet_server(env, args).output().expect("fleet-server runs")
}

/// Exit code 1 and exactly one line on standard error, saying `needle`.
fn assert_one_line_failure(output: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {stderr}");
    assert!(lines[0].starts_with("fleet-server: error: "), "{stderr}");
    assert!(lines[0].contains(needle), "expected `{needle}` in: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

#[test]
fn an_unreachable_database_is_one_clear_line() {
    let url = format!("mysql://root@127.0.0.1:{}/fleet", free_port());
    let output = run(&[("FLEET_DATABASE_URL", &url), ("FLEET_DATABASE_CONNECT_TIMEOUT_SECS", "1")], &["serve"]);
    assert_one_line_failure(&output, "cannot reach the database at mysql://root@127.0.0.1:");
}

#[tokio::test]
async fn a_wrong_password_is_one_clear_line_without_the_password() -> anyhow::Result<()> {
    let db = TestDb::empty().await?;
    let mut url = url::Url::parse(&db.url)?;
    url.set_password(Some("not-the-password-4711")).map_err(|()| anyhow::anyhow!("cannot set password"))?;
    let output = run(&[("FLEET_DATABASE_URL", url.as_str())], &["migrate"]);
    assert_one_line_failure(&output, "refused the login");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("not-the-password-4711"));
    Ok(())
}

#[test]
fn a_malformed_url_is_one_clear_line() {
    assert_one_line_failure(&run(&[("FLEET_DATABASE_URL", "mysql//root@localhost")], &["serve"]), "not a valid URL");
    assert_one_line_failure(&run(&[("FLEET_DATABASE_URL", "postgres://root@localhost/fleet")], &["serve"]), "mysql://");
    assert_one_line_failure(&run(&[("FLEET_LISTEN", "not-an-address")], &["serve"]), "listen");
}

#[tokio::test]
async fn a_missing_database_says_how_to_create_it() -> anyhow::Result<()> {
    let url = format!("{}/fleet_no_such_database_here", server_url());
    assert_one_line_failure(&run(&[("FLEET_DATABASE_URL", &url)], &["migrate"]), "CREATE DATABASE");
    Ok(())
}

#[tokio::test]
async fn a_port_in_use_is_one_clear_line() -> anyhow::Result<()> {
    let db = TestDb::empty().await?;
    let taken = TcpListener::bind("127.0.0.1:0")?;
    let address = taken.local_addr()?.to_string();
    let data = tempfile::tempdir()?;
    let data_dir = data.path().to_string_lossy().to_string();
    let output =
        run(&[("FLEET_DATABASE_URL", &db.url), ("FLEET_LISTEN", &address), ("FLEET_DATA_DIR", &data_dir)], &["serve"]);
    assert_one_line_failure(&output, &format!("cannot listen on {address}"));
    Ok(())
}

#[tokio::test]
async fn a_schema_newer_than_the_binary_is_refused() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99999, 'from the future', TRUE, X'00', 0)",
    )
    .execute(&db.pool)
    .await?;
    let output = run(&[("FLEET_DATABASE_URL", &db.url)], &["migrate"]);
    assert_one_line_failure(&output, "newer than this fleet-server knows");
    Ok(())
}

#[tokio::test]
async fn migrate_down_and_up_report_the_schema_version() -> anyhow::Result<()> {
    let db = TestDb::empty().await?;
    let env = [("FLEET_DATABASE_URL", db.url.as_str())];
    let latest = sync_server::db::latest_migration();
    let up = run(&env, &["migrate", "up"]);
    assert!(up.status.success(), "{}", String::from_utf8_lossy(&up.stderr));
    assert_eq!(String::from_utf8_lossy(&up.stdout).trim(), format!("schema at migration {latest}"));
    let down = run(&env, &["migrate", "down", "2"]);
    assert!(down.status.success(), "{}", String::from_utf8_lossy(&down.stderr));
    assert_eq!(sync_server::db::schema_version(&db.pool).await?, Some(latest - 2));
    Ok(())
}

#[tokio::test]
async fn create_user_reads_the_password_from_stdin_and_refuses_duplicates() -> anyhow::Result<()> {
    use std::io::Write;
    let db = TestDb::migrated().await?;
    let create = |email: &str, password: &str| -> anyhow::Result<Output> {
        let mut child = fleet_server(
            &[("FLEET_DATABASE_URL", &db.url)],
            &["create-user", "--email", email, "--name", "Meena Accounts", "--role", "accounts"],
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
        child.stdin.take().ok_or_else(|| anyhow::anyhow!("stdin"))?.write_all(format!("{password}\n").as_bytes())?;
        Ok(child.wait_with_output()?)
    };
    let first = create("meena@demo.test", "a-long-password")?;
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stdout).contains("meena@demo.test (accounts)"));
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = 'meena@demo.test'")
        .fetch_one(&db.pool)
        .await?;
    assert!(sync_server::auth::password::verify("a-long-password", &hash));

    assert_one_line_failure(&create("meena@demo.test", "a-long-password")?, "already exists");
    assert_one_line_failure(&create("other@demo.test", "short")?, "at least 8 characters");
    Ok(())
}

#[tokio::test]
async fn create_user_refuses_a_driver_without_a_driver_row() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    let output = run(
        &[("FLEET_DATABASE_URL", &db.url)],
        &["create-user", "--email", "d@demo.test", "--name", "D", "--role", "driver"],
    );
    assert_one_line_failure(&output, "driver_id");
    let output = run(
        &[("FLEET_DATABASE_URL", &db.url)],
        &["create-user", "--email", "d@demo.test", "--name", "D", "--role", "driver", "--driver-id", "999"],
    );
    // Validation passes; the password is then missing from stdin, which is closed.
    assert_one_line_failure(&output, "no password on standard input");
    Ok(())
}

#[tokio::test]
async fn serve_answers_readyz_logs_each_request_and_stops_on_sigterm() -> anyhow::Result<()> {
    let db = TestDb::empty().await?;
    let port = free_port();
    let data = tempfile::tempdir()?;
    let data_dir = data.path().to_string_lossy().to_string();
    let listen = format!("127.0.0.1:{port}");
    let child = fleet_server(
        &[("FLEET_DATABASE_URL", &db.url), ("FLEET_LISTEN", &listen), ("FLEET_DATA_DIR", &data_dir)],
        &["serve"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()?;

    let url = format!("http://{listen}/readyz");
    let deadline = Instant::now() + Duration::from_secs(30);
    let ready = loop {
        if let Ok(response) = reqwest::get(&url).await {
            break response;
        }
        anyhow::ensure!(Instant::now() < deadline, "server did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(ready.status(), 200, "serve migrates the empty database at start");
    assert!(data.path().join("jwt-secret").is_file(), "a JWT secret is generated in the data folder");

    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status()?;
    assert!(killed.success());
    let output = child.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exit after SIGTERM: {stderr}");
    let request_lines: Vec<&str> =
        stderr.lines().filter(|l| l.contains("path=/readyz") && l.contains("status=200")).collect();
    assert_eq!(request_lines.len(), 1, "one log line per request: {stderr}");
    assert!(stderr.contains("fleet-server stopped"), "{stderr}");
    Ok(())
}
