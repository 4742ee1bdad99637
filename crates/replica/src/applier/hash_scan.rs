//! Updates and deletes on a table without a primary key, as MySQL's
//! replica does them by default (`replica_rows_search_algorithms`
//! HASH_SCAN): the event's before images are hashed, the table is read
//! once, and each stored row is matched against them — instead of one
//! scan of the table per row. Each image takes a different stored row
//! (a table without a key may hold equal rows), all matched against the
//! table as it was before the event, then the changes are applied in the
//! event's order.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::ControlFlow;

use understudy_binlog::event::{RowsEvent, RowsKind};
use understudy_binlog::value::ColumnMeta;
use understudy_store::keys::table_prefix;
use understudy_store::{Cell, Family, Store, TableEntry, Txn, decode_row, encode_row};

use super::apply::{
    After, Result, SqlError, after_value, image_cells, not_found, same_value, set_after, store_err,
};

/// A row of the event: what to look for, what to set.
struct Wanted {
    before: Vec<(usize, Cell)>,
    after: Vec<(usize, After)>,
}

/// A hash of the cells an image names (JSON is left out: it compares as
/// documents, whose bytes may differ).
fn hash_cells<'a>(cells: impl Iterator<Item = &'a Cell>) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for c in cells {
        match c {
            Cell::Null => 0u8.hash(&mut h),
            Cell::Int(v) => v.hash(&mut h),
            Cell::UInt(v) | Cell::Set(v) | Cell::Bit(v) => v.hash(&mut h),
            Cell::Float(v) => v.to_bits().hash(&mut h),
            Cell::Double(v) => v.to_bits().hash(&mut h),
            Cell::Decimal(s) => s.hash(&mut h),
            Cell::Bytes(b) => b.hash(&mut h),
            Cell::Json(_) => 1u8.hash(&mut h),
            other => format!("{other:?}").hash(&mut h),
        }
    }
    h.finish()
}

/// Applies the event's rows in order; a row's error goes to `handle`
/// (true: go on, false: skip the rest of the event; an error stops).
/// Returns the rows changed.
pub(super) fn apply(
    store: &Store,
    txn: &mut Txn,
    e: &TableEntry,
    rows: &RowsEvent<'_>,
    columns: &[ColumnMeta],
    handle: &mut dyn FnMut(SqlError) -> Result<bool>,
) -> Result<u64> {
    let decode_err = |err: &dyn std::fmt::Display| {
        SqlError::new(1594, format!("rows event on {}.{}: {err}", e.db, e.name))
    };
    let mut dec = rows.decoder(columns).map_err(|err| decode_err(&err))?;
    let mut wanted: Vec<Wanted> = Vec::new();
    while let Some(row) = dec.next_row() {
        let row = row.map_err(|err| decode_err(&err))?;
        let before = image_cells(e, row.before.unwrap_or_default())?;
        let mut after = Vec::new();
        for cv in row.after.unwrap_or_default() {
            if let Some(a) = after_value(e, cv)? {
                after.push((cv.index, a));
            }
        }
        wanted.push(Wanted { before, after });
    }
    // Every before image of an event names the same columns.
    let mut by_hash: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, w) in wanted.iter().enumerate() {
        by_hash
            .entry(hash_cells(w.before.iter().map(|(_, c)| c)))
            .or_default()
            .push(i);
    }
    let columns: Vec<usize> = wanted
        .first()
        .map(|w| w.before.iter().map(|(i, _)| *i).collect())
        .unwrap_or_default();
    let mut found: Vec<Option<(Vec<u8>, Vec<Cell>)>> = vec![None; wanted.len()];
    let mut left = wanted.len();
    store
        .for_each(Some(txn), Family::Rows, &table_prefix(e.id), |key, v| {
            let (_, cells) = decode_row(v)?;
            let h = hash_cells(columns.iter().filter_map(|&i| cells.get(i)));
            if let Some(candidates) = by_hash.get(&h)
                && let Some(&i) = candidates.iter().find(|&&i| {
                    found[i].is_none()
                        && wanted[i]
                            .before
                            .iter()
                            .all(|(c, want)| cells.get(*c).is_some_and(|s| same_value(s, want)))
                })
            {
                found[i] = Some((key.to_vec(), cells));
                left -= 1;
                if left == 0 {
                    return Ok(ControlFlow::Break(()));
                }
            }
            Ok(ControlFlow::Continue(()))
        })
        .map_err(store_err)?;
    let mut changed = 0;
    for (w, f) in wanted.into_iter().zip(found) {
        let r = match f {
            None => Err(not_found(e)),
            Some((key, _)) if rows.kind == RowsKind::Delete => {
                store.delete_row(txn, &key).map_err(store_err)
            }
            Some((key, mut cells)) => w
                .after
                .into_iter()
                .try_for_each(|(i, a)| set_after(e, &mut cells, i, a))
                .and_then(|()| {
                    store
                        .put_row(txn, key, encode_row(e.version, &cells))
                        .map_err(store_err)
                }),
        };
        match r {
            Ok(()) => changed += 1,
            Err(err) => {
                if !handle(err)? {
                    break;
                }
            }
        }
    }
    Ok(changed)
}
