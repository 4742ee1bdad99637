//! Row images: a NULL bitmap over the columns present in the image, then
//! each present, non-NULL column's value in its stored format.

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};
use crate::value::column_type::*;
use crate::value::decimal::decimal_bin_size;
use crate::value::temporal::{self, frac_bytes};
use crate::value::{ColumnMeta, Value};

/// A column of a decoded row image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnValue<'a> {
    /// 0-based column index in the table map.
    pub index: usize,
    pub value: Value<'a>,
}

pub(crate) fn bit(bitmap: &[u8], i: usize) -> bool {
    bitmap.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0)
}

fn length_prefixed<'a>(c: &mut Cursor<'a>, prefix: usize, what: &'static str) -> Result<&'a [u8]> {
    let n = c.uint_n(prefix, what)?;
    let n = usize::try_from(n).map_err(|_| DecodeError::invalid(what, format!("length {n}")))?;
    c.bytes(n, what)
}

fn int<'a>(c: &mut Cursor<'a>, bytes: u8, what: &'static str) -> Result<Value<'a>> {
    let raw = c.uint_n(usize::from(bytes), what)?;
    let shift = 64 - u32::from(bytes) * 8;
    let value = ((raw << shift) as i64) >> shift;
    Ok(Value::Int { value, bytes })
}

/// Decodes one non-NULL value of column `col` at the cursor.
pub(crate) fn decode_value<'a>(c: &mut Cursor<'a>, col: &ColumnMeta) -> Result<Value<'a>> {
    Ok(match col.column_type {
        MYSQL_TYPE_TINY => int(c, 1, "TINYINT value")?,
        MYSQL_TYPE_SHORT => int(c, 2, "SMALLINT value")?,
        MYSQL_TYPE_INT24 => int(c, 3, "MEDIUMINT value")?,
        MYSQL_TYPE_LONG => int(c, 4, "INT value")?,
        MYSQL_TYPE_LONGLONG => int(c, 8, "BIGINT value")?,
        MYSQL_TYPE_FLOAT => Value::Float(f32::from_le_bytes(c.array("FLOAT value")?)),
        MYSQL_TYPE_DOUBLE => Value::Double(f64::from_le_bytes(c.array("DOUBLE value")?)),
        MYSQL_TYPE_NEWDECIMAL => {
            let precision = col.length as u8;
            let n = decimal_bin_size(precision, col.scale);
            Value::Decimal {
                bytes: c.bytes(n, "DECIMAL value")?,
                precision,
                scale: col.scale,
            }
        }
        MYSQL_TYPE_YEAR => Value::Year(c.u8("YEAR value")?),
        MYSQL_TYPE_DATE | MYSQL_TYPE_NEWDATE => {
            Value::Date(temporal::decode_date(&c.array("DATE value")?))
        }
        MYSQL_TYPE_TIME => Value::Time {
            time: temporal::decode_time_old(&c.array("TIME value")?),
            fsp: 0,
        },
        MYSQL_TYPE_TIME2 => {
            let fsp = col.meta as u8;
            let b = c.bytes(3 + frac_bytes(fsp.min(6)), "TIME2 value")?;
            Value::Time {
                time: temporal::decode_time2(b, fsp)?,
                fsp,
            }
        }
        MYSQL_TYPE_DATETIME => Value::DateTime {
            datetime: temporal::decode_datetime_old(&c.array("DATETIME value")?),
            fsp: 0,
        },
        MYSQL_TYPE_DATETIME2 => {
            let fsp = col.meta as u8;
            let b = c.bytes(5 + frac_bytes(fsp.min(6)), "DATETIME2 value")?;
            Value::DateTime {
                datetime: temporal::decode_datetime2(b, fsp)?,
                fsp,
            }
        }
        MYSQL_TYPE_TIMESTAMP => Value::Timestamp {
            seconds: c.u32("TIMESTAMP value")?,
            micros: 0,
            fsp: 0,
        },
        MYSQL_TYPE_TIMESTAMP2 => {
            let fsp = col.meta as u8;
            let b = c.bytes(4 + frac_bytes(fsp.min(6)), "TIMESTAMP2 value")?;
            let (seconds, micros) = temporal::decode_timestamp2(b, fsp)?;
            Value::Timestamp {
                seconds,
                micros,
                fsp,
            }
        }
        MYSQL_TYPE_VARCHAR | MYSQL_TYPE_VAR_STRING | MYSQL_TYPE_VARCHAR_COMPRESSED => {
            let prefix = if col.length > 255 { 2 } else { 1 };
            Value::String(length_prefixed(c, prefix, "VARCHAR value")?)
        }
        MYSQL_TYPE_STRING | MYSQL_TYPE_ENUM | MYSQL_TYPE_SET => match col.real_type {
            MYSQL_TYPE_ENUM => match col.length {
                1 => Value::Enum(u16::from(c.u8("ENUM value")?)),
                2 => Value::Enum(c.u16("ENUM value")?),
                n => {
                    return Err(DecodeError::invalid(
                        "ENUM metadata",
                        format!("pack length {n}"),
                    ));
                }
            },
            MYSQL_TYPE_SET => {
                if !(1..=8).contains(&col.length) {
                    return Err(DecodeError::invalid(
                        "SET metadata",
                        format!("pack length {}", col.length),
                    ));
                }
                Value::Set(c.uint_n(col.length as usize, "SET value")?)
            }
            _ => {
                let prefix = if col.length > 255 { 2 } else { 1 };
                Value::String(length_prefixed(c, prefix, "CHAR value")?)
            }
        },
        MYSQL_TYPE_BIT => {
            let n = (col.length as usize).div_ceil(8);
            Value::Bit(c.bytes(n, "BIT value")?)
        }
        MYSQL_TYPE_TINY_BLOB
        | MYSQL_TYPE_MEDIUM_BLOB
        | MYSQL_TYPE_LONG_BLOB
        | MYSQL_TYPE_BLOB
        | MYSQL_TYPE_BLOB_COMPRESSED
        | MYSQL_TYPE_JSON
        | MYSQL_TYPE_GEOMETRY
        | MYSQL_TYPE_VECTOR => {
            let prefix = col.length as usize;
            if !(1..=4).contains(&prefix) {
                return Err(DecodeError::invalid(
                    "BLOB metadata",
                    format!("length bytes {prefix}"),
                ));
            }
            let data = length_prefixed(c, prefix, "BLOB value")?;
            match col.column_type {
                MYSQL_TYPE_JSON => Value::Json(data),
                MYSQL_TYPE_GEOMETRY => Value::Geometry(data),
                MYSQL_TYPE_VECTOR => Value::Vector(data),
                _ => Value::Blob(data),
            }
        }
        MYSQL_TYPE_NULL => Value::Null,
        other => {
            return Err(DecodeError::unsupported(
                "column type in row image",
                format!("{other}"),
            ));
        }
    })
}

/// Decodes one row image: `present` has one bit per table column; the
/// image starts with a NULL bitmap over the present columns. With
/// `partial_json` (a partial update's after image), the JSON columns it
/// marks hold a diff list instead of a document.
///
/// Pre-GA row events (`pre_ga`) store the record's own NULL bytes instead:
/// bit 0 is reserved, column k's bit is k + 1 (every column is taken as
/// nullable; those table maps do not say).
#[cfg(test)]
pub(crate) fn decode_image<'a>(
    c: &mut Cursor<'a>,
    columns: &[ColumnMeta],
    present: &[u8],
    partial_json: Option<&[u8]>,
    pre_ga: bool,
    out: &mut Vec<ColumnValue<'a>>,
) -> Result<()> {
    let n_present = count_present(columns.len(), present);
    decode_image_counted(c, columns, present, n_present, partial_json, pre_ga, out)
}

/// Columns marked in a bitmap of `n` columns.
pub(crate) fn count_present(n: usize, present: &[u8]) -> usize {
    (0..n).filter(|&i| bit(present, i)).count()
}

/// `decode_image` with the number of present columns known.
pub(crate) fn decode_image_counted<'a>(
    c: &mut Cursor<'a>,
    columns: &[ColumnMeta],
    present: &[u8],
    n_present: usize,
    partial_json: Option<&[u8]>,
    pre_ga: bool,
    out: &mut Vec<ColumnValue<'a>>,
) -> Result<()> {
    out.clear();
    let null_len = if pre_ga {
        (n_present + 1).div_ceil(8)
    } else {
        n_present.div_ceil(8)
    };
    let nulls = c.bytes(null_len, "row NULL bitmap")?;
    let mut k = usize::from(pre_ga);
    let mut json_index = 0usize;
    for (i, col) in columns.iter().enumerate() {
        // The partial-JSON bitmap has a bit for every JSON column of the
        // table, in the image or not.
        let is_json = col.column_type == MYSQL_TYPE_JSON;
        let partial = is_json && partial_json.is_some_and(|p| bit(p, json_index));
        if is_json {
            json_index += 1;
        }
        if !bit(present, i) {
            continue;
        }
        let value = if bit(nulls, k) {
            Value::Null
        } else if partial {
            let prefix = col.length as usize;
            if !(1..=4).contains(&prefix) {
                return Err(DecodeError::invalid(
                    "JSON metadata",
                    format!("length bytes {prefix}"),
                ));
            }
            Value::JsonDiff(length_prefixed(c, prefix, "JSON diff")?)
        } else {
            decode_value(c, col)?
        };
        k += 1;
        out.push(ColumnValue { index: i, value });
    }
    Ok(())
}
