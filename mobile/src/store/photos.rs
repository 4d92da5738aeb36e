//! Photos taken on the phone (already through the photo pipeline) and how far each upload got.

use rusqlite::{Row, params};
use shared_model::ErrorInfo;
use shared_model::time;

use super::Store;
use crate::Result;
use crate::media::ProcessedPhoto;

/// A photo on the phone.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalPhoto {
    /// Lowercase hex SHA-256 of the file: its name on the server (`media:<sha256>`).
    pub sha256: String,
    /// The file.
    pub path: std::path::PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// `waiting`, `partial`, `uploaded` or `refused`.
    pub state: String,
    /// Bytes the server has.
    pub received: u64,
    /// Why the server refused it.
    pub error: Option<ErrorInfo>,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<LocalPhoto> {
    let code: Option<String> = row.get(7)?;
    let message: Option<String> = row.get(8)?;
    Ok(LocalPhoto {
        sha256: row.get(0)?,
        path: std::path::PathBuf::from(row.get::<_, String>(1)?),
        bytes: u64::try_from(row.get::<_, i64>(2)?).unwrap_or_default(),
        width: row.get(3)?,
        height: row.get(4)?,
        state: row.get(5)?,
        received: u64::try_from(row.get::<_, i64>(6)?).unwrap_or_default(),
        error: code.map(|c| ErrorInfo::new(&c, message.unwrap_or_default())),
    })
}

fn sql_int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

const COLUMNS: &str = "sha256, path, bytes, width, height, state, received, error_code, error_message";

impl Store {
    /// Records a photo from the photo pipeline, waiting for upload; the same photo twice is one.
    pub fn add_photo(&self, photo: &ProcessedPhoto) -> Result<()> {
        self.conn()?.execute(
            "INSERT INTO photos (sha256, path, bytes, width, height, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (sha256) DO NOTHING",
            params![
                photo.sha256,
                photo.path.to_string_lossy(),
                sql_int(photo.bytes),
                photo.width,
                photo.height,
                time::format(&self.wall_now())
            ],
        )?;
        Ok(())
    }

    /// One photo.
    pub fn photo(&self, sha256: &str) -> Result<Option<LocalPhoto>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()?
            .query_row(&format!("SELECT {COLUMNS} FROM photos WHERE sha256 = ?1"), [sha256], from_row)
            .optional()?)
    }

    /// Photos still to upload, oldest first.
    pub fn photos_to_upload(&self) -> Result<Vec<LocalPhoto>> {
        let conn = self.conn()?;
        let mut statement = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM photos WHERE state IN ('waiting', 'partial') ORDER BY created_at, sha256"
        ))?;
        let rows = statement.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Notes how many bytes the server has; `complete` once it has the whole photo.
    pub fn set_photo_received(&self, sha256: &str, received: u64, complete: bool) -> Result<()> {
        self.conn()?.execute(
            "UPDATE photos SET received = ?2, state = ?3 WHERE sha256 = ?1",
            params![sha256, sql_int(received), if complete { "uploaded" } else { "partial" }],
        )?;
        Ok(())
    }

    /// The server refused the photo for good (not an image, too large): it is not sent again.
    pub fn photo_refused(&self, sha256: &str, error: &ErrorInfo) -> Result<()> {
        self.conn()?.execute(
            "UPDATE photos SET state = 'refused', error_code = ?2, error_message = ?3 WHERE sha256 = ?1",
            params![sha256, error.code, error.message],
        )?;
        Ok(())
    }
}
