//! A [`Txn`]: the changes of one or more source transactions on their
//! way into one write batch (or, for a large transaction, into table
//! files), with nested savepoints; reads through it see its own writes.

use std::collections::BTreeMap;

use crate::error::{Result, StoreError};
use crate::spill::Spill;
use crate::store::{CF_META, CF_ROWS};

/// The changes of one or more consecutive source transactions;
/// [`Store::commit`] adds the position after them. Reads through a `Txn`
/// see its own writes.
#[derive(Default)]
pub struct Txn {
    /// (family, key) → value, or `None` for a delete: what the write batch
    /// will hold, and what reads through the `Txn` see first.
    /// One map per family (indexed by `Family as usize`).
    pub(crate) pending: [BTreeMap<Vec<u8>, Option<Vec<u8>>>; 2],
    /// Key ranges deleted whole (retired table ids), written before
    /// `pending`.
    pub(crate) ranges: Vec<(Family, Vec<u8>, Vec<u8>)>,
    /// While savepoints are open (`depth` > 0): what each key changed
    /// since held in `pending` before, in order.
    pub(crate) undo: Vec<Prior>,
    pub(crate) depth: u32,
    /// A large transaction's writes that left memory
    /// ([`Store::begin_large`]).
    pub(crate) spill: Option<Spill>,
    /// The approximate size of `pending` (keys, values, map overhead).
    pub(crate) bytes: usize,
    /// In a large transaction: `pending` moves to `spill` past this size.
    pub(crate) spill_at: usize,
}

/// What a map entry costs beyond its key and value (BTreeMap node share,
/// Vec headers), for the memory estimate.
const ENTRY_OVERHEAD: usize = 64;

/// Where a [`Txn`] stood when [`Txn::savepoint`] was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Savepoint {
    pub(crate) undo: usize,
    pub(crate) ranges: usize,
}

/// A stored key and value.
pub type KeyValue = (Box<[u8]>, Box<[u8]>);

/// A key's entry in `pending` before a change: absent (`None`), or there.
type Prior = (Family, Vec<u8>, Option<Option<Vec<u8>>>);

/// The two column families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    Meta = 0,
    Rows = 1,
}

impl Family {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Family::Meta => CF_META,
            Family::Rows => CF_ROWS,
        }
    }
}

impl Txn {
    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0 && self.ranges.is_empty()
    }

    /// Changes held.
    pub fn len(&self) -> usize {
        self.pending.iter().map(BTreeMap::len).sum()
    }

    /// Records a change of `key` (its value becomes `value`; `None`: a
    /// delete).
    pub(crate) fn set(&mut self, fam: Family, key: Vec<u8>, value: Option<Vec<u8>>) {
        let map = &mut self.pending[fam as usize];
        // A large transaction keeps no undo log: rolling it back drops it
        // whole.
        if self.depth > 0 && self.spill.is_none() {
            self.undo.push((fam, key.clone(), map.get(&key).cloned()));
        }
        self.bytes += key.len() + value.as_ref().map_or(0, Vec::len) + ENTRY_OVERHEAD;
        map.insert(key, value);
    }

    /// The approximate memory its writes take.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Whether it is a large transaction ([`Store::begin_large`]).
    pub fn is_large(&self) -> bool {
        self.spill.is_some()
    }

    /// Opens a savepoint (they nest): [`Txn::rollback_to_savepoint`]
    /// undoes what was written after it — a transaction that fails
    /// part-way in a batch shared with complete ones, or a statement that
    /// `replica_skip_errors` skips.
    pub fn savepoint(&mut self) -> Savepoint {
        self.depth += 1;
        Savepoint {
            undo: self.undo.len(),
            ranges: self.ranges.len(),
        }
    }

    pub(crate) fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            self.undo.clear();
        }
    }

    /// Keeps what was written since the savepoint and closes it.
    pub fn release_savepoint(&mut self, _sp: Savepoint) {
        self.close();
    }

    /// Undoes what was written since the savepoint and closes it. A large
    /// transaction is dropped whole (it is begun only on an empty `Txn`).
    pub fn rollback_to_savepoint(&mut self, sp: Savepoint) {
        if let Some(spill) = self.spill.take() {
            if let Err(e) = spill.discard() {
                tracing_free_warn(&e);
            }
            *self = Txn::default();
            return;
        }
        self.ranges.truncate(sp.ranges);
        while self.undo.len() > sp.undo {
            let Some((fam, key, before)) = self.undo.pop() else {
                break;
            };
            let map = &mut self.pending[fam as usize];
            match before {
                Some(v) => map.insert(key, v),
                None => map.remove(&key),
            };
        }
        self.close();
    }

    /// What the `Txn` says of a key: `Some(None)` deleted (itself or by a
    /// range), `Some(Some(v))` written, `None` untouched.
    pub(crate) fn lookup(&self, fam: Family, key: &[u8]) -> Option<Option<&Vec<u8>>> {
        if let Some(v) = self.pending[fam as usize].get(key) {
            return Some(v.as_ref());
        }
        self.in_deleted_range(fam, key).then_some(None)
    }

    pub(crate) fn in_deleted_range(&self, fam: Family, key: &[u8]) -> bool {
        self.ranges
            .iter()
            .any(|(f, from, to)| *f == fam && key >= from.as_slice() && key < to.as_slice())
    }
}

/// The first key after every key starting with `prefix`.
pub(crate) fn prefix_end(prefix: &[u8]) -> Result<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return Ok(end);
        }
    }
    Err(StoreError::Corrupt("an unbounded key range".into()))
}

/// A scratch store that could not be removed is removed at the next
/// large transaction; nothing to do but say so.
fn tracing_free_warn(e: &StoreError) {
    eprintln!("understudy store: {e}");
}

impl std::fmt::Debug for Txn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Txn")
            .field("writes", &self.len())
            .field("ranges", &self.ranges.len())
            .finish()
    }
}
