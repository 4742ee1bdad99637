//! DDL from query events applied to the catalog, with MySQL's error
//! numbers when the statement does not fit what the replica holds.

use understudy_sql::{
    AlterOp, ColumnPosition, Ddl, SqlError as ParseError, TableName, TableSchema, parse_ddl,
};
use understudy_store::{Cell, Store, TableEntry, Txn, encode_row};

use super::apply::{Result, SqlError, row_key, store_err};
use super::charsets::with_charset;
use super::convert::default_cell;
use super::{foreign, temporary};
use crate::filters::Filters;

pub use super::charsets::SessionCharsets;

/// Applies the statement of a query event run with default database `db`
/// (already rewritten), unless the replication filters' table stage (or,
/// for a database statement, the named database) leaves it out.
pub fn apply(
    store: &Store,
    txn: &mut Txn,
    sql: &str,
    db: &str,
    filters: &Filters,
    charsets: &SessionCharsets,
    thread: u32,
) -> Result<()> {
    let ddls = parse_ddl(sql, db).map_err(|e| match e {
        ParseError::Parse(m) => SqlError::new(1064, m),
        other => SqlError::new(super::apply::ER_FATAL, other.to_string()),
    })?;
    if !filters.is_empty() && !statement_passes(&ddls, filters) {
        return Ok(());
    }
    for d in ddls {
        one(store, txn, d, charsets, thread)?;
    }
    Ok(())
}

pub(super) use super::charsets::resolve_charsets;

/// The filters' verdict on a statement: database statements by the
/// database they name, the others by the tables they change.
fn statement_passes(ddls: &[Ddl], filters: &Filters) -> bool {
    let mut tables = Vec::new();
    for d in ddls {
        match d {
            Ddl::CreateDatabase { name, .. } | Ddl::DropDatabase { name, .. } => {
                if !filters.database_statement_ok(name) {
                    return false;
                }
            }
            Ddl::CreateTable { table, .. }
            | Ddl::CreateTableLike { table, .. }
            | Ddl::Truncate(table)
            | Ddl::AlterTable { table, .. } => tables.push(table.clone()),
            Ddl::DropTables { tables: t, .. } => tables.extend(t.iter().cloned()),
            Ddl::RenameTables(pairs) => {
                for (from, to) in pairs {
                    tables.push(from.clone());
                    tables.push(to.clone());
                }
            }
            Ddl::Temporary(inner) => match &**inner {
                Ddl::CreateTable { table, .. } | Ddl::CreateTableLike { table, .. } => {
                    tables.push(table.clone());
                }
                Ddl::DropTables { tables: t, .. } => tables.extend(t.iter().cloned()),
                _ => {}
            },
            Ddl::NoData(_) => {}
        }
    }
    tables.is_empty() || filters.tables_ok(&tables)
}

/// ER_TABLE_EXISTS_ERROR.
pub(super) fn exists(name: &str) -> SqlError {
    SqlError::new(1050, format!("Table '{name}' already exists"))
}

/// ER_NO_SUCH_TABLE.
pub(super) fn no_such_table(db: &str, name: &str) -> SqlError {
    SqlError::new(1146, format!("Table '{db}.{name}' doesn't exist"))
}

pub(super) fn table(store: &Store, txn: &Txn, db: &str, name: &str) -> Result<Option<TableEntry>> {
    store.table(Some(txn), db, name).map_err(store_err)
}

/// DROP TABLE of `tables`, each found by `find` (1051 naming those not
/// found, unless IF EXISTS).
pub(super) fn drop_tables(
    store: &Store,
    txn: &mut Txn,
    tables: &[TableName],
    if_exists: bool,
    find: impl Fn(&Store, &Txn, &TableName) -> Result<Option<TableEntry>>,
) -> Result<()> {
    let mut missing = Vec::new();
    for t in tables {
        match find(store, txn, t)? {
            Some(e) => store.drop_table(txn, &e).map_err(store_err)?,
            None => missing.push(format!("{}.{}", t.db, t.name)),
        }
    }
    if !missing.is_empty() && !if_exists {
        return Err(SqlError::new(
            1051,
            format!("Unknown table '{}'", missing.join(",")),
        ));
    }
    Ok(())
}

pub(super) fn need_db(store: &Store, txn: &Txn, db: &str) -> Result<()> {
    if store.database_exists(Some(txn), db).map_err(store_err)? {
        Ok(())
    } else {
        Err(SqlError::new(1049, format!("Unknown database '{db}'")))
    }
}

/// Applies one statement of session `thread` (its pseudo thread id).
fn one(
    store: &Store,
    txn: &mut Txn,
    d: Ddl,
    charsets: &SessionCharsets,
    thread: u32,
) -> Result<()> {
    // DDL other than DROP on a temporary table is not followed yet.
    let on_temporary = |t: &TableName| -> Result<()> {
        match temporary::find(store, txn, thread, t)? {
            Some(_) => Err(SqlError::new(
                super::apply::ER_FATAL,
                format!("DDL on the temporary table {t} is not applied yet"),
            )),
            None => Ok(()),
        }
    };
    match &d {
        Ddl::Truncate(t) | Ddl::AlterTable { table: t, .. } => on_temporary(t)?,
        Ddl::RenameTables(pairs) => {
            for (from, _) in pairs {
                on_temporary(from)?;
            }
        }
        _ => {}
    }
    match d {
        Ddl::Temporary(inner) => temporary::apply(store, txn, thread, *inner, charsets),
        Ddl::CreateDatabase {
            name,
            if_not_exists,
            charset,
            collation,
        } => {
            if store.database_exists(Some(txn), &name).map_err(store_err)? {
                if !if_not_exists {
                    return Err(SqlError::new(
                        1007,
                        format!("Can't create database '{name}'; database exists"),
                    ));
                }
                return Ok(());
            }
            let collation = match collation {
                Some(declared) => charsets.resolve(&declared),
                None => charsets.server_collation.clone(),
            };
            let charset = charset.or_else(|| charsets.server.clone());
            store
                .create_database(txn, &name, charset.as_deref(), collation.as_deref())
                .map_err(store_err)
        }
        Ddl::DropDatabase { name, if_exists } => {
            if !store.database_exists(Some(txn), &name).map_err(store_err)? {
                if !if_exists {
                    return Err(SqlError::new(
                        1008,
                        format!("Can't drop database '{name}'; database doesn't exist"),
                    ));
                }
                return Ok(());
            }
            store.drop_database(txn, &name).map_err(store_err)
        }
        Ddl::CreateTable {
            table: t,
            mut schema,
            if_not_exists,
        } => {
            need_db(store, txn, &t.db)?;
            resolve_charsets(store, txn, &t.db, &mut schema, charsets)?;
            if table(store, txn, &t.db, &t.name)?.is_some() {
                if if_not_exists {
                    return Ok(());
                }
                return Err(exists(&t.name));
            }
            store
                .define_table(txn, &t.db, &t.name, schema, None)
                .map_err(store_err)?;
            Ok(())
        }
        Ddl::CreateTableLike {
            table: t,
            like,
            if_not_exists,
        } => {
            need_db(store, txn, &t.db)?;
            let src = match temporary::find(store, txn, thread, &like)? {
                Some(e) => Some(e),
                None => table(store, txn, &like.db, &like.name)?,
            };
            let Some(src) = src else {
                return Err(no_such_table(&like.db, &like.name));
            };
            if table(store, txn, &t.db, &t.name)?.is_some() {
                if if_not_exists {
                    return Ok(());
                }
                return Err(exists(&t.name));
            }
            // (CREATE TABLE … LIKE copies no foreign keys.)
            let mut schema = src.schema;
            schema.foreign_keys.clear();
            store
                .define_table(txn, &t.db, &t.name, schema, None)
                .map_err(store_err)?;
            Ok(())
        }
        Ddl::DropTables { tables, if_exists } => {
            // A session's temporary table goes first, as in MySQL.
            drop_tables(
                store,
                txn,
                &tables,
                if_exists,
                |store, txn, t| match temporary::find(store, txn, thread, t)? {
                    Some(e) => Ok(Some(e)),
                    None => table(store, txn, &t.db, &t.name),
                },
            )
        }
        Ddl::RenameTables(pairs) => {
            for (from, to) in pairs {
                let Some(e) = table(store, txn, &from.db, &from.name)? else {
                    return Err(no_such_table(&from.db, &from.name));
                };
                if table(store, txn, &to.db, &to.name)?.is_some() {
                    return Err(exists(&to.name));
                }
                need_db(store, txn, &to.db)?;
                store
                    .rename_table(txn, &e, &to.db, &to.name)
                    .map_err(store_err)?;
                foreign::parent_renamed(store, txn, &from, &to)?;
            }
            Ok(())
        }
        Ddl::Truncate(t) => {
            let Some(e) = table(store, txn, &t.db, &t.name)? else {
                return Err(no_such_table(&t.db, &t.name));
            };
            store.retire_rows(txn, e.id).map_err(store_err)?;
            store
                .define_table(txn, &e.db, &e.name, e.schema, None)
                .map_err(store_err)?;
            Ok(())
        }
        Ddl::AlterTable { table: t, ops } => alter(store, txn, &t.db, &t.name, ops, charsets),
        Ddl::NoData(_) => Ok(()),
    }
}

/// Where each new column's value comes from.
#[derive(Debug, Clone)]
enum Source {
    Old(usize),
    Default,
}

fn alter(
    store: &Store,
    txn: &mut Txn,
    db: &str,
    name: &str,
    ops: Vec<AlterOp>,
    charsets: &SessionCharsets,
) -> Result<()> {
    let Some(e) = table(store, txn, db, name)? else {
        return Err(no_such_table(db, name));
    };
    let mut schema: TableSchema = e.schema.clone();
    let mut sources: Vec<Source> = (0..schema.columns.len()).map(Source::Old).collect();
    let mut rebuild = false;
    let mut rename_to = None;
    let bad_field = |c: &str| SqlError::new(1054, format!("Unknown column '{c}' in '{name}'"));
    let pk_names = |s: &TableSchema| -> Vec<String> {
        s.primary_key_names()
            .into_iter()
            .map(str::to_owned)
            .collect()
    };
    let mut pk = pk_names(&schema);
    for op in ops {
        match op {
            AlterOp::AddColumn {
                mut column,
                position,
            } => {
                with_charset(
                    &mut column,
                    schema.charset.as_deref(),
                    schema.collation.as_deref(),
                    charsets,
                );
                if schema.column_index(&column.name).is_some() {
                    return Err(SqlError::new(
                        1060,
                        format!("Duplicate column name '{}'", column.name),
                    ));
                }
                let at =
                    place(&schema, &position).ok_or_else(|| bad_field(&pos_name(&position)))?;
                schema.columns.insert(at, column);
                sources.insert(at, Source::Default);
                rebuild = true;
            }
            AlterOp::DropColumn(c) => {
                let i = schema.column_index(&c).ok_or_else(|| bad_field(&c))?;
                schema.columns.remove(i);
                sources.remove(i);
                pk.retain(|p| !p.eq_ignore_ascii_case(&c));
                schema.index_column_changed(&c, None);
                rebuild = true;
            }
            AlterOp::ChangeColumn {
                old,
                mut column,
                position,
            } => {
                with_charset(
                    &mut column,
                    schema.charset.as_deref(),
                    schema.collation.as_deref(),
                    charsets,
                );
                let i = schema.column_index(&old).ok_or_else(|| bad_field(&old))?;
                let src = sources.remove(i);
                let old_col = schema.columns.remove(i);
                for p in pk.iter_mut() {
                    if p.eq_ignore_ascii_case(&old) {
                        *p = column.name.clone();
                    }
                }
                schema.index_column_changed(&old, Some(&column.name));
                if old_col.ty != column.ty || position != ColumnPosition::Last {
                    rebuild = true;
                }
                let at = match position {
                    ColumnPosition::Last => i,
                    ref p => place(&schema, p).ok_or_else(|| bad_field(&pos_name(p)))?,
                };
                schema.columns.insert(at, column);
                sources.insert(at, src);
            }
            AlterOp::RenameColumn { old, new } => {
                let i = schema.column_index(&old).ok_or_else(|| bad_field(&old))?;
                schema.columns[i].name = new.clone();
                for p in pk.iter_mut() {
                    if p.eq_ignore_ascii_case(&old) {
                        *p = new.clone();
                    }
                }
                schema.index_column_changed(&old, Some(&new));
            }
            AlterOp::SetDefault { column, default } => {
                let i = schema
                    .column_index(&column)
                    .ok_or_else(|| bad_field(&column))?;
                schema.columns[i].default = default;
            }
            AlterOp::AddPrimaryKey(cols) => {
                pk = cols;
                rebuild = true;
            }
            AlterOp::DropPrimaryKey => {
                pk.clear();
                rebuild = true;
            }
            AlterOp::RenameTo(to) => rename_to = Some(to),
            AlterOp::AddIndex(def) => {
                if let Some(c) = def
                    .columns
                    .iter()
                    .find(|c| schema.column_index(c).is_none())
                {
                    return Err(SqlError::new(
                        1072,
                        format!("Key column '{c}' doesn't exist in table"),
                    ));
                }
                schema.add_index(def);
            }
            AlterOp::DropIndex(n) => schema.drop_index(&n),
            AlterOp::DropConstraint(n) => {
                let unique = schema.indexes.as_ref().is_some_and(|l| {
                    l.iter()
                        .any(|i| i.unique && i.name.eq_ignore_ascii_case(&n))
                });
                if unique {
                    schema.drop_index(&n);
                }
                schema.drop_foreign_key(&n);
            }
            AlterOp::AddForeignKey(fk) => schema.add_foreign_key(name, fk),
            // (A name the catalog does not know leaves the keys as they
            // are: more changes are refused, none is missed.)
            AlterOp::DropForeignKey(n) => {
                schema.drop_foreign_key(&n);
            }
        }
    }
    schema.primary_key = pk
        .iter()
        .map(|p| schema.column_index(p).ok_or_else(|| bad_field(p)))
        .collect::<Result<_>>()?;
    for &i in &schema.primary_key {
        schema.columns[i].nullable = false;
    }
    if rebuild || schema.primary_key != e.schema.primary_key {
        let rows = table_rows(store, txn, &e)?;
        store.retire_rows(txn, e.id).map_err(store_err)?;
        let ne = store
            .define_table(txn, db, name, schema, None)
            .map_err(store_err)?;
        // Added columns' values, computed once and only when there are
        // rows to fill (an expression DEFAULT is not evaluated here).
        let defaults: Vec<Option<Cell>> = if rows.is_empty() {
            Vec::new()
        } else {
            ne.schema
                .columns
                .iter()
                .zip(&sources)
                .map(|(c, s)| match s {
                    Source::Default => default_cell(c)
                        .map(Some)
                        .map_err(|e| SqlError::new(1677, e.0)),
                    Source::Old(_) => Ok(None),
                })
                .collect::<Result<_>>()?
        };
        for old in rows {
            let cells = sources
                .iter()
                .zip(&defaults)
                .zip(&ne.schema.columns)
                .map(|((s, d), col)| match s {
                    Source::Old(i) => convert_cell(old.get(*i).cloned().unwrap_or(Cell::Null), col),
                    Source::Default => Ok(d.clone().unwrap_or(Cell::Null)),
                })
                .collect::<Result<Vec<Cell>>>()?;
            let row_id = if ne.schema.primary_key.is_empty() {
                Some(store.next_row_id(txn, ne.id).map_err(store_err)?)
            } else {
                None
            };
            let key = row_key(&ne, &cells, row_id);
            store
                .put_row(txn, key, encode_row(ne.version, &cells))
                .map_err(store_err)?;
        }
    } else if schema != e.schema {
        store
            .define_table(txn, db, name, schema, Some(e.id))
            .map_err(store_err)?;
    }
    if let Some(to) = rename_to {
        let cur = table(store, txn, db, name)?.ok_or_else(|| bad_field(name))?;
        if table(store, txn, &to.db, &to.name)?.is_some() {
            return Err(exists(&to.name));
        }
        store
            .rename_table(txn, &cur, &to.db, &to.name)
            .map_err(store_err)?;
        let from = TableName {
            db: db.to_owned(),
            name: name.to_owned(),
        };
        foreign::parent_renamed(store, txn, &from, &to)?;
    }
    Ok(())
}

fn pos_name(p: &ColumnPosition) -> String {
    match p {
        ColumnPosition::After(c) => c.clone(),
        _ => String::new(),
    }
}

fn place(schema: &TableSchema, p: &ColumnPosition) -> Option<usize> {
    match p {
        // MariaDB keeps a system-versioned table's hidden period columns
        // last.
        ColumnPosition::Last => Some(
            schema
                .system_time
                .as_ref()
                .and_then(|(start, _)| schema.column_index(start))
                .filter(|&i| schema.columns[i].invisible)
                .unwrap_or(schema.columns.len()),
        ),
        ColumnPosition::First => Some(0),
        ColumnPosition::After(c) => schema.column_index(c).map(|i| i + 1),
    }
}

/// A stored cell under a column's new type (MODIFY/CHANGE): integers
/// between signedness and to DOUBLE or text, FLOAT to DOUBLE, and any cell
/// the new type holds as it is. Anything else stops the applier
/// (ER_REPLICA_CONVERSION_FAILED) rather than keep a value the column
/// cannot show.
fn convert_cell(c: Cell, col: &understudy_sql::Column) -> Result<Cell> {
    use understudy_sql::ColumnType as T;
    let text = matches!(col.ty, T::VarChar { .. } | T::Char { .. } | T::Text { .. });
    let out = match (c, &col.ty) {
        (Cell::Int(v), T::Int { unsigned: true, .. }) if v >= 0 => Cell::UInt(v as u64),
        (
            Cell::UInt(v),
            T::Int {
                unsigned: false, ..
            },
        ) if v <= i64::MAX as u64 => Cell::Int(v as i64),
        (Cell::Int(v), T::Double) => Cell::Double(v as f64),
        (Cell::UInt(v), T::Double) => Cell::Double(v as f64),
        (Cell::Float(v), T::Double) => Cell::Double(f64::from(v)),
        (Cell::Decimal(d), T::Decimal { scale, .. })
            if rescale(&d, usize::from(*scale)).is_some() =>
        {
            Cell::Decimal(rescale(&d, usize::from(*scale)).unwrap_or(d))
        }
        (Cell::Int(v), _) if text => Cell::Bytes(v.to_string().into_bytes()),
        (Cell::UInt(v), _) if text => Cell::Bytes(v.to_string().into_bytes()),
        (c, ty) if fits(&c, ty) => c,
        (c, ty) => {
            return Err(SqlError::new(
                1677,
                format!(
                    "Column {} cannot be converted to type '{}' for the value {}",
                    col.name,
                    super::convert::type_name(ty),
                    understudy_store::text::cell_plain(&c)
                ),
            ));
        }
    };
    Ok(out)
}

/// DECIMAL digits with `scale` fraction digits: zeros added, or zeros
/// dropped (`None` when a dropped digit is not zero: MySQL would round).
fn rescale(d: &str, scale: usize) -> Option<String> {
    let (int, frac) = d.split_once('.').unwrap_or((d, ""));
    let mut frac = frac.to_owned();
    if frac.len() > scale {
        if frac[scale..].bytes().any(|c| c != b'0') {
            return None;
        }
        frac.truncate(scale);
    }
    while frac.len() < scale {
        frac.push('0');
    }
    Some(if scale == 0 {
        int.to_owned()
    } else {
        format!("{int}.{frac}")
    })
}

/// Whether a stored cell is a value of the column type as it is.
fn fits(c: &Cell, ty: &understudy_sql::ColumnType) -> bool {
    use understudy_sql::ColumnType as T;
    matches!(
        (c, ty),
        (Cell::Null, _)
            | (
                Cell::Int(_),
                T::Int {
                    unsigned: false,
                    ..
                },
            )
            | (Cell::UInt(_), T::Int { unsigned: true, .. })
            | (Cell::Float(_), T::Float)
            | (Cell::Double(_), T::Double)
            | (
                Cell::Bytes(_),
                T::Char { .. }
                    | T::VarChar { .. }
                    | T::Text { .. }
                    | T::Binary(_)
                    | T::VarBinary(_)
                    | T::Blob { .. }
                    | T::Json
                    | T::Geometry
                    | T::Vector(_),
            )
            | (Cell::Json(_), T::Json)
            | (Cell::Date { .. }, T::Date)
            | (Cell::Time { .. }, T::Time(_))
            | (Cell::DateTime { .. }, T::DateTime(_))
            | (Cell::Timestamp { .. }, T::Timestamp(_))
            | (Cell::Year(_), T::Year)
            | (Cell::Enum(_), T::Enum(_))
            | (Cell::Set(_), T::Set(_))
            | (Cell::Bit(_), T::Bit(_))
    )
}

/// Reads stored rows of a table (for ALTER's rebuild).
pub fn table_rows(store: &Store, txn: &Txn, e: &TableEntry) -> Result<Vec<Vec<Cell>>> {
    store
        .scan(
            Some(txn),
            understudy_store::Family::Rows,
            &understudy_store::keys::table_prefix(e.id),
        )
        .map_err(store_err)?
        .into_iter()
        .map(|(_, v)| Ok(understudy_store::decode_row(&v).map_err(store_err)?.1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use understudy_sql::{Column, ColumnType};

    #[test]
    fn conversions_keep_values_or_refuse() {
        let col = |ty| Column::new("c", ty);
        let dec = col(ColumnType::Decimal {
            precision: 10,
            scale: 3,
        });
        assert_eq!(
            convert_cell(Cell::Decimal("-1.5".into()), &dec),
            Ok(Cell::Decimal("-1.500".into()))
        );
        let dec0 = col(ColumnType::Decimal {
            precision: 10,
            scale: 0,
        });
        assert_eq!(
            convert_cell(Cell::Decimal("2.00".into()), &dec0),
            Ok(Cell::Decimal("2".into()))
        );
        assert_eq!(
            convert_cell(Cell::Decimal("2.50".into()), &dec0).map_err(|e| e.errno),
            Err(1677)
        );
        let uint = col(ColumnType::Int {
            bytes: 8,
            unsigned: true,
        });
        assert_eq!(convert_cell(Cell::Int(5), &uint), Ok(Cell::UInt(5)));
        assert!(convert_cell(Cell::Int(-5), &uint).is_err());
        let text = col(ColumnType::VarChar {
            len: 9,
            charset: None,
        });
        assert_eq!(
            convert_cell(Cell::Int(-5), &text),
            Ok(Cell::Bytes(b"-5".to_vec()))
        );
        let int = col(ColumnType::Int {
            bytes: 4,
            unsigned: false,
        });
        assert!(convert_cell(Cell::Bytes(b"12".to_vec()), &int).is_err());
        assert_eq!(convert_cell(Cell::Null, &int), Ok(Cell::Null));
    }
}
