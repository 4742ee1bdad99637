//! Sorted, coalesced lists of inclusive transaction-number intervals: the
//! per-(uuid, tag) part of a GTID set, and the algebra on them.
//!
//! Invariant of every list here: each interval has `1 <= start <= end <=
//! MAX_GNO`, and each starts at least two past the previous one's end (no
//! overlap, no adjacency), so equal sets have equal lists.

use std::fmt;

/// Largest transaction number. MySQL keeps GNOs below `GNO_END = i64::MAX`
/// (exclusive), and MySQL 9.7 rejects `uuid:9223372036854775807` as "out of
/// range" while accepting `...806`.
pub const MAX_GNO: u64 = i64::MAX as u64 - 1;

/// An inclusive interval of transaction numbers, `start..=end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    pub start: u64,
    pub end: u64,
}

impl Interval {
    /// Number of transactions in the interval.
    pub fn len(&self) -> u64 {
        if self.end < self.start {
            0
        } else {
            (self.end - self.start).saturating_add(1)
        }
    }

    /// Never true for an interval taken from a set; present for clippy's
    /// `len_without_is_empty`.
    pub fn is_empty(&self) -> bool {
        self.end < self.start
    }

    pub fn contains(&self, gno: u64) -> bool {
        self.start <= gno && gno <= self.end
    }
}

/// MySQL's text: `N` when the interval has one number, else `N-M`.
impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

/// Adds `start..=end` (already range-checked, `start <= end`) to `list`.
pub(crate) fn insert(list: &mut Vec<Interval>, start: u64, end: u64) {
    // Fast path: appending the next transaction(s), the common case.
    if let Some(last) = list.last_mut() {
        if start > last.end.saturating_add(1) {
            list.push(Interval { start, end });
            return;
        }
        if start >= last.start {
            last.end = last.end.max(end);
            return;
        }
    }
    // First interval that touches or follows `start`, first one past `end`.
    let i = list.partition_point(|iv| iv.end.saturating_add(1) < start);
    let j = list.partition_point(|iv| iv.start <= end.saturating_add(1));
    if i >= j {
        list.insert(i, Interval { start, end });
    } else {
        let merged = Interval {
            start: start.min(list[i].start),
            end: end.max(list[j - 1].end),
        };
        list.splice(i..j, [merged]);
    }
}

pub(crate) fn contains(list: &[Interval], gno: u64) -> bool {
    let i = list.partition_point(|iv| iv.end < gno);
    list.get(i).is_some_and(|iv| iv.start <= gno)
}

/// `a ∪ b`.
pub(crate) fn union(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out: Vec<Interval> = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.start <= y.start => {
                i += 1;
                *x
            }
            (_, Some(y)) => {
                j += 1;
                *y
            }
            (Some(x), None) => {
                i += 1;
                *x
            }
            (None, None) => break,
        };
        match out.last_mut() {
            Some(last) if next.start <= last.end.saturating_add(1) => {
                last.end = last.end.max(next.end)
            }
            _ => out.push(next),
        }
    }
    out
}

/// `a ∩ b`.
pub(crate) fn intersection(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        let start = x.start.max(y.start);
        let end = x.end.min(y.end);
        if start <= end {
            out.push(Interval { start, end });
        }
        if x.end < y.end {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// `a \ b`.
pub(crate) fn subtract(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    let mut j = 0;
    for x in a {
        let mut start = x.start;
        // Skip the parts of `b` wholly before this interval.
        while b.get(j).is_some_and(|y| y.end < start) {
            j += 1;
        }
        let mut k = j;
        while let Some(y) = b.get(k).filter(|y| y.start <= x.end) {
            if y.start > start {
                out.push(Interval {
                    start,
                    end: y.start - 1,
                });
            }
            if y.end >= x.end {
                start = x.end.saturating_add(1);
                break;
            }
            start = y.end + 1;
            k += 1;
        }
        if start <= x.end {
            out.push(Interval { start, end: x.end });
        }
    }
    out
}

/// `a ⊆ b`: with `b` coalesced, each interval of `a` lies inside one of `b`.
pub(crate) fn is_subset(a: &[Interval], b: &[Interval]) -> bool {
    let mut j = 0;
    a.iter().all(|x| {
        while b.get(j).is_some_and(|y| y.end < x.start) {
            j += 1;
        }
        b.get(j)
            .is_some_and(|y| y.start <= x.start && x.end <= y.end)
    })
}

/// Total transactions in `list`, saturating.
pub(crate) fn count(list: &[Interval]) -> u64 {
    list.iter().fold(0u64, |n, iv| n.saturating_add(iv.len()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn iv(v: &[(u64, u64)]) -> Vec<Interval> {
        v.iter()
            .map(|&(start, end)| Interval { start, end })
            .collect()
    }

    #[test]
    fn insert_merges_and_coalesces() {
        let mut l = Vec::new();
        for (s, e) in [
            (10, 12),
            (1, 3),
            (5, 5),
            (4, 4),
            (20, 30),
            (13, 19),
            (40, 40),
            (35, 45),
        ] {
            insert(&mut l, s, e);
        }
        assert_eq!(l, iv(&[(1, 5), (10, 30), (35, 45)]));
        insert(&mut l, 2, 3);
        insert(&mut l, 6, 9);
        assert_eq!(l, iv(&[(1, 30), (35, 45)]));
        insert(&mut l, MAX_GNO, MAX_GNO);
        insert(&mut l, MAX_GNO - 1, MAX_GNO);
        assert_eq!(l, iv(&[(1, 30), (35, 45), (MAX_GNO - 1, MAX_GNO)]));
    }

    #[test]
    fn algebra() {
        let a = iv(&[(1, 10), (20, 30)]);
        let b = iv(&[(5, 22), (30, 31)]);
        assert_eq!(union(&a, &b), iv(&[(1, 31)]));
        assert_eq!(intersection(&a, &b), iv(&[(5, 10), (20, 22), (30, 30)]));
        assert_eq!(subtract(&a, &b), iv(&[(1, 4), (23, 29)]));
        assert_eq!(subtract(&b, &a), iv(&[(11, 19), (31, 31)]));
        assert!(is_subset(&iv(&[(2, 3), (21, 30)]), &a));
        assert!(!is_subset(&iv(&[(2, 3), (10, 11)]), &a));
        assert!(contains(&a, 10) && !contains(&a, 11) && contains(&a, 20));
        assert_eq!(count(&a), 21);
        assert_eq!(Interval { start: 3, end: 3 }.to_string(), "3");
        assert_eq!(Interval { start: 1, end: 5 }.to_string(), "1-5");
    }
}
