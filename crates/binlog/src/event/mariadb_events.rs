//! MariaDB's own events.
//!
//! - ANNOTATE_ROWS_EVENT (160): the statement behind the next row events
//!   (body = query text).
//! - BINLOG_CHECKPOINT_EVENT (161): `name_len:4 name` — the oldest binlog
//!   still needed for crash recovery.
//! - GTID_EVENT (162): `seq_no:8 domain_id:4 flags2:1`, then `commit_id:8`
//!   with FL_GROUP_COMMIT_ID, then with an XA flag `format_id:4
//!   gtrid_len:1 bqual_len:1 xid`, then (10.5+) `flags_extra:1` and the
//!   fields it announces; zero bytes pad the body to at least 19.
//! - GTID_LIST_EVENT (163): `count:4` (low 28 bits; top 4 bits flags), then
//!   `count × (domain_id:4 server_id:4 seq_no:8)`.
//! - START_ENCRYPTION_EVENT (164): `scheme:1 key_version:4 nonce:12`.

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};
use crate::gtid::MariaGtid;

pub const FL_STANDALONE: u8 = 1;
pub const FL_GROUP_COMMIT_ID: u8 = 2;
pub const FL_TRANSACTIONAL: u8 = 4;
pub const FL_ALLOW_PARALLEL: u8 = 8;
pub const FL_WAITED: u8 = 16;
pub const FL_DDL: u8 = 32;
pub const FL_PREPARED_XA: u8 = 64;
pub const FL_COMPLETED_XA: u8 = 128;

pub const FL_EXTRA_MULTI_ENGINE_E1: u8 = 1;
pub const FL_START_ALTER_E1: u8 = 2;
pub const FL_COMMIT_ALTER_E1: u8 = 4;
pub const FL_ROLLBACK_ALTER_E1: u8 = 8;
pub const FL_EXTRA_THREAD_ID: u8 = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MariaXid<'a> {
    pub format_id: u32,
    pub gtrid: &'a [u8],
    pub bqual: &'a [u8],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MariaGtidEvent<'a> {
    pub seq_no: u64,
    pub domain_id: u32,
    pub flags2: u8,
    pub commit_id: Option<u64>,
    pub xid: Option<MariaXid<'a>>,
    pub flags_extra: Option<u8>,
    pub extra_engines: Option<u8>,
    /// Sequence number of the START ALTER a COMMIT/ROLLBACK ALTER ends.
    pub start_alter_seq_no: Option<u64>,
    pub thread_id: Option<u32>,
}

impl<'a> MariaGtidEvent<'a> {
    pub fn parse(body: &'a [u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        let seq_no = c.u64("GTID seq_no")?;
        let domain_id = c.u32("GTID domain_id")?;
        let flags2 = c.u8("GTID flags")?;
        let mut ev = MariaGtidEvent {
            seq_no,
            domain_id,
            flags2,
            commit_id: None,
            xid: None,
            flags_extra: None,
            extra_engines: None,
            start_alter_seq_no: None,
            thread_id: None,
        };
        if flags2 & FL_GROUP_COMMIT_ID != 0 {
            ev.commit_id = Some(c.u64("GTID commit_id")?);
        }
        if flags2 & (FL_PREPARED_XA | FL_COMPLETED_XA) != 0 {
            let format_id = c.u32("GTID XA format_id")?;
            let gl = usize::from(c.u8("GTID XA gtrid length")?);
            let bl = usize::from(c.u8("GTID XA bqual length")?);
            if gl + bl > 128 {
                return Err(DecodeError::invalid(
                    "GTID XA xid",
                    format!("gtrid {gl} + bqual {bl} bytes"),
                ));
            }
            let gtrid = c.bytes(gl, "GTID XA gtrid")?;
            let bqual = c.bytes(bl, "GTID XA bqual")?;
            ev.xid = Some(MariaXid {
                format_id,
                gtrid,
                bqual,
            });
        }
        // Only padding left: no extra flags (before 10.5, or none set).
        if c.peek_rest().iter().any(|&b| b != 0) {
            let fe = c.u8("GTID flags_extra")?;
            ev.flags_extra = Some(fe);
            if fe & FL_EXTRA_MULTI_ENGINE_E1 != 0 {
                ev.extra_engines = Some(c.u8("GTID extra engines")?);
            }
            if fe & (FL_COMMIT_ALTER_E1 | FL_ROLLBACK_ALTER_E1) != 0 {
                ev.start_alter_seq_no = Some(c.u64("GTID start alter seq_no")?);
            }
            if fe & FL_EXTRA_THREAD_ID != 0 {
                ev.thread_id = Some(c.u32("GTID thread id")?);
            }
        }
        if c.peek_rest().iter().any(|&b| b != 0) {
            return Err(DecodeError::invalid(
                "GTID event",
                format!("{} unread byte(s) that are not padding", c.remaining()),
            ));
        }
        Ok(ev)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GtidListEvent {
    pub flags: u8,
    pub gtids: Vec<MariaGtid>,
}

impl GtidListEvent {
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        let word = c.u32("GTID list count")?;
        let count = (word & 0x0fff_ffff) as usize;
        let flags = (word >> 28) as u8;
        if count * 16 > c.remaining() {
            return Err(DecodeError::Truncated {
                what: "GTID list",
                need: count * 16,
                have: c.remaining(),
            });
        }
        let mut gtids = Vec::with_capacity(count);
        for _ in 0..count {
            let domain_id = c.u32("GTID list domain_id")?;
            let server_id = c.u32("GTID list server_id")?;
            let seq_no = c.u64("GTID list seq_no")?;
            gtids.push(MariaGtid {
                domain_id,
                server_id,
                seq_no,
            });
        }
        Ok(GtidListEvent { flags, gtids })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinlogCheckpointEvent<'a> {
    pub log_name: &'a [u8],
}

impl<'a> BinlogCheckpointEvent<'a> {
    pub fn parse(body: &'a [u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        let n = c.u32("binlog checkpoint name length")? as usize;
        Ok(BinlogCheckpointEvent {
            log_name: c.bytes(n, "binlog checkpoint name")?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartEncryptionEvent {
    pub scheme: u8,
    pub key_version: u32,
    pub nonce: [u8; 12],
}

impl StartEncryptionEvent {
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        Ok(StartEncryptionEvent {
            scheme: c.u8("start encryption scheme")?,
            key_version: c.u32("start encryption key version")?,
            nonce: c.array("start encryption nonce")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(flags2: u8, rest: &[u8]) -> Vec<u8> {
        let mut b = 7u64.to_le_bytes().to_vec();
        b.extend(3u32.to_le_bytes());
        b.push(flags2);
        b.extend(rest);
        b
    }

    /// Bodies as MariaDB 10.11 and 11.8 wrote them in testdata/: the extra
    /// flags follow flags2 directly, zero bytes pad to 19.
    #[test]
    fn extra_flags_as_the_servers_write_them() {
        let b = body(8, &[1, 0xff, 0, 0, 0, 0]);
        let e = MariaGtidEvent::parse(&b).unwrap();
        assert_eq!((e.flags_extra, e.extra_engines), (Some(1), Some(0xff)));
        let b = body(0x0c, &[0x10, 6, 0, 0, 0, 0]);
        let e = MariaGtidEvent::parse(&b).unwrap();
        assert_eq!((e.flags_extra, e.thread_id), (Some(0x10), Some(6)));
        let b = body(0x08, &[0; 6]);
        let e = MariaGtidEvent::parse(&b).unwrap();
        assert_eq!((e.flags_extra, e.commit_id), (None, None));
        let mut alter = vec![FL_COMMIT_ALTER_E1];
        alter.extend(42u64.to_le_bytes());
        let b = body(0, &alter);
        let e = MariaGtidEvent::parse(&b).unwrap();
        assert_eq!(e.start_alter_seq_no, Some(42));
    }

    /// Group commit and XA together: the commit id, then the xid.
    #[test]
    fn commit_id_then_xid_then_extra_flags() {
        let mut rest = 99u64.to_le_bytes().to_vec();
        rest.extend(1u32.to_le_bytes());
        rest.extend([2, 1]);
        rest.extend(b"abz");
        rest.extend([FL_EXTRA_THREAD_ID, 5, 0, 0, 0]);
        let b = body(FL_GROUP_COMMIT_ID | FL_PREPARED_XA, &rest);
        let e = MariaGtidEvent::parse(&b).unwrap();
        assert_eq!(e.commit_id, Some(99));
        let x = e.xid.unwrap();
        assert_eq!((x.format_id, x.gtrid, x.bqual), (1, &b"ab"[..], &b"z"[..]));
        assert_eq!(e.thread_id, Some(5));
    }

    #[test]
    fn bytes_past_the_fields_must_be_padding() {
        assert!(MariaGtidEvent::parse(&body(8, &[1, 0xff, 0, 7, 0, 0])).is_err());
    }
}
