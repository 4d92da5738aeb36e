//! Where photo bytes live: a local folder by default, any S3-compatible store by configuration.
//!
//! Keys: `photos/<sha256>` (the bytes as uploaded), `thumbs/<sha256>.jpg` (longest side 320 px),
//! `staging/<sha256>/<offset>` (the chunks of an upload under way).

use std::sync::Arc;

use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;

use crate::config::Config;
use crate::error::{Error, Result};

/// The store named by `media_store`: `s3://bucket[/prefix]` (credentials and endpoint from the
/// usual `AWS_*` variables), or a local folder (`file:///path`, a plain path, or by default
/// `data_dir/media`).
pub fn open(config: &Config) -> Result<Arc<dyn ObjectStore>> {
    let target = config.media_store.trim();
    if let Some(rest) = target.strip_prefix("s3://") {
        let bucket = rest.split('/').next().unwrap_or_default();
        let store = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| Error::Config(format!("media_store {target}: {e}")))?;
        let prefix = rest.split_once('/').map(|(_, p)| p.trim_matches('/')).unwrap_or_default();
        if prefix.is_empty() {
            return Ok(Arc::new(store));
        }
        return Ok(Arc::new(object_store::prefix::PrefixStore::new(store, prefix)));
    }
    let folder = match target.strip_prefix("file://") {
        Some(path) => std::path::PathBuf::from(path),
        None if target.is_empty() => config.data_dir.join("media"),
        None => std::path::PathBuf::from(target),
    };
    std::fs::create_dir_all(&folder)
        .map_err(|e| Error::Config(format!("cannot create the media folder {}: {e}", folder.display())))?;
    let store = LocalFileSystem::new_with_prefix(&folder)
        .map_err(|e| Error::Config(format!("media folder {}: {e}", folder.display())))?;
    Ok(Arc::new(store))
}

/// The key of a photo's bytes.
pub fn photo_key(sha256: &str) -> Path {
    Path::from(format!("photos/{sha256}"))
}

/// The key of a photo's thumbnail.
pub fn thumb_key(sha256: &str) -> Path {
    Path::from(format!("thumbs/{sha256}.jpg"))
}

/// The folder of an upload's chunks.
pub fn staging_prefix(sha256: &str) -> Path {
    Path::from(format!("staging/{sha256}"))
}

/// The key of the chunk that starts at `offset` (zero-padded, so keys sort by offset).
pub fn chunk_key(sha256: &str, offset: u64) -> Path {
    Path::from(format!("staging/{sha256}/{offset:012}"))
}
