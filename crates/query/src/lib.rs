//! understudy-query: SQL over the replica's store. Apache DataFusion
//! plans and runs SELECTs over a table provider that scans the store
//! (integer primary keys give point reads and key ranges); results come
//! back as MySQL's text protocol has them.
#![forbid(unsafe_code)]

pub mod batch;
pub mod columns;
pub mod engine;
pub mod error;
pub mod information_schema;
pub mod names;
pub mod order_free;
mod parallel;
pub mod point;
pub mod provider;
pub mod reader;
pub mod render;

pub use engine::Engine;
pub use error::QueryError;
pub use reader::{StoreReader, View};
pub use render::{Protocol, Rows};
