//! The real `fleet-server` binary as a child process, for tests that need what only a process of
//! its own shows: its memory (`VmRSS` and the kernel's peak, `VmHWM`, from `/proc/<pid>/status`),
//! and surviving whatever a client sends. Killed on `Drop`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::TestDb;

/// `fleet-server`, built into the same target folder as the test or tool running
/// (`target/<profile>/`; test binaries sit one folder deeper, in `deps/`). `scripts/test` builds it
/// before the tests.
pub fn server_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let mut folder = exe.parent().map(Path::to_path_buf).ok_or_else(|| anyhow::anyhow!("no target folder"))?;
    if folder.ends_with("deps") {
        folder.pop();
    }
    let binary = folder.join("fleet-server");
    anyhow::ensure!(
        binary.exists(),
        "{} is missing: build it with `cargo build -p sync-server --bin fleet-server`",
        binary.display()
    );
    Ok(binary)
}

/// A process's memory, in MiB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Memory {
    /// Resident now.
    pub rss_mib: f64,
    /// The most it was ever resident (the kernel's high-water mark).
    pub peak_mib: f64,
}

/// The memory of process `pid` now, and the most it ever had (Linux's `/proc`).
pub fn memory_of(pid: u32) -> anyhow::Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib = |key: &str| -> anyhow::Result<f64> {
        let line = status.lines().find(|l| l.starts_with(key)).ok_or_else(|| anyhow::anyhow!("no {key}"))?;
        let value = line.split_whitespace().nth(1).ok_or_else(|| anyhow::anyhow!("no value in {line}"))?;
        Ok(value.parse::<f64>()?)
    };
    Ok(Memory { rss_mib: kib("VmRSS:")? / 1024.0, peak_mib: kib("VmHWM:")? / 1024.0 })
}

/// `fleet-server serve` on a database of its own, with its log in its data folder.
#[derive(Debug)]
pub struct ChildServer {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    child: Child,
    sampler: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
    sampled_peak_kib: Arc<AtomicU64>,
    data_dir: tempfile::TempDir,
}

impl ChildServer {
    /// Starts the server on `db` (migrated) at a free port of 127.0.0.1, and waits until `/readyz`
    /// answers. Its resident memory is sampled every 20 ms from then on.
    pub async fn start(db: &TestDb) -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let log = File::create(data_dir.path().join("server.log"))?;
        let child = Command::new(server_binary()?)
            .arg("serve")
            .env("FLEET_DATABASE_URL", &db.url)
            .env("FLEET_LISTEN", format!("127.0.0.1:{port}"))
            .env("FLEET_DATA_DIR", data_dir.path())
            .env("FLEET_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()?;
        let mut server = ChildServer {
            base_url: format!("http://127.0.0.1:{port}"),
            child,
            sampler: None,
            sampled_peak_kib: Arc::new(AtomicU64::new(0)),
            data_dir,
        };
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Some(status) = server.child.try_wait()? {
                anyhow::bail!("fleet-server exited at start ({status}): {}", server.log_tail());
            }
            if http.get(server.url("/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
                break;
            }
            anyhow::ensure!(started.elapsed() < Duration::from_secs(30), "not ready in 30 s: {}", server.log_tail());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server.sampler = Some(sample_rss(server.child.id(), Arc::clone(&server.sampled_peak_kib)));
        Ok(server)
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Its memory now, and the most it ever had.
    pub fn memory(&self) -> anyhow::Result<Memory> {
        memory_of(self.pid())
    }

    /// The most resident memory the 20 ms samples saw, in MiB.
    pub fn sampled_peak_mib(&self) -> f64 {
        // Whole KiB counts from /proc: exact in an f64.
        #[allow(clippy::cast_precision_loss, reason = "KiB counts far below 2^52")]
        let kib = self.sampled_peak_kib.load(Ordering::Relaxed) as f64;
        kib / 1024.0
    }

    /// Asks `/readyz` once: how long the answer took, or why there was none in `limit`.
    pub async fn readyz(&self, limit: Duration) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let response = reqwest::Client::new().get(self.url("/readyz")).timeout(limit).send().await?;
        anyhow::ensure!(response.status() == 200, "/readyz answered {}", response.status());
        Ok(started.elapsed())
    }

    /// Signs in and returns the access token, failing on any answer but 200.
    pub async fn login(&self, email: &str, password: &str) -> anyhow::Result<String> {
        let response = reqwest::Client::new()
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await?;
        anyhow::ensure!(response.status() == 200, "login of {email}: {}", response.status());
        let body: Value = response.json().await?;
        body["access_token"].as_str().map(str::to_owned).ok_or_else(|| anyhow::anyhow!("no access_token: {body}"))
    }

    /// The last lines of the server's log.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.data_dir.path().join("server.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

fn sample_rss(pid: u32, peak_kib: Arc<AtomicU64>) -> (Arc<AtomicBool>, JoinHandle<()>) {
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = Arc::clone(&stop);
    let thread = std::thread::spawn(move || {
        while !stopping.load(Ordering::Relaxed) {
            let rss = std::fs::read_to_string(format!("/proc/{pid}/status")).ok().and_then(|status| {
                let line = status.lines().find(|l| l.starts_with("VmRSS:"))?.to_owned();
                line.split_whitespace().nth(1)?.parse::<u64>().ok()
            });
            if let Some(rss) = rss {
                peak_kib.fetch_max(rss, Ordering::Relaxed);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    (stop, thread)
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some((stop, thread)) = self.sampler.take() {
            stop.store(true, Ordering::Relaxed);
            let _ = thread.join();
        }
    }
}
