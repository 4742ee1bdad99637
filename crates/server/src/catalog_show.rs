//! What tools ask about the replicated tables: SHOW CREATE TABLE,
//! DESCRIBE / SHOW [FULL] COLUMNS, from the replica's catalog (the schema
//! the source's DDL left, as understudy keeps it).

use understudy_query::View;
use understudy_sql::{ColumnType, DefaultValue, TableSchema};
use understudy_store::TableEntry;
use understudy_store::export::create_table_sql;

use crate::error::SqlError;
use crate::results::ResultSet;

/// The table `name` (`db.t` or `t` in the current database).
pub fn table(view: &View, db: Option<&str>, name: &[String]) -> Result<TableEntry, SqlError> {
    let (db, t) = match name {
        [db, t] => (db.as_str(), t.as_str()),
        [t] => (db.ok_or_else(SqlError::no_database)?, t.as_str()),
        _ => return Err(SqlError::syntax("")),
    };
    view.table(db, t)?
        .ok_or_else(|| SqlError::new(1146, "42S02", format!("Table '{db}.{t}' doesn't exist")))
}

/// SHOW CREATE TABLE: `Table`, `Create Table`.
pub fn show_create(e: &TableEntry) -> ResultSet {
    let sql = create_table_sql(&e.name, &e.schema);
    let sql = sql.trim_end().trim_end_matches(';').to_owned();
    ResultSet::strings(
        &["Table", "Create Table"],
        vec![vec![Some(e.name.clone()), Some(sql)]],
    )
}

/// A column type as DESCRIBE shows it: lower-case, without its
/// character set (`varchar(20)`, `enum('a','B')`, `int unsigned`).
fn type_text(ty: &ColumnType) -> String {
    let sql = ty.sql();
    let sql = sql.split(" CHARACTER SET ").next().unwrap_or(&sql);
    match sql.find('(') {
        Some(i) => {
            let close = sql.rfind(')').unwrap_or(sql.len() - 1);
            format!(
                "{}{}{}",
                sql[..i].to_ascii_lowercase(),
                &sql[i..=close],
                sql[close + 1..].to_ascii_lowercase()
            )
        }
        None => sql.to_ascii_lowercase(),
    }
}

/// The `Key` column: PRI, UNI (first column of a unique index), MUL
/// (first column of another index).
fn key_of(s: &TableSchema, i: usize) -> &'static str {
    if s.primary_key.contains(&i) {
        return "PRI";
    }
    let name = &s.columns[i].name;
    let first = |unique: bool| {
        s.indexes.iter().flatten().any(|x| {
            x.unique == unique
                && x.columns
                    .first()
                    .is_some_and(|c| c.eq_ignore_ascii_case(name))
        })
    };
    if first(true) {
        "UNI"
    } else if first(false) {
        "MUL"
    } else {
        ""
    }
}

/// DESCRIBE / SHOW COLUMNS: Field, Type, Null, Key, Default, Extra
/// (`full`: with Collation, Privileges and Comment as SHOW FULL COLUMNS).
pub fn describe(e: &TableEntry, full: bool) -> ResultSet {
    let s = &e.schema;
    let rows = s
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let default = match &c.default {
                DefaultValue::None | DefaultValue::Null => None,
                DefaultValue::Literal(v) | DefaultValue::Expression(v) => Some(v.clone()),
            };
            let mut extra = Vec::new();
            if c.auto_increment {
                extra.push("auto_increment".to_owned());
            }
            if matches!(c.default, DefaultValue::Expression(_)) {
                extra.push("DEFAULT_GENERATED".to_owned());
            }
            if c.on_update {
                extra.push("on update CURRENT_TIMESTAMP".to_owned());
            }
            if c.invisible {
                extra.push("INVISIBLE".to_owned());
            }
            let mut row = vec![
                Some(c.name.clone()),
                Some(type_text(&c.ty)),
                Some(if c.nullable { "YES" } else { "NO" }.to_owned()),
                Some(key_of(s, i).to_owned()),
                default,
                Some(extra.join(" ")),
            ];
            if full {
                let collation = c.ty.is_text().then(|| c.collation.clone()).flatten();
                row.insert(2, collation);
                row.push(Some("select".to_owned()));
                row.push(Some(String::new()));
            }
            row
        })
        .collect();
    let names: &[&str] = if full {
        &[
            "Field",
            "Type",
            "Collation",
            "Null",
            "Key",
            "Default",
            "Extra",
            "Privileges",
            "Comment",
        ]
    } else {
        &["Field", "Type", "Null", "Key", "Default", "Extra"]
    };
    ResultSet::strings(names, rows).nullable_where_null()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_as_describe_shows_them() {
        assert_eq!(
            type_text(&ColumnType::Int {
                bytes: 4,
                unsigned: true
            }),
            "int unsigned"
        );
        assert_eq!(
            type_text(&ColumnType::VarChar {
                len: 20,
                charset: Some("latin1".into())
            }),
            "varchar(20)"
        );
        assert_eq!(
            type_text(&ColumnType::Enum(vec!["a".into(), "B".into()])),
            "enum('a','B')"
        );
        assert_eq!(
            type_text(&ColumnType::Decimal {
                precision: 20,
                scale: 6
            }),
            "decimal(20,6)"
        );
    }
}
