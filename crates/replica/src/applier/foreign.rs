//! Foreign keys in statement-based replication. A DELETE or UPDATE of a
//! parent row runs its foreign keys' ON DELETE / ON UPDATE actions in the
//! source's storage engine, and the binlog carries only the statement: a
//! MySQL replica's own engine runs them again. understudy does not run
//! them yet, so a change that would cascade to existing rows (with
//! `foreign_key_checks` on, as the statement's session had it) stops the
//! applier, naming the key, instead of leaving the children behind.

use std::collections::HashSet;

use understudy_sql::collation::Collation;
use understudy_sql::foreign::FkAction;
use understudy_sql::{Column, TableName};
use understudy_store::{Cell, Family, Store, TableEntry, Txn, decode_row, encode_key_cell};

use super::apply::{ER_FATAL, Result, SqlError, store_err};
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

/// Refuses `changes` to rows of `e` when a foreign key whose action
/// changes referencing rows has rows referencing one of them.
pub(super) fn check(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    e: &TableEntry,
    changes: &[Change<'_>],
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
        let mut wanted = HashSet::new();
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
                wanted.insert(v);
            }
        }
        if wanted.is_empty() {
            continue;
        }
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
        let mut referenced = false;
        let mut failed = None;
        let prefix = understudy_store::keys::table_prefix(child.id);
        store
            .for_each(Some(txn), Family::Rows, &prefix, |_, v| {
                let (_, cells) = decode_row(v)?;
                match fk_value(&cells, &ccols, &child.schema.columns) {
                    Ok(Some(key)) if wanted.contains(&key) => referenced = true,
                    Ok(_) => {}
                    Err(err) => failed = Some(err),
                }
                Ok(if referenced || failed.is_some() {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                })
            })
            .map_err(store_err)?;
        if let Some(err) = failed {
            return Err(err);
        }
        if referenced {
            let (what, action) = if changes.iter().any(|(_, n)| n.is_none()) {
                ("DELETE", fk.on_delete)
            } else {
                ("UPDATE", fk.on_update)
            };
            let action = match action {
                FkAction::Cascade => "CASCADE",
                FkAction::SetNull => "SET NULL",
                FkAction::SetDefault => "SET DEFAULT",
                FkAction::Restrict => "RESTRICT",
            };
            return Err(refuse(format!(
                "a change of rows of {}.{} that rows of {}.{} reference through foreign key {} \
                 (ON {what} {action}) is not applied yet: the source's storage engine changed \
                 the referencing rows without logging it",
                e.db, e.name, child.db, child.name, fk.name
            )));
        }
    }
    Ok(())
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
