//! Where the relay log stands in the source's binlog, event by event: the
//! source file and position, the transactions completed, and the GTIDs
//! received in complete transactions. The I/O task feeds it every event it
//! writes; start-up recovery feeds it the last relay file again.

use understudy_binlog::event::rotate_event::RotateEvent;
use understudy_binlog::event_type::{
    FORMAT_DESCRIPTION_EVENT, HEARTBEAT_LOG_EVENT, HEARTBEAT_LOG_EVENT_V2,
    PREVIOUS_GTIDS_LOG_EVENT, ROTATE_EVENT, STOP_EVENT,
};
use understudy_binlog::format_description_event::FormatDescription;
use understudy_binlog::gtid::{GtidSet, MariaGtidList, Tag, Uuid};
use understudy_binlog::header::LOG_EVENT_ARTIFICIAL_F;
use understudy_binlog::txn::{Boundary, TxnGtid, TxnTracker};
use understudy_binlog::{DecodeError, RawEvent};

/// The state after the last complete transaction (or event outside one):
/// where to resume from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Committed {
    pub source_file: String,
    pub source_pos: u64,
    /// End of that transaction in the current relay file.
    pub relay_offset: u64,
}

#[derive(Debug, Clone)]
pub struct Progress {
    own_server_id: u32,
    /// The position of the last event read from the source.
    pub source_file: String,
    pub source_pos: u64,
    txn: TxnTracker,
    /// The source's format description, for decoding its events.
    pub fde: FormatDescription,
    /// MySQL GTIDs of complete transactions (`Retrieved_Gtid_Set`).
    pub mysql_gtids: GtidSet,
    /// MariaDB: the last GTID of each domain in complete transactions.
    pub maria_gtids: MariaGtidList,
    pub committed: Committed,
}

impl Progress {
    pub fn new(own_server_id: u32) -> Self {
        Progress {
            own_server_id,
            source_file: String::new(),
            source_pos: 0,
            txn: TxnTracker::new(),
            fde: FormatDescription::default_v4(),
            mysql_gtids: GtidSet::new(),
            maria_gtids: MariaGtidList::new(),
            committed: Committed::default(),
        }
    }

    pub fn in_transaction(&self) -> bool {
        self.txn.in_transaction()
    }

    /// Back to the last complete transaction (its tail was dropped).
    pub fn rewind(&mut self) {
        self.txn.reset();
        self.source_file = self.committed.source_file.clone();
        self.source_pos = self.committed.source_pos;
    }

    /// True for an event the replica wrote itself in its relay file (its
    /// format description, Previous_gtids, rotate to the next relay file,
    /// stop): not part of the source's stream.
    pub fn is_own(&self, raw: &RawEvent<'_>) -> bool {
        raw.header.server_id == self.own_server_id
            && matches!(
                raw.type_code,
                FORMAT_DESCRIPTION_EVENT | PREVIOUS_GTIDS_LOG_EVENT | ROTATE_EVENT | STOP_EVENT
            )
    }

    /// Takes an event of the source's stream, written to the relay log
    /// ending at `relay_end`.
    pub fn on_event(
        &mut self,
        raw: &RawEvent<'_>,
        relay_end: u64,
    ) -> Result<Boundary, DecodeError> {
        let h = &raw.header;
        match raw.type_code {
            ROTATE_EVENT => {
                let ph = self.fde.post_header_len(ROTATE_EVENT).unwrap_or(8);
                let r = RotateEvent::parse(raw.body, ph)?;
                self.source_file = String::from_utf8_lossy(r.next_log).into_owned();
                self.source_pos = r.position;
            }
            FORMAT_DESCRIPTION_EVENT => {
                self.fde = FormatDescription::parse(raw.body)?;
                if h.log_pos != 0 {
                    self.source_pos = u64::from(h.log_pos);
                }
            }
            HEARTBEAT_LOG_EVENT | HEARTBEAT_LOG_EVENT_V2 => {}
            _ if h.flags & LOG_EVENT_ARTIFICIAL_F != 0 => {}
            _ if h.log_pos != 0 => self.source_pos = u64::from(h.log_pos),
            // MariaDB 11.4+ writes 0 inside transactions: count the bytes.
            _ => self.source_pos += u64::from(h.event_size),
        }
        let b = self.txn.on_event(raw, &self.fde)?;
        match &b {
            Boundary::Inside => {}
            Boundary::Outside | Boundary::Ends(_) => {
                if let Boundary::Ends(Some(g)) = &b {
                    self.add_gtid(g);
                }
                self.committed = Committed {
                    source_file: self.source_file.clone(),
                    source_pos: self.source_pos,
                    relay_offset: relay_end,
                };
            }
        }
        Ok(b)
    }

    fn add_gtid(&mut self, g: &TxnGtid) {
        match g {
            TxnGtid::Mysql { uuid, tag, gno } => {
                let tag = Tag::new(tag).unwrap_or_default();
                // A GNO out of range cannot come from a decoded event.
                let _ = self.mysql_gtids.add(Uuid(*uuid), tag, *gno);
            }
            TxnGtid::Maria(g) => self.maria_gtids.update(*g),
        }
    }

    /// `Retrieved_Gtid_Set` as MySQL prints it (MariaDB: domain-server-seq
    /// list).
    pub fn retrieved_text(&self) -> String {
        if !self.maria_gtids.is_empty() {
            return self.maria_gtids.to_string();
        }
        self.mysql_gtids.to_string()
    }
}
