//! A TCP proxy between a phone and the server that breaks connections on purpose: it drops the
//! server's next answer after the server has done the work (a response lost on the way back), or
//! cuts the phone's upload after a number of bytes. It can also be pointed at another server (a
//! restarted one on a new port).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The next fault to inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Pass everything.
    None,
    /// Close the connection instead of passing the server's next answer.
    DropNextResponse,
    /// Close the connection after passing this many more bytes from the phone.
    CutUploadAfter(u64),
}

#[derive(Debug)]
struct Shared {
    target: SocketAddr,
    fault: Fault,
    faults_injected: u64,
    bytes_up: u64,
}

/// The proxy; stops when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    /// `http://127.0.0.1:<port>`: give this to the phone as the server's address.
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: JoinHandle<()>,
}

impl FaultProxy {
    /// A proxy in front of the server at `target` (`http://127.0.0.1:port`).
    pub async fn start(target: &str) -> anyhow::Result<FaultProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(Mutex::new(Shared {
            target: addr_of(target)?,
            fault: Fault::None,
            faults_injected: 0,
            bytes_up: 0,
        }));
        let task = tokio::spawn(accept(listener, Arc::clone(&shared)));
        Ok(FaultProxy { base_url, shared, task })
    }

    /// Arms the next fault.
    pub fn inject(&self, fault: Fault) {
        if let Ok(mut shared) = self.shared.lock() {
            shared.fault = fault;
        }
    }

    /// Points new connections at another server.
    pub fn retarget(&self, target: &str) -> anyhow::Result<()> {
        let addr = addr_of(target)?;
        if let Ok(mut shared) = self.shared.lock() {
            shared.target = addr;
        }
        Ok(())
    }

    /// Bytes passed from phones to the server so far.
    pub fn bytes_up(&self) -> u64 {
        self.shared.lock().map(|s| s.bytes_up).unwrap_or_default()
    }

    /// How many faults have happened so far.
    pub fn faults_injected(&self) -> u64 {
        self.shared.lock().map(|s| s.faults_injected).unwrap_or_default()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn addr_of(url: &str) -> anyhow::Result<SocketAddr> {
    Ok(url.trim_start_matches("http://").trim_end_matches('/').parse()?)
}

async fn accept(listener: TcpListener, shared: Arc<Mutex<Shared>>) {
    while let Ok((phone, _)) = listener.accept().await {
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let target = shared.lock().map(|s| s.target).ok();
            let Some(target) = target else { return };
            let Ok(server) = TcpStream::connect(target).await else { return };
            let (phone_read, phone_write) = phone.into_split();
            let (server_read, server_write) = server.into_split();
            let up = tokio::spawn(pipe(phone_read, server_write, Arc::clone(&shared), Direction::Up));
            let down = tokio::spawn(pipe(server_read, phone_write, Arc::clone(&shared), Direction::Down));
            // When either side ends (or a fault cuts it), the whole connection goes.
            let (up_abort, down_abort) = (up.abort_handle(), down.abort_handle());
            tokio::select! {
                _ = up => {}
                _ = down => {}
            }
            up_abort.abort();
            down_abort.abort();
        });
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    shared: Arc<Mutex<Shared>>,
    direction: Direction,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let Ok(n) = from.read(&mut buffer).await else { return };
        if n == 0 {
            let _ = to.shutdown().await;
            return;
        }
        let pass = {
            let Ok(mut s) = shared.lock() else { return };
            let pass = match (s.fault, direction) {
                (Fault::DropNextResponse, Direction::Down) => {
                    s.fault = Fault::None;
                    s.faults_injected += 1;
                    0
                }
                (Fault::CutUploadAfter(left), Direction::Up) => {
                    let pass = n.min(usize::try_from(left).unwrap_or(usize::MAX));
                    if pass < n {
                        s.fault = Fault::None;
                        s.faults_injected += 1;
                    } else {
                        s.fault = Fault::CutUploadAfter(left - pass as u64);
                    }
                    pass
                }
                _ => n,
            };
            if direction == Direction::Up {
                s.bytes_up += pass as u64;
            }
            pass
        };
        if to.write_all(buffer.get(..pass).unwrap_or_default()).await.is_err() || pass < n {
            return;
        }
    }
}
