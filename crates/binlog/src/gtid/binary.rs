//! The binary form of a GTID set: the body of the Previous_gtids event
//! (MySQL's `Gtid_set::encode`), in its two formats.
//!
//! Untagged format (MySQL 5.6 – 8.3, and any reader before 8.4):
//!
//! ```text
//! u64 LE  n_sids
//! n_sids × { [u8; 16] uuid
//!            u64 LE   n_intervals
//!            n_intervals × { u64 LE start, u64 LE end }   end EXCLUSIVE }
//! ```
//!
//! Tagged format (MySQL 8.4+): the first u64 LE carries the format in its
//! top byte (`0x01`), `n_sids` in bits 8..56 and `0x01` again in its low
//! byte; each sid has, after its UUID, the tag as a varlen length
//! (`varlen.rs`) and that many bytes, length 0 for untagged:
//!
//! ```text
//! 01 [n_sids: 6 bytes LE] 01
//! n_sids × { [u8; 16] uuid, varlen tag_len, tag bytes, u64 LE n_intervals,
//!            n_intervals × { u64 LE start, u64 LE end } }
//! ```
//!
//! A "sid" is one (uuid, tag) pair. MySQL 9.7 writes the tagged format even
//! for a set without tags (an empty set is `01 00 00 00 00 00 00 01`, seen
//! in binlogs it wrote); MySQL 8.0 writes the untagged one.

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};

use super::gtid_set::GtidSet;
use super::intervals::{Interval, MAX_GNO};
use super::tag::Tag;
use super::uuid::Uuid;
use super::varlen::{varlen_u64, write_varlen_u64};

const WHAT: &str = "GTID set";
/// Value of the top byte of the first u64 in the tagged format.
const TAGGED_FORMAT: u8 = 0x01;
/// Bits 8..56 of the first u64 in the tagged format.
const SID_COUNT_MASK: u64 = (1 << 48) - 1;

/// Which of the two binary layouts a GTID set uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GtidSetFormat {
    /// No tags; readable by every MySQL version.
    Untagged,
    /// With a tag per sid; MySQL 8.4+.
    Tagged,
}

impl GtidSet {
    /// Decodes a whole Previous_gtids body; trailing bytes are an error.
    pub fn decode_binary(buf: &[u8]) -> Result<GtidSet> {
        Self::decode_binary_with_format(buf).map(|(set, _)| set)
    }

    /// Like [`GtidSet::decode_binary`], also saying which format was used
    /// (to write the set back byte for byte).
    ///
    /// Intervals must be non-empty, within `1..=MAX_GNO` and sorted without
    /// overlap; touching ones are merged. A (uuid, tag) may appear more than
    /// once; its intervals are then united.
    pub fn decode_binary_with_format(buf: &[u8]) -> Result<(GtidSet, GtidSetFormat)> {
        let mut c = Cursor::new(buf);
        let head = c.u64("GTID set sid count")?;
        let format = (head >> 56) as u8;
        let (format, n_sids) = match format {
            0 => (GtidSetFormat::Untagged, head),
            TAGGED_FORMAT if head & 0xff == u64::from(TAGGED_FORMAT) => {
                (GtidSetFormat::Tagged, head >> 8 & SID_COUNT_MASK)
            }
            TAGGED_FORMAT => {
                return Err(DecodeError::invalid(
                    WHAT,
                    format!("tagged format header {head:#018x} lacks its low 0x01"),
                ));
            }
            other => {
                return Err(DecodeError::unsupported(
                    WHAT,
                    format!("format {other:#04x}"),
                ));
            }
        };
        let mut set = GtidSet::new();
        for _ in 0..n_sids {
            let uuid = Uuid(c.array("GTID set uuid")?);
            let tag = match format {
                GtidSetFormat::Untagged => Tag::UNTAGGED,
                GtidSetFormat::Tagged => read_tag(&mut c)?,
            };
            let list = read_intervals(&mut c)?;
            set.merge_list(uuid, tag, list);
        }
        c.finish(WHAT)?;
        Ok((set, format))
    }

    /// Encodes the set in the untagged format, or the tagged one if the set
    /// has tags.
    pub fn encode_binary(&self) -> Vec<u8> {
        self.encode_binary_as(GtidSetFormat::Untagged)
    }

    /// Encodes the set in `format`; a set with tags is always written
    /// tagged, as the untagged format cannot hold them.
    pub fn encode_binary_as(&self, format: GtidSetFormat) -> Vec<u8> {
        let tagged = format == GtidSetFormat::Tagged || self.has_tags();
        let n_sids = self.sid_count() as u64;
        let mut out = Vec::new();
        let head = if tagged {
            u64::from(TAGGED_FORMAT) << 56
                | (n_sids & SID_COUNT_MASK) << 8
                | u64::from(TAGGED_FORMAT)
        } else {
            n_sids
        };
        out.extend_from_slice(&head.to_le_bytes());
        for (uuid, tag, list) in self.iter() {
            out.extend_from_slice(uuid.as_bytes());
            if tagged {
                write_varlen_u64(&mut out, tag.as_bytes().len() as u64);
                out.extend_from_slice(tag.as_bytes());
            }
            out.extend_from_slice(&(list.len() as u64).to_le_bytes());
            for iv in list {
                out.extend_from_slice(&iv.start.to_le_bytes());
                out.extend_from_slice(&(iv.end + 1).to_le_bytes());
            }
        }
        out
    }
}

fn read_tag(c: &mut Cursor<'_>) -> Result<Tag> {
    let len = varlen_u64(c, "GTID set tag length")?;
    let len = usize::try_from(len)
        .map_err(|_| DecodeError::invalid("GTID set tag", format!("length {len}")))?;
    let bytes = c.bytes(len, "GTID set tag")?;
    Tag::from_binary(bytes).ok_or_else(|| {
        DecodeError::invalid(
            "GTID set tag",
            format!("not a valid tag: {:?}", bytes.escape_ascii().to_string()),
        )
    })
}

/// `n_intervals` then the intervals, checked and coalesced.
fn read_intervals(c: &mut Cursor<'_>) -> Result<Vec<Interval>> {
    let n = c.u64("GTID set interval count")?;
    let mut list: Vec<Interval> = Vec::new();
    for _ in 0..n {
        let start = c.u64("GTID set interval start")?;
        let end_excl = c.u64("GTID set interval end")?;
        if start < 1 || end_excl <= start || end_excl - 1 > MAX_GNO {
            return Err(DecodeError::invalid(
                "GTID set interval",
                format!("[{start}, {end_excl}) is not 1 <= start < end <= 2^63 - 1"),
            ));
        }
        let end = end_excl - 1;
        match list.last_mut() {
            Some(last) if start <= last.end => {
                return Err(DecodeError::invalid(
                    "GTID set interval",
                    format!(
                        "[{start}, {end_excl}) overlaps or precedes [{}, {})",
                        last.start,
                        last.end + 1
                    ),
                ));
            }
            Some(last) if start == last.end + 1 => last.end = end,
            _ => list.push(Interval { start, end }),
        }
    }
    Ok(list)
}
