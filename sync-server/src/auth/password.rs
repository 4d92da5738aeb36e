//! Password hashes: argon2id with the library's recommended parameters (DESIGN.md decision 3).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::{Error, Result};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

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

/// Whether `password` matches an argon2 `hash`. A malformed hash never matches.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hashed = hash("demo-pass").expect("hash");
        assert!(hashed.starts_with("$argon2id$"));
        assert!(verify("demo-pass", &hashed));
        assert!(!verify("demo-pasS", &hashed));
        assert!(!verify("demo-pass", "not a hash"));
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
