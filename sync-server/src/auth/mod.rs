//! Authentication and authorisation: password hashes, tokens, the signed-in user extractor, and
//! the role matrix.

pub mod extract;
pub mod matrix;
pub mod password;
pub mod sessions;
pub mod tokens;

pub use extract::AuthUser;
