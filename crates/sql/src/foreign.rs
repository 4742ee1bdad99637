//! Foreign keys as the catalog keeps them: a statement-based DELETE or
//! UPDATE of a parent row makes the replica's own storage engine run the
//! key's ON DELETE / ON UPDATE action (the binlog does not carry it), so
//! the applier must know which tables reference which.

use serde::{Deserialize, Serialize};
use sqlparser::ast::{ForeignKeyConstraint, ReferentialAction};

use crate::ddl::{TableName, table_name};
use crate::schema::TableSchema;

/// What a parent row's change does to the rows referencing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FkAction {
    /// RESTRICT or NO ACTION (the default): the change fails on the
    /// source while rows reference it.
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    /// Whether the action changes the referencing rows.
    pub fn changes_children(self) -> bool {
        self != FkAction::Restrict
    }

    /// The action as DDL writes it.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// The constraint's name (an unnamed one's as MySQL gives it:
    /// `<table>_ibfk_<n>`).
    pub name: String,
    pub columns: Vec<String>,
    /// The referenced table's database and name.
    pub parent: (String, String),
    pub parent_columns: Vec<String>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
}

impl ForeignKey {
    pub fn references(&self, t: &TableName) -> bool {
        self.parent.0 == t.db && self.parent.1 == t.name
    }
}

fn action(a: Option<&ReferentialAction>) -> FkAction {
    match a {
        Some(ReferentialAction::Cascade) => FkAction::Cascade,
        Some(ReferentialAction::SetNull) => FkAction::SetNull,
        Some(ReferentialAction::SetDefault) => FkAction::SetDefault,
        Some(ReferentialAction::Restrict | ReferentialAction::NoAction) | None => {
            FkAction::Restrict
        }
    }
}

/// A FOREIGN KEY constraint of a table of database `db` (`columns`: the
/// referencing columns, for a column's own REFERENCES). Unnamed: an
/// empty name, which [`TableSchema::add_foreign_key`] gives.
pub(crate) fn foreign_key(
    fk: &ForeignKeyConstraint,
    db: &str,
    columns: Option<Vec<String>>,
) -> ForeignKey {
    let parent = table_name(&fk.foreign_table, db);
    ForeignKey {
        name: fk
            .name
            .as_ref()
            .map(|i| i.value.clone())
            .unwrap_or_default(),
        columns: columns.unwrap_or_else(|| fk.columns.iter().map(|c| c.value.clone()).collect()),
        parent: (parent.db, parent.name),
        parent_columns: fk
            .referred_columns
            .iter()
            .map(|c| c.value.clone())
            .collect(),
        on_delete: action(fk.on_delete.as_ref()),
        on_update: action(fk.on_update.as_ref()),
    }
}

impl TableSchema {
    /// Adds a foreign key of table `table`, naming an unnamed one as
    /// MySQL does (`<table>_ibfk_<n>`, past the highest such name).
    pub fn add_foreign_key(&mut self, table: &str, mut fk: ForeignKey) {
        if fk.name.is_empty() {
            let prefix = format!("{table}_ibfk_");
            let n = self
                .foreign_keys
                .iter()
                .filter_map(|k| k.name.strip_prefix(&prefix)?.parse::<u32>().ok())
                .max()
                .unwrap_or(0);
            fk.name = format!("{prefix}{}", n + 1);
        }
        self.foreign_keys.push(fk);
    }

    /// Drops the foreign key `name` (case-insensitive, as MySQL compares
    /// constraint names); false when there is none of that name.
    pub fn drop_foreign_key(&mut self, name: &str) -> bool {
        let before = self.foreign_keys.len();
        self.foreign_keys
            .retain(|k| !k.name.eq_ignore_ascii_case(name));
        before != self.foreign_keys.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddl::{AlterOp, Ddl, parse_ddl};

    #[test]
    fn keys_are_read_and_named_as_mysql_names_them() {
        let ddl = parse_ddl(
            "CREATE TABLE c (id INT PRIMARY KEY, a INT, b INT, \
             FOREIGN KEY (a) REFERENCES p (id) ON DELETE CASCADE, \
             CONSTRAINT named FOREIGN KEY (b) REFERENCES o.q (x) ON UPDATE SET NULL, \
             FOREIGN KEY (b) REFERENCES p (id) ON DELETE NO ACTION)",
            "d",
        )
        .unwrap();
        let [Ddl::CreateTable { mut schema, .. }] = <[Ddl; 1]>::try_from(ddl).unwrap() else {
            panic!()
        };
        let names: Vec<&str> = schema
            .foreign_keys
            .iter()
            .map(|k| k.name.as_str())
            .collect();
        assert_eq!(names, ["c_ibfk_1", "named", "c_ibfk_2"]);
        let k = &schema.foreign_keys[1];
        assert_eq!(k.parent, ("o".to_owned(), "q".to_owned()));
        assert_eq!(
            (k.on_delete, k.on_update),
            (FkAction::Restrict, FkAction::SetNull)
        );
        assert!(schema.foreign_keys[0].on_delete.changes_children());
        assert!(!schema.foreign_keys[2].on_delete.changes_children());
        let alter = parse_ddl(
            "ALTER TABLE c ADD FOREIGN KEY (a) REFERENCES p (id) ON DELETE SET NULL, \
             DROP FOREIGN KEY c_ibfk_1",
            "d",
        )
        .unwrap();
        let [Ddl::AlterTable { ops, .. }] = <[Ddl; 1]>::try_from(alter).unwrap() else {
            panic!()
        };
        for op in ops {
            match op {
                AlterOp::AddForeignKey(fk) => schema.add_foreign_key("c", fk),
                AlterOp::DropForeignKey(n) => assert!(schema.drop_foreign_key(&n)),
                other => panic!("{other:?}"),
            }
        }
        let names: Vec<&str> = schema
            .foreign_keys
            .iter()
            .map(|k| k.name.as_str())
            .collect();
        assert_eq!(names, ["named", "c_ibfk_2", "c_ibfk_3"]);
    }
}
