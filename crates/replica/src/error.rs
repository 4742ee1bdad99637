//! Errors of the replica service, each naming the file or the source.

use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::client::ClientError;

#[derive(Debug, Error)]
pub enum ReplicaError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path}: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("source: {0}")]
    Client(#[from] ClientError),
    #[error("{0}")]
    Config(String),
    /// The I/O task stopped on an error it does not retry (or after its
    /// retries); the same number and text are in the status.
    #[error("replica I/O task stopped: Last_IO_Errno {errno}: {message}")]
    IoStopped { errno: u32, message: String },
    /// The applier stopped on an error (MySQL's Last_SQL_Errno and
    /// Last_SQL_Error).
    #[error("replica applier stopped: Last_SQL_Errno {errno}: {message}")]
    Applier { errno: u32, message: String },
}

impl ReplicaError {
    pub fn io(path: &Path, source: io::Error) -> Self {
        ReplicaError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, ReplicaError>;
