//! The one error type of the testbed: what failed, on which server, and how
//! to fix a machine that was never provisioned.

use std::error::Error as _;
use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::ServerKind;

/// The command that provisions the servers; every "not provisioned" error
/// names it.
pub const PROVISION_HINT: &str =
    "run `make testbed` (scripts/testbed/provision.sh) to provision MySQL 9.7 and MariaDB";

/// Everything that can go wrong while starting, using or stopping a server.
/// `Debug` prints the message, so that a test's `unwrap()` shows the fix.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum TestbedError {
    /// `testbed.env` could not be read.
    #[error("testbed is not provisioned: cannot read {}: {source}; {PROVISION_HINT}", path.display())]
    NotProvisioned { path: PathBuf, source: io::Error },

    /// `testbed.env` lacks a key this server needs.
    #[error("testbed is not provisioned for {kind}: {} has no {key}; {PROVISION_HINT}", path.display())]
    MissingKey {
        kind: ServerKind,
        key: &'static str,
        path: PathBuf,
    },

    /// `testbed.env` names a binary that is not there.
    #[error("{kind} binary {} ({key}) does not exist; {PROVISION_HINT}", path.display())]
    MissingBinary {
        kind: ServerKind,
        key: &'static str,
        path: PathBuf,
    },

    /// A file-system or process-spawning step failed.
    #[error("{context}: {source}")]
    Io { context: String, source: io::Error },

    /// `mysqld --initialize-insecure` or `mariadb-install-db` failed.
    #[error("initialising a {kind} data directory failed ({status}):\n{output}")]
    Init {
        kind: ServerKind,
        status: String,
        output: String,
    },

    /// The server process exited before it accepted connections.
    #[error("{kind} on port {port} exited during start-up ({status}); error log tail:\n{log_tail}")]
    Exited {
        kind: ServerKind,
        port: u16,
        status: String,
        log_tail: String,
    },

    /// The server did not answer `SELECT` in time.
    #[error("{kind} on port {port} was not ready after {secs} s; error log tail:\n{log_tail}")]
    StartTimeout {
        kind: ServerKind,
        port: u16,
        secs: u64,
        log_tail: String,
    },

    /// The client returned a failure for a statement.
    #[error("{kind} client on port {port} failed ({status}): {stderr}")]
    Sql {
        kind: ServerKind,
        port: u16,
        status: String,
        stderr: String,
    },

    /// The server runs without a binary log (`--skip-log-bin`).
    #[error("{kind} on port {port} has binary logging disabled")]
    NoBinlog { kind: ServerKind, port: u16 },

    /// Sending a signal to the server process failed.
    #[error("cannot send SIG{signal} to pid {pid}: {detail}")]
    Signal {
        pid: u32,
        signal: &'static str,
        detail: String,
    },
}

impl TestbedError {
    /// Wraps an I/O error with what was being done.
    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        TestbedError::Io {
            context: context.into(),
            source,
        }
    }
}

impl fmt::Debug for TestbedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")?;
        if let TestbedError::Io { source, .. } = self {
            let mut cause = source.source();
            while let Some(err) = cause {
                write!(f, ": {err}")?;
                cause = err.source();
            }
        }
        Ok(())
    }
}
