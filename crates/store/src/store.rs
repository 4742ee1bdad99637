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
use crate::spill::Spill;
use crate::txn::prefix_end;
pub use crate::txn::{Family, KeyValue, Savepoint, Txn};

pub(crate) const CF_META: &str = "meta";
pub(crate) const CF_ROWS: &str = "rows";
/// Key of the default channel's position: in `rows`, under table id 0
/// (never given to a table), so that a transaction's rows and its
/// position live in one column family and can be written by one
/// ingestion of table files as well as by one write batch.
pub(crate) const POSITION_KEY: &[u8] = b"\0\0\0\0position";

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
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut v = Vec::new();
        for s in [&self.relay_file, &self.source_file, &self.gtid_executed] {
            v.extend_from_slice(&(s.len() as u32).to_be_bytes());
            v.extend_from_slice(s.as_bytes());
        }
        v.extend_from_slice(&self.relay_pos.to_be_bytes());
        v.extend_from_slice(&self.source_pos.to_be_bytes());
        v
    }

    pub(crate) fn decode(b: &[u8]) -> Option<Position> {
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

/// The RocksDB sequence number of the last commit any store of this
/// process made: a reader in the same process as the applier catches up
/// only when it moved, and until its own sequence number reaches it.
static COMMITTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The sequence number of this process's last commit (0: none yet).
pub fn committed_sequence() -> u64 {
    COMMITTED.load(std::sync::atomic::Ordering::SeqCst)
}

#[derive(Debug)]
pub struct Store {
    pub(crate) db: DB,
    pub(crate) path: PathBuf,
    durability: Durability,
    /// The size of the table files of the last large transaction.
    last_large: std::sync::atomic::AtomicU64,
}

/// Options for an applier's write pattern: many small point writes in
/// large batches, and a point read before most of them (does the key
/// exist, what does the row hold).
pub(crate) fn tune(opts: &mut Options) {
    opts.set_compression_type(rocksdb::DBCompressionType::Lz4);
    opts.set_max_background_jobs(2);
    opts.set_write_buffer_size(64 << 20);
    opts.set_max_write_buffer_number(4);
    opts.set_bytes_per_sync(1 << 20);
    // Most writes insert a key that exists nowhere: bloom filters in the
    // memtable and in every table file answer "not there" without a
    // search.
    opts.set_memtable_prefix_bloom_ratio(0.02);
    opts.set_memtable_whole_key_filtering(true);
    let mut table = rocksdb::BlockBasedOptions::default();
    table.set_bloom_filter(10.0, false);
    // Scans read rows by the block: larger blocks than the default 4 KiB
    // cost a point read little and a scan much less per row.
    table.set_block_size(16 << 10);
    table.set_block_cache(&rocksdb::Cache::new_lru_cache(128 << 20));
    opts.set_block_based_table_factory(&table);
}

impl Store {
    pub fn open(path: &Path, durability: Durability) -> Result<Store> {
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.create_missing_column_families(true);
        // Memtables of both families reach the disk together, so that a
        // position is never flushed without its rows (or the reverse).
        opts.set_atomic_flush(true);
        tune(&mut opts);
        let db = DB::open_cf(&opts, path, [CF_META, CF_ROWS])
            .map_err(|e| StoreError::rocks(path, "opening", e))?;
        Ok(Store {
            db,
            path: path.to_owned(),
            durability,
            last_large: Default::default(),
        })
    }

    /// Opens a replica's store for reading while the replica may be
    /// running (a RocksDB secondary instance; `scratch` holds its own
    /// info log). It sees the commits made until it opened or until
    /// [`Store::catch_up`], each wholly or not at all (a commit is one
    /// write batch); it never writes.
    pub fn open_reader(path: &Path, scratch: &Path) -> Result<Store> {
        if !path.join("CURRENT").exists() {
            return Err(StoreError::Corrupt(format!(
                "{}: no store here (has the replica applied anything yet?)",
                path.display()
            )));
        }
        let mut opts = Options::default();
        // A secondary keeps every table file open, so that the running
        // replica's compactions cannot take a file from under a scan.
        opts.set_max_open_files(-1);
        let db = DB::open_cf_as_secondary(&opts, path, scratch, [CF_META, CF_ROWS])
            .map_err(|e| StoreError::rocks(path, "opening for reading", e))?;
        Ok(Store {
            db,
            path: path.to_owned(),
            durability: Durability::None,
            last_large: Default::default(),
        })
    }

    /// The sequence number of the latest write this instance sees.
    pub fn sequence(&self) -> u64 {
        self.db.latest_sequence_number()
    }

    /// A reader ([`Store::open_reader`]) moves to the latest commit.
    pub fn catch_up(&self) -> Result<()> {
        self.db
            .try_catch_up_with_primary()
            .map_err(|e| StoreError::rocks(&self.path, "catching up with the replica", e))
    }

    pub(crate) fn cf(&self, name: &str) -> Result<&ColumnFamily> {
        self.db.cf_handle(name).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "{}: no column family '{name}'",
                self.path.display()
            ))
        })
    }

    /// The position of the last committed transaction; `None` before any.
    pub fn position(&self) -> Result<Option<Position>> {
        let rows = self.cf(CF_ROWS)?;
        match self
            .db
            .get_cf(rows, POSITION_KEY)
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
        txn.set(fam, key.to_vec(), Some(value.to_vec()));
        Self::spill_if_full(txn)
    }

    pub fn delete(&self, txn: &mut Txn, fam: Family, key: &[u8]) -> Result<()> {
        txn.set(fam, key.to_vec(), None);
        Self::spill_if_full(txn)
    }

    /// Makes `txn` a large transaction: past `memory` bytes its writes
    /// move to a scratch store beside this one, and [`Store::commit`]
    /// ingests them as table files with the position, atomically. Only an
    /// empty `Txn` (its batch holds no other transaction) becomes large.
    pub fn begin_large(&self, txn: &mut Txn, memory: usize) -> Result<()> {
        if !txn.is_empty() || txn.spill.is_some() {
            return Err(StoreError::Corrupt(
                "a large transaction must start on an empty batch".into(),
            ));
        }
        txn.spill = Some(Spill::create(&self.large_dir())?);
        txn.spill_at = memory.max(1 << 20);
        Ok(())
    }

    pub(crate) fn large_dir(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".large");
        self.path.with_file_name(name)
    }

    fn spill_if_full(txn: &mut Txn) -> Result<()> {
        if txn.bytes >= txn.spill_at
            && let Some(spill) = txn.spill.as_mut()
        {
            spill.absorb(&mut txn.pending)?;
            txn.bytes = 0;
        }
        Ok(())
    }

    /// Deletes every key starting with `prefix` that the store held
    /// before `txn`, and those `txn` wrote. Callers use it only for key
    /// ranges nothing will be written to again (a table id retired by
    /// TRUNCATE, DROP or a rebuilding ALTER).
    pub fn delete_prefix(&self, txn: &mut Txn, fam: Family, prefix: &[u8]) -> Result<()> {
        if txn.spill.is_some() {
            return Err(StoreError::Corrupt(
                "a large transaction cannot delete a whole table".into(),
            ));
        }
        let end = prefix_end(prefix)?;
        txn.ranges.push((fam, prefix.to_vec(), end.clone()));
        // Its own writes in the range go too (the range is written first).
        let inside: Vec<Vec<u8>> = txn.pending[fam as usize]
            .range::<[u8], _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Excluded(end.as_slice()),
            ))
            .map(|(k, _)| k.clone())
            .collect();
        for k in inside {
            let v = txn.pending[fam as usize].remove(&k);
            if txn.depth > 0 {
                txn.undo.push((fam, k, v));
            }
        }
        Ok(())
    }

    /// Writes a row (key and value moved in: the hot path copies nothing).
    pub fn put_row(&self, txn: &mut Txn, key: Vec<u8>, row: Vec<u8>) -> Result<()> {
        txn.set(Family::Rows, key, Some(row));
        Self::spill_if_full(txn)
    }

    pub fn delete_row(&self, txn: &mut Txn, key: &[u8]) -> Result<()> {
        self.delete(txn, Family::Rows, key)
    }

    /// A value as `txn` sees it (its own writes first).
    pub fn get(&self, txn: Option<&Txn>, fam: Family, key: &[u8]) -> Result<Option<Vec<u8>>> {
        if let Some(t) = txn {
            if let Some(v) = t.lookup(fam, key) {
                return Ok(v.cloned());
            }
            if let Some(spill) = &t.spill
                && let Some(v) = spill.get(fam, key)?
            {
                return Ok(v);
            }
        }
        self.db
            .get_cf(self.cf(fam.name())?, key)
            .map_err(|e| StoreError::rocks(&self.path, "reading", e))
    }

    /// Whether a key holds a value, as `txn` sees it (nothing copied).
    pub fn exists(&self, txn: &Txn, fam: Family, key: &[u8]) -> Result<bool> {
        if let Some(v) = txn.lookup(fam, key) {
            return Ok(v.is_some());
        }
        if let Some(spill) = &txn.spill
            && let Some(v) = spill.get(fam, key)?
        {
            return Ok(v.is_some());
        }
        self.db
            .get_pinned_cf(self.cf(fam.name())?, key)
            .map(|v| v.is_some())
            .map_err(|e| StoreError::rocks(&self.path, "reading", e))
    }

    /// Calls `f` with every key/value under `prefix` in key order, as
    /// `txn` sees them (the store's entries merged with the Txn's writes,
    /// nothing collected); `f` breaks to stop early.
    pub fn for_each(
        &self,
        txn: Option<&Txn>,
        fam: Family,
        prefix: &[u8],
        mut f: impl FnMut(&[u8], &[u8]) -> Result<std::ops::ControlFlow<()>>,
    ) -> Result<()> {
        use std::ops::ControlFlow;
        let empty = BTreeMap::new();
        let pending = txn.map_or(&empty, |t| &t.pending[fam as usize]);
        let mut mine = pending
            .range::<[u8], _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(k, _)| k.starts_with(prefix))
            .peekable();
        let mut theirs = self.db.iterator_cf(
            self.cf(fam.name())?,
            IteratorMode::From(prefix, Direction::Forward),
        );
        let mut next_stored = || -> Result<Option<KeyValue>> {
            for item in theirs.by_ref() {
                let (k, v) = item.map_err(|e| StoreError::rocks(&self.path, "scanning", e))?;
                if !k.starts_with(prefix) {
                    return Ok(None);
                }
                if txn.is_some_and(|t| t.in_deleted_range(fam, &k)) {
                    continue;
                }
                return Ok(Some((k, v)));
            }
            Ok(None)
        };
        // A large transaction's writes that left memory: a third source,
        // between the memory's (which win) and the store's.
        let mut spilled: Box<dyn Iterator<Item = Result<crate::spill::Written>> + '_> =
            match txn.and_then(|t| t.spill.as_ref()) {
                Some(sp) => Box::new(sp.range(fam, prefix)),
                None => Box::new(std::iter::empty()),
            };
        let mut spill_head = spilled.next().transpose()?;
        let mut stored = next_stored()?;
        let mut key = Vec::new();
        loop {
            // The smallest key among the three heads, and who holds it.
            let heads = [
                mine.peek().map(|(k, _)| k.as_slice()),
                spill_head.as_ref().map(|(k, _)| k.as_slice()),
                stored.as_ref().map(|(k, _)| k.as_ref()),
            ];
            let Some(min) = heads.iter().flatten().min() else {
                return Ok(());
            };
            key.clear();
            key.extend_from_slice(min);
            let [at_mine, at_spill, at_stored] = heads.map(|h| h == Some(key.as_slice()));
            let flow = if at_mine {
                let mv = mine.next().and_then(|(_, v)| v.as_deref());
                match mv {
                    Some(v) => f(&key, v)?,
                    None => ControlFlow::Continue(()),
                }
            } else if at_spill {
                match spill_head.as_ref().and_then(|(_, v)| v.as_deref()) {
                    Some(v) => f(&key, v)?,
                    None => ControlFlow::Continue(()),
                }
            } else {
                match stored.as_ref() {
                    Some((_, v)) => f(&key, v)?,
                    None => ControlFlow::Continue(()),
                }
            };
            if flow.is_break() {
                return Ok(());
            }
            if at_spill {
                spill_head = spilled.next().transpose()?;
            }
            if at_stored {
                stored = next_stored()?;
            }
        }
    }

    /// An upper bound of the keys under `prefix` as `txn` sees them (the
    /// last key the store and the Txn hold there, deleted or not); `None`
    /// when there is none. A large transaction's scratch store is not
    /// consulted: callers do not use bounds then.
    pub fn last_key(
        &self,
        txn: Option<&Txn>,
        fam: Family,
        prefix: &[u8],
    ) -> Result<Option<Vec<u8>>> {
        let end = prefix_end(prefix)?;
        let mut last = None;
        if let Some(item) = self
            .db
            .iterator_cf(
                self.cf(fam.name())?,
                IteratorMode::From(&end, Direction::Reverse),
            )
            .next()
        {
            let (k, _) = item.map_err(|e| StoreError::rocks(&self.path, "scanning", e))?;
            if k.starts_with(prefix) {
                last = Some(k.to_vec());
            }
        }
        if let Some(t) = txn
            && let Some((k, _)) = t.pending[fam as usize]
                .range::<[u8], _>((
                    std::ops::Bound::Included(prefix),
                    std::ops::Bound::Excluded(end.as_slice()),
                ))
                .next_back()
            && last.as_ref().is_none_or(|l| k > l)
        {
            last = Some(k.clone());
        }
        Ok(last)
    }

    /// Every key/value under `prefix` in key order, as `txn` sees them.
    pub fn scan(
        &self,
        txn: Option<&Txn>,
        fam: Family,
        prefix: &[u8],
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let mut out = Vec::new();
        self.for_each(txn, fam, prefix, |k, v| {
            out.push((k.to_vec(), v.to_vec()));
            Ok(std::ops::ControlFlow::Continue(()))
        })?;
        Ok(out)
    }

    /// Commits the transaction's rows and its position atomically.
    pub fn commit(&self, txn: Txn, position: &Position) -> Result<()> {
        let r = self.commit_inner(txn, position);
        if r.is_ok() {
            COMMITTED.fetch_max(
                self.db.latest_sequence_number(),
                std::sync::atomic::Ordering::SeqCst,
            );
        }
        r
    }

    fn commit_inner(&self, mut txn: Txn, position: &Position) -> Result<()> {
        if let Some(spill) = txn.spill.take() {
            return self.commit_large(spill, txn, position);
        }
        let mut batch = self.batch_of(txn)?;
        batch.put_cf(self.cf(CF_ROWS)?, POSITION_KEY, position.encode());
        let mut w = WriteOptions::default();
        w.set_sync(self.durability == Durability::Sync);
        self.db
            .write_opt(batch, &w)
            .map_err(|e| StoreError::rocks(&self.path, "committing a transaction", e))
    }

    /// Writes `txn` without a position (a clone's catalog and progress),
    /// synced to the disk.
    pub fn write(&self, txn: Txn) -> Result<()> {
        if txn.spill.is_some() {
            return Err(StoreError::Corrupt(
                "a large transaction is committed with a position".into(),
            ));
        }
        let batch = self.batch_of(txn)?;
        let mut w = WriteOptions::default();
        w.set_sync(true);
        self.db
            .write_opt(batch, &w)
            .map_err(|e| StoreError::rocks(&self.path, "writing", e))
    }

    /// The write batch of a transaction held in memory.
    fn batch_of(&self, txn: Txn) -> Result<WriteBatch> {
        let mut batch = WriteBatch::default();
        for (fam, from, to) in &txn.ranges {
            batch.delete_range_cf(self.cf(fam.name())?, from, to);
        }
        let (meta, rows) = (self.cf(CF_META)?, self.cf(CF_ROWS)?);
        let [meta_pending, rows_pending] = txn.pending;
        for (cf, pending) in [(meta, meta_pending), (rows, rows_pending)] {
            for (key, value) in pending {
                match value {
                    Some(v) => batch.put_cf(cf, key, v),
                    None => batch.delete_cf(cf, key),
                }
            }
        }
        Ok(batch)
    }

    /// A large transaction: everything into the scratch store, then in key
    /// order into table files with the position, ingested at once.
    fn commit_large(&self, mut spill: Spill, mut txn: Txn, position: &Position) -> Result<()> {
        spill.absorb(&mut txn.pending)?;
        if spill.touches_meta()? {
            let _ = spill.discard();
            return Err(StoreError::Corrupt(
                "a transaction too large for memory that also changes the catalog (CREATE TABLE … SELECT) is not supported"
                    .into(),
            ));
        }
        let dir = self.large_dir().with_extension("tables");
        crate::spill::remove(&dir)?;
        std::fs::create_dir_all(&dir)
            .map_err(|e| StoreError::Corrupt(format!("{}: {e}", dir.display())))?;
        let mut opts = Options::default();
        tune(&mut opts);
        let files = spill.write_tables(
            &opts,
            &dir,
            vec![(POSITION_KEY.to_vec(), position.encode())],
        )?;
        let bytes: u64 = files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        self.last_large
            .store(bytes.max(1), std::sync::atomic::Ordering::Relaxed);
        let mut ingest = rocksdb::IngestExternalFileOptions::default();
        ingest.set_move_files(true);
        self.db
            .ingest_external_file_cf_opts(self.cf(CF_ROWS)?, &ingest, files)
            .map_err(|e| StoreError::rocks(&self.path, "ingesting a large transaction", e))?;
        spill.discard()?;
        crate::spill::remove(&dir)
    }

    /// The bytes of table files the last large transaction was committed
    /// with (0: none yet).
    pub fn last_large_bytes(&self) -> u64 {
        self.last_large.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Makes every commit so far durable (the `relaxed` setting's tick).
    pub fn sync(&self) -> Result<()> {
        self.db
            .flush_wal(true)
            .map_err(|e| StoreError::rocks(&self.path, "syncing the log", e))
    }

    /// Writes the memtables out to table files (at a clean stop: the next
    /// open then has no log to replay) and syncs.
    pub fn flush(&self) -> Result<()> {
        let mut o = rocksdb::FlushOptions::default();
        o.set_wait(true);
        let cfs = [self.cf(CF_META)?, self.cf(CF_ROWS)?];
        self.db
            .flush_cfs_opt(&cfs, &o)
            .map_err(|e| StoreError::rocks(&self.path, "flushing", e))
    }

    pub fn get_row(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.get(None, Family::Rows, key)
    }

    /// Every row of a table in key order.
    pub fn scan_table(&self, table_id: u32) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.scan(None, Family::Rows, &table_prefix(table_id))
    }

    /// Every stored row of a table in key order, one at a time (constant
    /// memory; for exports and checksums).
    pub fn table_rows(&self, table_id: u32) -> Result<impl Iterator<Item = Result<KeyValue>> + '_> {
        let prefix = table_prefix(table_id);
        let it = self.db.iterator_cf(
            self.cf(CF_ROWS)?,
            IteratorMode::From(&prefix, Direction::Forward),
        );
        Ok(it
            .map(|item| item.map_err(|e| StoreError::rocks(&self.path, "scanning", e)))
            .take_while(move |item| item.as_ref().map_or(true, |(k, _)| k.starts_with(&prefix))))
    }
}

impl Store {
    /// Up to `max` stored rows of a table from key `from` (inclusive) to
    /// `to` (exclusive; `None`: the table's end), in key order: a scan
    /// resumes from just after the last key it got.
    /// The first and the last key of the rows of `table_id` from `from`
    /// (inclusive) to `to` (exclusive); `None` when there are none.
    pub fn first_last_row_keys(
        &self,
        table_id: u32,
        from: &[u8],
        to: Option<&[u8]>,
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        let prefix = table_prefix(table_id);
        let inside = |k: &[u8]| k.starts_with(&prefix) && to.is_none_or(|t| k < t) && k >= from;
        let mut it = self.db.raw_iterator_cf(self.cf(CF_ROWS)?);
        it.seek(if from.starts_with(&prefix) {
            from
        } else {
            &prefix[..]
        });
        let Some(first) = it.key().filter(|k| inside(k)).map(<[u8]>::to_vec) else {
            it.status()
                .map_err(|e| StoreError::rocks(&self.path, "scanning", e))?;
            return Ok(None);
        };
        match (to, table_id.checked_add(1)) {
            (Some(t), _) => it.seek_for_prev(t),
            (None, Some(next)) => it.seek_for_prev(table_prefix(next)),
            (None, None) => it.seek_to_last(),
        }
        while it
            .key()
            .is_some_and(|k| !inside(k) && k >= first.as_slice())
        {
            it.prev();
        }
        let last = it.key().filter(|k| inside(k)).map(<[u8]>::to_vec);
        it.status()
            .map_err(|e| StoreError::rocks(&self.path, "scanning", e))?;
        Ok(last.map(|l| (first, l)))
    }

    /// Calls `f` with the key and value of each row of `table_id` from
    /// `from` (inclusive; before the table: its start) to `to`
    /// (exclusive), without copying them, until `f` returns false. One
    /// iterator reads the range; `long`: a large one (read ahead in large
    /// reads, and kept out of the block cache).
    pub fn scan_rows(
        &self,
        table_id: u32,
        from: &[u8],
        to: Option<&[u8]>,
        long: bool,
        mut f: impl FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<()> {
        let prefix = table_prefix(table_id);
        let start = if from.starts_with(&prefix) {
            from
        } else {
            &prefix[..]
        };
        let mut opts = rocksdb::ReadOptions::default();
        if long {
            opts.set_readahead_size(2 << 20);
            // A whole-table scan would push every other block out of
            // the cache, and pays for its bookkeeping on every block.
            opts.fill_cache(false);
        }
        let mut it = self.db.raw_iterator_cf_opt(self.cf(CF_ROWS)?, opts);
        it.seek(start);
        while let (Some(k), Some(v)) = (it.key(), it.value()) {
            if !k.starts_with(&prefix) || to.is_some_and(|t| k >= t) || !f(k, v) {
                break;
            }
            it.next();
        }
        it.status()
            .map_err(|e| StoreError::rocks(&self.path, "scanning", e))
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
