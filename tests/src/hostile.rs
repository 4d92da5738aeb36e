//! What a hostile client sends, and what it needs to see the server's side of it: oversized,
//! compressed and hostile payloads; answers read whatever state the connection is left in,
//! tallied by status; requests written by hand, so that a body can be sent whole even after the
//! server has answered and stopped reading it; and a watch on `/readyz` while a flood goes on.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinHandle;

/// A status and the JSON body (null when there is none); status 0 when the connection broke
/// before an answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status, or 0.
    pub status: u16,
    /// The body as JSON, or null.
    pub body: Value,
    /// `Retry-After` in seconds, when sent.
    pub retry_after: Option<u64>,
}

impl Answer {
    /// Reads the answer to a request sent with reqwest.
    pub async fn of(sent: reqwest::Result<reqwest::Response>) -> Answer {
        match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after =
                    response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
                let body = response.bytes().await.ok().and_then(|b| serde_json::from_slice(&b).ok());
                Answer { status, body: body.unwrap_or(Value::Null), retry_after }
            }
            Err(_) => Answer { status: 0, body: Value::Null, retry_after: None },
        }
    }

    /// `error.code` of the body, or "".
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }
}

/// How many answers had each status.
#[derive(Debug, Default)]
pub struct Tally(BTreeMap<u16, usize>);

impl Tally {
    /// Counts `answers` by status.
    pub fn of<'a>(answers: impl IntoIterator<Item = &'a Answer>) -> Self {
        let mut tally = Tally::default();
        for answer in answers {
            *tally.0.entry(answer.status).or_default() += 1;
        }
        tally
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(status, n)| format!("{status}×{n}")).collect();
        write!(f, "{}", parts.join(" "))
    }
}

/// How a hand-made request sends its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// With a `Content-Length`.
    Declared,
    /// In chunks, its length unknown until the end.
    Chunked,
}

/// Sends a request to `base_url` + `path` by hand, the body in 1 MiB writes, and reads the answer
/// even when the server answered before reading the body and closed: reqwest then reports the
/// broken write instead of the answer the server sent.
pub async fn send_by_hand(
    base_url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Bytes,
    framing: Framing,
) -> anyhow::Result<Answer> {
    let address = base_url.trim_start_matches("http://").to_owned();
    let (mut reader, mut writer) = tokio::net::TcpStream::connect(&address).await?.into_split();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&match framing {
        Framing::Declared => format!("Content-Length: {}\r\n\r\n", body.len()),
        Framing::Chunked => "Transfer-Encoding: chunked\r\n\r\n".to_owned(),
    });
    let write = async move {
        writer.write_all(head.as_bytes()).await?;
        for chunk in body.chunks(1024 * 1024) {
            if framing == Framing::Chunked {
                writer.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
            }
            writer.write_all(chunk).await?;
            if framing == Framing::Chunked {
                writer.write_all(b"\r\n").await?;
            }
        }
        if framing == Framing::Chunked {
            writer.write_all(b"0\r\n\r\n").await?;
        }
        // Kept open until the answer is read: hyper drops a request whose client half-closes.
        Ok::<_, std::io::Error>(writer)
    };
    let read = async move {
        let mut text = Vec::new();
        reader.read_to_end(&mut text).await.map(|_| text)
    };
    // The write may break once the server has answered and closed; the answer is still there.
    let (_, text) = tokio::time::timeout(Duration::from_secs(30), async { tokio::join!(write, read) }).await?;
    let text = String::from_utf8_lossy(&text?).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let retry_after = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("retry-after:").map(|v| v.trim().to_owned()))
        .and_then(|v| v.parse().ok());
    let body = serde_json::from_str(body).unwrap_or_else(|_| Value::String(text.chars().take(200).collect()));
    Ok(Answer { status, body, retry_after })
}

/// Asks `/readyz` every 50 ms until finished, each time allowing `within` for the answer.
#[derive(Debug)]
pub struct Readiness {
    within: Duration,
    stop: Arc<AtomicBool>,
    task: JoinHandle<Vec<Result<Duration, String>>>,
}

impl Readiness {
    /// Starts asking the server at `base_url`.
    pub fn watch(base_url: &str, within: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (stopping, url) = (Arc::clone(&stop), format!("{base_url}/readyz"));
        let task = tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut seen = Vec::new();
            while !stopping.load(Ordering::Relaxed) {
                let started = Instant::now();
                seen.push(match http.get(&url).timeout(within).send().await {
                    Ok(r) if r.status() == 200 => Ok(started.elapsed()),
                    Ok(r) => Err(format!("answered {}", r.status())),
                    Err(e) => Err(e.to_string()),
                });
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            seen
        });
        Readiness { within, stop, task }
    }

    /// Stops asking. Fails unless every answer was a 200 within the time allowed; returns the
    /// slowest.
    pub async fn finish(self) -> anyhow::Result<Duration> {
        self.stop.store(true, Ordering::Relaxed);
        let seen = self.task.await?;
        anyhow::ensure!(!seen.is_empty(), "/readyz was never asked");
        let mut slowest = Duration::ZERO;
        for outcome in seen {
            let took = outcome.map_err(|e| anyhow::anyhow!("/readyz did not answer within {:?}: {e}", self.within))?;
            slowest = slowest.max(took);
        }
        Ok(slowest)
    }
}

/// A push body of `size` bytes, a JSON object if it were read whole.
pub fn huge_json(size: usize) -> Bytes {
    let mut body = br#"{"device_id": "0190f5c2-0000-7000-8000-000000000001", "mutations": [], "note": ""#.to_vec();
    body.resize(size - 2, b'a');
    body.extend(br#""}"#);
    Bytes::from(body)
}

/// `bytes` gzip-compressed, as a client may send a body.
pub fn gzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// Text a hostile client puts in every field: SQL, markup, a right-to-left override, LIKE
/// wildcards, 4-byte and Kannada characters, a NUL, and the longest text a `Text` column takes
/// (10000 characters, 20 KB) and a little more.
pub fn hostile_texts() -> Vec<String> {
    vec![
        "'; DROP TABLE expenses; --".into(),
        "\" OR 1=1 --".into(),
        "Robert'); DELETE FROM users WHERE ('1'='1".into(),
        "<script>alert(1)</script>".into(),
        "<img src=x onerror=alert(1)>&amp;".into(),
        "\u{202E}gpj.exe".into(),
        "100% off_\\".into(),
        "🚚 ಹೊಸಹಳ್ಳಿ".into(),
        "nul\u{0}byte".into(),
        "é".repeat(10_000),
        "x".repeat(10 * 1024),
    ]
}

/// Whether a field of at most `max` characters takes `text` (no field takes a NUL).
pub fn fits(text: &str, max: usize) -> bool {
    !text.contains('\0') && text.chars().count() <= max
}

/// Valid PNGs of `side`×`side` black RGBA pixels, a few hundred kilobytes each, told apart (and
/// given their own hashes) by a text chunk.
pub fn black_pngs(side: u32, count: usize) -> anyhow::Result<Vec<Vec<u8>>> {
    fn chunk(png: &mut Vec<u8>, kind: &[u8], data: &[u8]) -> anyhow::Result<()> {
        png.extend(u32::try_from(data.len())?.to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        png.extend(kind);
        png.extend(data);
        png.extend(crc.sum().to_be_bytes());
        Ok(())
    }
    let mut pixels = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let row = vec![0u8; 1 + 4 * usize::try_from(side)?];
    for _ in 0..side {
        pixels.write_all(&row)?;
    }
    let pixels = pixels.finish()?;
    let mut header = side.to_be_bytes().to_vec();
    header.extend(side.to_be_bytes());
    header.extend([8, 6, 0, 0, 0]);
    (0..count)
        .map(|i| {
            let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
            chunk(&mut png, b"IHDR", &header)?;
            chunk(&mut png, b"tEXt", format!("Comment\0photo {i}").as_bytes())?;
            chunk(&mut png, b"IDAT", &pixels)?;
            chunk(&mut png, b"IEND", &[])?;
            Ok(png)
        })
        .collect()
}
