//! The real `fleet-server` binary as a child process, so that it can be killed the hard way
//! (SIGKILL, no shutdown code runs) and started again on the same port, and its memory read.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running (or killed) server process.
#[derive(Debug)]
pub struct ServerProcess {
    binary: PathBuf,
    database_url: String,
    data_dir: tempfile::TempDir,
    /// `127.0.0.1:<port>`, the same across restarts.
    pub address: String,
    child: Option<Child>,
}

impl ServerProcess {
    /// Starts `binary` on `database_url` (migrated) at a free port and waits until it is ready.
    pub async fn start(binary: &Path, database_url: &str) -> anyhow::Result<ServerProcess> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut server = ServerProcess {
            binary: binary.to_path_buf(),
            database_url: database_url.to_owned(),
            data_dir: tempfile::tempdir()?,
            address: format!("127.0.0.1:{port}"),
            child: None,
        };
        server.restart().await?;
        Ok(server)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// SIGKILL: requests in flight die with it, their transactions roll back.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the process again (after a kill) and waits for `/readyz`.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.kill();
        let child = Command::new(&self.binary)
            .arg("serve")
            .env("FLEET_DATABASE_URL", &self.database_url)
            .env("FLEET_LISTEN", &self.address)
            .env("FLEET_DATA_DIR", self.data_dir.path())
            .env("FLEET_LOG", std::env::var("SIM_SERVER_LOG").unwrap_or_else(|_| "error".into()))
            .stdout(Stdio::null())
            .spawn()?;
        self.child = Some(child);
        let http = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(answer) = http.get(format!("{}/readyz", self.base_url())).send().await
                && answer.status() == 200
            {
                return Ok(());
            }
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                anyhow::bail!("fleet-server exited at start: {status}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("fleet-server did not become ready")
    }

    /// The process's peak resident memory so far, in MiB (Linux).
    pub fn peak_memory_mb(&self) -> Option<f64> {
        crate::child_server::memory_of(self.pid()?).ok().map(|m| m.peak_mib)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
