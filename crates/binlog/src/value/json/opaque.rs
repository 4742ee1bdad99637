//! Opaque JSON scalars (type 0x0f: a MySQL field type and its bytes) and
//! their text: DECIMAL, DATE, TIME, DATETIME and TIMESTAMP print as values,
//! everything else as `base64:typeN:<MIME base64>`.
//!
//! Payloads (observed on MySQL 9.7.4; field type codes from
//! `enum_field_types`):
//!
//! ```text
//! DECIMAL (246)               precision scale decimal2bin-bytes
//! DATE (10), TIME (11),       packed temporal integer, int64 little-endian
//! DATETIME (12), TIMESTAMP (7)
//! ```
//!
//! The DECIMAL bytes are `decimal2bin` for DECIMAL(precision, scale) (see
//! `value::decimal`), but the precision MySQL writes is the value's integer
//! digits rounded up to whole 9-digit words plus the scale — DECIMAL(65,0)
//! comes out as precision 72 — which the column decoder's 65-digit check
//! rejects; so this module reads the digit groups itself.

use std::fmt::Write as _;

use super::binary::{
    MYSQL_TYPE_DATE, MYSQL_TYPE_DATETIME, MYSQL_TYPE_DECIMAL_NEW, MYSQL_TYPE_TIME,
    MYSQL_TYPE_TIMESTAMP,
};
use crate::cursor::be_uint;
use crate::error::{DecodeError, Result};
use crate::value::decimal::{MAX_SCALE, decimal_bin_size};

const DIG_PER_WORD: usize = 9;
const DIG2BYTES: [usize; 10] = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

/// Checks the payloads that have a text form, so that rendering a parsed
/// value cannot fail.
pub(crate) fn check_opaque(field_type: u8, payload: &[u8]) -> Result<()> {
    match field_type {
        MYSQL_TYPE_DECIMAL_NEW => decimal_text(payload).map(|_| ()),
        MYSQL_TYPE_DATE | MYSQL_TYPE_TIME | MYSQL_TYPE_DATETIME | MYSQL_TYPE_TIMESTAMP
            if payload.len() != 8 =>
        {
            Err(DecodeError::invalid(
                "JSON temporal",
                format!("{} bytes, expected 8", payload.len()),
            ))
        }
        _ => Ok(()),
    }
}

/// The decimal as MySQL prints it: `-12.50`, `0.000`.
fn decimal_text(payload: &[u8]) -> Result<String> {
    let [precision, scale, bytes @ ..] = payload else {
        return Err(DecodeError::Truncated {
            what: "JSON DECIMAL",
            need: 2,
            have: payload.len(),
        });
    };
    if *scale > MAX_SCALE || scale > precision {
        return Err(DecodeError::invalid(
            "JSON DECIMAL",
            format!("precision {precision}, scale {scale}"),
        ));
    }
    let size = decimal_bin_size(*precision, *scale);
    if bytes.len() != size || size == 0 {
        return Err(DecodeError::invalid(
            "JSON DECIMAL",
            format!("{} bytes, expected {size}", bytes.len()),
        ));
    }
    let mut b = bytes.to_vec();
    let negative = b[0] & 0x80 == 0;
    b[0] ^= 0x80;
    if negative {
        b.iter_mut().for_each(|x| *x = !*x);
    }
    let (intg, frac) = (usize::from(precision - scale), usize::from(*scale));
    let mut int_groups = vec![intg % DIG_PER_WORD];
    int_groups.extend(std::iter::repeat_n(DIG_PER_WORD, intg / DIG_PER_WORD));
    let mut frac_groups = vec![DIG_PER_WORD; frac / DIG_PER_WORD];
    frac_groups.push(frac % DIG_PER_WORD);
    let mut pos = 0;
    let mut read = |groups: &[usize], out: &mut String| -> Result<()> {
        for &digits in groups.iter().filter(|&&d| d > 0) {
            let v = be_uint(&b[pos..pos + DIG2BYTES[digits]]);
            if v >= 10u64.pow(digits as u32) {
                return Err(DecodeError::invalid(
                    "JSON DECIMAL",
                    format!("digit group {v} exceeds {digits} digits"),
                ));
            }
            let _ = write!(out, "{v:0digits$}");
            pos += DIG2BYTES[digits];
        }
        Ok(())
    };
    let (mut int_digits, mut frac_digits) = (String::new(), String::new());
    read(&int_groups, &mut int_digits)?;
    read(&frac_groups, &mut frac_digits)?;
    let int_digits = int_digits.trim_start_matches('0');
    let mut out = String::with_capacity(int_digits.len() + frac_digits.len() + 3);
    if negative {
        out.push('-');
    }
    out.push_str(if int_digits.is_empty() {
        "0"
    } else {
        int_digits
    });
    if !frac_digits.is_empty() {
        out.push('.');
        out.push_str(&frac_digits);
    }
    Ok(out)
}

pub(crate) enum OpaqueText {
    /// Printed bare (DECIMAL).
    Number(String),
    /// Printed as a JSON string.
    Text(String),
}

pub(crate) fn opaque_text(field_type: u8, data: &[u8]) -> OpaqueText {
    let packed = <[u8; 8]>::try_from(data).ok().map(i64::from_le_bytes);
    match (field_type, packed) {
        (MYSQL_TYPE_DECIMAL_NEW, _) => {
            if let Ok(text) = decimal_text(data) {
                return OpaqueText::Number(text);
            }
        }
        (MYSQL_TYPE_DATE, Some(p)) => return OpaqueText::Text(date_text(p)),
        (MYSQL_TYPE_DATETIME | MYSQL_TYPE_TIMESTAMP, Some(p)) => {
            let mut t = date_text(p);
            t.push(' ');
            t.push_str(&time_text(p.unsigned_abs() & !(!0u64 << 41)));
            return OpaqueText::Text(t);
        }
        (MYSQL_TYPE_TIME, Some(p)) => {
            let sign = if p < 0 { "-" } else { "" };
            return OpaqueText::Text(format!("{sign}{}", time_text(p.unsigned_abs())));
        }
        _ => {}
    }
    // Anything else, and a hand-built value whose payload is malformed.
    OpaqueText::Text(format!("base64:type{field_type}:{}", base64_mime(data)))
}

/// MySQL's packed temporal integer ("packed longlong", `my_time.h`): the
/// absolute value is `(YMD << 17 | HMS) << 24 | microseconds` with
/// YMD = `(year * 13 + month) << 5 | day` and HMS =
/// `hour << 12 | minute << 6 | second`; TIME has no YMD (its hours may pass
/// 23) and is negated when negative.
fn date_text(packed: i64) -> String {
    let ymd = packed.unsigned_abs() >> 41;
    let ym = ymd >> 5;
    format!("{:04}-{:02}-{:02}", ym / 13, ym % 13, ymd & 31)
}

/// `HH:MM:SS.ffffff` from `HMS << 24 | microseconds`.
fn time_text(v: u64) -> String {
    let hms = v >> 24;
    let (hour, minute, second, micros) = (hms >> 12, (hms >> 6) & 63, hms & 63, v & 0xff_ffff);
    format!("{hour:02}:{minute:02}:{second:02}.{micros:06}")
}

/// RFC 2045 base64 as MySQL's `base64_encode` writes it: a `\n` after every
/// 76 output characters, none at the end.
fn base64_mime(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4 + data.len() / 57);
    for (i, chunk) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push('\n');
        }
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
