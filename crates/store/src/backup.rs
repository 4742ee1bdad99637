//! A consistent copy of a store, taken while the replica that owns it
//! keeps applying: read through a reader ([`Store::open_reader`]), which
//! sees one commit boundary until it catches up again, and written into a
//! new store as table files (a compacted checkpoint: every live key once,
//! in order). The position the copy holds comes from the same view, so
//! the rows and the position agree exactly.

use std::path::{Path, PathBuf};

use rocksdb::{IngestExternalFileOptions, IteratorMode, Options, SstFileWriter};

use crate::error::{Result, StoreError};
use crate::store::{CF_META, CF_ROWS, POSITION_KEY, Position, Store, tune};

/// A table file is closed past this size.
const FILE_BYTES: u64 = 256 << 20;

/// What a copy holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyStats {
    /// The position of the last transaction in the copy (relay fields
    /// cleared: the copy has no relay log).
    pub position: Position,
    pub keys: u64,
    /// Bytes of keys and values.
    pub bytes: u64,
}

/// Table files of one column family, written in key order.
struct Files<'o> {
    opts: &'o Options,
    dir: PathBuf,
    prefix: &'static str,
    files: Vec<PathBuf>,
    writer: Option<(SstFileWriter<'o>, u64)>,
}

impl<'o> Files<'o> {
    fn put(&mut self, k: &[u8], v: &[u8]) -> Result<()> {
        if self.writer.as_ref().is_none_or(|(_, n)| *n >= FILE_BYTES) {
            self.close()?;
            let path = self
                .dir
                .join(format!("{}-{:05}.sst", self.prefix, self.files.len()));
            let w = SstFileWriter::create(self.opts);
            w.open(&path)
                .map_err(|e| StoreError::rocks(&path, "writing a table file", e))?;
            self.files.push(path);
            self.writer = Some((w, 0));
        }
        if let Some((w, n)) = self.writer.as_mut() {
            *n += (k.len() + v.len()) as u64;
            w.put(k, v)
                .map_err(|e| StoreError::rocks(&self.dir, "writing a table file", e))?;
        }
        Ok(())
    }

    fn close(&mut self) -> Result<()> {
        if let Some((mut w, _)) = self.writer.take() {
            w.finish()
                .map_err(|e| StoreError::rocks(&self.dir, "writing a table file", e))?;
        }
        Ok(())
    }
}

impl Store {
    /// Copies what this store sees (one commit boundary) into a new
    /// store at `dest`, which must not exist; `scratch` holds the table
    /// files on their way (same file system as `dest`).
    pub fn copy_to(&self, dest: &Path, scratch: &Path) -> Result<CopyStats> {
        if dest.exists() {
            return Err(StoreError::Corrupt(format!(
                "{}: already exists",
                dest.display()
            )));
        }
        std::fs::create_dir_all(scratch)
            .map_err(|e| StoreError::Corrupt(format!("{}: {e}", scratch.display())))?;
        let mut opts = Options::default();
        tune(&mut opts);
        let mut stats = CopyStats::default();
        let mut written = Vec::new();
        for (cf, prefix) in [(CF_META, "meta"), (CF_ROWS, "rows")] {
            let mut files = Files {
                opts: &opts,
                dir: scratch.to_owned(),
                prefix,
                files: Vec::new(),
                writer: None,
            };
            for item in self.db.iterator_cf(self.cf(cf)?, IteratorMode::Start) {
                let (k, v) = item.map_err(|e| StoreError::rocks(&self.path, "reading", e))?;
                stats.keys += 1;
                stats.bytes += (k.len() + v.len()) as u64;
                if cf == CF_ROWS && &*k == POSITION_KEY {
                    let mut p = Position::decode(&v).ok_or_else(|| {
                        StoreError::Corrupt(format!(
                            "{}: unreadable applier position",
                            self.path.display()
                        ))
                    })?;
                    p.relay_file.clear();
                    p.relay_pos = 0;
                    files.put(&k, &p.encode())?;
                    stats.position = p;
                    continue;
                }
                files.put(&k, &v)?;
            }
            files.close()?;
            written.push((cf, files.files));
        }
        let copy = Store::open(dest, crate::store::Durability::Sync)?;
        let mut ingest = IngestExternalFileOptions::default();
        ingest.set_move_files(true);
        for (cf, files) in written {
            if files.is_empty() {
                continue;
            }
            copy.db
                .ingest_external_file_cf_opts(copy.cf(cf)?, &ingest, files)
                .map_err(|e| StoreError::rocks(dest, "ingesting the copy", e))?;
        }
        let _ = std::fs::remove_dir_all(scratch);
        Ok(stats)
    }
}
