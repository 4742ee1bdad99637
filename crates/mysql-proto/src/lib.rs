//! understudy-mysql-proto: the MySQL client/server protocol without I/O.
//!
//! Functions and small state machines take payloads and return payloads or
//! typed errors; the socket, TLS and tasks belong to the caller
//! (`understudy-replica`'s client). Formats follow the MySQL client/server
//! protocol documentation (dev.mysql.com/doc/dev/mysql-server, "Client/Server
//! Protocol") and MariaDB's knowledge base, checked against real servers.
#![forbid(unsafe_code)]

pub mod auth;
pub mod binary;
pub mod command;
pub mod compress;
pub mod error;
pub mod handshake;
pub mod packet;
pub mod response;
pub mod serve;
pub mod wire;

pub use error::{ProtoError, Result, ServerError};
