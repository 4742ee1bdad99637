//! Duplicates as the source finds them: the rows an inserted row
//! collides with on the primary key or a unique key, for `INSERT IGNORE`,
//! `REPLACE` and `ON DUPLICATE KEY UPDATE`.

use std::collections::HashMap;

use understudy_sql::collation::Collation;
use understudy_sql::{Column, ColumnType};
use understudy_store::{Cell, Family, Store, TableEntry, Txn, decode_row, encode_key_cell};

use super::super::apply::{ER_FATAL, Result, SqlError, row_key, store_err};

/// The table's unique keys besides the primary key (and the primary key
/// when it holds text, whose duplicates follow the collation, not the
/// stored bytes), and which row holds each key value: read once per
/// statement by a scan, kept up to date as the statement writes.
pub(super) struct Uniques {
    /// Each unique key's columns, with the collation of text ones.
    keys: Vec<Vec<(usize, Option<Collation>)>>,
    /// Whether `keys[0]` is the primary key.
    primary: bool,
    /// Per key: its encoded value → the row key holding it.
    taken: Vec<HashMap<Vec<u8>, Vec<u8>>>,
}

/// A row the statement collides with: its key and its values.
pub(super) type Found = (Vec<u8>, Vec<Cell>);

fn refuse(what: String) -> SqlError {
    SqlError::new(ER_FATAL, what)
}

/// A key column's collation: `None` for a column whose values are equal
/// exactly when their bytes are, the collation of a text column, an
/// error naming the column when understudy does not know its collation.
fn key_part(c: &Column) -> std::result::Result<Option<Collation>, String> {
    match &c.ty {
        ColumnType::Char { charset, .. }
        | ColumnType::VarChar { charset, .. }
        | ColumnType::Text { charset, .. }
            if charset.as_deref() != Some("binary") =>
        {
            match c.collation.as_deref().map(Collation::named) {
                Some(Collation::Unknown) | None => Err(format!(
                    "text column {} under a collation understudy does not evaluate \
                     (duplicates follow the collation)",
                    c.name
                )),
                Some(k) => Ok(Some(k)),
            }
        }
        _ => Ok(None),
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
        let parts = |cols: &[usize]| -> Result<Vec<(usize, Option<Collation>)>> {
            cols.iter()
                .map(|&i| Ok((i, key_part(&s.columns[i]).map_err(|w| what(&w))?)))
                .collect()
        };
        let mut keys = Vec::new();
        let pk = parts(&s.primary_key)?;
        let primary = pk.iter().any(|(_, c)| c.is_some());
        if primary {
            keys.push(pk);
        }
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
            keys.push(parts(&cols)?);
        }
        let mut u = Uniques {
            taken: vec![HashMap::new(); keys.len()],
            keys,
            primary,
        };
        if !u.keys.is_empty() {
            // One pass over the table, holding its key values only.
            let prefix = understudy_store::keys::table_prefix(e.id);
            let mut failed = None;
            store
                .for_each(Some(txn), Family::Rows, &prefix, |key, v| {
                    let (_, cells) = decode_row(v)?;
                    Ok(match u.added(&cells, key) {
                        Ok(()) => std::ops::ControlFlow::Continue(()),
                        Err(err) => {
                            failed = Some(err);
                            std::ops::ControlFlow::Break(())
                        }
                    })
                })
                .map_err(store_err)?;
            if let Some(err) = failed {
                return Err(err);
            }
        }
        Ok(u)
    }

    /// Key `k`'s value in `cells` (text as its collation's sort key);
    /// `None` when a part is NULL (NULLs never collide).
    fn value(&self, k: usize, cells: &[Cell]) -> Result<Option<Vec<u8>>> {
        let mut out = Vec::new();
        for &(i, collation) in &self.keys[k] {
            let Some(c) = cells.get(i) else {
                return Ok(None);
            };
            match (c, collation) {
                (Cell::Null, _) => return Ok(None),
                (Cell::Bytes(b), Some(coll)) => {
                    let key = coll.sort_key(b).ok_or_else(|| {
                        refuse(format!(
                            "a unique key value '{}' with characters its collation's tables \
                             do not answer for is not applied",
                            String::from_utf8_lossy(b)
                        ))
                    })?;
                    encode_key_cell(&mut out, &Cell::Bytes(key));
                }
                (c, _) => encode_key_cell(&mut out, c),
            }
        }
        Ok(Some(out))
    }

    /// A row stored under `key`.
    pub(super) fn added(&mut self, cells: &[Cell], key: &[u8]) -> Result<()> {
        for k in 0..self.keys.len() {
            if let Some(v) = self.value(k, cells)? {
                self.taken[k].insert(v, key.to_vec());
            }
        }
        Ok(())
    }

    /// A row gone from under `key`.
    pub(super) fn removed(&mut self, cells: &[Cell], key: &[u8]) -> Result<()> {
        for k in 0..self.keys.len() {
            if let Some(v) = self.value(k, cells)?
                && self.taken[k].get(&v).is_some_and(|held| held == key)
            {
                self.taken[k].remove(&v);
            }
        }
        Ok(())
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
        if !e.schema.primary_key.is_empty() && !self.primary {
            add(row_key(e, cells, None), &mut found)?;
        }
        for k in 0..self.keys.len() {
            if let Some(held) = self.value(k, cells)?.and_then(|v| self.taken[k].get(&v)) {
                add(held.clone(), &mut found)?;
            }
        }
        Ok(found)
    }
}
