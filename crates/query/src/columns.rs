//! A replicated column as the engine holds it (an Arrow type) and as a
//! result set describes it (MySQL's type code, length, flags, decimals,
//! collation). Integers, floating point and DECIMAL up to 38 digits are
//! held as numbers; everything else as the text MySQL shows for it
//! (temporal values included: their text orders as they do), so a value
//! read straight from a column is sent exactly as MySQL sends it.

use std::collections::HashMap;

use datafusion::arrow::datatypes::{DataType, Field};
use understudy_mysql_proto::serve::{BINARY_COLLATION, Column, UTF8MB4_0900_AI_CI, flags, types};
use understudy_sql::ColumnType;

/// How a column's values are held in Arrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repr {
    I64,
    U64,
    /// `float`: a FLOAT column (shown with FLOAT's six digits).
    F64 {
        float: bool,
    },
    Dec {
        precision: u8,
        scale: u8,
    },
    /// MySQL's text, UTF-8.
    Str,
    /// Bytes (binary strings, BIT, GEOMETRY, BLOB).
    Bin,
}

pub fn repr(ty: &ColumnType) -> Repr {
    match ty {
        ColumnType::Int {
            unsigned: false, ..
        }
        | ColumnType::Year => Repr::I64,
        ColumnType::Int { unsigned: true, .. } => Repr::U64,
        ColumnType::Float => Repr::F64 { float: true },
        ColumnType::Double => Repr::F64 { float: false },
        ColumnType::Decimal { precision, scale } if *precision <= 38 => Repr::Dec {
            precision: (*precision).max(1),
            scale: *scale,
        },
        ColumnType::Binary(_)
        | ColumnType::VarBinary(_)
        | ColumnType::Blob { .. }
        | ColumnType::Bit(_)
        | ColumnType::Geometry
        | ColumnType::Vector(_) => Repr::Bin,
        _ => Repr::Str,
    }
}

pub fn data_type(r: Repr) -> DataType {
    match r {
        Repr::I64 => DataType::Int64,
        Repr::U64 => DataType::UInt64,
        Repr::F64 { .. } => DataType::Float64,
        Repr::Dec { precision, scale } => DataType::Decimal128(precision, scale as i8),
        Repr::Str => DataType::Utf8,
        Repr::Bin => DataType::Binary,
    }
}

const META: &str = "mysql";
const META_ORIGIN: &str = "mysql.origin";

/// The result-set definition of a table column (its name and origin are
/// filled in when a result names it).
pub fn definition(c: &understudy_sql::schema::Column, primary: bool) -> Column {
    let utf8 = |chars: u64| chars.saturating_mul(4).min(u64::from(u32::MAX)) as u32;
    let text = |t: u8, len: u32| (t, len, UTF8MB4_0900_AI_CI, 0u16, 0u8);
    let bin = |t: u8, len: u32| (t, len, BINARY_COLLATION, flags::BINARY, 0u8);
    let num =
        |t: u8, len: u32, dec: u8| (t, len, BINARY_COLLATION, flags::NUM | flags::BINARY, dec);
    let blob_len = |pack: u8| match pack {
        1 => 255u64,
        2 => 65_535,
        3 => 16_777_215,
        _ => 4_294_967_295,
    };
    let fsp = |f: u8| if f > 0 { u32::from(f) + 1 } else { 0 };
    let (ty, length, collation, extra, decimals) = match &c.ty {
        ColumnType::Int { bytes, unsigned } => {
            let (t, len) = match bytes {
                1 => (types::TINY, 4),
                2 => (types::SHORT, 6),
                3 => (types::INT24, 9),
                4 => (types::LONG, 11),
                _ => (types::LONGLONG, 20),
            };
            let len = if *unsigned && *bytes < 8 {
                len - 1
            } else {
                len
            };
            num(t, len, 0)
        }
        ColumnType::Decimal { precision, scale } => {
            let len = u32::from(*precision) + 1 + u32::from(*scale > 0);
            num(types::NEWDECIMAL, len, *scale)
        }
        ColumnType::Float => num(types::FLOAT, 12, 31),
        ColumnType::Double => num(types::DOUBLE, 22, 31),
        ColumnType::Bit(n) => (
            types::BIT,
            u32::from(*n),
            BINARY_COLLATION,
            flags::UNSIGNED,
            0,
        ),
        ColumnType::Year => num(types::YEAR, 4, 0),
        ColumnType::Date => bin(types::DATE, 10),
        ColumnType::Time(f) => (
            types::TIME,
            10 + fsp(*f),
            BINARY_COLLATION,
            flags::BINARY,
            *f,
        ),
        ColumnType::DateTime(f) => (
            types::DATETIME,
            19 + fsp(*f),
            BINARY_COLLATION,
            flags::BINARY,
            *f,
        ),
        ColumnType::Timestamp(f) => (
            types::TIMESTAMP,
            19 + fsp(*f),
            BINARY_COLLATION,
            flags::BINARY | flags::TIMESTAMP,
            *f,
        ),
        ColumnType::Char { len, .. } => text(types::STRING, utf8(u64::from(*len))),
        ColumnType::VarChar { len, .. } => text(types::VAR_STRING, utf8(u64::from(*len))),
        ColumnType::Binary(n) => bin(types::STRING, *n),
        ColumnType::VarBinary(n) => bin(types::VAR_STRING, *n),
        ColumnType::Text { pack, .. } => {
            let (t, l, coll, _, d) = text(types::BLOB, utf8(blob_len(*pack)));
            (t, l, coll, flags::BLOB, d)
        }
        ColumnType::Blob { pack } => (
            types::BLOB,
            blob_len(*pack) as u32,
            BINARY_COLLATION,
            flags::BLOB | flags::BINARY,
            0,
        ),
        ColumnType::Enum(m) | ColumnType::Set(m) => {
            let w = m
                .iter()
                .map(|s| s.chars().count() as u64)
                .max()
                .unwrap_or(0);
            let flag = if matches!(c.ty, ColumnType::Enum(_)) {
                flags::ENUM
            } else {
                flags::SET
            };
            (types::STRING, utf8(w), UTF8MB4_0900_AI_CI, flag, 0)
        }
        ColumnType::Json => (
            types::JSON,
            u32::MAX,
            BINARY_COLLATION,
            flags::BLOB | flags::BINARY,
            0,
        ),
        ColumnType::Geometry => (
            types::GEOMETRY,
            u32::MAX,
            BINARY_COLLATION,
            flags::BLOB | flags::BINARY,
            0,
        ),
        ColumnType::Vector(n) => bin(types::VAR_STRING, n.saturating_mul(4)),
        ColumnType::Inet4 => text(types::STRING, 15),
        ColumnType::Inet6 => text(types::STRING, 39),
        ColumnType::Uuid => text(types::STRING, 36),
    };
    let mut f = extra;
    if !c.nullable {
        f |= flags::NOT_NULL;
    }
    if primary {
        f |= flags::PRI_KEY;
    }
    if c.ty.is_unsigned() {
        f |= flags::UNSIGNED;
    }
    if c.auto_increment {
        f |= flags::AUTO_INCREMENT;
    }
    Column {
        collation,
        length,
        column_type: ty,
        flags: f,
        decimals,
        ..Column::default()
    }
}

/// The Arrow field of a table column, carrying its MySQL definition.
pub fn field(db: &str, table: &str, c: &understudy_sql::schema::Column, primary: bool) -> Field {
    let d = definition(c, primary);
    let r = repr(&c.ty);
    let float = u8::from(r == Repr::F64 { float: true });
    let meta = HashMap::from([
        (
            META.to_owned(),
            format!(
                "{}:{}:{}:{}:{}:{float}",
                d.column_type, d.length, d.flags, d.decimals, d.collation
            ),
        ),
        (META_ORIGIN.to_owned(), format!("{db}\0{table}\0{}", c.name)),
    ]);
    Field::new(&c.name, data_type(r), true).with_metadata(meta)
}

/// What a result column's field says of where it came from: its MySQL
/// definition (schema, table and original name filled in) and whether
/// it is a FLOAT column. `None` for computed columns.
pub fn from_field(f: &Field) -> Option<(Column, bool)> {
    let m = f.metadata();
    let parts: Vec<&str> = m.get(META)?.split(':').collect();
    let [t, len, fl, dec, coll, float] = parts[..] else {
        return None;
    };
    let mut c = Column {
        column_type: t.parse().ok()?,
        length: len.parse().ok()?,
        flags: fl.parse().ok()?,
        decimals: dec.parse().ok()?,
        collation: coll.parse().ok()?,
        ..Column::default()
    };
    if let Some(o) = m.get(META_ORIGIN) {
        let mut it = o.split('\0');
        c.schema = it.next().unwrap_or_default().to_owned();
        c.org_table = it.next().unwrap_or_default().to_owned();
        c.table = c.org_table.clone();
        c.org_name = it.next().unwrap_or_default().to_owned();
    }
    Some((c, float == "1"))
}
