//! Stored rows to Arrow: each wanted column's cells appended to a builder
//! of the column's [`Repr`](crate::columns::Repr).

use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BinaryBuilder, Decimal128Builder, Float64Builder, Int64Builder, RecordBatch,
    StringBuilder, UInt64Builder,
};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::{DataFusionError, Result};
use understudy_sql::{ColumnType, TableSchema};
use understudy_store::export::current_row;
use understudy_store::text::cell_text;
use understudy_store::{Cell, decode_row};

use crate::columns::{Repr, repr};

enum Builder {
    I64(Int64Builder),
    U64(UInt64Builder),
    F64(Float64Builder),
    Dec(Decimal128Builder, u8),
    Str(StringBuilder),
    Bin(BinaryBuilder),
}

fn bad(what: String) -> DataFusionError {
    DataFusionError::External(what.into())
}

/// DECIMAL text (`-12.3400`, exactly `scale` fraction digits) as the
/// unscaled integer.
fn unscaled(text: &str, scale: u8) -> Option<i128> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut v: i128 = 0;
    for d in int.bytes().chain(
        frac.bytes()
            .chain(std::iter::repeat(b'0'))
            .take(usize::from(scale)),
    ) {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(i128::from(d - b'0'))?;
    }
    Some(if neg { -v } else { v })
}

impl Builder {
    fn new(r: Repr, rows: usize) -> Builder {
        match r {
            Repr::I64 => Builder::I64(Int64Builder::with_capacity(rows)),
            Repr::U64 => Builder::U64(UInt64Builder::with_capacity(rows)),
            Repr::F64 { .. } => Builder::F64(Float64Builder::with_capacity(rows)),
            Repr::Dec { precision, scale } => Builder::Dec(
                Decimal128Builder::with_capacity(rows)
                    .with_precision_and_scale(precision, scale as i8)
                    .unwrap_or_default(),
                scale,
            ),
            Repr::Str => Builder::Str(StringBuilder::with_capacity(rows, rows * 16)),
            Repr::Bin => Builder::Bin(BinaryBuilder::with_capacity(rows, rows * 16)),
        }
    }

    fn push(&mut self, c: &Cell, ty: &ColumnType) -> Result<()> {
        let mismatch = || {
            bad(format!(
                "stored value {c:?} does not fit a column of type {ty:?}"
            ))
        };
        if matches!(c, Cell::Null) {
            match self {
                Builder::I64(b) => b.append_null(),
                Builder::U64(b) => b.append_null(),
                Builder::F64(b) => b.append_null(),
                Builder::Dec(b, _) => b.append_null(),
                Builder::Str(b) => b.append_null(),
                Builder::Bin(b) => b.append_null(),
            }
            return Ok(());
        }
        match (self, c) {
            (Builder::I64(b), Cell::Int(v)) => b.append_value(*v),
            (Builder::I64(b), Cell::Year(v)) => b.append_value(i64::from(*v)),
            (Builder::I64(b), Cell::UInt(v)) => {
                b.append_value(i64::try_from(*v).map_err(|_| mismatch())?)
            }
            (Builder::U64(b), Cell::UInt(v)) => b.append_value(*v),
            (Builder::U64(b), Cell::Int(v)) => {
                b.append_value(u64::try_from(*v).map_err(|_| mismatch())?)
            }
            (Builder::F64(b), Cell::Float(v)) => b.append_value(f64::from(*v)),
            (Builder::F64(b), Cell::Double(v)) => b.append_value(*v),
            (Builder::Dec(b, scale), Cell::Decimal(s)) => {
                b.append_value(unscaled(s, *scale).ok_or_else(mismatch)?);
            }
            (Builder::Str(b), c) => {
                let t = cell_text(c, ty).unwrap_or_default();
                b.append_value(String::from_utf8_lossy(&t));
            }
            (Builder::Bin(b), c) => b.append_value(cell_text(c, ty).unwrap_or_default()),
            _ => return Err(mismatch()),
        }
        Ok(())
    }

    fn finish(self) -> ArrayRef {
        match self {
            Builder::I64(mut b) => Arc::new(b.finish()),
            Builder::U64(mut b) => Arc::new(b.finish()),
            Builder::F64(mut b) => Arc::new(b.finish()),
            Builder::Dec(mut b, _) => Arc::new(b.finish()),
            Builder::Str(mut b) => Arc::new(b.finish()),
            Builder::Bin(mut b) => Arc::new(b.finish()),
        }
    }
}

/// The wanted `columns` (schema positions) of stored rows, as a batch of
/// `out` (their fields). History rows of system-versioned tables are
/// left out, as MySQL's `SELECT` leaves them out.
pub fn rows_to_batch(
    schema: &TableSchema,
    columns: &[usize],
    out: &SchemaRef,
    values: &[Box<[u8]>],
) -> Result<RecordBatch> {
    let mut builders: Vec<Builder> = columns
        .iter()
        .map(|&i| Builder::new(repr(&schema.columns[i].ty), values.len()))
        .collect();
    let mut rows = 0;
    for v in values {
        let (_, cells) = decode_row(v).map_err(|e| bad(e.to_string()))?;
        if !current_row(schema, &cells) {
            continue;
        }
        for (b, &i) in builders.iter_mut().zip(columns) {
            b.push(cells.get(i).unwrap_or(&Cell::Null), &schema.columns[i].ty)?;
        }
        rows += 1;
    }
    let arrays: Vec<ArrayRef> = builders.into_iter().map(Builder::finish).collect();
    if arrays.is_empty() {
        let opts = datafusion::arrow::array::RecordBatchOptions::new().with_row_count(Some(rows));
        return RecordBatch::try_new_with_options(out.clone(), arrays, &opts).map_err(Into::into);
    }
    RecordBatch::try_new(out.clone(), arrays).map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::unscaled;

    #[test]
    fn decimal_text_to_unscaled() {
        assert_eq!(unscaled("-12.3400", 4), Some(-123_400));
        assert_eq!(unscaled("7", 2), Some(700));
        assert_eq!(unscaled("0.05", 2), Some(5));
        assert_eq!(unscaled("1x", 0), None);
    }
}
