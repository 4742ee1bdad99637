//! Typed protocol errors: malformed bytes from the peer, an ERR packet the
//! server sent, or an authentication step this client cannot take.

use thiserror::Error;

/// An error packet as the server sent it: MySQL's error number, SQLSTATE
/// and message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("ERROR {code} ({state}): {message}")]
pub struct ServerError {
    pub code: u16,
    /// Five characters, e.g. `28000`; `HY000` when the packet carried none.
    pub state: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ProtoError {
    /// The payload ended before the structure did.
    #[error("malformed {what}: truncated")]
    Truncated { what: &'static str },
    /// The bytes are present but not what the protocol allows.
    #[error("malformed {what}: {detail}")]
    Invalid { what: &'static str, detail: String },
    /// The server answered with an ERR packet.
    #[error(transparent)]
    Server(#[from] ServerError),
    /// Authentication cannot go on (unknown plugin, no secure channel, bad key).
    #[error("authentication: {0}")]
    Auth(String),
    /// A compressed packet that does not inflate to its announced size.
    #[error("compressed packet: {0}")]
    Compression(String),
}

impl ProtoError {
    pub fn invalid(what: &'static str, detail: impl Into<String>) -> Self {
        ProtoError::Invalid {
            what,
            detail: detail.into(),
        }
    }
}

pub type Result<T> = std::result::Result<T, ProtoError>;
