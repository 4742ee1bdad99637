//! Where a relay file stops being whole, and where a replica resumes.
//!
//! After a crash the tail of a relay file may be torn (an event cut short,
//! zeros, a bad CRC32) or hold the first part of a transaction whose end
//! never arrived. [`scan_relay_tail`] walks the file with checksum
//! verification and reports:
//!
//! - `valid_len`: the magic and the whole, checksum-valid events before the
//!   first framing error (where the torn tail starts);
//! - `resume_len`: the end of the last complete transaction within it, or
//!   of the last event outside any transaction (format descriptions,
//!   rotates, Previous_gtids, Gtid_list, Binlog_checkpoint, Stop): where a
//!   replica truncates the file and resumes receiving;
//! - the source's binlog file and position at `resume_len`, and the GTIDs
//!   of the complete transactions, to ask the source for what comes next.
//!
//! Transactions: one starts at a GTID / Anonymous_GTID (MySQL), a MariaDB
//! GTID, or a `BEGIN` query without either, and ends at an XID, a `COMMIT`
//! or `ROLLBACK` query, an XA_PREPARE event, a transaction payload, or —
//! for a statement logged after a MySQL GTID without `BEGIN` (DDL, `XA
//! COMMIT`), after a MariaDB GTID with FL_STANDALONE, or outside any —
//! that statement. Both flavours end the first half of an XA transaction
//! (`XA END`) with an XA_PREPARE event. A source format description or rotate (not the replica's own)
//! inside a transaction means the source restarted the stream: the partial
//! transaction is abandoned, as the applier abandons it.
//!
//! Source position: a rotate that is not the replica's own (the fake
//! rotate, the source's real rotate, MySQL's server-id-0 rotate) sets file
//! and position; every other source event with a nonzero log_pos sets the
//! position to it; a format description or artificial event with log_pos 0
//! leaves it alone; any other event with log_pos 0 (MariaDB 11.4+ writes 0
//! inside transactions) advances it by its size. The replica's own events
//! (flag LOG_EVENT_RELAY_LOG_F, and a Stop with the server id of the
//! file's relay-log format description) never move it.
//!
//! A file is scanned on its own: a relay file that starts in the middle of
//! a transaction (a relay log rotated inside one) is not recognised as such.

use crate::error::{DecodeError, ReadError};
use crate::event::mariadb_events::FL_STANDALONE;
use crate::event::mariadb_events::GtidListEvent;
use crate::event::{GtidEvent, MariaGtidEvent, PreviousGtidsEvent, QueryEvent, RotateEvent};
use crate::event_type::{self, *};
use crate::format_description_event::FormatDescription;
use crate::gtid::{GtidSet, MariaGtid, MariaGtidList, Tag, Uuid};
use crate::header::{LOG_EVENT_ARTIFICIAL_F, LOG_EVENT_RELAY_LOG_F};
use crate::reader::{BINLOG_MAGIC, EventReader, RawEvent};

/// What [`scan_relay_tail`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailScan {
    /// Length of the prefix made of the magic and whole, checksum-valid
    /// events: the file is torn or damaged from here on. 0 when the file
    /// does not start with the magic.
    pub valid_len: u64,
    /// End of the last complete transaction or non-transactional event,
    /// `<= valid_len`: truncate here and resume receiving.
    pub resume_len: u64,
    /// The source binlog at `resume_len`, from the last rotate received
    /// from the source; `None` if the file names none (a MySQL relay file
    /// begun by FLUSH RELAY LOGS: take it from the previous file).
    pub source_file: Option<String>,
    /// The source position at `resume_len`: where the source's next event
    /// starts.
    pub source_pos: Option<u64>,
    /// MySQL: the GTIDs of the complete transactions (not those of
    /// [`TailScan::previous_gtids`]).
    pub gtids: GtidSet,
    /// MariaDB: the last GTID of each domain among the complete
    /// transactions.
    pub mariadb_gtids: MariaGtidList,
    /// MySQL: the replica's Previous_gtids, the GTIDs received before this
    /// file.
    pub previous_gtids: Option<GtidSet>,
    /// MariaDB: the replica's own Gtid_list (understudy writes one after
    /// its format description), the positions received before this file.
    pub previous_mariadb_gtids: Option<MariaGtidList>,
    /// Server id of the replica's own format description, when the file
    /// starts with one (flag LOG_EVENT_RELAY_LOG_F).
    pub replica_server_id: Option<u32>,
    /// Complete transactions up to `resume_len`.
    pub transactions: u64,
    /// The next relay file, when the file ends with the replica's rotate.
    pub next_relay_file: Option<String>,
    /// A Stop event of the replica's was read (it shut down cleanly).
    pub stopped: bool,
    /// Why `valid_len` is short of the file's length (torn or bad event).
    pub framing_error: Option<ReadError>,
    /// An event whose checksum was right but whose content could not be
    /// read where the scan needs it (a GTID, a query, a rotate): the resume
    /// point and GTIDs stop before it.
    pub decode_error: Option<ReadError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Txn {
    Outside,
    /// After a MySQL GTID or Anonymous_GTID: BEGIN, XA START, a DDL or a
    /// transaction payload follows.
    AfterGtid,
    /// Inside BEGIN … COMMIT, or after a MariaDB GTID without
    /// FL_STANDALONE.
    Group,
    /// A single statement, with the events that prepare it (Intvar,
    /// User_var…): ends at the next query or XID.
    Statement,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    None,
    MySql(Uuid, Tag, u64),
    MariaDb(MariaGtid),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueryKind {
    Begin,
    End,
    Other,
}

/// [`scan_relay_tail`] one event at a time, for a file read in pieces
/// (e.g. with `stream::each_event`): [`RelayTailScanner::event`] for each
/// event in order, then [`RelayTailScanner::finish`].
#[derive(Debug, Clone)]
pub struct RelayTailScanner {
    out: TailScan,
    txn: Txn,
    pending: Pending,
    file: Option<String>,
    pos: Option<u64>,
    first: bool,
    /// The last event taken ended a transaction or stood alone.
    at_boundary: bool,
}

impl Default for RelayTailScanner {
    fn default() -> Self {
        Self::new()
    }
}

impl RelayTailScanner {
    /// A scanner for a file whose magic was read.
    pub fn new() -> Self {
        let start = BINLOG_MAGIC.len() as u64;
        RelayTailScanner {
            out: TailScan {
                valid_len: start,
                resume_len: start,
                source_file: None,
                source_pos: None,
                gtids: GtidSet::new(),
                mariadb_gtids: MariaGtidList::new(),
                previous_gtids: None,
                previous_mariadb_gtids: None,
                replica_server_id: None,
                transactions: 0,
                next_relay_file: None,
                stopped: false,
                framing_error: None,
                decode_error: None,
            },
            txn: Txn::Outside,
            pending: Pending::None,
            file: None,
            pos: None,
            first: true,
            at_boundary: false,
        }
    }

    /// Starts from the source position the previous relay file ended at,
    /// for files that do not name the source's binlog themselves.
    pub fn with_source(mut self, file: Option<String>, pos: Option<u64>) -> Self {
        self.file = file.clone();
        self.pos = pos;
        self.out.source_file = file;
        self.out.source_pos = pos;
        self
    }

    /// Takes the next whole, checksum-valid event of the file, with the
    /// format description in force for it. Returns true when the event
    /// ends a transaction or stands alone: a place to resume from.
    pub fn event(&mut self, raw: &RawEvent<'_>, fde: &FormatDescription) -> bool {
        self.out.valid_len = raw.end_offset();
        self.at_boundary = false;
        if self.out.decode_error.is_some() {
            return false;
        }
        if let Err(source) = self.interpret(raw, fde) {
            self.out.decode_error = Some(ReadError::Decode {
                offset: raw.offset,
                type_name: event_type::type_name(raw.type_code),
                source,
            });
        }
        self.at_boundary
    }

    /// What was found so far (`finish` gives the same with the framing
    /// error).
    pub fn state(&self) -> &TailScan {
        &self.out
    }

    /// True between the first and the last event of a transaction.
    pub fn in_transaction(&self) -> bool {
        self.txn != Txn::Outside
    }

    /// The source's binlog file and the position after the last event
    /// taken (inside a transaction too).
    pub fn source(&self) -> (Option<&str>, Option<u64>) {
        (self.file.as_deref(), self.pos)
    }

    /// The result; `framing_error` is what ended the walk, if anything.
    pub fn finish(mut self, framing_error: Option<ReadError>) -> TailScan {
        if framing_error == Some(ReadError::BadMagic) {
            self.out.valid_len = 0;
            self.out.resume_len = 0;
        }
        self.out.framing_error = framing_error;
        self.out
    }

    fn interpret(
        &mut self,
        raw: &RawEvent<'_>,
        fde: &FormatDescription,
    ) -> Result<(), DecodeError> {
        let h = &raw.header;
        let t = raw.type_code;
        let first = std::mem::replace(&mut self.first, false);
        if first && t == FORMAT_DESCRIPTION_EVENT && h.flags & LOG_EVENT_RELAY_LOG_F != 0 {
            self.out.replica_server_id = Some(h.server_id);
        }
        let own = h.flags & LOG_EVENT_RELAY_LOG_F != 0
            || (t == STOP_EVENT && Some(h.server_id) == self.out.replica_server_id);

        // Where the source is after this event.
        let rotate = if t == ROTATE_EVENT {
            let post = fde.post_header_len(ROTATE_EVENT).unwrap_or(8);
            let r = RotateEvent::parse(raw.body, post)?;
            Some((String::from_utf8_lossy(r.next_log).into_owned(), r.position))
        } else {
            None
        };
        // The source file changes only at a rotate: no copy otherwise.
        let mut new_file: Option<String> = None;
        let mut pos = self.pos;
        if !own {
            if let Some((name, position)) = &rotate {
                new_file = Some(name.clone());
                pos = Some(*position);
            } else if h.log_pos != 0 {
                pos = Some(u64::from(h.log_pos));
            } else if t != FORMAT_DESCRIPTION_EVENT && h.flags & LOG_EVENT_ARTIFICIAL_F == 0 {
                pos = pos.map(|p| p.saturating_add(raw.raw.len() as u64));
            }
        }

        // What it does to the transaction.
        let ends = match t {
            FORMAT_DESCRIPTION_EVENT
            | ROTATE_EVENT
            | PREVIOUS_GTIDS_LOG_EVENT
            | GTID_LIST_EVENT
            | BINLOG_CHECKPOINT_EVENT
            | STOP_EVENT
            | INCIDENT_EVENT
            | HEARTBEAT_LOG_EVENT
            | HEARTBEAT_LOG_EVENT_V2
            | START_ENCRYPTION_EVENT => {
                if own {
                    if t == ROTATE_EVENT {
                        self.out.next_relay_file = rotate.map(|(name, _)| name);
                    } else if t == PREVIOUS_GTIDS_LOG_EVENT {
                        self.out.previous_gtids =
                            Some(PreviousGtidsEvent::parse(raw.body)?.gtid_set);
                    } else if t == GTID_LIST_EVENT {
                        let list = GtidListEvent::parse(raw.body)?;
                        self.out.previous_mariadb_gtids =
                            Some(MariaGtidList::from_entries(list.gtids));
                    } else if t == STOP_EVENT {
                        self.out.stopped = true;
                    }
                }
                if !own && matches!(t, FORMAT_DESCRIPTION_EVENT | ROTATE_EVENT) {
                    self.abandon();
                }
                // Outside a transaction these are complete by themselves;
                // inside one (the replica's rotate or stop) they are not
                // an end.
                if self.txn == Txn::Outside {
                    self.set_source(new_file, pos);
                    self.boundary(raw);
                    return Ok(());
                }
                false
            }
            GTID_LOG_EVENT | ANONYMOUS_GTID_LOG_EVENT | GTID_TAGGED_LOG_EVENT => {
                let g = if t == GTID_TAGGED_LOG_EVENT {
                    GtidEvent::parse_tagged(raw.body)?
                } else {
                    GtidEvent::parse(raw.body, t == ANONYMOUS_GTID_LOG_EVENT)?
                };
                self.abandon();
                if t != ANONYMOUS_GTID_LOG_EVENT {
                    let tag = Tag::from_binary(g.tag).ok_or_else(|| {
                        DecodeError::invalid("GTID tag", String::from_utf8_lossy(g.tag))
                    })?;
                    let gno = u64::try_from(g.gno).unwrap_or(0);
                    if gno == 0 || gno > crate::gtid::MAX_GNO {
                        return Err(DecodeError::invalid("GTID gno", g.gno.to_string()));
                    }
                    self.pending = Pending::MySql(Uuid(g.uuid), tag, gno);
                }
                self.txn = Txn::AfterGtid;
                false
            }
            GTID_EVENT => {
                let g = MariaGtidEvent::parse(raw.body)?;
                self.abandon();
                self.pending = Pending::MariaDb(MariaGtid::new(g.domain_id, h.server_id, g.seq_no));
                self.txn = if g.flags2 & FL_STANDALONE != 0 {
                    Txn::Statement
                } else {
                    Txn::Group
                };
                false
            }
            QUERY_EVENT | QUERY_COMPRESSED_EVENT => {
                let post = fde.post_header_len(t).unwrap_or(13);
                let q = if t == QUERY_EVENT {
                    QueryEvent::parse(raw.body, post)?
                } else {
                    QueryEvent::parse_compressed(raw.body, post)?
                };
                match (self.txn, classify(&q.query)) {
                    (Txn::Group, QueryKind::End) => true,
                    (Txn::Group, _) => false,
                    (_, QueryKind::Begin) => {
                        self.txn = Txn::Group;
                        false
                    }
                    _ => true,
                }
            }
            XID_EVENT | XA_PREPARE_LOG_EVENT | TRANSACTION_PAYLOAD_EVENT => true,
            _ => {
                if self.txn == Txn::Outside {
                    self.txn = Txn::Statement;
                }
                false
            }
        };
        self.set_source(new_file, pos);
        if ends {
            self.commit()?;
            self.boundary(raw);
        }
        Ok(())
    }

    /// The source position after the event (`file`: a new file name).
    fn set_source(&mut self, file: Option<String>, pos: Option<u64>) {
        if let Some(f) = file {
            self.file = Some(f);
        }
        self.pos = pos;
    }

    /// Drops a transaction whose end will never come.
    fn abandon(&mut self) {
        self.txn = Txn::Outside;
        self.pending = Pending::None;
    }

    fn commit(&mut self) -> Result<(), DecodeError> {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {}
            Pending::MySql(uuid, tag, gno) => self
                .out
                .gtids
                .add(uuid, tag, gno)
                .map_err(|e| DecodeError::invalid("GTID gno", e.to_string()))?,
            Pending::MariaDb(g) => self.out.mariadb_gtids.update(g),
        }
        self.txn = Txn::Outside;
        self.out.transactions += 1;
        Ok(())
    }

    /// The end of `raw` is a place to resume (at the source position set
    /// before).
    fn boundary(&mut self, raw: &RawEvent<'_>) {
        self.at_boundary = true;
        self.out.resume_len = raw.end_offset();
        if self.out.source_file != self.file {
            self.out.source_file = self.file.clone();
        }
        self.out.source_pos = self.pos;
    }
}

/// How a query moves a transaction along: only the exact statements the
/// servers log for transaction control count.
fn classify(query: &[u8]) -> QueryKind {
    let q = query.trim_ascii();
    let starts = |p: &[u8]| q.len() >= p.len() && q[..p.len()].eq_ignore_ascii_case(p);
    if q.eq_ignore_ascii_case(b"BEGIN") || starts(b"XA START") || starts(b"XA BEGIN") {
        QueryKind::Begin
    } else if q.eq_ignore_ascii_case(b"COMMIT") || q.eq_ignore_ascii_case(b"ROLLBACK") {
        QueryKind::End
    } else {
        QueryKind::Other
    }
}

/// Scans a whole relay file held in memory; see the module documentation.
/// Never fails: what it could not read is in the result's errors.
pub fn scan_relay_tail(file: &[u8]) -> TailScan {
    let mut reader = match EventReader::new(file) {
        Ok(r) => r.verify_checksums(true),
        Err(e) => return RelayTailScanner::new().finish(Some(e)),
    };
    let mut scanner = RelayTailScanner::new();
    let mut framing_error = None;
    while let Some(next) = reader.next_event() {
        match next {
            Ok(raw) => {
                scanner.event(&raw, reader.fde());
            }
            Err(e) => {
                framing_error = Some(e);
                break;
            }
        }
    }
    scanner.finish(framing_error)
}
