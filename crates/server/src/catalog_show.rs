//! What tools ask about the replicated tables: SHOW CREATE TABLE,
//! DESCRIBE / SHOW [FULL] COLUMNS, from the replica's catalog (the schema
//! the source's DDL left, as understudy keeps it).

use understudy_query::View;
use understudy_query::information_schema::{column_type, key_of};
use understudy_sql::DefaultValue;
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
                Some(column_type(&c.ty)),
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
