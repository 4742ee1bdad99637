//! Small MySQL events.
//!
//! - ROWS_QUERY_LOG_EVENT (29): `length:1` (ignored: it is truncated at
//!   255) then the statement text.
//! - XA_PREPARE_LOG_EVENT (38): `one_phase:1 format_id:4 gtrid_length:4
//!   bqual_length:4 data` — XA PREPARE, or XA COMMIT … ONE PHASE.
//! - HEARTBEAT_LOG_EVENT (27): the source's current binlog name (its
//!   position is in the header); HEARTBEAT_LOG_EVENT_V2 (41): fields
//!   `type:1 length:packed value` (1 = log name, 2 = position, 0 = end).

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsQueryEvent<'a> {
    pub query: &'a [u8],
}

impl<'a> RowsQueryEvent<'a> {
    pub fn parse(body: &'a [u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        c.skip(1, "rows query length")?;
        Ok(RowsQueryEvent { query: c.rest() })
    }
}

/// Largest XID part, as in the XA specification.
pub const MAXGTRIDSIZE: usize = 64;
pub const MAXBQUALSIZE: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XaPrepareEvent<'a> {
    pub one_phase: bool,
    pub format_id: i32,
    pub gtrid: &'a [u8],
    pub bqual: &'a [u8],
}

impl<'a> XaPrepareEvent<'a> {
    pub fn parse(body: &'a [u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        let one_phase = c.u8("XA prepare one_phase")? != 0;
        let format_id = c.u32("XA prepare format_id")? as i32;
        let gl = c.u32("XA prepare gtrid length")? as usize;
        let bl = c.u32("XA prepare bqual length")? as usize;
        if gl > MAXGTRIDSIZE || bl > MAXBQUALSIZE {
            return Err(DecodeError::invalid(
                "XA prepare xid",
                format!("gtrid {gl} / bqual {bl} bytes"),
            ));
        }
        let gtrid = c.bytes(gl, "XA prepare gtrid")?;
        let bqual = c.bytes(bl, "XA prepare bqual")?;
        Ok(XaPrepareEvent {
            one_phase,
            format_id,
            gtrid,
            bqual,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeartbeatEvent<'a> {
    pub log_name: &'a [u8],
    /// V2 only: the position (V1 keeps it in the header's log_pos).
    pub position: Option<u64>,
}

impl<'a> HeartbeatEvent<'a> {
    pub fn parse_v1(body: &'a [u8]) -> Result<Self> {
        Ok(HeartbeatEvent {
            log_name: body,
            position: None,
        })
    }

    pub fn parse_v2(body: &'a [u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        let mut hb = HeartbeatEvent {
            log_name: &[],
            position: None,
        };
        while !c.is_empty() {
            let t = c.u8("heartbeat field type")?;
            if t == 0 {
                break;
            }
            let len = c.packed_len("heartbeat field length")?;
            let v = c.bytes(len, "heartbeat field")?;
            match t {
                1 => hb.log_name = v,
                2 => hb.position = Some(Cursor::new(v).packed("heartbeat position")?),
                _ => {}
            }
        }
        Ok(hb)
    }
}
