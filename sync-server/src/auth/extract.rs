//! `AuthUser`: the signed-in user of a request, from its bearer token, read fresh from the
//! database so that deactivation, logout and role changes apply to the very next request.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::Utc;
use shared_model::protocol::SessionUser;
use shared_model::{Role, error::codes};

use crate::db;
use crate::error::Error;
use crate::state::AppState;

/// The user a request acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    /// User id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Role, as it is now in the database.
    pub role: Role,
    /// Linked vendor.
    pub vendor_id: Option<i64>,
    /// Linked driver row.
    pub driver_id: Option<i64>,
    /// Linked promoter row.
    pub promoter_id: Option<i64>,
    /// Linked client.
    pub client_id: Option<i64>,
    /// The session the token belongs to.
    pub session_id: i64,
}

impl AuthUser {
    /// The user of session `session_id` as the database holds it now; a role this server does not
    /// know is a server fault.
    pub fn of_session(found: db::users::PrincipalRecord, session_id: i64) -> Result<Self, Error> {
        let role: Role = found.role.parse().map_err(|e| Error::Other(anyhow::anyhow!("user {}: {e}", found.id)))?;
        Ok(AuthUser {
            id: found.id,
            name: found.name,
            email: found.email,
            role,
            vendor_id: found.vendor_id,
            driver_id: found.driver_id,
            promoter_id: found.promoter_id,
            client_id: found.client_id,
            session_id,
        })
    }

    /// The user as login, refresh and `/auth/me` describe it.
    pub fn session_user(&self) -> SessionUser {
        SessionUser {
            id: self.id,
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role,
            vendor_id: self.vendor_id,
            driver_id: self.driver_id,
            promoter_id: self.promoter_id,
            client_id: self.client_id,
        }
    }
}

fn unauthorized() -> Error {
    Error::Unauthorized {
        code: codes::UNAUTHORIZED,
        message: "Sign in: the access token is missing, expired or not valid.".into(),
    }
}

fn revoked() -> Error {
    Error::Unauthorized { code: codes::SESSION_REVOKED, message: "This session has ended. Sign in again.".into() }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path().to_owned();
        let Some((user_id, claims)) = bearer(parts).and_then(|token| state.tokens.verify(token)) else {
            tracing::warn!(%path, "refused: no valid access token");
            return Err(unauthorized());
        };
        let mut conn = state.pool.acquire().await?;
        let Some(found) = db::users::principal(&mut conn, user_id, claims.sid).await? else {
            tracing::warn!(%path, user_id, "refused: the token's session does not exist");
            return Err(revoked());
        };
        if !found.is_active || found.revoked_at.is_some() || found.expires_at < Utc::now() {
            tracing::warn!(%path, user_id, active = found.is_active, "refused: session ended or user deactivated");
            return Err(revoked());
        }
        AuthUser::of_session(found, claims.sid)
    }
}
