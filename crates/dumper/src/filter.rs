//! `--database`, `--include-gtids` and `--exclude-gtids`: a left-out event
//! still gets its `# at` line, and mysqlbinlog adds a COMMIT where leaving
//! out a statement would leave a GTID's transaction open.

use std::collections::HashSet;

use understudy_binlog::RawEvent;
use understudy_binlog::event::rows_event::STMT_END_F;
use understudy_binlog::event::{Event, GtidEvent};
use understudy_binlog::event_type::{
    FORMAT_DESCRIPTION_EVENT, HEARTBEAT_LOG_EVENT, INCIDENT_EVENT, PREVIOUS_GTIDS_LOG_EVENT,
    ROTATE_EVENT, STOP_EVENT,
};
use understudy_binlog::gtid::{GtidSet, Tag, Uuid};

use crate::options::Options;
use crate::printer::{Printer, Tool};

pub(crate) const ADDED_COMMIT: &str = "COMMIT /* added by mysqlbinlog *//*!*/;\n";

#[derive(Debug, Default)]
pub(crate) struct FilterState {
    /// The current transaction's GTID is left out.
    skipping_trx: bool,
    /// Table ids mapped to tables of other databases.
    tables: HashSet<u64>,
    /// `--database` left out events of the current transaction.
    pub(crate) skipped_in_trx: bool,
    /// `--include-gtids`: the included GTIDs met so far.
    included_seen: GtidSet,
    /// Nothing more can be printed (see `filtered`).
    pub(crate) done: bool,
}

fn gtid_of(g: &GtidEvent<'_>) -> Option<(Uuid, Tag, u64)> {
    if g.anonymous {
        None
    } else {
        let tag = if g.tag.is_empty() {
            Some(Tag::UNTAGGED)
        } else {
            std::str::from_utf8(g.tag)
                .ok()
                .and_then(|t| Tag::new(t).ok())
        };
        tag.map(|t| (Uuid(g.uuid), t, g.gno as u64))
    }
}

/// Whether a transaction with this GTID is left out.
fn gtid_skipped(opts: &Options, gtid: Option<(Uuid, Tag, u64)>) -> bool {
    let in_set = |set: &GtidSet| gtid.is_some_and(|(u, t, n)| set.contains(u, t, n));
    opts.include_gtids.as_ref().is_some_and(|s| !in_set(s))
        || opts.exclude_gtids.as_ref().is_some_and(in_set)
}

impl Printer<'_> {
    /// Decides whether an event is left out; if so prints what is left of
    /// it. Also prints the COMMITs mysqlbinlog adds ahead of an event.
    pub(crate) fn filtered(&mut self, raw: &RawEvent<'_>, ev: &Event<'_>) -> bool {
        let mysql = self.tool == Tool::MySql;
        if let Event::Gtid(g) = ev {
            let gtid = gtid_of(g);
            self.filter.skipping_trx = gtid_skipped(self.opts, gtid);
            if let (Some(include), Some((u, t, n))) = (&self.opts.include_gtids, gtid) {
                if !self.filter.skipping_trx {
                    let _ = self.filter.included_seen.add(u, t, n);
                } else if self.relay_log
                    && !include.is_empty()
                    && include.is_subset(&self.filter.included_seen)
                {
                    // In a relay log mysqlbinlog stops once it has met
                    // every included GTID.
                    self.filter.done = true;
                    return true;
                }
            }
            self.close_cut_transaction();
        }
        // Events outside transactions are never left out.
        if matches!(
            raw.type_code,
            FORMAT_DESCRIPTION_EVENT
                | PREVIOUS_GTIDS_LOG_EVENT
                | ROTATE_EVENT
                | STOP_EVENT
                | INCIDENT_EVENT
                | HEARTBEAT_LOG_EVENT
        ) {
            return false;
        }
        let skip = self.filter.skipping_trx || self.database_skips(ev, mysql);
        if skip {
            self.at_line(raw.offset);
            // A statement's last row event ends it even when left out:
            // what was kept of the statement is printed now.
            if let Event::Rows(r) = ev
                && r.flags & STMT_END_F != 0
            {
                self.flush_rows(true);
                self.filter.tables.clear();
                // An annotation no kept table map showed goes with them.
                self.maria.annotate = None;
            }
        }
        skip
    }

    /// A transaction `--database` cut short of its COMMIT gets one.
    pub(crate) fn close_cut_transaction(&mut self) {
        if self.filter.skipped_in_trx {
            self.out.s(ADDED_COMMIT);
            self.filter.skipped_in_trx = false;
        }
    }

    fn database_skips(&mut self, ev: &Event<'_>, mysql: bool) -> bool {
        let Some(db) = self.opts.database.as_deref() else {
            return false;
        };
        match ev {
            Event::Query(q) => {
                if q.db == db.as_bytes() || crate::session::is_trans_keyword(&q.query) {
                    return false;
                }
                if mysql && self.gtid_open {
                    // The statement was its GTID's whole transaction.
                    self.out.s(ADDED_COMMIT);
                    self.gtid_open = false;
                } else if mysql && self.in_transaction {
                    self.filter.skipped_in_trx = true;
                }
                self.session.context = Default::default();
                true
            }
            Event::TableMap(t) => {
                if t.database == db.as_bytes() {
                    self.filter.tables.remove(&t.table_id);
                    false
                } else {
                    self.filter.tables.insert(t.table_id);
                    self.filter.skipped_in_trx |= mysql && self.in_transaction;
                    true
                }
            }
            Event::Rows(r) => self.filter.tables.contains(&r.table_id),
            _ => false,
        }
    }
}
