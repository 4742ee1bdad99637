//! The catalog in column family `meta`: databases, tables (name → table
//! id, schema version, schema) and every schema version ever in force
//! (`schema/<table id><version>`), all written in the same batch as the
//! transaction that changed them.
//!
//! A table id names one physical set of rows. TRUNCATE, a rebuilding
//! ALTER and DROP retire a table's id (its rows are deleted by range) and
//! a table that needs rows again gets a fresh one; ids are never reused.

use serde::{Deserialize, Serialize};
use understudy_sql::TableSchema;

use crate::error::{Result, StoreError};
use crate::store::{Family, Store, Txn};

/// A table as the catalog holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEntry {
    pub db: String,
    pub name: String,
    pub id: u32,
    /// The schema version rows are written under (global, increasing).
    pub version: u32,
    pub schema: TableSchema,
}

const SEQ_TABLE_ID: &[u8] = b"seq/table_id";
const SEQ_VERSION: &[u8] = b"seq/version";

fn db_key(db: &str) -> Vec<u8> {
    [b"db/".as_slice(), db.as_bytes()].concat()
}

fn table_key(db: &str, name: &str) -> Vec<u8> {
    [b"table/".as_slice(), db.as_bytes(), b"\0", name.as_bytes()].concat()
}

fn schema_key(id: u32, version: u32) -> Vec<u8> {
    [
        b"schema/".as_slice(),
        &id.to_be_bytes(),
        &version.to_be_bytes(),
    ]
    .concat()
}

/// A table's hidden row id counter: in `rows` under table id 0, beside
/// the position (see `store::POSITION_KEY`).
fn rowid_key(id: u32) -> Vec<u8> {
    [b"\0\0\0\0rowid/".as_slice(), &id.to_be_bytes()].concat()
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("catalog {what}: {e}"))
}

impl Store {
    fn next_seq(&self, txn: &mut Txn, key: &[u8]) -> Result<u32> {
        let cur = match self.get(Some(txn), Family::Meta, key)? {
            Some(b) => u32::from_be_bytes(
                b.as_slice()
                    .try_into()
                    .map_err(|_| corrupt("sequence", "bad length"))?,
            ),
            None => 1,
        };
        self.put(txn, Family::Meta, key, &(cur + 1).to_be_bytes())?;
        Ok(cur)
    }

    pub fn database_exists(&self, txn: Option<&Txn>, db: &str) -> Result<bool> {
        Ok(self.get(txn, Family::Meta, &db_key(db))?.is_some())
    }

    /// Creates a database with its default character set and collation
    /// (`None`: not known). Stored as `charset` or `charset collation`.
    pub fn create_database(
        &self,
        txn: &mut Txn,
        db: &str,
        charset: Option<&str>,
        collation: Option<&str>,
    ) -> Result<()> {
        let mut v = charset.unwrap_or("").to_owned();
        if let Some(c) = collation {
            v.push(' ');
            v.push_str(c);
        }
        self.put(txn, Family::Meta, &db_key(db), v.as_bytes())
    }

    /// A database's default character set and collation as stored.
    fn database_defaults(&self, txn: Option<&Txn>, db: &str) -> Result<(String, String)> {
        let v = self
            .get(txn, Family::Meta, &db_key(db))?
            .unwrap_or_default();
        let v = String::from_utf8_lossy(&v).into_owned();
        Ok(match v.split_once(' ') {
            Some((cs, c)) => (cs.to_owned(), c.to_owned()),
            None => (v, String::new()),
        })
    }

    /// A database's default character set, when known.
    pub fn database_charset(&self, txn: Option<&Txn>, db: &str) -> Result<Option<String>> {
        let (cs, _) = self.database_defaults(txn, db)?;
        Ok((!cs.is_empty()).then_some(cs))
    }

    /// A database's default collation, when known.
    pub fn database_collation(&self, txn: Option<&Txn>, db: &str) -> Result<Option<String>> {
        let (_, c) = self.database_defaults(txn, db)?;
        Ok((!c.is_empty()).then_some(c))
    }

    /// Drops a database and its tables.
    pub fn drop_database(&self, txn: &mut Txn, db: &str) -> Result<()> {
        for t in self.tables(Some(txn), Some(db))? {
            self.drop_table(txn, &t)?;
        }
        self.delete(txn, Family::Meta, &db_key(db))
    }

    pub fn databases(&self, txn: Option<&Txn>) -> Result<Vec<String>> {
        self.scan(txn, Family::Meta, b"db/")?
            .into_iter()
            .map(|(k, _)| {
                String::from_utf8(k[3..].to_vec()).map_err(|e| corrupt("database name", e))
            })
            .collect()
    }

    pub fn table(&self, txn: Option<&Txn>, db: &str, name: &str) -> Result<Option<TableEntry>> {
        match self.get(txn, Family::Meta, &table_key(db, name))? {
            None => Ok(None),
            Some(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|e| corrupt("table entry", e)),
        }
    }

    /// Whether a table exists in a database whose name starts with
    /// `db_prefix`.
    pub fn any_table_under(&self, txn: Option<&Txn>, db_prefix: &str) -> Result<bool> {
        let prefix = [b"table/".as_slice(), db_prefix.as_bytes()].concat();
        let mut any = false;
        self.for_each(txn, Family::Meta, &prefix, |_, _| {
            any = true;
            Ok(std::ops::ControlFlow::Break(()))
        })?;
        Ok(any)
    }

    /// The tables of `db` (or of every database), by name.
    pub fn tables(&self, txn: Option<&Txn>, db: Option<&str>) -> Result<Vec<TableEntry>> {
        let prefix = match db {
            Some(d) => [b"table/".as_slice(), d.as_bytes(), b"\0"].concat(),
            None => b"table/".to_vec(),
        };
        self.scan(txn, Family::Meta, &prefix)?
            .into_iter()
            .map(|(_, v)| serde_json::from_slice(&v).map_err(|e| corrupt("table entry", e)))
            .collect()
    }

    /// The schema a table id had at `version` (for rows written before
    /// an ALTER).
    pub fn schema_version(
        &self,
        txn: Option<&Txn>,
        id: u32,
        version: u32,
    ) -> Result<Option<TableSchema>> {
        match self.get(txn, Family::Meta, &schema_key(id, version))? {
            None => Ok(None),
            Some(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|e| corrupt("schema", e)),
        }
    }

    /// Creates a table (fresh id) or gives an existing name a new schema
    /// (`same_rows`: keep its id and rows, e.g. a column rename; otherwise
    /// a fresh id the caller fills). Returns the new entry.
    pub fn define_table(
        &self,
        txn: &mut Txn,
        db: &str,
        name: &str,
        schema: TableSchema,
        keep_id: Option<u32>,
    ) -> Result<TableEntry> {
        let id = match keep_id {
            Some(id) => id,
            None => self.next_seq(txn, SEQ_TABLE_ID)?,
        };
        let version = self.next_seq(txn, SEQ_VERSION)?;
        let entry = TableEntry {
            db: db.to_owned(),
            name: name.to_owned(),
            id,
            version,
            schema,
        };
        let schema_json = serde_json::to_vec(&entry.schema).map_err(|e| corrupt("schema", e))?;
        self.put(txn, Family::Meta, &schema_key(id, version), &schema_json)?;
        let json = serde_json::to_vec(&entry).map_err(|e| corrupt("table entry", e))?;
        self.put(txn, Family::Meta, &table_key(db, name), &json)?;
        Ok(entry)
    }

    /// Moves a table to another name, rows and all.
    pub fn rename_table(
        &self,
        txn: &mut Txn,
        from: &TableEntry,
        db: &str,
        name: &str,
    ) -> Result<()> {
        self.delete(txn, Family::Meta, &table_key(&from.db, &from.name))?;
        let mut e = from.clone();
        e.db = db.to_owned();
        e.name = name.to_owned();
        let json = serde_json::to_vec(&e).map_err(|e| corrupt("table entry", e))?;
        self.put(txn, Family::Meta, &table_key(db, name), &json)
    }

    /// Deletes a table's rows (its id is retired) and its name.
    pub fn drop_table(&self, txn: &mut Txn, t: &TableEntry) -> Result<()> {
        self.retire_rows(txn, t.id)?;
        self.delete(txn, Family::Meta, &table_key(&t.db, &t.name))
    }

    /// Deletes every row stored under a table id.
    pub fn retire_rows(&self, txn: &mut Txn, id: u32) -> Result<()> {
        self.delete_prefix(txn, Family::Rows, &crate::keys::table_prefix(id))?;
        self.delete(txn, Family::Rows, &rowid_key(id))
    }

    /// Sets the next hidden row id of a table without a primary key (a
    /// clone that numbered the rows it copied).
    pub fn set_next_row_id(&self, txn: &mut Txn, id: u32, next: u64) -> Result<()> {
        self.put(txn, Family::Rows, &rowid_key(id), &next.to_be_bytes())
    }

    /// The next hidden row id of a table without a primary key.
    pub fn next_row_id(&self, txn: &mut Txn, id: u32) -> Result<u64> {
        let key = rowid_key(id);
        let cur = match self.get(Some(txn), Family::Rows, &key)? {
            Some(b) => u64::from_be_bytes(
                b.as_slice()
                    .try_into()
                    .map_err(|_| corrupt("row id", "bad length"))?,
            ),
            None => 1,
        };
        self.put(txn, Family::Rows, &key, &(cur + 1).to_be_bytes())?;
        Ok(cur)
    }
}
