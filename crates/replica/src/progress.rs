//! Where the relay log stands in the source's binlog: the source file and
//! position, where the last complete transaction ended, and the GTIDs
//! received in complete transactions. The transaction structure and the
//! position rules are `understudy_binlog::relay::RelayTailScanner`'s, the
//! same walk that reads a relay file back at start-up; this keeps it going
//! across sessions and relay files.

use understudy_binlog::RawEvent;
use understudy_binlog::ReadError;
use understudy_binlog::format_description_event::FormatDescription;
use understudy_binlog::gtid::{GtidSet, MariaGtidList};
use understudy_binlog::relay::{RelayTailScanner, TailScan};

/// The state after the last complete transaction (or event outside one):
/// where to resume from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committed {
    pub source_file: String,
    pub source_pos: u64,
    /// End of that transaction in the current relay file.
    pub relay_offset: u64,
}

#[derive(Debug, Clone)]
pub struct Progress {
    scan: RelayTailScanner,
    /// GTIDs of complete transactions received before `scan` started
    /// (earlier files, earlier sessions).
    base_gtids: GtidSet,
    base_maria: MariaGtidList,
    pub committed: Committed,
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}

impl Progress {
    /// Nothing received yet.
    pub fn new() -> Self {
        Progress {
            scan: RelayTailScanner::new(),
            base_gtids: GtidSet::new(),
            base_maria: MariaGtidList::new(),
            committed: Committed::default(),
        }
    }

    /// Goes on after what the scan of the last relay file found; `fallback`
    /// (master.info's file and position) for what the file does not name: a
    /// relay file begun at `max_relay_log_size` has no source rotate, and
    /// master.info is written when each relay file begins.
    pub fn resume(scan: &TailScan, fallback: Option<(String, u64)>) -> Self {
        let mut gtids = scan.previous_gtids.clone().unwrap_or_default();
        gtids.union_with(&scan.gtids);
        let (fb_file, fb_pos) = fallback.unwrap_or_default();
        let file = scan.source_file.clone().unwrap_or(fb_file);
        let pos = scan.source_pos.unwrap_or(fb_pos);
        let mut maria = scan.previous_mariadb_gtids.clone().unwrap_or_default();
        for g in scan.mariadb_gtids.iter() {
            maria.update(g);
        }
        let mut p = Progress {
            scan: RelayTailScanner::new(),
            base_gtids: gtids,
            base_maria: maria,
            committed: Committed {
                source_file: file,
                source_pos: pos,
                relay_offset: scan.resume_len,
            },
        };
        p.restart_scan();
        p
    }

    pub fn in_transaction(&self) -> bool {
        self.scan.in_transaction()
    }

    /// Takes an event of the source's stream, framed with its offset in
    /// the relay file. Returns true when it ends a transaction (or stands
    /// alone): the relay log may be cut after it.
    pub fn on_event(
        &mut self,
        raw: &RawEvent<'_>,
        fde: &FormatDescription,
    ) -> Result<bool, ReadError> {
        let boundary = self.scan.event(raw, fde);
        let st = self.scan.state();
        if let Some(e) = &st.decode_error {
            return Err(e.clone());
        }
        if boundary {
            self.committed = Committed {
                source_file: st.source_file.clone().unwrap_or_default(),
                source_pos: st.source_pos.unwrap_or(0),
                relay_offset: raw.end_offset(),
            };
        }
        Ok(boundary)
    }

    /// Back to the last complete transaction (its tail was dropped).
    pub fn rewind(&mut self) {
        let st = self.scan.state();
        self.base_gtids.union_with(&st.gtids);
        for g in st.mariadb_gtids.iter() {
            self.base_maria.update(g);
        }
        self.restart_scan();
    }

    fn restart_scan(&mut self) {
        let c = &self.committed;
        let file = (!c.source_file.is_empty()).then(|| c.source_file.clone());
        let pos = file.as_ref().map(|_| c.source_pos);
        self.scan = RelayTailScanner::new().with_source(file, pos);
    }

    /// The source position after the last event read (`Source_Log_File`,
    /// `Read_Source_Log_Pos`).
    pub fn source_position(&self) -> (String, u64) {
        let (f, p) = self.scan.source();
        (f.unwrap_or_default().to_owned(), p.unwrap_or(0))
    }

    /// MySQL: every GTID received in a complete transaction.
    pub fn mysql_gtids(&self) -> GtidSet {
        self.base_gtids.union(&self.scan.state().gtids)
    }

    /// MariaDB: the last GTID of each domain received (the later one wins,
    /// as in `gtid_slave_pos`).
    pub fn maria_gtids(&self) -> MariaGtidList {
        let mut m = self.base_maria.clone();
        for g in self.scan.state().mariadb_gtids.iter() {
            m.update(g);
        }
        m
    }

    /// `Retrieved_Gtid_Set` as the source's flavor prints it.
    pub fn retrieved_text(&self) -> String {
        let maria = self.maria_gtids();
        if !maria.is_empty() {
            return maria.to_string();
        }
        self.mysql_gtids().to_string()
    }
}
