//! Rows loaded in bulk (a clone's copy of a source table): a run of rows
//! sorted by key is written into a table file and ingested whole, past
//! the write-ahead log and the memtables. Runs of disjoint key ranges
//! land side by side in the last level, with no compaction to follow.

use std::path::PathBuf;

use rocksdb::{IngestExternalFileOptions, Options, SstFileWriter};

use crate::error::{Result, StoreError};
use crate::store::{CF_ROWS, Store, tune};
use crate::txn::{Family, Txn};

impl Store {
    /// Ingests `rows` (strictly increasing keys) into the row family as
    /// one table file; `name` makes its scratch file name unique among
    /// concurrent callers. Returns the file's size in bytes. Durable when
    /// it returns (ingestion syncs the file and the manifest).
    pub fn ingest_rows(&self, name: &str, rows: &[(Vec<u8>, Vec<u8>)]) -> Result<u64> {
        if rows.is_empty() {
            return Ok(0);
        }
        if let Some(w) = rows.windows(2).find(|w| w[0].0 >= w[1].0) {
            return Err(StoreError::Corrupt(format!(
                "bulk rows out of key order at {:02x?}",
                &w[1].0
            )));
        }
        let dir = self.bulk_dir();
        std::fs::create_dir_all(&dir)
            .map_err(|e| StoreError::Corrupt(format!("{}: {e}", dir.display())))?;
        let path = dir.join(format!("{name}.sst"));
        let mut opts = Options::default();
        tune(&mut opts);
        let err = |e| StoreError::rocks(&path, "writing a table file", e);
        let mut w = SstFileWriter::create(&opts);
        w.open(&path).map_err(err)?;
        for (k, v) in rows {
            w.put(k, v).map_err(err)?;
        }
        w.finish().map_err(err)?;
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let mut ingest = IngestExternalFileOptions::default();
        ingest.set_move_files(true);
        self.db
            .ingest_external_file_cf_opts(self.cf(CF_ROWS)?, &ingest, vec![path.clone()])
            .map_err(|e| StoreError::rocks(&self.path, "ingesting bulk rows", e))?;
        let _ = std::fs::remove_file(&path);
        Ok(bytes)
    }

    /// Deletes the row-family keys in `[from, to)` (rows a clone copies
    /// again).
    pub fn delete_range(&self, txn: &mut Txn, from: &[u8], to: &[u8]) {
        txn.ranges.push((Family::Rows, from.to_vec(), to.to_vec()));
    }

    /// Where bulk table files are written before ingestion (beside the
    /// store, on the same file system).
    fn bulk_dir(&self) -> PathBuf {
        self.large_dir().with_extension("bulk")
    }
}
