//! Who is at the browser: the session cookie, sign-in and sign-out, and the CSRF check every
//! posted form goes through.
//!
//! The cookie `fleet_session` holds a random token; the database keeps only its hash, with the
//! session's CSRF token beside it (migration 0010). The cookie is HttpOnly and SameSite=Lax, and
//! Secure when the request came through HTTPS (a proxy in front says so with
//! `X-Forwarded-Proto: https`). The sign-in form itself is protected by a double-submit token in
//! a short-lived cookie of its own.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use shared_model::Role;

use super::layout;
use super::{PageError, PageResult};
use crate::auth::matrix::{self, Scope};
use crate::auth::{AuthUser, sessions, tokens};
use crate::db;
use crate::error::Error;
use crate::state::AppState;

/// The session cookie.
pub const SESSION_COOKIE: &str = "fleet_session";
/// The sign-in form's double-submit cookie.
const LOGIN_COOKIE: &str = "fleet_login";
/// The largest form the pages take.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// A signed-in user of the pages and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The user, as the API's handlers see one: the same matrix and scopes apply.
    pub user: AuthUser,
    /// Posted back by every form.
    pub csrf: String,
}

impl Signed {
    /// Whether the role reads every row of some table: the office, as opposed to vendors,
    /// clients and field staff.
    pub fn is_office(&self) -> bool {
        is_office(self.user.role)
    }
}

/// Whether `role` works in the office (sees every row of at least one table).
pub fn is_office(role: Role) -> bool {
    matrix::MATRIX.iter().any(|g| g.role == role && g.scope == Scope::All)
}

/// Whether `role` may use the pages at all: field staff use the phone app.
fn may_use_pages(role: Role) -> bool {
    !matches!(role, Role::Driver | Role::Promoter | Role::Anchor)
}

/// The value of cookie `name` in the request.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
}

/// Whether the browser reached the server over HTTPS (through a proxy that says so).
fn over_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.split(',').next().is_some_and(|p| p.trim().eq_ignore_ascii_case("https")))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, for the whole site; Secure over HTTPS.
fn set_cookie(name: &str, value: &str, max_age_secs: i64, headers: &HeaderMap) -> HeaderValue {
    let secure = if over_https(headers) { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("fleet_invalid=; Max-Age=0"))
}

/// Where a request without a session goes: the sign-in page, coming back here afterwards.
fn to_sign_in(parts: &Parts) -> Response {
    let back = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let next = url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>();
    Redirect::to(&format!("/login?next={next}")).into_response()
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE).map(str::to_owned) else {
            return Err(to_sign_in(parts));
        };
        match signed_in(state, &token).await {
            Ok(Some(signed)) => Ok(signed),
            Ok(None) => Err(to_sign_in(parts)),
            Err(error) => Err(PageError::from(error).into_response()),
        }
    }
}

/// The live session of cookie `token`, with its user read fresh from the database.
async fn signed_in(state: &AppState, token: &str) -> Result<Option<Signed>, Error> {
    let mut conn = state.pool.acquire().await?;
    let Some(session) = db::sessions::web_session(&mut conn, &tokens::hash_refresh_token(token)).await? else {
        return Ok(None);
    };
    let Some(found) = db::users::principal(&mut conn, session.user_id, session.id).await? else { return Ok(None) };
    if !found.is_active {
        return Ok(None);
    }
    let user = AuthUser::of_session(found, session.id)?;
    if !may_use_pages(user.role) {
        return Ok(None);
    }
    Ok(Some(Signed { user, csrf: session.csrf_token }))
}

/// A posted form (`application/x-www-form-urlencoded`) of a signed-in user whose CSRF token
/// matched. Anything else is refused with 403 before the handler runs, so nothing changes.
#[derive(Debug)]
pub struct Posted {
    /// Who posted.
    pub signed: Signed,
    /// The fields in order, repeated names kept.
    pub fields: Vec<(String, String)>,
}

impl Posted {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        form_value(&self.fields, name)
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.fields.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn form_value<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn csrf_refused() -> PageError {
    PageError(Error::Forbidden(
        "This form was not sent from a page of this site (its security token is missing or stale). Reload the page and try again."
            .into(),
    ))
}

async fn read_form(request: Request) -> Result<Vec<(String, String)>, PageError> {
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(PageError(Error::UnsupportedMediaType(
            "Send the form as application/x-www-form-urlencoded.".into(),
        )));
    }
    let body = axum::body::to_bytes(request.into_body(), MAX_FORM_BYTES).await.map_err(|_| {
        PageError(Error::PayloadTooLarge { code: "payload_too_large", message: "The form is too large.".into() })
    })?;
    Ok(url::form_urlencoded::parse(&body).into_owned().collect())
}

impl FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let signed = Signed::from_request_parts(&mut parts, state).await?;
        let fields = read_form(Request::from_parts(parts, body)).await.map_err(IntoResponse::into_response)?;
        let sent = form_value(&fields, "csrf").unwrap_or_default();
        if !same(sent.as_bytes(), signed.csrf.as_bytes()) {
            tracing::warn!(user_id = signed.user.id, "refused: form without a valid CSRF token");
            return Err(csrf_refused().into_response());
        }
        Ok(Posted { signed, fields })
    }
}

/// Whether `a` equals `b`, taking the same time wherever they differ (tokens are compared so).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Where a role lands after signing in.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Vendor => "/vendor",
        Role::Client => "/client",
        _ => "/",
    }
}

/// Only paths of this site are followed after sign-in.
fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
}

/// `GET /login`: the form, with a fresh double-submit token.
pub async fn login_form(headers: HeaderMap, uri: axum::http::Uri) -> PageResult {
    let next = uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "next").map(|(_, v)| v.into_owned())
    });
    Ok(login_page(&headers, StatusCode::OK, None, "", safe_next(next.as_deref()))?)
}

fn login_page(
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<&str>,
    email: &str,
    next: Option<&str>,
) -> Result<Response, Error> {
    let (token, _) = tokens::new_refresh_token()?;
    let mut response = (status, layout::login(&token, error, email, next)).into_response();
    response.headers_mut().append(SET_COOKIE, set_cookie(LOGIN_COOKIE, &token, 3600, headers));
    Ok(response)
}

/// `POST /login`: checks the form's token against its cookie, then the password; starts a
/// session and goes to the role's home page.
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> PageResult {
    let headers = request.headers().clone();
    let fields = read_form(request).await?;
    let field = |name| form_value(&fields, name).unwrap_or_default();
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    let next = safe_next(Some(field("next")).filter(|n| !n.is_empty()));
    if expected.is_empty() || !same(field("csrf").as_bytes(), expected.as_bytes()) {
        tracing::warn!("refused: sign-in form without its token");
        let message = "The sign-in form had expired. Please sign in again.";
        return Ok(login_page(&headers, StatusCode::FORBIDDEN, Some(message), field("email"), next)?);
    }
    let login = match sessions::web_login(&state.pool, field("email"), field("password"), peer.ip()).await {
        Ok(login) => login,
        Err(error @ (Error::Unauthorized { .. } | Error::TooManyAttempts { .. })) => {
            let message = error.info().message;
            return Ok(login_page(&headers, error.status_code(), Some(&message), field("email"), next)?);
        }
        Err(other) => return Err(other.into()),
    };
    let mut conn = state.pool.acquire().await?;
    let role = db::users::role_of(&mut conn, login.user_id).await?;
    if !role.is_some_and(may_use_pages) {
        db::sessions::revoke_web(&mut conn, &tokens::hash_refresh_token(&login.cookie_token), "field_role").await?;
        let message =
            "Drivers and promoters use the Fleet phone app; these pages are for the office, vendors and clients.";
        return Ok(login_page(&headers, StatusCode::FORBIDDEN, Some(message), field("email"), next)?);
    }
    let target = next.map_or_else(|| home_of(role.unwrap_or(Role::Admin)).to_owned(), str::to_owned);
    let mut response = Redirect::to(&target).into_response();
    let max_age = sessions::WEB_SESSION_HOURS * 3600;
    response.headers_mut().append(SET_COOKIE, set_cookie(SESSION_COOKIE, &login.cookie_token, max_age, &headers));
    response.headers_mut().append(SET_COOKIE, set_cookie(LOGIN_COOKIE, "", 0, &headers));
    Ok(response)
}

/// `POST /logout`: ends the session and clears the cookie.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap, posted: Posted) -> PageResult {
    sessions::logout(&state.pool, posted.signed.user.id, posted.signed.user.session_id).await?;
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0, &headers));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/expenses?status=pending")), Some("/expenses?status=pending"));
        assert_eq!(safe_next(Some("//evil.example/")), None);
        assert_eq!(safe_next(Some("https://evil.example/")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
    }

    #[test]
    fn the_cookie_is_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; fleet_session=abc; b=2"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_only_over_https() {
        let plain = set_cookie(SESSION_COOKIE, "t", 60, &HeaderMap::new());
        let text = plain.to_str().unwrap_or_default();
        assert!(text.contains("HttpOnly") && text.contains("SameSite=Lax") && !text.contains("Secure"));
        let mut https = HeaderMap::new();
        https.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(set_cookie(SESSION_COOKIE, "t", 60, &https).to_str().unwrap_or_default().ends_with("; Secure"));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
        assert!(!same(b"", b"a"));
    }
}
