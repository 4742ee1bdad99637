//! Typed decode errors. "Need more bytes" (`Truncated`) is kept apart from
//! "these bytes are not what the format allows" (`Invalid`), and every error
//! says what was being read.

use thiserror::Error;

/// An error decoding one structure from a complete byte slice.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The slice ended before the structure did.
    #[error("truncated {what}: needed {need} more byte(s), {have} left")]
    Truncated {
        what: &'static str,
        need: usize,
        have: usize,
    },
    /// The bytes are present but not valid for the format.
    #[error("invalid {what}: {detail}")]
    Invalid { what: &'static str, detail: String },
    /// A well-formed feature this codec does not implement.
    #[error("unsupported {what}: {detail}")]
    Unsupported { what: &'static str, detail: String },
}

impl DecodeError {
    pub(crate) fn invalid(what: &'static str, detail: impl Into<String>) -> Self {
        DecodeError::Invalid {
            what,
            detail: detail.into(),
        }
    }
    pub(crate) fn unsupported(what: &'static str, detail: impl Into<String>) -> Self {
        DecodeError::Unsupported {
            what,
            detail: detail.into(),
        }
    }
}

/// An error reading a binlog or relay-log file: where it happened and why.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ReadError {
    #[error("not a binary log: the file does not start with \\xfebin")]
    BadMagic,
    #[error("at offset {offset}: file ends inside an event header ({have} of {need} bytes)")]
    TruncatedHeader {
        offset: u64,
        have: usize,
        need: usize,
    },
    #[error(
        "at offset {offset}: file ends inside a {type_name} event ({have} of {event_size} bytes)"
    )]
    TruncatedEvent {
        offset: u64,
        type_name: &'static str,
        event_size: u32,
        have: usize,
    },
    #[error("at offset {offset}: event size {event_size} is smaller than its header ({min})")]
    BadEventSize {
        offset: u64,
        event_size: u32,
        min: usize,
    },
    #[error(
        "at offset {offset}: {type_name} event checksum mismatch: stored {stored:#010x}, computed {computed:#010x}"
    )]
    Checksum {
        offset: u64,
        type_name: &'static str,
        stored: u32,
        computed: u32,
    },
    #[error("at offset {offset}: {type_name} event: {source}")]
    Decode {
        offset: u64,
        type_name: &'static str,
        #[source]
        source: DecodeError,
    },
}

impl ReadError {
    /// File offset of the event the error is about (0 for a bad magic).
    pub fn offset(&self) -> u64 {
        match self {
            ReadError::BadMagic => 0,
            ReadError::TruncatedHeader { offset, .. }
            | ReadError::TruncatedEvent { offset, .. }
            | ReadError::BadEventSize { offset, .. }
            | ReadError::Checksum { offset, .. }
            | ReadError::Decode { offset, .. } => *offset,
        }
    }
}

pub type Result<T, E = DecodeError> = std::result::Result<T, E>;
