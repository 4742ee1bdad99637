//! Decoding MySQL's binary JSON into a borrowed [`JsonValue`] tree.
//!
//! Layout (MySQL source documentation, `sql-common/json_binary.h`, "JSON
//! binary format"; all integers little-endian):
//!
//! ```text
//! doc        ::= type value
//! type       ::= 0x00 small object | 0x01 large object | 0x02 small array
//!              | 0x03 large array  | 0x04 literal | 0x05 int16 | 0x06 uint16
//!              | 0x07 int32 | 0x08 uint32 | 0x09 int64 | 0x0a uint64
//!              | 0x0b double | 0x0c string | 0x0f opaque (custom data)
//! object     ::= count size key-entry* value-entry* key* value*
//! array      ::= count size value-entry* value*
//! count,size ::= uint16 (small) | uint32 (large)
//! key-entry  ::= key-offset (uint16 | uint32) key-length (uint16)
//! value-entry::= type offset-or-inlined-value (uint16 | uint32)
//! literal    ::= 0x00 null | 0x01 true | 0x02 false
//! string     ::= data-length utf8mb4-bytes
//! opaque     ::= field-type (uint8) data-length bytes
//! data-length::= 1..5 bytes, 7 bits each, low group first, high bit = more
//! ```
//!
//! Offsets are relative to the start of the container (its `count` field)
//! and must lie within its `size`. Literals, int16 and uint16 are inlined in
//! the value entry; int32 and uint32 are inlined too in large containers.
//! MySQL nests at most 100 containers (`JSON_DOCUMENT_MAX_DEPTH`), which is
//! also our limit. A value entry may point anywhere inside its container,
//! so a hostile document could share one sub-document many times; the
//! decoder therefore stops after decoding more values than the input has
//! bytes, which no document written by MySQL comes near.

use super::opaque::check_opaque;
use crate::cursor::le_uint;
use crate::error::{DecodeError, Result};

pub(crate) const JSONB_TYPE_SMALL_OBJECT: u8 = 0x00;
pub(crate) const JSONB_TYPE_LARGE_OBJECT: u8 = 0x01;
pub(crate) const JSONB_TYPE_SMALL_ARRAY: u8 = 0x02;
pub(crate) const JSONB_TYPE_LARGE_ARRAY: u8 = 0x03;
pub(crate) const JSONB_TYPE_LITERAL: u8 = 0x04;
pub(crate) const JSONB_TYPE_INT16: u8 = 0x05;
pub(crate) const JSONB_TYPE_UINT16: u8 = 0x06;
pub(crate) const JSONB_TYPE_INT32: u8 = 0x07;
pub(crate) const JSONB_TYPE_UINT32: u8 = 0x08;
pub(crate) const JSONB_TYPE_INT64: u8 = 0x09;
pub(crate) const JSONB_TYPE_UINT64: u8 = 0x0a;
pub(crate) const JSONB_TYPE_DOUBLE: u8 = 0x0b;
pub(crate) const JSONB_TYPE_STRING: u8 = 0x0c;
pub(crate) const JSONB_TYPE_OPAQUE: u8 = 0x0f;
pub(crate) const JSONB_NULL_LITERAL: u8 = 0x00;
pub(crate) const JSONB_TRUE_LITERAL: u8 = 0x01;
pub(crate) const JSONB_FALSE_LITERAL: u8 = 0x02;

/// `enum_field_types` codes that MySQL gives opaque JSON scalars a text form.
pub const MYSQL_TYPE_DECIMAL_NEW: u8 = 246;
pub const MYSQL_TYPE_DATE: u8 = 10;
pub const MYSQL_TYPE_TIME: u8 = 11;
pub const MYSQL_TYPE_DATETIME: u8 = 12;
pub const MYSQL_TYPE_TIMESTAMP: u8 = 7;

/// Deepest container nesting accepted (MySQL's `JSON_DOCUMENT_MAX_DEPTH`).
pub const MAX_DEPTH: usize = 100;

/// A decoded JSON value borrowing its strings, keys and opaque payloads
/// from the binary document.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue<'a> {
    Null,
    Bool(bool),
    /// INT16, INT32 or INT64.
    Int(i64),
    /// UINT16, UINT32 or UINT64.
    UInt(u64),
    Double(f64),
    /// utf8mb4 bytes as stored (not checked to be UTF-8).
    String(&'a [u8]),
    /// Members in stored order (MySQL stores keys sorted by length, then
    /// bytewise, and prints them in that order).
    Object(Vec<(&'a [u8], JsonValue<'a>)>),
    Array(Vec<JsonValue<'a>>),
    /// A MySQL scalar without a JSON type: `field_type` is its
    /// `enum_field_types` code (246 DECIMAL, 10 DATE, 11 TIME, 12 DATETIME,
    /// 7 TIMESTAMP, 15 VARCHAR, 16 BIT, 252 BLOB, ...).
    Opaque {
        field_type: u8,
        data: &'a [u8],
    },
}

/// Decodes one binary JSON document (a JSON column value without its
/// length prefix).
///
/// An empty slice is the JSON `null` literal: MySQL stores a zero-length
/// value for a NOT NULL JSON column that got its implicit default (e.g.
/// `ALTER TABLE ... ADD j JSON NOT NULL`), and `mysqlbinlog` prints it as
/// `'null'`. Bytes after the top-level value are ignored, as `mysqlbinlog`
/// does.
pub fn parse_json(bytes: &[u8]) -> Result<JsonValue<'_>> {
    let Some((&ty, body)) = bytes.split_first() else {
        return Ok(JsonValue::Null);
    };
    let mut p = Parser {
        budget: bytes.len() + 1,
    };
    p.value(ty, body, 0)
}

struct Parser {
    /// Values still allowed to be decoded (see the module comment).
    budget: usize,
}

fn truncated(what: &'static str, need: usize, have: usize) -> DecodeError {
    DecodeError::Truncated { what, need, have }
}

fn slice<'a>(data: &'a [u8], at: usize, n: usize, what: &'static str) -> Result<&'a [u8]> {
    match at.checked_add(n) {
        Some(end) if end <= data.len() => Ok(&data[at..end]),
        _ => Err(truncated(what, at.saturating_add(n), data.len())),
    }
}

/// A little-endian integer of `n` bytes at the start of `data`.
fn fixed(data: &[u8], n: usize, what: &'static str) -> Result<u64> {
    slice(data, 0, n, what).map(le_uint)
}

/// Reads MySQL's variable-length JSON data length (7 bits per byte, at
/// most 5 bytes, must fit in 32 bits); returns it and the bytes it took.
pub(crate) fn read_varlen(data: &[u8], what: &'static str) -> Result<(usize, usize)> {
    let mut value: u64 = 0;
    for i in 0..5 {
        let Some(&b) = data.get(i) else {
            return Err(truncated(what, i + 1, data.len()));
        };
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            let v = u32::try_from(value).map_err(|_| {
                DecodeError::invalid(what, format!("length {value} exceeds 32 bits"))
            })?;
            return Ok((v as usize, i + 1));
        }
    }
    Err(DecodeError::invalid(what, "length takes more than 5 bytes"))
}

impl Parser {
    fn value<'a>(&mut self, ty: u8, data: &'a [u8], depth: usize) -> Result<JsonValue<'a>> {
        self.budget = self.budget.checked_sub(1).ok_or_else(|| {
            DecodeError::invalid(
                "JSON document",
                "more values than bytes (shared sub-documents)",
            )
        })?;
        match ty {
            JSONB_TYPE_SMALL_OBJECT
            | JSONB_TYPE_LARGE_OBJECT
            | JSONB_TYPE_SMALL_ARRAY
            | JSONB_TYPE_LARGE_ARRAY => self.container(ty, data, depth),
            JSONB_TYPE_LITERAL => literal(fixed(data, 1, "JSON literal")? as u8),
            JSONB_TYPE_INT16 => Ok(JsonValue::Int(
                fixed(data, 2, "JSON int16")? as u16 as i16 as i64
            )),
            JSONB_TYPE_UINT16 => Ok(JsonValue::UInt(fixed(data, 2, "JSON uint16")?)),
            JSONB_TYPE_INT32 => Ok(JsonValue::Int(
                fixed(data, 4, "JSON int32")? as u32 as i32 as i64
            )),
            JSONB_TYPE_UINT32 => Ok(JsonValue::UInt(fixed(data, 4, "JSON uint32")?)),
            JSONB_TYPE_INT64 => Ok(JsonValue::Int(fixed(data, 8, "JSON int64")? as i64)),
            JSONB_TYPE_UINT64 => Ok(JsonValue::UInt(fixed(data, 8, "JSON uint64")?)),
            JSONB_TYPE_DOUBLE => Ok(JsonValue::Double(f64::from_bits(fixed(
                data,
                8,
                "JSON double",
            )?))),
            JSONB_TYPE_STRING => {
                let (n, used) = read_varlen(data, "JSON string length")?;
                Ok(JsonValue::String(slice(data, used, n, "JSON string")?))
            }
            JSONB_TYPE_OPAQUE => {
                let field_type = *data
                    .first()
                    .ok_or_else(|| truncated("JSON opaque type", 1, 0))?;
                let (n, used) = read_varlen(&data[1..], "JSON opaque length")?;
                let payload = slice(data, 1 + used, n, "JSON opaque data")?;
                check_opaque(field_type, payload)?;
                Ok(JsonValue::Opaque {
                    field_type,
                    data: payload,
                })
            }
            other => Err(DecodeError::invalid(
                "JSON value type",
                format!("unknown type {other:#04x}"),
            )),
        }
    }

    fn container<'a>(&mut self, ty: u8, data: &'a [u8], depth: usize) -> Result<JsonValue<'a>> {
        if depth >= MAX_DEPTH {
            return Err(DecodeError::invalid(
                "JSON document",
                format!("nested deeper than {MAX_DEPTH} containers"),
            ));
        }
        let large = ty == JSONB_TYPE_LARGE_OBJECT || ty == JSONB_TYPE_LARGE_ARRAY;
        let is_object = ty == JSONB_TYPE_SMALL_OBJECT || ty == JSONB_TYPE_LARGE_OBJECT;
        let what = if is_object {
            "JSON object"
        } else {
            "JSON array"
        };
        let w = if large { 4 } else { 2 };
        let count = le_uint(slice(data, 0, w, what)?) as usize;
        let size = le_uint(slice(data, w, w, what)?) as usize;
        if size > data.len() {
            return Err(truncated(what, size, data.len()));
        }
        let data = &data[..size];
        let key_entry = w + 2;
        let value_entry = 1 + w;
        let header = count
            .checked_mul(value_entry + if is_object { key_entry } else { 0 })
            .and_then(|n| n.checked_add(2 * w))
            .filter(|&n| n <= size)
            .ok_or_else(|| {
                DecodeError::invalid(what, format!("{count} elements do not fit in {size} bytes"))
            })?;
        let values_at = 2 * w + if is_object { count * key_entry } else { 0 };
        debug_assert!(values_at + count * value_entry == header);
        let element = |this: &mut Self, i: usize| -> Result<JsonValue<'a>> {
            let entry = &data[values_at + i * value_entry..values_at + (i + 1) * value_entry];
            let vty = entry[0];
            if inlined(vty, large) {
                this.value(vty, &entry[1..], depth + 1)
            } else {
                let off = le_uint(&entry[1..]) as usize;
                if off >= size {
                    return Err(DecodeError::invalid(
                        what,
                        format!("value offset {off} outside {size} bytes"),
                    ));
                }
                this.value(vty, &data[off..], depth + 1)
            }
        };
        // Reserved up front only up to a point: entries may point back at
        // their container, and a damaged document is found out when
        // parsed, not by reserving what its header claims at every level.
        let reserve = count.min(64);
        if is_object {
            let mut members = Vec::with_capacity(reserve);
            for i in 0..count {
                let entry = &data[2 * w + i * key_entry..2 * w + (i + 1) * key_entry];
                let off = le_uint(&entry[..w]) as usize;
                let len = le_uint(&entry[w..]) as usize;
                let key = slice(data, off, len, "JSON object key")?;
                members.push((key, element(self, i)?));
            }
            Ok(JsonValue::Object(members))
        } else {
            let mut items = Vec::with_capacity(reserve);
            for i in 0..count {
                items.push(element(self, i)?);
            }
            Ok(JsonValue::Array(items))
        }
    }
}

/// Whether a value of type `ty` sits in its value entry instead of at an
/// offset.
pub(crate) fn inlined(ty: u8, large: bool) -> bool {
    match ty {
        JSONB_TYPE_LITERAL | JSONB_TYPE_INT16 | JSONB_TYPE_UINT16 => true,
        JSONB_TYPE_INT32 | JSONB_TYPE_UINT32 => large,
        _ => false,
    }
}

fn literal<'a>(b: u8) -> Result<JsonValue<'a>> {
    match b {
        JSONB_NULL_LITERAL => Ok(JsonValue::Null),
        JSONB_TRUE_LITERAL => Ok(JsonValue::Bool(true)),
        JSONB_FALSE_LITERAL => Ok(JsonValue::Bool(false)),
        other => Err(DecodeError::invalid(
            "JSON literal",
            format!("unknown literal {other:#04x}"),
        )),
    }
}
