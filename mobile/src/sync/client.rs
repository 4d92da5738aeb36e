//! The HTTP client of SYNC-PROTOCOL.md: login, refresh, push, pull, photo status and upload.
//! Connection failures become [`Error::Offline`]; error answers become [`Error::Server`] with the
//! protocol's error body.

use std::io::Write;
use std::time::Duration;

use reqwest::{RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use shared_model::protocol::{
    LoginRequest, MediaStatus, PROTOCOL_HEADER, PROTOCOL_VERSION, PullResponse, PushRequest, PushResponse,
    RefreshRequest, SessionResponse, UploadAnswer,
};
use shared_model::{ErrorBody, ErrorInfo};
use uuid::Uuid;

use crate::{Error, Result};

/// Request bodies larger than this go gzip-compressed.
const COMPRESS_FROM: usize = 1024;

/// One server.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
}

fn offline(e: &reqwest::Error) -> Error {
    Error::Offline(if e.is_timeout() { "the server did not answer in time".into() } else { e.to_string() })
}

impl Client {
    /// A client of the server at `base` (`https://fleet.example.com`).
    pub fn new(base: &str) -> Result<Client> {
        let base = base.trim().trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::Invalid(ErrorInfo::new(
                "invalid_field",
                "The server address starts with https:// (or http:// on a local network).",
            )));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| Error::Internal(format!("HTTP client: {e}")))?;
        Ok(Client { base: base.to_owned(), http })
    }

    /// The server's address.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1/{path}", self.base)
    }

    fn sync(&self, builder: RequestBuilder, token: &str) -> RequestBuilder {
        builder.bearer_auth(token).header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
    }

    /// Signs in.
    pub async fn login(&self, email: &str, password: &str, device_id: Uuid) -> Result<SessionResponse> {
        let body = LoginRequest { email: email.to_owned(), password: password.to_owned(), device_id: Some(device_id) };
        answer(self.http.post(self.url("auth/login")).json(&body).send().await).await
    }

    /// Exchanges a refresh token for a new session.
    pub async fn refresh(&self, refresh_token: &str) -> Result<SessionResponse> {
        let body = RefreshRequest { refresh_token: refresh_token.to_owned() };
        answer(self.http.post(self.url("auth/refresh")).json(&body).send().await).await
    }

    /// Pushes a batch, gzip-compressed.
    pub async fn push(&self, token: &str, request: &PushRequest) -> Result<PushResponse> {
        let json = serde_json::to_vec(request)?;
        let mut builder =
            self.sync(self.http.post(self.url("sync/push")), token).header("Content-Type", "application/json");
        builder = if json.len() >= COMPRESS_FROM {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(&json)?;
            builder.header("Content-Encoding", "gzip").body(encoder.finish()?)
        } else {
            builder.body(json)
        };
        answer(builder.send().await).await
    }

    /// One page of changes after `cursor` (`None`: a first sync).
    pub async fn pull(&self, token: &str, cursor: Option<&str>, limit: u32) -> Result<PullResponse> {
        let mut query = vec![("limit", limit.to_string())];
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor.to_owned()));
        }
        answer(self.sync(self.http.get(self.url("sync/pull")), token).query(&query).send().await).await
    }

    /// How much of a photo the server has.
    pub async fn media_status(&self, token: &str, sha256: &str) -> Result<MediaStatus> {
        answer(self.sync(self.http.get(self.url(&format!("media/{sha256}/status"))), token).send().await).await
    }

    /// Sends the bytes of a photo from `offset` on (`total` is the whole file's size).
    pub async fn media_put(
        &self,
        token: &str,
        sha256: &str,
        offset: u64,
        total: u64,
        bytes: Vec<u8>,
    ) -> Result<UploadAnswer> {
        let builder = self
            .sync(self.http.put(self.url(&format!("media/{sha256}"))), token)
            .query(&[("offset", offset)])
            .header("Upload-Length", total.to_string())
            .header("Content-Type", "application/octet-stream")
            .body(bytes);
        answer(builder.send().await).await
    }
}

async fn answer<T: DeserializeOwned>(sent: reqwest::Result<Response>) -> Result<T> {
    let response = sent.map_err(|e| offline(&e))?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| offline(&e))?;
    if status.is_success() {
        return serde_json::from_slice(&body)
            .map_err(|e| Error::Internal(format!("the server's answer ({status}) could not be read: {e}")));
    }
    Err(Error::Server { status: status.as_u16(), error: error_of(status, &body) })
}

fn error_of(status: StatusCode, body: &[u8]) -> ErrorInfo {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(body) => body.error,
        Err(_) => ErrorInfo::new(&format!("http_{}", status.as_u16()), format!("The server answered {status}.")),
    }
}
