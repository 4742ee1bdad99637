//! MariaDB GTIDs (`domain-server-seq`), GTID positions (one GTID per
//! replication domain: `@@gtid_binlog_pos`, `@@gtid_slave_pos`, the
//! `slave_connect_state` a replica sends) and the raw GTID lists of the
//! GTID_LIST event (several GTIDs per domain, one per server id).
//!
//! Binary layout of one GTID in a GTID_LIST event (decoded elsewhere):
//! `u32 LE domain_id, u32 LE server_id, u64 LE seq_no`.
//!
//! Text, as MariaDB 10.11 prints and parses it (checked with
//! `SET GLOBAL gtid_slave_pos` and `SELECT @@gtid_binlog_pos`): GTIDs joined
//! by `,` with no space; a position is printed sorted by domain id as a
//! number (`0-2-3,1-3-1,2-1-1,10-3-1,100-1-1`). When parsing, each number
//! may be preceded by whitespace and a `+` (MariaDB reads them with
//! `strtoull`), but nothing may follow the last one: `"1-1-1, 2-1-1"` is
//! accepted, `"1-1-1 ,2-1-1"`, `"1-1-1,"` and `" "` are not. The empty
//! string is the empty position.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use super::text::{GtidParseError, Scanner};

/// One MariaDB GTID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct MariaGtid {
    pub domain_id: u32,
    pub server_id: u32,
    pub seq_no: u64,
}

impl MariaGtid {
    pub fn new(domain_id: u32, server_id: u32, seq_no: u64) -> Self {
        MariaGtid {
            domain_id,
            server_id,
            seq_no,
        }
    }

    /// Parses one GTID at the scanner.
    fn scan(sc: &mut Scanner<'_>) -> Result<MariaGtid, GtidParseError> {
        let domain_id = scan_number(sc, u64::from(u32::MAX))? as u32;
        if !sc.eat(b'-') {
            return Err(sc.syntax("'-'"));
        }
        let server_id = scan_number(sc, u64::from(u32::MAX))? as u32;
        if !sc.eat(b'-') {
            return Err(sc.syntax("'-'"));
        }
        let seq_no = scan_number(sc, u64::MAX)?;
        Ok(MariaGtid {
            domain_id,
            server_id,
            seq_no,
        })
    }
}

/// `strtoull`-style: leading whitespace, an optional `+`, then digits.
fn scan_number(sc: &mut Scanner<'_>, max: u64) -> Result<u64, GtidParseError> {
    sc.ws();
    sc.eat(b'+');
    sc.number(max)
}

/// Parses `gtid(,gtid)*`, or nothing.
fn scan_list(s: &str) -> Result<Vec<MariaGtid>, GtidParseError> {
    let mut sc = Scanner::new(s);
    let mut out = Vec::new();
    if s.is_empty() {
        return Ok(out);
    }
    loop {
        out.push(MariaGtid::scan(&mut sc)?);
        match sc.peek() {
            None => return Ok(out),
            Some(b',') => sc.pos += 1,
            Some(_) => return Err(sc.syntax("','")),
        }
    }
}

impl fmt::Display for MariaGtid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", self.domain_id, self.server_id, self.seq_no)
    }
}

impl FromStr for MariaGtid {
    type Err = GtidParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut sc = Scanner::new(s);
        let g = MariaGtid::scan(&mut sc)?;
        match sc.peek() {
            None => Ok(g),
            Some(_) => Err(sc.syntax("end of GTID")),
        }
    }
}

/// A MariaDB GTID position: at most one GTID per domain.
///
/// The algebra treats the GTID of a domain as "everything in this domain up
/// to `seq_no`", which is how MariaDB compares positions; server ids are
/// carried along but not compared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MariaGtidList {
    by_domain: BTreeMap<u32, MariaGtid>,
}

impl MariaGtidList {
    pub fn new() -> Self {
        Self::default()
    }

    /// The position of a raw list: per domain, the GTID with the highest
    /// `seq_no` (on a tie, the later one). See also [`MariaGtidEntries`].
    pub fn from_entries(entries: impl IntoIterator<Item = MariaGtid>) -> Self {
        let mut out = MariaGtidList::new();
        for g in entries {
            out.by_domain
                .entry(g.domain_id)
                .and_modify(|e| {
                    if g.seq_no >= e.seq_no {
                        *e = g
                    }
                })
                .or_insert(g);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.by_domain.is_empty()
    }

    /// Number of domains.
    pub fn len(&self) -> usize {
        self.by_domain.len()
    }

    /// The GTID of one domain.
    pub fn get(&self, domain_id: u32) -> Option<MariaGtid> {
        self.by_domain.get(&domain_id).copied()
    }

    /// One GTID per domain, by ascending domain id.
    pub fn iter(&self) -> impl Iterator<Item = MariaGtid> + '_ {
        self.by_domain.values().copied()
    }

    /// Records `gtid` as the position of its domain, replacing what was
    /// there even if its `seq_no` was higher (as applying an event does).
    pub fn update(&mut self, gtid: MariaGtid) {
        self.by_domain.insert(gtid.domain_id, gtid);
    }

    /// Removes a domain; returns its GTID.
    pub fn remove(&mut self, domain_id: u32) -> Option<MariaGtid> {
        self.by_domain.remove(&domain_id)
    }

    /// True if the position has reached `gtid`: same domain, `seq_no` at
    /// least as high.
    pub fn contains(&self, gtid: &MariaGtid) -> bool {
        self.by_domain
            .get(&gtid.domain_id)
            .is_some_and(|g| g.seq_no >= gtid.seq_no)
    }

    /// Per domain, the GTID with the higher `seq_no` (on a tie, `self`'s).
    pub fn union(&self, other: &MariaGtidList) -> MariaGtidList {
        let mut out = self.clone();
        for g in other.iter() {
            if !out.contains(&g) {
                out.update(g);
            }
        }
        out
    }

    /// The GTIDs of `self` that `other` has not reached.
    pub fn subtract(&self, other: &MariaGtidList) -> MariaGtidList {
        let by_domain = self
            .by_domain
            .iter()
            .filter(|(_, g)| !other.contains(g))
            .map(|(d, g)| (*d, *g))
            .collect();
        MariaGtidList { by_domain }
    }

    /// True if `other` has reached every GTID of `self`.
    pub fn is_subset(&self, other: &MariaGtidList) -> bool {
        self.iter().all(|g| other.contains(&g))
    }
}

/// `d-s-n,d-s-n,...` by ascending domain, like `@@gtid_binlog_pos`.
impl fmt::Display for MariaGtidList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, self.iter())
    }
}

/// Parses a position; a domain given twice is an error, as in MariaDB
/// ("GTID 1-2-2 and 1-1-1 conflict (duplicate domain id 1)").
impl FromStr for MariaGtidList {
    type Err = GtidParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = MariaGtidList::new();
        for g in scan_list(s)? {
            if out.by_domain.insert(g.domain_id, g).is_some() {
                return Err(GtidParseError::DuplicateDomain {
                    domain: g.domain_id,
                });
            }
        }
        Ok(out)
    }
}

/// A raw list of MariaDB GTIDs kept in the order given: the content of a
/// GTID_LIST event or of `@@gtid_binlog_state`, where a domain may have one
/// GTID per server id. [`MariaGtidEntries::position`] is its one-per-domain
/// view.
///
/// Display joins the entries with `,` in their stored order. (MariaDB's
/// `mariadb-binlog` prints a GTID_LIST event's entries sorted by domain,
/// then `seq_no`; the event itself stores them in hash order.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MariaGtidEntries {
    entries: Vec<MariaGtid>,
}

impl MariaGtidEntries {
    pub fn from_entries(entries: Vec<MariaGtid>) -> Self {
        MariaGtidEntries { entries }
    }

    pub fn entries(&self) -> &[MariaGtid] {
        &self.entries
    }

    pub fn into_entries(self) -> Vec<MariaGtid> {
        self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Per domain, the entry with the highest `seq_no` (on a tie, the later).
    pub fn position(&self) -> MariaGtidList {
        MariaGtidList::from_entries(self.entries.iter().copied())
    }
}

impl fmt::Display for MariaGtidEntries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, self.entries.iter().copied())
    }
}

/// Parses `d-s-n,...` keeping every entry in order, duplicates included.
impl FromStr for MariaGtidEntries {
    type Err = GtidParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        scan_list(s).map(MariaGtidEntries::from_entries)
    }
}

fn write_joined(f: &mut fmt::Formatter<'_>, gtids: impl Iterator<Item = MariaGtid>) -> fmt::Result {
    for (i, g) in gtids.enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        write!(f, "{g}")?;
    }
    Ok(())
}
