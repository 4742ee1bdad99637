//! What a clone copies, kept in the store until the clone is done: the
//! source position the copy stands at, the tables, and each table's
//! chunks — ranges of its first primary-key column when that is an
//! integer (chunks copy in parallel, and an interrupted clone copies
//! again only the chunks not done), else the whole table as one chunk.
//! The first chunk has no lower bound and the last no upper one, so the
//! chunks cover every row whatever the snapshot. A chunk is done when its
//! marker is written, after its rows were ingested.

use serde::{Deserialize, Serialize};
use understudy_store::keys::table_prefix;
use understudy_store::{Cell, Family, Store, Txn, encode_key_cell};

use super::source::SourcePosition;
use crate::error::{ReplicaError, Result};

/// Keys under table id 0 of the row family, beside the position.
const PLAN_KEY: &[u8] = b"\0\0\0\0clone/plan";
const DONE_PREFIX: &[u8] = b"\0\0\0\0clone/done/";

/// An integer range of the first primary-key column (`None`: unbounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    pub lo: Option<i128>,
    pub hi: Option<i128>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTable {
    /// The name on the source.
    pub source_db: String,
    pub name: String,
    /// The database on the replica (after `replicate-rewrite-db`).
    pub db: String,
    /// The first primary-key column, when chunks are ranges of it.
    pub range_column: Option<String>,
    pub unsigned: bool,
    pub chunks: Vec<Chunk>,
    /// The source's estimate of its rows.
    pub est_rows: u64,
    /// `SHOW CREATE TABLE` at the snapshot (a resumed clone checks that
    /// it did not change).
    pub create: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// `host:port` of the source.
    pub source: String,
    pub position: SourcePosition,
    pub tables: Vec<PlanTable>,
}

fn store_err(e: understudy_store::StoreError) -> ReplicaError {
    ReplicaError::Config(e.to_string())
}

impl Plan {
    pub fn load(store: &Store) -> Result<Option<Plan>> {
        match store.get(None, Family::Rows, PLAN_KEY).map_err(store_err)? {
            None => Ok(None),
            Some(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|e| ReplicaError::Config(format!("unreadable clone plan: {e}"))),
        }
    }

    pub fn save(&self, store: &Store, txn: &mut Txn) -> Result<()> {
        let b = serde_json::to_vec(self)
            .map_err(|e| ReplicaError::Config(format!("clone plan: {e}")))?;
        store
            .put(txn, Family::Rows, PLAN_KEY, &b)
            .map_err(store_err)
    }

    /// The plan and every marker go (the clone is done).
    pub fn clear(store: &Store, txn: &mut Txn) -> Result<()> {
        store
            .delete(txn, Family::Rows, PLAN_KEY)
            .map_err(store_err)?;
        store
            .delete_prefix(txn, Family::Rows, DONE_PREFIX)
            .map_err(store_err)
    }
}

fn done_key(table: usize, chunk: usize) -> Vec<u8> {
    [
        DONE_PREFIX,
        &(table as u32).to_be_bytes(),
        &(chunk as u32).to_be_bytes(),
    ]
    .concat()
}

/// Marks a chunk done (in `txn`, written after its rows).
pub fn mark_done(store: &Store, txn: &mut Txn, table: usize, chunk: usize) -> Result<()> {
    store
        .put(txn, Family::Rows, &done_key(table, chunk), b"")
        .map_err(store_err)
}

pub fn is_done(store: &Store, table: usize, chunk: usize) -> Result<bool> {
    Ok(store
        .get(None, Family::Rows, &done_key(table, chunk))
        .map_err(store_err)?
        .is_some())
}

/// `est_rows` rows between `min` and `max` cut into chunks of about
/// `chunk_rows` rows (by value: gaps in the keys make chunks smaller).
pub fn chunks(min: i128, max: i128, est_rows: u64, chunk_rows: u64) -> Vec<Chunk> {
    let n = est_rows.div_ceil(chunk_rows.max(1)).max(1) as i128;
    let span = (max - min + 1).max(1);
    let step = (span + n - 1) / n;
    let mut out = Vec::new();
    let mut lo = min;
    while lo <= max {
        let hi = lo + step - 1;
        out.push(Chunk {
            lo: Some(lo),
            hi: Some(hi),
        });
        lo = hi + 1;
    }
    if let Some(f) = out.first_mut() {
        f.lo = None;
    }
    match out.last_mut() {
        Some(l) => l.hi = None,
        None => out.push(Chunk { lo: None, hi: None }),
    }
    out
}

impl Chunk {
    /// The WHERE clause of the chunk on `column`.
    pub fn condition(&self, column: &str) -> String {
        let c = super::cells::quote(column);
        match (self.lo, self.hi) {
            (None, None) => String::new(),
            (Some(lo), None) => format!(" WHERE {c} >= {lo}"),
            (None, Some(hi)) => format!(" WHERE {c} <= {hi}"),
            (Some(lo), Some(hi)) => format!(" WHERE {c} BETWEEN {lo} AND {hi}"),
        }
    }

    /// The chunk's row keys in table `id`: `[from, to)`.
    pub fn key_range(&self, id: u32, unsigned: bool) -> (Vec<u8>, Vec<u8>) {
        let prefix = table_prefix(id).to_vec();
        let at = |v: i128| {
            let mut k = prefix.clone();
            let cell = if unsigned {
                Cell::UInt(v.clamp(0, i128::from(u64::MAX)) as u64)
            } else {
                Cell::Int(v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
            };
            encode_key_cell(&mut k, &cell);
            k
        };
        let end = table_prefix(id.wrapping_add(1)).to_vec();
        let limit = if unsigned {
            i128::from(u64::MAX)
        } else {
            i128::from(i64::MAX)
        };
        let from = self.lo.map_or(prefix.clone(), at);
        let to = match self.hi {
            Some(hi) if hi < limit => at(hi + 1),
            _ => end,
        };
        (from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_everything() {
        let c = chunks(1, 1000, 1000, 300);
        assert_eq!(c.len(), 4);
        assert_eq!(c[0].lo, None);
        assert_eq!(c[0].hi, Some(250));
        assert_eq!(c[1].lo, Some(251));
        assert_eq!(c[3].hi, None);
        for w in c.windows(2) {
            assert_eq!(w[0].hi.map(|h| h + 1), w[1].lo);
        }
        assert_eq!(chunks(5, 5, 0, 100), vec![Chunk { lo: None, hi: None }]);
        assert_eq!(chunks(5, 4, 0, 100), vec![Chunk { lo: None, hi: None }]);
    }

    #[test]
    fn key_ranges_follow_the_encoding() {
        let c = Chunk {
            lo: Some(-5),
            hi: Some(10),
        };
        let (from, to) = c.key_range(7, false);
        let key = |v: i64| {
            let mut k = table_prefix(7).to_vec();
            encode_key_cell(&mut k, &Cell::Int(v));
            k
        };
        assert!(from <= key(-5) && key(-5) < to);
        assert!(key(10) < to && key(11) >= to && key(-6) < from);
        let open = Chunk { lo: None, hi: None }.key_range(7, true);
        assert_eq!(open, (table_prefix(7).to_vec(), table_prefix(8).to_vec()));
    }

    #[test]
    fn plan_round_trips() {
        let p = Plan {
            source: "h:1".into(),
            position: SourcePosition::default(),
            tables: vec![PlanTable {
                source_db: "a".into(),
                name: "t".into(),
                db: "a".into(),
                range_column: Some("id".into()),
                unsigned: true,
                chunks: vec![Chunk {
                    lo: Some(i128::from(u64::MAX)),
                    hi: None,
                }],
                est_rows: 3,
                create: "CREATE TABLE `t` (`id` int)".into(),
            }],
        };
        let b = serde_json::to_vec(&p).unwrap_or_default();
        let back: Plan = serde_json::from_slice(&b).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, p);
    }
}
