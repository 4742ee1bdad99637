//! Temporal column values in row images.
//!
//! Old formats are little-endian integers: DATE `d | m<<5 | y<<9` in 3
//! bytes, TIME `hhmmss` as a signed 3-byte integer, DATETIME
//! `YYYYMMDDhhmmss` in 8 bytes, TIMESTAMP seconds in 4 bytes.
//! The MySQL 5.6 formats are BIG-ENDIAN, followed by `(fsp+1)/2` bytes of
//! big-endian fraction:
//! - TIMESTAMP2: `seconds:4`.
//! - DATETIME2: 5 bytes, offset by 2^39: `sign:1 year*13+month:17 day:5
//!   hour:5 minute:6 second:6`.
//! - TIME2: 3 bytes offset by 2^23 (`sign:1 unused:1 hour:10 minute:6
//!   second:6`); with fsp 5–6 the 6 bytes are one integer offset by 2^47.
//!   Negative times store the fraction borrowed from the integer part.

use crate::cursor::{be_uint, le_uint};
use crate::error::{DecodeError, Result};

/// Bytes of fraction for a given fsp (0..=6).
pub fn frac_bytes(fsp: u8) -> usize {
    usize::from(fsp).div_ceil(2)
}

/// Checks `fsp` and that `b` holds `int_bytes` plus the fraction.
fn check(b: &[u8], int_bytes: usize, fsp: u8, what: &'static str) -> Result<()> {
    if fsp > 6 {
        return Err(DecodeError::invalid("temporal fsp", format!("{fsp}")));
    }
    let need = int_bytes + frac_bytes(fsp);
    if b.len() < need {
        return Err(DecodeError::Truncated {
            what,
            need,
            have: b.len(),
        });
    }
    Ok(())
}

/// Fraction (microseconds) stored in `bytes` for this fsp, unsigned.
fn frac_micros(bytes: &[u8], fsp: u8) -> u32 {
    let v = be_uint(bytes) as u32;
    match frac_bytes(fsp) {
        1 => v * 10_000,
        2 => v * 100,
        _ => v,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

pub fn decode_date(b: &[u8; 3]) -> Date {
    let v = le_uint(b) as u32;
    Date {
        year: (v >> 9) as u16,
        month: ((v >> 5) & 15) as u8,
        day: (v & 31) as u8,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub micros: u32,
    /// DATETIME2 can in theory be negative; MySQL never writes it.
    pub negative: bool,
}

/// Old DATETIME: 8-byte LE integer YYYYMMDDhhmmss.
pub fn decode_datetime_old(b: &[u8; 8]) -> DateTime {
    let v = le_uint(b);
    let date = v / 1_000_000;
    let time = v % 1_000_000;
    DateTime {
        year: (date / 10_000) as u16,
        month: (date / 100 % 100) as u8,
        day: (date % 100) as u8,
        hour: (time / 10_000) as u8,
        minute: (time / 100 % 100) as u8,
        second: (time % 100) as u8,
        micros: 0,
        negative: false,
    }
}

/// DATETIME2 with `fsp`; `b` holds 5 + frac_bytes(fsp) bytes.
pub fn decode_datetime2(b: &[u8], fsp: u8) -> Result<DateTime> {
    check(b, 5, fsp, "DATETIME2 value")?;
    let v = be_uint(&b[..5]) as i64 - 0x80_0000_0000;
    let negative = v < 0;
    let int = v.unsigned_abs();
    let ymd = int >> 17;
    let ym = ymd >> 5;
    let hms = int % (1 << 17);
    Ok(DateTime {
        year: (ym / 13) as u16,
        month: (ym % 13) as u8,
        day: (ymd % 32) as u8,
        hour: (hms >> 12) as u8,
        minute: ((hms >> 6) % 64) as u8,
        second: (hms % 64) as u8,
        micros: frac_micros(&b[5..5 + frac_bytes(fsp)], fsp),
        negative,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time {
    pub negative: bool,
    pub hours: u32,
    pub minutes: u8,
    pub seconds: u8,
    pub micros: u32,
}

/// Old TIME: signed 3-byte LE integer hhmmss.
pub fn decode_time_old(b: &[u8; 3]) -> Time {
    let raw = le_uint(b) as u32;
    let v = ((raw << 8) as i32) >> 8;
    let a = v.unsigned_abs();
    Time {
        negative: v < 0,
        hours: a / 10_000,
        minutes: (a / 100 % 100) as u8,
        seconds: (a % 100) as u8,
        micros: 0,
    }
}

/// TIME2 with `fsp`; `b` holds 3 + frac_bytes(fsp) bytes.
pub fn decode_time2(b: &[u8], fsp: u8) -> Result<Time> {
    check(b, 3, fsp, "TIME2 value")?;
    // Work in one signed integer of (hms << 24 | micros), like the server's
    // packed representation.
    let packed: i64 = match frac_bytes(fsp) {
        0 => (be_uint(&b[..3]) as i64 - 0x80_0000) << 24,
        1 => {
            let mut int = be_uint(&b[..3]) as i64 - 0x80_0000;
            let mut frac = i64::from(b[3]);
            if int < 0 && frac != 0 {
                int += 1;
                frac -= 0x100;
            }
            (int << 24) + frac * 10_000
        }
        2 => {
            let mut int = be_uint(&b[..3]) as i64 - 0x80_0000;
            let mut frac = i64::from(u16::from_be_bytes([b[3], b[4]]));
            if int < 0 && frac != 0 {
                int += 1;
                frac -= 0x10000;
            }
            (int << 24) + frac * 100
        }
        _ => be_uint(&b[..6]) as i64 - 0x8000_0000_0000,
    };
    let negative = packed < 0;
    let a = packed.unsigned_abs();
    let hms = a >> 24;
    Ok(Time {
        negative,
        hours: ((hms >> 12) % (1 << 10)) as u32,
        minutes: ((hms >> 6) % 64) as u8,
        seconds: (hms % 64) as u8,
        micros: (a % (1 << 24)) as u32,
    })
}

/// TIMESTAMP2: (seconds, microseconds); `b` holds 4 + frac_bytes(fsp) bytes.
pub fn decode_timestamp2(b: &[u8], fsp: u8) -> Result<(u32, u32)> {
    check(b, 4, fsp, "TIMESTAMP2 value")?;
    Ok((
        be_uint(&b[..4]) as u32,
        frac_micros(&b[4..4 + frac_bytes(fsp)], fsp),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time2_negative_with_fraction() {
        // -00:00:00.5 at fsp 1: integer part -1, fraction 0x100 - 50.
        let int = (0x80_0000i64 - 1) as u32;
        let b = [(int >> 16) as u8, (int >> 8) as u8, int as u8, 206];
        let t = decode_time2(&b, 1).unwrap();
        assert!(t.negative);
        assert_eq!(
            (t.hours, t.minutes, t.seconds, t.micros),
            (0, 0, 0, 500_000)
        );
    }

    #[test]
    fn datetime2_known() {
        // 2020-01-02 03:04:05, fsp 0.
        let ym = 2020u64 * 13 + 1;
        let int = (ym << 22 | 2 << 17 | 3 << 12 | 4 << 6 | 5) + 0x80_0000_0000;
        let b = int.to_be_bytes();
        let d = decode_datetime2(&b[3..], 0).unwrap();
        assert_eq!(
            (d.year, d.month, d.day, d.hour, d.minute, d.second),
            (2020, 1, 2, 3, 4, 5)
        );
    }
}
