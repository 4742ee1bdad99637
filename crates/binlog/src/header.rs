//! The common event header.
//!
//! v4 (MySQL 5.0+, all MariaDB) and v3 headers are 19 bytes, little-endian:
//! `timestamp:4 type:1 server_id:4 event_size:4 log_pos:4 flags:2`; a v4
//! format description may declare a longer header whose extra bytes are
//! skipped. v1 headers (MySQL 3.23) stop after `event_size` (13 bytes).

use crate::cursor::Cursor;
use crate::error::Result;

/// Size of the v3/v4 common header.
pub const LOG_EVENT_HEADER_LEN: usize = 19;
/// Size of the v1 common header.
pub const OLD_HEADER_LEN: usize = 13;
/// Offset of `event_size` in every header version.
pub const EVENT_LEN_OFFSET: usize = 9;
/// Offset of `flags` in v3/v4 headers.
pub const FLAGS_OFFSET: usize = 17;

/// Set in the first format description of a binlog that was not closed.
pub const LOG_EVENT_BINLOG_IN_USE_F: u16 = 0x1;
pub const LOG_EVENT_THREAD_SPECIFIC_F: u16 = 0x4;
pub const LOG_EVENT_SUPPRESS_USE_F: u16 = 0x8;
pub const LOG_EVENT_ARTIFICIAL_F: u16 = 0x20;
pub const LOG_EVENT_RELAY_LOG_F: u16 = 0x40;
pub const LOG_EVENT_IGNORABLE_F: u16 = 0x80;
pub const LOG_EVENT_NO_FILTER_F: u16 = 0x100;
pub const LOG_EVENT_MTS_ISOLATE_F: u16 = 0x200;
/// MariaDB: the event was written with `@@skip_replication` set.
pub const LOG_EVENT_SKIP_REPLICATION_F: u16 = 0x8000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventHeader {
    pub timestamp: u32,
    /// The type code as stored in the file (before any FDE permutation).
    pub type_code: u8,
    pub server_id: u32,
    pub event_size: u32,
    /// End position of the event in the source's binlog (0 in v1 headers,
    /// in artificial events, and inside MariaDB 11.4+ transactions).
    pub log_pos: u32,
    pub flags: u16,
}

impl EventHeader {
    /// Decodes a header of `header_len` bytes (13, 19, or a v4 FDE's
    /// declared length).
    #[inline]
    pub fn parse(bytes: &[u8], header_len: usize) -> Result<Self> {
        let mut c = Cursor::new(bytes);
        let timestamp = c.u32("event header timestamp")?;
        let type_code = c.u8("event header type")?;
        let server_id = c.u32("event header server_id")?;
        let event_size = c.u32("event header event_size")?;
        let (log_pos, flags) = if header_len >= LOG_EVENT_HEADER_LEN {
            (c.u32("event header log_pos")?, c.u16("event header flags")?)
        } else {
            (0, 0)
        };
        Ok(EventHeader {
            timestamp,
            type_code,
            server_id,
            event_size,
            log_pos,
            flags,
        })
    }
}
