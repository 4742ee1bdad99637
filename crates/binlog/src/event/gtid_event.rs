//! GTID_LOG_EVENT (33), ANONYMOUS_GTID_LOG_EVENT (34) and, from MySQL 8.4,
//! GTID_TAGGED_LOG_EVENT (42).
//!
//! Untagged layout: `flags:1 uuid:16 gno:8`, then, each present only if
//! the event is long enough (older servers stop earlier): `lt_type:1 (=2)
//! last_committed:8 sequence_number:8`; `immediate_commit_timestamp:7`
//! (bit 55 set: `original_commit_timestamp:7` follows); `transaction_length:
//! packed`; `immediate_server_version:4` (bit 31 set: `original_server_
//! version:4` follows); `commit_group_ticket:8`.
//!
//! The tagged event uses the MySQL serialization library's message
//! format: `version:varlen size:varlen last_non_ignorable_field:varlen`
//! then `field_id:varlen value` pairs; ids 0 flags, 1 uuid (16 varlen
//! bytes), 2 gno (signed), 3 tag (string), 4 last_committed (signed),
//! 5 sequence_number (signed), 6 immediate commit timestamp, 7 original
//! commit timestamp, 8 transaction length, 9 immediate server version,
//! 10 original server version, 11 commit group ticket. A field that is
//! missing takes its default (an original_* field defaults to the
//! immediate one).

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};
use crate::gtid::varlen::{read_varlen_i64, read_varlen_u64};

/// `flags` bit: the transaction may contain statement-based events.
pub const FLAG_MAY_HAVE_SBR: u8 = 1;
pub const LOGICAL_TIMESTAMP_TYPECODE: u8 = 2;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GtidEvent<'a> {
    pub anonymous: bool,
    pub flags: u8,
    pub uuid: [u8; 16],
    pub gno: i64,
    /// Tagged GTIDs (MySQL 8.4+); empty when untagged.
    pub tag: &'a [u8],
    /// Present from MySQL 5.7 on.
    pub logical_clock: Option<(i64, i64)>,
    pub immediate_commit_timestamp: Option<u64>,
    pub original_commit_timestamp: Option<u64>,
    pub transaction_length: Option<u64>,
    pub immediate_server_version: Option<u32>,
    pub original_server_version: Option<u32>,
    pub commit_group_ticket: Option<u64>,
}

impl<'a> GtidEvent<'a> {
    #[inline]
    pub fn parse(body: &'a [u8], anonymous: bool) -> Result<Self> {
        let mut c = Cursor::new(body);
        let flags = c.u8("GTID flags")?;
        let uuid = c.array("GTID uuid")?;
        let gno = c.u64("GTID gno")? as i64;
        let mut ev = GtidEvent {
            anonymous,
            flags,
            uuid,
            gno,
            ..GtidEvent::default()
        };
        // MySQL 5.6 stops after the GNO. Later fields follow the logical
        // clock's type code; a byte that is not that code is not read as
        // the start of anything else.
        if c.is_empty() {
            return Ok(ev);
        }
        let typecode = c.u8("GTID logical timestamp type")?;
        if typecode != LOGICAL_TIMESTAMP_TYPECODE {
            return Err(DecodeError::invalid(
                "GTID logical timestamp type",
                format!("{typecode} instead of {LOGICAL_TIMESTAMP_TYPECODE}"),
            ));
        }
        let last = c.u64("GTID last_committed")? as i64;
        let seq = c.u64("GTID sequence_number")? as i64;
        ev.logical_clock = Some((last, seq));
        if c.remaining() >= 7 {
            let imm = c.uint_n(7, "GTID immediate_commit_timestamp")?;
            let ts = imm & !(1 << 55);
            ev.immediate_commit_timestamp = Some(ts);
            ev.original_commit_timestamp = Some(if imm & (1 << 55) != 0 {
                c.uint_n(7, "GTID original_commit_timestamp")?
            } else {
                ts
            });
            if !c.is_empty() {
                ev.transaction_length = Some(c.packed("GTID transaction_length")?);
            }
            if c.remaining() >= 4 {
                let imm = c.u32("GTID immediate_server_version")?;
                let v = imm & !(1 << 31);
                ev.immediate_server_version = Some(v);
                ev.original_server_version = Some(if imm & (1 << 31) != 0 {
                    c.u32("GTID original_server_version")?
                } else {
                    v
                });
            }
            if c.remaining() >= 8 {
                ev.commit_group_ticket = Some(c.u64("GTID commit_group_ticket")?);
            }
        }
        Ok(ev)
    }

    /// GTID_TAGGED_LOG_EVENT: the serialization-library message.
    pub fn parse_tagged(body: &'a [u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        let _version = varlen(&mut c, "tagged GTID serialization version")?;
        let size = varlen(&mut c, "tagged GTID message size")? as usize;
        let Some(message) = body.get(c.position()..size) else {
            return Err(DecodeError::Truncated {
                what: "tagged GTID message",
                need: size.max(c.position()),
                have: body.len(),
            });
        };
        let mut c = Cursor::new(message);
        let last_non_ignorable = varlen(&mut c, "tagged GTID last non-ignorable field")?;
        let mut ev = GtidEvent {
            logical_clock: Some((0, 0)),
            ..GtidEvent::default()
        };
        let (mut last, mut seq) = (0i64, 0i64);
        while !c.is_empty() {
            let id = varlen(&mut c, "tagged GTID field id")?;
            match id {
                0 => ev.flags = small(varlen(&mut c, "tagged GTID flags")?, "tagged GTID flags")?,
                1 => {
                    for b in ev.uuid.iter_mut() {
                        *b = small(varlen(&mut c, "tagged GTID uuid")?, "tagged GTID uuid")?;
                    }
                }
                2 => ev.gno = varlen_signed(&mut c, "tagged GTID gno")?,
                3 => {
                    let n = varlen(&mut c, "tagged GTID tag length")? as usize;
                    ev.tag = c.bytes(n, "tagged GTID tag")?;
                }
                4 => last = varlen_signed(&mut c, "tagged GTID last_committed")?,
                5 => seq = varlen_signed(&mut c, "tagged GTID sequence_number")?,
                6 => {
                    ev.immediate_commit_timestamp =
                        Some(varlen(&mut c, "tagged GTID immediate timestamp")?)
                }
                7 => {
                    ev.original_commit_timestamp =
                        Some(varlen(&mut c, "tagged GTID original timestamp")?)
                }
                8 => {
                    ev.transaction_length = Some(varlen(&mut c, "tagged GTID transaction length")?)
                }
                9 => {
                    ev.immediate_server_version =
                        Some(varlen(&mut c, "tagged GTID immediate server version")? as u32)
                }
                10 => {
                    ev.original_server_version =
                        Some(varlen(&mut c, "tagged GTID original server version")? as u32)
                }
                11 => {
                    ev.commit_group_ticket =
                        Some(varlen(&mut c, "tagged GTID commit group ticket")?)
                }
                other if other > last_non_ignorable => break, // newer, ignorable fields
                other => {
                    return Err(DecodeError::unsupported(
                        "tagged GTID field",
                        format!("id {other}"),
                    ));
                }
            }
        }
        ev.logical_clock = Some((last, seq));
        if ev.original_commit_timestamp.is_none() {
            ev.original_commit_timestamp = ev.immediate_commit_timestamp;
        }
        if ev.original_server_version.is_none() {
            ev.original_server_version = ev.immediate_server_version;
        }
        Ok(ev)
    }
}

fn varlen(c: &mut Cursor<'_>, what: &'static str) -> Result<u64> {
    let (v, n) = read_varlen_u64(c.peek_rest(), what)?;
    c.skip(n, what)?;
    Ok(v)
}

fn varlen_signed(c: &mut Cursor<'_>, what: &'static str) -> Result<i64> {
    let (v, n) = read_varlen_i64(c.peek_rest(), what)?;
    c.skip(n, what)?;
    Ok(v)
}

fn small(v: u64, what: &'static str) -> Result<u8> {
    u8::try_from(v).map_err(|_| DecodeError::invalid(what, format!("{v} does not fit a byte")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the event_decoder fuzz target: a message size smaller than
    /// the varlen header that states it.
    #[test]
    fn tagged_size_smaller_than_its_header_is_an_error() {
        assert!(matches!(
            GtidEvent::parse_tagged(&[0x10, 0x00, 0x10]),
            Err(DecodeError::Truncated { .. })
        ));
    }
}
