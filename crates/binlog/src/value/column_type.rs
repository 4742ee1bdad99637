//! Column type codes (`enum_field_types`) and the per-column metadata a
//! table map carries for them.
//!
//! Metadata bytes per type: none for integers, DATE, YEAR, old temporal
//! types; 1 for FLOAT/DOUBLE (pack length), BLOB/GEOMETRY/JSON/VECTOR
//! (length-prefix bytes), TIME2/DATETIME2/TIMESTAMP2 (fsp); 2 for
//! VARCHAR (max byte length, LE), BIT (bits mod 8, bytes), NEWDECIMAL
//! (precision, scale), and STRING/ENUM/SET (real type, length — with the
//! length's high bits folded into the first byte for CHARs over 255 bytes).

use crate::error::{DecodeError, Result};

pub const MYSQL_TYPE_DECIMAL: u8 = 0;
pub const MYSQL_TYPE_TINY: u8 = 1;
pub const MYSQL_TYPE_SHORT: u8 = 2;
pub const MYSQL_TYPE_LONG: u8 = 3;
pub const MYSQL_TYPE_FLOAT: u8 = 4;
pub const MYSQL_TYPE_DOUBLE: u8 = 5;
pub const MYSQL_TYPE_NULL: u8 = 6;
pub const MYSQL_TYPE_TIMESTAMP: u8 = 7;
pub const MYSQL_TYPE_LONGLONG: u8 = 8;
pub const MYSQL_TYPE_INT24: u8 = 9;
pub const MYSQL_TYPE_DATE: u8 = 10;
pub const MYSQL_TYPE_TIME: u8 = 11;
pub const MYSQL_TYPE_DATETIME: u8 = 12;
pub const MYSQL_TYPE_YEAR: u8 = 13;
pub const MYSQL_TYPE_NEWDATE: u8 = 14;
pub const MYSQL_TYPE_VARCHAR: u8 = 15;
pub const MYSQL_TYPE_BIT: u8 = 16;
pub const MYSQL_TYPE_TIMESTAMP2: u8 = 17;
pub const MYSQL_TYPE_DATETIME2: u8 = 18;
pub const MYSQL_TYPE_TIME2: u8 = 19;
pub const MYSQL_TYPE_TYPED_ARRAY: u8 = 20;
/// MariaDB: a BLOB / VARCHAR declared COMPRESSED (seen in MariaDB 11.8
/// table maps: 140 carries one metadata byte, 141 two).
pub const MYSQL_TYPE_BLOB_COMPRESSED: u8 = 140;
pub const MYSQL_TYPE_VARCHAR_COMPRESSED: u8 = 141;
pub const MYSQL_TYPE_VECTOR: u8 = 242;
pub const MYSQL_TYPE_INVALID: u8 = 243;
pub const MYSQL_TYPE_BOOL: u8 = 244;
pub const MYSQL_TYPE_JSON: u8 = 245;
pub const MYSQL_TYPE_NEWDECIMAL: u8 = 246;
pub const MYSQL_TYPE_ENUM: u8 = 247;
pub const MYSQL_TYPE_SET: u8 = 248;
pub const MYSQL_TYPE_TINY_BLOB: u8 = 249;
pub const MYSQL_TYPE_MEDIUM_BLOB: u8 = 250;
pub const MYSQL_TYPE_LONG_BLOB: u8 = 251;
pub const MYSQL_TYPE_BLOB: u8 = 252;
pub const MYSQL_TYPE_VAR_STRING: u8 = 253;
pub const MYSQL_TYPE_STRING: u8 = 254;
pub const MYSQL_TYPE_GEOMETRY: u8 = 255;

/// One column of a table map: its type and decoded metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnMeta {
    /// The type code in the table map.
    pub column_type: u8,
    /// For MYSQL_TYPE_STRING: the real type (STRING, ENUM or SET); otherwise
    /// the same as `column_type`.
    pub real_type: u8,
    /// The metadata as the server's table definition holds it (what
    /// `mysqlbinlog -vv` prints as `meta=`).
    pub meta: u16,
    /// Declared maximum length in bytes (CHAR/VARCHAR/BINARY), pack length
    /// (ENUM/SET/BLOB length-prefix bytes, FLOAT/DOUBLE), bits (BIT),
    /// precision (NEWDECIMAL), fsp (temporal2).
    pub length: u32,
    /// NEWDECIMAL scale.
    pub scale: u8,
}

/// Number of metadata bytes a column type uses in a table map.
pub fn metadata_len(column_type: u8) -> Result<usize> {
    Ok(match column_type {
        MYSQL_TYPE_DECIMAL | MYSQL_TYPE_TINY | MYSQL_TYPE_SHORT | MYSQL_TYPE_LONG
        | MYSQL_TYPE_NULL | MYSQL_TYPE_TIMESTAMP | MYSQL_TYPE_LONGLONG | MYSQL_TYPE_INT24
        | MYSQL_TYPE_DATE | MYSQL_TYPE_TIME | MYSQL_TYPE_DATETIME | MYSQL_TYPE_YEAR
        | MYSQL_TYPE_NEWDATE | MYSQL_TYPE_BOOL => 0,
        MYSQL_TYPE_FLOAT
        | MYSQL_TYPE_DOUBLE
        | MYSQL_TYPE_TIMESTAMP2
        | MYSQL_TYPE_DATETIME2
        | MYSQL_TYPE_TIME2
        | MYSQL_TYPE_TINY_BLOB
        | MYSQL_TYPE_MEDIUM_BLOB
        | MYSQL_TYPE_LONG_BLOB
        | MYSQL_TYPE_BLOB
        | MYSQL_TYPE_BLOB_COMPRESSED
        | MYSQL_TYPE_GEOMETRY
        | MYSQL_TYPE_JSON
        | MYSQL_TYPE_VECTOR => 1,
        MYSQL_TYPE_VARCHAR
        | MYSQL_TYPE_VARCHAR_COMPRESSED
        | MYSQL_TYPE_VAR_STRING
        | MYSQL_TYPE_BIT
        | MYSQL_TYPE_NEWDECIMAL
        | MYSQL_TYPE_STRING
        | MYSQL_TYPE_ENUM
        | MYSQL_TYPE_SET => 2,
        other => return Err(DecodeError::unsupported("column type", format!("{other}"))),
    })
}

/// Decodes the table map's metadata block for every column.
pub fn parse_column_metadata(types: &[u8], meta: &[u8]) -> Result<Vec<ColumnMeta>> {
    let mut out = Vec::with_capacity(types.len());
    let mut pos = 0usize;
    for &t in types {
        let n = metadata_len(t)?;
        if pos + n > meta.len() {
            return Err(DecodeError::Truncated {
                what: "column metadata",
                need: n,
                have: meta.len() - pos,
            });
        }
        let b = &meta[pos..pos + n];
        pos += n;
        out.push(column_meta(t, b));
    }
    if pos != meta.len() {
        return Err(DecodeError::invalid(
            "column metadata",
            format!("{} unused byte(s)", meta.len() - pos),
        ));
    }
    Ok(out)
}

/// Columns of a pre-GA (5.1 development) table map, which carries no
/// metadata: strings were stored with a one-byte length.
pub fn pre_ga_column_metadata(types: &[u8]) -> Result<Vec<ColumnMeta>> {
    types
        .iter()
        .map(|&t| {
            let mut m = column_meta(t, &[]);
            match t {
                MYSQL_TYPE_STRING | MYSQL_TYPE_VARCHAR | MYSQL_TYPE_VAR_STRING => m.length = 255,
                _ if metadata_len(t)? == 0 => {}
                other => {
                    return Err(DecodeError::unsupported(
                        "pre-GA column type",
                        format!("{other} needs metadata"),
                    ));
                }
            }
            Ok(m)
        })
        .collect()
}

fn column_meta(t: u8, b: &[u8]) -> ColumnMeta {
    let mut m = ColumnMeta {
        column_type: t,
        real_type: t,
        meta: 0,
        length: 0,
        scale: 0,
    };
    match b.len() {
        1 => {
            m.meta = u16::from(b[0]);
            m.length = u32::from(b[0]);
        }
        2 => match t {
            MYSQL_TYPE_VARCHAR | MYSQL_TYPE_VARCHAR_COMPRESSED | MYSQL_TYPE_VAR_STRING => {
                m.meta = u16::from_le_bytes([b[0], b[1]]);
                m.length = u32::from(m.meta);
            }
            MYSQL_TYPE_BIT => {
                m.meta = u16::from(b[1]) << 8 | u16::from(b[0]);
                m.length = u32::from(b[1]) * 8 + u32::from(b[0]);
            }
            MYSQL_TYPE_NEWDECIMAL => {
                m.meta = u16::from(b[0]) << 8 | u16::from(b[1]);
                m.length = u32::from(b[0]);
                m.scale = b[1];
            }
            _ => {
                // STRING / ENUM / SET: (real_type, length) with long CHAR
                // lengths folding two extra bits into the first byte.
                m.meta = u16::from(b[0]) << 8 | u16::from(b[1]);
                if b[0] != 0 && b[0] & 0x30 != 0x30 {
                    m.real_type = b[0] | 0x30;
                    m.length = u32::from(b[1]) | (u32::from((b[0] & 0x30) ^ 0x30) << 4);
                } else {
                    m.real_type = if b[0] == 0 { t } else { b[0] };
                    m.length = u32::from(b[1]);
                }
            }
        },
        _ => {}
    }
    m
}

/// True for the integer types (whose signedness optional metadata covers).
pub fn is_numeric(t: u8) -> bool {
    matches!(
        t,
        MYSQL_TYPE_TINY
            | MYSQL_TYPE_SHORT
            | MYSQL_TYPE_INT24
            | MYSQL_TYPE_LONG
            | MYSQL_TYPE_LONGLONG
            | MYSQL_TYPE_FLOAT
            | MYSQL_TYPE_DOUBLE
            | MYSQL_TYPE_NEWDECIMAL
            | MYSQL_TYPE_DECIMAL
    )
}

/// True for column types whose values carry a character set (for the
/// charset optional metadata): CHAR/VARCHAR/TEXT but not ENUM/SET.
pub fn is_character(m: &ColumnMeta) -> bool {
    matches!(
        m.real_type,
        MYSQL_TYPE_STRING
            | MYSQL_TYPE_VARCHAR
            | MYSQL_TYPE_VAR_STRING
            | MYSQL_TYPE_BLOB
            | MYSQL_TYPE_TINY_BLOB
            | MYSQL_TYPE_MEDIUM_BLOB
            | MYSQL_TYPE_LONG_BLOB
    )
}

pub fn is_enum_or_set(m: &ColumnMeta) -> bool {
    matches!(m.real_type, MYSQL_TYPE_ENUM | MYSQL_TYPE_SET)
}
