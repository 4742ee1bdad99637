//! The character set and collation of each character column, as MySQL
//! gives them when a definition leaves them out: the column's own, else
//! its table's, else its database's, else the server's. A character set
//! named without a collation stands for its default collation, which
//! depends on the source (utf8mb4's is `utf8mb4_0900_ai_ci` on MySQL 8.0
//! and later, unless `default_collation_for_utf8mb4` says otherwise, and
//! `utf8mb4_general_ci` on MariaDB 10); where it is not known the column
//! keeps no collation, and statements comparing its text answer only
//! what every collation agrees on.

use understudy_sql::ddl::charset_of_collation;
use understudy_sql::{Column, ColumnType, TableSchema};
use understudy_store::{Store, Txn};

use super::apply::{Result, store_err};

/// The character sets and collations a statement ran with (from its
/// query event's status variables): what CREATE DATABASE / CREATE TABLE
/// fall back to when they name none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionCharsets {
    /// `character_set_server` (of `collation_server`).
    pub server: Option<String>,
    /// `character_set_database`, when the event carries it.
    pub database: Option<String>,
    /// `collation_server`.
    pub server_collation: Option<String>,
    /// `collation_database`, when the event carries it.
    pub database_collation: Option<String>,
    /// The source's default collation of utf8mb4, when known.
    pub utf8mb4: Option<String>,
    /// The source is MariaDB 11 or later, whose default collations
    /// follow `character_set_collations`.
    pub newer_mariadb: bool,
}

impl SessionCharsets {
    /// The collation a declaration names: itself, or for a character set
    /// its default collation on the source.
    pub fn resolve(&self, declared: &str) -> Option<String> {
        if declared.contains('_') || declared == "binary" {
            return Some(declared.to_owned());
        }
        if self.newer_mariadb {
            return None;
        }
        match declared {
            "utf8mb4" => self.utf8mb4.clone(),
            "utf8mb3" | "utf8" => Some("utf8mb3_general_ci".into()),
            "latin1" => Some("latin1_swedish_ci".into()),
            "ascii" => Some("ascii_general_ci".into()),
            _ => None,
        }
    }
}

/// Gives a new table's character strings their character set and
/// collation when the definition names none: the table's, else the
/// database's (from the statement's session or the catalog), else the
/// server's.
pub(super) fn resolve_charsets(
    store: &Store,
    txn: &Txn,
    db: &str,
    schema: &mut TableSchema,
    session: &SessionCharsets,
) -> Result<()> {
    let declared = schema.collation.take();
    schema.collation = match &declared {
        Some(d) => session.resolve(d),
        None => match &session.database_collation {
            Some(c) => Some(c.clone()),
            None => match store.database_collation(Some(txn), db).map_err(store_err)? {
                Some(c) => Some(c),
                None if !store.database_exists(Some(txn), db).map_err(store_err)? => {
                    session.server_collation.clone()
                }
                // (A database created before the replica saw it.)
                None => None,
            },
        },
    };
    if schema.charset.is_none() {
        schema.charset = match &session.database {
            Some(c) => Some(c.clone()),
            None => store
                .database_charset(Some(txn), db)
                .map_err(store_err)?
                .or_else(|| session.server.clone()),
        };
    }
    if let (Some(cs), Some(c)) = (&schema.charset, &schema.collation)
        && charset_of_collation(c) != *cs
    {
        schema.collation = None;
    }
    let (cs, collation) = (schema.charset.clone(), schema.collation.clone());
    for c in &mut schema.columns {
        with_charset(c, cs.as_deref(), collation.as_deref(), session);
    }
    Ok(())
}

/// A character column without a character set takes `table`'s, and its
/// collation: its own declaration's, else the table's `collation` (when
/// known).
pub(super) fn with_charset(
    c: &mut Column,
    table: Option<&str>,
    collation: Option<&str>,
    session: &SessionCharsets,
) {
    let (ColumnType::Char { charset, .. }
    | ColumnType::VarChar { charset, .. }
    | ColumnType::Text { charset, .. }) = &mut c.ty
    else {
        // ENUM and SET members compare under a collation too.
        c.collation = match (&c.ty, c.collation.take(), collation) {
            (ColumnType::Enum(_) | ColumnType::Set(_), Some(declared), _) => {
                session.resolve(&declared)
            }
            (ColumnType::Enum(_) | ColumnType::Set(_), None, Some(t)) => Some(t.to_owned()),
            // (The table's collation unknown: the column's too.)
            _ => None,
        };
        return;
    };
    if charset.is_none() {
        *charset = table.map(str::to_owned);
    }
    c.collation = match (c.collation.take(), charset.as_deref()) {
        (Some(declared), _) => session.resolve(&declared),
        // Declaring nothing, the column has the table's collation — not
        // its character set's default, which a database created before
        // the replica saw it may not have.
        (None, Some(cs)) => collation
            .filter(|t| charset_of_collation(t) == cs)
            .map(str::to_owned),
        (None, None) => None,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_take_the_nearest_declaration() {
        let mysql = SessionCharsets {
            utf8mb4: Some("utf8mb4_0900_ai_ci".into()),
            ..SessionCharsets::default()
        };
        let col = |collation: Option<&str>, charset: Option<&str>| {
            let mut c = Column::new(
                "c",
                ColumnType::VarChar {
                    len: 5,
                    charset: charset.map(str::to_owned),
                },
            );
            c.collation = collation.map(str::to_owned);
            c
        };
        let mut c = col(None, None);
        with_charset(&mut c, Some("utf8mb4"), Some("utf8mb4_bin"), &mysql);
        assert_eq!(c.collation.as_deref(), Some("utf8mb4_bin"));
        // CHARACTER SET alone: that set's default, not the table's.
        let mut c = col(Some("utf8mb4"), Some("utf8mb4"));
        with_charset(&mut c, Some("utf8mb4"), Some("utf8mb4_bin"), &mysql);
        assert_eq!(c.collation.as_deref(), Some("utf8mb4_0900_ai_ci"));
        let mut c = col(Some("latin1"), Some("latin1"));
        with_charset(&mut c, Some("utf8mb4"), Some("utf8mb4_bin"), &mysql);
        assert_eq!(c.collation.as_deref(), Some("latin1_swedish_ci"));
        // The table's collation unknown (its database predates the
        // replica): so is the column's.
        let mut c = col(None, None);
        with_charset(&mut c, Some("utf8mb4"), None, &mysql);
        assert_eq!(c.collation, None);
        let mut c = col(Some("utf8mb4_general_ci"), None);
        with_charset(&mut c, None, None, &mysql);
        assert_eq!(c.collation.as_deref(), Some("utf8mb4_general_ci"));
        let newer = SessionCharsets {
            newer_mariadb: true,
            ..SessionCharsets::default()
        };
        let mut c = col(None, None);
        with_charset(&mut c, Some("utf8mb4"), None, &newer);
        assert_eq!(c.collation, None);
    }
}
