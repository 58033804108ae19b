//! The library's one error type and its mapping to HTTP.
//!
//! Every handler returns `Result<_, Error>`; `Error::status_and_message` is
//! the single, exhaustive place that decides what a client sees. It has no
//! `_` arm, so a new variant forces a decision about its status code.

use hyper::StatusCode;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A request parameter or body field is wrong; the message is shown as is.
    #[error("{0}")]
    BadRequest(String),
    /// Missing, unknown, revoked or expired API key; the message says which.
    #[error("{0}")]
    Unauthorized(String),
    /// Missing or wrong admin bearer token.
    #[error("Invalid or missing admin token")]
    AdminUnauthorized,
    /// The key's plan does not include this feature.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("Method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    #[error("Request body too large (limit {limit} bytes)")]
    PayloadTooLarge { limit: usize },
    /// Per-minute limit or brute-force throttle; `retry_after` in seconds.
    #[error("{message}")]
    RateLimited { message: String, retry_after: u64 },
    /// The request took longer than `--request-timeout`.
    #[error("Request timed out")]
    Timeout,
    /// The client stopped sending its body: no data for `seconds`.
    #[error("Request body not received: no data for {seconds} s")]
    BodyTimeout { seconds: u64 },
    /// The server is shutting down or the store is not open.
    #[error("Service unavailable")]
    Unavailable,
    /// SQLite failed. The detail is logged, never sent.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// Anything else unexpected; logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
    /// A setting or a file an operator gave that cannot be used (at start,
    /// or by a command); the message says what to change.
    #[error("{0}")]
    Setup(String),
}

impl Error {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Error::BadRequest(message.into())
    }

    pub fn internal(message: impl std::fmt::Display) -> Self {
        Error::Internal(message.to_string())
    }

    pub fn setup(message: impl std::fmt::Display) -> Self {
        Error::Setup(message.to_string())
    }

    /// The status code and the message the client sees.
    pub fn status_and_message(&self) -> (StatusCode, String) {
        match self {
            Error::BadRequest(message) => (StatusCode::BAD_REQUEST, message.clone()),
            Error::Unauthorized(message) => (StatusCode::UNAUTHORIZED, message.clone()),
            Error::AdminUnauthorized => (StatusCode::UNAUTHORIZED, self.to_string()),
            Error::Forbidden(message) => (StatusCode::FORBIDDEN, message.clone()),
            Error::NotFound(message) => (StatusCode::NOT_FOUND, message.clone()),
            Error::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, self.to_string()),
            Error::Conflict(message) => (StatusCode::CONFLICT, message.clone()),
            Error::PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, self.to_string()),
            Error::RateLimited { message, .. } => (StatusCode::TOO_MANY_REQUESTS, message.clone()),
            Error::Timeout => (StatusCode::SERVICE_UNAVAILABLE, self.to_string()),
            Error::BodyTimeout { .. } => (StatusCode::REQUEST_TIMEOUT, self.to_string()),
            Error::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, self.to_string()),
            Error::Database(_) | Error::Internal(_) | Error::Setup(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal server error. Please try again later.".to_string())
            }
        }
    }
}
