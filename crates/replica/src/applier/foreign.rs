//! Foreign keys' actions. A DELETE or UPDATE of a parent row runs its
//! foreign keys' ON DELETE / ON UPDATE actions in the source's storage
//! engine, and the binlog carries only the statement (and MariaDB's row
//! events only the parent's row): a MySQL replica's own engine runs them
//! again, and so does understudy ([`cascade`]), with `foreign_key_checks`
//! on as the source's session had it. (MySQL 9.7 logs the changes its
//! actions make in ROW format, before the parent's row: then nothing
//! references the parent any more and there is nothing left to do.)

use std::collections::HashMap;

use understudy_sql::collation::Collation;
use understudy_sql::foreign::FkAction;
use understudy_sql::{Column, TableName};
use understudy_store::{Cell, Family, Store, TableEntry, Txn, decode_row, encode_key_cell};

use super::apply::{ER_FATAL, Result, SqlError, replace_row, store_err, updated_key};
use super::table_cache::TableCache;

/// A parent row's change: its values before, and after (`None`: deleted).
pub(super) type Change<'a> = (&'a [Cell], Option<&'a [Cell]>);

fn refuse(message: String) -> SqlError {
    SqlError::new(ER_FATAL, message)
}

/// Referenced or referencing values as one comparable key (text by its
/// collation); `None` when one is NULL (it references nothing).
fn fk_value(cells: &[Cell], cols: &[usize], columns: &[Column]) -> Result<Option<Vec<u8>>> {
    let mut out = Vec::new();
    for &i in cols {
        match (&cells[i], columns[i].ty.is_text()) {
            (Cell::Null, _) => return Ok(None),
            (Cell::Bytes(b), true) => {
                let key = columns[i]
                    .collation
                    .as_deref()
                    .map(Collation::named)
                    .and_then(|c| c.sort_key(b))
                    .ok_or_else(|| {
                        refuse(format!(
                            "a foreign key on text column {} under a collation understudy does \
                             not evaluate is not followed yet",
                            columns[i].name
                        ))
                    })?;
                encode_key_cell(&mut out, &Cell::Bytes(key));
            }
            (c, _) => encode_key_cell(&mut out, c),
        }
    }
    Ok(Some(out))
}

/// Whether a foreign key with an action references columns of `e`
/// whose values differ between `old` and `new`.
pub(super) fn moves_referenced(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    e: &TableEntry,
    old: &[Cell],
    new: &[Cell],
) -> Result<bool> {
    for (child, k) in tables.children(store, txn, &e.db, &e.name)? {
        let fk = &child.schema.foreign_keys[k];
        if (fk.on_delete.changes_children() || fk.on_update.changes_children())
            && fk.parent_columns.iter().any(|c| {
                e.schema
                    .column_index(c)
                    .is_none_or(|i| old.get(i) != new.get(i))
            })
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// InnoDB's limit on nested cascades; past it the source fails the
/// statement (3008).
const MAX_CASCADE_DEPTH: usize = 15;

/// The rows of a child table that one change of its parent reaches.
struct Hit {
    key: Vec<u8>,
    cells: Vec<Cell>,
    action: FkAction,
    /// The parent's new values of the key's columns (`None`: deleted).
    new: Option<Vec<Cell>>,
}

/// Runs the ON DELETE / ON UPDATE actions of the foreign keys that
/// reference `e` for `changes` (already written), as InnoDB runs them:
/// CASCADE deletes the referencing rows or gives them the parent's new
/// values, SET NULL empties their key columns, and the rows changed so
/// run their own tables' actions in turn. `avoid`: tables the statement
/// writes from values it read before, which a cascade must not change
/// under it (for the table itself, InnoDB fails such an update, 1451).
pub(super) fn cascade(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    e: &TableEntry,
    changes: &[Change<'_>],
    avoid: &[u32],
) -> Result<()> {
    cascade_at(store, txn, tables, e, changes, avoid, 0)
}

fn cascade_at(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    e: &TableEntry,
    changes: &[Change<'_>],
    avoid: &[u32],
    depth: usize,
) -> Result<()> {
    for (child, k) in tables.children(store, txn, &e.db, &e.name)? {
        let fk = &child.schema.foreign_keys[k];
        if !fk.on_delete.changes_children() && !fk.on_update.changes_children() {
            continue;
        }
        let unknown = |what: &str, c: &str| {
            refuse(format!(
                "foreign key {} of {}.{} names no column {c} of {what}",
                fk.name, child.db, child.name
            ))
        };
        let pcols = fk
            .parent_columns
            .iter()
            .map(|c| {
                e.schema
                    .column_index(c)
                    .ok_or_else(|| unknown("its parent", c))
            })
            .collect::<Result<Vec<usize>>>()?;
        let ccols = fk
            .columns
            .iter()
            .map(|c| {
                child
                    .schema
                    .column_index(c)
                    .ok_or_else(|| unknown("its table", c))
            })
            .collect::<Result<Vec<usize>>>()?;
        // Referenced values that went away → what becomes of them.
        let mut wanted: HashMap<Vec<u8>, (FkAction, Option<Vec<Cell>>)> = HashMap::new();
        for (old, new) in changes {
            let action = if new.is_some() {
                fk.on_update
            } else {
                fk.on_delete
            };
            let moved = new.is_none_or(|n| pcols.iter().any(|&i| n[i] != old[i]));
            if action.changes_children()
                && moved
                && let Some(v) = fk_value(old, &pcols, &e.schema.columns)?
            {
                let values = new.map(|n| pcols.iter().map(|&i| n[i].clone()).collect());
                wanted.insert(v, (action, values));
            }
        }
        if wanted.is_empty() {
            continue;
        }
        let hits = referencing(store, txn, &child, &ccols, &wanted)?;
        if hits.is_empty() {
            continue;
        }
        let name = || {
            format!(
                "{}.{} through foreign key {}",
                child.db, child.name, fk.name
            )
        };
        if depth >= MAX_CASCADE_DEPTH {
            return Err(SqlError::new(
                3008,
                "Foreign key cascade delete/update exceeds max depth of 15.",
            ));
        }
        if avoid.contains(&child.id) {
            return Err(refuse(format!(
                "a foreign key action on rows of {} that the statement itself changes is not \
                 applied (the result would depend on the order of the writes)",
                name()
            )));
        }
        let mut done: Vec<(Vec<Cell>, Option<Vec<Cell>>)> = Vec::with_capacity(hits.len());
        for hit in hits {
            match (hit.action, hit.new) {
                (FkAction::Cascade, None) => {
                    store.delete_row(txn, &hit.key).map_err(store_err)?;
                    done.push((hit.cells, None));
                }
                (FkAction::SetNull | FkAction::Cascade, new) => {
                    let mut after = hit.cells.clone();
                    for (j, &c) in ccols.iter().enumerate() {
                        after[c] = match &new {
                            Some(values) if hit.action == FkAction::Cascade => {
                                if child.schema.columns[c].ty != e.schema.columns[pcols[j]].ty {
                                    return Err(refuse(format!(
                                        "ON UPDATE CASCADE between columns of different types \
                                         ({}) is not applied yet",
                                        name()
                                    )));
                                }
                                values[j].clone()
                            }
                            _ => Cell::Null,
                        };
                    }
                    let new_key = updated_key(&child, &after, &hit.key);
                    replace_row(store, txn, tables, &child, &hit.key, new_key, &after)?;
                    done.push((hit.cells, Some(after)));
                }
                (action, _) => {
                    return Err(refuse(format!(
                        "the foreign key action {} of {} is not applied yet",
                        action.sql(),
                        name()
                    )));
                }
            }
        }
        let changes: Vec<Change<'_>> = done
            .iter()
            .map(|(old, new)| (old.as_slice(), new.as_deref()))
            .collect();
        // A table updated by a cascade must not be updated again by one
        // further down (InnoDB fails that, 1451).
        let mut avoid = avoid.to_vec();
        if done.iter().any(|(_, n)| n.is_some()) {
            avoid.push(child.id);
        }
        cascade_at(store, txn, tables, &child, &changes, &avoid, depth + 1)?;
    }
    Ok(())
}

/// The rows of `child` whose key columns `ccols` hold a wanted value,
/// found before any of them is changed.
fn referencing(
    store: &Store,
    txn: &Txn,
    child: &TableEntry,
    ccols: &[usize],
    wanted: &HashMap<Vec<u8>, (FkAction, Option<Vec<Cell>>)>,
) -> Result<Vec<Hit>> {
    let mut hits = Vec::new();
    let mut failed = None;
    let prefix = understudy_store::keys::table_prefix(child.id);
    store
        .for_each(Some(txn), Family::Rows, &prefix, |key, v| {
            let (_, cells) = decode_row(v)?;
            match fk_value(&cells, ccols, &child.schema.columns) {
                Ok(Some(value)) => {
                    if let Some((action, new)) = wanted.get(&value) {
                        hits.push(Hit {
                            key: key.to_vec(),
                            cells,
                            action: *action,
                            new: new.clone(),
                        });
                    }
                }
                Ok(None) => {}
                Err(err) => {
                    failed = Some(err);
                    return Ok(std::ops::ControlFlow::Break(()));
                }
            }
            Ok(std::ops::ControlFlow::Continue(()))
        })
        .map_err(store_err)?;
    match failed {
        Some(err) => Err(err),
        None => Ok(hits),
    }
}

/// After `from` became `to`: the foreign keys referencing it follow it,
/// as MySQL's do.
pub(super) fn parent_renamed(
    store: &Store,
    txn: &mut Txn,
    from: &TableName,
    to: &TableName,
) -> Result<()> {
    for mut e in store.tables(Some(txn), None).map_err(store_err)? {
        let mut changed = false;
        for fk in &mut e.schema.foreign_keys {
            if fk.references(from) {
                fk.parent = (to.db.clone(), to.name.clone());
                changed = true;
            }
        }
        if changed {
            store
                .define_table(txn, &e.db, &e.name, e.schema, Some(e.id))
                .map_err(store_err)?;
        }
    }
    Ok(())
}
