//! A table map against the schema the replica holds for its table: the
//! column types always, and — when the source wrote them
//! (`binlog_row_metadata`) — the column names, the signedness of integer
//! columns and the character sets of character columns. A mismatch stops
//! the applier (ER_REPLICA_CONVERSION_FAILED, 1677) rather than store
//! values under the wrong column, sign or character set.
//!
//! As MySQL allows ("replication with differing table definitions"),
//! either side may have more columns at the end; only the columns both
//! have are compared.

use understudy_binlog::event::TableMapEvent;
use understudy_binlog::event::table_map_event::Charsets;
use understudy_binlog::format_description_event::FormatDescription;
use understudy_binlog::value::ColumnMeta;
use understudy_binlog::value::column_type::*;
use understudy_sql::ColumnType;
use understudy_store::TableEntry;

use super::apply::{Result, SqlError};
use super::convert::{binlog_type_name, compatible, type_name};

fn mismatch(e: &TableEntry, what: String) -> SqlError {
    SqlError::new(1677, format!("Table '{}.{}': {what}", e.db, e.name))
}

/// Numeric columns, in the table map's signedness bits.
fn numeric(m: &ColumnMeta) -> bool {
    matches!(
        m.real_type,
        MYSQL_TYPE_TINY
            | MYSQL_TYPE_SHORT
            | MYSQL_TYPE_INT24
            | MYSQL_TYPE_LONG
            | MYSQL_TYPE_LONGLONG
            | MYSQL_TYPE_FLOAT
            | MYSQL_TYPE_DOUBLE
            | MYSQL_TYPE_NEWDECIMAL
            | MYSQL_TYPE_DECIMAL
    )
}

/// Character columns, in the table map's charset list (ENUM and SET have
/// their own).
fn character(m: &ColumnMeta) -> bool {
    matches!(
        m.real_type,
        MYSQL_TYPE_STRING
            | MYSQL_TYPE_VAR_STRING
            | MYSQL_TYPE_VARCHAR
            | MYSQL_TYPE_BLOB
            | MYSQL_TYPE_TINY_BLOB
            | MYSQL_TYPE_MEDIUM_BLOB
            | MYSQL_TYPE_LONG_BLOB
            | MYSQL_TYPE_VARCHAR_COMPRESSED
            | MYSQL_TYPE_BLOB_COMPRESSED
    )
}

/// A character set's name as the replica compares it (`utf8` is
/// `utf8mb3`).
fn normal(cs: &str) -> String {
    let cs = cs.to_ascii_lowercase();
    if cs == "utf8" { "utf8mb3".into() } else { cs }
}

/// The character set of a collation id, in the source flavor's numbering.
fn charset_of(id: u64, fde: &FormatDescription) -> Option<String> {
    let table = if fde.server_version.contains("MariaDB") {
        understudy_dumper::collations::mariadb()
    } else {
        understudy_dumper::collations::mysql()
    };
    let id = u16::try_from(id).ok()?;
    table
        .binary_search_by_key(&id, |&(i, _, _)| i)
        .ok()
        .map(|i| normal(table[i].1))
}

/// What the schema says a character column's character set is (`None`:
/// not known).
fn schema_charset(ty: &ColumnType) -> Option<String> {
    match ty {
        ColumnType::Char { charset, .. }
        | ColumnType::VarChar { charset, .. }
        | ColumnType::Text { charset, .. } => charset.as_deref().map(normal),
        ColumnType::Binary(_) | ColumnType::VarBinary(_) | ColumnType::Blob { .. } => {
            Some("binary".into())
        }
        _ => None,
    }
}

pub(super) fn check_map(
    tm: &TableMapEvent<'_>,
    e: &TableEntry,
    fde: &FormatDescription,
) -> Result<()> {
    let cols = &e.schema.columns;
    for (i, (m, c)) in tm.columns.iter().zip(cols).enumerate() {
        if !compatible(m, &c.ty) {
            return Err(mismatch(
                e,
                format!(
                    "column {i} cannot be converted from type '{}' to type '{}'",
                    binlog_type_name(m),
                    type_name(&c.ty)
                ),
            ));
        }
        let compressed = matches!(
            m.real_type,
            MYSQL_TYPE_VARCHAR_COMPRESSED | MYSQL_TYPE_BLOB_COMPRESSED
        );
        if compressed != c.compressed {
            let word = |x: bool| if x { "compressed" } else { "not compressed" };
            return Err(mismatch(
                e,
                format!(
                    "column {i} ({}) is {} on the source but {} on the replica",
                    c.name,
                    word(compressed),
                    word(c.compressed)
                ),
            ));
        }
    }
    let o = &tm.optional;
    if let Some(names) = &o.column_names {
        for (i, (n, c)) in names.iter().zip(cols).enumerate() {
            if !n.eq_ignore_ascii_case(c.name.as_bytes()) {
                return Err(mismatch(
                    e,
                    format!(
                        "column {i} is '{}' on the source but '{}' on the replica",
                        String::from_utf8_lossy(n),
                        c.name
                    ),
                ));
            }
        }
    }
    if let Some(bits) = o.signedness {
        let numeric_cols = tm
            .columns
            .iter()
            .zip(cols)
            .enumerate()
            .filter(|(_, (m, _))| numeric(m));
        for (bit, (i, (_, c))) in numeric_cols.enumerate() {
            let Some(&byte) = bits.get(bit / 8) else {
                break;
            };
            let unsigned = byte & (0x80 >> (bit % 8)) != 0;
            if let ColumnType::Int { unsigned: mine, .. } = c.ty
                && mine != unsigned
            {
                let word = |u: bool| if u { "unsigned" } else { "signed" };
                return Err(mismatch(
                    e,
                    format!(
                        "column {i} ({}) is {} on the source but {} on the replica",
                        c.name,
                        word(unsigned),
                        word(mine)
                    ),
                ));
            }
        }
    }
    if let Some(charsets) = &o.charsets {
        let character_cols: Vec<usize> = tm
            .columns
            .iter()
            .enumerate()
            .filter(|(_, m)| character(m))
            .map(|(i, _)| i)
            .collect();
        for (n, &i) in character_cols.iter().enumerate() {
            let id = match charsets {
                Charsets::PerColumn(ids) => ids.get(n).copied(),
                Charsets::Default {
                    default,
                    exceptions,
                } => Some(
                    exceptions
                        .iter()
                        .find(|(k, _)| *k as usize == n)
                        .map_or(*default, |(_, id)| *id),
                ),
            };
            let (Some(c), Some(id)) = (cols.get(i), id) else {
                continue;
            };
            if let (Some(source), Some(mine)) = (charset_of(id, fde), schema_charset(&c.ty))
                && source != mine
            {
                return Err(mismatch(
                    e,
                    format!(
                        "column {i} ({}) is in character set {source} on the source but {mine} on the replica",
                        c.name
                    ),
                ));
            }
        }
    }
    Ok(())
}
