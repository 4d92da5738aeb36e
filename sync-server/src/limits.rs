//! How much of the work a client can make expensive the server does at once: password checks,
//! JSON bodies being received and parsed (push batches also while they are merged), photo bodies
//! being received, photos being decoded. Each is a semaphore shared by every request of the
//! process, so that a flood of requests takes its turn instead of growing the process without
//! bound. `tests/tests/abuse.rs` floods each and measures the server's peak memory.

use std::sync::OnceLock;

use axum::body::{Body, Bytes, HttpBody};
use futures::StreamExt;
use shared_model::protocol::{MAX_PHOTO_BYTES, MAX_PHOTO_SIDE, MAX_PUSH_BYTES};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::{Error, Result};

/// JSON bodies held in memory at once, counted after decompression from their first byte until
/// they are parsed: a hundred of a phone's usual batches, or four of the largest. A gzip body of a
/// few kilobytes can expand to megabytes, so what counts is what arrives, not what was sent; a
/// body that finds this spent is refused at once (503, try again shortly) rather than queued,
/// since bodies that wait while holding part of it could wait for each other forever.
const JSON_BYTES_AT_ONCE: usize = 4 * MAX_PUSH_BYTES;

/// JSON bodies being parsed at once, push batches also while they are merged: one of the largest
/// pushes, or hundreds of a phone's usual ones. Parsed JSON takes up to about 40 times its text
/// (a 4 MiB array of zeros becomes 2 million values, 160 MB while they are gathered), so this keeps
/// parsed bodies to what one of the largest can take.
const PARSE_BYTES_AT_ONCE: usize = MAX_PUSH_BYTES;

/// Photo bytes being received at once: three of the largest photos, or a hundred of a phone's
/// 256 KiB chunks. A photo body is read whole into memory before it is stored.
const PHOTO_BYTES_AT_ONCE: usize = 3 * MAX_PHOTO_BYTES as usize;

/// Pixels being decoded at once: one photo of the largest size taken (8000×8000, 256 MB as
/// RGBA), or a few dozen of a phone's 1600 px photos.
const PIXELS_AT_ONCE: usize = MAX_PHOTO_SIDE as usize * MAX_PHOTO_SIDE as usize;

static JSON_BYTES: Semaphore = Semaphore::const_new(JSON_BYTES_AT_ONCE);
static PARSE_BYTES: Semaphore = Semaphore::const_new(PARSE_BYTES_AT_ONCE);
static PHOTO_BYTES: Semaphore = Semaphore::const_new(PHOTO_BYTES_AT_ONCE);
static PIXELS: Semaphore = Semaphore::const_new(PIXELS_AT_ONCE);

/// A turn at a password check. Argon2 takes 19 MiB and a core for tens of milliseconds: one check
/// per core runs at once.
pub async fn password_check() -> Result<SemaphorePermit<'static>> {
    static CHECKS: OnceLock<Semaphore> = OnceLock::new();
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    acquire(CHECKS.get_or_init(|| Semaphore::new(cores)), 1).await
}

/// A JSON body, and its share of the memory for bodies; keep it while the bytes are used.
#[derive(Debug)]
pub struct Received {
    /// The body, decompressed.
    pub bytes: Bytes,
    _share: Option<SemaphorePermit<'static>>,
}

/// Why a JSON body was not received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotReceived {
    /// More than the endpoint takes.
    TooLarge,
    /// The connection broke, or the compressed stream was corrupt.
    Broken,
    /// The memory for bodies is spent (503).
    Busy,
}

impl NotReceived {
    /// The answer: `too_large` (the endpoint's own 413), 400 for a broken body, 503 when busy.
    pub fn into_error(self, too_large: Error) -> Error {
        match self {
            NotReceived::TooLarge => too_large,
            NotReceived::Broken => Error::BadRequest {
                code: shared_model::error::codes::BAD_REQUEST,
                message: "The body did not arrive whole.".into(),
            },
            NotReceived::Busy => Error::Busy("The server is taking in as much as it can. Try again shortly.".into()),
        }
    }
}

/// Reads a JSON body of at most `max` bytes, taking a share of the memory for bodies as its bytes
/// arrive. A body whose `Content-Length` is over `max` is refused before any of it is read.
pub async fn receive_json(body: Body, max: usize) -> std::result::Result<Received, NotReceived> {
    if body.size_hint().lower() > u64::try_from(max).unwrap_or(u64::MAX) {
        return Err(NotReceived::TooLarge);
    }
    let mut stream = body.into_data_stream();
    let mut chunks = Vec::new();
    let mut length = 0;
    let mut share: Option<SemaphorePermit<'static>> = None;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| NotReceived::Broken)?;
        length += chunk.len();
        if length > max {
            return Err(NotReceived::TooLarge);
        }
        let more = u32::try_from(chunk.len()).map_err(|_| NotReceived::TooLarge)?;
        let more = JSON_BYTES.try_acquire_many(more).map_err(|_| NotReceived::Busy)?;
        match &mut share {
            Some(held) => held.merge(more),
            None => share = Some(more),
        }
        chunks.push(chunk);
    }
    let bytes = match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.swap_remove(0),
        _ => Bytes::from(chunks.concat()),
    };
    Ok(Received { bytes, _share: share })
}

/// A turn at parsing (and, for a push, merging) a JSON body of `bytes`.
pub async fn parse_json(bytes: usize) -> Result<SemaphorePermit<'static>> {
    acquire(&PARSE_BYTES, bytes.min(PARSE_BYTES_AT_ONCE)).await
}

/// A share for receiving a photo body of at most `bytes`, taken before it is read.
pub async fn photo_body(bytes: u64) -> Result<SemaphorePermit<'static>> {
    acquire(&PHOTO_BYTES, usize::try_from(bytes).unwrap_or(usize::MAX).min(PHOTO_BYTES_AT_ONCE)).await
}

/// A share for decoding a photo of `width`×`height` pixels.
pub async fn photo_decode(width: u32, height: u32) -> Result<SemaphorePermit<'static>> {
    let pixels = usize::try_from(u64::from(width) * u64::from(height)).unwrap_or(usize::MAX);
    acquire(&PIXELS, pixels.min(PIXELS_AT_ONCE)).await
}

async fn acquire(semaphore: &'static Semaphore, share: usize) -> Result<SemaphorePermit<'static>> {
    let share = u32::try_from(share.max(1)).unwrap_or(u32::MAX);
    semaphore.acquire_many(share).await.map_err(|e| Error::Other(anyhow::Error::new(e).context("a limit was closed")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_share_larger_than_its_budget_takes_the_whole_budget_instead_of_waiting_forever() {
        let photo = photo_body(u64::MAX).await.expect("share");
        assert_eq!(photo.num_permits(), PHOTO_BYTES_AT_ONCE);
        let pixels = photo_decode(u32::MAX, u32::MAX).await.expect("share");
        assert_eq!(pixels.num_permits(), PIXELS_AT_ONCE);
    }

    #[tokio::test]
    async fn a_body_is_received_whole_and_within_its_size() {
        let chunks = vec![Ok::<_, std::io::Error>(Bytes::from_static(b"{\"a\":")), Ok(Bytes::from_static(b" 1}"))];
        let received = receive_json(Body::from_stream(futures::stream::iter(chunks)), 8).await.expect("body");
        assert_eq!(&received.bytes[..], b"{\"a\": 1}");
        let too_large = receive_json(Body::from("x".repeat(9)), 8).await;
        assert_eq!(too_large.expect_err("too large"), NotReceived::TooLarge);
    }

    #[tokio::test]
    async fn a_body_finding_the_memory_for_bodies_spent_is_refused_at_once() {
        let all = JSON_BYTES.acquire_many(u32::try_from(JSON_BYTES_AT_ONCE).expect("fits")).await.expect("all");
        let refused = receive_json(Body::from("{}"), 8).await;
        drop(all);
        assert_eq!(refused.expect_err("busy"), NotReceived::Busy);
        assert!(receive_json(Body::from("{}"), 8).await.is_ok(), "and taken once there is room");
    }
}
