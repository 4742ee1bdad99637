//! What a statement answers: an OK, or rows with their column metadata.

use understudy_mysql_proto::serve::{BINARY_COLLATION, Column, UTF8MB4_0900_AI_CI, flags, types};

/// A statement's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Ok { affected: u64 },
    Rows(ResultSet),
}

impl Reply {
    pub fn ok() -> Reply {
        Reply::Ok { affected: 0 }
    }
}

/// Columns and text-protocol values (`None` is NULL).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultSet {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Option<Vec<u8>>>>,
}

/// A string column (utf8mb4, MySQL's `VAR_STRING` of its computed
/// results); `chars` is its display width in characters.
pub fn text_column(name: &str, chars: u32) -> Column {
    Column {
        name: name.to_owned(),
        org_name: String::new(),
        collation: UTF8MB4_0900_AI_CI,
        length: chars.saturating_mul(4),
        column_type: types::VAR_STRING,
        flags: flags::NOT_NULL,
        decimals: 31,
        ..Column::default()
    }
}

/// An integer column (`LONGLONG`, unsigned or not).
pub fn int_column(name: &str, unsigned: bool) -> Column {
    Column {
        name: name.to_owned(),
        collation: BINARY_COLLATION,
        length: 21,
        column_type: types::LONGLONG,
        flags: flags::NOT_NULL
            | flags::BINARY
            | flags::NUM
            | if unsigned { flags::UNSIGNED } else { 0 },
        ..Column::default()
    }
}

impl ResultSet {
    /// A result of string columns (widths from the values).
    pub fn strings(names: &[&str], rows: Vec<Vec<Option<String>>>) -> ResultSet {
        let columns = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let w = rows
                    .iter()
                    .filter_map(|r| r.get(i)?.as_ref().map(|v| v.chars().count()))
                    .max()
                    .unwrap_or(0)
                    .max(n.len()) as u32;
                text_column(n, w)
            })
            .collect();
        ResultSet {
            columns,
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(|v| v.map(String::into_bytes)).collect())
                .collect(),
        }
    }

    /// Marks the columns that hold a NULL as nullable.
    pub fn nullable_where_null(mut self) -> ResultSet {
        for (i, c) in self.columns.iter_mut().enumerate() {
            if self
                .rows
                .iter()
                .any(|r| r.get(i).is_some_and(Option::is_none))
            {
                c.flags &= !flags::NOT_NULL;
            }
        }
        self
    }
}
