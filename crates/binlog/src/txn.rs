//! Where source transactions begin and end in an event stream, so that a
//! relay log can be cut back to its last complete transaction.
//!
//! - MySQL: a GTID (or anonymous GTID) event opens a transaction; then a
//!   Query `BEGIN` … XID / Query `COMMIT` / `ROLLBACK`, or a single
//!   statement (DDL, `XA COMMIT`) that is the whole transaction, or one
//!   TRANSACTION_PAYLOAD event holding it compressed. `XA PREPARE` ends
//!   the first half of an XA transaction.
//! - MariaDB: its GTID event opens the transaction and stands for BEGIN;
//!   with the standalone flag the next event alone is the transaction.
//! - Without GTIDs (old binlogs): Query `BEGIN` … end, or a statement
//!   outside BEGIN that is complete by itself.
//!
//! Events outside transactions (FDE, rotate, previous GTIDs, GTID list,
//! checkpoint, incident, stop) are complete by themselves.

use crate::error::DecodeError;
use crate::event::gtid_event::GtidEvent;
use crate::event::mariadb_events::MariaGtidEvent;
use crate::event::query_event::QueryEvent;
use crate::event_type::*;
use crate::format_description_event::FormatDescription;
use crate::gtid::MariaGtid;
use crate::reader::RawEvent;

/// MariaDB GTID flags2 bit: the transaction is one statement, no BEGIN.
const FL_STANDALONE: u8 = 1;

/// The GTID of a transaction, when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxnGtid {
    Mysql {
        uuid: [u8; 16],
        /// Empty when untagged.
        tag: String,
        gno: u64,
    },
    Maria(MariaGtid),
}

/// What an event does to the transaction structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Boundary {
    /// Not part of a transaction: complete by itself.
    Outside,
    /// Opens or continues a transaction.
    Inside,
    /// Ends a transaction (with its GTID, if it had one).
    Ends(Option<TxnGtid>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
    Idle,
    /// After a MySQL GTID: BEGIN, or one statement that is the whole
    /// transaction, or a payload event.
    AfterGtid,
    /// After a MariaDB standalone GTID: the next event ends it.
    Standalone,
    /// Between BEGIN (or a MariaDB GTID) and the commit.
    Open,
}

#[derive(Debug, Clone, Default)]
pub struct TxnTracker {
    state: State,
    gtid: Option<TxnGtid>,
}

fn query_kind(q: &[u8]) -> QueryKind {
    let q = q.trim_ascii();
    let starts = |p: &[u8]| q.len() >= p.len() && q[..p.len()].eq_ignore_ascii_case(p);
    if q.eq_ignore_ascii_case(b"BEGIN") || starts(b"XA START") || starts(b"XA BEGIN") {
        QueryKind::Begin
    } else if q.eq_ignore_ascii_case(b"COMMIT") || q.eq_ignore_ascii_case(b"ROLLBACK") {
        QueryKind::End
    } else {
        QueryKind::Other
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueryKind {
    Begin,
    End,
    Other,
}

impl TxnTracker {
    pub fn new() -> Self {
        TxnTracker::default()
    }

    /// True between the first and the last event of a transaction.
    pub fn in_transaction(&self) -> bool {
        self.state != State::Idle
    }

    /// Forgets a transaction that was cut off (after a reconnect).
    pub fn reset(&mut self) {
        *self = TxnTracker::default();
    }

    /// Classifies the next event. Errors only when a GTID or query event
    /// that decides the structure cannot be decoded.
    pub fn on_event(
        &mut self,
        raw: &RawEvent<'_>,
        fde: &FormatDescription,
    ) -> Result<Boundary, DecodeError> {
        let t = raw.type_code;
        match t {
            GTID_LOG_EVENT | ANONYMOUS_GTID_LOG_EVENT | GTID_TAGGED_LOG_EVENT => {
                let g = if t == GTID_TAGGED_LOG_EVENT {
                    GtidEvent::parse_tagged(raw.body)?
                } else {
                    GtidEvent::parse(raw.body, t == ANONYMOUS_GTID_LOG_EVENT)?
                };
                self.gtid = (t != ANONYMOUS_GTID_LOG_EVENT).then(|| TxnGtid::Mysql {
                    uuid: g.uuid,
                    tag: String::from_utf8_lossy(g.tag).into_owned(),
                    gno: g.gno as u64,
                });
                self.state = State::AfterGtid;
                Ok(Boundary::Inside)
            }
            GTID_EVENT => {
                let g = MariaGtidEvent::parse(raw.body)?;
                self.gtid = Some(TxnGtid::Maria(MariaGtid::new(
                    g.domain_id,
                    raw.header.server_id,
                    g.seq_no,
                )));
                self.state = if g.flags2 & FL_STANDALONE != 0 {
                    State::Standalone
                } else {
                    State::Open
                };
                Ok(Boundary::Inside)
            }
            QUERY_EVENT | QUERY_COMPRESSED_EVENT => {
                let kind = if t == QUERY_EVENT {
                    let ph = fde.post_header_len(QUERY_EVENT).unwrap_or(13);
                    query_kind(&QueryEvent::parse(raw.body, ph)?.query)
                } else {
                    QueryKind::Other
                };
                Ok(match (self.state, kind) {
                    (State::Idle | State::AfterGtid, QueryKind::Begin) => {
                        self.state = State::Open;
                        Boundary::Inside
                    }
                    (State::Open, QueryKind::End) => self.end(),
                    (State::Open, _) => Boundary::Inside,
                    // A statement that is a transaction by itself.
                    (State::Idle | State::AfterGtid | State::Standalone, _) => self.end(),
                })
            }
            XID_EVENT | XA_PREPARE_LOG_EVENT => Ok(self.end()),
            TRANSACTION_PAYLOAD_EVENT if self.state == State::AfterGtid => Ok(self.end()),
            _ => Ok(match self.state {
                State::Idle => Boundary::Outside,
                State::Standalone => self.end(),
                State::AfterGtid | State::Open => Boundary::Inside,
            }),
        }
    }

    fn end(&mut self) -> Boundary {
        self.state = State::Idle;
        Boundary::Ends(self.gtid.take())
    }
}
