//! Row-image values into stored cells, the table map checked against the
//! catalog's schema, and the values a column takes when a row image does
//! not carry it (DEFAULT, the implicit default).

use understudy_binlog::value::column_type::*;
use understudy_binlog::value::decimal::decode_decimal;
use understudy_binlog::value::{ColumnMeta, Value};
use understudy_sql::{Column, ColumnType, DefaultValue};
use understudy_store::Cell;

/// Why a value could not be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError(pub String);

/// The stored cell for a row-image value of column `col`.
pub fn cell(v: &Value<'_>, col: &Column) -> Result<Cell, ConvertError> {
    if col.compressed
        && let Value::String(b) | Value::Blob(b) = *v
    {
        return Ok(Cell::Bytes(
            super::column_compression::decompress(b).map_err(ConvertError)?,
        ));
    }
    let ty = &col.ty;
    Ok(match *v {
        Value::Null => Cell::Null,
        Value::Int { value, .. } => {
            if ty.is_unsigned() {
                Cell::UInt(v.unsigned().unwrap_or(value as u64))
            } else {
                Cell::Int(value)
            }
        }
        Value::Float(f) => Cell::Float(f),
        Value::Double(d) => Cell::Double(d),
        Value::Decimal {
            bytes,
            precision,
            scale,
        } => {
            let (d, _) = decode_decimal(bytes, precision, scale)
                .map_err(|e| ConvertError(format!("DECIMAL value: {e}")))?;
            Cell::Decimal(d.to_string())
        }
        Value::Year(y) => Cell::Year(if y == 0 { 0 } else { 1900 + u16::from(y) }),
        Value::Date(d) => Cell::Date {
            year: d.year,
            month: d.month,
            day: d.day,
        },
        Value::Time { time, .. } => Cell::Time {
            negative: time.negative,
            hours: time.hours,
            minutes: time.minutes,
            seconds: time.seconds,
            micros: time.micros,
        },
        Value::DateTime { datetime: d, .. } => Cell::DateTime {
            year: d.year,
            month: d.month,
            day: d.day,
            hour: d.hour,
            minute: d.minute,
            second: d.second,
            micros: d.micros,
        },
        Value::Timestamp {
            seconds, micros, ..
        } => Cell::Timestamp { seconds, micros },
        Value::String(b) | Value::Blob(b) => {
            if matches!(ty, ColumnType::Char { .. }) {
                // CHAR values are stored without their padding, as InnoDB
                // returns them.
                let end = b.iter().rposition(|&c| c != b' ').map_or(0, |i| i + 1);
                Cell::Bytes(b[..end].to_vec())
            } else {
                Cell::Bytes(b.to_vec())
            }
        }
        Value::Enum(i) => Cell::Enum(i),
        Value::Set(m) => Cell::Set(m),
        Value::Bit(b) => {
            if b.len() > 8 {
                return Err(ConvertError(format!("BIT value of {} bytes", b.len())));
            }
            Cell::Bit(b.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x)))
        }
        Value::Json(b) => Cell::Json(b.to_vec()),
        Value::JsonDiff(_) => {
            return Err(ConvertError(
                "partial JSON updates (binlog_row_value_options=PARTIAL_JSON) are not applied yet"
                    .into(),
            ));
        }
        Value::Geometry(b) | Value::Vector(b) => Cell::Bytes(b.to_vec()),
    })
}

/// MySQL's name of a table-map column type, for error texts.
pub fn binlog_type_name(m: &ColumnMeta) -> &'static str {
    match m.real_type {
        MYSQL_TYPE_TINY => "tinyint",
        MYSQL_TYPE_SHORT => "smallint",
        MYSQL_TYPE_INT24 => "mediumint",
        MYSQL_TYPE_LONG => "int",
        MYSQL_TYPE_LONGLONG => "bigint",
        MYSQL_TYPE_FLOAT => "float",
        MYSQL_TYPE_DOUBLE => "double",
        MYSQL_TYPE_NEWDECIMAL => "decimal",
        MYSQL_TYPE_YEAR => "year",
        MYSQL_TYPE_DATE | MYSQL_TYPE_NEWDATE => "date",
        MYSQL_TYPE_TIME | MYSQL_TYPE_TIME2 => "time",
        MYSQL_TYPE_DATETIME | MYSQL_TYPE_DATETIME2 => "datetime",
        MYSQL_TYPE_TIMESTAMP | MYSQL_TYPE_TIMESTAMP2 => "timestamp",
        MYSQL_TYPE_VARCHAR | MYSQL_TYPE_VAR_STRING => "varchar",
        MYSQL_TYPE_STRING => "char",
        MYSQL_TYPE_ENUM => "enum",
        MYSQL_TYPE_SET => "set",
        MYSQL_TYPE_BIT => "bit",
        MYSQL_TYPE_JSON => "json",
        MYSQL_TYPE_BLOB | MYSQL_TYPE_TINY_BLOB | MYSQL_TYPE_MEDIUM_BLOB | MYSQL_TYPE_LONG_BLOB => {
            "blob"
        }
        MYSQL_TYPE_GEOMETRY => "geometry",
        MYSQL_TYPE_VECTOR => "vector",
        MYSQL_TYPE_VARCHAR_COMPRESSED => "varchar compressed",
        MYSQL_TYPE_BLOB_COMPRESSED => "blob compressed",
        _ => "unknown",
    }
}

/// MySQL's name of a declared type, for error texts.
pub fn type_name(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Int { bytes, unsigned } => {
            let n = match bytes {
                1 => "tinyint",
                2 => "smallint",
                3 => "mediumint",
                4 => "int",
                _ => "bigint",
            };
            if *unsigned {
                format!("{n} unsigned")
            } else {
                n.to_owned()
            }
        }
        ColumnType::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
        ColumnType::Float => "float".into(),
        ColumnType::Double => "double".into(),
        ColumnType::Bit(n) => format!("bit({n})"),
        ColumnType::Year => "year".into(),
        ColumnType::Date => "date".into(),
        ColumnType::Time(_) => "time".into(),
        ColumnType::DateTime(_) => "datetime".into(),
        ColumnType::Timestamp(_) => "timestamp".into(),
        ColumnType::Char { len, .. } => format!("char({len})"),
        ColumnType::VarChar { len, .. } => format!("varchar({len})"),
        ColumnType::Binary(n) => format!("binary({n})"),
        ColumnType::VarBinary(n) => format!("varbinary({n})"),
        ColumnType::Text { .. } => "text".into(),
        ColumnType::Blob { .. } => "blob".into(),
        ColumnType::Enum(_) => "enum".into(),
        ColumnType::Set(_) => "set".into(),
        ColumnType::Json => "json".into(),
        ColumnType::Geometry => "geometry".into(),
        ColumnType::Vector(_) => "vector".into(),
        ColumnType::Inet4 => "inet4".into(),
        ColumnType::Inet6 => "inet6".into(),
        ColumnType::Uuid => "uuid".into(),
    }
}

/// Whether a table-map column can hold the declared type's values (the
/// same family, and for numbers and DECIMAL the same width/precision).
pub fn compatible(m: &ColumnMeta, ty: &ColumnType) -> bool {
    let t = m.real_type;
    match ty {
        ColumnType::Int { bytes, .. } => {
            let w = match t {
                MYSQL_TYPE_TINY => 1,
                MYSQL_TYPE_SHORT => 2,
                MYSQL_TYPE_INT24 => 3,
                MYSQL_TYPE_LONG => 4,
                MYSQL_TYPE_LONGLONG => 8,
                _ => return false,
            };
            w == *bytes
        }
        ColumnType::Decimal { precision, scale } => {
            t == MYSQL_TYPE_NEWDECIMAL && m.length == u32::from(*precision) && m.scale == *scale
        }
        ColumnType::Float => t == MYSQL_TYPE_FLOAT,
        ColumnType::Double => t == MYSQL_TYPE_DOUBLE,
        ColumnType::Bit(_) => t == MYSQL_TYPE_BIT,
        ColumnType::Year => t == MYSQL_TYPE_YEAR,
        ColumnType::Date => matches!(t, MYSQL_TYPE_DATE | MYSQL_TYPE_NEWDATE),
        ColumnType::Time(_) => matches!(t, MYSQL_TYPE_TIME | MYSQL_TYPE_TIME2),
        ColumnType::DateTime(_) => matches!(t, MYSQL_TYPE_DATETIME | MYSQL_TYPE_DATETIME2),
        ColumnType::Timestamp(_) => matches!(t, MYSQL_TYPE_TIMESTAMP | MYSQL_TYPE_TIMESTAMP2),
        ColumnType::Char { .. } | ColumnType::Binary(_) => t == MYSQL_TYPE_STRING,
        ColumnType::VarChar { .. } | ColumnType::VarBinary(_) => matches!(
            t,
            MYSQL_TYPE_VARCHAR | MYSQL_TYPE_VAR_STRING | MYSQL_TYPE_VARCHAR_COMPRESSED
        ),
        ColumnType::Text { .. } | ColumnType::Blob { .. } => {
            is_blob(t) || t == MYSQL_TYPE_BLOB_COMPRESSED
        }
        ColumnType::Enum(_) => t == MYSQL_TYPE_ENUM,
        ColumnType::Set(_) => t == MYSQL_TYPE_SET,
        // MariaDB's JSON is LONGTEXT.
        ColumnType::Json => t == MYSQL_TYPE_JSON || is_blob(t),
        ColumnType::Geometry => t == MYSQL_TYPE_GEOMETRY,
        ColumnType::Vector(_) => t == MYSQL_TYPE_VECTOR,
        // MariaDB writes them as BINARY(4) and BINARY(16).
        ColumnType::Inet4 | ColumnType::Inet6 | ColumnType::Uuid => {
            t == MYSQL_TYPE_STRING
                && ty
                    .fixed_binary_text()
                    .is_some_and(|n| m.length as usize == n)
        }
    }
}

fn is_blob(t: u8) -> bool {
    matches!(
        t,
        MYSQL_TYPE_BLOB | MYSQL_TYPE_TINY_BLOB | MYSQL_TYPE_MEDIUM_BLOB | MYSQL_TYPE_LONG_BLOB
    )
}

/// The value a column gets when a row image leaves it out (MINIMAL
/// inserts) or an ALTER adds it to existing rows.
pub fn default_cell(col: &Column) -> Result<Cell, ConvertError> {
    match &col.default {
        DefaultValue::Null => Ok(Cell::Null),
        DefaultValue::None if col.nullable => Ok(Cell::Null),
        DefaultValue::None => Ok(implicit_default(&col.ty)),
        DefaultValue::Literal(s) => literal_cell(s, &col.ty).ok_or_else(|| {
            ConvertError(format!(
                "DEFAULT '{s}' of column {} ({})",
                col.name,
                type_name(&col.ty)
            ))
        }),
        DefaultValue::Expression(e) => Err(ConvertError(format!(
            "DEFAULT {e} of column {} is an expression the replica does not evaluate",
            col.name
        ))),
    }
}

/// MySQL's implicit default of a NOT NULL column without DEFAULT.
pub(super) fn implicit_default(ty: &ColumnType) -> Cell {
    match ty {
        ColumnType::Int { unsigned: true, .. } => Cell::UInt(0),
        ColumnType::Int { .. } => Cell::Int(0),
        ColumnType::Decimal { scale, .. } => Cell::Decimal(if *scale == 0 {
            "0".into()
        } else {
            format!("0.{}", "0".repeat(usize::from(*scale)))
        }),
        ColumnType::Float => Cell::Float(0.0),
        ColumnType::Double => Cell::Double(0.0),
        ColumnType::Bit(_) => Cell::Bit(0),
        ColumnType::Year => Cell::Year(0),
        ColumnType::Date => Cell::Date {
            year: 0,
            month: 0,
            day: 0,
        },
        ColumnType::Time(_) => Cell::Time {
            negative: false,
            hours: 0,
            minutes: 0,
            seconds: 0,
            micros: 0,
        },
        ColumnType::DateTime(_) => Cell::DateTime {
            year: 0,
            month: 0,
            day: 0,
            hour: 0,
            minute: 0,
            second: 0,
            micros: 0,
        },
        ColumnType::Timestamp(_) => Cell::Timestamp {
            seconds: 0,
            micros: 0,
        },
        ColumnType::Binary(n) => Cell::Bytes(vec![0; *n as usize]),
        ColumnType::Inet4 | ColumnType::Inet6 | ColumnType::Uuid => {
            Cell::Bytes(vec![0; ty.fixed_binary_text().unwrap_or(0)])
        }
        ColumnType::Enum(_) => Cell::Enum(1),
        ColumnType::Set(_) => Cell::Set(0),
        ColumnType::Json => Cell::Null,
        _ => Cell::Bytes(Vec::new()),
    }
}

/// A constant DEFAULT as a cell of the column's type; `None` when the
/// replica cannot read it.
fn literal_cell(s: &str, ty: &ColumnType) -> Option<Cell> {
    Some(match ty {
        ColumnType::Int { unsigned: true, .. } => Cell::UInt(s.trim().parse().ok()?),
        ColumnType::Int { .. } => Cell::Int(s.trim().parse().ok()?),
        ColumnType::Float => Cell::Float(s.trim().parse().ok()?),
        ColumnType::Double => Cell::Double(s.trim().parse().ok()?),
        ColumnType::Decimal { scale, .. } => {
            let v: f64 = s.trim().parse().ok()?;
            Cell::Decimal(format!("{v:.*}", usize::from(*scale)))
        }
        ColumnType::Char { .. } => Cell::Bytes(s.trim_end_matches(' ').as_bytes().to_vec()),
        ColumnType::VarChar { .. }
        | ColumnType::Text { .. }
        | ColumnType::VarBinary(_)
        | ColumnType::Blob { .. } => Cell::Bytes(s.as_bytes().to_vec()),
        ColumnType::Binary(n) => {
            let mut b = s.as_bytes().to_vec();
            b.resize((*n as usize).max(b.len()), 0);
            Cell::Bytes(b)
        }
        ColumnType::Enum(members) => Cell::Enum(
            members
                .iter()
                .position(|m| m.eq_ignore_ascii_case(s))
                .map(|i| i as u16 + 1)?,
        ),
        ColumnType::Year => Cell::Year(s.trim().parse().ok()?),
        _ => return None,
    })
}
