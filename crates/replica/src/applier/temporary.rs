//! The source's temporary tables under statement-based replication: each
//! session's own, named by the statements after its CREATE TEMPORARY
//! TABLE in front of any real table of that name. They are kept in the
//! catalog under a database name no real database can have
//! (`#temp/<pseudo thread id>/<db>`: MySQL names cannot hold `/`), so
//! they commit with the transactions that use them. All of them go when
//! the source restarts (a format description with its create time set),
//! as a MySQL replica closes its temporary tables then.

use std::sync::Arc;

use understudy_sql::{Ddl, TableName, TableSchema};
use understudy_store::{Store, TableEntry, Txn};

use super::apply::{ER_FATAL, Result, SqlError, store_err};
use super::ddl::{self, SessionCharsets};
use super::table_cache::TableCache;

const PREFIX: &str = "#temp/";

/// The catalog database of session `thread`'s temporary tables in `db`.
pub fn database(thread: u32, db: &str) -> String {
    format!("{PREFIX}{thread}/{db}")
}

/// Whether a catalog database holds temporary tables (left out of
/// verify and listings).
pub fn is_temporary(db: &str) -> bool {
    db.starts_with(PREFIX)
}

/// The table a statement of session `thread` means by `t`: its
/// temporary table of that name if it has one, else the real table.
pub fn resolve(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    thread: u32,
    t: &TableName,
) -> Result<Option<Arc<TableEntry>>> {
    if tables.any_temporary(store, txn, PREFIX)?
        && let Some(e) = tables.get(store, txn, &database(thread, &t.db), &t.name)?
    {
        return Ok(Some(e));
    }
    tables.get(store, txn, &t.db, &t.name)
}

/// Session `thread`'s temporary table `t`, if it has one.
pub fn find(store: &Store, txn: &Txn, thread: u32, t: &TableName) -> Result<Option<TableEntry>> {
    store
        .table(Some(txn), &database(thread, &t.db), &t.name)
        .map_err(store_err)
}

/// Drops every session's temporary tables (the source restarted).
pub fn drop_all(store: &Store, txn: &mut Txn) -> Result<()> {
    for e in store.tables(Some(txn), None).map_err(store_err)? {
        if is_temporary(&e.db) {
            store.drop_table(txn, &e).map_err(store_err)?;
        }
    }
    Ok(())
}

/// CREATE TEMPORARY TABLE (columns or LIKE) and DROP TEMPORARY TABLE of
/// session `thread`.
pub fn apply(
    store: &Store,
    txn: &mut Txn,
    thread: u32,
    d: Ddl,
    charsets: &SessionCharsets,
) -> Result<()> {
    match d {
        Ddl::CreateTable {
            table: t,
            mut schema,
            if_not_exists,
        } => {
            ddl::need_db(store, txn, &t.db)?;
            ddl::resolve_charsets(store, txn, &t.db, &mut schema, charsets)?;
            create(store, txn, thread, &t, schema, if_not_exists)
        }
        Ddl::CreateTableLike {
            table: t,
            like,
            if_not_exists,
        } => {
            ddl::need_db(store, txn, &t.db)?;
            let src = match find(store, txn, thread, &like)? {
                Some(e) => e,
                None => ddl::table(store, txn, &like.db, &like.name)?
                    .ok_or_else(|| ddl::no_such_table(&like.db, &like.name))?,
            };
            create(store, txn, thread, &t, src.schema, if_not_exists)
        }
        Ddl::DropTables { tables, if_exists } => {
            ddl::drop_tables(store, txn, &tables, if_exists, |store, txn, t| {
                find(store, txn, thread, t)
            })
        }
        other => Err(SqlError::new(
            ER_FATAL,
            format!("a temporary-table statement not applied yet: {other:?}"),
        )),
    }
}

fn create(
    store: &Store,
    txn: &mut Txn,
    thread: u32,
    t: &TableName,
    schema: TableSchema,
    if_not_exists: bool,
) -> Result<()> {
    if find(store, txn, thread, t)?.is_some() {
        if if_not_exists {
            return Ok(());
        }
        return Err(ddl::exists(&t.name));
    }
    store
        .define_table(txn, &database(thread, &t.db), &t.name, schema, None)
        .map_err(store_err)?;
    Ok(())
}
