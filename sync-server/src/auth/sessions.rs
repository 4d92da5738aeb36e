//! Sign-in, token refresh and sign-out, each one transaction (SYNC-PROTOCOL.md, "Login").

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use shared_model::error::codes;
use shared_model::protocol::{LoginRequest, SessionResponse, SessionUser};
use sqlx::{MySql, MySqlPool, Transaction};

use super::password::{self, Check};
use super::tokens::{self, ACCESS_TTL_SECS, REFRESH_TTL_DAYS, TokenKeys};
use crate::db;
use crate::error::{Error, Result};

/// Failed sign-ins counted per account and per address over this window.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
/// Failed sign-ins one account may have in the window before it is refused for a while.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed sign-ins one address may have in the window (an office shares one address).
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;

fn invalid_credentials() -> Error {
    Error::Unauthorized { code: codes::INVALID_CREDENTIALS, message: "Wrong email or password.".into() }
}

fn session_revoked(message: &str) -> Error {
    Error::Unauthorized { code: codes::SESSION_REVOKED, message: message.into() }
}

fn retry_after(oldest: Option<DateTime<Utc>>, now: DateTime<Utc>) -> u64 {
    let until = oldest.unwrap_or(now) + Duration::minutes(FAILURE_WINDOW_MINUTES);
    u64::try_from((until - now).num_seconds()).unwrap_or(0).max(1)
}

/// Checks the password of `request.email` and starts a phone (API) session for it.
pub async fn login(
    pool: &MySqlPool,
    keys: &TokenKeys,
    request: LoginRequest,
    address: IpAddr,
) -> Result<SessionResponse> {
    let now = Utc::now();
    let (mut tx, user_id) = authenticate(pool, &request.email, &request.password, address).await?;
    let expires = now + Duration::days(REFRESH_TTL_DAYS);
    let session_id = db::sessions::create(&mut tx, user_id, request.device_id, "api", expires).await?;
    let (refresh_token, refresh_hash) = tokens::new_refresh_token()?;
    db::sessions::add_refresh_token(&mut tx, session_id, &refresh_hash, expires).await?;
    let session_user = session_user(&mut tx, user_id, session_id).await?;
    tx.commit().await?;

    tracing::info!(user_id, session_id, "signed in");
    Ok(SessionResponse {
        access_token: keys.issue(user_id, session_id, now)?,
        refresh_token,
        expires_in: ACCESS_TTL_SECS.unsigned_abs(),
        user: session_user,
    })
}

/// A browser session of the manager pages: the cookie's token (only its hash is stored) and the
/// session's CSRF token.
#[derive(Debug)]
pub struct WebLogin {
    /// The user.
    pub user_id: i64,
    /// Goes in the session cookie.
    pub cookie_token: String,
}

/// How long a browser session lasts: a working day.
pub const WEB_SESSION_HOURS: i64 = 12;

/// Checks the password of `email` and starts a browser session for it.
pub async fn web_login(pool: &MySqlPool, email: &str, password: &str, address: IpAddr) -> Result<WebLogin> {
    let (mut tx, user_id) = authenticate(pool, email, password, address).await?;
    let (cookie_token, token_hash) = tokens::new_refresh_token()?;
    // 32 random bytes (the hash of a fresh random token), written as 64 hex digits.
    let (_, csrf) = tokens::new_refresh_token()?;
    let expires = Utc::now() + Duration::hours(WEB_SESSION_HOURS);
    let session_id = db::sessions::create_web(&mut tx, user_id, &token_hash, &hex::encode(csrf), expires).await?;
    tx.commit().await?;
    tracing::info!(user_id, session_id, "signed in to the manager pages");
    Ok(WebLogin { user_id, cookie_token })
}

/// Checks `email` and `password` under the failed-attempt limits. On success returns the open
/// transaction (failures cleared, a legacy hash replaced) for the caller to start its session in;
/// a failure is recorded and committed before the error returns.
async fn authenticate(
    pool: &MySqlPool,
    email: &str,
    password: &str,
    address: IpAddr,
) -> Result<(Transaction<'static, MySql>, i64)> {
    // Waits for a turn before touching the database: a flood of sign-ins queues here, holding no
    // connection, and checks one password per core.
    let _turn = crate::limits::password_check().await?;
    let now = Utc::now();
    let email = email.trim().to_lowercase();
    let address = address.to_string();
    let since = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
    let mut tx = pool.begin().await?;

    for (count, oldest, limit) in [
        {
            let (c, o) = db::logins::failures_for_email(&mut tx, &email, since).await?;
            (c, o, MAX_FAILURES_PER_ACCOUNT)
        },
        {
            let (c, o) = db::logins::failures_for_address(&mut tx, &address, since).await?;
            (c, o, MAX_FAILURES_PER_ADDRESS)
        },
    ] {
        if count >= limit {
            tracing::warn!(%email, %address, "sign-in refused: too many failed attempts");
            return Err(Error::TooManyAttempts { retry_after_secs: retry_after(oldest, now) });
        }
    }

    let record = db::users::login_record(&mut tx, &email).await?;
    let candidate = password.to_owned();
    let stored = record.as_ref().map(|r| r.password_hash.clone());
    let verdict = tokio::task::spawn_blocking(move || match stored {
        Some(hash) => password::check(&candidate, &hash),
        None => {
            password::check_against_nothing(&candidate);
            Check::Mismatch
        }
    })
    .await
    .map_err(|e| Error::Other(e.into()))?;

    let user = match record {
        Some(user) if user.is_active && verdict != Check::Mismatch => user,
        _ => {
            db::logins::record_failure(&mut tx, &email, &address).await?;
            tx.commit().await?;
            tracing::warn!(%email, %address, "failed sign-in");
            return Err(invalid_credentials());
        }
    };

    if verdict == Check::MatchNeedsRehash {
        let password = password.to_owned();
        let new_hash =
            tokio::task::spawn_blocking(move || password::hash(&password)).await.map_err(|e| Error::Other(e.into()))?;
        // A legacy password too short for today's rule still signs in; it is re-hashed once changed.
        if let Ok(hash) = new_hash {
            db::users::set_password_hash(&mut tx, user.id, &hash).await?;
            tracing::info!(user_id = user.id, "legacy bcrypt hash replaced by argon2id");
        }
    }
    db::logins::clear_for_email(&mut tx, &email).await?;
    tracing::debug!(user_id = user.id, %email, %address, "password accepted");
    Ok((tx, user.id))
}

async fn session_user(conn: &mut sqlx::MySqlConnection, user_id: i64, session_id: i64) -> Result<SessionUser> {
    let found = db::users::principal(conn, user_id, session_id)
        .await?
        .ok_or_else(|| Error::Other(anyhow::anyhow!("session {session_id} vanished")))?;
    Ok(SessionUser {
        id: found.id,
        name: found.name,
        email: found.email,
        role: found.role.parse().map_err(|e| Error::Other(anyhow::anyhow!("user {user_id}: {e}")))?,
        vendor_id: found.vendor_id,
        driver_id: found.driver_id,
        promoter_id: found.promoter_id,
        client_id: found.client_id,
    })
}

/// Spends a refresh token and hands out a new pair. A token that was already spent ends its
/// session: someone else holds a copy.
pub async fn refresh(pool: &MySqlPool, keys: &TokenKeys, refresh_token: &str) -> Result<SessionResponse> {
    let now = Utc::now();
    let hash = tokens::hash_refresh_token(refresh_token);
    let mut tx = pool.begin().await?;
    let Some(stored) = db::sessions::find_refresh_for_update(&mut tx, &hash).await? else {
        tracing::warn!("refresh refused: unknown token");
        return Err(Error::Unauthorized { code: codes::UNAUTHORIZED, message: "Unknown refresh token.".into() });
    };
    if stored.revoked_at.is_some() {
        tracing::warn!(session_id = stored.session_id, "refresh refused: session already ended");
        return Err(session_revoked("This session has ended. Sign in again."));
    }
    if stored.used_at.is_some() {
        db::sessions::revoke(&mut tx, stored.session_id, "refresh_token_reused").await?;
        tx.commit().await?;
        tracing::warn!(
            session_id = stored.session_id,
            user_id = stored.user_id,
            "spent refresh token reused: session ended"
        );
        return Err(session_revoked("This refresh token was already used; the session has been ended. Sign in again."));
    }
    if stored.expires_at < now {
        return Err(session_revoked("This session has expired. Sign in again."));
    }
    let user = session_user_if_active(&mut tx, stored.user_id, stored.session_id).await?;
    let Some(user) = user else {
        db::sessions::revoke(&mut tx, stored.session_id, "user_deactivated").await?;
        tx.commit().await?;
        return Err(session_revoked("This account is no longer active."));
    };
    db::sessions::spend_refresh_token(&mut tx, &hash).await?;
    let expires = now + Duration::days(REFRESH_TTL_DAYS);
    let (refresh_token, refresh_hash) = tokens::new_refresh_token()?;
    db::sessions::add_refresh_token(&mut tx, stored.session_id, &refresh_hash, expires).await?;
    tx.commit().await?;
    Ok(SessionResponse {
        access_token: keys.issue(stored.user_id, stored.session_id, now)?,
        refresh_token,
        expires_in: ACCESS_TTL_SECS.unsigned_abs(),
        user,
    })
}

async fn session_user_if_active(
    conn: &mut sqlx::MySqlConnection,
    user_id: i64,
    session_id: i64,
) -> Result<Option<SessionUser>> {
    let active = db::users::principal(conn, user_id, session_id).await?.is_some_and(|p| p.is_active);
    if active { session_user(conn, user_id, session_id).await.map(Some) } else { Ok(None) }
}

/// Ends a session.
pub async fn logout(pool: &MySqlPool, user_id: i64, session_id: i64) -> Result<()> {
    let mut tx = pool.begin().await?;
    db::sessions::revoke(&mut tx, session_id, "logout").await?;
    tx.commit().await?;
    tracing::info!(user_id, session_id, "signed out");
    Ok(())
}
