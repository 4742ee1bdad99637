//! Cells as MySQL prints them in a result set (the text protocol), and as
//! the `mysql` client's `--batch` mode escapes them.

use understudy_binlog::value::json::{parse_json, render_json};
use understudy_sql::ColumnType;

use crate::charset::to_utf8;
use crate::row::Cell;

/// The text MySQL sends for a cell of a column of type `ty` to a client
/// reading UTF-8 (`None` for NULL). TIMESTAMP is shown in UTC.
pub fn cell_text(c: &Cell, ty: &ColumnType) -> Option<Vec<u8>> {
    text_of(c, ty, true)
}

/// Like [`cell_text`], for a client that asked for no conversion (`SET
/// NAMES binary`): strings in their column's own character set.
pub fn cell_raw_text(c: &Cell, ty: &ColumnType) -> Option<Vec<u8>> {
    text_of(c, ty, false)
}

fn text_of(c: &Cell, ty: &ColumnType, utf8: bool) -> Option<Vec<u8>> {
    Some(match c {
        Cell::Null => return None,
        Cell::Int(v) => v.to_string().into_bytes(),
        Cell::UInt(v) => v.to_string().into_bytes(),
        Cell::Float(v) => {
            // FLOAT shows 6 significant digits (FLT_DIG), then as DOUBLE.
            let v = f64::from(*v);
            let r: f64 = format!("{v:.5e}").parse().unwrap_or(v);
            float_text(r, format!("{r}")).into_bytes()
        }
        Cell::Double(v) => float_text(*v, format!("{v}")).into_bytes(),
        Cell::Decimal(s) => s.clone().into_bytes(),
        Cell::Bytes(b) => match ty {
            ColumnType::Char { charset, .. }
            | ColumnType::VarChar { charset, .. }
            | ColumnType::Text { charset, .. }
                if utf8 =>
            {
                to_utf8(charset.as_deref(), b).into_owned()
            }
            ColumnType::Binary(n) => {
                // BINARY(n) is padded with zero bytes (row images drop
                // them, as they drop CHAR's trailing spaces).
                let mut v = b.clone();
                v.resize((*n as usize).max(v.len()), 0);
                v
            }
            ColumnType::Inet4 | ColumnType::Inet6 | ColumnType::Uuid => {
                crate::mariadb_types::text(ty, b).into_bytes()
            }
            _ => b.clone(),
        },
        Cell::Date { year, month, day } => format!("{year:04}-{month:02}-{day:02}").into_bytes(),
        Cell::Time {
            negative,
            hours,
            minutes,
            seconds,
            micros,
        } => {
            let sign = if *negative { "-" } else { "" };
            let mut s = format!("{sign}{hours:02}:{minutes:02}:{seconds:02}");
            frac(&mut s, *micros, ty);
            s.into_bytes()
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
            let mut s = format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}");
            frac(&mut s, *micros, ty);
            s.into_bytes()
        }
        Cell::Timestamp { seconds, micros } => {
            let mut s = if *seconds == 0 && *micros == 0 {
                "0000-00-00 00:00:00".to_owned()
            } else {
                utc(i64::from(*seconds))
            };
            frac(&mut s, *micros, ty);
            s.into_bytes()
        }
        Cell::Year(y) => format!("{y:04}").into_bytes(),
        Cell::Enum(i) => match ty {
            ColumnType::Enum(m) if *i > 0 => m
                .get(usize::from(*i) - 1)
                .map(|s| s.clone().into_bytes())
                .unwrap_or_default(),
            _ => Vec::new(),
        },
        Cell::Set(mask) => match ty {
            ColumnType::Set(m) => m
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && mask & (1 << i) != 0)
                .map(|(_, s)| s.as_str())
                .collect::<Vec<_>>()
                .join(",")
                .into_bytes(),
            _ => mask.to_string().into_bytes(),
        },
        Cell::Bit(v) => {
            let n = match ty {
                ColumnType::Bit(bits) => usize::from(bits.div_ceil(8)),
                _ => 8,
            };
            v.to_be_bytes()[8 - n.clamp(1, 8)..].to_vec()
        }
        Cell::Json(b) => match parse_json(b) {
            Ok(v) => render_json(&v).into_bytes(),
            Err(_) => b.clone(),
        },
    })
}

/// A cell for an error message (`Duplicate entry '…'`).
pub fn cell_plain(c: &Cell) -> String {
    match cell_text(c, &ColumnType::Json) {
        Some(b) => String::from_utf8_lossy(&b).into_owned(),
        None => "NULL".into(),
    }
}

/// One `mysql --batch` field: NULL as `NULL`; NUL, tab, newline and
/// backslash escaped as `\0`, `\t`, `\n`, `\\`.
pub fn batch_field(out: &mut Vec<u8>, text: Option<&[u8]>) {
    let Some(b) = text else {
        out.extend_from_slice(b"NULL");
        return;
    };
    for &c in b {
        match c {
            0 => out.extend_from_slice(b"\\0"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\\' => out.extend_from_slice(b"\\\\"),
            _ => out.push(c),
        }
    }
}

fn frac(s: &mut String, micros: u32, ty: &ColumnType) {
    let fsp = match ty {
        ColumnType::Time(f) | ColumnType::DateTime(f) | ColumnType::Timestamp(f) => *f,
        _ => 0,
    };
    if fsp > 0 {
        let digits = format!("{micros:06}");
        s.push('.');
        s.push_str(&digits[..usize::from(fsp.min(6))]);
    }
}

/// MySQL's shortest round-trip form, with an exponent (`1e20`, `1.5e-7`)
/// outside 1e-15 ≤ |v| < 1e15.
fn float_text(v: f64, shortest: String) -> String {
    let a = v.abs();
    if v == 0.0 || v.is_nan() || v.is_infinite() || (1e-15..1e15).contains(&a) {
        return if v == 0.0 { "0".into() } else { shortest };
    }
    format!("{v:e}")
}

/// `YYYY-MM-DD hh:mm:ss` of a Unix time, UTC.
fn utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = understudy_sql::dml::temporal::date_of_unix_day(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(c: Cell, ty: ColumnType) -> String {
        String::from_utf8(cell_text(&c, &ty).unwrap_or_else(|| b"NULL".to_vec()))
            .unwrap_or_default()
    }

    #[test]
    fn temporal_and_lists() {
        assert_eq!(
            text(
                Cell::Timestamp {
                    seconds: 1_795_250_339,
                    micros: 120_000
                },
                ColumnType::Timestamp(2)
            ),
            "2026-11-21 08:38:59.12"
        );
        assert_eq!(
            text(
                Cell::Time {
                    negative: true,
                    hours: 838,
                    minutes: 0,
                    seconds: 1,
                    micros: 0
                },
                ColumnType::Time(0)
            ),
            "-838:00:01"
        );
        assert_eq!(text(Cell::Year(0), ColumnType::Year), "0000");
        assert_eq!(
            text(
                Cell::Set(0b101),
                ColumnType::Set(vec!["a".into(), "b".into(), "c".into()])
            ),
            "a,c"
        );
        assert_eq!(
            text(
                Cell::Enum(2),
                ColumnType::Enum(vec!["x".into(), "y".into()])
            ),
            "y"
        );
        assert_eq!(text(Cell::Double(1e20), ColumnType::Double), "1e20");
        // FLOAT as MySQL 9.7 prints it.
        for (v, want) in [
            (65536.125f32, "65536.1"),
            (std::f32::consts::PI, "3.14159"),
            (123_456_789.0, "123457000"),
            (1e10, "10000000000"),
            (-2.5e-20, "-2.5e-20"),
            (3.4e38, "3.4e38"),
            (1e15, "1e15"),
            (16_777_217.0, "16777200"),
            (0.1, "0.1"),
            (99_999.95, "100000"),
            (1.175_49e-38, "1.17549e-38"),
            (0.000_012_34, "0.00001234"),
        ] {
            assert_eq!(text(Cell::Float(v), ColumnType::Float), want, "{v}");
        }
        assert_eq!(
            text(
                Cell::Bytes(b"caf\xe9".to_vec()),
                ColumnType::VarChar {
                    len: 9,
                    charset: Some("latin1".into())
                }
            ),
            "café"
        );
        assert_eq!(
            text(Cell::Bytes(b"ab".to_vec()), ColumnType::Binary(4)),
            "ab\0\0"
        );
        assert_eq!(text(Cell::Double(-0.25), ColumnType::Double), "-0.25");
        let mut out = Vec::new();
        batch_field(&mut out, Some(b"a\tb\\\n\0"));
        batch_field(&mut out, None);
        assert_eq!(out, b"a\\tb\\\\\\n\\0NULL");
    }
}
