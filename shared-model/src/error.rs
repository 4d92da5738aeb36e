//! The one error body every endpoint answers with (SYNC-PROTOCOL.md, conventions), and the stable
//! codes it carries. The server writes it, the phone reads it.

use serde::{Deserialize, Serialize};

use crate::validate::FieldErrors;

/// `{"error": {...}}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorInfo,
}

/// A stable code, a sentence for people, and optional structured details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// snake_case, stable; see [`codes`].
    pub code: String,
    /// Text a person can read.
    pub message: String,
    /// Structured details (`field`, `received`, `fields`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

impl ErrorInfo {
    /// An error without details.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ErrorInfo { code: code.to_owned(), message: message.into(), details: None }
    }

    /// Adds structured details.
    #[must_use]
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// A 422 for a record whose fields failed validation; `details.fields` lists each failure.
    pub fn validation(errors: &FieldErrors) -> Self {
        ErrorInfo::new(codes::VALIDATION_FAILED, errors.to_string())
            .with_details(serde_json::json!({ "fields": errors }))
    }
}

impl From<ErrorInfo> for ErrorBody {
    fn from(error: ErrorInfo) -> Self {
        ErrorBody { error }
    }
}

/// Error codes. Clients match on them: never rename one.
pub mod codes {
    /// `400`: `X-Sync-Protocol` missing or not `1`.
    pub const UNSUPPORTED_PROTOCOL: &str = "unsupported_protocol";
    /// `400`: the request body is not the JSON the endpoint takes.
    pub const BAD_REQUEST: &str = "bad_request";
    /// `401`: unknown email or wrong password (the same answer for both).
    pub const INVALID_CREDENTIALS: &str = "invalid_credentials";
    /// `401`: no valid access token.
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// `401`: the session was ended (spent refresh token reused, user deactivated, logout).
    pub const SESSION_REVOKED: &str = "session_revoked";
    /// `403`: the role may not do this.
    pub const FORBIDDEN: &str = "forbidden";
    /// `404`
    pub const NOT_FOUND: &str = "not_found";
    /// `409`: the change conflicts with the row's state.
    pub const CONFLICT: &str = "conflict";
    /// `410`: the pull cursor points before the pruned change feed.
    pub const CURSOR_EXPIRED: &str = "cursor_expired";
    /// `413`: more than 500 mutations or 4 MiB in one push.
    pub const BATCH_TOO_LARGE: &str = "batch_too_large";
    /// `422`: fields failed validation; `details.fields`.
    pub const VALIDATION_FAILED: &str = "validation_failed";
    /// `429`: too many login attempts.
    pub const TOO_MANY_ATTEMPTS: &str = "too_many_attempts";
    /// `500`: the server failed; nothing of the request was stored.
    pub const INTERNAL: &str = "internal";
    /// `503`: the server cannot reach its database, or has as much work under way as it takes
    /// (`Retry-After`); try again shortly.
    pub const UNAVAILABLE: &str = "unavailable";
    /// Push result: a key the phone may not write; `details.field`.
    pub const FORBIDDEN_FIELD: &str = "forbidden_field";
    /// Push result: a capture field failed its rule; `details.field`.
    pub const INVALID_FIELD: &str = "invalid_field";
    /// Push result: the expense is no longer pending.
    pub const EXPENSE_LOCKED: &str = "expense_locked";
    /// Photos: resume from `details.received`.
    pub const OFFSET_MISMATCH: &str = "offset_mismatch";
    /// Photos: the bytes do not hash to the address.
    pub const HASH_MISMATCH: &str = "hash_mismatch";
    /// Photos: not a JPEG, PNG or WebP.
    pub const NOT_AN_IMAGE: &str = "not_an_image";
    /// Photos: over 8000 px a side.
    pub const IMAGE_TOO_LARGE: &str = "image_too_large";
    /// Photos: over 10 MiB.
    pub const FILE_TOO_LARGE: &str = "file_too_large";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{FieldError, code};

    #[test]
    fn the_body_has_the_protocol_shape() {
        let body = ErrorBody::from(ErrorInfo::new(codes::UNSUPPORTED_PROTOCOL, "Send X-Sync-Protocol: 1."));
        let json = serde_json::to_value(&body).expect("serialise");
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "unsupported_protocol", "message": "Send X-Sync-Protocol: 1."}})
        );
        assert_eq!(serde_json::from_value::<ErrorBody>(json).expect("parse"), body);
    }

    #[test]
    fn validation_errors_list_each_field() {
        let errors = FieldErrors(vec![FieldError::new("amount", code::OUT_OF_RANGE, "amount must be more than 0.00")]);
        let info = ErrorInfo::validation(&errors);
        assert_eq!(info.code, "validation_failed");
        let details = info.details.expect("details");
        assert_eq!(details["fields"][0]["field"], "amount");
        assert_eq!(details["fields"][0]["code"], "out_of_range");
    }
}
