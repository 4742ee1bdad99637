//! The RocksDB store: column family `meta` (catalog, positions) and `rows`
//! (row key → row). Every source transaction is one [`Txn`], committed as
//! one write batch that carries its row changes and the applier's new
//! position together: after a crash the store holds a transaction wholly
//! or not at all, and the position it reports is exactly what it holds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rocksdb::{ColumnFamily, DB, Direction, IteratorMode, Options, WriteBatch, WriteOptions};

use crate::error::{Result, StoreError};
use crate::keys::table_prefix;

const CF_META: &str = "meta";
const CF_ROWS: &str = "rows";
/// Key of the default channel's position in `meta`.
const POSITION_KEY: &[u8] = b"position/";

/// Like `innodb_flush_log_at_trx_commit`: when a commit reaches the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// fsync before a commit returns: nothing reported applied is lost.
    #[default]
    Sync,
    /// The caller syncs about once a second ([`Store::sync`]).
    Relaxed,
    /// The operating system decides (catch-up mode). A crash may lose the
    /// latest commits, never part of one: the position travels with them.
    None,
}

/// Where the applier stands: the relay log position after the last applied
/// transaction, the source position it corresponds to, and the executed
/// GTIDs (MySQL's text form, or MariaDB's GTID list).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    pub relay_file: String,
    pub relay_pos: u64,
    pub source_file: String,
    pub source_pos: u64,
    pub gtid_executed: String,
}

impl Position {
    fn encode(&self) -> Vec<u8> {
        let mut v = Vec::new();
        for s in [&self.relay_file, &self.source_file, &self.gtid_executed] {
            v.extend_from_slice(&(s.len() as u32).to_be_bytes());
            v.extend_from_slice(s.as_bytes());
        }
        v.extend_from_slice(&self.relay_pos.to_be_bytes());
        v.extend_from_slice(&self.source_pos.to_be_bytes());
        v
    }

    fn decode(b: &[u8]) -> Option<Position> {
        let mut rest = b;
        let mut text = || -> Option<String> {
            let n = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
            let s = std::str::from_utf8(rest.get(4..4 + n)?).ok()?.to_owned();
            rest = &rest[4 + n..];
            Some(s)
        };
        let (relay_file, source_file, gtid_executed) = (text()?, text()?, text()?);
        if rest.len() != 16 {
            return None;
        }
        Some(Position {
            relay_file,
            relay_pos: u64::from_be_bytes(rest[..8].try_into().ok()?),
            source_file,
            source_pos: u64::from_be_bytes(rest[8..].try_into().ok()?),
            gtid_executed,
        })
    }
}

/// The changes of one or more consecutive source transactions;
/// [`Store::commit`] adds the position after them. Reads through a `Txn`
/// see its own writes.
#[derive(Default)]
pub struct Txn {
    batch: WriteBatch,
    /// (family, key) → value, or `None` for a delete.
    pending: BTreeMap<(Family, Vec<u8>), Option<Vec<u8>>>,
}

/// The two column families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    Meta,
    Rows,
}

impl Family {
    fn name(self) -> &'static str {
        match self {
            Family::Meta => CF_META,
            Family::Rows => CF_ROWS,
        }
    }
}

impl Txn {
    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Changes held.
    pub fn len(&self) -> usize {
        self.pending.len()
    }
}

impl std::fmt::Debug for Txn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Txn")
            .field("writes", &self.batch.len())
            .finish()
    }
}

#[derive(Debug)]
pub struct Store {
    db: DB,
    path: PathBuf,
    durability: Durability,
}

impl Store {
    pub fn open(path: &Path, durability: Durability) -> Result<Store> {
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.create_missing_column_families(true);
        // Memtables of both families reach the disk together, so that a
        // position is never flushed without its rows (or the reverse).
        opts.set_atomic_flush(true);
        opts.set_compression_type(rocksdb::DBCompressionType::Lz4);
        let db = DB::open_cf(&opts, path, [CF_META, CF_ROWS])
            .map_err(|e| StoreError::rocks(path, "opening", e))?;
        Ok(Store {
            db,
            path: path.to_owned(),
            durability,
        })
    }

    fn cf(&self, name: &str) -> Result<&ColumnFamily> {
        self.db.cf_handle(name).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "{}: no column family '{name}'",
                self.path.display()
            ))
        })
    }

    /// The position of the last committed transaction; `None` before any.
    pub fn position(&self) -> Result<Option<Position>> {
        let meta = self.cf(CF_META)?;
        match self
            .db
            .get_cf(meta, POSITION_KEY)
            .map_err(|e| StoreError::rocks(&self.path, "reading the position", e))?
        {
            None => Ok(None),
            Some(b) => Position::decode(&b).map(Some).ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "{}: unreadable applier position",
                    self.path.display()
                ))
            }),
        }
    }

    pub fn txn(&self) -> Txn {
        Txn::default()
    }

    pub fn put(&self, txn: &mut Txn, fam: Family, key: &[u8], value: &[u8]) -> Result<()> {
        txn.batch.put_cf(self.cf(fam.name())?, key, value);
        txn.pending
            .insert((fam, key.to_vec()), Some(value.to_vec()));
        Ok(())
    }

    pub fn delete(&self, txn: &mut Txn, fam: Family, key: &[u8]) -> Result<()> {
        txn.batch.delete_cf(self.cf(fam.name())?, key);
        txn.pending.insert((fam, key.to_vec()), None);
        Ok(())
    }

    /// Deletes every key starting with `prefix` that the store held
    /// before `txn`, and those `txn` wrote. Callers use it only for key
    /// ranges nothing will be written to again (a table id retired by
    /// TRUNCATE, DROP or a rebuilding ALTER).
    pub fn delete_prefix(&self, txn: &mut Txn, fam: Family, prefix: &[u8]) -> Result<()> {
        let mut end = prefix.to_vec();
        while let Some(last) = end.pop() {
            if last < 0xff {
                end.push(last + 1);
                break;
            }
        }
        let cf = self.cf(fam.name())?;
        if end.is_empty() {
            return Err(StoreError::Corrupt(
                "delete of an unbounded key range".into(),
            ));
        }
        txn.batch.delete_range_cf(cf, prefix, &end);
        let doomed: Vec<_> = txn
            .pending
            .range((fam, prefix.to_vec())..)
            .take_while(|((f, k), _)| *f == fam && k.starts_with(prefix))
            .map(|(k, _)| k.clone())
            .collect();
        for k in doomed {
            txn.pending.insert(k, None);
        }
        Ok(())
    }

    pub fn put_row(&self, txn: &mut Txn, key: &[u8], row: &[u8]) -> Result<()> {
        self.put(txn, Family::Rows, key, row)
    }

    pub fn delete_row(&self, txn: &mut Txn, key: &[u8]) -> Result<()> {
        self.delete(txn, Family::Rows, key)
    }

    /// A value as `txn` sees it (its own writes first).
    pub fn get(&self, txn: Option<&Txn>, fam: Family, key: &[u8]) -> Result<Option<Vec<u8>>> {
        if let Some(t) = txn
            && let Some(v) = t.pending.get(&(fam, key.to_vec()))
        {
            return Ok(v.clone());
        }
        self.db
            .get_cf(self.cf(fam.name())?, key)
            .map_err(|e| StoreError::rocks(&self.path, "reading", e))
    }

    /// Every key/value under `prefix` in key order, as `txn` sees them.
    pub fn scan(
        &self,
        txn: Option<&Txn>,
        fam: Family,
        prefix: &[u8],
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let mut out: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for item in self.db.iterator_cf(
            self.cf(fam.name())?,
            IteratorMode::From(prefix, Direction::Forward),
        ) {
            let (k, v) = item.map_err(|e| StoreError::rocks(&self.path, "scanning", e))?;
            if !k.starts_with(prefix) {
                break;
            }
            out.insert(k.to_vec(), v.to_vec());
        }
        if let Some(t) = txn {
            for ((_, k), v) in t
                .pending
                .range((fam, prefix.to_vec())..)
                .take_while(|((f, k), _)| *f == fam && k.starts_with(prefix))
            {
                match v {
                    Some(v) => out.insert(k.clone(), v.clone()),
                    None => out.remove(k),
                };
            }
        }
        Ok(out.into_iter().collect())
    }

    /// Commits the transaction's rows and its position atomically.
    pub fn commit(&self, mut txn: Txn, position: &Position) -> Result<()> {
        txn.batch
            .put_cf(self.cf(CF_META)?, POSITION_KEY, position.encode());
        let mut w = WriteOptions::default();
        w.set_sync(self.durability == Durability::Sync);
        self.db
            .write_opt(txn.batch, &w)
            .map_err(|e| StoreError::rocks(&self.path, "committing a transaction", e))
    }

    /// Makes every commit so far durable (the `relaxed` setting's tick).
    pub fn sync(&self) -> Result<()> {
        self.db
            .flush_wal(true)
            .map_err(|e| StoreError::rocks(&self.path, "syncing the log", e))
    }

    pub fn get_row(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.get(None, Family::Rows, key)
    }

    /// Every row of a table in key order.
    pub fn scan_table(&self, table_id: u32) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.scan(None, Family::Rows, &table_prefix(table_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_round_trip_and_rejects_garbage() {
        let p = Position {
            relay_file: "understudy-relay-bin.000002".into(),
            relay_pos: 1234,
            source_file: "binlog.000007".into(),
            source_pos: 987_654_321_000,
            gtid_executed: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77".into(),
        };
        assert_eq!(Position::decode(&p.encode()), Some(p.clone()));
        let b = p.encode();
        assert_eq!(Position::decode(&b[..b.len() - 1]), None);
        assert_eq!(Position::decode(&[0xff; 3]), None);
    }
}
