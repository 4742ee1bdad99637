//! Duplicates as the source finds them: the rows an inserted row
//! collides with on the primary key or a unique key, for `INSERT IGNORE`,
//! `REPLACE` and `ON DUPLICATE KEY UPDATE`.

use std::collections::HashMap;

use understudy_sql::ColumnType;
use understudy_store::{Cell, Family, Store, TableEntry, Txn, decode_row, encode_key_cell};

use super::super::apply::{ER_FATAL, Result, SqlError, row_key, store_err};

/// The table's unique keys besides the primary key, and which row holds
/// each key value: read once per statement by a scan, kept up to date
/// as the statement writes.
pub(super) struct Uniques {
    /// Each unique key's columns.
    keys: Vec<Vec<usize>>,
    /// Per key: its encoded value → the row key holding it.
    taken: Vec<HashMap<Vec<u8>, Vec<u8>>>,
}

/// A row the statement collides with: its key and its values.
pub(super) type Found = (Vec<u8>, Vec<Cell>);

fn refuse(what: String) -> SqlError {
    SqlError::new(ER_FATAL, what)
}

/// Whether two values of `ty` can be the same key while their bytes
/// differ (text under a collation that ignores case or trailing
/// spaces).
fn collated(ty: &ColumnType) -> bool {
    match ty {
        ColumnType::Char { charset, .. }
        | ColumnType::VarChar { charset, .. }
        | ColumnType::Text { charset, .. } => charset.as_deref() != Some("binary"),
        _ => false,
    }
}

impl Uniques {
    /// The unique keys of `e`, with the rows that hold them, or an error
    /// when duplicates cannot be decided exactly.
    pub(super) fn load(store: &Store, txn: &Txn, e: &TableEntry) -> Result<Self> {
        let what = |why: &str| {
            refuse(format!(
                "INSERT IGNORE, REPLACE and ON DUPLICATE KEY UPDATE on {}.{} are not applied \
                 yet: {why}",
                e.db, e.name
            ))
        };
        let s = &e.schema;
        let Some(indexes) = s.indexes.as_ref() else {
            return Err(what(
                "its unique keys are not known (its catalog entry predates them)",
            ));
        };
        if let Some(&i) = s.primary_key.iter().find(|&&i| collated(&s.columns[i].ty)) {
            return Err(what(&format!(
                "its primary key has text column {} (duplicates follow the collation)",
                s.columns[i].name
            )));
        }
        let mut keys = Vec::new();
        for ix in indexes.iter().filter(|i| i.unique) {
            if !ix.whole {
                return Err(what(&format!(
                    "unique key {} is on a prefix or expression",
                    ix.name
                )));
            }
            let cols = ix
                .columns
                .iter()
                .map(|c| {
                    s.column_index(c)
                        .ok_or_else(|| what(&format!("unique key {} names no column {c}", ix.name)))
                })
                .collect::<Result<Vec<usize>>>()?;
            if let Some(&i) = cols.iter().find(|&&i| collated(&s.columns[i].ty)) {
                return Err(what(&format!(
                    "unique key {} has text column {} (duplicates follow the collation)",
                    ix.name, s.columns[i].name
                )));
            }
            keys.push(cols);
        }
        let mut u = Uniques {
            taken: vec![HashMap::new(); keys.len()],
            keys,
        };
        if !u.keys.is_empty() {
            // One pass over the table, holding its key values only.
            let prefix = understudy_store::keys::table_prefix(e.id);
            store
                .for_each(Some(txn), Family::Rows, &prefix, |key, v| {
                    let (_, cells) = decode_row(v)?;
                    u.added(&cells, key);
                    Ok(std::ops::ControlFlow::Continue(()))
                })
                .map_err(store_err)?;
        }
        Ok(u)
    }

    /// Key `k`'s value in `cells`; `None` when a part is NULL (NULLs
    /// never collide).
    fn value(&self, k: usize, cells: &[Cell]) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        for &i in &self.keys[k] {
            let c = cells.get(i)?;
            if matches!(c, Cell::Null) {
                return None;
            }
            encode_key_cell(&mut out, c);
        }
        Some(out)
    }

    /// A row stored under `key`.
    pub(super) fn added(&mut self, cells: &[Cell], key: &[u8]) {
        for k in 0..self.keys.len() {
            if let Some(v) = self.value(k, cells) {
                self.taken[k].insert(v, key.to_vec());
            }
        }
    }

    /// A row gone from under `key`.
    pub(super) fn removed(&mut self, cells: &[Cell], key: &[u8]) {
        for k in 0..self.keys.len() {
            if let Some(v) = self.value(k, cells)
                && self.taken[k].get(&v).is_some_and(|held| held == key)
            {
                self.taken[k].remove(&v);
            }
        }
    }

    /// The distinct rows `cells` collides with: on the primary key
    /// first, then on each unique key in the order they were made.
    pub(super) fn collisions(
        &self,
        store: &Store,
        txn: &Txn,
        e: &TableEntry,
        cells: &[Cell],
    ) -> Result<Vec<Found>> {
        let mut found: Vec<Found> = Vec::new();
        let add = |key: Vec<u8>, found: &mut Vec<Found>| -> Result<()> {
            if found.iter().any(|(k, _)| *k == key) {
                return Ok(());
            }
            if let Some(v) = store
                .get(Some(txn), Family::Rows, &key)
                .map_err(store_err)?
            {
                let (_, old) = decode_row(&v).map_err(store_err)?;
                found.push((key, old));
            }
            Ok(())
        };
        if !e.schema.primary_key.is_empty() {
            add(row_key(e, cells, None), &mut found)?;
        }
        for k in 0..self.keys.len() {
            if let Some(held) = self.value(k, cells).and_then(|v| self.taken[k].get(&v)) {
                add(held.clone(), &mut found)?;
            }
        }
        Ok(found)
    }
}
