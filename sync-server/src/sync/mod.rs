//! Phone sync (`../shared/SYNC-PROTOCOL.md`): pushes of captures from phones, merged by last
//! writer wins without losing the losing version. Pull and photos build on the same tables.

pub mod pull;
pub mod push;
