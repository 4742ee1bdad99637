//! LOAD DATA events: BEGIN_LOAD_QUERY_EVENT (17) and APPEND_BLOCK_EVENT (9)
//! carry the data file in blocks (`file_id:4 data`), DELETE_FILE_EVENT (11)
//! drops it (`file_id:4`), and EXECUTE_LOAD_QUERY_EVENT (18) is a query
//! event whose extra post-header is `file_id:4 fn_pos_start:4 fn_pos_end:4
//! dup_handling:1`: the file name inside the query text spans
//! [fn_pos_start, fn_pos_end) and is replaced by the replica's own copy.

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};
use crate::event::query_event::{QueryEvent, parse_query_head};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadBlockEvent<'a> {
    pub file_id: u32,
    pub data: &'a [u8],
}

impl<'a> LoadBlockEvent<'a> {
    pub fn parse(body: &'a [u8], post_header_len: usize) -> Result<Self> {
        let mut c = Cursor::new(body);
        let file_id = c.u32("load block file_id")?;
        c.skip(post_header_len.saturating_sub(4), "load block post-header")?;
        Ok(LoadBlockEvent {
            file_id,
            data: c.rest(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeleteFileEvent {
    pub file_id: u32,
}

impl DeleteFileEvent {
    pub fn parse(body: &[u8]) -> Result<Self> {
        Ok(DeleteFileEvent {
            file_id: Cursor::new(body).u32("delete file file_id")?,
        })
    }
}

pub const LOAD_DUP_ERROR: u8 = 0;
pub const LOAD_DUP_IGNORE: u8 = 1;
pub const LOAD_DUP_REPLACE: u8 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecuteLoadQueryEvent<'a> {
    pub query: QueryEvent<'a>,
    pub file_id: u32,
    pub fn_pos_start: u32,
    pub fn_pos_end: u32,
    pub dup_handling: u8,
}

impl<'a> ExecuteLoadQueryEvent<'a> {
    pub fn parse(body: &'a [u8], post_header_len: usize) -> Result<Self> {
        let (mut query, extra, mut c) = parse_query_head(body, post_header_len)?;
        let mut e = Cursor::new(extra);
        let file_id = e.u32("execute load file_id")?;
        let fn_pos_start = e.u32("execute load fn_pos_start")?;
        let fn_pos_end = e.u32("execute load fn_pos_end")?;
        let dup_handling = e.u8("execute load dup_handling")?;
        query.query = std::borrow::Cow::Borrowed(c.rest());
        if fn_pos_start > fn_pos_end
            || fn_pos_end as usize > query.query.len()
            || dup_handling > LOAD_DUP_REPLACE
        {
            return Err(DecodeError::invalid(
                "execute load query",
                format!(
                    "file name span {fn_pos_start}..{fn_pos_end} in a {}-byte query, dup {dup_handling}",
                    query.query.len()
                ),
            ));
        }
        Ok(ExecuteLoadQueryEvent {
            query,
            file_id,
            fn_pos_start,
            fn_pos_end,
            dup_handling,
        })
    }
}
