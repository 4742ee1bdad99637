//! The text grammar of MySQL GTID sets, and the parse error shared by all
//! GTID text (UUIDs, tags, MySQL sets, MariaDB GTIDs and positions).
//!
//! Grammar, as MySQL 9.7 accepts it (each rule below was tried against
//! `GTID_SUBTRACT(s, '')`):
//!
//! ```text
//! set      := ws (entry? ws ("," ws entry? ws)*)      empty entries allowed: ",a,,b,"
//! entry    := uuid ws (":" ws (interval | tag) ws)*   "uuid" alone is an empty entry
//! interval := number ws ("-" ws number)?              "5-1" (end < start) adds nothing
//! tag      := [a-zA-Z_][a-zA-Z0-9_]{0,31}             sets the tag of the intervals after it
//! number   := [0-9]+                                   leading zeros allowed
//! ws       := [ \t\n\v\f\r]*
//! ```
//!
//! A start must be in `1..=MAX_GNO`, an end at most `MAX_GNO`. A tag applies
//! until the next tag; untagged intervals can only come first.

use std::str::FromStr;

use thiserror::Error;

use super::gtid_set::GtidSet;
use super::intervals::MAX_GNO;
use super::tag::{MAX_TAG_LEN, Tag, tag_run};
use super::uuid::Uuid;

/// Malformed GTID text. Offsets are in bytes from the start of the input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum GtidParseError {
    /// The grammar wanted something else at `offset`.
    #[error("malformed GTID text at byte {offset}: expected {expected}")]
    Syntax {
        offset: usize,
        expected: &'static str,
    },
    /// A number at `offset` is too large for its field, or a transaction
    /// number is 0.
    #[error("number out of range at byte {offset}")]
    OutOfRange { offset: usize },
    /// A tag at `offset` is longer than 32 characters.
    #[error("GTID tag at byte {offset} is longer than {MAX_TAG_LEN} characters")]
    TagTooLong { offset: usize },
    /// A MariaDB GTID position names the same domain twice.
    #[error("GTID position has two GTIDs for domain {domain}")]
    DuplicateDomain { domain: u32 },
}

/// MySQL's `my_isspace`: the ASCII whitespace, including vertical tab.
pub(crate) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// A position in the input.
pub(crate) struct Scanner<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Scanner {
            b: s.as_bytes(),
            pos: 0,
        }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    pub(crate) fn ws(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    /// Consumes `c` if it is next.
    pub(crate) fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.pos += 1;
        }
        hit
    }

    pub(crate) fn syntax(&self, expected: &'static str) -> GtidParseError {
        GtidParseError::Syntax {
            offset: self.pos,
            expected,
        }
    }

    /// One or more decimal digits, at most `max`.
    pub(crate) fn number(&mut self, max: u64) -> Result<u64, GtidParseError> {
        let start = self.pos;
        let mut v: u64 = 0;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(d - b'0')))
                .ok_or(GtidParseError::OutOfRange { offset: start })?;
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.syntax("number"));
        }
        if v > max {
            return Err(GtidParseError::OutOfRange { offset: start });
        }
        Ok(v)
    }
}

impl FromStr for GtidSet {
    type Err = GtidParseError;

    /// Parses MySQL's GTID set text; the empty string is the empty set.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut sc = Scanner::new(s);
        let mut set = GtidSet::new();
        loop {
            sc.ws();
            match sc.peek() {
                None => return Ok(set),
                Some(b',') => {
                    sc.pos += 1;
                    continue;
                }
                Some(_) => entry(&mut sc, &mut set)?,
            }
            sc.ws();
            if sc.peek().is_some() && !sc.eat(b',') {
                return Err(sc.syntax("','"));
            }
        }
    }
}

/// `uuid(:interval|:tag)*`, added to `set`.
fn entry(sc: &mut Scanner<'_>, set: &mut GtidSet) -> Result<(), GtidParseError> {
    let at = sc.pos;
    let (uuid, used) =
        Uuid::parse_prefix(&sc.b[at..]).map_err(|(offset, expected)| GtidParseError::Syntax {
            offset: at + offset,
            expected,
        })?;
    sc.pos += used;
    let mut tag = Tag::UNTAGGED;
    loop {
        sc.ws();
        if !sc.eat(b':') {
            return Ok(());
        }
        sc.ws();
        match sc.peek() {
            Some(c) if c.is_ascii_digit() => {
                let start_at = sc.pos;
                let start = sc.number(MAX_GNO)?;
                sc.ws();
                let end = if sc.eat(b'-') {
                    sc.ws();
                    sc.number(MAX_GNO)?
                } else {
                    start
                };
                set.add_interval(uuid, tag, start, end)
                    .map_err(|_| GtidParseError::OutOfRange { offset: start_at })?;
            }
            _ => {
                let run = tag_run(&sc.b[sc.pos..]);
                if run == 0 {
                    return Err(sc.syntax("transaction number or tag"));
                }
                tag = Tag::from_valid_run(&sc.b[sc.pos..sc.pos + run])
                    .ok_or(GtidParseError::TagTooLong { offset: sc.pos })?;
                sc.pos += run;
            }
        }
    }
}
