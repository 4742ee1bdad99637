//! A transaction too large to hold in memory (a single source transaction
//! of gigabytes): its writes move, as they pile up, into a scratch RocksDB
//! beside the store, where reads through the transaction still see them.
//! At commit they are written, in key order, into table files together
//! with the applier's position, and the store ingests those files in one
//! atomic step: readers see all of the transaction or none of it, and a
//! crash before the ingestion leaves the store as it was (the scratch
//! database is thrown away and the transaction applied again from its
//! start).
//!
//! Scratch keys are `family byte ‖ key`; values are `1 ‖ value` for a
//! write and `0` for a delete.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rocksdb::{DB, Direction, IteratorMode, Options, SstFileWriter, WriteBatch, WriteOptions};

use crate::error::{Result, StoreError};
use crate::store::Family;

/// A table file is closed past this size (the store ingests them all at
/// once).
const SST_BYTES: u64 = 256 << 20;

/// A key the transaction wrote, and its value (`None`: deleted).
pub(crate) type Written = (Vec<u8>, Option<Vec<u8>>);

pub(crate) struct Spill {
    db: DB,
    path: PathBuf,
}

impl std::fmt::Debug for Spill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spill").field("path", &self.path).finish()
    }
}

fn scratch_key(fam: Family, key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(key.len() + 1);
    k.push(fam as u8);
    k.extend_from_slice(key);
    k
}

/// A scratch value: `Some(v)` a write, `None` a delete.
fn decode_value(v: &[u8]) -> Result<Option<Vec<u8>>> {
    match v.split_first() {
        Some((1, rest)) => Ok(Some(rest.to_vec())),
        Some((0, [])) => Ok(None),
        _ => Err(StoreError::Corrupt(
            "unreadable value in a large transaction's scratch store".into(),
        )),
    }
}

impl Spill {
    /// A fresh scratch database at `path` (what a crash left there goes).
    pub(crate) fn create(path: &Path) -> Result<Spill> {
        remove(path)?;
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.set_write_buffer_size(16 << 20);
        opts.set_max_write_buffer_number(2);
        opts.set_compression_type(rocksdb::DBCompressionType::Lz4);
        let mut table = rocksdb::BlockBasedOptions::default();
        table.set_bloom_filter(10.0, false);
        table.set_block_cache(&rocksdb::Cache::new_lru_cache(8 << 20));
        opts.set_block_based_table_factory(&table);
        let db = DB::open(&opts, path).map_err(|e| StoreError::rocks(path, "opening", e))?;
        Ok(Spill {
            db,
            path: path.to_owned(),
        })
    }

    /// Moves the in-memory writes here (they then leave memory).
    pub(crate) fn absorb(
        &mut self,
        pending: &mut [BTreeMap<Vec<u8>, Option<Vec<u8>>>; 2],
    ) -> Result<()> {
        let mut batch = WriteBatch::default();
        for (fam, map) in [Family::Meta, Family::Rows]
            .into_iter()
            .zip(pending.iter_mut())
        {
            for (k, v) in std::mem::take(map) {
                match v {
                    Some(v) => {
                        let mut val = Vec::with_capacity(v.len() + 1);
                        val.push(1);
                        val.extend_from_slice(&v);
                        batch.put(scratch_key(fam, &k), val);
                    }
                    None => batch.put(scratch_key(fam, &k), [0u8]),
                }
            }
        }
        let mut w = WriteOptions::default();
        w.disable_wal(true);
        self.db
            .write_opt(batch, &w)
            .map_err(|e| StoreError::rocks(&self.path, "writing", e))
    }

    /// What the transaction wrote to a key: `Some(None)` deleted,
    /// `Some(Some(v))` written, `None` untouched.
    pub(crate) fn get(&self, fam: Family, key: &[u8]) -> Result<Option<Option<Vec<u8>>>> {
        match self
            .db
            .get_pinned(scratch_key(fam, key))
            .map_err(|e| StoreError::rocks(&self.path, "reading", e))?
        {
            None => Ok(None),
            Some(v) => decode_value(&v).map(Some),
        }
    }

    /// The transaction's writes under `prefix`, in key order.
    pub(crate) fn range(
        &self,
        fam: Family,
        prefix: &[u8],
    ) -> impl Iterator<Item = Result<Written>> + '_ {
        let start = scratch_key(fam, prefix);
        let want = start.clone();
        self.db
            .iterator(IteratorMode::From(&start, Direction::Forward))
            .map(move |item| {
                let (k, v) = item.map_err(|e| StoreError::rocks(&self.path, "scanning", e))?;
                Ok((k, v))
            })
            .take_while(move |item| item.as_ref().map_or(true, |(k, _)| k.starts_with(&want)))
            .map(|item| {
                let (k, v) = item?;
                Ok((k[1..].to_vec(), decode_value(&v)?))
            })
    }

    /// Whether the transaction wrote to the catalog.
    pub(crate) fn touches_meta(&self) -> Result<bool> {
        Ok(self.range(Family::Meta, b"").next().transpose()?.is_some())
    }

    /// Writes the transaction's row changes, and `extra` (key, value)
    /// pairs merged in key order, into table files in `dir` for the store
    /// to ingest; returns their paths.
    pub(crate) fn write_tables(
        &self,
        opts: &Options,
        dir: &Path,
        mut extra: Vec<(Vec<u8>, Vec<u8>)>,
    ) -> Result<Vec<PathBuf>> {
        extra.sort();
        let mut extra = extra.into_iter().peekable();
        let mut out = Tables {
            opts,
            dir,
            files: Vec::new(),
            writer: None,
        };
        for item in self.range(Family::Rows, b"") {
            let (k, v) = item?;
            while let Some((ek, ev)) = extra.next_if(|(ek, _)| ek.as_slice() < k.as_slice()) {
                out.emit(&ek, Some(&ev))?;
            }
            if extra.peek().is_some_and(|(ek, _)| *ek == k) {
                // `extra` wins over the transaction's own write.
                continue;
            }
            out.emit(&k, v.as_deref())?;
        }
        for (ek, ev) in extra {
            out.emit(&ek, Some(&ev))?;
        }
        out.finish()
    }

    /// Closes and deletes the scratch database.
    pub(crate) fn discard(self) -> Result<()> {
        let path = self.path.clone();
        drop(self.db);
        remove(&path)
    }
}

/// Table files being written, one after another, in key order.
struct Tables<'o> {
    opts: &'o Options,
    dir: &'o Path,
    files: Vec<PathBuf>,
    /// The file being written and its bytes so far.
    writer: Option<(SstFileWriter<'o>, u64)>,
}

impl Tables<'_> {
    fn err(&self, e: rocksdb::Error) -> StoreError {
        StoreError::rocks(self.dir, "writing a table file", e)
    }

    /// One entry: a write, or a delete (`None`).
    fn emit(&mut self, k: &[u8], v: Option<&[u8]>) -> Result<()> {
        if self.writer.as_ref().is_none_or(|(_, n)| *n >= SST_BYTES) {
            if let Some((w, _)) = self.writer.take() {
                let mut w = w;
                w.finish().map_err(|e| self.err(e))?;
            }
            let path = self.dir.join(format!("large-{:04}.sst", self.files.len()));
            let w = SstFileWriter::create(self.opts);
            w.open(&path).map_err(|e| self.err(e))?;
            self.files.push(path);
            self.writer = Some((w, 0));
        }
        let r = match self.writer.as_mut() {
            Some((w, n)) => {
                *n += (k.len() + v.map_or(0, <[u8]>::len)) as u64;
                match v {
                    Some(v) => w.put(k, v),
                    None => w.delete(k),
                }
            }
            None => Ok(()),
        };
        r.map_err(|e| self.err(e))
    }

    fn finish(mut self) -> Result<Vec<PathBuf>> {
        if let Some((mut w, _)) = self.writer.take() {
            w.finish().map_err(|e| self.err(e))?;
        }
        Ok(self.files)
    }
}

/// Removes a scratch database directory (none there is fine).
pub(crate) fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::Corrupt(format!("{}: {e}", path.display()))),
    }
}
