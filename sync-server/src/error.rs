//! The server's one error type. Handlers return it with `?`; its `IntoResponse` writes the
//! protocol's error body, logging the details of 5xx errors and sending the client only a generic
//! message and the code.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared_model::error::codes;
use shared_model::validate::FieldErrors;
use shared_model::{ErrorBody, ErrorInfo};

/// Anything that can go wrong in the server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad configuration; the message says what and where.
    #[error("configuration: {0}")]
    Config(String),
    /// The database cannot be used; the message says why, in words.
    #[error("{0}")]
    DatabaseUnavailable(String),
    /// The database's schema is newer than this binary's migrations.
    #[error(
        "the database schema is at migration {database}, newer than this fleet-server knows (up to {binary}); run a newer fleet-server"
    )]
    SchemaTooNew {
        /// Newest migration applied to the database.
        database: i64,
        /// Newest migration this binary carries.
        binary: i64,
    },
    /// Fields failed validation (422).
    #[error("{0}")]
    Validation(FieldErrors),
    /// A request that cannot be carried out as asked (400), with a stable code.
    #[error("{message}")]
    BadRequest {
        /// Stable code.
        code: &'static str,
        /// For people.
        message: String,
    },
    /// No valid credentials (401), with a stable code.
    #[error("{message}")]
    Unauthorized {
        /// `unauthorized`, `invalid_credentials` or `session_revoked`.
        code: &'static str,
        /// For people.
        message: String,
    },
    /// The role may not do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed sign-ins (429); try again after this many seconds.
    #[error("too many attempts; retry after {retry_after_secs} s")]
    TooManyAttempts {
        /// Seconds until a new attempt is counted.
        retry_after_secs: u64,
    },
    /// The body is larger than the server takes (413), with a stable code.
    #[error("{message}")]
    PayloadTooLarge {
        /// `payload_too_large` or `batch_too_large`.
        code: &'static str,
        /// For people.
        message: String,
    },
    /// The body is not JSON (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// As much of this work is under way as the server takes at once (503); try again shortly.
    #[error("{0}")]
    Busy(String),
    /// A field the user may not write (403), named in `details.field`.
    #[error("{field} cannot be written by this user")]
    ForbiddenField {
        /// The field.
        field: String,
    },
    /// What was asked for is gone for good (410), with a stable code.
    #[error("{message}")]
    Gone {
        /// `cursor_expired`.
        code: &'static str,
        /// For people.
        message: String,
    },
    /// A refusal with its own status and body (photo uploads: 409 with `details.received`, 413, 422).
    #[error("{}", info.message)]
    Detailed {
        /// The status.
        status: StatusCode,
        /// The body.
        info: ErrorInfo,
    },
    /// No such row, or not one the user may see (404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The change conflicts with the row's state (409), with a stable code.
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// For people.
        message: String,
    },
    /// A database failure.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A migration failure.
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A file or socket failure.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Anything else.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Result with the server's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The HTTP status this error answers with.
    pub fn status_code(&self) -> StatusCode {
        match self {
            Error::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Error::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Gone { .. } => StatusCode::GONE,
            Error::Detailed { status, .. } => *status,
            Error::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::ForbiddenField { .. } => StatusCode::FORBIDDEN,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::DatabaseUnavailable(_) | Error::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Config(_)
            | Error::SchemaTooNew { .. }
            | Error::Database(_)
            | Error::Migrate(_)
            | Error::Io(_)
            | Error::Other(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The body the client sees (the manager pages show the same code and message).
    pub(crate) fn info(&self) -> ErrorInfo {
        match self {
            Error::Validation(errors) => ErrorInfo::validation(errors),
            Error::BadRequest { code, message }
            | Error::Conflict { code, message }
            | Error::Unauthorized { code, message }
            | Error::Gone { code, message } => ErrorInfo::new(code, message.clone()),
            Error::Forbidden(message) => ErrorInfo::new(codes::FORBIDDEN, message.clone()),
            Error::TooManyAttempts { retry_after_secs } => ErrorInfo::new(
                codes::TOO_MANY_ATTEMPTS,
                format!("Too many failed sign-ins. Try again in {} minutes.", retry_after_secs.div_ceil(60)),
            )
            .with_details(serde_json::json!({ "retry_after": retry_after_secs })),
            Error::NotFound(what) => ErrorInfo::new(codes::NOT_FOUND, format!("No such {what}.")),
            Error::Detailed { info, .. } => info.clone(),
            Error::PayloadTooLarge { code, message } => ErrorInfo::new(code, message.clone()),
            Error::UnsupportedMediaType(message) => ErrorInfo::new("unsupported_media_type", message.clone()),
            Error::ForbiddenField { field } => {
                ErrorInfo::new(codes::FORBIDDEN_FIELD, format!("You may not write {field}."))
                    .with_details(serde_json::json!({ "field": field }))
            }
            Error::DatabaseUnavailable(_) => {
                ErrorInfo::new(codes::UNAVAILABLE, "The service cannot reach its database. Try again shortly.")
            }
            Error::Busy(message) => ErrorInfo::new(codes::UNAVAILABLE, message.clone()),
            _ => ErrorInfo::new(codes::INTERNAL, "Something went wrong on the server. Nothing was changed."),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = (status, Json(ErrorBody::from(self.info()))).into_response();
        match &self {
            Error::TooManyAttempts { retry_after_secs } => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            Error::Unauthorized { .. } => {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Error::Busy(_) => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        response
    }
}

/// The name of the unique key or foreign key a MySQL/MariaDB error is about, if any.
///
/// MariaDB says `for key 'uq_users_email'`, MySQL 8 `for key 'users.uq_users_email'`; foreign
/// key failures name the constraint as `CONSTRAINT \`fk_...\``.
pub fn constraint_of(error: &sqlx::Error) -> Option<String> {
    let db = error.as_database_error()?;
    if let Some(name) = db.constraint() {
        return Some(name.to_owned());
    }
    let message = db.message();
    if let Some(rest) = message.split("for key '").nth(1) {
        let key = rest.split('\'').next()?;
        return Some(key.rsplit('.').next().unwrap_or(key).to_owned());
    }
    let rest = message.split("CONSTRAINT `").nth(1)?;
    rest.split('`').next().map(str::to_owned)
}

/// Turns database constraint failures into the errors a client can act on.
pub trait ResultExt<T> {
    /// When the failure is about constraint `name`, answer with `f`'s error instead.
    fn on_constraint(self, name: &str, f: impl FnOnce() -> Error) -> Result<T>;
}

impl<T, E: Into<Error>> ResultExt<T> for std::result::Result<T, E> {
    fn on_constraint(self, name: &str, f: impl FnOnce() -> Error) -> Result<T> {
        self.map_err(|e| match e.into() {
            Error::Database(db) if constraint_of(&db).as_deref() == Some(name) => f(),
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_faults_hide_their_details() {
        let error = Error::Other(anyhow::anyhow!("password=hunter2 leaked in a stack"));
        assert_eq!(error.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        let info = error.info();
        assert_eq!(info.code, "internal");
        assert!(!info.message.contains("hunter2"));
    }

    #[test]
    fn conflicts_keep_their_code() {
        let error =
            Error::Conflict { code: "expense_not_pending", message: "Only pending expenses can be approved.".into() };
        assert_eq!(error.status_code(), StatusCode::CONFLICT);
        assert_eq!(error.info().code, "expense_not_pending");
    }
}
