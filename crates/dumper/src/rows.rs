//! Table maps and row events: the header lines, the BINLOG statement that
//! replays them (a statement's table maps and row events go into one
//! BINLOG statement, printed when the statement ends), and with `-v` the
//! rows as commented pseudo-SQL.

use understudy_binlog::event::rows_event::{RowsKind, STMT_END_F};
use understudy_binlog::event::{RowsEvent, TableMapEvent};
use understudy_binlog::value::ColumnMeta;
use understudy_binlog::value::column_type::MYSQL_TYPE_VECTOR;
use understudy_binlog::{DecodeError, RawEvent, ReadError, event_type};

use crate::options::Base64Output;
use crate::printer::{Printer, Tool};
use crate::text::Buf;
use crate::values;
use crate::w;

/// Table map flag: the table has a generated invisible primary key.
const TM_GENERATED_INVISIBLE_PK_F: u16 = 4;

/// What the dumper keeps of a table map.
#[derive(Debug, Clone)]
pub(crate) struct TableInfo {
    pub db: Vec<u8>,
    pub table: Vec<u8>,
    pub columns: Vec<ColumnMeta>,
    pub nullable: Vec<u8>,
    /// VECTOR dimensions by column index (optional metadata).
    pub vector_dims: Vec<Option<u64>>,
    /// The table map's body, to tell a repeated map from a new one.
    body: Vec<u8>,
    /// The statement (see `PendingRows::statement`) that mapped it last: a
    /// map is valid in its statement only, and kept after it to be reused
    /// when the same map comes again.
    statement: u64,
}

impl TableInfo {
    fn from_event(t: &TableMapEvent<'_>, body: &[u8], statement: u64) -> Self {
        TableInfo {
            body: body.to_vec(),
            statement,
            db: t.database.to_vec(),
            table: t.table.to_vec(),
            columns: t.columns.clone(),
            nullable: t.null_bitmap.to_vec(),
            vector_dims: {
                let mut dims = t.optional.vector_dimensions.iter().flatten();
                t.columns
                    .iter()
                    .map(|c| {
                        if c.column_type == MYSQL_TYPE_VECTOR {
                            dims.next().copied()
                        } else {
                            None
                        }
                    })
                    .collect()
            },
        }
    }

    pub(crate) fn is_nullable(&self, i: usize) -> bool {
        self.nullable
            .get(i / 8)
            .is_some_and(|b| b & (1 << (i % 8)) != 0)
    }
}

/// Row events of the current statement not printed yet.
#[derive(Debug, Default)]
pub(crate) struct PendingRows {
    /// Raw events for the BINLOG statement.
    pub events: Vec<Vec<u8>>,
    /// `###` lines.
    pub verbose: Buf,
    /// mariadb-binlog: the event lines of the statement's row events.
    pub headers: Buf,
    /// mariadb-binlog: rows in the statement so far.
    pub rows: usize,
    /// The statement has had a row event.
    pub has_rows: bool,
    /// The last event was a table map or a row event without STMT_END_F.
    pub open: bool,
    /// Counts statements ended: table maps are valid in theirs only.
    pub statement: u64,
}

impl PendingRows {
    /// Empties it, keeping the buffers' memory.
    fn reset(&mut self) {
        self.events.clear();
        self.verbose.0.clear();
        self.headers.0.clear();
        self.rows = 0;
        self.has_rows = false;
        self.open = false;
        self.statement += 1;
    }
}

fn rows_name(ev: &RowsEvent<'_>, type_code: u8) -> &'static str {
    match (ev.kind, type_code) {
        (RowsKind::PartialUpdate, _) => "Update_rows_partial",
        (
            RowsKind::Write,
            event_type::WRITE_ROWS_COMPRESSED_EVENT | event_type::WRITE_ROWS_COMPRESSED_EVENT_V1,
        ) => "Write_compressed_rows",
        (
            RowsKind::Update,
            event_type::UPDATE_ROWS_COMPRESSED_EVENT | event_type::UPDATE_ROWS_COMPRESSED_EVENT_V1,
        ) => "Update_compressed_rows",
        (
            RowsKind::Delete,
            event_type::DELETE_ROWS_COMPRESSED_EVENT | event_type::DELETE_ROWS_COMPRESSED_EVENT_V1,
        ) => "Delete_compressed_rows",
        (RowsKind::Write, _) => "Write_rows",
        (RowsKind::Update, _) => "Update_rows",
        (RowsKind::Delete, _) => "Delete_rows",
    }
}

/// A rows event's flags, by the names the servers print them with.
pub(crate) fn flag_names(out: &mut Buf, flags: u16) {
    const NAMES: [(u16, &str); 5] = [
        (0x1, "STMT_END_F"),
        (0x2, "NO_FOREIGN_KEY_CHECKS_F"),
        (0x4, "RELAXED_UNIQUE_CHECKS_F"),
        (0x8, "COMPLETE_ROWS_F"),
        (0x10, "USE_SQL_FOREIGN_KEY_F"),
    ];
    for (bit, name) in NAMES {
        if flags & bit != 0 {
            out.ch(b' ');
            out.s(name);
        }
    }
}

impl Printer<'_> {
    pub(crate) fn print_table_map(
        &mut self,
        raw: &RawEvent<'_>,
        t: &TableMapEvent<'_>,
        log_pos: u64,
    ) -> Result<(), ReadError> {
        self.event_header(raw, log_pos);
        self.out.s("Table_map: ");
        match self.tool {
            // mysqlbinlog prints the names between backquotes as stored.
            Tool::MySql => {
                self.out.ch(b'`');
                self.out.raw(t.database);
                self.out.s("`.`");
                self.out.raw(t.table);
                self.out.ch(b'`');
            }
            Tool::MariaDb => {
                crate::session::backquoted(&mut self.out, t.database);
                self.out.ch(b'.');
                crate::session::backquoted(&mut self.out, t.table);
            }
        }
        self.out.s(" mapped to number ");
        self.out.u64(t.table_id);
        self.out.ch(b'\n');
        // Generated invisible primary keys exist from MySQL 8.0.30; what
        // says so is the server version of the last GTID event read (a
        // dump started past it does not show the line).
        if self.tool == Tool::MySql && self.gtid_server_version.is_some_and(|v| v >= 80030) {
            self.out.s(if t.flags & TM_GENERATED_INVISIBLE_PK_F != 0 {
                "# has_generated_invisible_primary_key=1\n"
            } else {
                "# has_generated_invisible_primary_key=0\n"
            });
        }
        // Most transactions map the same tables the same way again.
        let statement = self.pending.statement;
        match self.tables.get_mut(&t.table_id) {
            Some(known) if known.body == raw.body => known.statement = statement,
            _ => {
                self.tables
                    .insert(t.table_id, TableInfo::from_event(t, raw.body, statement));
            }
        }
        if self.base64() {
            self.pending.events.push(raw.raw.to_vec());
        }
        self.pending.open = true;
        Ok(())
    }

    pub(crate) fn print_rows(
        &mut self,
        raw: &RawEvent<'_>,
        r: &RowsEvent<'_>,
        log_pos: u64,
    ) -> Result<(), ReadError> {
        let name = rows_name(r, raw.type_code);
        if self.tool == Tool::MySql && self.opts.base64_output == Base64Output::Never {
            // mysqlbinlog can show a row event only as a BINLOG statement.
            return Err(ReadError::Decode {
                offset: raw.offset,
                type_name: event_type::type_name(raw.type_code),
                source: DecodeError::Unsupported {
                    what: "--base64-output=never",
                    detail: format!(
                        "the binlog contains a {name} event, which must be printed in base64"
                    ),
                },
            });
        }
        match self.tool {
            Tool::MySql => {
                self.event_header(raw, log_pos);
                self.out.s(name);
                self.out.s(": table id ");
                self.out.u64(r.table_id);
                self.out.s(" flags:");
                flag_names(&mut self.out, r.flags);
                self.out.ch(b'\n');
            }
            Tool::MariaDb => {
                // The event lines wait for the end of the statement.
                self.at_line(raw.offset);
                self.flush_context(raw.offset);
                let main =
                    std::mem::replace(&mut self.out, std::mem::take(&mut self.pending.headers));
                self.event_line(raw, log_pos);
                w!(&mut self.out, "{name}: table id {}", r.table_id);
                // mariadb-binlog names only STMT_END_F.
                if r.flags & STMT_END_F != 0 {
                    self.out.s(" flags: STMT_END_F");
                }
                self.out.ch(b'\n');
                self.pending.headers = std::mem::replace(&mut self.out, main);
            }
        }
        if self.base64() {
            self.pending.events.push(raw.raw.to_vec());
        }
        // mariadb-binlog counts rows even when it does not print them.
        if self.opts.verbose > 0 || self.tool == Tool::MariaDb {
            let err = |source: DecodeError| ReadError::Decode {
                offset: raw.offset,
                type_name: event_type::type_name(raw.type_code),
                source,
            };
            let statement = self.pending.statement;
            match self
                .tables
                .get(&r.table_id)
                .filter(|t| t.statement == statement)
            {
                Some(table) => {
                    let mut v = std::mem::take(&mut self.pending.verbose);
                    let res = if self.opts.verbose > 0 {
                        values::print_rows_verbose(&mut v, self.tool, self.opts.verbose, table, r)
                    } else {
                        values::count_rows(table, r)
                    };
                    self.pending.verbose = v;
                    self.pending.rows += res.map_err(err)?;
                }
                // A dump started past the table map: both tools say so
                // (without a line end) and go on; the rows are not counted.
                None if self.opts.verbose > 0 => {
                    w!(
                        &mut self.pending.verbose,
                        "### Row event for unknown table #{}",
                        r.table_id
                    );
                }
                None => {}
            }
        }
        self.pending.has_rows = true;
        if r.flags & STMT_END_F != 0 {
            self.flush_rows(false);
        } else {
            self.pending.open = true;
        }
        Ok(())
    }

    /// Prints the BINLOG statement and the `###` lines of a statement.
    /// `left_out_end`: the event that ended it was left out by a filter;
    /// mariadb-binlog then prints neither the BINLOG statement's first
    /// line nor the row count (both come with that event).
    pub(crate) fn flush_rows(&mut self, left_out_end: bool) {
        let maria_cut = left_out_end && self.tool == Tool::MariaDb;
        let p = &mut self.pending;
        self.out.raw(&p.headers.0);
        if !p.events.is_empty() {
            if !maria_cut {
                self.out.s("\nBINLOG '\n");
            }
            for e in &p.events {
                crate::text::base64_lines(&mut self.out, e);
            }
            self.out.s("'/*!*/;\n");
        }
        self.out.raw(&p.verbose.0);
        if self.tool == Tool::MariaDb && p.has_rows && !maria_cut {
            w!(&mut self.out, "# Number of rows: {}\n", p.rows);
        }
        p.reset();
    }

    /// At the end of the dump: rows of an unfinished statement are not
    /// printed (the source may not have finished writing it).
    pub(crate) fn finish_pending(&mut self) {
        if self.pending.open {
            self.stderr.push(
                "WARNING: The range of printed events ends with a row event or a table map event that does not have the STMT_END_F flag set. This might be because the last statement was not fully written to the log, or because you are using a --stop-position or --stop-datetime that refers to an event in the middle of a statement. The event(s) from the partial statement have not been written to output.".into(),
            );
        }
        self.pending.reset();
    }
}
