//! Saving a photo under the SHA-256 of its bytes, `<folder>/<first two hex digits>/<sha256>.jpg`,
//! so the same photo is kept once and its name proves its content. A photo is written to a
//! temporary file beside its final name and renamed into place, so a crash never leaves half a
//! photo under a real name.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Result;

/// Where a photo was saved, and the SHA-256 of its bytes in lowercase hex.
#[derive(Debug)]
pub(super) struct Stored {
    pub path: PathBuf,
    pub sha256: String,
}

/// The path a photo with this SHA-256 (lowercase hex) has under `folder`.
pub fn photo_path(folder: &Path, sha256: &str) -> PathBuf {
    let fan_out = sha256.get(..2).unwrap_or(sha256);
    folder.join(fan_out).join(format!("{sha256}.jpg"))
}

/// Saves `bytes` under their SHA-256 in `folder`, unless a photo with that name is there already.
pub(super) fn save(bytes: &[u8], folder: &Path) -> Result<Stored> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let path = photo_path(folder, &sha256);
    if !path.is_file() {
        write_atomically(&path, bytes)?;
    }
    Ok(Stored { path, sha256 })
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let Some(dir) = path.parent() else {
        return Err(crate::Error::Internal(format!("a photo path without a folder: {}", path.display())));
    };
    fs::create_dir_all(dir)?;
    let mut temporary = tempfile::Builder::new().prefix(".incoming-").suffix(".tmp").tempfile_in(dir)?;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    // Another writer may have saved the same photo meanwhile; replacing it with the same bytes is harmless.
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}
