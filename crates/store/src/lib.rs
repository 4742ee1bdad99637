//! understudy's store (RocksDB): order-preserving row keys, rows, and one
//! write batch per source transaction carrying the applier's position with
//! its changes. No sockets, no relay log: the applier drives it.

pub mod backup;
pub mod bulk;
pub mod catalog;
pub mod charset;
pub mod error;
pub mod export;
pub mod keys;
pub mod mariadb_types;
pub mod row;
mod spill;
pub mod store;
pub mod text;
pub mod txn;

pub use catalog::TableEntry;
pub use error::{Result, StoreError};
pub use row::{Cell, CellRef, decode_row, encode_key_cell, encode_row, row_cells};
pub use store::{Durability, Family, Position, Savepoint, Store, Txn, committed_sequence};
