//! USER_VAR_EVENT (14): a user variable a statement read.
//!
//! `name_len:4 name is_null:1`, then unless NULL `type:1 charset:4
//! value_len:4 value` and, from MySQL 5.6 / MariaDB 10.0, an optional
//! `flags:1` (bit 0: the integer is unsigned). A DECIMAL value is
//! `precision:1 scale:1` then the binary decimal.

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};

pub const STRING_RESULT: u8 = 0;
pub const REAL_RESULT: u8 = 1;
pub const INT_RESULT: u8 = 2;
pub const ROW_RESULT: u8 = 3;
pub const DECIMAL_RESULT: u8 = 4;
pub const UNSIGNED_F: u8 = 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserVarValue<'a> {
    pub value_type: u8,
    pub charset: u32,
    pub value: &'a [u8],
    pub flags: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserVarEvent<'a> {
    pub name: &'a [u8],
    /// `None` for a NULL value.
    pub value: Option<UserVarValue<'a>>,
}

impl<'a> UserVarEvent<'a> {
    pub fn parse(body: &'a [u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        let name_len = c.u32("user var name length")? as usize;
        let name = c.bytes(name_len, "user var name")?;
        let is_null = c.u8("user var is_null")?;
        if is_null != 0 {
            return Ok(UserVarEvent { name, value: None });
        }
        let value_type = c.u8("user var type")?;
        if value_type > DECIMAL_RESULT {
            return Err(DecodeError::invalid(
                "user var type",
                format!("{value_type}"),
            ));
        }
        let charset = c.u32("user var charset")?;
        let len = c.u32("user var value length")? as usize;
        let value = c.bytes(len, "user var value")?;
        let flags = if c.is_empty() {
            None
        } else {
            Some(c.u8("user var flags")?)
        };
        Ok(UserVarEvent {
            name,
            value: Some(UserVarValue {
                value_type,
                charset,
                value,
                flags,
            }),
        })
    }
}
