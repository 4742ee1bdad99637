//! Store errors, each naming the data directory.

use std::path::Path;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{path}: {what}: {detail}")]
    Rocks {
        path: String,
        what: &'static str,
        detail: String,
    },
    #[error("{0}")]
    Corrupt(String),
}

impl StoreError {
    pub(crate) fn rocks(path: &Path, what: &'static str, e: rocksdb::Error) -> Self {
        StoreError::Rocks {
            path: path.display().to_string(),
            what,
            detail: e.into_string(),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;
