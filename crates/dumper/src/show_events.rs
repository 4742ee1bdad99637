//! The rows of `SHOW BINLOG EVENTS` / `SHOW RELAYLOG EVENTS` (MySQL) and
//! `SHOW BINLOG EVENTS` (MariaDB), rendered from a file's bytes: `Pos`,
//! `Event_type`, `Server_id`, `End_log_pos` and `Info` as the server that
//! wrote the file prints them (the caller adds `Log_name`). Sans-IO.
//!
//! What the servers print was observed on MySQL 9.7 and MariaDB 10.11 /
//! 11.8 (see `tests/show_events.rs`, which compares every row with the
//! server's own):
//! - the server that wrote the file (the flavor of its first format
//!   description) decides the dialect, also in a relay log whose source
//!   is of the other kind;
//! - the events inside a MySQL transaction payload follow it, each shown
//!   at the payload's end offset with the payload's `End_log_pos`;
//! - `End_log_pos` is the header's `log_pos` field as stored.

use std::borrow::Cow;

use thiserror::Error;
use understudy_binlog::event::mariadb_events::{FL_COMPLETED_XA, FL_PREPARED_XA, FL_STANDALONE};
use understudy_binlog::event::{self, Event, intvar_event};
use understudy_binlog::event_type::*;
use understudy_binlog::header::LOG_EVENT_SUPPRESS_USE_F;
use understudy_binlog::{EventReader, Flavor, RawEvent, ReadError};

use crate::gtids::xid;
use crate::text::{Buf, hex_upper};
use crate::w;

/// One row of `SHOW BINLOG EVENTS`, without its `Log_name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowEventRow {
    /// `Pos`: the event's file offset (for an event inside a transaction
    /// payload, the payload's end).
    pub pos: u64,
    /// `Event_type`: the server's name for the type (`Query`, `Gtid`, …).
    pub event_type: &'static str,
    /// `Server_id`.
    pub server_id: u32,
    /// `End_log_pos`: the header's `log_pos`.
    pub end_log_pos: u64,
    /// `Info`, as bytes: a query's text is not always UTF-8.
    pub info: Vec<u8>,
}

impl ShowEventRow {
    /// `Info` as text, invalid UTF-8 replaced.
    pub fn info_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.info)
    }
}

/// Why a file cannot be listed further.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ShowEventsError {
    /// The bytes are not a binlog, or an event cannot be framed or decoded;
    /// names the event's offset.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// `FROM pos` does not name the start of an event.
    #[error("position {pos} is not the start of an event (an event starts at {next})")]
    NotAnEventStart { pos: u64, next: u64 },
}

impl ShowEventsError {
    /// File offset of the event the error is about.
    pub fn offset(&self) -> u64 {
        match self {
            ShowEventsError::Read(e) => e.offset(),
            ShowEventsError::NotAnEventStart { pos, .. } => *pos,
        }
    }
}

/// Every row of a whole binlog or relay-log file (starting with its magic).
pub fn show_events(file: &[u8]) -> Result<Vec<ShowEventRow>, ShowEventsError> {
    ShowEvents::new(file)?.collect()
}

/// The rows of a file one at a time. Start with [`ShowEvents::from_position`]
/// for `FROM pos`, and `take(n)` / `skip(n)` for `LIMIT`: events before the
/// start are framed (to follow the format descriptions and checksum
/// algorithm in force) but not decoded.
#[derive(Debug, Clone)]
pub struct ShowEvents<'a> {
    reader: EventReader<'a>,
    /// The flavor of the server that wrote the file (its first FDE).
    writer: Option<Flavor>,
    /// Rows of the events inside the last transaction payload, in reverse.
    inner: Vec<ShowEventRow>,
    failed: bool,
}

impl<'a> ShowEvents<'a> {
    /// The rows of a whole file, from its first event.
    pub fn new(file: &'a [u8]) -> Result<Self, ShowEventsError> {
        Ok(ShowEvents {
            reader: EventReader::new(file)?,
            writer: None,
            inner: Vec::new(),
            failed: false,
        })
    }

    /// The rows from the event at `pos` (`SHOW BINLOG EVENTS FROM pos`);
    /// a position of 4 or less starts at the first event.
    pub fn from_position(file: &'a [u8], pos: u64) -> Result<Self, ShowEventsError> {
        let mut walk = ShowEvents::new(file)?;
        while walk.reader.position() < pos {
            let Some(next) = walk.reader.next_event() else {
                break;
            };
            let raw = next?;
            walk.note_writer(&raw);
        }
        let next = walk.reader.position();
        if pos > 4 && next != pos {
            return Err(ShowEventsError::NotAnEventStart { pos, next });
        }
        Ok(walk)
    }

    fn note_writer(&mut self, raw: &RawEvent<'_>) {
        if self.writer.is_none() && raw.type_code == FORMAT_DESCRIPTION_EVENT {
            self.writer = Some(self.reader.fde().flavor);
        }
    }

    fn next_row(&mut self) -> Option<Result<ShowEventRow, ShowEventsError>> {
        if let Some(row) = self.inner.pop() {
            return Some(Ok(row));
        }
        if self.failed {
            return None;
        }
        let raw = match self.reader.next_event()? {
            Ok(raw) => raw,
            Err(e) => {
                self.failed = true;
                return Some(Err(e.into()));
            }
        };
        self.note_writer(&raw);
        let result = self.row(&raw);
        if result.is_err() {
            self.failed = true;
        }
        Some(result)
    }

    fn row(&mut self, raw: &RawEvent<'_>) -> Result<ShowEventRow, ShowEventsError> {
        let fde = self.reader.fde();
        let mariadb = self.writer.unwrap_or(fde.flavor) == Flavor::MariaDb;
        let ev = event::decode_at(raw, fde)?;
        if let Event::TransactionPayload(p) = &ev {
            let mut rows = Vec::new();
            let end = raw.end_offset();
            crate::payload::each_inner(raw, p, fde, |inner_raw, inner, _| {
                rows.push(ShowEventRow {
                    pos: end,
                    event_type: type_name(inner_raw.type_code),
                    server_id: inner_raw.header.server_id,
                    end_log_pos: u64::from(raw.header.log_pos),
                    info: info(inner_raw, inner, mariadb),
                });
                Ok(())
            })?;
            rows.reverse();
            self.inner = rows;
        }
        Ok(ShowEventRow {
            pos: raw.offset,
            event_type: type_name(raw.type_code),
            server_id: raw.header.server_id,
            end_log_pos: u64::from(raw.header.log_pos),
            info: info(raw, &ev, mariadb),
        })
    }
}

impl Iterator for ShowEvents<'_> {
    type Item = Result<ShowEventRow, ShowEventsError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row()
    }
}

/// The `Event_type` column.
pub fn type_name(code: u8) -> &'static str {
    match code {
        START_EVENT_V3 => "Start_v3",
        QUERY_EVENT => "Query",
        STOP_EVENT => "Stop",
        ROTATE_EVENT => "Rotate",
        INTVAR_EVENT => "Intvar",
        LOAD_EVENT => "Load",
        SLAVE_EVENT => "Slave",
        CREATE_FILE_EVENT => "Create_file",
        APPEND_BLOCK_EVENT => "Append_block",
        EXEC_LOAD_EVENT => "Exec_load",
        DELETE_FILE_EVENT => "Delete_file",
        NEW_LOAD_EVENT => "New_load",
        RAND_EVENT => "RAND",
        USER_VAR_EVENT => "User var",
        FORMAT_DESCRIPTION_EVENT => "Format_desc",
        XID_EVENT => "Xid",
        BEGIN_LOAD_QUERY_EVENT => "Begin_load_query",
        EXECUTE_LOAD_QUERY_EVENT => "Execute_load_query",
        TABLE_MAP_EVENT => "Table_map",
        PRE_GA_WRITE_ROWS_EVENT => "Write_rows_event_old",
        PRE_GA_UPDATE_ROWS_EVENT => "Update_rows_event_old",
        PRE_GA_DELETE_ROWS_EVENT => "Delete_rows_event_old",
        WRITE_ROWS_EVENT_V1 => "Write_rows_v1",
        UPDATE_ROWS_EVENT_V1 => "Update_rows_v1",
        DELETE_ROWS_EVENT_V1 => "Delete_rows_v1",
        INCIDENT_EVENT => "Incident",
        HEARTBEAT_LOG_EVENT | HEARTBEAT_LOG_EVENT_V2 => "Heartbeat",
        IGNORABLE_LOG_EVENT => "Ignorable",
        ROWS_QUERY_LOG_EVENT => "Rows_query",
        WRITE_ROWS_EVENT => "Write_rows",
        UPDATE_ROWS_EVENT => "Update_rows",
        DELETE_ROWS_EVENT => "Delete_rows",
        GTID_LOG_EVENT => "Gtid",
        ANONYMOUS_GTID_LOG_EVENT => "Anonymous_Gtid",
        PREVIOUS_GTIDS_LOG_EVENT => "Previous_gtids",
        TRANSACTION_CONTEXT_EVENT => "Transaction_context",
        VIEW_CHANGE_EVENT => "View_change",
        XA_PREPARE_LOG_EVENT => "XA_prepare",
        PARTIAL_UPDATE_ROWS_EVENT => "Update_rows_partial",
        TRANSACTION_PAYLOAD_EVENT => "Transaction_payload",
        GTID_TAGGED_LOG_EVENT => "Gtid_tagged_log_event",
        ANNOTATE_ROWS_EVENT => "Annotate_rows",
        BINLOG_CHECKPOINT_EVENT => "Binlog_checkpoint",
        GTID_EVENT => "Gtid",
        GTID_LIST_EVENT => "Gtid_list",
        START_ENCRYPTION_EVENT => "Start_encryption",
        QUERY_COMPRESSED_EVENT => "Query_compressed",
        WRITE_ROWS_COMPRESSED_EVENT_V1 => "Write_rows_compressed_v1",
        UPDATE_ROWS_COMPRESSED_EVENT_V1 => "Update_rows_compressed_v1",
        DELETE_ROWS_COMPRESSED_EVENT_V1 => "Delete_rows_compressed_v1",
        WRITE_ROWS_COMPRESSED_EVENT => "Write_rows_compressed",
        UPDATE_ROWS_COMPRESSED_EVENT => "Update_rows_compressed",
        DELETE_ROWS_COMPRESSED_EVENT => "Delete_rows_compressed",
        _ => "Unknown",
    }
}

/// `@`name`` / `use `db``: the name between backquotes, doubled inside.
fn backquoted(out: &mut Buf, name: &[u8]) {
    crate::session::backquoted(out, name);
}

/// The `Info` column of one event.
fn info(raw: &RawEvent<'_>, ev: &Event<'_>, mariadb: bool) -> Vec<u8> {
    let mut out = Buf::default();
    let o = &mut out;
    match ev {
        Event::FormatDescription(f) => w!(
            o,
            "Server ver: {}, Binlog ver: {}",
            f.server_version,
            f.binlog_version
        ),
        Event::StartV3(s) => w!(
            o,
            "Server ver: {}, Binlog ver: {}",
            s.server_version,
            s.binlog_version
        ),
        Event::Query(q) => {
            query_info(o, raw, q, mariadb);
        }
        Event::ExecuteLoadQuery(l) => {
            query_info(o, raw, &l.query, mariadb);
            w!(o, " ;file_id={}", l.file_id);
        }
        Event::BeginLoadQuery(b) | Event::AppendBlock(b) => {
            w!(o, ";file_id={};block_len={}", b.file_id, b.data.len());
        }
        Event::DeleteFile(d) => w!(o, ";file_id={}", d.file_id),
        Event::Rotate(r) => {
            o.raw(r.next_log);
            w!(o, ";pos={}", r.position);
        }
        Event::Intvar(i) => {
            let name = match i.kind {
                intvar_event::LAST_INSERT_ID_EVENT => "LAST_INSERT_ID",
                intvar_event::INSERT_ID_EVENT => "INSERT_ID",
                _ => "INVALID_INT",
            };
            w!(o, "{name}={}", i.value);
        }
        Event::Rand(r) => w!(o, "rand_seed1={},rand_seed2={}", r.seed1, r.seed2),
        Event::Xid(x) => w!(o, "COMMIT /* xid={} */", x.xid),
        Event::UserVar(u) => {
            o.ch(b'@');
            backquoted(o, u.name);
            o.ch(b'=');
            user_var(o, u, mariadb);
        }
        Event::TableMap(t) => {
            w!(o, "table_id: {} (", t.table_id);
            o.raw(t.database);
            o.ch(b'.');
            o.raw(t.table);
            o.ch(b')');
        }
        Event::Rows(r) => {
            w!(o, "table_id: {}", r.table_id);
            rows_flags(o, r.flags, mariadb);
        }
        Event::RowsQuery(q) => {
            o.s("# ");
            o.raw(q.query);
        }
        Event::AnnotateRows(q) => o.raw(q),
        Event::Gtid(g) => {
            o.s("SET @@SESSION.GTID_NEXT= '");
            if g.anonymous {
                o.s("ANONYMOUS");
            } else {
                crate::text::uuid(o, &g.uuid);
                if !g.tag.is_empty() {
                    o.ch(b':');
                    o.raw(g.tag);
                }
                w!(o, ":{}", g.gno);
            }
            o.ch(b'\'');
        }
        Event::PreviousGtids(p) => o.s(&p.gtid_set.to_string_with_separator(",\n")),
        Event::XaPrepare(x) => {
            o.s(if x.one_phase {
                "XA COMMIT "
            } else {
                "XA PREPARE "
            });
            xa_xid(o, x.gtrid, x.bqual, i64::from(x.format_id));
            if x.one_phase {
                o.s(" ONE PHASE");
            }
        }
        Event::TransactionPayload(p) => {
            let kind = match p.compression_type {
                0 => Cow::Borrowed("ZSTD"),
                255 => Cow::Borrowed("NONE"),
                n => Cow::Owned(n.to_string()),
            };
            w!(
                o,
                "compression='{kind}', decompressed_size={} bytes",
                p.uncompressed_size
            );
        }
        Event::MariaGtid(g) => {
            if g.flags2 & FL_PREPARED_XA != 0
                && let Some(x) = &g.xid
            {
                o.s("XA START ");
                xa_xid(o, x.gtrid, x.bqual, i64::from(x.format_id));
                o.s(" GTID ");
            } else if g.flags2 & (FL_STANDALONE | FL_COMPLETED_XA) != 0 {
                o.s("GTID ");
            } else {
                o.s("BEGIN GTID ");
            }
            w!(o, "{}-{}-{}", g.domain_id, raw.header.server_id, g.seq_no);
            if let Some(cid) = g.commit_id {
                w!(o, " cid={cid}");
            }
        }
        Event::MariaGtidList(l) => {
            o.ch(b'[');
            for (i, g) in l.gtids.iter().enumerate() {
                if i > 0 {
                    o.ch(b',');
                }
                w!(o, "{g}");
            }
            o.ch(b']');
        }
        Event::BinlogCheckpoint(c) => o.raw(c.log_name),
        _ => {}
    }
    out.0
}

/// `use `db`; QUERY` and MySQL's ` /* xid=N */` for DDL.
fn query_info(
    o: &mut Buf,
    raw: &RawEvent<'_>,
    q: &understudy_binlog::event::QueryEvent<'_>,
    mariadb: bool,
) {
    if raw.header.flags & LOG_EVENT_SUPPRESS_USE_F == 0 && !q.db.is_empty() {
        o.s("use ");
        backquoted(o, q.db);
        o.s("; ");
    }
    o.raw(&q.query);
    if !mariadb && let Some(x) = q.status_vars.ddl_xid {
        w!(o, " /* xid={x} */");
    }
}

/// MySQL 9.7 names every flag of a row event; MariaDB only STMT_END_F.
fn rows_flags(o: &mut Buf, flags: u16, mariadb: bool) {
    let shown = if mariadb { flags & 1 } else { flags & 0x1f };
    if shown == 0 {
        return;
    }
    o.s(" flags:");
    crate::rows::flag_names(o, shown);
}

/// `X'gtrid',X'bqual',format`, lower-case hex digits.
fn xa_xid(o: &mut Buf, gtrid: &[u8], bqual: &[u8], format_id: i64) {
    let mut lower = Buf::default();
    xid(&mut lower, gtrid, bqual, format_id);
    o.raw(&lower.0);
}

/// A user variable's value: `NULL`, a number, or a string as
/// `_charset 0xHEX COLLATE name` (MySQL) / `_charset X'HEX' COLLATE name`
/// (MariaDB).
fn user_var(o: &mut Buf, u: &understudy_binlog::event::UserVarEvent<'_>, mariadb: bool) {
    let tool = if mariadb {
        crate::printer::Tool::MariaDb
    } else {
        crate::printer::Tool::MySql
    };
    match &u.value {
        None => o.s("NULL"),
        Some(v) if v.value_type == understudy_binlog::event::user_var_event::STRING_RESULT => {
            let (cs, coll) =
                crate::session::collation(tool, u64::from(v.charset)).unwrap_or(("?", "?"));
            w!(o, "_{cs} ");
            if mariadb {
                o.s("X'");
                hex_upper(o, v.value);
                o.ch(b'\'');
            } else {
                o.s("0x");
                hex_upper(o, v.value);
            }
            w!(o, " COLLATE {coll}");
        }
        Some(v) => crate::values::user_var_value(o, tool, v),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn recorded(rel: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata")
            .join(rel);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// (offset, size) of every event of a file.
    fn frames(file: &[u8]) -> Vec<(usize, usize)> {
        EventReader::new(file)
            .unwrap()
            .map(|r| {
                let r = r.unwrap();
                (r.offset as usize, r.raw.len())
            })
            .collect()
    }

    #[test]
    fn not_a_binlog_is_an_error() {
        for bad in [&b""[..], b"\xfeb", b"\xfebix", b"GIF89a"] {
            assert_eq!(
                show_events(bad),
                Err(ShowEventsError::Read(ReadError::BadMagic))
            );
        }
        // The magic alone: no rows.
        assert_eq!(show_events(b"\xfebin"), Ok(Vec::new()));
    }

    /// A file cut anywhere gives the rows before the cut and then an error
    /// naming the offset of the event that was cut, never a panic.
    #[test]
    fn a_truncated_file_is_an_error_at_the_cut_event() {
        for rel in [
            "mysql97/no_checksum/binlog.000001",
            "mysql97/compressed/binlog.000001",
            "mariadb1011/mixed/mariadb-bin.000001",
        ] {
            let file = recorded(rel);
            let events = frames(&file);
            let whole = show_events(&file).unwrap();
            for &(at, size) in events.iter().take(40) {
                for cut in [at + 1, at + 12, at + 19, at + size / 2, at + size - 1] {
                    let rows: Vec<_> = ShowEvents::new(&file[..cut]).unwrap().collect();
                    let (last, before) = rows.split_last().unwrap();
                    let err = last.as_ref().unwrap_err();
                    assert_eq!(err.offset(), at as u64, "{rel} cut at {cut}: {err}");
                    let before: Vec<_> = before.iter().map(|r| r.clone().unwrap()).collect();
                    assert_eq!(before, whole[..before.len()], "{rel} cut at {cut}");
                }
            }
        }
    }

    #[test]
    fn a_bad_event_length_is_an_error_naming_the_event() {
        let file = recorded("mysql97/compressed/binlog.000001");
        let events = frames(&file);
        let (at, _) = events[3];
        for size in [0u32, 5, 18, 20, u32::MAX] {
            let mut bad = file.clone();
            bad[at + 9..at + 13].copy_from_slice(&size.to_le_bytes());
            let err = show_events(&bad).unwrap_err();
            assert_eq!(err.offset(), at as u64, "size {size}: {err}");
            assert!(
                matches!(
                    err,
                    ShowEventsError::Read(
                        ReadError::BadEventSize { .. } | ReadError::TruncatedEvent { .. }
                    )
                ) || size == 20,
                "size {size}: {err:?}"
            );
        }
    }

    /// Every byte of the first events flipped: rows or an error, no panic.
    #[test]
    fn damaged_bytes_never_panic() {
        for rel in [
            "mysql97/compressed/binlog.000001",
            "mariadb1011/compressed/mariadb-bin.000001",
        ] {
            let file = recorded(rel);
            for i in 4..file.len().min(1500) {
                for flip in [0xff, 0x01] {
                    let mut bad = file.clone();
                    bad[i] ^= flip;
                    let _ = ShowEvents::new(&bad).unwrap().count();
                }
            }
        }
    }

    #[test]
    fn from_position_and_limit_match_the_whole_list() {
        let file = recorded("mysql97/compressed/binlog.000001");
        let whole = show_events(&file).unwrap();
        // Events inside a transaction payload share the position of the
        // event after it: FROM that position starts at the latter.
        let shared = |pos| whole.iter().filter(|r| r.pos == pos).count() > 1;
        for (i, row) in whole.iter().enumerate().take(60) {
            if shared(row.pos) {
                continue;
            }
            let from: Vec<_> = ShowEvents::from_position(&file, row.pos)
                .unwrap()
                .take(3)
                .map(Result::unwrap)
                .collect();
            let end = (i + 3).min(whole.len());
            assert_eq!(from, whole[i..end], "FROM {}", row.pos);
        }
        assert_eq!(
            ShowEvents::from_position(&file, 0)
                .unwrap()
                .map(Result::unwrap)
                .collect::<Vec<_>>(),
            whole
        );
        let (at, size) = frames(&file)[2];
        let inside = at as u64 + 1;
        match ShowEvents::from_position(&file, inside) {
            Err(ShowEventsError::NotAnEventStart { pos, next }) => {
                assert_eq!((pos, next), (inside, (at + size) as u64));
            }
            other => panic!("{other:?}"),
        }
        let past = file.len() as u64 + 10;
        assert!(ShowEvents::from_position(&file, past).is_err());
    }

    #[test]
    fn rows_name_their_type_and_info() {
        let rows = show_events(&recorded("mariadb1011/mixed/mariadb-bin.000001")).unwrap();
        assert_eq!(rows[0].event_type, "Format_desc");
        assert!(rows[0].info_lossy().starts_with("Server ver: 10.11."));
        assert_eq!(rows[1].event_type, "Gtid_list");
        assert!(rows.iter().any(|r| r.event_type == "Write_rows_v1"));
        let rows = show_events(&recorded("mysql97/compressed/binlog.000001")).unwrap();
        let payload = rows
            .iter()
            .position(|r| r.event_type == "Transaction_payload")
            .unwrap();
        assert!(rows[payload].info_lossy().starts_with("compression='ZSTD'"));
        assert_eq!(rows[payload + 1].event_type, "Query");
        assert_eq!(rows[payload + 1].info, b"BEGIN");
        assert_eq!(rows[payload + 1].end_log_pos, rows[payload].end_log_pos);
    }
}
