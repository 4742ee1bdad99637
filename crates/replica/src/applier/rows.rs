//! One row of a rows event applied to the store: inserted, or found by
//! its primary key and updated or deleted.
//!
//! A row deleted or updated while rows of other tables reference it
//! through a foreign key with an action: when the source logs what the
//! action did (MySQL 9.7, whose events carry `USE_SQL_FOREIGN_KEY_F`),
//! those rows are in the binlog; when it does not (MariaDB, older
//! MySQL), the applier runs the action ([`super::foreign`]).

use understudy_binlog::event::rows_event::{NO_FOREIGN_KEY_CHECKS_F, USE_SQL_FOREIGN_KEY_F};
use understudy_binlog::event::{RowsEvent, RowsKind};
use understudy_binlog::value::ColumnValue;
use understudy_store::{Cell, Store, TableEntry, Txn, encode_row};

use super::apply::{
    ER_FATAL, Result, SqlError, after_value, conv_err, dup_entry, find, image_cells, not_found,
    replace_row, row_key, set_after, store_err, updated_key,
};
use super::convert;
use super::foreign;
use super::policy::ExecMode;
use super::table_cache::TableCache;

/// Whether a rows event deletes or updates rows of a table that foreign
/// keys with actions reference, with the checks on, from a source that
/// did not log what the actions did (MySQL 9's events say it did with
/// `USE_SQL_FOREIGN_KEY_F`; its REPLACE of a row by the primary key even
/// logs a delete whose actions it did not run).
pub(super) fn referenced(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    e: &TableEntry,
    rows: &RowsEvent<'_>,
) -> Result<bool> {
    if rows.kind == RowsKind::Write
        || rows.flags & (NO_FOREIGN_KEY_CHECKS_F | USE_SQL_FOREIGN_KEY_F) != 0
    {
        return Ok(false);
    }
    Ok(tables
        .children(store, txn, &e.db, &e.name)?
        .iter()
        .any(|(c, k)| {
            let fk = &c.schema.foreign_keys[*k];
            fk.on_delete.changes_children() || fk.on_update.changes_children()
        }))
}

/// The error for row changes of a table without a primary key that
/// foreign keys with actions reference.
pub(super) fn keyless_parent(e: &TableEntry) -> SqlError {
    SqlError::new(
        ER_FATAL,
        format!(
            "row changes of {}.{}, which has no primary key and which foreign keys with \
             ON DELETE / ON UPDATE actions reference, are not applied yet",
            e.db, e.name
        ),
    )
}

/// One row of a rows event applied (`parent`: foreign keys with actions
/// reference the table, see [`referenced`]).
#[allow(clippy::too_many_arguments)]
pub(super) fn apply_row(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    e: &TableEntry,
    (kind, parent): (RowsKind, bool),
    before: Option<&[ColumnValue<'_>]>,
    after: Option<&[ColumnValue<'_>]>,
    mode: ExecMode,
) -> Result<()> {
    // IDEMPOTENT writes a row over one with its key.
    let overwrite = mode != ExecMode::Strict;
    match kind {
        RowsKind::Write => {
            let image = after.unwrap_or_default();
            let cols = &e.schema.columns;
            let cells = if image.len() == cols.len()
                && image.iter().enumerate().all(|(i, cv)| cv.index == i)
            {
                // A full image (the common case): each value in order.
                image
                    .iter()
                    .zip(cols)
                    .map(|(cv, col)| convert::cell(&cv.value, col).map_err(conv_err))
                    .collect::<Result<Vec<Cell>>>()?
            } else {
                // Columns the image leaves out (MINIMAL) take their
                // DEFAULT.
                let mut cells: Vec<Option<Cell>> = vec![None; cols.len()];
                for (i, c) in image_cells(e, image)? {
                    cells[i] = Some(c);
                }
                cells
                    .into_iter()
                    .zip(cols)
                    .map(|(c, col)| match c {
                        Some(c) => Ok(c),
                        None => convert::default_cell(col).map_err(conv_err),
                    })
                    .collect::<Result<Vec<Cell>>>()?
            };
            let row_id = if e.schema.primary_key.is_empty() {
                Some(store.next_row_id(txn, e.id).map_err(store_err)?)
            } else {
                None
            };
            let key = row_key(e, &cells, row_id);
            if row_id.is_none()
                && !overwrite
                && tables.may_exist(store, txn, e.id, &key)?
                && store
                    .exists(txn, understudy_store::Family::Rows, &key)
                    .map_err(store_err)?
            {
                return Err(dup_entry(e, &cells));
            }
            tables.wrote(e.id, &key);
            store
                .put_row(txn, key, encode_row(e.version, &cells))
                .map_err(store_err)
        }
        RowsKind::Update | RowsKind::PartialUpdate => {
            let before = image_cells(e, before.unwrap_or_default())?;
            let (old_key, mut cells) = find(store, txn, e, &before)?.ok_or_else(|| not_found(e))?;
            let old = parent.then(|| cells.clone());
            for cv in after.unwrap_or_default() {
                if let Some(a) = after_value(e, cv)? {
                    set_after(e, &mut cells, cv.index, a)?;
                }
            }
            let new_key = updated_key(e, &cells, &old_key);
            if mode == ExecMode::Converge && new_key != old_key {
                // A clone's catch-up: a row at the new key is written over.
                store.delete_row(txn, &new_key).map_err(store_err)?;
            }
            replace_row(store, txn, tables, e, &old_key, new_key, &cells)?;
            match old {
                Some(old) => {
                    foreign::cascade(store, txn, tables, e, &[(&old, Some(&cells))], &[e.id])
                }
                None => Ok(()),
            }
        }
        RowsKind::Delete => {
            let before = image_cells(e, before.unwrap_or_default())?;
            let (key, old) = find(store, txn, e, &before)?.ok_or_else(|| not_found(e))?;
            store.delete_row(txn, &key).map_err(store_err)?;
            if parent {
                foreign::cascade(store, txn, tables, e, &[(&old, None)], &[])?;
            }
            Ok(())
        }
    }
}
