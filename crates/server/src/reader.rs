//! The endpoint's view of the store: a RocksDB secondary instance on the
//! replica's store, caught up before each statement that reads it. Every
//! transaction the applier commits is one write batch, so what a
//! statement sees is always at a source-transaction boundary.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use understudy_replica::applier::STORE_DIR;
use understudy_store::Store;

use crate::error::SqlError;

#[derive(Debug)]
pub struct StoreReader {
    store_dir: PathBuf,
    scratch: PathBuf,
    store: Mutex<Option<Store>>,
}

impl StoreReader {
    /// `scratch` holds the secondary instance's own files.
    pub fn new(data_dir: &Path, scratch: &Path) -> StoreReader {
        StoreReader {
            store_dir: data_dir.join(STORE_DIR),
            scratch: scratch.to_owned(),
            store: Mutex::new(None),
        }
    }

    /// Runs `f` on the latest committed state; `None` when the applier
    /// has not created the store yet (nothing replicated).
    pub fn with<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, SqlError>,
    ) -> Result<Option<T>, SqlError> {
        let mut g = self.store.lock().unwrap_or_else(|p| p.into_inner());
        if g.is_none() {
            if !self.store_dir.join("CURRENT").exists() {
                return Ok(None);
            }
            std::fs::create_dir_all(&self.scratch)
                .map_err(|e| SqlError::internal(format!("{}: {e}", self.scratch.display())))?;
            let s = Store::open_reader(&self.store_dir, &self.scratch)
                .map_err(|e| SqlError::internal(e.to_string()))?;
            *g = Some(s);
        }
        let Some(store) = g.as_ref() else {
            return Ok(None);
        };
        store
            .catch_up()
            .map_err(|e| SqlError::internal(e.to_string()))?;
        f(store).map(Some)
    }

    /// The replicated databases, sorted.
    pub fn databases(&self) -> Result<Vec<String>, SqlError> {
        Ok(self
            .with(|s| {
                s.databases(None)
                    .map_err(|e| SqlError::internal(e.to_string()))
            })?
            .unwrap_or_default())
    }

    /// The tables of `db`, sorted.
    pub fn tables(&self, db: &str) -> Result<Vec<String>, SqlError> {
        let mut t: Vec<String> = self
            .with(|s| {
                s.tables(None, Some(db))
                    .map_err(|e| SqlError::internal(e.to_string()))
            })?
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.name)
            .collect();
        t.sort();
        Ok(t)
    }

    pub fn database_exists(&self, db: &str) -> Result<bool, SqlError> {
        Ok(self
            .with(|s| {
                s.database_exists(None, db)
                    .map_err(|e| SqlError::internal(e.to_string()))
            })?
            .unwrap_or(false))
    }
}
