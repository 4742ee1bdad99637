//! Client errors, and the MySQL client error numbers (`CR_*`) a replica
//! shows for them in `Last_IO_Errno`.

use std::io;

use thiserror::Error;
use understudy_mysql_proto::{ProtoError, ServerError};

/// CR_CONN_HOST_ERROR: "Can't connect to MySQL server on '…' (errno)".
pub const CR_CONN_HOST_ERROR: u16 = 2003;
/// CR_SERVER_LOST: "Lost connection to MySQL server during query".
pub const CR_SERVER_LOST: u16 = 2013;
/// CR_SSL_CONNECTION_ERROR.
pub const CR_SSL_CONNECTION_ERROR: u16 = 2026;
/// CR_AUTH_PLUGIN_ERR: an authentication plugin cannot go on.
pub const CR_AUTH_PLUGIN_ERR: u16 = 2061;
/// CR_MALFORMED_PACKET.
pub const CR_MALFORMED_PACKET: u16 = 2027;

#[derive(Debug, Error)]
pub enum ClientError {
    #[error("Can't connect to MySQL server on '{addr}' ({source})")]
    Connect {
        addr: String,
        #[source]
        source: io::Error,
    },
    #[error("Lost connection to MySQL server during query: {0}")]
    Lost(#[source] io::Error),
    #[error("no answer from the source for {0:?} (replica_net_timeout)")]
    Timeout(std::time::Duration),
    #[error("SSL connection error: {0}")]
    Tls(String),
    #[error(transparent)]
    Proto(#[from] ProtoError),
}

impl ClientError {
    /// The server's error packet, when that is what this is.
    pub fn server_error(&self) -> Option<&ServerError> {
        match self {
            ClientError::Proto(ProtoError::Server(e)) => Some(e),
            _ => None,
        }
    }

    /// The error number MySQL shows for this error.
    pub fn errno(&self) -> u16 {
        match self {
            ClientError::Connect { .. } => CR_CONN_HOST_ERROR,
            ClientError::Lost(_) | ClientError::Timeout(_) => CR_SERVER_LOST,
            ClientError::Tls(_) => CR_SSL_CONNECTION_ERROR,
            ClientError::Proto(ProtoError::Server(e)) => e.code,
            ClientError::Proto(ProtoError::Auth(_)) => CR_AUTH_PLUGIN_ERR,
            ClientError::Proto(_) => CR_MALFORMED_PACKET,
        }
    }
}

pub type Result<T> = std::result::Result<T, ClientError>;
