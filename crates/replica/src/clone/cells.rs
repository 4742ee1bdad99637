//! A source row, read as text, into the store's cells. Each column is
//! selected in a form whose text says the value exactly: ENUM, SET and
//! BIT as their numbers (`c+0`), FLOAT widened to DOUBLE (its own text
//! keeps 6 digits), TIMESTAMP as seconds since the epoch, MariaDB's INET
//! types as their bytes; the session reads strings as stored (`SET NAMES
//! binary`).

use understudy_binlog::value::json::encode_json;
use understudy_sql::dml::json::parse_text;
use understudy_sql::{Column, ColumnType};
use understudy_store::Cell;

/// How one column's text becomes a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conv {
    Int,
    UInt,
    Float,
    Double,
    Decimal,
    Bytes,
    Year,
    Date,
    Time,
    DateTime,
    Timestamp,
    Enum,
    Set,
    Bit,
    /// MySQL's JSON: text into the binary form.
    Json,
}

/// A table's columns as the copy reads them.
#[derive(Debug, Clone)]
pub struct RowReader {
    convs: Vec<Conv>,
    /// The SELECT list.
    pub select: String,
}

pub fn quote(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

impl RowReader {
    /// The reader of a table's columns (`mariadb`: the source is MariaDB,
    /// whose JSON is text); a type it cannot copy exactly is an error.
    pub fn new(columns: &[Column], mariadb: bool) -> Result<RowReader, String> {
        let mut convs = Vec::with_capacity(columns.len());
        let mut select = Vec::with_capacity(columns.len());
        for c in columns {
            let q = quote(&c.name);
            let (conv, expr) = match &c.ty {
                ColumnType::Int {
                    unsigned: false, ..
                } => (Conv::Int, q),
                ColumnType::Int { unsigned: true, .. } => (Conv::UInt, q),
                ColumnType::Decimal { .. } => (Conv::Decimal, q),
                ColumnType::Float => (Conv::Float, format!("CAST({q} AS DOUBLE)")),
                ColumnType::Double => (Conv::Double, q),
                ColumnType::Bit(_) => (Conv::Bit, format!("{q}+0")),
                ColumnType::Year => (Conv::Year, format!("{q}+0")),
                ColumnType::Date => (Conv::Date, q),
                ColumnType::Time(_) => (Conv::Time, q),
                ColumnType::DateTime(_) => (Conv::DateTime, q),
                ColumnType::Timestamp(_) => (Conv::Timestamp, format!("UNIX_TIMESTAMP({q})")),
                ColumnType::Enum(_) => (Conv::Enum, format!("{q}+0")),
                ColumnType::Set(_) => (Conv::Set, format!("{q}+0")),
                ColumnType::Json if !mariadb => (Conv::Json, q),
                ColumnType::Inet4 | ColumnType::Inet6 => {
                    (Conv::Bytes, format!("CAST({q} AS BINARY)"))
                }
                ColumnType::Uuid => {
                    return Err(format!(
                        "column {} is a UUID, which clone does not copy yet",
                        c.name
                    ));
                }
                ColumnType::Char { .. }
                | ColumnType::VarChar { .. }
                | ColumnType::Binary(_)
                | ColumnType::VarBinary(_)
                | ColumnType::Text { .. }
                | ColumnType::Blob { .. }
                | ColumnType::Json
                | ColumnType::Geometry
                | ColumnType::Vector(_) => (Conv::Bytes, q),
            };
            convs.push(conv);
            select.push(expr);
        }
        Ok(RowReader {
            convs,
            select: select.join(", "),
        })
    }

    /// One row's fields as cells, into `out` (cleared first).
    pub fn cells(&self, fields: &[Option<&[u8]>], out: &mut Vec<Cell>) -> Result<(), String> {
        out.clear();
        if fields.len() != self.convs.len() {
            return Err(format!(
                "a row of {} fields for {} columns",
                fields.len(),
                self.convs.len()
            ));
        }
        for (i, (f, conv)) in fields.iter().zip(&self.convs).enumerate() {
            let cell = match f {
                None => Cell::Null,
                Some(b) => cell(*conv, b).ok_or_else(|| {
                    format!(
                        "column {}: cannot read '{}'",
                        i + 1,
                        String::from_utf8_lossy(&b[..b.len().min(64)])
                    )
                })?,
            };
            out.push(cell);
        }
        Ok(())
    }
}

fn text(b: &[u8]) -> Option<&str> {
    std::str::from_utf8(b).ok()
}

fn num<T: std::str::FromStr>(b: &[u8]) -> Option<T> {
    text(b)?.parse().ok()
}

fn cell(conv: Conv, b: &[u8]) -> Option<Cell> {
    Some(match conv {
        Conv::Int => Cell::Int(num(b)?),
        Conv::UInt => Cell::UInt(num(b)?),
        Conv::Float => Cell::Float(num::<f64>(b)? as f32),
        Conv::Double => Cell::Double(num(b)?),
        Conv::Decimal => Cell::Decimal(text(b)?.to_owned()),
        Conv::Bytes => Cell::Bytes(b.to_vec()),
        Conv::Year => Cell::Year(num(b)?),
        Conv::Enum => Cell::Enum(num(b)?),
        Conv::Set => Cell::Set(num(b)?),
        Conv::Bit => Cell::Bit(num(b)?),
        Conv::Date => {
            let (y, m, d) = date(text(b)?)?;
            Cell::Date {
                year: y,
                month: m,
                day: d,
            }
        }
        Conv::DateTime => {
            let t = text(b)?;
            let (day, time) = t.split_once(' ')?;
            let (year, month, day) = date(day)?;
            let (neg, hour, minute, second, micros) = clock(time)?;
            if neg || hour > 23 {
                return None;
            }
            Cell::DateTime {
                year,
                month,
                day,
                hour: hour as u8,
                minute,
                second,
                micros,
            }
        }
        Conv::Time => {
            let (negative, hours, minutes, seconds, micros) = clock(text(b)?)?;
            Cell::Time {
                negative,
                hours,
                minutes,
                seconds,
                micros,
            }
        }
        Conv::Timestamp => {
            let t = text(b)?;
            let (s, f) = t.split_once('.').unwrap_or((t, ""));
            Cell::Timestamp {
                seconds: s.parse().ok()?,
                micros: micros(f)?,
            }
        }
        Conv::Json => {
            let doc = parse_text(b).ok()?;
            Cell::Json(encode_json(&doc.as_value()).ok()?)
        }
    })
}

/// `YYYY-MM-DD`.
fn date(s: &str) -> Option<(u16, u8, u8)> {
    let mut p = s.splitn(3, '-');
    Some((
        p.next()?.parse().ok()?,
        p.next()?.parse().ok()?,
        p.next()?.parse().ok()?,
    ))
}

/// `[-]HH:MM:SS[.ffffff]` (hours may pass 24 in a TIME).
fn clock(s: &str) -> Option<(bool, u32, u8, u8, u32)> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (hms, f) = s.split_once('.').unwrap_or((s, ""));
    let mut p = hms.splitn(3, ':');
    Some((
        neg,
        p.next()?.parse().ok()?,
        p.next()?.parse().ok()?,
        p.next()?.parse().ok()?,
        micros(f)?,
    ))
}

/// Fraction digits as microseconds (`""`: 0).
fn micros(f: &str) -> Option<u32> {
    if f.len() > 6 || !f.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if f.is_empty() {
        return Some(0);
    }
    Some(f.parse::<u32>().ok()? * 10u32.pow(6 - f.len() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporal_text() {
        assert_eq!(
            cell(Conv::DateTime, b"2024-02-29 23:59:58.5"),
            Some(Cell::DateTime {
                year: 2024,
                month: 2,
                day: 29,
                hour: 23,
                minute: 59,
                second: 58,
                micros: 500_000
            })
        );
        assert_eq!(
            cell(Conv::Time, b"-838:59:59.000001"),
            Some(Cell::Time {
                negative: true,
                hours: 838,
                minutes: 59,
                seconds: 59,
                micros: 1
            })
        );
        assert_eq!(
            cell(Conv::Timestamp, b"1700000000.120000"),
            Some(Cell::Timestamp {
                seconds: 1_700_000_000,
                micros: 120_000
            })
        );
        assert_eq!(
            cell(Conv::Date, b"0000-00-00"),
            Some(Cell::Date {
                year: 0,
                month: 0,
                day: 0
            })
        );
        assert_eq!(cell(Conv::DateTime, b"2024-01-01"), None);
        assert_eq!(cell(Conv::Int, b"12x"), None);
    }

    #[test]
    fn float_through_double_keeps_every_bit() {
        let v = 1.234_567_9_f32;
        let wide = format!("{}", f64::from(v));
        assert_eq!(cell(Conv::Float, wide.as_bytes()), Some(Cell::Float(v)));
    }
}
