//! TABLE_MAP_EVENT (19): binds a table id to a table's name and column
//! types for the row events that follow.
//!
//! Post-header: `table_id:6 flags:2` (`table_id:4` when the FDE says 6).
//! Body: `db_len:1 db \0 table_len:1 table \0 column_count:packed
//! column_types:[n] metadata_len:packed metadata null_bitmap:[(n+7)/8]`,
//! then optional metadata (MySQL 8.0.1+, MariaDB 10.5+) as
//! `type:1 length:packed value` fields, see `OptionalMetadata`.

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};
use crate::value::column_type::{self as ct, ColumnMeta};

pub const SIGNEDNESS: u8 = 1;
pub const DEFAULT_CHARSET: u8 = 2;
pub const COLUMN_CHARSET: u8 = 3;
pub const COLUMN_NAME: u8 = 4;
pub const SET_STR_VALUE: u8 = 5;
pub const ENUM_STR_VALUE: u8 = 6;
pub const GEOMETRY_TYPE: u8 = 7;
pub const SIMPLE_PRIMARY_KEY: u8 = 8;
pub const PRIMARY_KEY_WITH_PREFIX: u8 = 9;
pub const ENUM_AND_SET_DEFAULT_CHARSET: u8 = 10;
pub const ENUM_AND_SET_COLUMN_CHARSET: u8 = 11;
pub const COLUMN_VISIBILITY: u8 = 12;
pub const VECTOR_DIMENSIONALITY: u8 = 13;

/// Charsets as stored: a default collation and the columns that differ,
/// or one collation per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Charsets {
    Default {
        default: u64,
        exceptions: Vec<(u64, u64)>,
    },
    PerColumn(Vec<u64>),
}

/// The optional metadata a table map may carry (binlog_row_metadata).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionalMetadata<'a> {
    /// One bit per numeric column, most significant bit first; set = UNSIGNED.
    pub signedness: Option<&'a [u8]>,
    pub charsets: Option<Charsets>,
    pub enum_set_charsets: Option<Charsets>,
    pub column_names: Option<Vec<&'a [u8]>>,
    pub set_str_values: Option<Vec<Vec<&'a [u8]>>>,
    pub enum_str_values: Option<Vec<Vec<&'a [u8]>>>,
    pub geometry_types: Option<Vec<u64>>,
    /// (column index, prefix length; 0 = whole column)
    pub primary_key: Option<Vec<(u64, u64)>>,
    /// One bit per column, most significant bit first; set = visible.
    pub visibility: Option<&'a [u8]>,
    pub vector_dimensions: Option<Vec<u64>>,
    /// Field types this decoder does not know, kept raw.
    pub unknown: Vec<(u8, &'a [u8])>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableMapEvent<'a> {
    pub table_id: u64,
    pub flags: u16,
    pub database: &'a [u8],
    pub table: &'a [u8],
    pub column_types: &'a [u8],
    /// Raw per-column metadata bytes, as stored.
    pub metadata_raw: &'a [u8],
    pub columns: Vec<ColumnMeta>,
    pub null_bitmap: &'a [u8],
    pub optional: OptionalMetadata<'a>,
    /// The optional-metadata bytes, as stored.
    pub optional_raw: &'a [u8],
}

impl<'a> TableMapEvent<'a> {
    pub fn parse(body: &'a [u8], post_header_len: usize) -> Result<Self> {
        let mut t = TableMapEvent::default();
        t.read(body, post_header_len)?;
        Ok(t)
    }

    /// `parse`, decoding straight into the box the event is kept in.
    #[inline]
    pub fn parse_boxed(body: &'a [u8], post_header_len: usize) -> Result<Box<Self>> {
        let mut t = Box::<TableMapEvent<'a>>::default();
        t.read(body, post_header_len)?;
        Ok(t)
    }

    /// Decodes into `self` (which must be empty).
    #[inline]
    fn read(&mut self, body: &'a [u8], post_header_len: usize) -> Result<()> {
        let t = self;
        let mut c = Cursor::new(body);
        t.table_id = if post_header_len == 6 {
            u64::from(c.u32("table map table_id")?)
        } else {
            c.uint_n(6, "table map table_id")?
        };
        t.flags = c.u16("table map flags")?;
        c.skip(post_header_len.saturating_sub(8), "table map post-header")?;
        t.database = c.str_u8("table map database")?;
        c.skip(1, "table map database terminator")?;
        t.table = c.str_u8("table map table")?;
        c.skip(1, "table map table terminator")?;
        let n = c.packed_len("table map column count")?;
        t.column_types = c.bytes(n, "table map column types")?;
        if c.is_empty() && post_header_len == 6 {
            // Pre-GA 5.1 table maps (6-byte post-header) stop here: no
            // metadata, no NULL bitmap.
            t.columns = ct::pre_ga_column_metadata(t.column_types)?;
            return Ok(());
        }
        let meta_len = c.packed_len("table map metadata length")?;
        t.metadata_raw = c.bytes(meta_len, "table map metadata")?;
        t.columns = ct::parse_column_metadata(t.column_types, t.metadata_raw)?;
        t.null_bitmap = c.bytes(n.div_ceil(8), "table map null bitmap")?;
        t.optional_raw = c.rest();
        t.optional.read(t.optional_raw)?;
        Ok(())
    }

    pub fn column_count(&self) -> usize {
        self.column_types.len()
    }

    pub fn is_nullable(&self, col: usize) -> bool {
        self.null_bitmap
            .get(col / 8)
            .is_some_and(|b| b & (1 << (col % 8)) != 0)
    }
}

impl<'a> OptionalMetadata<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        let mut m = OptionalMetadata::default();
        m.read(bytes)?;
        Ok(m)
    }

    /// `parse` into `self` (which must be empty), where it is kept.
    #[inline]
    fn read(&mut self, bytes: &'a [u8]) -> Result<()> {
        let m = self;
        let mut c = Cursor::new(bytes);
        while !c.is_empty() {
            let kind = c.u8("optional metadata type")?;
            let len = c.packed_len("optional metadata length")?;
            let value = c.bytes(len, "optional metadata value")?;
            let mut v = Cursor::new(value);
            match kind {
                SIGNEDNESS => m.signedness = Some(value),
                DEFAULT_CHARSET => m.charsets = Some(parse_default_charset(&mut v)?),
                COLUMN_CHARSET => m.charsets = Some(Charsets::PerColumn(packed_list(&mut v)?)),
                ENUM_AND_SET_DEFAULT_CHARSET => {
                    m.enum_set_charsets = Some(parse_default_charset(&mut v)?)
                }
                ENUM_AND_SET_COLUMN_CHARSET => {
                    m.enum_set_charsets = Some(Charsets::PerColumn(packed_list(&mut v)?))
                }
                COLUMN_NAME => {
                    let mut names = Vec::new();
                    while !v.is_empty() {
                        let l = v.packed_len("column name length")?;
                        names.push(v.bytes(l, "column name")?);
                    }
                    m.column_names = Some(names);
                }
                SET_STR_VALUE | ENUM_STR_VALUE => {
                    let mut cols = Vec::new();
                    while !v.is_empty() {
                        let count = v.packed_len("enum/set value count")?;
                        let mut vals = Vec::with_capacity(count.min(v.remaining()));
                        for _ in 0..count {
                            let l = v.packed_len("enum/set value length")?;
                            vals.push(v.bytes(l, "enum/set value")?);
                        }
                        cols.push(vals);
                    }
                    if kind == SET_STR_VALUE {
                        m.set_str_values = Some(cols);
                    } else {
                        m.enum_str_values = Some(cols);
                    }
                }
                GEOMETRY_TYPE => m.geometry_types = Some(packed_list(&mut v)?),
                SIMPLE_PRIMARY_KEY => {
                    let mut pk = Vec::new();
                    while !v.is_empty() {
                        pk.push((v.packed("primary key column")?, 0));
                    }
                    m.primary_key = Some(pk);
                }
                PRIMARY_KEY_WITH_PREFIX => {
                    let mut pk = Vec::new();
                    while !v.is_empty() {
                        pk.push((
                            v.packed("primary key column")?,
                            v.packed("primary key prefix")?,
                        ));
                    }
                    m.primary_key = Some(pk);
                }
                COLUMN_VISIBILITY => m.visibility = Some(value),
                VECTOR_DIMENSIONALITY => m.vector_dimensions = Some(packed_list(&mut v)?),
                other => m.unknown.push((other, value)),
            }
        }
        Ok(())
    }
}

fn packed_list(c: &mut Cursor<'_>) -> Result<Vec<u64>> {
    let mut out = Vec::new();
    while !c.is_empty() {
        out.push(c.packed("optional metadata list item")?);
    }
    Ok(out)
}

fn parse_default_charset(c: &mut Cursor<'_>) -> Result<Charsets> {
    if c.is_empty() {
        return Err(DecodeError::invalid("default charset metadata", "empty"));
    }
    let default = c.packed("default charset")?;
    let mut exceptions = Vec::new();
    while !c.is_empty() {
        exceptions.push((
            c.packed("charset column index")?,
            c.packed("charset collation")?,
        ));
    }
    Ok(Charsets::Default {
        default,
        exceptions,
    })
}
