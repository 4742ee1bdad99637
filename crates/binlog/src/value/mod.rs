//! Column values in row images: type codes and metadata, decoders for
//! each stored format, and the `Value` they produce.

pub mod column_type;
pub mod decimal;
pub mod encode;
pub mod json;
pub mod row;
pub mod temporal;
#[cfg(test)]
mod tests;

pub use column_type::ColumnMeta;
pub use row::ColumnValue;
pub use temporal::{Date, DateTime, Time};

/// One decoded column value, borrowing from the event's bytes. Values are
/// kept close to their stored form (integers sign-extended from their
/// stored width, strings as raw bytes in the column's charset) so that a
/// consumer can render them exactly as the server's own tools do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    /// TINY/SHORT/INT24/LONG/LONGLONG sign-extended from `bytes` bytes; the
    /// unsigned reading is `unsigned()`.
    Int {
        value: i64,
        bytes: u8,
    },
    Float(f32),
    Double(f64),
    /// NEWDECIMAL in binary form; see `decimal::decode_decimal`.
    Decimal {
        bytes: &'a [u8],
        precision: u8,
        scale: u8,
    },
    /// YEAR as stored: 0, or years since 1900.
    Year(u8),
    Date(Date),
    Time {
        time: Time,
        fsp: u8,
    },
    DateTime {
        datetime: DateTime,
        fsp: u8,
    },
    Timestamp {
        seconds: u32,
        micros: u32,
        fsp: u8,
    },
    /// CHAR/VARCHAR/BINARY/VARBINARY and TEXT/BLOB contents.
    String(&'a [u8]),
    Blob(&'a [u8]),
    /// ENUM: 1-based index (0 = the empty error value).
    Enum(u16),
    /// SET: bitmask of members.
    Set(u64),
    /// BIT: big-endian bytes.
    Bit(&'a [u8]),
    /// JSON in MySQL's binary format.
    Json(&'a [u8]),
    /// A JSON column of a partial update: a list of JSON diffs.
    JsonDiff(&'a [u8]),
    Geometry(&'a [u8]),
    /// VECTOR: little-endian f32 elements.
    Vector(&'a [u8]),
}

impl Value<'_> {
    /// The unsigned reading of an integer value (for UNSIGNED columns).
    pub fn unsigned(&self) -> Option<u64> {
        match *self {
            Value::Int { value, bytes } => {
                let bits = u32::from(bytes) * 8;
                Some(if bits >= 64 {
                    value as u64
                } else {
                    (value as u64) & ((1u64 << bits) - 1)
                })
            }
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}
