//! MySQL GTID sets: for each (server UUID, tag), the transaction numbers
//! executed, as sorted, coalesced inclusive intervals.
//!
//! This is the value of `@@GLOBAL.gtid_executed`, of the Previous_gtids
//! event, and of the arguments of `GTID_SUBSET` / `GTID_SUBTRACT`. The text
//! grammar lives in `text.rs` and the Previous_gtids byte layout in
//! `binary.rs`; this module owns the value and its algebra.
//!
//! Canonical text, as MySQL 9.7 prints it (`SELECT @@GLOBAL.gtid_executed`,
//! `GTID_SUBTRACT(s, '')`, checked byte for byte): entries sorted by UUID;
//! within one UUID the untagged intervals first, then each tag in byte order
//! followed by its intervals, all joined by `:`; UUIDs joined by `",\n"`:
//!
//! ```text
//! 00000000-0000-0000-0000-000000000001:abc_1:1,
//! 7b552ee7-e583-11f1-87aa-02fc00000001:1-2:mytag:1,
//! aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa:7:zz:5
//! ```

use std::collections::BTreeMap;
use std::fmt;

use thiserror::Error;

use super::intervals::{self, Interval, MAX_GNO};
use super::tag::Tag;
use super::uuid::Uuid;

/// Separator MySQL puts between UUIDs when it prints a GTID set.
pub const MYSQL_SEPARATOR: &str = ",\n";

/// A MySQL GTID set. Equal sets compare equal (the form is canonical).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct GtidSet {
    /// Never holds an empty list.
    sids: BTreeMap<(Uuid, Tag), Vec<Interval>>,
}

/// A transaction number outside `1..=MAX_GNO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("GTID transaction number {gno} out of range 1..={MAX_GNO}")]
pub struct GnoOutOfRange {
    pub gno: u64,
}

impl GtidSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.sids.is_empty()
    }

    /// True if any GTID in the set has a tag (MySQL 8.4+).
    pub fn has_tags(&self) -> bool {
        self.sids.keys().any(|(_, tag)| !tag.is_untagged())
    }

    /// Adds one GTID.
    pub fn add(&mut self, uuid: Uuid, tag: Tag, gno: u64) -> Result<(), GnoOutOfRange> {
        self.add_interval(uuid, tag, gno, gno)
    }

    /// Adds `start..=end`. As in MySQL's text syntax, `end < start` adds
    /// nothing; `start` must still be in range, `end` at most `MAX_GNO`.
    pub fn add_interval(
        &mut self,
        uuid: Uuid,
        tag: Tag,
        start: u64,
        end: u64,
    ) -> Result<(), GnoOutOfRange> {
        if !(1..=MAX_GNO).contains(&start) {
            return Err(GnoOutOfRange { gno: start });
        }
        if end > MAX_GNO {
            return Err(GnoOutOfRange { gno: end });
        }
        if end >= start {
            intervals::insert(self.sids.entry((uuid, tag)).or_default(), start, end);
        }
        Ok(())
    }

    pub fn contains(&self, uuid: Uuid, tag: Tag, gno: u64) -> bool {
        self.sids
            .get(&(uuid, tag))
            .is_some_and(|l| intervals::contains(l, gno))
    }

    /// The intervals of one (uuid, tag); empty if it has none.
    pub fn intervals(&self, uuid: Uuid, tag: Tag) -> &[Interval] {
        self.sids.get(&(uuid, tag)).map_or(&[], Vec::as_slice)
    }

    /// Every (uuid, tag) with its intervals, in canonical order.
    pub fn iter(&self) -> impl Iterator<Item = (Uuid, Tag, &[Interval])> + '_ {
        self.sids
            .iter()
            .map(|(&(uuid, tag), l)| (uuid, tag, l.as_slice()))
    }

    /// Every single GTID, in canonical order. Beware of huge intervals.
    pub fn gtids(&self) -> impl Iterator<Item = (Uuid, Tag, u64)> + '_ {
        self.iter().flat_map(|(uuid, tag, l)| {
            l.iter()
                .flat_map(move |iv| (iv.start..=iv.end).map(move |g| (uuid, tag, g)))
        })
    }

    /// Number of transactions in the set (saturating at `u64::MAX`).
    pub fn count(&self) -> u64 {
        self.sids
            .values()
            .fold(0u64, |n, l| n.saturating_add(intervals::count(l)))
    }

    /// `self ∪ other`.
    pub fn union(&self, other: &GtidSet) -> GtidSet {
        let mut out = self.clone();
        out.union_with(other);
        out
    }

    /// `self ∪= other`.
    pub fn union_with(&mut self, other: &GtidSet) {
        for (key, theirs) in &other.sids {
            match self.sids.get_mut(key) {
                Some(mine) => *mine = intervals::union(mine, theirs),
                None => {
                    self.sids.insert(*key, theirs.clone());
                }
            }
        }
    }

    /// `self \ other`, as `GTID_SUBTRACT(self, other)`.
    pub fn subtract(&self, other: &GtidSet) -> GtidSet {
        let mut out = self.clone();
        out.subtract_with(other);
        out
    }

    /// `self \= other`.
    pub fn subtract_with(&mut self, other: &GtidSet) {
        self.sids.retain(|key, mine| {
            if let Some(theirs) = other.sids.get(key) {
                *mine = intervals::subtract(mine, theirs);
            }
            !mine.is_empty()
        });
    }

    /// `self ∩ other`.
    pub fn intersection(&self, other: &GtidSet) -> GtidSet {
        let sids = self
            .sids
            .iter()
            .filter_map(|(key, mine)| {
                let both = intervals::intersection(mine, other.sids.get(key)?);
                (!both.is_empty()).then_some((*key, both))
            })
            .collect();
        GtidSet { sids }
    }

    /// `self ⊆ other`, as `GTID_SUBSET(self, other)`.
    pub fn is_subset(&self, other: &GtidSet) -> bool {
        self.sids.iter().all(|(key, mine)| {
            other
                .sids
                .get(key)
                .is_some_and(|theirs| intervals::is_subset(mine, theirs))
        })
    }

    /// The canonical text with `sep` between UUIDs instead of `",\n"`
    /// (e.g. `","` for a single-line form, which MySQL also parses).
    pub fn to_string_with_separator(&self, sep: &str) -> String {
        let mut out = String::new();
        let mut prev: Option<Uuid> = None;
        for (&(uuid, tag), list) in &self.sids {
            if prev != Some(uuid) {
                if prev.is_some() {
                    out.push_str(sep);
                }
                out.push_str(&uuid.to_string());
                prev = Some(uuid);
            }
            if !tag.is_untagged() {
                out.push(':');
                out.push_str(tag.as_str());
            }
            for iv in list {
                out.push(':');
                out.push_str(&iv.to_string());
            }
        }
        out
    }

    /// Inserts a checked, sorted, coalesced list for a key the caller built.
    pub(crate) fn merge_list(&mut self, uuid: Uuid, tag: Tag, list: Vec<Interval>) {
        if list.is_empty() {
            return;
        }
        match self.sids.get_mut(&(uuid, tag)) {
            Some(mine) => *mine = intervals::union(mine, &list),
            None => {
                self.sids.insert((uuid, tag), list);
            }
        }
    }

    /// Number of (uuid, tag) pairs: the "n_sids" of the binary format.
    pub(crate) fn sid_count(&self) -> usize {
        self.sids.len()
    }
}

/// MySQL's canonical text; see the module documentation.
impl fmt::Display for GtidSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_with_separator(MYSQL_SEPARATOR))
    }
}
