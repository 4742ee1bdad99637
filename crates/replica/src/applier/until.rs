//! `START REPLICA SQL_THREAD UNTIL …`: where the applier stops, as MySQL's
//! four conditions say it. A condition is checked at transaction
//! boundaries only (the applier never stops inside a transaction), and
//! once at start (a condition met already stops the applier at once).

use understudy_binlog::gtid::{GtidSet, MariaGtidList};

use super::apply::TxnGtid;
use super::executed::Executed;

/// An UNTIL condition, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Until {
    /// Stop once every GTID of the set is executed.
    SqlAfterGtids(String),
    /// Stop in front of the first transaction whose GTID is in the set.
    SqlBeforeGtids(String),
    /// Stop at the first transaction boundary at or past this source
    /// position.
    SourcePos { file: String, pos: u64 },
    /// The same, in the replica's own relay log coordinates.
    RelayPos { file: String, pos: u64 },
}

impl Until {
    /// `Until_Condition` in SHOW REPLICA STATUS.
    pub fn condition(&self) -> &'static str {
        match self {
            Until::SqlAfterGtids(_) => "SQL_AFTER_GTIDS",
            Until::SqlBeforeGtids(_) => "SQL_BEFORE_GTIDS",
            Until::SourcePos { .. } => "Source",
            Until::RelayPos { .. } => "Relay",
        }
    }

    /// `Until_Log_File` and `Until_Log_Pos` (empty and 0 for GTIDs).
    pub fn log_position(&self) -> (&str, u64) {
        match self {
            Until::SourcePos { file, pos } | Until::RelayPos { file, pos } => (file, *pos),
            _ => ("", 0),
        }
    }

    /// Checks a GTID set's text (MySQL's set or MariaDB's positions).
    pub fn gtids_valid(text: &str) -> bool {
        text.parse::<GtidSet>().is_ok() || text.parse::<MariaGtidList>().is_ok()
    }
}

/// An UNTIL condition the applier evaluates.
#[derive(Debug, Clone)]
pub(crate) enum Check {
    After(Executed),
    Before(Executed),
    Source { file: String, pos: u64 },
    Relay { file: String, pos: u64 },
}

/// Where the applier is: the position after its last transaction.
pub(crate) struct At<'a> {
    pub source_file: &'a str,
    pub source_pos: u64,
    pub relay_file: &'a str,
    pub relay_pos: u64,
}

impl Check {
    pub(crate) fn new(u: &Until) -> Option<Check> {
        Some(match u {
            Until::SqlAfterGtids(s) => Check::After(Executed::parse(s)?),
            Until::SqlBeforeGtids(s) => Check::Before(Executed::parse(s)?),
            Until::SourcePos { file, pos } => Check::Source {
                file: file.clone(),
                pos: *pos,
            },
            Until::RelayPos { file, pos } => Check::Relay {
                file: file.clone(),
                pos: *pos,
            },
        })
    }

    /// Whether the applier, having executed `executed` and standing at
    /// `at` (a transaction boundary), stops here.
    pub(crate) fn reached(&self, executed: &Executed, at: &At<'_>) -> bool {
        match self {
            Check::After(set) => executed.reached(set),
            // Met at start when one of them is executed already; later
            // the applier stops in front of one (`stops_before`).
            Check::Before(set) => executed.meets(set),
            Check::Source { file, pos } => {
                !at.source_file.is_empty() && past(at.source_file, at.source_pos, file, *pos)
            }
            Check::Relay { file, pos } => {
                !at.relay_file.is_empty() && past(at.relay_file, at.relay_pos, file, *pos)
            }
        }
    }

    /// Whether a transaction with this GTID is not to be applied
    /// (SQL_BEFORE_GTIDS).
    pub(crate) fn stops_before(&self, g: &TxnGtid) -> bool {
        match self {
            Check::Before(set) => set.covers(g),
            _ => false,
        }
    }
}

/// Whether `(file, pos)` is at or past `(until_file, until_pos)`: files
/// ordered by their numeric extension (`binlog.000010` after
/// `binlog.000009`), as MySQL orders a log's files.
pub(crate) fn past(file: &str, pos: u64, until_file: &str, until_pos: u64) -> bool {
    let seq = |f: &str| {
        f.rsplit_once('.')
            .and_then(|(_, n)| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    match seq(file).cmp(&seq(until_file)) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => pos >= until_pos,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use understudy_binlog::gtid::{Tag, Uuid};

    const U: &str = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

    fn at<'a>(sf: &'a str, sp: u64) -> At<'a> {
        At {
            source_file: sf,
            source_pos: sp,
            relay_file: "r.000002",
            relay_pos: 500,
        }
    }

    #[test]
    fn positions_compare_by_file_number_then_offset() {
        let c = Check::new(&Until::SourcePos {
            file: "binlog.000009".into(),
            pos: 1000,
        })
        .unwrap();
        let e = Executed::default();
        assert!(!c.reached(&e, &at("binlog.000009", 999)));
        assert!(c.reached(&e, &at("binlog.000009", 1000)));
        assert!(c.reached(&e, &at("binlog.000010", 4)));
        assert!(!c.reached(&e, &at("binlog.000008", 5000)));
        assert!(!c.reached(&e, &at("", 0)));
        let r = Check::new(&Until::RelayPos {
            file: "r.000002".into(),
            pos: 501,
        })
        .unwrap();
        assert!(!r.reached(&e, &at("binlog.000010", 4)));
    }

    #[test]
    fn gtid_conditions() {
        let g = |n| TxnGtid::MySql(U.parse::<Uuid>().unwrap(), Tag::default(), n);
        let before = Check::new(&Until::SqlBeforeGtids(format!("{U}:5-6"))).unwrap();
        assert!(before.stops_before(&g(5)));
        assert!(!before.stops_before(&g(4)));
        let mut e = Executed::parse(&format!("{U}:1-4")).unwrap();
        assert!(!before.reached(&e, &at("", 0)));
        e.add(g(5));
        assert!(before.reached(&e, &at("", 0)));
        let after = Check::new(&Until::SqlAfterGtids(format!("{U}:5-6"))).unwrap();
        assert!(!after.reached(&e, &at("", 0)));
        e.add(g(6));
        assert!(after.reached(&e, &at("", 0)));
        assert!(!after.stops_before(&g(7)));
        assert!(Check::new(&Until::SqlAfterGtids("nonsense".into())).is_none());
    }

    #[test]
    fn mariadb_before_stops_at_the_domain_position() {
        let before = Check::new(&Until::SqlBeforeGtids("0-1-10".into())).unwrap();
        let m = |d, s| TxnGtid::MariaDb(understudy_binlog::gtid::MariaGtid::new(d, 1, s));
        assert!(!before.stops_before(&m(0, 9)));
        assert!(before.stops_before(&m(0, 10)));
        assert!(!before.stops_before(&m(1, 10)));
    }
}
