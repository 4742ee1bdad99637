//! Index definitions read from DDL: which keys a table has besides its
//! primary key, so that statements deciding rows by duplicates
//! (`INSERT IGNORE`, `REPLACE`, `ON DUPLICATE KEY UPDATE`) see the keys
//! the source sees.

use sqlparser::ast::{ColumnOption, CreateIndex, Expr, IndexColumn, TableConstraint};

use crate::schema::IndexDef;

/// The parts of an index: column names, and whether every part is a
/// whole column (`c(10)` prefixes and `(expr)` parts are not).
fn parts(columns: &[IndexColumn]) -> (Vec<String>, bool) {
    let mut whole = true;
    let names = columns
        .iter()
        .map(|ic| match &ic.column.expr {
            Expr::Identifier(i) => i.value.clone(),
            Expr::CompoundIdentifier(p) => p.last().map(|i| i.value.clone()).unwrap_or_default(),
            // `c(10)`: a prefix of column c.
            Expr::Function(f) => {
                whole = false;
                f.name
                    .0
                    .last()
                    .map(|p| p.to_string().trim_matches('`').to_owned())
                    .unwrap_or_default()
            }
            other => {
                whole = false;
                other.to_string()
            }
        })
        .collect();
    (names, whole)
}

/// The index a table constraint defines (the primary key, foreign keys
/// and checks define none here).
pub(crate) fn constraint_index(c: &TableConstraint) -> Option<IndexDef> {
    let (name, columns, unique) = match c {
        TableConstraint::Unique(u) => (u.index_name.as_ref().or(u.name.as_ref()), &u.columns, true),
        TableConstraint::Index(i) => (i.name.as_ref(), &i.columns, false),
        TableConstraint::FulltextOrSpatial(f) => (f.opt_index_name.as_ref(), &f.columns, false),
        _ => return None,
    };
    let (columns, whole) = parts(columns);
    Some(IndexDef {
        name: name.map(|n| n.value.clone()),
        columns,
        unique,
        whole,
    })
}

/// A `UNIQUE` written in column `name`'s definition.
pub(crate) fn column_index(name: &str, options: &[ColumnOption]) -> Option<IndexDef> {
    options
        .iter()
        .any(|o| match o {
            ColumnOption::Unique(_) => true,
            ColumnOption::DialectSpecific(tokens) => tokens
                .iter()
                .any(|t| t.to_string().eq_ignore_ascii_case("UNIQUE")),
            _ => false,
        })
        .then(|| IndexDef {
            name: None,
            columns: vec![name.to_owned()],
            unique: true,
            whole: true,
        })
}

/// `CREATE [UNIQUE] INDEX name ON t (…)`.
pub(crate) fn create_index(ci: &CreateIndex) -> IndexDef {
    let (columns, whole) = parts(&ci.columns);
    IndexDef {
        name: ci.name.as_ref().map(crate::ddl::last_part),
        columns,
        unique: ci.unique,
        whole,
    }
}
