//! MySQL SQL understanding: table schemas (columns, types, keys) and the
//! DDL statements of query events turned into changes to them. No I/O.

pub mod collation;
pub mod ddl;
mod declared;
pub mod dml;
pub mod error;
pub mod foreign;
mod keys;
pub mod lexical;
pub mod schema;
pub mod types;

pub use ddl::{AlterOp, ColumnPosition, Ddl, TableName, parse_ddl};
pub use error::SqlError;
pub use schema::{Column, DefaultValue, Index, IndexDef, TableSchema};
pub use types::ColumnType;
