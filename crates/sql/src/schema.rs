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
    /// A character column's collation. As read from a definition: its
    /// COLLATE, or its CHARACTER SET's name standing for that set's
    /// default collation (no collation name is without `_`); the
    /// applier resolves it. `None`: not known.
    #[serde(default)]
    pub collation: Option<String>,
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
            collation: None,
        }
    }
}

/// An index other than the primary key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    /// Its parts' columns, by name.
    pub columns: Vec<String>,
    pub unique: bool,
    /// Every part is a whole column: no prefix (`c(10)`), no expression.
    pub whole: bool,
}

/// An index as a statement defines it (its name may be left to MySQL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub unique: bool,
    pub whole: bool,
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
    /// The indexes besides the primary key, in the order they were made
    /// (`None`: not known, as for catalog entries written before they
    /// were kept).
    #[serde(default)]
    pub indexes: Option<Vec<Index>>,
    /// The table's default collation (declared as for a column's).
    #[serde(default)]
    pub collation: Option<String>,
    /// The foreign keys it references other tables (or itself) by.
    #[serde(default)]
    pub foreign_keys: Vec<crate::foreign::ForeignKey>,
}

impl TableSchema {
    /// Index of a column by name (case-insensitive, as MySQL compares
    /// column names).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Adds `def`, named as MySQL names it when the statement does not:
    /// after its first column, with `_2`, `_3`… when that name is taken.
    pub fn add_index(&mut self, def: IndexDef) {
        let Some(list) = self.indexes.as_mut() else {
            return;
        };
        let taken = |n: &str| {
            n.eq_ignore_ascii_case("PRIMARY") || list.iter().any(|i| i.name.eq_ignore_ascii_case(n))
        };
        let name = match def.name {
            Some(n) => n,
            None => {
                let base = def.columns.first().cloned().unwrap_or_default();
                if taken(&base) {
                    (2..)
                        .map(|k| format!("{base}_{k}"))
                        .find(|n| !taken(n))
                        .unwrap_or(base)
                } else {
                    base
                }
            }
        };
        list.push(Index {
            name,
            columns: def.columns,
            unique: def.unique,
            whole: def.whole,
        });
    }

    /// Drops index `name`; one the catalog does not know makes the
    /// indexes unknown (a name given by rules understudy did not follow).
    pub fn drop_index(&mut self, name: &str) {
        if let Some(list) = self.indexes.as_mut() {
            match list.iter().position(|i| i.name.eq_ignore_ascii_case(name)) {
                Some(at) => {
                    list.remove(at);
                }
                None => self.indexes = None,
            }
        }
    }

    /// A column renamed (`new`) or dropped (`None`) in every index; an
    /// index left without columns goes.
    pub fn index_column_changed(&mut self, old: &str, new: Option<&str>) {
        if let Some(list) = self.indexes.as_mut() {
            for i in list.iter_mut() {
                match new {
                    Some(n) => {
                        for c in i.columns.iter_mut().filter(|c| c.eq_ignore_ascii_case(old)) {
                            *c = n.to_owned();
                        }
                    }
                    None => i.columns.retain(|c| !c.eq_ignore_ascii_case(old)),
                }
            }
            if new.is_none() {
                list.retain(|i| !i.columns.is_empty());
            }
        }
    }

    pub fn primary_key_names(&self) -> Vec<&str> {
        self.primary_key
            .iter()
            .filter_map(|&i| self.columns.get(i).map(|c| c.name.as_str()))
            .collect()
    }
}
