//! Authentication: password hashing now; tokens, sessions and the role extractors with the REST API.

pub mod password;
