//! Photos (SYNC-PROTOCOL.md, "Photos"; DESIGN.md decision 8): addressed by the SHA-256 of their
//! bytes, uploaded in resumable chunks, checked to be a real image within the size limits before
//! any pixel is decoded, stored through `object_store` with a thumbnail, and served only to users
//! who may see a record that uses them.

pub mod check;
pub mod storage;
pub mod uploads;
