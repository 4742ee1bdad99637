//! Stored cells as expression values, and values stored into columns as
//! MySQL stores them: integers range-checked, decimals rounded to the
//! column's scale, strings length-checked in the column's characters.
//! A conversion understudy does not do exactly yet is an error.

use understudy_binlog::value::json::{JsonDoc, parse_json};
use understudy_sql::collation::Collation;
use understudy_sql::dml::decimal::Decimal;
use understudy_sql::dml::eval::EvalError;
use understudy_sql::dml::temporal::Temporal;
use understudy_sql::dml::value::{Coll, Derivation, Text, Value, str_prefix_f64, text_number};
use understudy_sql::{Column, ColumnType};
use understudy_store::Cell;

use super::clock::{self, Zone};

fn unsupported(what: String) -> EvalError {
    EvalError::Unsupported(what)
}

/// A stored cell of `col` as an expression value.
pub fn cell_value(cell: &Cell, col: &Column, zone: &Zone) -> Result<Value, EvalError> {
    Ok(match (cell, &col.ty) {
        (Cell::Null, _) => Value::Null,
        (Cell::Int(i), _) => Value::Int(*i),
        (Cell::UInt(u), _) => Value::UInt(*u),
        (Cell::Decimal(s), _) => Value::Decimal(
            Decimal::parse(s)
                .ok_or_else(|| unsupported(format!("the DECIMAL value {s} of {}", col.name)))?,
        ),
        (Cell::Float(f), _) => Value::Double(f64::from(*f)),
        (Cell::Double(f), _) => Value::Double(*f),
        (Cell::Bytes(b), ColumnType::Binary(n)) => {
            let mut b = b.clone();
            b.resize((*n as usize).max(b.len()), 0);
            Value::Str(b, Text::Binary)
        }
        (Cell::Bytes(b), ColumnType::VarBinary(_) | ColumnType::Blob { .. }) => {
            Value::Str(b.clone(), Text::Binary)
        }
        (Cell::Bytes(b), ColumnType::Char { .. } | ColumnType::VarChar { .. })
        | (Cell::Bytes(b), ColumnType::Text { .. }) => {
            let collation = col
                .collation
                .as_deref()
                .map_or(Collation::Unknown, Collation::named);
            Value::Str(
                b.clone(),
                Text::Collated(Coll::new(collation, Derivation::Implicit)),
            )
        }
        (Cell::Date { year, month, day }, _) => {
            Value::Temporal(Temporal::date(*year, *month, *day))
        }
        (
            Cell::DateTime {
                year,
                month,
                day,
                hour,
                minute,
                second,
                micros,
            },
            _,
        ) => Value::Temporal(Temporal {
            year: *year,
            month: *month,
            day: *day,
            hour: *hour,
            minute: *minute,
            second: *second,
            micros: *micros,
            date: false,
            fsp: match col.ty {
                ColumnType::DateTime(fsp) | ColumnType::Timestamp(fsp) => fsp,
                _ => 6,
            },
        }),
        (Cell::Year(y), _) => Value::Int(i64::from(*y)),
        (Cell::Time { .. }, ColumnType::Time(fsp)) => super::time::time_value(cell, *fsp),
        // MySQL's JSON: a binary document.
        (Cell::Json(b), ColumnType::Json) => Value::Json(Box::new(JsonDoc::from_value(
            &parse_json(b).map_err(|e| unsupported(format!("the JSON in {}: {e}", col.name)))?,
        ))),
        // MariaDB's JSON: LONGTEXT in utf8mb4_bin.
        (Cell::Bytes(b), ColumnType::Json) => Value::Str(
            b.clone(),
            Text::Collated(Coll::new(Collation::Utf8Bin, Derivation::Implicit)),
        ),
        // A BIT value: a binary string of the column's bytes that is a
        // number in numbers' places, as a bit-value literal.
        (Cell::Bit(v), ColumnType::Bit(n)) => {
            let len = usize::from(*n).div_ceil(8).clamp(1, 8);
            Value::Str(v.to_be_bytes()[8 - len..].to_vec(), Text::Hex)
        }
        (Cell::Enum(_) | Cell::Set(_), ColumnType::Enum(_) | ColumnType::Set(_)) => {
            let number = match cell {
                Cell::Enum(i) => u64::from(*i),
                Cell::Set(mask) => *mask,
                _ => 0,
            };
            let text = understudy_store::text::cell_text(cell, &col.ty).ok_or_else(|| {
                unsupported(format!("the value of {} ({})", col.name, col.ty.sql()))
            })?;
            let collation = col
                .collation
                .as_deref()
                .map_or(Collation::Unknown, Collation::named);
            Value::Member(text, Coll::new(collation, Derivation::Implicit), number)
        }
        (Cell::Timestamp { seconds, micros }, ColumnType::Timestamp(fsp)) => {
            Value::Temporal(clock::local(zone.get()?, *seconds, *micros, *fsp)?)
        }
        _ => {
            return Err(unsupported(format!(
                "reading column {} ({}) in an expression",
                col.name,
                col.ty.sql()
            )));
        }
    })
}

/// A MySQL error for a value that does not fit a column.
fn sql_error(errno: u32, message: String) -> EvalError {
    EvalError::Sql { errno, message }
}

fn out_of_range(col: &Column, row: usize) -> EvalError {
    sql_error(
        1264,
        format!("Out of range value for column '{}' at row {row}", col.name),
    )
}

/// The character set a string column stores in (`table`: the table's
/// default).
fn column_charset<'a>(col: &'a Column, table: Option<&'a str>) -> Option<&'a str> {
    match &col.ty {
        ColumnType::Char { charset, .. }
        | ColumnType::VarChar { charset, .. }
        | ColumnType::Text { charset, .. } => charset.as_deref().or(table),
        _ => None,
    }
}

fn is_utf8(cs: &str) -> bool {
    matches!(cs, "utf8mb4" | "utf8mb3" | "utf8")
}

/// How many characters `b` is in `charset` (`None`: understudy cannot
/// count them: a multi-byte text in a charset it does not decode).
fn char_count(b: &[u8], charset: Option<&str>) -> Option<usize> {
    if b.is_ascii() {
        return Some(b.len());
    }
    match charset {
        Some(cs) if is_utf8(cs) => std::str::from_utf8(b).ok().map(|s| s.chars().count()),
        Some("latin1" | "ascii" | "binary") => Some(b.len()),
        _ => None,
    }
}

/// The byte offset after `n` characters of `b`.
fn char_offset(b: &[u8], charset: Option<&str>, n: usize) -> Option<usize> {
    if b.is_ascii() || matches!(charset, Some("latin1" | "ascii" | "binary")) {
        return Some(n.min(b.len()));
    }
    match charset {
        Some(cs) if is_utf8(cs) => {
            let s = std::str::from_utf8(b).ok()?;
            Some(s.char_indices().nth(n).map_or(s.len(), |(i, _)| i))
        }
        _ => None,
    }
}

/// The longest prefix of `b` of at most `max` bytes that ends on a
/// character boundary.
fn byte_cut(b: &[u8], charset: Option<&str>, max: usize) -> Option<usize> {
    if b.len() <= max || b.is_ascii() || matches!(charset, Some("latin1" | "ascii" | "binary")) {
        return Some(max.min(b.len()));
    }
    match charset {
        Some(cs) if is_utf8(cs) => {
            let s = std::str::from_utf8(b).ok()?;
            Some(
                (0..=max)
                    .rev()
                    .find(|&i| s.is_char_boundary(i))
                    .unwrap_or(0),
            )
        }
        _ => None,
    }
}

/// What the source does with fraction digits a temporal column has no
/// room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fraction {
    /// MySQL's default.
    Round,
    /// MariaDB's default, and MySQL's `TIME_TRUNCATE_FRACTIONAL`.
    Truncate,
    /// An `sql_mode` understudy does not know may say either.
    Unknown,
}

/// How a statement's values reach the columns.
#[derive(Debug, Clone, Copy)]
pub struct StoreRules<'a> {
    pub fraction: Fraction,
    /// The client character set the statement's strings are in.
    pub client_charset: Option<&'a str>,
    /// The table's default character set.
    pub table_charset: Option<&'a str>,
    /// The row of the statement, for error messages (1-based).
    pub row: usize,
    /// The session's time zone (TIMESTAMP columns).
    pub zone: &'a Zone,
    /// Strict mode (`STRICT_TRANS_TABLES` or `STRICT_ALL_TABLES`, and no
    /// IGNORE): a value that does not fit is an error. Otherwise MySQL
    /// stores the nearest one it can (with a warning): numbers clamped
    /// to the column's range, strings cut to its length, NULL in a NOT
    /// NULL column its type's implicit default.
    pub strict: bool,
    /// The source is MariaDB, whose JSON is text (LONGTEXT, utf8mb4_bin).
    pub mariadb: bool,
}

/// `v` as a cell of `col`.
pub fn value_cell(v: &Value, col: &Column, rules: StoreRules<'_>) -> Result<Cell, EvalError> {
    if v.is_null() {
        if !col.nullable && !rules.strict {
            return Ok(super::super::convert::implicit_default(&col.ty));
        }
        if !col.nullable {
            return Err(sql_error(
                1048,
                format!("Column '{}' cannot be null", col.name),
            ));
        }
        return Ok(Cell::Null);
    }
    let cannot = || {
        unsupported(format!(
            "storing {} into column {} ({})",
            show(v),
            col.name,
            col.ty.sql()
        ))
    };
    if let Some(cell) = super::members::member_cell(v, col) {
        return cell;
    }
    if let Value::Json(doc) = v {
        return super::json_text::json_cell(doc, col, rules);
    }
    match &col.ty {
        ColumnType::Int { bytes, unsigned } => {
            let n = match (exact_integer(v), v) {
                (Some(n), _) => n,
                // Without strict mode a string that is not a number is
                // stored as its numeric prefix ('3abc' → 3, 'x' → 0).
                (None, Value::Str(b, Text::Collated(_))) if !rules.strict => text_number(b)
                    .map_err(|_| cannot())?
                    .to_i128_rounded()
                    .ok_or_else(cannot)?,
                _ => return Err(cannot()),
            };
            let bits = u32::from(*bytes) * 8;
            let (min, max) = if *unsigned {
                (0i128, (1i128 << bits) - 1)
            } else {
                (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
            };
            if (n < min || n > max) && rules.strict {
                return Err(out_of_range(col, rules.row));
            }
            let n = n.clamp(min, max);
            Ok(if *unsigned {
                Cell::UInt(n as u64)
            } else {
                Cell::Int(n as i64)
            })
        }
        ColumnType::Decimal { precision, scale } => {
            let d = match (exact_decimal(v), v) {
                (Some(d), _) => d,
                (None, Value::Str(b, Text::Collated(_))) if !rules.strict => {
                    text_number(b).map_err(|_| cannot())?
                }
                _ => return Err(cannot()),
            };
            let d = d.round(*scale).ok_or_else(cannot)?;
            if d.int_digits() > u32::from(precision.saturating_sub(*scale)) {
                if rules.strict {
                    return Err(out_of_range(col, rules.row));
                }
                // The largest value of the column's sign: 999.99.
                let max = 10i128
                    .checked_pow(u32::from(*precision))
                    .ok_or_else(cannot)?
                    - 1;
                let clamped = Decimal {
                    mantissa: if d.mantissa < 0 { -max } else { max },
                    scale: *scale,
                };
                return Ok(Cell::Decimal(clamped.to_string()));
            }
            Ok(Cell::Decimal(d.to_string()))
        }
        ColumnType::Double | ColumnType::Float => {
            let f = match v {
                Value::Str(b, Text::Collated(_)) => {
                    let s = std::str::from_utf8(b).map_err(|_| cannot())?;
                    let plain = |t: &str| {
                        t.bytes()
                            .all(|c| c.is_ascii_digit() || b".eE+-".contains(&c))
                    };
                    // (Rust reads `inf` and `NaN`; MySQL does not.)
                    match s.trim().parse::<f64>() {
                        Ok(f) if f.is_finite() && plain(s.trim()) => f,
                        _ if !rules.strict => str_prefix_f64(b),
                        _ => return Err(cannot()),
                    }
                }
                other => other.to_f64()?.ok_or_else(cannot)?,
            };
            if matches!(col.ty, ColumnType::Float) {
                let g = f as f32;
                if !g.is_finite() {
                    if rules.strict {
                        return Err(out_of_range(col, rules.row));
                    }
                    return Ok(Cell::Float(if f < 0.0 { f32::MIN } else { f32::MAX }));
                }
                Ok(Cell::Float(g))
            } else {
                Ok(Cell::Double(f))
            }
        }
        ColumnType::Char { len, .. } | ColumnType::VarChar { len, .. } => {
            let b = text_bytes(v, col, rules).ok_or_else(cannot)?;
            let cs = column_charset(col, rules.table_charset);
            let n = char_count(&b, cs).ok_or_else(cannot)?;
            let b = if n > *len as usize {
                // Cut at `len` characters: spaces alone go in any mode.
                let at = char_offset(&b, cs, *len as usize).ok_or_else(cannot)?;
                if rules.strict && b[at..].iter().any(|&c| c != b' ') {
                    return Err(too_long(col, rules.row));
                }
                b[..at].to_vec()
            } else {
                b
            };
            if matches!(col.ty, ColumnType::Char { .. }) {
                let end = b.iter().rposition(|&c| c != b' ').map_or(0, |i| i + 1);
                return Ok(Cell::Bytes(b[..end].to_vec()));
            }
            Ok(Cell::Bytes(b))
        }
        ColumnType::Text { pack, .. } | ColumnType::Blob { pack } => {
            let mut b = text_bytes(v, col, rules).ok_or_else(cannot)?;
            if u32::from(*pack) < 4 && b.len() >= 1usize << (8 * u32::from(*pack)) {
                if rules.strict {
                    return Err(too_long(col, rules.row));
                }
                let max = (1usize << (8 * u32::from(*pack))) - 1;
                let cs = match col.ty {
                    ColumnType::Text { .. } => column_charset(col, rules.table_charset),
                    _ => Some("binary"),
                };
                b.truncate(byte_cut(&b, cs, max).ok_or_else(cannot)?);
            }
            Ok(Cell::Bytes(b))
        }
        ColumnType::Time(fsp) => super::time::time_cell(v, col, *fsp, rules),
        ColumnType::Date | ColumnType::DateTime(_) | ColumnType::Timestamp(_) => {
            let t = match v {
                Value::Temporal(t) => *t,
                Value::Str(b, Text::Collated(_)) => std::str::from_utf8(b)
                    .ok()
                    .and_then(Temporal::parse)
                    .ok_or_else(cannot)?,
                _ => return Err(cannot()),
            };
            Ok(match col.ty {
                // A DATETIME into a DATE keeps the date (MySQL's note,
                // not an error, in any mode).
                ColumnType::Date => Cell::Date {
                    year: t.year,
                    month: t.month,
                    day: t.day,
                },
                ColumnType::DateTime(fsp) | ColumnType::Timestamp(fsp) => {
                    let truncate = match rules.fraction {
                        Fraction::Round => false,
                        Fraction::Truncate => true,
                        Fraction::Unknown if t.with_fsp(fsp, true) == t.with_fsp(fsp, false) => {
                            false
                        }
                        Fraction::Unknown => return Err(cannot()),
                    };
                    let t = t.with_fsp(fsp, truncate).ok_or_else(cannot)?;
                    if matches!(col.ty, ColumnType::Timestamp(_)) {
                        // The session's local time, stored as UTC.
                        let in_range = clock::epoch(rules.zone.get()?, &t)?;
                        if in_range.is_none() && !rules.strict {
                            // The zero timestamp, with a warning.
                            return Ok(Cell::Timestamp {
                                seconds: 0,
                                micros: 0,
                            });
                        }
                        let (seconds, micros) = in_range.ok_or_else(|| {
                            sql_error(
                                1292,
                                format!(
                                    "Incorrect datetime value: '{t}' for column '{}' at row {}",
                                    col.name, rules.row
                                ),
                            )
                        })?;
                        return Ok(Cell::Timestamp { seconds, micros });
                    }
                    Cell::DateTime {
                        year: t.year,
                        month: t.month,
                        day: t.day,
                        hour: t.hour,
                        minute: t.minute,
                        second: t.second,
                        micros: t.micros,
                    }
                }
                _ => return Err(cannot()),
            })
        }
        ColumnType::Year => {
            // Numbers: 1901–2155 as they are, 1–69 and 70–99 as
            // 2001–2069 and 1970–1999, 0 as the zero year.
            let n = match v {
                Value::Int(_) | Value::UInt(_) => exact_integer(v).ok_or_else(cannot)?,
                _ => return Err(cannot()),
            };
            let y = match n {
                0 => 0,
                1..=69 => n + 2000,
                70..=99 => n + 1900,
                1901..=2155 => n,
                _ if !rules.strict => 0,
                _ => return Err(out_of_range(col, rules.row)),
            };
            Ok(Cell::Year(y as u16))
        }
        // MariaDB's JSON is text the source checked (json_valid): stored
        // as it is. (MySQL's is a binary document: not written yet.)
        ColumnType::Json if rules.mariadb => match v {
            Value::Str(b, Text::Collated(_)) | Value::Member(b, ..)
                if std::str::from_utf8(b).is_ok()
                    && (b.is_ascii() || rules.client_charset.is_some_and(is_utf8)) =>
            {
                Ok(Cell::Bytes(b.clone()))
            }
            _ => Err(cannot()),
        },
        // MySQL's JSON: the text's binary document.
        ColumnType::Json => match v {
            Value::Str(b, Text::Collated(_))
                if b.is_ascii() || rules.client_charset.is_some_and(is_utf8) =>
            {
                let text = std::str::from_utf8(b).map_err(|_| cannot())?;
                super::json_text::json_from_text(text).map(Cell::Json)
            }
            _ => Err(cannot()),
        },
        ColumnType::Bit(n) => {
            // Numbers, and binary strings (b'…', X'…') as their bytes.
            let v: u64 = match v {
                Value::Int(_) | Value::UInt(_) => {
                    u64::try_from(exact_integer(v).ok_or_else(cannot)?).map_err(|_| cannot())?
                }
                Value::Str(b, Text::Hex | Text::Binary) if b.len() <= 8 => {
                    b.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x))
                }
                _ => return Err(cannot()),
            };
            if *n < 64 && v >> n != 0 {
                if rules.strict {
                    return Err(sql_error(
                        1406,
                        format!(
                            "Data too long for column '{}' at row {}",
                            col.name, rules.row
                        ),
                    ));
                }
                // (MySQL stores the largest value, with a warning.)
                return Err(cannot());
            }
            Ok(Cell::Bit(v))
        }
        ColumnType::VarBinary(len) | ColumnType::Binary(len) => {
            let b = text_bytes(v, col, rules).ok_or_else(cannot)?;
            if b.len() > *len as usize {
                return Err(too_long(col, rules.row));
            }
            Ok(Cell::Bytes(b))
        }
        _ => Err(cannot()),
    }
}

fn too_long(col: &Column, row: usize) -> EvalError {
    sql_error(
        1406,
        format!("Data too long for column '{}' at row {row}", col.name),
    )
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Decimal(d) => d.to_string(),
        Value::Double(f) => format!("{f:e}"),
        Value::Str(b, _) | Value::Member(b, ..) => format!("'{}'", String::from_utf8_lossy(b)),
        Value::Temporal(t) => format!("'{t}'"),
        Value::Json(doc) => format!("'{}'", understudy_sql::dml::json::render(doc)),
        Value::Time(t) => format!("'{t}'"),
    }
}

/// An integer column's value: exact numbers rounded half away from zero,
/// a string only when it is an integer or decimal literal as a whole;
/// doubles only when no rounding tie can arise.
fn exact_integer(v: &Value) -> Option<i128> {
    match v {
        Value::Int(i) => Some(i128::from(*i)),
        Value::UInt(u) => Some(i128::from(*u)),
        Value::Decimal(d) => d.to_i128_rounded(),
        Value::Double(f) => {
            let r = f.round();
            (f.is_finite() && (f - f.trunc()).abs() != 0.5 && r.abs() < 1e38).then_some(r as i128)
        }
        Value::Str(b, Text::Collated(_)) => {
            let s = std::str::from_utf8(b).ok()?.trim();
            Decimal::parse(s)?.to_i128_rounded()
        }
        // (An ENUM or SET value as a number is its index or mask: not
        // followed yet.)
        Value::Str(..)
        | Value::Null
        | Value::Temporal(_)
        | Value::Member(..)
        | Value::Json(_)
        | Value::Time(_) => None,
    }
}

fn exact_decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Int(i) => Some(Decimal::from_i128(i128::from(*i))),
        Value::UInt(u) => Some(Decimal::from_i128(i128::from(*u))),
        Value::Decimal(d) => Some(*d),
        // The shortest text that reads back as the double: its decimal
        // digits, as MySQL converts a double to DECIMAL.
        Value::Double(f) if f.is_finite() => Decimal::parse(&format!("{f}")),
        Value::Str(b, Text::Collated(_)) => Decimal::parse(std::str::from_utf8(b).ok()?.trim()),
        _ => None,
    }
}

/// A string column's bytes for `v`: strings as they are when the
/// client's character set is the column's (or the text is ASCII),
/// integers and decimals by their text.
fn text_bytes(v: &Value, col: &Column, rules: StoreRules<'_>) -> Option<Vec<u8>> {
    match v {
        Value::Str(b, _) => {
            let binary_col = matches!(
                col.ty,
                ColumnType::Binary(_) | ColumnType::VarBinary(_) | ColumnType::Blob { .. }
            );
            if b.is_ascii() || binary_col {
                return Some(b.clone());
            }
            let column = column_charset(col, rules.table_charset)?;
            let client = rules.client_charset?;
            // Bytes the column's character set could not hold were
            // refused or cut on the source: not stored as they are.
            let valid = match column {
                "utf8mb4" => std::str::from_utf8(b).is_ok(),
                "utf8mb3" | "utf8" => {
                    std::str::from_utf8(b).is_ok_and(|s| s.chars().all(|c| u32::from(c) <= 0xffff))
                }
                _ => true,
            };
            (valid && (is_utf8(column) && is_utf8(client) || column == client)).then(|| b.clone())
        }
        Value::Int(i) => Some(i.to_string().into_bytes()),
        Value::UInt(u) => Some(u.to_string().into_bytes()),
        Value::Decimal(d) => Some(d.to_string().into_bytes()),
        // (Members are UTF-8, as the DDL defined them.)
        Value::Member(b, ..) => (b.is_ascii()
            || column_charset(col, rules.table_charset).is_some_and(is_utf8))
        .then(|| b.clone()),
        Value::Time(t) => Some(t.to_string().into_bytes()),
        Value::Double(_) | Value::Null | Value::Temporal(_) | Value::Json(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(ty: ColumnType) -> Column {
        Column::new("c", ty)
    }

    fn rules() -> StoreRules<'static> {
        StoreRules {
            mariadb: false,
            fraction: Fraction::Round,
            client_charset: Some("utf8mb4"),
            table_charset: Some("utf8mb4"),
            row: 1,
            zone: Box::leak(Box::default()),
            strict: true,
        }
    }

    /// Without strict mode (or under INSERT IGNORE) MySQL stores the
    /// nearest value that fits; trailing spaces go in any mode.
    #[test]
    fn non_strict_mode_stores_what_fits() {
        let loose = || StoreRules {
            mariadb: false,
            strict: false,
            ..rules()
        };
        let tiny = col(ColumnType::Int {
            bytes: 1,
            unsigned: true,
        });
        assert_eq!(
            value_cell(&Value::Int(300), &tiny, loose()).unwrap(),
            Cell::UInt(255)
        );
        assert_eq!(
            value_cell(&Value::Int(-5), &tiny, loose()).unwrap(),
            Cell::UInt(0)
        );
        assert!(value_cell(&Value::Int(300), &tiny, rules()).is_err());
        let dec = col(ColumnType::Decimal {
            precision: 5,
            scale: 2,
        });
        let big = Value::Decimal(Decimal::parse("-12345.678").unwrap());
        assert_eq!(
            value_cell(&big, &dec, loose()).unwrap(),
            Cell::Decimal("-999.99".into())
        );
        let vc = col(ColumnType::VarChar {
            len: 3,
            charset: Some("utf8mb4".into()),
        });
        let text = |s: &str| Value::Str(s.as_bytes().to_vec(), Text::TEXT);
        assert_eq!(
            value_cell(&text("héllo"), &vc, loose()).unwrap(),
            Cell::Bytes("hél".as_bytes().to_vec())
        );
        assert!(value_cell(&text("héllo"), &vc, rules()).is_err());
        assert_eq!(
            value_cell(&text("ab    "), &vc, rules()).unwrap(),
            Cell::Bytes(b"ab ".to_vec())
        );
        let mut not_null = col(ColumnType::Int {
            bytes: 4,
            unsigned: false,
        });
        not_null.nullable = false;
        assert_eq!(
            value_cell(&Value::Null, &not_null, loose()).unwrap(),
            Cell::Int(0)
        );
        assert!(value_cell(&Value::Null, &not_null, rules()).is_err());
        let tiny_text = col(ColumnType::Text {
            pack: 1,
            charset: Some("utf8mb4".into()),
        });
        let long = "é".repeat(200);
        let Cell::Bytes(cut) = value_cell(&text(&long), &tiny_text, loose()).unwrap() else {
            panic!("not bytes");
        };
        assert_eq!(cut.len(), 254);
        assert_eq!(
            value_cell(&Value::Int(3000), &col(ColumnType::Year), loose()).unwrap(),
            Cell::Year(0)
        );
    }

    #[test]
    fn values_are_stored_as_mysql_stores_them() {
        let int = col(ColumnType::Int {
            bytes: 1,
            unsigned: false,
        });
        assert_eq!(
            value_cell(&Value::Int(127), &int, rules()).unwrap(),
            Cell::Int(127)
        );
        let dec = |s: &str| Value::Decimal(Decimal::parse(s).unwrap());
        assert_eq!(
            value_cell(&dec("-2.5"), &int, rules()).unwrap(),
            Cell::Int(-3)
        );
        let e = value_cell(&Value::Int(128), &int, rules()).unwrap_err();
        assert!(matches!(e, EvalError::Sql { errno: 1264, .. }), "{e}");
        let d = col(ColumnType::Decimal {
            precision: 5,
            scale: 2,
        });
        assert_eq!(
            value_cell(&dec("1.005"), &d, rules()).unwrap(),
            Cell::Decimal("1.01".into())
        );
        assert_eq!(
            value_cell(&Value::Int(-7), &d, rules()).unwrap(),
            Cell::Decimal("-7.00".into())
        );
        assert!(value_cell(&Value::Int(1000), &d, rules()).is_err());
        let v = col(ColumnType::VarChar {
            len: 3,
            charset: None,
        });
        let s = |x: &str| Value::Str(x.as_bytes().to_vec(), Text::TEXT);
        assert_eq!(
            value_cell(&s("héé"), &v, rules()).unwrap(),
            Cell::Bytes("héé".into())
        );
        let e = value_cell(&s("abcd"), &v, rules()).unwrap_err();
        assert!(matches!(e, EvalError::Sql { errno: 1406, .. }), "{e}");
        let c = col(ColumnType::Char {
            len: 5,
            charset: None,
        });
        assert_eq!(
            value_cell(&s("ab  "), &c, rules()).unwrap(),
            Cell::Bytes("ab".into())
        );
        let mut nn = col(ColumnType::Double);
        nn.nullable = false;
        let e = value_cell(&Value::Null, &nn, rules()).unwrap_err();
        assert!(matches!(e, EvalError::Sql { errno: 1048, .. }), "{e}");
        // A double tie is not rounded by guess.
        assert!(value_cell(&Value::Double(2.5), &int, rules()).is_err());
        let dt = col(ColumnType::DateTime(2));
        assert_eq!(
            value_cell(&s("2024-02-29 10:11:12.125"), &dt, rules()).unwrap(),
            Cell::DateTime {
                year: 2024,
                month: 2,
                day: 29,
                hour: 10,
                minute: 11,
                second: 12,
                micros: 130_000
            }
        );
        assert!(value_cell(&s("2023-02-29"), &dt, rules()).is_err());
        let date = col(ColumnType::Date);
        assert_eq!(
            value_cell(&s("2024-03-01 23:59:59"), &date, rules()).unwrap(),
            Cell::Date {
                year: 2024,
                month: 3,
                day: 1
            }
        );
        let year = col(ColumnType::Year);
        assert_eq!(
            value_cell(&Value::Int(69), &year, rules()).unwrap(),
            Cell::Year(2069)
        );
        assert!(value_cell(&Value::Int(1900), &year, rules()).is_err());
    }
}
