//! Relay logs: the events a replica writes of its own, byte for byte as
//! MySQL 9.7 and MariaDB 10.11 replicas write them, the index file's lines,
//! and the scan that finds where a relay file stops being trustworthy
//! ([`scan_relay_tail`]).
//!
//! A relay file, as real replicas of both flavours write it (observed, see
//! `crates/binlog/RELAY_LOG_NOTES.md`):
//!
//! ```text
//! \xfebin
//! FDE            the replica's own: its server id and version,
//!                flags LOG_EVENT_RELAY_LOG_F, log_pos = its end (offset 4 + size)
//! Previous_gtids MySQL only: the GTIDs received before this file, flags 0xc0
//! Rotate         the source's fake rotate (timestamp 0, flags ARTIFICIAL, log_pos 0)
//! FDE            the source's, as received
//! …              the source's events verbatim, log_pos = their end in the source's binlog
//! Rotate         the replica's own, to the next relay file (flags LOG_EVENT_RELAY_LOG_F)
//!  or Stop       the replica's own, when it shut down (flags 0)
//! ```
//!
//! Everything here takes and returns bytes; no I/O.

mod scan;
#[cfg(test)]
mod tests;

pub use scan::{RelayTailScanner, TailScan, scan_relay_tail};

use crate::event_type::{
    FORMAT_DESCRIPTION_EVENT, GTID_LIST_EVENT, PREVIOUS_GTIDS_LOG_EVENT, ROTATE_EVENT, STOP_EVENT,
};
use crate::format_description_event::{
    BINLOG_CHECKSUM_ALG_CRC32, BINLOG_CHECKSUM_ALG_OFF, BINLOG_CHECKSUM_LEN, Flavor,
};
use crate::gtid::{GtidSet, MariaGtidList};
use crate::header::{LOG_EVENT_HEADER_LEN, LOG_EVENT_IGNORABLE_F, LOG_EVENT_RELAY_LOG_F};
use crate::reader::{BINLOG_MAGIC, event_crc32};

/// Post-header lengths of MySQL 9.7's format description (types 1..=42),
/// as its binlogs and relay logs carry them.
pub const MYSQL_97_POST_HEADER_LENGTHS: [u8; 42] = [
    0x00, 0x0d, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x04, 0x00, 0x00, 0x00, 0x63, 0x00,
    0x04, 0x1a, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x0a, 0x0a,
    0x2a, 0x2a, 0x00, 0x12, 0x34, 0x00, 0x0a, 0x28, 0x00, 0x00,
];

/// Post-header lengths of MariaDB 10.11's format description (types
/// 1..=171): types 1..=41 as listed, zeros up to 160, then MariaDB's own
/// 160..=171.
pub const MARIADB_1011_POST_HEADER_LENGTHS: [u8; 171] = mariadb_post_header_lengths();

const fn mariadb_post_header_lengths() -> [u8; 171] {
    const HEAD: [u8; 41] = [
        0x38, 0x0d, 0x00, 0x08, 0x00, 0x12, 0x00, 0x04, 0x04, 0x04, 0x04, 0x12, 0x00, 0x00, 0xe4,
        0x00, 0x04, 0x1a, 0x08, 0x00, 0x00, 0x00, 0x08, 0x08, 0x08, 0x02, 0x00, 0x00, 0x00, 0x0a,
        0x0a, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x0a, 0x0a,
    ];
    const TAIL: [u8; 11] = [
        0x04, 0x13, 0x04, 0x00, 0x0d, 0x08, 0x08, 0x08, 0x0a, 0x0a, 0x0a,
    ];
    let mut table = [0u8; 171];
    let mut i = 0;
    while i < HEAD.len() {
        table[i] = HEAD[i];
        i += 1;
    }
    let mut j = 0;
    while j < TAIL.len() {
        table[171 - TAIL.len() + j] = TAIL[j];
        j += 1;
    }
    table
}

/// Bytes of the server version field of a format description.
const SERVER_VERSION_LEN: usize = 50;
/// Flags of the Previous_gtids event a MySQL replica writes in its relay log.
pub const RELAY_PREVIOUS_GTIDS_FLAGS: u16 = LOG_EVENT_IGNORABLE_F | LOG_EVENT_RELAY_LOG_F;

/// An event from its parts: the common header (event_size filled in), the
/// body, and a CRC32 when `checksum`.
fn event(
    type_code: u8,
    timestamp: u32,
    server_id: u32,
    log_pos: u32,
    flags: u16,
    body: &[u8],
    checksum: bool,
) -> Vec<u8> {
    let crc_len = if checksum { BINLOG_CHECKSUM_LEN } else { 0 };
    let size = LOG_EVENT_HEADER_LEN + body.len() + crc_len;
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&timestamp.to_le_bytes());
    out.push(type_code);
    out.extend_from_slice(&server_id.to_le_bytes());
    // A relay event is far below 4 GiB; saturate rather than wrap.
    out.extend_from_slice(&u32::try_from(size).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&log_pos.to_le_bytes());
    out.extend_from_slice(&flags.to_le_bytes());
    out.extend_from_slice(body);
    if checksum {
        let crc = event_crc32(&out, type_code == FORMAT_DESCRIPTION_EVENT);
        out.extend_from_slice(&crc.to_le_bytes());
    }
    out
}

/// The format description a replica writes at offset 4 of each relay file:
/// binlog version 4, `server_version` (cut at 50 bytes), create timestamp
/// 0, the post-header table of MySQL 9.7 or MariaDB 10.11, flags
/// LOG_EVENT_RELAY_LOG_F and log_pos = its own end. With `checksum` the
/// algorithm byte is CRC32, otherwise OFF; either way the event ends with
/// its CRC32, as both servers write it (its size does not depend on the
/// algorithm).
pub fn format_description_event(
    server_version: &str,
    flavor: Flavor,
    timestamp: u32,
    server_id: u32,
    checksum: bool,
) -> Vec<u8> {
    let table: &[u8] = match flavor {
        Flavor::MySql => &MYSQL_97_POST_HEADER_LENGTHS,
        Flavor::MariaDb => &MARIADB_1011_POST_HEADER_LENGTHS,
    };
    let mut body = Vec::with_capacity(2 + SERVER_VERSION_LEN + 4 + 1 + table.len() + 1);
    body.extend_from_slice(&4u16.to_le_bytes());
    let version = server_version.as_bytes();
    let version = &version[..version.len().min(SERVER_VERSION_LEN)];
    body.extend_from_slice(version);
    body.resize(2 + SERVER_VERSION_LEN, 0);
    body.extend_from_slice(&0u32.to_le_bytes());
    body.push(LOG_EVENT_HEADER_LEN as u8);
    body.extend_from_slice(table);
    body.push(if checksum {
        BINLOG_CHECKSUM_ALG_CRC32
    } else {
        BINLOG_CHECKSUM_ALG_OFF
    });
    let size = LOG_EVENT_HEADER_LEN + body.len() + BINLOG_CHECKSUM_LEN;
    let end = BINLOG_MAGIC.len() + size;
    event(
        FORMAT_DESCRIPTION_EVENT,
        timestamp,
        server_id,
        end as u32,
        LOG_EVENT_RELAY_LOG_F,
        &body,
        true,
    )
}

/// A Rotate event: `position` (u64) then the file name. As the replica
/// writes it at the end of a relay file: its own server id, the current
/// time, `log_pos` = the event's end offset in the relay file and flags
/// LOG_EVENT_RELAY_LOG_F, pointing at the next relay file and position 4.
/// As the source's fake rotate at the start of a relay file: the source's
/// server id, timestamp 0, log_pos 0 and flags LOG_EVENT_ARTIFICIAL_F.
pub fn rotate_event(
    next_file: &str,
    position: u64,
    server_id: u32,
    timestamp: u32,
    log_pos: u32,
    flags: u16,
    checksum: bool,
) -> Vec<u8> {
    let mut body = Vec::with_capacity(8 + next_file.len());
    body.extend_from_slice(&position.to_le_bytes());
    body.extend_from_slice(next_file.as_bytes());
    event(
        ROTATE_EVENT,
        timestamp,
        server_id,
        log_pos,
        flags,
        &body,
        checksum,
    )
}

/// The Previous_gtids event a MySQL replica writes right after its format
/// description: the GTIDs received before this relay file, in the untagged
/// binary format unless the set has tags (MySQL 9.7 does so in relay logs,
/// where its binlogs use the tagged format even for untagged sets), flags
/// [`RELAY_PREVIOUS_GTIDS_FLAGS`], `log_pos` = its end offset.
pub fn previous_gtids_event(
    gtids: &GtidSet,
    timestamp: u32,
    server_id: u32,
    log_pos: u32,
    checksum: bool,
) -> Vec<u8> {
    event(
        PREVIOUS_GTIDS_LOG_EVENT,
        timestamp,
        server_id,
        log_pos,
        RELAY_PREVIOUS_GTIDS_FLAGS,
        &gtids.encode_binary(),
        checksum,
    )
}

/// A Gtid_list event with the replica's flags ([`RELAY_PREVIOUS_GTIDS_FLAGS`])/// A Gtid_list event flagged LOG_EVENT_RELAY_LOG_F (the replica's own),
/// `log_pos` = its end offset: what understudy writes after its format
/// description in a relay file of a MariaDB source, the GTID positions
/// received before the file (MariaDB's own replicas keep them in
/// `gtid_slave_pos` instead; the event is the one MariaDB binlogs start
/// with, so `mariadb-binlog` reads it).
pub fn gtid_list_event(
    gtids: &MariaGtidList,
    timestamp: u32,
    server_id: u32,
    log_pos: u32,
    checksum: bool,
) -> Vec<u8> {
    let entries: Vec<_> = gtids.iter().collect();
    let mut body = Vec::with_capacity(4 + 16 * entries.len());
    body.extend_from_slice(&(entries.len() as u32 & 0x0fff_ffff).to_le_bytes());
    for g in entries {
        body.extend_from_slice(&g.domain_id.to_le_bytes());
        body.extend_from_slice(&g.server_id.to_le_bytes());
        body.extend_from_slice(&g.seq_no.to_le_bytes());
    }
    event(
        GTID_LIST_EVENT,
        timestamp,
        server_id,
        log_pos,
        LOG_EVENT_RELAY_LOG_F,
        &body,
        checksum,
    )
}

/// The start of a relay file of a MariaDB source as understudy writes it:
/// magic, format description, Gtid_list with `received`.
pub fn mariadb_relay_file_header(
    server_version: &str,
    timestamp: u32,
    server_id: u32,
    received: &MariaGtidList,
    checksum: bool,
) -> Vec<u8> {
    let mut out = BINLOG_MAGIC.to_vec();
    out.extend(format_description_event(
        server_version,
        Flavor::MariaDb,
        timestamp,
        server_id,
        checksum,
    ));
    let list = gtid_list_event(received, timestamp, server_id, 0, checksum);
    let end = out.len() + list.len();
    out.extend(gtid_list_event(
        received,
        timestamp,
        server_id,
        u32::try_from(end).unwrap_or(u32::MAX),
        checksum,
    ));
    out
}

/// The Stop event a replica appends to its current relay file when it
/// shuts down: empty body, flags 0, `log_pos` = its end offset.
pub fn stop_event(timestamp: u32, server_id: u32, log_pos: u32, checksum: bool) -> Vec<u8> {
    event(STOP_EVENT, timestamp, server_id, log_pos, 0, &[], checksum)
}

/// The start of a relay file as a MySQL 9.7 replica writes it: magic,
/// format description, Previous_gtids with `received` (the GTIDs in the
/// relay files before this one). MariaDB replicas write only the magic and
/// the format description (use [`format_description_event`]).
pub fn mysql_relay_file_header(
    server_version: &str,
    timestamp: u32,
    server_id: u32,
    received: &GtidSet,
    checksum: bool,
) -> Vec<u8> {
    let mut out = BINLOG_MAGIC.to_vec();
    out.extend(format_description_event(
        server_version,
        Flavor::MySql,
        timestamp,
        server_id,
        checksum,
    ));
    let crc_len = if checksum { BINLOG_CHECKSUM_LEN } else { 0 };
    let end = out.len() + LOG_EVENT_HEADER_LEN + received.encode_binary().len() + crc_len;
    out.extend(previous_gtids_event(
        received,
        timestamp,
        server_id,
        u32::try_from(end).unwrap_or(u32::MAX),
        checksum,
    ));
    out
}

/// One line of a relay (or binlog) index file, as both servers write it
/// for a log in the data directory: `./<name>\n`.
pub fn index_line(file_name: &str) -> String {
    format!("./{file_name}\n")
}

/// The file names an index lists, in order: blank lines skipped, a
/// leading `./` removed (other paths, e.g. absolute ones from a
/// `--relay-log` with a directory, are returned as written).
pub fn parse_index(text: &str) -> Vec<&str> {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.strip_prefix("./").unwrap_or(l))
        .collect()
}
