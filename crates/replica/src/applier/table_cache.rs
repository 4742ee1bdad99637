//! The catalog's table entries the applier looked up, kept between
//! transactions: a table map event names its table in every transaction,
//! and reading the entry from the catalog each time would cost more than
//! applying a small transaction. Emptied whenever a statement may have
//! changed the catalog (any DDL) or a transaction is rolled back.

use std::collections::HashMap;
use std::sync::Arc;

use understudy_store::{Store, TableEntry, Txn};

use super::apply::{Result, store_err};

#[derive(Debug, Default)]
pub struct TableCache {
    /// `db \0 name` → the entry, or `None` for a table that does not
    /// exist.
    map: HashMap<Vec<u8>, Option<Arc<TableEntry>>>,
    key: Vec<u8>,
}

impl TableCache {
    /// The entry of `db.name` as `txn` sees the catalog.
    pub fn get(
        &mut self,
        store: &Store,
        txn: &Txn,
        db: &str,
        name: &str,
    ) -> Result<Option<Arc<TableEntry>>> {
        self.key.clear();
        self.key.extend_from_slice(db.as_bytes());
        self.key.push(0);
        self.key.extend_from_slice(name.as_bytes());
        if let Some(e) = self.map.get(self.key.as_slice()) {
            return Ok(e.clone());
        }
        let e = store
            .table(Some(txn), db, name)
            .map_err(store_err)?
            .map(Arc::new);
        self.map.insert(self.key.clone(), e.clone());
        Ok(e)
    }

    pub fn clear(&mut self) {
        self.map.clear();
    }
}
