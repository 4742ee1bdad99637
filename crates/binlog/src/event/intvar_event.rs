//! INTVAR_EVENT (5): `type:1 value:8` — the LAST_INSERT_ID() or INSERT_ID
//! the next statement ran with. RAND_EVENT (13): `seed1:8 seed2:8`. XID_EVENT
//! (16): `xid:8`, the commit of an XA-capable transaction.

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};

pub const INVALID_INT_EVENT: u8 = 0;
pub const LAST_INSERT_ID_EVENT: u8 = 1;
pub const INSERT_ID_EVENT: u8 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntvarEvent {
    pub kind: u8,
    pub value: u64,
}

impl IntvarEvent {
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        let kind = c.u8("intvar type")?;
        let value = c.u64("intvar value")?;
        if kind != LAST_INSERT_ID_EVENT && kind != INSERT_ID_EVENT && kind != INVALID_INT_EVENT {
            return Err(DecodeError::invalid("intvar type", format!("{kind}")));
        }
        Ok(IntvarEvent { kind, value })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandEvent {
    pub seed1: u64,
    pub seed2: u64,
}

impl RandEvent {
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        Ok(RandEvent {
            seed1: c.u64("rand seed1")?,
            seed2: c.u64("rand seed2")?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XidEvent {
    pub xid: u64,
}

impl XidEvent {
    pub fn parse(body: &[u8]) -> Result<Self> {
        Ok(XidEvent {
            xid: Cursor::new(body).u64("xid")?,
        })
    }
}
