//! understudy-binlog: a sans-IO codec for MySQL and MariaDB binary logs and
//! relay logs.
//!
//! It takes bytes and returns typed values or typed errors; it never opens a
//! file or a socket. `reader::EventReader` frames a file held in memory,
//! `stream::each_event` one read from any `std::io::Read` piece by piece,
//! `event::decode` turns one framed event into an `Event`, `rows` turns row
//! images into typed values with the help of the table map, and `gtid`
//! holds GTID sets (MySQL) and GTID lists (MariaDB) with their algebra.
//!
//! Formats follow the MySQL source documentation ("Binary Log" in the MySQL
//! internals manual, dev.mysql.com/doc/dev/mysql-server) and MariaDB's
//! knowledge base, checked against binlogs written by real servers.
#![forbid(unsafe_code)]

pub(crate) mod cursor;
pub mod error;
pub mod event;
pub mod event_type;
pub mod format_description_event;
pub mod gtid;
pub mod header;
pub mod reader;
pub mod relay;
pub mod stream;
pub mod value;

pub use error::{DecodeError, ReadError};
pub use format_description_event::{Flavor, FormatDescription};
pub use header::EventHeader;
pub use reader::{BINLOG_MAGIC, EventReader, RawEvent};
