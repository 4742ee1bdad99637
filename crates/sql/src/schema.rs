//! A table's schema: its columns in table-map order and its primary key.

use serde::{Deserialize, Serialize};

use crate::types::ColumnType;

/// A column's DEFAULT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DefaultValue {
    /// No DEFAULT clause: NULL for a nullable column, the type's implicit
    /// default (0, '', the zero date…) for a NOT NULL one.
    None,
    Null,
    /// A constant, unquoted (`'x'` → `x`, `5` → `5`, `b'101'` kept).
    Literal(String),
    /// An expression (`CURRENT_TIMESTAMP`, `(uuid())`), as written.
    Expression(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    pub nullable: bool,
    pub default: DefaultValue,
    pub auto_increment: bool,
    /// GENERATED ALWAYS AS (…): the source computes it and logs its value.
    pub generated: bool,
    pub invisible: bool,
    /// MariaDB's COMPRESSED attribute: row images carry the value
    /// compressed (`MYSQL_TYPE_*_COMPRESSED`).
    #[serde(default)]
    pub compressed: bool,
    /// ON UPDATE CURRENT_TIMESTAMP: the source sets it when a row
    /// changes (row events carry the value; a statement does not).
    #[serde(default)]
    pub on_update: bool,
}

impl Column {
    pub fn new(name: &str, ty: ColumnType) -> Self {
        Column {
            name: name.to_owned(),
            ty,
            nullable: true,
            default: DefaultValue::None,
            auto_increment: false,
            generated: false,
            invisible: false,
            compressed: false,
            on_update: false,
        }
    }
}

/// Columns in definition order (the order of the source's table map and
/// row images), and the primary key as column indices (empty: none, rows
/// get a hidden row id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSchema {
    pub columns: Vec<Column>,
    pub primary_key: Vec<usize>,
    /// The table's default character set, when declared.
    pub charset: Option<String>,
    /// MariaDB's system-versioned tables: the columns of the period
    /// (row start, row end). Rows whose end is not the greatest timestamp
    /// are history, which `SELECT *` leaves out.
    #[serde(default)]
    pub system_time: Option<(String, String)>,
}

impl TableSchema {
    /// Index of a column by name (case-insensitive, as MySQL compares
    /// column names).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }

    pub fn primary_key_names(&self) -> Vec<&str> {
        self.primary_key
            .iter()
            .filter_map(|&i| self.columns.get(i).map(|c| c.name.as_str()))
            .collect()
    }
}
