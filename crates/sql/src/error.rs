/// Why a statement could not be understood.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SqlError {
    /// The parser rejected it.
    #[error("cannot parse statement: {0}")]
    Parse(String),
    /// It parsed, but says something understudy does not handle.
    #[error("unsupported statement: {0}")]
    Unsupported(String),
    /// A column type understudy does not know.
    #[error("unsupported column type {0}")]
    Type(String),
}
