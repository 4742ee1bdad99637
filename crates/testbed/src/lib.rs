//! understudy-testbed: private MySQL 9.7 and MariaDB servers for
//! integration tests, on loopback, each in its own temporary directory.
//!
//! The binaries come from `scripts/testbed/provision.sh`, which writes
//! `$UNDERSTUDY_CACHE/testbed.env` (default `~/.cache/understudy`). A
//! machine that was never provisioned is a loud error that names the fix,
//! never a silently skipped test.
//!
//! ```no_run
//! use understudy_testbed::{Server, ServerKind, ServerOptions};
//! # fn main() -> Result<(), understudy_testbed::TestbedError> {
//! for kind in ServerKind::all_available()? {
//!     let server = Server::start(kind, ServerOptions::new().binlog_format("ROW"))?;
//!     server.sql("CREATE DATABASE d; CREATE TABLE d.t (a INT); INSERT INTO d.t VALUES (1)")?;
//!     let binlogs = server.binlog_files()?;
//!     server.stop()?;
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Servers are stopped by the pid this crate spawned, never by name. A
//! `Server` that is dropped is SIGKILLed and its directory removed; set
//! `UNDERSTUDY_KEEP_SERVERS=1` to stop gracefully and keep the directory.

mod client;
pub mod error;
mod init;
pub mod options;
mod process;
pub mod server;
pub mod testbed;

pub use error::{PROVISION_HINT, TestbedError};
pub use options::ServerOptions;
pub use server::Server;
pub use testbed::{Binaries, ServerKind, Testbed};
