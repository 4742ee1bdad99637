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
    /// Per table id, a key no row key of it is above (rows are only
    /// added by writes that raise it): an insert past it needs no look
    /// for a duplicate — rows inserted in key order (AUTO_INCREMENT) skip
    /// the store read. Survives [`TableCache::clear`]: a table id's rows
    /// change only through the applier.
    bounds: HashMap<u32, Vec<u8>>,
    /// Whether the catalog holds any temporary table (`None`: not looked
    /// at since the last [`TableCache::clear`]).
    temporaries: Option<bool>,
    /// Per referenced table, the tables (and which of their foreign
    /// keys) referencing it (`None`: not looked at since the last
    /// [`TableCache::clear`]).
    /// Keyed as `map` is (`db \0 name`).
    children: Option<HashMap<Vec<u8>, Children>>,
}

/// Tables referencing one, with the index of the foreign key.
pub type Children = Vec<(Arc<TableEntry>, usize)>;

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

    /// Forgets the entries and the key bounds: after DDL (which may
    /// rewrite a table's keys), a rollback, or a large transaction.
    pub fn clear(&mut self) {
        self.map.clear();
        self.bounds.clear();
        self.temporaries = None;
        self.children = None;
    }

    /// The tables whose foreign keys reference `db.name`.
    pub fn children(&mut self, store: &Store, txn: &Txn, db: &str, name: &str) -> Result<Children> {
        let key = |db: &str, name: &str| [db.as_bytes(), &[0], name.as_bytes()].concat();
        if self.children.is_none() {
            let mut map: HashMap<Vec<u8>, Children> = HashMap::new();
            for e in store.tables(Some(txn), None).map_err(store_err)? {
                let e = Arc::new(e);
                for (k, fk) in e.schema.foreign_keys.iter().enumerate() {
                    map.entry(key(&fk.parent.0, &fk.parent.1))
                        .or_default()
                        .push((e.clone(), k));
                }
            }
            self.children = Some(map);
        }
        self.key.clear();
        self.key.extend_from_slice(db.as_bytes());
        self.key.push(0);
        self.key.extend_from_slice(name.as_bytes());
        Ok(self
            .children
            .as_ref()
            .and_then(|m| m.get(self.key.as_slice()))
            .cloned()
            .unwrap_or_default())
    }

    /// Whether any session has a temporary table (tables under
    /// `prefix`, the catalog's temporary databases).
    pub fn any_temporary(&mut self, store: &Store, txn: &Txn, prefix: &str) -> Result<bool> {
        if let Some(any) = self.temporaries {
            return Ok(any);
        }
        let any = store
            .any_table_under(Some(txn), prefix)
            .map_err(store_err)?;
        self.temporaries = Some(any);
        Ok(any)
    }

    /// Whether a row `key` of table `id` may exist (false: it is past
    /// every key the table has).
    pub fn may_exist(&mut self, store: &Store, txn: &Txn, id: u32, key: &[u8]) -> Result<bool> {
        if txn.is_large() {
            return Ok(true);
        }
        if let std::collections::hash_map::Entry::Vacant(v) = self.bounds.entry(id) {
            let last = store
                .last_key(
                    Some(txn),
                    understudy_store::Family::Rows,
                    &understudy_store::keys::table_prefix(id),
                )
                .map_err(store_err)?;
            v.insert(last.unwrap_or_default());
        }
        Ok(self.bounds.get(&id).is_none_or(|b| key <= b.as_slice()))
    }

    /// A row `key` of table `id` is written: the bound follows.
    pub fn wrote(&mut self, id: u32, key: &[u8]) {
        if let Some(b) = self.bounds.get_mut(&id)
            && key > b.as_slice()
        {
            b.clear();
            b.extend_from_slice(key);
        }
    }
}
