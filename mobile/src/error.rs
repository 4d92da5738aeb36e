//! The phone app's one error type. Every variant reads as a sentence a driver or promoter can act
//! on; `code()` gives a stable code for logs, tests and the command-line tools.

use shared_model::ErrorInfo;

/// What can go wrong on the phone.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The local database failed.
    #[error("The phone's storage failed: {0}")]
    Store(#[from] rusqlite::Error),
    /// A file could not be read or written.
    #[error("A file could not be read or written: {0}")]
    Io(#[from] std::io::Error),
    /// The server could not be reached, or the connection broke.
    #[error("No connection to the server: {0}")]
    Offline(String),
    /// The server answered with an error.
    #[error("{}", .error.message)]
    Server {
        /// HTTP status.
        status: u16,
        /// The protocol's error body.
        error: ErrorInfo,
    },
    /// There is no account session on this phone; sign in first.
    #[error("Sign in to sync.")]
    SignedOut,
    /// A form or capture breaks a rule; the message names the field.
    #[error("{}", .0.message)]
    Invalid(ErrorInfo),
    /// A photo the app cannot take: not an image, a format it does not read (HEIC), or too large.
    #[error("{message}")]
    Photo {
        /// `not_an_image`, `unsupported_format`, `image_too_large`, ...
        code: &'static str,
        /// In words, for the user.
        message: String,
    },
    /// A GPS track or GPX file the app cannot use.
    #[error("{0}")]
    Track(String),
    /// Something this code did not expect; a bug to report.
    #[error("Unexpected: {0}")]
    Internal(String),
}

impl Error {
    /// A stable code for the error.
    pub fn code(&self) -> &str {
        match self {
            Error::Store(_) => "storage",
            Error::Io(_) => "io",
            Error::Offline(_) => "offline",
            Error::Server { error, .. } => &error.code,
            Error::SignedOut => "signed_out",
            Error::Invalid(info) => &info.code,
            Error::Photo { code, .. } => code,
            Error::Track(_) => "invalid_track",
            Error::Internal(_) => "internal",
        }
    }

    /// Whether trying the same request again later may succeed: no connection, or a server fault.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Offline(_) => true,
            Error::Server { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Internal(format!("JSON: {e}"))
    }
}

/// The phone's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
