//! Result batches as MySQL's text protocol has them: a definition per
//! column (a table column's own, or one MySQL would give a computed value
//! of that type) and each value as MySQL prints it.

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{
    DataType, Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    Schema, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use understudy_mysql_proto::serve::{BINARY_COLLATION, Column, UTF8MB4_0900_AI_CI, flags, types};
use understudy_sql::ColumnType;
use understudy_store::Cell;
use understudy_store::text::cell_text;

use crate::columns::from_field;
use crate::error::QueryError;

/// Which row format the result is for. The binary protocol sends a
/// FLOAT as its four bytes, so its text must give them back exactly
/// (Rust's shortest round-trip form), where the text protocol shows
/// MySQL's six digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Text,
    Binary,
}

/// A result set: definitions and text values (`None`: NULL).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Option<Vec<u8>>>>,
}

fn computed(name: &str, dt: &DataType, nullable: bool) -> Column {
    let num = flags::NUM | flags::BINARY;
    let (t, length, collation, f, decimals) = match dt {
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
            (types::LONGLONG, 21, BINARY_COLLATION, num, 0)
        }
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => (
            types::LONGLONG,
            20,
            BINARY_COLLATION,
            num | flags::UNSIGNED,
            0,
        ),
        DataType::Boolean => (types::LONGLONG, 1, BINARY_COLLATION, num, 0),
        DataType::Float16 | DataType::Float32 | DataType::Float64 => {
            (types::DOUBLE, 23, BINARY_COLLATION, num, 31)
        }
        DataType::Decimal128(p, s) | DataType::Decimal256(p, s) => {
            let s = (*s).max(0) as u8;
            (
                types::NEWDECIMAL,
                u32::from(*p) + 2,
                BINARY_COLLATION,
                num,
                s,
            )
        }
        DataType::Null => (types::NULL, 0, BINARY_COLLATION, flags::BINARY, 0),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => {
            (types::VAR_STRING, 0, BINARY_COLLATION, flags::BINARY, 0)
        }
        DataType::Date32 | DataType::Date64 => {
            (types::DATE, 10, BINARY_COLLATION, flags::BINARY, 0)
        }
        DataType::Timestamp(_, _) => (types::DATETIME, 26, BINARY_COLLATION, flags::BINARY, 6),
        _ => (types::VAR_STRING, 0, UTF8MB4_0900_AI_CI, 0, 31),
    };
    Column {
        name: name.to_owned(),
        column_type: t,
        length,
        collation,
        flags: if nullable { f } else { f | flags::NOT_NULL },
        decimals,
        ..Column::default()
    }
}

/// MySQL's text for a DOUBLE (or a FLOAT column's value).
fn double_text(v: f64, float: bool) -> Vec<u8> {
    let c = if float {
        Cell::Float(v as f32)
    } else {
        Cell::Double(v)
    };
    let ty = if float {
        ColumnType::Float
    } else {
        ColumnType::Double
    };
    cell_text(&c, &ty).unwrap_or_default()
}

fn decimal_text(v: i128, scale: i8) -> Vec<u8> {
    if scale <= 0 {
        return v.to_string().into_bytes();
    }
    let s = scale as usize;
    let digits = v.unsigned_abs().to_string();
    let digits = format!("{digits:0>width$}", width = s + 1);
    let (int, frac) = digits.split_at(digits.len() - s);
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{int}.{frac}").into_bytes()
}

/// One column's values, MySQL's text (`year`: a YEAR column, shown with
/// four digits).
fn values(
    a: &dyn Array,
    float: bool,
    year: bool,
    protocol: Protocol,
) -> Result<Vec<Option<Vec<u8>>>, QueryError> {
    let exact = float && protocol == Protocol::Binary;
    let double_text = |v: f64, float: bool| {
        if exact {
            format!("{}", v as f32).into_bytes()
        } else {
            double_text(v, float)
        }
    };
    let n = a.len();
    let mut out = Vec::with_capacity(n);
    macro_rules! each {
        ($t:ty, $f:expr) => {{
            let arr = a.as_primitive::<$t>();
            for i in 0..n {
                out.push((!arr.is_null(i)).then(|| $f(arr.value(i))));
            }
        }};
    }
    let int = |v: i64| {
        if year {
            format!("{v:04}").into_bytes()
        } else {
            v.to_string().into_bytes()
        }
    };
    let uint = |v: u64| v.to_string().into_bytes();
    match a.data_type() {
        DataType::Int8 => each!(Int8Type, |v| int(i64::from(v))),
        DataType::Int16 => each!(Int16Type, |v| int(i64::from(v))),
        DataType::Int32 => each!(Int32Type, |v| int(i64::from(v))),
        DataType::Int64 => each!(Int64Type, int),
        DataType::UInt8 => each!(UInt8Type, |v| uint(u64::from(v))),
        DataType::UInt16 => each!(UInt16Type, |v| uint(u64::from(v))),
        DataType::UInt32 => each!(UInt32Type, |v| uint(u64::from(v))),
        DataType::UInt64 => each!(UInt64Type, uint),
        DataType::Float32 => each!(Float32Type, |v: f32| double_text(f64::from(v), float)),
        DataType::Float64 => each!(Float64Type, |v| double_text(v, float)),
        DataType::Decimal128(_, s) => {
            let s = *s;
            each!(Decimal128Type, |v| decimal_text(v, s))
        }
        DataType::Boolean => {
            let arr = a.as_boolean();
            for i in 0..n {
                out.push((!arr.is_null(i)).then(|| vec![if arr.value(i) { b'1' } else { b'0' }]));
            }
        }
        DataType::Utf8 => {
            let arr = a.as_string::<i32>();
            for i in 0..n {
                out.push((!arr.is_null(i)).then(|| arr.value(i).as_bytes().to_vec()));
            }
        }
        DataType::LargeUtf8 => {
            let arr = a.as_string::<i64>();
            for i in 0..n {
                out.push((!arr.is_null(i)).then(|| arr.value(i).as_bytes().to_vec()));
            }
        }
        DataType::Utf8View => {
            let arr = a.as_string_view();
            for i in 0..n {
                out.push((!arr.is_null(i)).then(|| arr.value(i).as_bytes().to_vec()));
            }
        }
        DataType::Binary => {
            let arr = a.as_binary::<i32>();
            for i in 0..n {
                out.push((!arr.is_null(i)).then(|| arr.value(i).to_vec()));
            }
        }
        DataType::BinaryView => {
            let arr = a.as_binary_view();
            for i in 0..n {
                out.push((!arr.is_null(i)).then(|| arr.value(i).to_vec()));
            }
        }
        DataType::Null => out.extend(std::iter::repeat_n(None, n)),
        _ => {
            let opts = FormatOptions::default();
            let f =
                ArrayFormatter::try_new(a, &opts).map_err(|e| QueryError::Engine(e.to_string()))?;
            for i in 0..n {
                out.push((!a.is_null(i)).then(|| f.value(i).to_string().into_bytes()));
            }
        }
    }
    Ok(out)
}

/// The result of a query as MySQL sends it.
pub fn render(
    schema: &Schema,
    batches: &[RecordBatch],
    protocol: Protocol,
) -> Result<Rows, QueryError> {
    let mut floats = Vec::new();
    let mut years = Vec::new();
    let mut columns: Vec<Column> = schema
        .fields()
        .iter()
        .map(|f| {
            let (mut c, float) = from_field(f)
                .filter(|_| {
                    // A table column's definition holds while its type
                    // is the one the table gave it.
                    matches!(
                        f.data_type(),
                        DataType::Int64
                            | DataType::UInt64
                            | DataType::Float64
                            | DataType::Decimal128(_, _)
                            | DataType::Utf8
                            | DataType::Binary
                    )
                })
                .unwrap_or_else(|| (computed(f.name(), f.data_type(), f.is_nullable()), false));
            c.name = f.name().clone();
            floats.push(float);
            years.push(c.column_type == types::YEAR);
            c
        })
        .collect();
    let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut rows: Vec<Vec<Option<Vec<u8>>>> = Vec::with_capacity(total);
    for b in batches {
        let cols: Vec<Vec<Option<Vec<u8>>>> = b
            .columns()
            .iter()
            .zip(floats.iter().zip(&years))
            .map(|(a, (&float, &year))| values(a.as_ref(), float, year, protocol))
            .collect::<Result<_, _>>()?;
        for i in 0..b.num_rows() {
            rows.push(cols.iter().map(|c| c[i].clone()).collect());
        }
    }
    // Computed strings: as wide as their longest value (MySQL's lengths
    // are in bytes of utf8mb4).
    for (i, c) in columns.iter_mut().enumerate() {
        if c.length == 0 && c.column_type == types::VAR_STRING {
            let w = rows
                .iter()
                .filter_map(|r| r[i].as_ref().map(Vec::len))
                .max()
                .unwrap_or(0);
            let per = if c.collation == BINARY_COLLATION {
                1
            } else {
                4
            };
            c.length = (w * per).min(u32::MAX as usize) as u32;
        }
    }
    Ok(Rows { columns, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_and_doubles_as_mysql_prints_them() {
        assert_eq!(decimal_text(-5, 2), b"-0.05");
        assert_eq!(decimal_text(12345, 2), b"123.45");
        assert_eq!(decimal_text(7, 0), b"7");
        assert_eq!(double_text(0.1 + 0.2, false), b"0.30000000000000004");
        assert_eq!(double_text(1e20, false), b"1e20");
        assert_eq!(double_text(f64::from(1.234_567_f32), true), b"1.23457");
    }
}
