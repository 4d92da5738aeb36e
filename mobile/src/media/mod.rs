//! The photo pipeline: what happens to a picture between the camera (or a chosen file) and the
//! phone's photo folder. Each photo is checked (a JPEG, PNG or WebP of sensible size; HEIC is
//! refused with advice), decoded under pixel and memory limits, stood upright by its EXIF
//! orientation, shrunk to [`MAX_SIDE`] pixels on its longest side, re-encoded as JPEG at
//! [`JPEG_QUALITY`] without EXIF (so without the GPS position the camera wrote), and saved under
//! the SHA-256 of its bytes. The same input always gives the same bytes, hence the same name.
//!
//! Plain Rust, no UI: screens call [`process_photo`] or [`process_bytes`] off the UI thread and
//! keep the returned hash on the record. Uploading photos belongs to `sync`, and which records use
//! which photo to `store`.

mod decode;
mod encode;
mod jpeg;
mod sniff;
mod store;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use decode::{MAX_DECODE_ALLOC, MAX_DECODED_PIXELS, MAX_DECODED_SIDE};
pub use encode::{JPEG_QUALITY, MAX_SIDE};
pub use store::photo_path;

use crate::{Error, Result};

/// The largest file the app reads as a photo (40 MiB; phone photos are a few MB).
pub const MAX_INPUT_BYTES: u64 = 40 * 1024 * 1024;

/// A photo saved in the photo folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedPhoto {
    /// `<folder>/<first two hex digits>/<sha256>.jpg`.
    pub path: PathBuf,
    /// SHA-256 of the saved JPEG's bytes, lowercase hex: the photo's identity on the phone and server.
    pub sha256: String,
    /// Width in pixels, upright.
    pub width: u32,
    /// Height in pixels, upright.
    pub height: u32,
    /// Size of the saved JPEG in bytes.
    pub bytes: u64,
}

/// Reads the photo file at `input` and saves its processed JPEG in `out_dir`. A file over
/// [`MAX_INPUT_BYTES`] is refused before it is read.
pub fn process_photo(input: &Path, out_dir: &Path) -> Result<ProcessedPhoto> {
    let bytes = read_photo_file(input)?;
    process_bytes(&bytes, out_dir)
}

/// Processes a photo held in memory (a camera capture) and saves its JPEG in `out_dir`.
pub fn process_bytes(bytes: &[u8], out_dir: &Path) -> Result<ProcessedPhoto> {
    check_input_size(u64::try_from(bytes.len()).unwrap_or(u64::MAX))?;
    let format = sniff::detect(bytes)?;
    let decoded = decode::decode(bytes, format)?;
    let encoded = encode::encode(decoded)?;
    let stored = store::save(&encoded.jpeg, out_dir)?;
    Ok(ProcessedPhoto {
        path: stored.path,
        sha256: stored.sha256,
        width: encoded.width,
        height: encoded.height,
        bytes: u64::try_from(encoded.jpeg.len()).unwrap_or(u64::MAX),
    })
}

/// The file's bytes, refusing a file over the limit from its size on disk, and reading no more
/// than the limit should it grow meanwhile.
fn read_photo_file(input: &Path) -> Result<Vec<u8>> {
    let file = File::open(input)?;
    let size = file.metadata()?.len();
    check_input_size(size)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    check_input_size(u64::try_from(bytes.len()).unwrap_or(u64::MAX))?;
    Ok(bytes)
}

fn check_input_size(size: u64) -> Result<()> {
    if size <= MAX_INPUT_BYTES {
        return Ok(());
    }
    let mebibytes = |bytes: u64| bytes.div_ceil(1024 * 1024);
    Err(refusal(
        "file_too_large",
        format!(
            "This file is too large ({} MB). The app takes photos up to {} MB.",
            mebibytes(size),
            mebibytes(MAX_INPUT_BYTES)
        ),
    ))
}

/// A photo the app will not take, with the code and the words the user sees.
fn refusal(code: &'static str, message: String) -> Error {
    Error::Photo { code, message }
}
