//! The dump driver: walks a file's events, applies position / time / GTID /
//! database filters, and prints each event the way the reference tool of
//! the chosen dialect does. State that spans events (the session context
//! already printed, table maps, pending BINLOG statements) lives here, like
//! mysqlbinlog's PRINT_EVENT_INFO.

use std::collections::HashMap;

use understudy_binlog::event::Event;
use understudy_binlog::event_type::*;
use understudy_binlog::{FormatDescription, RawEvent, ReadError};

use crate::header;
use crate::options::{Base64Output, Options};
use crate::rows::{PendingRows, TableInfo};
use crate::session::Session;
use crate::text::Buf;
use crate::w;

/// The reference tool whose output is reproduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// MySQL 9.7 mysqlbinlog.
    MySql,
    /// MariaDB 10.11 mariadb-binlog.
    MariaDb,
}

/// How a dump ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub events: u64,
    /// Messages mysqlbinlog prints on stderr (warnings, errors).
    pub stderr: Vec<String>,
    /// The error that stopped the dump, if any.
    pub error: Option<ReadError>,
}

pub(crate) struct Printer<'o> {
    pub(crate) opts: &'o Options,
    pub(crate) load_sink: &'o mut dyn crate::load::LoadSink,
    pub(crate) load_files: crate::load::LoadFiles,
    pub(crate) tool: Tool,
    pub(crate) out: Buf,
    pub(crate) session: Session,
    pub(crate) tables: HashMap<u64, TableInfo>,
    pub(crate) pending: PendingRows,
    pub(crate) stderr: Vec<String>,
    /// A file's FDE, for BINLOG statements and inner events.
    pub(crate) fde: FormatDescription,
    pub(crate) maria: crate::mariadb::MariaSession,
    /// A format description read so far says the file is a relay log.
    pub(crate) relay_log: bool,
    /// Inside a transaction (BEGIN seen, no COMMIT/ROLLBACK/Xid yet).
    pub(crate) in_transaction: bool,
    /// `--short-form`: the real output while an event's header goes nowhere.
    pub(crate) short_saved: Option<Buf>,
    /// The `# at` to show for the next event instead of its offset.
    pub(crate) at_override: Option<u64>,
    /// A GTID event was printed and nothing of its transaction yet.
    pub(crate) gtid_open: bool,
    /// A format description was printed.
    fde_seen: bool,
    /// The immediate server version of the last GTID event read.
    pub(crate) gtid_server_version: Option<u32>,
    pub(crate) filter: crate::filter::FilterState,
    time_cache: header::TimeCache,
    /// The last commit-timestamp second rendered (see `commit_time`).
    pub(crate) commit_second: Option<crate::gtids::CommitSecond>,
}

/// The caller's zone's offset from UTC at `ts`, in seconds.
fn zone_offset(opts: &Options, ts: i64) -> i32 {
    opts.tz_offset.as_ref().map_or(0, |f| (f.0)(ts).0)
}

impl<'o> Printer<'o> {
    pub(crate) fn new(
        opts: &'o Options,
        tool: Tool,
        load_sink: &'o mut dyn crate::load::LoadSink,
    ) -> Self {
        Printer {
            opts,
            load_sink,
            load_files: Default::default(),
            tool,
            out: Buf::default(),
            session: Session::default(),
            tables: HashMap::new(),
            pending: PendingRows::default(),
            stderr: Vec::new(),
            fde: FormatDescription::default_v4(),
            maria: Default::default(),
            relay_log: false,
            in_transaction: false,
            short_saved: None,
            at_override: None,
            gtid_open: false,
            fde_seen: false,
            gtid_server_version: None,
            filter: Default::default(),
            time_cache: Default::default(),
            commit_second: None,
        }
    }

    pub(crate) fn tz(&self, ts: i64) -> i32 {
        zone_offset(self.opts, ts)
    }

    /// Offset and abbreviation of the caller's zone at `ts`.
    pub(crate) fn tz_named(&self, ts: i64) -> (i32, String) {
        self.opts
            .tz_offset
            .as_ref()
            .map_or_else(|| (0, "UTC".to_string()), |f| (f.0)(ts))
    }

    /// `# at N`.
    pub(crate) fn at_line(&mut self, at: u64) {
        self.out.s("# at ");
        self.out.u64(at);
        self.out.ch(b'\n');
    }

    pub(crate) fn base64(&self) -> bool {
        self.opts.base64_output == Base64Output::Auto
    }

    pub(crate) fn preamble(&mut self) {
        match self.tool {
            Tool::MySql => self.out.s(
                "# The proper term is pseudo_replica_mode, but we use this compatibility alias\n\
                 # to make the statement usable on server versions 8.0.24 and older.\n\
                 /*!50530 SET @@SESSION.PSEUDO_SLAVE_MODE=1*/;\n\
                 /*!50003 SET @OLD_COMPLETION_TYPE=@@COMPLETION_TYPE,COMPLETION_TYPE=0*/;\n\
                 DELIMITER /*!*/;\n",
            ),
            Tool::MariaDb => self.out.s("/*!50530 SET @@SESSION.PSEUDO_SLAVE_MODE=1*/;\n\
                 /*!40019 SET @@session.max_delayed_threads=0*/;\n\
                 /*!50003 SET @OLD_COMPLETION_TYPE=@@COMPLETION_TYPE,COMPLETION_TYPE=0*/;\n\
                 DELIMITER /*!*/;\n"),
        }
    }

    pub(crate) fn epilogue(&mut self) {
        match self.tool {
            Tool::MySql => {
                if !self.in_transaction && self.gtid_open {
                    // Stopped between a GTID and its transaction.
                    self.out.s("BEGIN /*added by mysqlbinlog */ /*!*/;\n");
                    self.in_transaction = true;
                }
                self.end_of_binlog();
                self.out.s("DELIMITER ;\n# End of log file\n\
                     /*!50003 SET COMPLETION_TYPE=@OLD_COMPLETION_TYPE*/;\n\
                     /*!50530 SET @@SESSION.PSEUDO_SLAVE_MODE=0*/;\n");
            }
            Tool::MariaDb => self.out.s(
                "DELIMITER ;\n# End of log file\nROLLBACK /* added by mysqlbinlog */;\n\
                 /*!50003 SET COMPLETION_TYPE=@OLD_COMPLETION_TYPE*/;\n\
                 /*!50530 SET @@SESSION.PSEUDO_SLAVE_MODE=0*/;\n",
            ),
        }
    }

    /// What mysqlbinlog adds where a binlog ends (at the end of the file,
    /// or where another format description starts the next one): the end
    /// of a transaction cut by a filter, a ROLLBACK of one left open, and
    /// GTID_NEXT back to AUTOMATIC.
    fn end_of_binlog(&mut self) {
        self.close_cut_transaction();
        if self.in_transaction {
            self.out.s("ROLLBACK /* added by mysqlbinlog */ /*!*/;\n");
            self.in_transaction = false;
        }
        self.out
            .s("SET @@SESSION.GTID_NEXT= 'AUTOMATIC' /* added by mysqlbinlog */ /*!*/;\n");
    }

    /// Starts an event: `# at N`, anything deferred to this event, and the
    /// event line up to its description. The caller writes the
    /// description and then calls `end_header`; with `--short-form` all
    /// of that is left out.
    pub(crate) fn event_header(&mut self, raw: &RawEvent<'_>, log_pos: u64) {
        if self.opts.short_form {
            self.flush_context(raw.offset);
            self.skip_replication_state(raw);
            self.short_saved = Some(std::mem::take(&mut self.out));
            return;
        }
        let at = self.at_override.take().unwrap_or(raw.offset);
        self.at_line(at);
        self.flush_context(raw.offset);
        self.skip_replication_state(raw);
        self.event_line(raw, log_pos);
    }

    /// `event_header` without the tab before the description.
    fn event_header_untabbed(&mut self, raw: &RawEvent<'_>, log_pos: u64) {
        if self.opts.short_form {
            self.event_header(raw, log_pos);
            return;
        }
        let at = self.at_override.take().unwrap_or(raw.offset);
        self.at_line(at);
        self.flush_context(raw.offset);
        self.event_line_prefix(raw, log_pos);
    }

    /// Ends the part of an event that `--short-form` leaves out.
    pub(crate) fn end_header(&mut self) {
        if let Some(saved) = self.short_saved.take() {
            self.out = saved;
        }
    }

    /// mariadb-binlog: `@@skip_replication` follows the events' flag.
    pub(crate) fn skip_replication_state(&mut self, raw: &RawEvent<'_>) {
        if self.tool == Tool::MariaDb {
            let skip =
                raw.header.flags & understudy_binlog::header::LOG_EVENT_SKIP_REPLICATION_F != 0;
            if skip != self.maria.skip_replication {
                w!(
                    &mut self.out,
                    "/*!50521 SET skip_replication={}*//*!*/;\n",
                    u8::from(skip)
                );
                self.maria.skip_replication = skip;
            }
        }
    }

    /// Prints what deferred events (User_var & co, Annotate_rows) left for
    /// the event that follows them.
    pub(crate) fn flush_context(&mut self, at: u64) {
        self.flush_annotate(at);
        if !self.session.context.is_empty() {
            let ctx = std::mem::take(&mut self.session.context);
            self.out.raw(&ctx.0);
        }
    }

    pub(crate) fn event_line(&mut self, raw: &RawEvent<'_>, log_pos: u64) {
        self.event_line_prefix(raw, log_pos);
        self.out.ch(b'\t');
    }

    /// The event line up to where its description starts (after the
    /// hexdump when there is one).
    pub(crate) fn event_line_prefix(&mut self, raw: &RawEvent<'_>, log_pos: u64) {
        let h = &raw.header;
        let opts = self.opts;
        let time = self.time_cache.get(h.timestamp, |ts| zone_offset(opts, ts));
        header::event_line(&mut self.out, time, h.server_id, log_pos, raw.checksum);
        if self.opts.hexdump {
            self.out.ch(b'\n');
            match self.tool {
                Tool::MySql => {
                    header::hexdump_mysql(&mut self.out, raw.offset, raw.raw);
                    self.out.s("# ");
                }
                Tool::MariaDb => {
                    header::hexdump_mariadb(&mut self.out, raw.offset, raw.raw);
                    self.out.s("# Event: ");
                }
            }
        }
    }

    /// BINLOG statement with one event's bytes (FDE, and events that can
    /// only be replayed that way).
    pub(crate) fn binlog_statement(&mut self, raw: &[u8]) {
        self.out.s("BINLOG '\n");
        crate::text::base64_lines(&mut self.out, raw);
        self.out.s("'/*!*/;\n");
    }

    pub(crate) fn print(&mut self, raw: &RawEvent<'_>, ev: &Event<'_>) -> Result<(), ReadError> {
        if self.maria.encrypted {
            // Without the server's keys the rest cannot be read.
            return Err(ReadError::Decode {
                offset: raw.offset,
                type_name: type_name(raw.type_code),
                source: understudy_binlog::DecodeError::Unsupported {
                    what: "encrypted binlog",
                    detail: "events after START_ENCRYPTION_EVENT need the server's keys".into(),
                },
            });
        }
        if !matches!(ev, Event::Unknown { .. }) {
            self.gtid_open = matches!(ev, Event::Gtid(_));
        }
        let log_pos = u64::from(raw.header.log_pos);
        match ev {
            Event::FormatDescription(fde) => {
                // Another format description starts another binlog (not one
                // without a position, nor a relay log's copy of its
                // source's): the last one ends as a file does.
                let next_binlog = self.tool == Tool::MySql
                    && self.fde_seen
                    && !self.relay_log
                    && raw.header.log_pos != 0;
                if next_binlog {
                    self.end_of_binlog();
                }
                self.fde_seen = true;
                self.print_fde(raw, fde, log_pos)
            }
            Event::Query(q) => {
                self.track_transaction(&q.query);
                self.print_query(raw, q, log_pos, None)
            }
            Event::ExecuteLoadQuery(q) => self.print_query(raw, &q.query, log_pos, Some(q)),
            Event::Rotate(r) => {
                self.event_header(raw, log_pos);
                self.out.s("Rotate to ");
                self.out.raw(r.next_log);
                w!(&mut self.out, "  pos: {}\n", r.position);
                self.end_header();
            }
            Event::Stop => {
                self.event_header(raw, log_pos);
                self.out.s("Stop\n");
                self.end_header();
            }
            Event::Xid(x) => {
                self.in_transaction = false;
                self.filter.skipped_in_trx = false;
                self.event_header(raw, log_pos);
                self.out.s("Xid = ");
                self.out.u64(x.xid);
                self.out.ch(b'\n');
                self.end_header();
                self.out.s("COMMIT/*!*/;\n");
            }
            Event::Intvar(_) | Event::Rand(_) | Event::UserVar(_) => {
                self.print_stmt_context(raw, ev, log_pos)
            }
            Event::BeginLoadQuery(b) | Event::AppendBlock(b) => {
                if raw.type_code == BEGIN_LOAD_QUERY_EVENT {
                    self.load_files.begin(b.file_id, b.data);
                } else {
                    self.load_files.append(b.file_id, b.data);
                }
                self.event_header_no_tab(raw, log_pos);
                let name = if raw.type_code == BEGIN_LOAD_QUERY_EVENT {
                    "Begin_load_query"
                } else {
                    "Append_block"
                };
                w!(
                    &mut self.out,
                    "#{name}: file_id: {}  block_len: {}\n",
                    b.file_id,
                    b.data.len()
                );
                self.end_header();
            }
            Event::DeleteFile(d) => {
                self.load_files.delete(d.file_id);
                self.event_header_no_tab(raw, log_pos);
                w!(&mut self.out, "#Delete_file: file_id={}\n", d.file_id);
                self.end_header();
            }
            // --short-form leaves out row events altogether.
            Event::TableMap(_) | Event::Rows(_) if self.opts.short_form => {}
            Event::AnnotateRows(q) if self.opts.short_form => {
                if self.tool == Tool::MariaDb {
                    self.out.s("# Annotate_rows:\n");
                    crate::mariadb::annotate_lines(&mut self.out, q);
                }
            }
            Event::TableMap(t) => self.print_table_map(raw, t, log_pos)?,
            Event::Rows(r) => self.print_rows(raw, r, log_pos)?,
            Event::RowsQuery(_) if self.opts.short_form => {}
            Event::RowsQuery(q) => {
                // Shown (and replayed in the BINLOG statement) only with -vv.
                if self.opts.verbose < 2 {
                    self.at_line(raw.offset);
                } else {
                    self.event_header(raw, log_pos);
                    self.out.s("Rows_query\n");
                    // Each line as a comment, backslashes doubled.
                    for line in q.query.split(|&b| b == b'\n') {
                        self.out.s("# ");
                        for &b in line {
                            if b == b'\\' {
                                self.out.ch(b'\\');
                            }
                            self.out.ch(b);
                        }
                        self.out.ch(b'\n');
                    }
                    if self.base64() {
                        self.pending.events.push(raw.raw.to_vec());
                    }
                }
            }
            Event::Gtid(g) => self.print_gtid(raw, g, log_pos),
            Event::PreviousGtids(p) => {
                self.event_header(raw, log_pos);
                self.out.s("Previous-GTIDs\n");
                self.end_header();
                self.out.s("# ");
                if p.gtid_set.is_empty() {
                    self.out.s("[empty]");
                } else {
                    let s = p.gtid_set.to_string_with_separator(",\n# ");
                    self.out.s(&s);
                }
                self.out.ch(b'\n');
            }
            Event::Ignorable(_) if self.tool == Tool::MariaDb => {
                let name = match crate::mariadb::foreign_event(self.tool, raw, &self.fde) {
                    Some(crate::mariadb::Foreign::Ignorable(name)) => name,
                    _ => "Ignorable",
                };
                self.event_header(raw, log_pos);
                w!(
                    &mut self.out,
                    "Ignorable\n# Ignorable event type {} ({name})\n",
                    raw.type_code
                );
                self.end_header();
            }
            Event::TransactionPayload(p) => self.print_payload(raw, p, log_pos)?,
            // mysqlbinlog writes these two right after the event line's
            // position, without the usual tab.
            Event::ViewChange(v) if self.tool == Tool::MySql => {
                self.event_header_untabbed(raw, log_pos);
                self.out.s("View_change_log_event: view_id=");
                self.out.raw(v.view_id);
                self.out.ch(b'\n');
                self.end_header();
            }
            Event::TransactionContext(t) if self.tool == Tool::MySql => {
                self.event_header_untabbed(raw, log_pos);
                self.out.s("Transaction_context: server_uuid=");
                self.out.raw(t.server_uuid);
                self.out.s("\tthread_id=");
                self.out.u64(u64::from(t.thread_id));
                self.out.ch(b'\n');
                self.end_header();
            }
            Event::XaPrepare(x) => self.print_xa_prepare(raw, x, log_pos),
            // The decoder takes LOST_EVENTS only (both tools refuse the
            // other numbers); the line has no tab before its end.
            Event::Incident(_) => {
                self.event_header_untabbed(raw, log_pos);
                self.out.s(
                    "\n# Incident: LOST_EVENTS\nRELOAD DATABASE; # Shall generate syntax error\n",
                );
                self.end_header();
            }
            Event::AnnotateRows(_)
            | Event::BinlogCheckpoint(_)
            | Event::MariaGtid(_)
            | Event::MariaGtidList(_)
            | Event::StartEncryption(_) => self.print_mariadb_event(raw, ev, log_pos),
            Event::Unknown { type_code, .. } => {
                // Never printed as if it were understood: an error, or with
                // --force-read a note (mariadb-binlog's) and the next event.
                if !self.opts.force_read {
                    return Err(ReadError::Decode {
                        offset: raw.offset,
                        type_name: "unknown",
                        source: understudy_binlog::DecodeError::Unsupported {
                            what: "event type",
                            detail: format!("{type_code} is not a type this dumper knows"),
                        },
                    });
                }
                self.stderr.push(format!(
                    "WARNING: skipping the event of unknown type {type_code} at offset {}",
                    raw.offset
                ));
                match self.tool {
                    Tool::MariaDb => {
                        self.event_header_no_tab(raw, log_pos);
                        self.out.s("# Unknown event\n");
                        self.end_header();
                    }
                    Tool::MySql => self.at_line(raw.offset),
                }
            }
            _ => {
                self.event_header(raw, log_pos);
                w!(&mut self.out, "{}\n", type_name(raw.type_code));
                self.end_header();
            }
        }
        Ok(())
    }

    fn track_transaction(&mut self, query: &[u8]) {
        let starts = |w: &[u8]| query.len() >= w.len() && query[..w.len()].eq_ignore_ascii_case(w);
        if starts(b"BEGIN") || starts(b"XA START") {
            self.in_transaction = true;
        } else if starts(b"COMMIT") || (starts(b"ROLLBACK") && !starts(b"ROLLBACK TO")) {
            self.in_transaction = false;
            self.filter.skipped_in_trx = false;
        }
    }

    /// `#ts server id N  end_log_pos P ` then a newline instead of a tab:
    /// how the load-data block events print.
    pub(crate) fn event_header_no_tab(&mut self, raw: &RawEvent<'_>, log_pos: u64) {
        if self.opts.short_form {
            self.short_saved = Some(std::mem::take(&mut self.out));
            return;
        }
        self.at_line(raw.offset);
        self.flush_context(raw.offset);
        self.skip_replication_state(raw);
        self.event_line_prefix(raw, log_pos);
        self.out.ch(b'\n');
    }

    /// Takes in a format description that is read but not shown.
    pub(crate) fn note_fde(&mut self, raw: &RawEvent<'_>, fde: &FormatDescription) {
        if raw.header.flags & understudy_binlog::header::LOG_EVENT_RELAY_LOG_F != 0 {
            self.relay_log = true;
        }
        self.fde = fde.clone();
        self.tables.clear();
    }

    fn print_fde(&mut self, raw: &RawEvent<'_>, fde: &FormatDescription, log_pos: u64) {
        self.event_header(raw, log_pos);
        // The time shown is the event's; `at startup` says the body's
        // creation time is set.
        let created = raw.header.timestamp;
        w!(
            &mut self.out,
            "Start: binlog v {}, server v {} created ",
            fde.binlog_version,
            fde.server_version
        );
        let tz = self.tz(i64::from(created));
        crate::text::short_time(&mut self.out, &crate::text::tm(i64::from(created), tz));
        if fde.create_timestamp != 0 {
            self.out.s(" at startup");
        }
        self.out.ch(b'\n');
        self.end_header();
        if raw.header.flags & understudy_binlog::header::LOG_EVENT_RELAY_LOG_F != 0 {
            if self.tool == Tool::MySql {
                self.out.s(
                    "# This Format_description_event appears in a relay log and was generated by the replica thread.\n",
                );
            }
            self.relay_log = true;
        }
        if raw.header.flags & understudy_binlog::header::LOG_EVENT_BINLOG_IN_USE_F != 0
            && !self.opts.short_form
        {
            self.out
                .s("# Warning: this binlog is either in use or was not closed properly.\n");
        }
        // A server start: whatever the source had open was rolled back
        // (not said of a relay log's own description).
        let relay_fde = self.tool == Tool::MySql
            && raw.header.flags & understudy_binlog::header::LOG_EVENT_RELAY_LOG_F != 0;
        let artificial = self.tool == Tool::MySql
            && raw.header.flags & understudy_binlog::header::LOG_EVENT_ARTIFICIAL_F != 0;
        if fde.create_timestamp != 0 && !relay_fde && !artificial {
            self.out.s("ROLLBACK/*!*/;\n");
        }
        if self.base64() && !relay_fde && !self.opts.short_form {
            self.binlog_statement(raw.raw);
        }
        self.fde = fde.clone();
        // A new FDE (a new server start, or a relay log's source FDE)
        // invalidates the table maps.
        self.tables.clear();
    }
}
