//! ROTATE_EVENT (4): `position:8` (post-header, absent in binlog v1) then
//! the next log's file name (rest of the body). Also the fake rotate a
//! replica writes at the start of each relay log.

use crate::cursor::Cursor;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotateEvent<'a> {
    pub position: u64,
    pub next_log: &'a [u8],
}

impl<'a> RotateEvent<'a> {
    pub fn parse(body: &'a [u8], post_header_len: usize) -> Result<Self> {
        let mut c = Cursor::new(body);
        let position = if post_header_len >= 8 {
            c.u64("rotate position")?
        } else {
            4
        };
        c.skip(post_header_len.saturating_sub(8), "rotate post-header")?;
        Ok(RotateEvent {
            position,
            next_log: c.rest(),
        })
    }
}
