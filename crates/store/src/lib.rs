//! understudy's store (RocksDB): order-preserving row keys, rows, and one
//! write batch per source transaction carrying the applier's position with
//! its changes. No sockets, no relay log: the applier drives it.

pub mod error;
pub mod keys;
pub mod store;

pub use error::{Result, StoreError};
pub use store::{Durability, Position, Store, Txn};
