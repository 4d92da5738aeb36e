//! A TCP proxy between a phone and the server that breaks connections on purpose: it drops the
//! server's next answer after the server has done the work (a response lost on the way back),
//! cuts the phone's upload after a number of bytes, or delivers a request twice (the first
//! request of the next connection is sent again on a connection of its own once the server has
//! begun to answer it). It can also be pointed at another server (a restarted one on a new port).

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
    /// Send the next connection's first request to the server a second time.
    DuplicateNextRequest,
}

/// The most bytes of a request the proxy keeps to deliver it again.
const MAX_REPLAY_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug)]
struct Shared {
    target: SocketAddr,
    fault: Fault,
    faults_injected: u64,
    bytes_up: u64,
    /// Faults carried out, by kind: lost answers, cut uploads, double deliveries.
    by_kind: [u64; 3],
}

/// The kinds of faults the proxy counts apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// An answer dropped after the server did the work.
    LostAnswer,
    /// An upload cut short.
    CutUpload,
    /// A request delivered twice.
    DoubleDelivery,
}

impl Shared {
    fn happened(&mut self, kind: FaultKind) {
        self.faults_injected += 1;
        self.by_kind[kind as usize] += 1;
    }
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
            by_kind: [0; 3],
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

    /// How many faults of `kind` have happened so far.
    pub fn faults_of(&self, kind: FaultKind) -> u64 {
        self.shared.lock().map(|s| s.by_kind[kind as usize]).unwrap_or_default()
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

/// The bytes of a request to deliver again, shared by the two directions of one connection.
type Replay = Arc<Mutex<Option<Vec<u8>>>>;

async fn accept(listener: TcpListener, shared: Arc<Mutex<Shared>>) {
    while let Ok((phone, _)) = listener.accept().await {
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let (target, duplicate) = match shared.lock() {
                Ok(mut s) => {
                    let duplicate = s.fault == Fault::DuplicateNextRequest;
                    if duplicate {
                        s.fault = Fault::None;
                    }
                    (s.target, duplicate)
                }
                Err(_) => return,
            };
            let Ok(server) = TcpStream::connect(target).await else { return };
            let replay: Replay = Arc::new(Mutex::new(duplicate.then(Vec::new)));
            let (phone_read, phone_write) = phone.into_split();
            let (server_read, server_write) = server.into_split();
            let up =
                tokio::spawn(pipe(phone_read, server_write, Arc::clone(&shared), Direction::Up, Arc::clone(&replay)));
            let down = tokio::spawn(pipe(server_read, phone_write, Arc::clone(&shared), Direction::Down, replay));
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

/// Sends `request` to `target` on a new connection and reads the answer away.
async fn deliver_again(target: SocketAddr, request: Vec<u8>, shared: Arc<Mutex<Shared>>) {
    let Ok(mut server) = TcpStream::connect(target).await else { return };
    if server.write_all(&request).await.is_err() {
        return;
    }
    if let Ok(mut s) = shared.lock() {
        s.happened(FaultKind::DoubleDelivery);
    }
    let mut sink = vec![0u8; 16 * 1024];
    // The answer is read until the server has sent something and then goes quiet (keep-alive).
    while let Ok(Ok(n)) = tokio::time::timeout(std::time::Duration::from_secs(5), server.read(&mut sink)).await {
        if n == 0 {
            break;
        }
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    shared: Arc<Mutex<Shared>>,
    direction: Direction,
    replay: Replay,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let Ok(n) = from.read(&mut buffer).await else { return };
        if n == 0 {
            let _ = to.shutdown().await;
            return;
        }
        if let Ok(mut kept) = replay.lock() {
            match direction {
                // The request's bytes are kept while they come ...
                Direction::Up => {
                    if let Some(bytes) = kept.as_mut().filter(|b| b.len() + n <= MAX_REPLAY_BYTES) {
                        bytes.extend_from_slice(buffer.get(..n).unwrap_or_default());
                    }
                }
                // ... and sent again once the server answers the first delivery.
                Direction::Down => {
                    if let Some(request) = kept.take().filter(|b| !b.is_empty()) {
                        let target = shared.lock().map(|s| s.target).ok();
                        if let Some(target) = target {
                            tokio::spawn(deliver_again(target, request, Arc::clone(&shared)));
                        }
                    }
                }
            }
        }
        let pass = {
            let Ok(mut s) = shared.lock() else { return };
            let pass = match (s.fault, direction) {
                (Fault::DropNextResponse, Direction::Down) => {
                    s.fault = Fault::None;
                    s.happened(FaultKind::LostAnswer);
                    0
                }
                (Fault::CutUploadAfter(left), Direction::Up) => {
                    let pass = n.min(usize::try_from(left).unwrap_or(usize::MAX));
                    if pass < n {
                        s.fault = Fault::None;
                        s.happened(FaultKind::CutUpload);
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
