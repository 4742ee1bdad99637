//! GTID tags (MySQL 8.4+): `uuid:tag:gno`.
//!
//! A tag is 1 to 32 characters, the first `[a-z_]`, the rest `[a-z0-9_]`;
//! input is case-insensitive and kept lowercase (MySQL 9.7 prints
//! `SELECT GTID_SUBTRACT('<uuid>:MyTag:1','')` as `<uuid>:mytag:1`).
//! Untagged GTIDs use the empty tag, [`Tag::UNTAGGED`], which sorts before
//! every real tag, as MySQL orders them. Binary layout (tagged GTID set
//! format, tagged Gtid event): a varlen length, then the ASCII bytes; length
//! 0 is untagged.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use super::text::GtidParseError;

/// Longest tag MySQL accepts.
pub const MAX_TAG_LEN: usize = 32;

/// A GTID tag, or [`Tag::UNTAGGED`]. Stored inline, so it is `Copy`.
#[derive(Clone, Copy)]
pub struct Tag {
    len: u8,
    buf: [u8; MAX_TAG_LEN],
}

impl Tag {
    /// No tag: a plain `uuid:gno` GTID.
    pub const UNTAGGED: Tag = Tag {
        len: 0,
        buf: [0; MAX_TAG_LEN],
    };

    /// Validates and lowercases a tag. The empty string is rejected: use
    /// [`Tag::UNTAGGED`] for no tag.
    pub fn new(s: &str) -> Result<Tag, GtidParseError> {
        let b = s.as_bytes();
        let run = tag_run(b);
        if b.is_empty() || run < b.len() {
            return Err(GtidParseError::Syntax {
                offset: run,
                expected: "tag character [a-z0-9_]",
            });
        }
        Tag::from_valid_run(b).ok_or(GtidParseError::TagTooLong { offset: 0 })
    }

    /// Builds a tag from bytes that are all tag characters, the first not a
    /// digit; `None` if longer than 32.
    pub(crate) fn from_valid_run(b: &[u8]) -> Option<Tag> {
        if b.len() > MAX_TAG_LEN {
            return None;
        }
        let mut buf = [0u8; MAX_TAG_LEN];
        for (dst, src) in buf.iter_mut().zip(b) {
            *dst = src.to_ascii_lowercase();
        }
        Some(Tag {
            len: b.len() as u8,
            buf,
        })
    }

    /// Tag bytes from a binary structure: empty is untagged, anything else
    /// must be a valid tag.
    pub fn from_binary(b: &[u8]) -> Option<Tag> {
        if b.is_empty() {
            return Some(Tag::UNTAGGED);
        }
        if tag_run(b) != b.len() {
            return None;
        }
        Tag::from_valid_run(b)
    }

    /// The lowercase tag; empty when untagged.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    pub fn is_untagged(&self) -> bool {
        self.len == 0
    }
}

/// Length of the run of tag characters at the start of `b`: zero when the
/// first is not `[a-zA-Z_]`, otherwise up to the first byte outside
/// `[a-zA-Z0-9_]` (the run may exceed 32; the caller checks).
pub(crate) fn tag_run(b: &[u8]) -> usize {
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => b
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
            .unwrap_or(b.len()),
        _ => 0,
    }
}

impl Default for Tag {
    fn default() -> Self {
        Tag::UNTAGGED
    }
}

impl PartialEq for Tag {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Tag {}

impl Ord for Tag {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl PartialOrd for Tag {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for Tag {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_untagged() {
            f.write_str("Tag::UNTAGGED")
        } else {
            write!(f, "Tag({:?})", self.as_str())
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Tag {
    type Err = GtidParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tag::new(s)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn valid_tags() {
        assert_eq!(Tag::new("MyTag").unwrap().as_str(), "mytag");
        assert_eq!(Tag::new("_").unwrap().as_str(), "_");
        assert_eq!(Tag::new("a_B9").unwrap().as_str(), "a_b9");
        let max = "abcdefghijabcdefghijabcdefghijab";
        assert_eq!(Tag::new(max).unwrap().as_str(), max);
        assert_eq!(Tag::new("ABC").unwrap(), Tag::new("abc").unwrap());
    }

    #[test]
    fn invalid_tags() {
        for s in ["", "9a", "a b", "a-b", "é", "a:"] {
            assert!(
                matches!(Tag::new(s), Err(GtidParseError::Syntax { .. })),
                "{s}"
            );
        }
        assert_eq!(
            Tag::new("abcdefghijabcdefghijabcdefghijabc"),
            Err(GtidParseError::TagTooLong { offset: 0 })
        );
    }

    #[test]
    fn order_is_bytewise_with_untagged_first() {
        // MySQL 9.7 prints `:_:5:a:4:a1:3:a_:2:aa:1:ab:7:b:6`.
        let mut tags: Vec<Tag> = ["aa", "a_", "a1", "a", "_", "b", "ab"]
            .iter()
            .map(|s| Tag::new(s).unwrap())
            .collect();
        tags.push(Tag::UNTAGGED);
        tags.sort();
        let names: Vec<&str> = tags.iter().map(Tag::as_str).collect();
        assert_eq!(names, ["", "_", "a", "a1", "a_", "aa", "ab", "b"]);
    }

    #[test]
    fn binary_tags() {
        assert_eq!(Tag::from_binary(b""), Some(Tag::UNTAGGED));
        assert_eq!(Tag::from_binary(b"zz"), Some(Tag::new("zz").unwrap()));
        assert_eq!(Tag::from_binary(b"1z"), None);
        assert_eq!(Tag::from_binary(&[b'a'; 33]), None);
    }
}
