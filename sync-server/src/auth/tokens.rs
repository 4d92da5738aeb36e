//! Access tokens (short-lived JWTs, HS256 only) and refresh tokens (random, single use, stored
//! only as SHA-256 hashes).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// `iss` of every access token.
pub const ISSUER: &str = "fleet-server";
/// `aud` of every access token.
pub const AUDIENCE: &str = "fleet-api/v1";
/// `typ` of access tokens; refresh tokens are not JWTs at all.
pub const ACCESS_TYPE: &str = "access";
/// How long an access token lives, in seconds.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;
/// How long a refresh token lives, in days: a phone offline for weeks can still sync.
pub const REFRESH_TTL_DAYS: i64 = 60;

/// What an access token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// The session the token belongs to.
    pub sid: i64,
    /// Always [`ACCESS_TYPE`].
    pub typ: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
    /// [`ISSUER`].
    pub iss: String,
    /// [`AUDIENCE`].
    pub aud: String,
}

/// Signs and checks access tokens with the server's secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

impl TokenKeys {
    /// Keys from the JWT secret.
    pub fn new(secret: &SecretString) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        validation.validate_exp = true;
        TokenKeys { encoding: EncodingKey::from_secret(bytes), decoding: DecodingKey::from_secret(bytes), validation }
    }

    /// A new access token for `user_id` in `session_id`, issued at `now`.
    pub fn issue(&self, user_id: i64, session_id: i64, now: DateTime<Utc>) -> Result<String> {
        let claims = Claims {
            sub: user_id.to_string(),
            sid: session_id,
            typ: ACCESS_TYPE.to_owned(),
            iat: now.timestamp(),
            exp: now.timestamp() + ACCESS_TTL_SECS,
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| Error::Other(anyhow::anyhow!("signing an access token failed: {e}")))
    }

    /// The claims of a valid access token: right algorithm and signature, not expired, our
    /// issuer and audience, and of the access type. `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<(i64, Claims)> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        let claims = data.claims;
        if claims.typ != ACCESS_TYPE {
            return None;
        }
        let user_id = claims.sub.parse().ok()?;
        Some((user_id, claims))
    }
}

/// A new refresh token and the hash that is stored for it.
pub fn new_refresh_token() -> Result<(String, Vec<u8>)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Other(anyhow::anyhow!("no randomness for a token: {e}")))?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_refresh_token(&token);
    Ok((token, hash))
}

/// The stored form of a refresh token.
pub fn hash_refresh_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&SecretString::from("0123456789abcdef0123456789abcdef-test"))
    }

    #[test]
    fn an_issued_token_verifies_with_its_claims() {
        let token = keys().issue(7, 42, Utc::now()).expect("issue");
        let (user, claims) = keys().verify(&token).expect("valid");
        assert_eq!((user, claims.sid, claims.typ.as_str()), (7, 42, "access"));
        assert_eq!(claims.exp - claims.iat, ACCESS_TTL_SECS);
    }

    #[test]
    fn another_secret_an_old_token_and_garbage_are_refused() {
        let token = keys().issue(7, 42, Utc::now()).expect("issue");
        let other = TokenKeys::new(&SecretString::from("another-secret-another-secret-another"));
        assert!(other.verify(&token).is_none());
        let old = keys().issue(7, 42, Utc::now() - chrono::Duration::hours(1)).expect("issue");
        assert!(keys().verify(&old).is_none());
        assert!(keys().verify("not.a.token").is_none());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let (a, hash_a) = new_refresh_token().expect("token");
        let (b, _) = new_refresh_token().expect("token");
        assert_ne!(a, b);
        assert_eq!(hash_refresh_token(&a), hash_a);
        assert_eq!(hash_a.len(), 32);
        assert!(a.len() >= 43);
    }
}
