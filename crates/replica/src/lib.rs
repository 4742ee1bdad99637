//! understudy-replica: the replica service. It owns every socket, file
//! and task: the MySQL client (`client`), the I/O task that streams the
//! source's binlog into the relay log (`io`, `relay_log`, `progress`),
//! master.info and status.

pub mod applier;
pub mod client;
pub mod clone;
pub mod control;
pub mod counters;
pub mod error;
pub mod filters;
pub mod io;
pub mod master_info;
pub mod progress;
pub mod relay_log;
pub mod relay_watch;
pub mod remote;
pub mod service;
pub mod status;
pub mod status_report;
pub mod verify;

pub use error::{ReplicaError, Result};
