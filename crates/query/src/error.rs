//! What a query can fail with; the endpoint turns these into MySQL's
//! errors (codes and SQLSTATEs).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// The store could not be read.
    #[error("{0}")]
    Store(String),
    /// ER_NO_DB_ERROR: an unqualified table and no current database.
    #[error("No database selected")]
    NoDatabase,
    /// ER_NO_SUCH_TABLE.
    #[error("Table '{0}' doesn't exist")]
    NoSuchTable(String),
    /// ER_BAD_DB_ERROR.
    #[error("Unknown database '{0}'")]
    UnknownDatabase(String),
    /// The statement does not parse.
    #[error("{0}")]
    Syntax(String),
    /// Anything else the engine refused or failed with.
    #[error("{0}")]
    Engine(String),
}
