//! MariaDB's own events as mariadb-binlog prints them: GTID, GTID list,
//! binlog checkpoint, annotate rows, start encryption.

use understudy_binlog::event::Event;
use understudy_binlog::event::mariadb_events::{
    FL_ALLOW_PARALLEL, FL_COMPLETED_XA, FL_DDL, FL_PREPARED_XA, FL_STANDALONE, FL_TRANSACTIONAL,
    FL_WAITED, MariaGtidEvent,
};
use understudy_binlog::event_type::*;
use understudy_binlog::{Flavor, FormatDescription, RawEvent};

use crate::gtids::xid;
use crate::printer::{Printer, Tool};
use crate::w;

/// The statement of an Annotate_rows event, one `#Q> ` line per line.
pub(crate) fn annotate_lines(out: &mut crate::text::Buf, query: &[u8]) {
    for line in query.split(|&b| b == b'\n') {
        out.s("#Q> ");
        out.raw(line);
        out.ch(b'\n');
    }
}

/// An Annotate_rows event waiting for the event it annotates.
#[derive(Debug)]
pub(crate) struct PendingAnnotate {
    header: understudy_binlog::EventHeader,
    type_code: u8,
    raw: Vec<u8>,
    body_len: usize,
    checksum: Option<u32>,
    log_pos: u64,
}

/// What mariadb-binlog has printed of the GTID session variables.
#[derive(Debug, Default)]
pub(crate) struct MariaSession {
    pub(crate) annotate: Option<PendingAnnotate>,
    /// The LOG_EVENT_SKIP_REPLICATION_F state printed last.
    pub(crate) skip_replication: bool,
    skip_parallel_replication: Option<bool>,
    domain_id: Option<u32>,
    server_id: Option<u32>,
    /// A START_ENCRYPTION event was read: what follows is encrypted.
    pub(crate) encrypted: bool,
}

/// An event type the reference tool does not read as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Foreign {
    /// Named and passed over (mariadb-binlog on types only MySQL writes).
    Ignorable(&'static str),
    /// "Found invalid event in binary log": the dump stops there.
    Unreadable,
}

/// How the reference tool takes an event of a type it does not decode:
/// mariadb-binlog in a MariaDB binlog passes over MySQL's GTID, view
/// change and similar events and cannot read IGNORABLE / ROWS_QUERY
/// events; mysqlbinlog cannot read a bare IGNORABLE_LOG_EVENT.
pub(crate) fn foreign_event(
    tool: Tool,
    raw: &RawEvent<'_>,
    fde: &FormatDescription,
) -> Option<Foreign> {
    let t = raw.type_code;
    if tool == Tool::MySql {
        return (t == IGNORABLE_LOG_EVENT).then_some(Foreign::Unreadable);
    }
    if fde.flavor != Flavor::MariaDb {
        return None;
    }
    Some(Foreign::Ignorable(match t {
        GTID_LOG_EVENT => "MySQL Gtid",
        ANONYMOUS_GTID_LOG_EVENT => "MySQL Anonymous_Gtid",
        PREVIOUS_GTIDS_LOG_EVENT => "MySQL Previous_gtids",
        TRANSACTION_CONTEXT_EVENT => "Transaction_context",
        VIEW_CHANGE_EVENT => "View_change",
        HEARTBEAT_LOG_EVENT_V2 => "MySQL Heartbeat",
        IGNORABLE_LOG_EVENT | ROWS_QUERY_LOG_EVENT => return Some(Foreign::Unreadable),
        _ => return None,
    }))
}

impl Printer<'_> {
    pub(crate) fn print_mariadb_event(&mut self, raw: &RawEvent<'_>, ev: &Event<'_>, log_pos: u64) {
        match ev {
            Event::MariaGtidList(l) => {
                self.event_header(raw, log_pos);
                self.out.s("Gtid list [");
                for (i, g) in l.gtids.iter().enumerate() {
                    if i > 0 {
                        self.out.s(",\n# ");
                    }
                    w!(&mut self.out, "{g}");
                }
                self.out.s("]\n");
                self.end_header();
            }
            Event::BinlogCheckpoint(c) => {
                self.event_header(raw, log_pos);
                self.out.s("Binlog checkpoint ");
                self.out.raw(c.log_name);
                self.out.ch(b'\n');
                self.end_header();
            }
            Event::MariaGtid(g) => self.print_maria_gtid(raw, g, log_pos),
            Event::AnnotateRows(_) => {
                // Printed with the next event, after its `# at` line (and
                // a hexdump shows that event's offset).
                self.at_line(raw.offset);
                self.maria.annotate = Some(PendingAnnotate {
                    header: raw.header,
                    type_code: raw.type_code,
                    raw: raw.raw.to_vec(),
                    body_len: raw.body.len(),
                    checksum: raw.checksum,
                    log_pos,
                });
            }
            Event::StartEncryption(e) => {
                // mariadb-binlog says what the event holds in comments,
                // without the event line, and reads no further.
                if !self.opts.short_form {
                    self.at_line(raw.offset);
                }
                w!(
                    &mut self.out,
                    "# Encryption scheme: {}, key_version: {}, nonce: ",
                    e.scheme,
                    e.key_version
                );
                for b in e.nonce {
                    self.out.hex8(b);
                }
                self.out.s("\n# The rest of the binlog is encrypted!\n");
                self.maria.encrypted = true;
            }
            _ => {}
        }
    }

    /// Prints a pending Annotate_rows as if it stood at `at`.
    pub(crate) fn flush_annotate(&mut self, at: u64) {
        let Some(a) = self.maria.annotate.take() else {
            return;
        };
        let hlen = a.raw.len() - a.body_len - a.checksum.map_or(0, |_| 4);
        let body = &a.raw[hlen..hlen + a.body_len];
        let shown = RawEvent {
            offset: at,
            header: a.header,
            type_code: a.type_code,
            raw: &a.raw,
            body,
            checksum: a.checksum,
        };
        self.event_line(&shown, a.log_pos);
        self.out.s("Annotate_rows:\n");
        annotate_lines(&mut self.out, body);
    }

    fn print_maria_gtid(&mut self, raw: &RawEvent<'_>, g: &MariaGtidEvent<'_>, log_pos: u64) {
        self.event_header(raw, log_pos);
        w!(
            &mut self.out,
            "GTID {}-{}-{}",
            g.domain_id,
            raw.header.server_id,
            g.seq_no
        );
        if let Some(cid) = g.commit_id {
            w!(&mut self.out, " cid={cid}");
        }
        if g.flags2 & FL_DDL != 0 {
            self.out.s(" ddl");
        }
        if g.flags2 & FL_TRANSACTIONAL != 0 {
            self.out.s(" trans");
        }
        if g.flags2 & FL_WAITED != 0 {
            self.out.s(" waited");
        }
        self.out.ch(b'\n');
        if !self.opts.short_form {
            self.print_maria_gtid_session(raw, g);
        }
        self.end_header();
        if g.flags2 & FL_STANDALONE != 0 {
            return;
        }
        if g.flags2 & FL_PREPARED_XA != 0 {
            if let Some(x) = &g.xid {
                self.out.s("XA START ");
                xid(&mut self.out, x.gtrid, x.bqual, i64::from(x.format_id));
                self.out.s("/*!*/;\n");
            }
        } else if g.flags2 & FL_COMPLETED_XA == 0 {
            self.out.s("START TRANSACTION\n/*!*/;\n");
        }
    }

    fn print_maria_gtid_session(&mut self, raw: &RawEvent<'_>, g: &MariaGtidEvent<'_>) {
        let skip = g.flags2 & FL_ALLOW_PARALLEL == 0;
        let ms = &mut self.maria;
        if ms.skip_parallel_replication != Some(skip) {
            w!(
                &mut self.out,
                "/*M!100101 SET @@session.skip_parallel_replication={}*//*!*/;\n",
                u8::from(skip)
            );
            ms.skip_parallel_replication = Some(skip);
        }
        if ms.domain_id != Some(g.domain_id) {
            w!(
                &mut self.out,
                "/*M!100001 SET @@session.gtid_domain_id={}*//*!*/;\n",
                g.domain_id
            );
            ms.domain_id = Some(g.domain_id);
        }
        if ms.server_id != Some(raw.header.server_id) {
            w!(
                &mut self.out,
                "/*M!100001 SET @@session.server_id={}*//*!*/;\n",
                raw.header.server_id
            );
            ms.server_id = Some(raw.header.server_id);
        }
        w!(
            &mut self.out,
            "/*M!100001 SET @@session.gtid_seq_no={}*//*!*/;\n",
            g.seq_no
        );
    }
}
