//! Password hashes: argon2id with the library's recommended parameters (DESIGN.md decision 3).
//! bcrypt hashes from the seed's system are still accepted, and replaced at the next sign-in.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::{Error, Result};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// What a password check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Wrong password, or a hash this server cannot read.
    Mismatch,
    /// Right password, argon2id hash.
    Match,
    /// Right password, legacy bcrypt hash: store a new argon2id hash.
    MatchNeedsRehash,
}

/// Hashes a new password, refusing one that is too short.
pub fn hash(password: &str) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::BadRequest {
            code: "weak_password",
            message: format!("A password needs at least {MIN_PASSWORD_CHARS} characters."),
        });
    }
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).map_err(|e| Error::Other(anyhow::anyhow!("no randomness for a salt: {e}")))?;
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| Error::Other(anyhow::anyhow!("encoding a salt failed: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Other(anyhow::anyhow!("hashing a password failed: {e}")))
}

/// Checks `password` against a stored argon2 or bcrypt `hash`.
pub fn check(password: &str, hash: &str) -> Check {
    if is_bcrypt(hash) {
        return if bcrypt::verify(password, hash).unwrap_or(false) { Check::MatchNeedsRehash } else { Check::Mismatch };
    }
    match PasswordHash::new(hash) {
        Ok(parsed) if Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() => Check::Match,
        _ => Check::Mismatch,
    }
}

/// Whether `password` matches `hash`.
pub fn verify(password: &str, hash: &str) -> bool {
    check(password, hash) != Check::Mismatch
}

/// Spends the time of one real check, so that an unknown email answers as slowly as a wrong
/// password and does not reveal which accounts exist.
pub fn check_against_nothing(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("a password nobody has").unwrap_or_default());
    let _ = check(password, dummy);
}

fn is_bcrypt(hash: &str) -> bool {
    ["$2a$", "$2b$", "$2y$", "$2x$"].iter().any(|prefix| hash.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hashed = hash("demo-pass").expect("hash");
        assert!(hashed.starts_with("$argon2id$"));
        assert_eq!(check("demo-pass", &hashed), Check::Match);
        assert_eq!(check("demo-pasS", &hashed), Check::Mismatch);
        assert_eq!(check("demo-pass", "not a hash"), Check::Mismatch);
    }

    #[test]
    fn a_legacy_bcrypt_hash_matches_and_asks_for_a_rehash() {
        let legacy = bcrypt::hash("demo-pass", 4).expect("bcrypt");
        assert_eq!(check("demo-pass", &legacy), Check::MatchNeedsRehash);
        assert_eq!(check("wrong-pass", &legacy), Check::Mismatch);
    }

    #[test]
    fn two_hashes_of_one_password_differ() {
        assert_ne!(hash("demo-pass").expect("hash"), hash("demo-pass").expect("hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        let err = hash("short").expect_err("too short");
        assert!(err.to_string().contains("at least 8"));
    }
}
