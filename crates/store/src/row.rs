//! The stored form of a row: the schema version it was written under,
//! then one tagged cell per column in the schema's column order.
//!
//! Cells keep what a value is, not how the binlog packed it: integers as
//! i64/u64 by the column's signedness, DECIMAL as its digits, temporal
//! values by their fields, strings and JSON as bytes (JSON in MySQL's
//! binary form for a MySQL source). The column type in the catalog says
//! how to print them.

use crate::error::{Result, StoreError};
use crate::keys::KeyPart;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    UInt(u64),
    Float(f32),
    Double(f64),
    /// `-123.4500` as MySQL prints it (exactly `scale` fraction digits).
    Decimal(String),
    Bytes(Vec<u8>),
    Date {
        year: u16,
        month: u8,
        day: u8,
    },
    Time {
        negative: bool,
        hours: u32,
        minutes: u8,
        seconds: u8,
        micros: u32,
    },
    DateTime {
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        micros: u32,
    },
    /// Seconds since the epoch, UTC.
    Timestamp {
        seconds: u32,
        micros: u32,
    },
    /// The year (0 for the zero year).
    Year(u16),
    /// 1-based member index (0: the error value '').
    Enum(u16),
    /// Member bitmask.
    Set(u64),
    Bit(u64),
    /// MySQL binary JSON.
    Json(Vec<u8>),
}

const T_NULL: u8 = 0;
const T_INT: u8 = 1;
const T_UINT: u8 = 2;
const T_FLOAT: u8 = 3;
const T_DOUBLE: u8 = 4;
const T_DECIMAL: u8 = 5;
const T_BYTES: u8 = 6;
const T_DATE: u8 = 7;
const T_TIME: u8 = 8;
const T_DATETIME: u8 = 9;
const T_TIMESTAMP: u8 = 10;
const T_YEAR: u8 = 11;
const T_ENUM: u8 = 12;
const T_SET: u8 = 13;
const T_BIT: u8 = 14;
const T_JSON: u8 = 15;

#[inline]
fn put_var(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[inline]
fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_var(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// Encodes a row written under schema `version`.
pub fn encode_row(version: u32, cells: &[Cell]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + cells.len() * 6);
    put_var(&mut out, u64::from(version));
    for c in cells {
        encode_cell(&mut out, c);
    }
    out
}

/// Appends the start of a row written under schema `version`; its cells
/// follow, one [`encode_cell_ref`] each, in column order.
pub fn encode_row_start(out: &mut Vec<u8>, version: u32) {
    put_var(out, u64::from(version));
}

/// Appends one cell of a row begun by [`encode_row_start`] (the bulk
/// path: no owned cell is made).
pub fn encode_cell_ref(out: &mut Vec<u8>, c: &CellRef<'_>) {
    match c {
        CellRef::Fixed(c) => encode_cell(out, c),
        CellRef::Bytes(b) => {
            out.push(T_BYTES);
            put_bytes(out, b);
        }
        CellRef::Decimal(s) => {
            out.push(T_DECIMAL);
            put_bytes(out, s.as_bytes());
        }
        CellRef::Json(b) => {
            out.push(T_JSON);
            put_bytes(out, b);
        }
    }
}

/// Appends a string cell (the bulk path's most common one).
#[inline]
pub fn encode_bytes_cell(out: &mut Vec<u8>, b: &[u8]) {
    out.push(T_BYTES);
    put_bytes(out, b);
}

/// Appends a signed integer cell.
#[inline]
pub fn encode_int_cell(out: &mut Vec<u8>, v: i64) {
    out.push(T_INT);
    put_var(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// Appends an unsigned integer cell.
#[inline]
pub fn encode_uint_cell(out: &mut Vec<u8>, v: u64) {
    out.push(T_UINT);
    put_var(out, v);
}

/// Appends a NULL cell.
#[inline]
pub fn encode_null_cell(out: &mut Vec<u8>) {
    out.push(T_NULL);
}

/// [`encode_key_cell`] of a borrowed cell.
pub fn encode_key_cell_ref(out: &mut Vec<u8>, c: &CellRef<'_>) {
    match c {
        CellRef::Fixed(c) => encode_key_cell(out, c),
        CellRef::Bytes(b) | CellRef::Json(b) => crate::keys::encode_part(out, &KeyPart::Bytes(b)),
        CellRef::Decimal(s) => crate::keys::encode_part(out, &KeyPart::Bytes(&decimal_key(s))),
    }
}

fn encode_cell(out: &mut Vec<u8>, c: &Cell) {
    match c {
        Cell::Null => out.push(T_NULL),
        Cell::Int(v) => {
            out.push(T_INT);
            put_var(out, ((v << 1) ^ (v >> 63)) as u64);
        }
        Cell::UInt(v) => {
            out.push(T_UINT);
            put_var(out, *v);
        }
        Cell::Float(v) => {
            out.push(T_FLOAT);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Cell::Double(v) => {
            out.push(T_DOUBLE);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Cell::Decimal(s) => {
            out.push(T_DECIMAL);
            put_bytes(out, s.as_bytes());
        }
        Cell::Bytes(b) => {
            out.push(T_BYTES);
            put_bytes(out, b);
        }
        Cell::Date { year, month, day } => {
            out.push(T_DATE);
            put_var(out, u64::from(*year));
            out.extend_from_slice(&[*month, *day]);
        }
        Cell::Time {
            negative,
            hours,
            minutes,
            seconds,
            micros,
        } => {
            out.push(T_TIME);
            out.push(u8::from(*negative));
            put_var(out, u64::from(*hours));
            out.extend_from_slice(&[*minutes, *seconds]);
            put_var(out, u64::from(*micros));
        }
        Cell::DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            micros,
        } => {
            out.push(T_DATETIME);
            put_var(out, u64::from(*year));
            out.extend_from_slice(&[*month, *day, *hour, *minute, *second]);
            put_var(out, u64::from(*micros));
        }
        Cell::Timestamp { seconds, micros } => {
            out.push(T_TIMESTAMP);
            put_var(out, u64::from(*seconds));
            put_var(out, u64::from(*micros));
        }
        Cell::Year(y) => {
            out.push(T_YEAR);
            put_var(out, u64::from(*y));
        }
        Cell::Enum(i) => {
            out.push(T_ENUM);
            put_var(out, u64::from(*i));
        }
        Cell::Set(m) => {
            out.push(T_SET);
            put_var(out, *m);
        }
        Cell::Bit(b) => {
            out.push(T_BIT);
            put_var(out, *b);
        }
        Cell::Json(b) => {
            out.push(T_JSON);
            put_bytes(out, b);
        }
    }
}

#[derive(Debug, Clone)]
struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn bad(&self) -> StoreError {
        StoreError::Corrupt(format!(
            "unreadable stored row ({} bytes left)",
            self.b.len()
        ))
    }

    fn u8(&mut self) -> Result<u8> {
        let (&v, rest) = self.b.split_first().ok_or_else(|| self.bad())?;
        self.b = rest;
        Ok(v)
    }

    fn var(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.bad())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.b.len() < n {
            return Err(self.bad());
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Ok(h)
    }

    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = usize::try_from(self.var()?).map_err(|_| self.bad())?;
        self.take(n)
    }

    fn small<T: TryFrom<u64>>(&mut self) -> Result<T> {
        let v = self.var()?;
        T::try_from(v).map_err(|_| self.bad())
    }
}

/// A decoded cell whose bytes (strings, DECIMAL digits, JSON) stay in the
/// stored row: what a scan reads without copying.
#[derive(Debug, Clone, PartialEq)]
pub enum CellRef<'a> {
    /// A cell without bytes of its own (never `Bytes`, `Decimal`, `Json`).
    Fixed(Cell),
    Bytes(&'a [u8]),
    Decimal(&'a str),
    Json(&'a [u8]),
}

impl CellRef<'_> {
    pub fn to_cell(&self) -> Cell {
        match self {
            CellRef::Fixed(c) => c.clone(),
            CellRef::Bytes(b) => Cell::Bytes(b.to_vec()),
            CellRef::Decimal(s) => Cell::Decimal((*s).to_owned()),
            CellRef::Json(b) => Cell::Json(b.to_vec()),
        }
    }
}

/// The cells of a stored row, in column order.
#[derive(Debug, Clone)]
pub struct RowCells<'a> {
    r: Reader<'a>,
}

impl<'a> RowCells<'a> {
    fn cell(&mut self) -> Result<CellRef<'a>> {
        let r = &mut self.r;
        let tag = r.u8()?;
        Ok(CellRef::Fixed(match tag {
            T_NULL => Cell::Null,
            T_INT => {
                let z = r.var()?;
                Cell::Int(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
            T_UINT => Cell::UInt(r.var()?),
            T_FLOAT => Cell::Float(f32::from_le_bytes(
                r.take(4)?.try_into().map_err(|_| r.bad())?,
            )),
            T_DOUBLE => Cell::Double(f64::from_le_bytes(
                r.take(8)?.try_into().map_err(|_| r.bad())?,
            )),
            T_DECIMAL => {
                let b = r.bytes()?;
                return std::str::from_utf8(b)
                    .map(CellRef::Decimal)
                    .map_err(|_| r.bad());
            }
            T_BYTES => return Ok(CellRef::Bytes(r.bytes()?)),
            T_DATE => Cell::Date {
                year: r.small()?,
                month: r.u8()?,
                day: r.u8()?,
            },
            T_TIME => Cell::Time {
                negative: r.u8()? != 0,
                hours: r.small()?,
                minutes: r.u8()?,
                seconds: r.u8()?,
                micros: r.small()?,
            },
            T_DATETIME => Cell::DateTime {
                year: r.small()?,
                month: r.u8()?,
                day: r.u8()?,
                hour: r.u8()?,
                minute: r.u8()?,
                second: r.u8()?,
                micros: r.small()?,
            },
            T_TIMESTAMP => Cell::Timestamp {
                seconds: r.small()?,
                micros: r.small()?,
            },
            T_YEAR => Cell::Year(r.small()?),
            T_ENUM => Cell::Enum(r.small()?),
            T_SET => Cell::Set(r.var()?),
            T_BIT => Cell::Bit(r.var()?),
            T_JSON => return Ok(CellRef::Json(r.bytes()?)),
            _ => return Err(r.bad()),
        }))
    }
}

impl<'a> Iterator for RowCells<'a> {
    type Item = Result<CellRef<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.r.b.is_empty() {
            return None;
        }
        let c = self.cell();
        if c.is_err() {
            // Nothing after a cell that cannot be read.
            self.r.b = &[];
        }
        Some(c)
    }
}

/// A stored row's schema version, and its cells as they are read.
pub fn row_cells(b: &[u8]) -> Result<(u32, RowCells<'_>)> {
    let mut r = Reader { b };
    let version = r.small::<u32>()?;
    Ok((version, RowCells { r }))
}

/// Decodes a stored row: its schema version and cells.
pub fn decode_row(b: &[u8]) -> Result<(u32, Vec<Cell>)> {
    let (version, cells) = row_cells(b)?;
    let cells = cells
        .map(|c| c.map(|c| c.to_cell()))
        .collect::<Result<Vec<_>>>()?;
    Ok((version, cells))
}

/// Appends a cell as a primary key part, in an order that matches
/// MySQL's for numbers and temporal values (strings compare as bytes).
pub fn encode_key_cell(out: &mut Vec<u8>, c: &Cell) {
    if let Cell::Decimal(s) = c {
        crate::keys::encode_part(out, &KeyPart::Bytes(&decimal_key(s)));
    } else {
        crate::keys::encode_part(out, &key_part(c));
    }
}

/// DECIMAL digits in an order-preserving form: a sign class, the integer
/// digits' count, the digits (complemented for negatives, which end with
/// 0xFF so that a longer fraction sorts first). Equal values give equal
/// bytes whatever their trailing zeros.
fn decimal_key(s: &str) -> Vec<u8> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    if int.is_empty() && frac.is_empty() {
        return vec![1];
    }
    let mut out = Vec::with_capacity(2 + int.len() + frac.len() + 1);
    if neg {
        out.push(0);
        out.push(255 - int.len().min(255) as u8);
        out.extend(int.bytes().chain(frac.bytes()).map(|d| b'9' - d + b'0'));
        out.push(0xff);
    } else {
        out.push(2);
        out.push(int.len().min(255) as u8);
        out.extend(int.bytes().chain(frac.bytes()));
    }
    out
}

fn key_part(c: &Cell) -> KeyPart<'_> {
    match c {
        Cell::Null => KeyPart::Bytes(b""),
        Cell::Int(v) => KeyPart::Int(*v),
        Cell::UInt(v) | Cell::Set(v) | Cell::Bit(v) => KeyPart::UInt(*v),
        Cell::Float(v) => KeyPart::Double(f64::from(*v)),
        Cell::Double(v) => KeyPart::Double(*v),
        Cell::Decimal(_) => KeyPart::Bytes(b""),
        Cell::Bytes(b) | Cell::Json(b) => KeyPart::Bytes(b),
        Cell::Date { year, month, day } => {
            KeyPart::UInt((u64::from(*year) << 9) | (u64::from(*month) << 5) | u64::from(*day))
        }
        Cell::Time {
            negative,
            hours,
            minutes,
            seconds,
            micros,
        } => {
            let v = ((i64::from(*hours) * 3600 + i64::from(*minutes) * 60 + i64::from(*seconds))
                * 1_000_000)
                + i64::from(*micros);
            KeyPart::Int(if *negative { -v } else { v })
        }
        Cell::DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            micros,
        } => KeyPart::UInt(
            ((((((u64::from(*year) * 13 + u64::from(*month)) * 32 + u64::from(*day)) * 24
                + u64::from(*hour))
                * 60
                + u64::from(*minute))
                * 60
                + u64::from(*second))
                << 20)
                | u64::from(*micros),
        ),
        Cell::Timestamp { seconds, micros } => {
            KeyPart::UInt((u64::from(*seconds) << 20) | u64::from(*micros))
        }
        Cell::Year(y) => KeyPart::UInt(u64::from(*y)),
        Cell::Enum(i) => KeyPart::UInt(u64::from(*i)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bulk_encoders_write_what_encode_row_writes() {
        let cells = vec![
            Cell::Null,
            Cell::Int(-5),
            Cell::UInt(u64::MAX),
            Cell::Bytes(b"abc".to_vec()),
            Cell::Decimal("-1.50".into()),
            Cell::Json(vec![0, 1]),
            Cell::Year(2024),
        ];
        let mut out = Vec::new();
        encode_row_start(&mut out, 9);
        encode_null_cell(&mut out);
        encode_int_cell(&mut out, -5);
        encode_uint_cell(&mut out, u64::MAX);
        encode_bytes_cell(&mut out, b"abc");
        encode_cell_ref(&mut out, &CellRef::Decimal("-1.50"));
        encode_cell_ref(&mut out, &CellRef::Json(&[0, 1]));
        encode_cell_ref(&mut out, &CellRef::Fixed(Cell::Year(2024)));
        assert_eq!(out, encode_row(9, &cells));
        for c in &cells[1..5] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            encode_key_cell(&mut a, c);
            let r = match c {
                Cell::Bytes(x) => CellRef::Bytes(x),
                Cell::Decimal(x) => CellRef::Decimal(x),
                other => CellRef::Fixed(other.clone()),
            };
            encode_key_cell_ref(&mut b, &r);
            assert_eq!(a, b, "{c:?}");
        }
    }

    #[test]
    fn rows_round_trip() {
        let cells = vec![
            Cell::Null,
            Cell::Int(-5),
            Cell::Int(i64::MIN),
            Cell::UInt(u64::MAX),
            Cell::Float(1.5),
            Cell::Double(-0.1),
            Cell::Decimal("-12.340".into()),
            Cell::Bytes(vec![0, 1, 255]),
            Cell::Date {
                year: 2026,
                month: 11,
                day: 21,
            },
            Cell::Time {
                negative: true,
                hours: 838,
                minutes: 59,
                seconds: 59,
                micros: 999_999,
            },
            Cell::DateTime {
                year: 9999,
                month: 12,
                day: 31,
                hour: 23,
                minute: 59,
                second: 59,
                micros: 1,
            },
            Cell::Timestamp {
                seconds: u32::MAX,
                micros: 7,
            },
            Cell::Year(1901),
            Cell::Enum(3),
            Cell::Set(0b101),
            Cell::Bit(u64::MAX),
            Cell::Json(vec![0x0c, 1, b'x']),
        ];
        let b = encode_row(7, &cells);
        assert_eq!(decode_row(&b).unwrap(), (7, cells));
        for cut in 1..b.len() {
            // Every prefix either fails or decodes fewer cells: never a panic.
            let _ = decode_row(&b[..cut]);
        }
        assert!(decode_row(&[0, 99]).is_err());
    }

    #[test]
    fn decimal_keys_order_like_numbers() {
        let vals = [
            "-100.5", "-99.99", "-1.50", "-1.05", "-1", "-0.5", "0.00", "0.001", "0.5", "1",
            "1.05", "1.5", "99.99", "100.5",
        ];
        let keys: Vec<Vec<u8>> = vals
            .iter()
            .map(|v| {
                let mut k = Vec::new();
                encode_key_cell(&mut k, &Cell::Decimal((*v).into()));
                k
            })
            .collect();
        for w in keys.windows(2) {
            assert!(w[0] < w[1], "{w:?}");
        }
        let mut a = Vec::new();
        encode_key_cell(&mut a, &Cell::Decimal("1.50".into()));
        let mut b = Vec::new();
        encode_key_cell(&mut b, &Cell::Decimal("001.5".into()));
        assert_eq!(a, b);
    }
}
