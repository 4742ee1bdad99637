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
    ///
    /// The file is written uncompressed: a bulk load is bound by the
    /// CPU, and compaction compresses the rows when it rewrites them.
    pub fn ingest_rows<'a>(
        &self,
        name: &str,
        rows: impl IntoIterator<Item = (&'a [u8], &'a [u8])>,
    ) -> Result<u64> {
        let dir = self.bulk_dir();
        std::fs::create_dir_all(&dir)
            .map_err(|e| StoreError::Corrupt(format!("{}: {e}", dir.display())))?;
        let path = dir.join(format!("{name}.sst"));
        let mut opts = Options::default();
        tune(&mut opts);
        opts.set_compression_type(rocksdb::DBCompressionType::None);
        let err = |e| StoreError::rocks(&path, "writing a table file", e);
        let mut w = SstFileWriter::create(&opts);
        w.open(&path).map_err(err)?;
        let mut last: Option<&[u8]> = None;
        for (k, v) in rows {
            if last.is_some_and(|l| l >= k) {
                drop(w);
                let _ = std::fs::remove_file(&path);
                return Err(StoreError::Corrupt(format!(
                    "bulk rows out of key order at {k:02x?}"
                )));
            }
            last = Some(k);
            w.put(k, v).map_err(err)?;
        }
        if last.is_none() {
            drop(w);
            let _ = std::fs::remove_file(&path);
            return Ok(0);
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
