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
use understudy_store::charset::to_utf8;
use understudy_store::export::current_row;
use understudy_store::text::cell_text;
use understudy_store::{Cell, CellRef, decode_row, row_cells};

use crate::columns::{Repr, repr};

#[derive(Debug)]
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

    /// A cell read in place: strings of a character column go to the
    /// builder without a copy of their own (converted only when not
    /// UTF-8 already); the rest as [`Builder::push`].
    fn push_ref(&mut self, c: CellRef<'_>, ty: &ColumnType) -> Result<()> {
        match (self, c) {
            (b, CellRef::Fixed(c)) => b.push(&c, ty),
            (Builder::Str(b), CellRef::Bytes(v))
                if matches!(
                    ty,
                    ColumnType::Char { .. } | ColumnType::VarChar { .. } | ColumnType::Text { .. }
                ) =>
            {
                let charset = match ty {
                    ColumnType::Char { charset, .. }
                    | ColumnType::VarChar { charset, .. }
                    | ColumnType::Text { charset, .. } => charset.as_deref(),
                    _ => None,
                };
                let u = to_utf8(charset, v);
                match std::str::from_utf8(&u) {
                    Ok(s) => b.append_value(s),
                    Err(_) => b.append_value(String::from_utf8_lossy(&u)),
                }
                Ok(())
            }
            (Builder::Dec(b, scale), CellRef::Decimal(s)) => {
                let v = unscaled(s, *scale).ok_or_else(|| {
                    bad(format!(
                        "stored value {s:?} does not fit a column of type {ty:?}"
                    ))
                })?;
                b.append_value(v);
                Ok(())
            }
            (b, c) => b.push(&c.to_cell(), ty),
        }
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

/// Stored rows into one batch of the wanted columns. Each row's cells are
/// read in place, up to the last wanted column only.
#[derive(Debug)]
pub struct BatchBuilder<'a> {
    schema: &'a TableSchema,
    /// (schema column, builder), by schema column.
    wanted: Vec<(usize, usize)>,
    builders: Vec<Builder>,
    out: SchemaRef,
    rows: usize,
}

impl<'a> BatchBuilder<'a> {
    /// The `columns` (schema positions) of rows of `schema`, as a batch of
    /// `out` (their fields); `rows` is a capacity hint.
    pub fn new(
        schema: &'a TableSchema,
        columns: &[usize],
        out: &SchemaRef,
        rows: usize,
    ) -> BatchBuilder<'a> {
        let builders = columns
            .iter()
            .map(|&i| Builder::new(repr(&schema.columns[i].ty), rows))
            .collect();
        let mut wanted: Vec<(usize, usize)> =
            columns.iter().enumerate().map(|(b, &i)| (i, b)).collect();
        wanted.sort_unstable();
        BatchBuilder {
            schema,
            wanted,
            builders,
            out: out.clone(),
            rows: 0,
        }
    }

    /// Adds a stored row. History rows of system-versioned tables are
    /// left out, as MySQL's `SELECT` leaves them out.
    pub fn push(&mut self, v: &[u8]) -> Result<()> {
        let cols = &self.schema.columns;
        if self.schema.system_time.is_some() {
            let (_, cells) = decode_row(v).map_err(|e| bad(e.to_string()))?;
            if !current_row(self.schema, &cells) {
                return Ok(());
            }
            for &(i, b) in &self.wanted {
                self.builders[b].push(cells.get(i).unwrap_or(&Cell::Null), &cols[i].ty)?;
            }
        } else {
            let (_, mut cells) = row_cells(v).map_err(|e| bad(e.to_string()))?;
            let mut at = 0;
            let mut cell = None;
            for &(i, b) in &self.wanted {
                // Cells up to column i (a row written before a column was
                // added has none for it: NULL).
                while at <= i {
                    cell = cells.next().transpose().map_err(|e| bad(e.to_string()))?;
                    at += 1;
                }
                let c = cell.clone().unwrap_or(CellRef::Fixed(Cell::Null));
                self.builders[b].push_ref(c, &cols[i].ty)?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn finish(self) -> Result<RecordBatch> {
        let arrays: Vec<ArrayRef> = self.builders.into_iter().map(Builder::finish).collect();
        if arrays.is_empty() {
            let opts =
                datafusion::arrow::array::RecordBatchOptions::new().with_row_count(Some(self.rows));
            return RecordBatch::try_new_with_options(self.out, arrays, &opts).map_err(Into::into);
        }
        RecordBatch::try_new(self.out, arrays).map_err(Into::into)
    }
}

/// The wanted `columns` (schema positions) of stored rows, as a batch of
/// `out` (their fields).
pub fn rows_to_batch(
    schema: &TableSchema,
    columns: &[usize],
    out: &SchemaRef,
    values: &[Box<[u8]>],
) -> Result<RecordBatch> {
    let mut b = BatchBuilder::new(schema, columns, out, values.len());
    for v in values {
        b.push(v)?;
    }
    b.finish()
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
