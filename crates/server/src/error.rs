//! The errors a client gets: MySQL's codes, SQLSTATEs and messages.

/// An error sent to the client as an ERR packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ERROR {code} ({state}): {message}")]
pub struct SqlError {
    pub code: u16,
    pub state: &'static str,
    pub message: String,
}

impl SqlError {
    pub fn new(code: u16, state: &'static str, message: impl Into<String>) -> Self {
        SqlError {
            code,
            state,
            message: message.into(),
        }
    }

    /// ER_OPTION_PREVENTS_STATEMENT: every write a client sends.
    pub fn read_only() -> Self {
        SqlError::new(
            1290,
            "HY000",
            "The MySQL server is running with the --read-only option so it cannot execute this statement",
        )
    }

    /// ER_ACCESS_DENIED_ERROR.
    pub fn access_denied(user: &str, host: &str, with_password: bool) -> Self {
        let using = if with_password { "YES" } else { "NO" };
        SqlError::new(
            1045,
            "28000",
            format!("Access denied for user '{user}'@'{host}' (using password: {using})"),
        )
    }

    /// ER_SPECIFIC_ACCESS_DENIED_ERROR: an operator statement from a
    /// read-only account.
    pub fn needs_privilege(privilege: &str) -> Self {
        SqlError::new(
            1227,
            "42000",
            format!(
                "Access denied; you need (at least one of) the {privilege} privilege(s) for this operation"
            ),
        )
    }

    /// ER_PARSE_ERROR.
    pub fn syntax(near: &str) -> Self {
        let near: String = near.chars().take(80).collect();
        SqlError::new(
            1064,
            "42000",
            format!(
                "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '{near}' at line 1"
            ),
        )
    }

    /// ER_NOT_SUPPORTED_YET.
    pub fn not_supported(what: &str) -> Self {
        SqlError::new(
            1235,
            "42000",
            format!("This version of MySQL doesn't yet support '{what}'"),
        )
    }

    /// ER_BAD_DB_ERROR.
    pub fn unknown_database(db: &str) -> Self {
        SqlError::new(1049, "42000", format!("Unknown database '{db}'"))
    }

    /// ER_NO_DB_ERROR.
    pub fn no_database() -> Self {
        SqlError::new(1046, "3D000", "No database selected")
    }

    /// ER_UNKNOWN_SYSTEM_VARIABLE.
    pub fn unknown_variable(name: &str) -> Self {
        SqlError::new(1193, "HY000", format!("Unknown system variable '{name}'"))
    }

    /// ER_UNKNOWN_COM_ERROR.
    pub fn unknown_command() -> Self {
        SqlError::new(1047, "08S01", "Unknown command")
    }

    /// An internal failure (the store could not be read).
    pub fn internal(message: impl Into<String>) -> Self {
        SqlError::new(1105, "HY000", message)
    }
}

impl From<understudy_query::QueryError> for SqlError {
    fn from(e: understudy_query::QueryError) -> SqlError {
        use understudy_query::QueryError as Q;
        match e {
            Q::NoDatabase => SqlError::no_database(),
            Q::UnknownDatabase(d) => SqlError::unknown_database(&d),
            Q::NoSuchTable(t) => SqlError::new(1146, "42S02", format!("Table '{t}' doesn't exist")),
            Q::Syntax(m) => SqlError::new(
                1064,
                "42000",
                format!("You have an error in your SQL syntax: {m}"),
            ),
            Q::Store(m) | Q::Engine(m) => SqlError::internal(m),
        }
    }
}
