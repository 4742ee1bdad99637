//! Row events: WRITE/UPDATE/DELETE_ROWS v1 (23–25, and the pre-GA 20–22),
//! v2 (30–32), PARTIAL_UPDATE_ROWS_EVENT (39) and MariaDB's compressed
//! variants (166–171).
//!
//! Post-header: `table_id:6 flags:2` (`table_id:4` when the FDE says 6),
//! and in v2 `extra_len:2 extra:[extra_len-2]` (extra row info: NDB data
//! or partition ids, as `tag:1 ...` fields). Body: `width:packed
//! columns:[(width+7)/8]`, for updates a second `columns_after` bitmap,
//! then row images back to back (an update's rows are before/after pairs).
//! A partial update's after image starts with `value_options:packed` and,
//! when PARTIAL_JSON_UPDATES is set, a bitmap of the JSON columns that
//! carry diffs instead of documents. MariaDB's compressed row events hold
//! everything after the bitmaps as a compressed block.

use std::borrow::Cow;

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};
use crate::event::table_map_event::TableMapEvent;
use crate::event_type::*;
use crate::value::ColumnMeta;
use crate::value::column_type::MYSQL_TYPE_JSON;
use crate::value::row::{ColumnValue, count_present, decode_image_counted};

pub const STMT_END_F: u16 = 1;
pub const NO_FOREIGN_KEY_CHECKS_F: u16 = 2;
pub const RELAXED_UNIQUE_CHECKS_F: u16 = 4;
pub const COMPLETE_ROWS_F: u16 = 8;
/// MySQL 9's foreign keys run in the SQL layer, which logs the changes
/// their actions make as rows events of their own.
pub const USE_SQL_FOREIGN_KEY_F: u16 = 0x10;

/// Extra row info tags (v2 rows events).
pub const ROWS_V_EXTRAINFO_TAG: u8 = 0;
pub const ROWS_V_TAG_PART_INFO: u8 = 1;

/// Bit of a partial update's `value_options`.
pub const PARTIAL_JSON_UPDATES: u64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsKind {
    Write,
    Update,
    Delete,
    PartialUpdate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsEvent<'a> {
    pub kind: RowsKind,
    /// 0 = pre-GA (5.1 development trees), 1, or 2.
    pub version: u8,
    /// MariaDB compressed row event.
    pub compressed: bool,
    pub table_id: u64,
    pub flags: u16,
    /// v2 extra row info, without its length field.
    pub extra_data: &'a [u8],
    pub column_count: usize,
    pub columns_before: &'a [u8],
    /// Updates only: columns present in after images.
    pub columns_after: Option<&'a [u8]>,
    /// The row images (decompressed for MariaDB compressed events).
    pub rows: Cow<'a, [u8]>,
}

/// What a rows event type code says about its layout.
pub fn rows_kind(type_code: u8) -> Option<(RowsKind, u8, bool)> {
    Some(match type_code {
        PRE_GA_WRITE_ROWS_EVENT => (RowsKind::Write, 0, false),
        PRE_GA_UPDATE_ROWS_EVENT => (RowsKind::Update, 0, false),
        PRE_GA_DELETE_ROWS_EVENT => (RowsKind::Delete, 0, false),
        WRITE_ROWS_EVENT_V1 => (RowsKind::Write, 1, false),
        UPDATE_ROWS_EVENT_V1 => (RowsKind::Update, 1, false),
        DELETE_ROWS_EVENT_V1 => (RowsKind::Delete, 1, false),
        WRITE_ROWS_EVENT => (RowsKind::Write, 2, false),
        UPDATE_ROWS_EVENT => (RowsKind::Update, 2, false),
        DELETE_ROWS_EVENT => (RowsKind::Delete, 2, false),
        PARTIAL_UPDATE_ROWS_EVENT => (RowsKind::PartialUpdate, 2, false),
        WRITE_ROWS_COMPRESSED_EVENT_V1 => (RowsKind::Write, 1, true),
        UPDATE_ROWS_COMPRESSED_EVENT_V1 => (RowsKind::Update, 1, true),
        DELETE_ROWS_COMPRESSED_EVENT_V1 => (RowsKind::Delete, 1, true),
        WRITE_ROWS_COMPRESSED_EVENT => (RowsKind::Write, 2, true),
        UPDATE_ROWS_COMPRESSED_EVENT => (RowsKind::Update, 2, true),
        DELETE_ROWS_COMPRESSED_EVENT => (RowsKind::Delete, 2, true),
        _ => return None,
    })
}

impl<'a> RowsEvent<'a> {
    #[inline]
    pub fn parse(body: &'a [u8], type_code: u8, post_header_len: usize) -> Result<Self> {
        let (kind, version, compressed) = rows_kind(type_code)
            .ok_or_else(|| DecodeError::invalid("rows event type", format!("{type_code}")))?;
        let mut c = Cursor::new(body);
        let table_id = if post_header_len == 6 {
            u64::from(c.u32("rows table_id")?)
        } else {
            c.uint_n(6, "rows table_id")?
        };
        let flags = c.u16("rows flags")?;
        let mut extra_data: &[u8] = &[];
        let mut used = if post_header_len == 6 { 6 } else { 8 };
        if version == 2 && post_header_len >= 10 {
            let extra_len = usize::from(c.u16("rows extra data length")?);
            if extra_len < 2 {
                return Err(DecodeError::invalid(
                    "rows extra data length",
                    format!("{extra_len}"),
                ));
            }
            extra_data = c.bytes(extra_len - 2, "rows extra data")?;
            used += 2;
        }
        c.skip(post_header_len.saturating_sub(used), "rows post-header")?;
        let column_count = c.packed_len("rows column count")?;
        let bitmap_len = column_count.div_ceil(8);
        let columns_before = c.bytes(bitmap_len, "rows columns bitmap")?;
        // Pre-GA updates use one bitmap for both images.
        let columns_after = match kind {
            RowsKind::Update | RowsKind::PartialUpdate if version > 0 => {
                Some(c.bytes(bitmap_len, "rows after-image bitmap")?)
            }
            _ => None,
        };
        let rest = c.rest();
        let rows = if compressed {
            Cow::Owned(super::mariadb_compression::uncompress(rest)?)
        } else {
            Cow::Borrowed(rest)
        };
        Ok(RowsEvent {
            kind,
            version,
            compressed,
            table_id,
            flags,
            extra_data,
            column_count,
            columns_before,
            columns_after,
            rows,
        })
    }

    /// Iterates over the rows, decoding values with `table`'s column types.
    pub fn rows<'e>(&'e self, table: &'e TableMapEvent<'_>) -> Result<RowIter<'e>> {
        self.rows_with(&table.columns)
    }

    /// Iterates over the rows given the table's columns (from a table map).
    pub fn rows_with<'e>(&'e self, columns: &'e [ColumnMeta]) -> Result<RowIter<'e>> {
        Ok(RowIter {
            dec: self.decoder(columns)?,
        })
    }

    /// Like `rows_with`, decoding into reused buffers.
    pub fn decoder<'e>(&'e self, columns: &'e [ColumnMeta]) -> Result<RowDecoder<'e>> {
        if columns.len() != self.column_count {
            return Err(DecodeError::invalid(
                "rows event",
                format!(
                    "{} columns, but table map {} has {}",
                    self.column_count,
                    self.table_id,
                    columns.len()
                ),
            ));
        }
        Ok(RowDecoder::new(self, columns))
    }
}

/// One row of a rows event: the before image (deletes, updates) and the
/// after image (writes, updates).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row<'e> {
    pub before: Option<Vec<ColumnValue<'e>>>,
    pub after: Option<Vec<ColumnValue<'e>>>,
    /// A partial update's value_options.
    pub value_options: Option<u64>,
}

/// A row borrowed from a `RowDecoder`'s buffers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowRef<'r, 'e> {
    pub before: Option<&'r [ColumnValue<'e>]>,
    pub after: Option<&'r [ColumnValue<'e>]>,
    pub value_options: Option<u64>,
}

/// Decodes a rows event's rows one at a time into buffers it reuses, so
/// that decoding allocates nothing per row:
/// `while let Some(row) = dec.next_row() { let row = row?; … }`.
#[derive(Debug)]
pub struct RowDecoder<'e> {
    ev: &'e RowsEvent<'e>,
    columns: &'e [ColumnMeta],
    cursor: Cursor<'e>,
    n_before: usize,
    n_after: usize,
    after_cols: &'e [u8],
    /// JSON columns of the table (the partial-JSON bitmap's width).
    n_json: usize,
    before: Vec<ColumnValue<'e>>,
    after: Vec<ColumnValue<'e>>,
    failed: bool,
}

impl<'e> RowDecoder<'e> {
    fn new(ev: &'e RowsEvent<'e>, columns: &'e [ColumnMeta]) -> Self {
        let after_cols = ev.columns_after.unwrap_or(ev.columns_before);
        RowDecoder {
            ev,
            columns,
            cursor: Cursor::new(&ev.rows),
            n_before: count_present(columns.len(), ev.columns_before),
            n_after: count_present(columns.len(), after_cols),
            after_cols,
            n_json: columns
                .iter()
                .filter(|m| m.column_type == MYSQL_TYPE_JSON)
                .count(),
            before: Vec::new(),
            after: Vec::new(),
            failed: false,
        }
    }

    /// The next row, or `None` after the last one (or after an error: the
    /// rest cannot be framed).
    pub fn next_row(&mut self) -> Option<Result<RowRef<'_, 'e>>> {
        if self.failed || self.cursor.is_empty() {
            return None;
        }
        let start = self.cursor.position();
        let decoded = self.decode().and_then(|v| {
            // A row of no bytes (no column in its images) would be read
            // again and again: no server writes one.
            if self.cursor.position() == start {
                Err(DecodeError::invalid(
                    "rows event",
                    "a row image with no columns",
                ))
            } else {
                Ok(v)
            }
        });
        match decoded {
            Ok(value_options) => {
                let (b, a) = match self.ev.kind {
                    RowsKind::Write => (None, Some(&self.after[..])),
                    RowsKind::Delete => (Some(&self.before[..]), None),
                    RowsKind::Update | RowsKind::PartialUpdate => {
                        (Some(&self.before[..]), Some(&self.after[..]))
                    }
                };
                Some(Ok(RowRef {
                    before: b,
                    after: a,
                    value_options,
                }))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }

    fn decode(&mut self) -> Result<Option<u64>> {
        let ev = self.ev;
        let c = &mut self.cursor;
        let pre_ga = ev.version == 0;
        let cols = self.columns;
        // The first image: a write's after image, else the before image.
        let first = if ev.kind == RowsKind::Write {
            &mut self.after
        } else {
            &mut self.before
        };
        decode_image_counted(
            c,
            cols,
            ev.columns_before,
            self.n_before,
            None,
            pre_ga,
            first,
        )?;
        if matches!(ev.kind, RowsKind::Write | RowsKind::Delete) {
            return Ok(None);
        }
        let mut partial = None;
        let mut value_options = None;
        if ev.kind == RowsKind::PartialUpdate {
            let opts = c.packed("partial update value options")?;
            value_options = Some(opts);
            if opts & PARTIAL_JSON_UPDATES != 0 {
                // One bit per JSON column of the table, whatever the
                // images hold (seen in MySQL 9.7's MINIMAL images).
                partial = Some(c.bytes(self.n_json.div_ceil(8), "partial JSON bitmap")?);
            }
        }
        let (after_cols, n_after) = (self.after_cols, self.n_after);
        decode_image_counted(
            c,
            cols,
            after_cols,
            n_after,
            partial,
            pre_ga,
            &mut self.after,
        )?;
        Ok(value_options)
    }
}

/// Rows with owned images (see `RowDecoder` for the allocation-free way).
#[derive(Debug)]
pub struct RowIter<'e> {
    dec: RowDecoder<'e>,
}

impl<'e> Iterator for RowIter<'e> {
    type Item = Result<Row<'e>>;
    fn next(&mut self) -> Option<Self::Item> {
        self.dec.next_row().map(|r| {
            r.map(|r| Row {
                before: r.before.map(<[_]>::to_vec),
                after: r.after.map(<[_]>::to_vec),
                value_options: r.value_options,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::column_type::MYSQL_TYPE_LONG;

    /// Found by the file_reader fuzz target: rows whose images hold no
    /// column take no bytes, and were read without end.
    #[test]
    fn rows_of_no_bytes_are_an_error() {
        // WRITE_ROWS v2: table id 1, flags, extra length 2, one column, an
        // empty columns bitmap, then a byte of "rows".
        let body = [1, 0, 0, 0, 0, 0, 1, 0, 2, 0, 1, 0, 0xff];
        let ev = RowsEvent::parse(&body, WRITE_ROWS_EVENT, 10).unwrap();
        let col = ColumnMeta {
            column_type: MYSQL_TYPE_LONG,
            real_type: MYSQL_TYPE_LONG,
            meta: 0,
            length: 4,
            scale: 0,
        };
        let cols = [col];
        let mut dec = ev.decoder(&cols).unwrap();
        assert!(matches!(
            dec.next_row(),
            Some(Err(DecodeError::Invalid { .. }))
        ));
        assert!(dec.next_row().is_none());
    }
}
