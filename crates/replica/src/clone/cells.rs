//! A source row, read as text, into the store's cells. Each column is
//! selected in a form whose text says the value exactly: ENUM, SET and
//! BIT as their numbers (`c+0`), FLOAT widened to DOUBLE (its own text
//! keeps 6 digits), TIMESTAMP as seconds since the epoch, MariaDB's INET
//! types as their bytes; the session reads strings as stored (`SET NAMES
//! binary`).

use understudy_binlog::value::json::encode_json;
use understudy_sql::dml::json::parse_text;
use understudy_sql::{Column, ColumnType};
use understudy_store::keys::{KeyPart, encode_part, table_prefix};
use understudy_store::row::{
    encode_bytes_cell, encode_cell_ref, encode_int_cell, encode_key_cell_ref, encode_null_cell,
    encode_row_start, encode_uint_cell,
};
use understudy_store::{Cell, CellRef};

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

    /// Appends the stored row of `fields` (written under schema
    /// `version`) to `out`; `json` is scratch space.
    pub fn encode_row(
        &self,
        fields: &[Option<&[u8]>],
        version: u32,
        out: &mut Vec<u8>,
        json: &mut Vec<u8>,
    ) -> Result<(), String> {
        if fields.len() != self.convs.len() {
            return Err(format!(
                "a row of {} fields for {} columns",
                fields.len(),
                self.convs.len()
            ));
        }
        encode_row_start(out, version);
        for (i, (f, conv)) in fields.iter().zip(&self.convs).enumerate() {
            // The common types straight in; the others through a cell.
            match (conv, f) {
                (_, None) => encode_null_cell(out),
                (Conv::Bytes, Some(b)) => encode_bytes_cell(out, b),
                (Conv::Int, Some(b)) if let Some(v) = int(b) => encode_int_cell(out, v),
                (Conv::UInt, Some(b)) if let Some(v) = digits(b) => encode_uint_cell(out, v),
                _ => encode_cell_ref(out, &field(*conv, *f, json, i)?),
            }
        }
        Ok(())
    }

    /// Appends the row key of `fields` in table `id` to `out`: its
    /// primary-key columns `pk`, or `row_id` for a table without one.
    pub fn encode_key(
        &self,
        fields: &[Option<&[u8]>],
        id: u32,
        pk: &[usize],
        row_id: u64,
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        out.extend_from_slice(&table_prefix(id));
        if pk.is_empty() {
            encode_part(out, &KeyPart::UInt(row_id));
            return Ok(());
        }
        let mut json = Vec::new();
        for &i in pk {
            let (Some(f), Some(conv)) = (fields.get(i), self.convs.get(i)) else {
                return Err(format!("no field for key column {}", i + 1));
            };
            let c = field(*conv, *f, &mut json, i)?;
            encode_key_cell_ref(out, &c);
        }
        Ok(())
    }
}

/// A field as a borrowed cell (`json` holds a converted JSON document).
fn field<'a>(
    conv: Conv,
    f: Option<&'a [u8]>,
    json: &'a mut Vec<u8>,
    i: usize,
) -> Result<CellRef<'a>, String> {
    let Some(b) = f else {
        return Ok(CellRef::Fixed(Cell::Null));
    };
    let bad = || {
        format!(
            "column {}: cannot read '{}'",
            i + 1,
            String::from_utf8_lossy(&b[..b.len().min(64)])
        )
    };
    Ok(match conv {
        Conv::Bytes => CellRef::Bytes(b),
        Conv::Decimal => CellRef::Decimal(text(b).ok_or_else(bad)?),
        Conv::Json => {
            let doc = parse_text(b).map_err(|e| format!("{}: {e}", bad()))?;
            *json = encode_json(&doc.as_value()).map_err(|e| format!("{}: {e}", bad()))?;
            CellRef::Json(json)
        }
        _ => CellRef::Fixed(cell(conv, b).ok_or_else(bad)?),
    })
}

fn text(b: &[u8]) -> Option<&str> {
    std::str::from_utf8(b).ok()
}

fn num<T: std::str::FromStr>(b: &[u8]) -> Option<T> {
    text(b)?.parse().ok()
}

/// An unsigned decimal integer in ASCII (no sign, no spaces).
fn digits(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(v)
}

fn int(b: &[u8]) -> Option<i64> {
    match b.split_first()? {
        (b'-', rest) => {
            let v = digits(rest)?;
            if v == 1 << 63 {
                Some(i64::MIN)
            } else {
                i64::try_from(v).ok().map(|v| -v)
            }
        }
        _ => i64::try_from(digits(b)?).ok(),
    }
}

fn cell(conv: Conv, b: &[u8]) -> Option<Cell> {
    Some(match conv {
        Conv::Int => Cell::Int(int(b)?),
        Conv::UInt => Cell::UInt(digits(b)?),
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
        assert_eq!(
            cell(Conv::Int, b"-9223372036854775808"),
            Some(Cell::Int(i64::MIN))
        );
        assert_eq!(cell(Conv::Int, b"9223372036854775808"), None);
        assert_eq!(
            cell(Conv::UInt, b"18446744073709551615"),
            Some(Cell::UInt(u64::MAX))
        );
        assert_eq!(cell(Conv::UInt, b"18446744073709551616"), None);
        assert_eq!(cell(Conv::Int, b"-"), None);
    }

    #[test]
    fn a_row_is_encoded_as_its_cells_would_be() {
        let cols = [
            Column::new(
                "id",
                ColumnType::Int {
                    bytes: 8,
                    unsigned: false,
                },
            ),
            Column::new(
                "u",
                ColumnType::Int {
                    bytes: 4,
                    unsigned: true,
                },
            ),
            Column::new(
                "s",
                ColumnType::VarChar {
                    len: 9,
                    charset: None,
                },
            ),
            Column::new(
                "d",
                ColumnType::Decimal {
                    precision: 5,
                    scale: 2,
                },
            ),
            Column::new("e", ColumnType::Enum(vec!["a".into(), "b".into()])),
            Column::new("j", ColumnType::Json),
            Column::new(
                "n",
                ColumnType::Int {
                    bytes: 4,
                    unsigned: false,
                },
            ),
        ];
        let r = RowReader::new(&cols, false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            r.select, "`id`, `u`, `s`, `d`, `e`+0, `j`, `n`",
            "ENUM as its number"
        );
        let fields: [Option<&[u8]>; 7] = [
            Some(b"-42"),
            Some(b"7"),
            Some(b"hi"),
            Some(b"-1.25"),
            Some(b"2"),
            Some(b"[1]"),
            None,
        ];
        let (mut out, mut json) = (Vec::new(), Vec::new());
        r.encode_row(&fields, 3, &mut out, &mut json)
            .unwrap_or_else(|e| panic!("{e}"));
        let doc = parse_text(b"[1]").unwrap_or_else(|e| panic!("{e}"));
        let cells = [
            Cell::Int(-42),
            Cell::UInt(7),
            Cell::Bytes(b"hi".to_vec()),
            Cell::Decimal("-1.25".into()),
            Cell::Enum(2),
            Cell::Json(encode_json(&doc.as_value()).unwrap_or_default()),
            Cell::Null,
        ];
        assert_eq!(out, understudy_store::encode_row(3, &cells));
        let mut key = Vec::new();
        r.encode_key(&fields, 5, &[0, 2], 0, &mut key)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut want = table_prefix(5).to_vec();
        understudy_store::encode_key_cell(&mut want, &cells[0]);
        understudy_store::encode_key_cell(&mut want, &cells[2]);
        assert_eq!(key, want);
        let bad: [Option<&[u8]>; 7] = [Some(b"x"), None, None, None, None, None, None];
        assert!(r.encode_row(&bad, 3, &mut out, &mut json).is_err());
    }

    #[test]
    fn float_through_double_keeps_every_bit() {
        let v = 1.234_567_9_f32;
        let wide = format!("{}", f64::from(v));
        assert_eq!(cell(Conv::Float, wide.as_bytes()), Some(Cell::Float(v)));
    }
}
