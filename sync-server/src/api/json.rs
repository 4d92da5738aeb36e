//! `ApiJson`: axum's JSON extractor, with the body read within the server's memory for bodies
//! (`limits`) and its refusals answered in the protocol's error body and stable codes instead of
//! plain text.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::limits;

/// The largest JSON body the REST API takes (pushes have their own limit).
pub const MAX_JSON_BYTES: usize = 2 * 1024 * 1024;

/// A JSON request body.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned + Send + 'static,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        if !is_json(&parts.headers) {
            return Err(Error::UnsupportedMediaType(
                "Send the body as JSON with Content-Type: application/json.".to_owned(),
            ));
        }
        let received = limits::receive_json(body, MAX_JSON_BYTES).await.map_err(|refusal| {
            refusal.into_error(Error::PayloadTooLarge {
                code: "payload_too_large",
                message: "The request body is too large.".to_owned(),
            })
        })?;
        // Parsing a large body takes a while: in its turn, and off the threads that answer others.
        let _turn = limits::parse_json(received.bytes.len()).await?;
        let parsed = tokio::task::spawn_blocking(move || axum::Json::<T>::from_bytes(&received.bytes))
            .await
            .map_err(|e| Error::Other(e.into()))?;
        match parsed {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(refusal(&rejection)),
        }
    }
}

/// `application/json`, or another `application/...+json`, as axum's own extractor takes.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn refusal(rejection: &JsonRejection) -> Error {
    let detail = rejection.body_text().replace('\n', " ");
    let (code, message) = match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "The request body is too large.".to_owned()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.".to_owned())
        }
        StatusCode::UNPROCESSABLE_ENTITY => {
            ("invalid_body", format!("The JSON does not have the expected shape: {detail}"))
        }
        _ => ("malformed_json", format!("The body is not valid JSON: {detail}")),
    };
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Error::PayloadTooLarge { code, message },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Error::UnsupportedMediaType(message),
        _ => Error::BadRequest { code, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_json_suffixed_types_are_json() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, axum::http::HeaderValue::from_static(value));
            is_json(&headers)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(with("application/merge-patch+json"));
        assert!(!with("text/plain"));
        assert!(!with("text/json"));
        assert!(!is_json(&HeaderMap::new()));
    }
}
