//! Group Replication's events, written only by group members.
//!
//! - TRANSACTION_CONTEXT_EVENT (36): post-header `server_uuid_len:1
//!   thread_id:4 gtid_specified:1 snapshot_version_len:4 write_set_len:4
//!   read_set_len:4`; body `server_uuid snapshot_version`, then each
//!   write-set and read-set item as `len:2 bytes`.
//! - VIEW_CHANGE_EVENT (37): post-header `view_id:40 seq_number:8
//!   cert_info_len:4`; body `cert_info_len × (key_len:2 key value_len:4
//!   value)`.

use crate::cursor::Cursor;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionContextEvent<'a> {
    pub server_uuid: &'a [u8],
    pub thread_id: u32,
    pub gtid_specified: bool,
    pub snapshot_version: &'a [u8],
    pub write_set: Vec<&'a [u8]>,
    pub read_set: Vec<&'a [u8]>,
}

impl<'a> TransactionContextEvent<'a> {
    pub fn parse(body: &'a [u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        let uuid_len = usize::from(c.u8("transaction context uuid length")?);
        let thread_id = c.u32("transaction context thread_id")?;
        let gtid_specified = c.u8("transaction context gtid_specified")? != 0;
        let snap_len = c.u32("transaction context snapshot length")? as usize;
        let ws = c.u32("transaction context write set count")? as usize;
        let rs = c.u32("transaction context read set count")? as usize;
        let server_uuid = c.bytes(uuid_len, "transaction context server uuid")?;
        let snapshot_version = c.bytes(snap_len, "transaction context snapshot")?;
        let mut item_list = |n: usize, what: &'static str| -> Result<Vec<&'a [u8]>> {
            let mut v = Vec::with_capacity(n.min(c.remaining() / 2));
            for _ in 0..n {
                let l = usize::from(c.u16(what)?);
                v.push(c.bytes(l, what)?);
            }
            Ok(v)
        };
        let write_set = item_list(ws, "transaction context write set item")?;
        let read_set = item_list(rs, "transaction context read set item")?;
        Ok(TransactionContextEvent {
            server_uuid,
            thread_id,
            gtid_specified,
            snapshot_version,
            write_set,
            read_set,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewChangeEvent<'a> {
    pub view_id: &'a [u8],
    pub seq_number: u64,
    pub certification_info: Vec<(&'a [u8], &'a [u8])>,
}

impl<'a> ViewChangeEvent<'a> {
    pub fn parse(body: &'a [u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        let raw_id = c.bytes(40, "view change view_id")?;
        let end = raw_id.iter().position(|&b| b == 0).unwrap_or(raw_id.len());
        let seq_number = c.u64("view change seq_number")?;
        let n = c.u32("view change certification info count")? as usize;
        let mut certification_info = Vec::with_capacity(n.min(c.remaining() / 6));
        for _ in 0..n {
            let kl = usize::from(c.u16("view change key length")?);
            let k = c.bytes(kl, "view change key")?;
            let vl = c.u32("view change value length")? as usize;
            let v = c.bytes(vl, "view change value")?;
            certification_info.push((k, v));
        }
        Ok(ViewChangeEvent {
            view_id: &raw_id[..end],
            seq_number,
            certification_info,
        })
    }
}
