//! The endpoint's view of the store: a RocksDB secondary instance on the
//! replica's store. A [`View`] is taken after catching up with the
//! applier and holds the instance still (no catch-up) until dropped, so a
//! whole statement reads one state. Every transaction the applier commits
//! is one write batch, so that state is at a source-transaction boundary.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedRwLockReadGuard, RwLock};
use understudy_store::{Store, TableEntry};

use crate::error::QueryError;

/// The store directory inside a replica's data directory.
pub const STORE_DIR: &str = "store";

#[derive(Debug)]
pub struct StoreReader {
    store_dir: PathBuf,
    scratch: PathBuf,
    store: Mutex<Option<Arc<Store>>>,
    /// Views read-lock it; catching up write-locks it.
    gate: Arc<RwLock<()>>,
    /// The process's commit count at the last catch-up (the applier runs
    /// in this process: nothing new to see while it has not moved).
    caught_up_at: AtomicU64,
}

/// One consistent state of the store, for one statement.
#[derive(Debug, Clone)]
pub struct View {
    pub store: Arc<Store>,
    _held: Arc<OwnedRwLockReadGuard<()>>,
}

impl StoreReader {
    /// `scratch` holds the secondary instance's own files.
    pub fn new(data_dir: &Path, scratch: &Path) -> StoreReader {
        StoreReader {
            store_dir: data_dir.join(STORE_DIR),
            scratch: scratch.to_owned(),
            store: Mutex::new(None),
            gate: Arc::new(RwLock::new(())),
            caught_up_at: AtomicU64::new(u64::MAX),
        }
    }

    fn open(&self) -> Result<Option<Arc<Store>>, QueryError> {
        let mut g = self.store.lock().unwrap_or_else(|p| p.into_inner());
        if g.is_none() {
            if !self.store_dir.join("CURRENT").exists() {
                return Ok(None);
            }
            std::fs::create_dir_all(&self.scratch)
                .map_err(|e| QueryError::Store(format!("{}: {e}", self.scratch.display())))?;
            let s = Store::open_reader(&self.store_dir, &self.scratch)
                .map_err(|e| QueryError::Store(e.to_string()))?;
            *g = Some(Arc::new(s));
        }
        Ok(g.clone())
    }

    /// The latest committed state; `None` when the applier has not
    /// created the store yet (nothing replicated).
    pub async fn view(&self) -> Result<Option<View>, QueryError> {
        let Some(store) = self.open()? else {
            return Ok(None);
        };
        // Read before catching up: a commit made during it is caught up
        // with next time. A catch-up can come back short of a commit the
        // applier has made (seen while the applier's store flushes or
        // closes): it is tried again until the reader has it.
        let target = understudy_store::committed_sequence();
        if self.caught_up_at.load(Ordering::SeqCst) != target {
            let _w = self.gate.write().await;
            let mut tries = 0;
            loop {
                store
                    .catch_up()
                    .map_err(|e| QueryError::Store(e.to_string()))?;
                let seen = store.sequence();
                if seen >= target {
                    self.caught_up_at.store(target, Ordering::SeqCst);
                    break;
                }
                tries += 1;
                if tries == 100 {
                    // Left for the next statement to try again.
                    tracing::warn!(
                        "the store's reader saw sequence {seen}, behind the applier's {target}"
                    );
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
        }
        let held = Arc::new(self.gate.clone().read_owned().await);
        Ok(Some(View { store, _held: held }))
    }
}

impl View {
    /// The replicated databases, sorted.
    pub fn databases(&self) -> Result<Vec<String>, QueryError> {
        let mut d = self
            .store
            .databases(None)
            .map_err(|e| QueryError::Store(e.to_string()))?;
        d.sort();
        Ok(d)
    }

    /// The tables of `db`, sorted by name.
    pub fn tables(&self, db: &str) -> Result<Vec<TableEntry>, QueryError> {
        let mut t = self
            .store
            .tables(None, Some(db))
            .map_err(|e| QueryError::Store(e.to_string()))?;
        t.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(t)
    }

    pub fn table(&self, db: &str, name: &str) -> Result<Option<TableEntry>, QueryError> {
        self.store
            .table(None, db, name)
            .map_err(|e| QueryError::Store(e.to_string()))
    }

    pub fn database_exists(&self, db: &str) -> Result<bool, QueryError> {
        self.store
            .database_exists(None, db)
            .map_err(|e| QueryError::Store(e.to_string()))
    }
}
