//! Writers for row-image values: the inverse of `row::decode_value` and
//! `row::decode_image`, byte for byte (same big-endian rules as the
//! readers; see `temporal.rs`). Used by tests and by writers of events.
//! A value that does not fit its column (a length past its prefix, an
//! fsp over 6, an integer wider than 8 bytes) is an error, not a panic.

use crate::error::{DecodeError, Result};
use crate::value::column_type::*;
use crate::value::temporal::{Date, DateTime, Time, frac_bytes};
use crate::value::{ColumnMeta, ColumnValue, Value};

fn frac_to_bytes(micros: u32, fsp: u8) -> Vec<u8> {
    let n = frac_bytes(fsp);
    let v = match n {
        1 => micros / 10_000,
        2 => micros / 100,
        _ => micros,
    };
    v.to_be_bytes()[4 - n..].to_vec()
}

pub(crate) fn encode_date(d: &Date) -> [u8; 3] {
    let v = u32::from(d.day) | u32::from(d.month) << 5 | u32::from(d.year) << 9;
    let b = v.to_le_bytes();
    [b[0], b[1], b[2]]
}

pub(crate) fn encode_datetime2(d: &DateTime, fsp: u8) -> Result<Vec<u8>> {
    let ym = u64::from(d.year) * 13 + u64::from(d.month);
    let int = ym << 22
        | u64::from(d.day) << 17
        | u64::from(d.hour) << 12
        | u64::from(d.minute) << 6
        | u64::from(d.second);
    // Five bytes offset by 2^39: the value must stay within them.
    let v = if d.negative {
        0x80_0000_0000u64.checked_sub(int)
    } else {
        Some(0x80_0000_0000 + int).filter(|&v| v < 1 << 40)
    }
    .ok_or_else(|| DecodeError::invalid("value to encode", format!("{d:?} as DATETIME2")))?;
    let mut out = v.to_be_bytes()[3..].to_vec();
    out.extend(frac_to_bytes(d.micros, fsp));
    Ok(out)
}

pub(crate) fn encode_datetime_old(d: &DateTime) -> [u8; 8] {
    let v = ((u64::from(d.year) * 100 + u64::from(d.month)) * 100 + u64::from(d.day)) * 1_000_000
        + u64::from(d.hour) * 10_000
        + u64::from(d.minute) * 100
        + u64::from(d.second);
    v.to_le_bytes()
}

pub(crate) fn encode_time_old(t: &Time) -> Result<[u8; 3]> {
    let a = i64::from(t.hours) * 10_000 + i64::from(t.minutes) * 100 + i64::from(t.seconds);
    // A signed 3-byte integer.
    if a >= 1 << 23 {
        return Err(DecodeError::invalid(
            "value to encode",
            format!("{t:?} as TIME"),
        ));
    }
    let v = if t.negative { -a } else { a };
    let b = v.to_le_bytes();
    Ok([b[0], b[1], b[2]])
}

/// TIME2: the server's packed value `hms << 24 | micros`, signed, written
/// as 3 + frac bytes (a negative value borrows for its fraction).
pub(crate) fn encode_time2(t: &Time, fsp: u8) -> Vec<u8> {
    let hms = i64::from(t.hours) << 12 | i64::from(t.minutes) << 6 | i64::from(t.seconds);
    let packed = (hms << 24) + i64::from(t.micros);
    let packed = if t.negative { -packed } else { packed };
    match frac_bytes(fsp) {
        0 => ((packed >> 24) + 0x80_0000).to_be_bytes()[5..].to_vec(),
        3 => (packed + 0x8000_0000_0000).to_be_bytes()[2..].to_vec(),
        n => {
            let unit = if n == 1 { 10_000 } else { 100 };
            let mut int = packed / (1 << 24);
            let mut frac = (packed % (1 << 24)) / unit;
            if frac < 0 {
                int -= 1;
                frac += if n == 1 { 0x100 } else { 0x10000 };
            }
            let mut out = (int + 0x80_0000).to_be_bytes()[5..].to_vec();
            out.extend_from_slice(&frac.to_be_bytes()[8 - n..]);
            out
        }
    }
}

pub(crate) fn encode_timestamp2(seconds: u32, micros: u32, fsp: u8) -> Vec<u8> {
    let mut out = seconds.to_be_bytes().to_vec();
    out.extend(frac_to_bytes(micros, fsp));
    out
}

/// `data` after its length in `prefix` (1 to 8) little-endian bytes.
fn prefixed(out: &mut Vec<u8>, prefix: usize, data: &[u8]) -> Result<()> {
    let fits =
        (1..=8).contains(&prefix) && (prefix == 8 || (data.len() as u64) < 1u64 << (8 * prefix));
    if !fits {
        return Err(DecodeError::invalid(
            "value to encode",
            format!("{} bytes with a {prefix}-byte length", data.len()),
        ));
    }
    out.extend_from_slice(&(data.len() as u64).to_le_bytes()[..prefix]);
    out.extend_from_slice(data);
    Ok(())
}

/// The first `n` little-endian bytes of `v`, if `n` is 1 to 8.
fn le_prefix(v: u64, n: usize) -> Result<[u8; 8]> {
    if (1..=8).contains(&n) {
        Ok(v.to_le_bytes())
    } else {
        Err(DecodeError::invalid(
            "value to encode",
            format!("{n}-byte integer"),
        ))
    }
}

/// Appends one non-NULL value in column `col`'s stored format.
pub fn encode_value(out: &mut Vec<u8>, col: &ColumnMeta, v: &Value<'_>) -> Result<()> {
    let mismatch = || {
        DecodeError::invalid(
            "value to encode",
            format!("{v:?} for column type {}", col.column_type),
        )
    };
    let fsp_ok = |fsp: u8| {
        if fsp <= 6 {
            Ok(fsp)
        } else {
            Err(DecodeError::invalid(
                "value to encode",
                format!("fsp {fsp}"),
            ))
        }
    };
    match (col.column_type, v) {
        (_, Value::Int { value, bytes }) => {
            let n = usize::from(*bytes);
            out.extend_from_slice(&le_prefix(*value as u64, n)?[..n])
        }
        (MYSQL_TYPE_FLOAT, Value::Float(f)) => out.extend_from_slice(&f.to_le_bytes()),
        (MYSQL_TYPE_DOUBLE, Value::Double(d)) => out.extend_from_slice(&d.to_le_bytes()),
        (MYSQL_TYPE_NEWDECIMAL, Value::Decimal { bytes, .. }) => out.extend_from_slice(bytes),
        (MYSQL_TYPE_YEAR, Value::Year(y)) => out.push(*y),
        (MYSQL_TYPE_DATE | MYSQL_TYPE_NEWDATE, Value::Date(d)) => {
            out.extend_from_slice(&encode_date(d))
        }
        (MYSQL_TYPE_TIME, Value::Time { time, .. }) => {
            out.extend_from_slice(&encode_time_old(time)?)
        }
        // TIME2 keeps 10 bits of hours.
        (MYSQL_TYPE_TIME2, Value::Time { time, fsp }) if time.hours < 1024 => {
            out.extend(encode_time2(time, fsp_ok(*fsp)?))
        }
        (MYSQL_TYPE_DATETIME, Value::DateTime { datetime, .. }) => {
            out.extend_from_slice(&encode_datetime_old(datetime))
        }
        (MYSQL_TYPE_DATETIME2, Value::DateTime { datetime, fsp }) => {
            out.extend(encode_datetime2(datetime, fsp_ok(*fsp)?)?)
        }
        (MYSQL_TYPE_TIMESTAMP, Value::Timestamp { seconds, .. }) => {
            out.extend_from_slice(&seconds.to_le_bytes())
        }
        (
            MYSQL_TYPE_TIMESTAMP2,
            Value::Timestamp {
                seconds,
                micros,
                fsp,
            },
        ) => out.extend(encode_timestamp2(*seconds, *micros, fsp_ok(*fsp)?)),
        (
            MYSQL_TYPE_VARCHAR | MYSQL_TYPE_VAR_STRING | MYSQL_TYPE_VARCHAR_COMPRESSED,
            Value::String(s),
        )
        | (MYSQL_TYPE_STRING, Value::String(s)) => {
            prefixed(out, if col.length > 255 { 2 } else { 1 }, s)?
        }
        (MYSQL_TYPE_STRING, Value::Enum(e)) if col.length <= 2 => {
            let n = col.length as usize;
            out.extend_from_slice(&le_prefix(u64::from(*e), n)?[..n])
        }
        (MYSQL_TYPE_STRING, Value::Set(s)) => {
            let n = col.length as usize;
            out.extend_from_slice(&le_prefix(*s, n)?[..n])
        }
        (MYSQL_TYPE_BIT, Value::Bit(b)) => out.extend_from_slice(b),
        (
            _,
            Value::Blob(b)
            | Value::Json(b)
            | Value::JsonDiff(b)
            | Value::Geometry(b)
            | Value::Vector(b),
        ) => prefixed(out, col.length as usize, b)?,
        _ => return Err(mismatch()),
    }
    Ok(())
}

/// Writes a row image: the NULL bitmap over the present columns, then the
/// present non-NULL values (`values` in column order, one per present
/// column).
pub fn encode_image(
    out: &mut Vec<u8>,
    columns: &[ColumnMeta],
    values: &[ColumnValue<'_>],
) -> Result<()> {
    let mut nulls = vec![0u8; values.len().div_ceil(8)];
    for (k, cv) in values.iter().enumerate() {
        if cv.value.is_null() {
            nulls[k / 8] |= 1 << (k % 8);
        }
    }
    out.extend_from_slice(&nulls);
    for cv in values {
        if !cv.value.is_null() {
            let col = columns
                .get(cv.index)
                .ok_or_else(|| DecodeError::invalid("column index", cv.index.to_string()))?;
            encode_value(out, col, &cv.value)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::temporal::Time;

    fn col(column_type: u8, length: u32) -> ColumnMeta {
        ColumnMeta {
            column_type,
            real_type: column_type,
            meta: 0,
            length,
            scale: 0,
        }
    }

    /// Values that do not fit their column are errors, not panics.
    #[test]
    fn values_that_do_not_fit_are_errors() {
        let mut out = Vec::new();
        let time = |hours| Time {
            negative: false,
            hours,
            minutes: 0,
            seconds: 0,
            micros: 0,
        };
        let cases: Vec<(ColumnMeta, Value<'_>)> = vec![
            (col(MYSQL_TYPE_LONG, 0), Value::Int { value: 1, bytes: 9 }),
            (col(MYSQL_TYPE_STRING, 3), Value::Enum(1)),
            (col(MYSQL_TYPE_STRING, 9), Value::Set(1)),
            (col(MYSQL_TYPE_BLOB, 9), Value::Blob(b"x")),
            (col(MYSQL_TYPE_BLOB, 1), Value::Blob(&[0; 300])),
            (col(MYSQL_TYPE_VARCHAR, 10), Value::String(&[0; 300])),
            (
                col(MYSQL_TYPE_TIME2, 0),
                Value::Time {
                    time: time(1),
                    fsp: 9,
                },
            ),
            (
                col(MYSQL_TYPE_TIME2, 0),
                Value::Time {
                    time: time(5000),
                    fsp: 0,
                },
            ),
            (
                col(MYSQL_TYPE_TIME, 0),
                Value::Time {
                    time: time(100_000),
                    fsp: 0,
                },
            ),
            (
                col(MYSQL_TYPE_TIMESTAMP2, 0),
                Value::Timestamp {
                    seconds: 1,
                    micros: 0,
                    fsp: 7,
                },
            ),
        ];
        for (c, v) in cases {
            assert!(
                encode_value(&mut out, &c, &v).is_err(),
                "{v:?} in {}",
                c.column_type
            );
        }
    }
}
