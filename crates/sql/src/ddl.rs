//! DDL statements of query events, turned into schema changes.
//!
//! [`parse_ddl`] reads one query event's statement with the SQL parser's
//! MySQL dialect (after removing what that parser does not know and what
//! a replica ignores: `PARTITION BY …`, ZEROFILL, table options alone in
//! an ALTER) and says what it does to the catalog. Statements that touch
//! no replicated data (accounts, grants, views, routines, triggers,
//! events, indexes, FLUSH, ANALYZE…) are [`Ddl::NoData`]; DML in a query
//! event (statement-based replication) and anything else it does not
//! understand is an error naming the statement — never skipped silently.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, CreateTableLikeKind, Expr,
    MySQLColumnPosition, ObjectName, ObjectType, RenameTableNameKind, Statement, TableConstraint,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

pub use crate::declared::charset_of_collation;
use crate::declared::{declared_collation, table_charset};
use crate::error::SqlError;
use crate::foreign::{ForeignKey, foreign_key};
use crate::keys;
use crate::lexical::{
    COMPRESSED_MARK, clip, leading_words, mark_compressed, normalize, starts_with_words,
    strip_comments, strip_system_versioning, unsupported_feature,
};
use crate::schema::{Column, DefaultValue, IndexDef, TableSchema};
use crate::types::parse_type;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableName {
    pub db: String,
    pub name: String,
}

impl std::fmt::Display for TableName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.db, self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnPosition {
    Last,
    First,
    After(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlterOp {
    AddColumn {
        column: Column,
        position: ColumnPosition,
    },
    DropColumn(String),
    /// CHANGE old new … / MODIFY col … (`old` = the column's name now).
    ChangeColumn {
        old: String,
        column: Column,
        position: ColumnPosition,
    },
    RenameColumn {
        old: String,
        new: String,
    },
    SetDefault {
        column: String,
        default: DefaultValue,
    },
    AddPrimaryKey(Vec<String>),
    DropPrimaryKey,
    AddIndex(IndexDef),
    DropIndex(String),
    /// DROP CONSTRAINT: a unique key or foreign key of that name, if
    /// there is one.
    DropConstraint(String),
    /// ADD [CONSTRAINT] FOREIGN KEY (unnamed: an empty name).
    AddForeignKey(ForeignKey),
    DropForeignKey(String),
    RenameTo(TableName),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ddl {
    CreateDatabase {
        name: String,
        if_not_exists: bool,
        /// CHARACTER SET (or the charset of COLLATE), when given.
        charset: Option<String>,
        /// COLLATE, or the CHARACTER SET standing for its default.
        collation: Option<String>,
    },
    DropDatabase {
        name: String,
        if_exists: bool,
    },
    CreateTable {
        table: TableName,
        schema: TableSchema,
        if_not_exists: bool,
    },
    CreateTableLike {
        table: TableName,
        like: TableName,
        if_not_exists: bool,
    },
    DropTables {
        tables: Vec<TableName>,
        if_exists: bool,
    },
    RenameTables(Vec<(TableName, TableName)>),
    Truncate(TableName),
    AlterTable {
        table: TableName,
        ops: Vec<AlterOp>,
    },
    /// CREATE TEMPORARY TABLE (a [`Ddl::CreateTable`] or
    /// [`Ddl::CreateTableLike`]) or DROP TEMPORARY TABLE (a
    /// [`Ddl::DropTables`]): a table of the source's session alone, which
    /// its later statements name (row-based sources do not log them).
    Temporary(Box<Ddl>),
    /// A statement that changes nothing a replica stores (its first
    /// words, for the log).
    NoData(String),
}

/// Statements a replica of table data has nothing to do for, by their
/// leading words.
const NO_DATA_PREFIXES: &[&str] = &[
    "GRANT",
    "REVOKE",
    "FLUSH",
    "ANALYZE",
    "OPTIMIZE",
    "CHECK",
    "REPAIR",
    "CREATE USER",
    "DROP USER",
    "ALTER USER",
    "RENAME USER",
    "SET PASSWORD",
    "SET DEFAULT ROLE",
    "CREATE ROLE",
    "DROP ROLE",
    "CREATE VIEW",
    "CREATE OR REPLACE VIEW",
    "ALTER VIEW",
    "DROP VIEW",
    "CREATE PROCEDURE",
    "DROP PROCEDURE",
    "ALTER PROCEDURE",
    "CREATE FUNCTION",
    "DROP FUNCTION",
    "ALTER FUNCTION",
    "CREATE AGGREGATE FUNCTION",
    "CREATE TRIGGER",
    "DROP TRIGGER",
    "CREATE EVENT",
    "DROP EVENT",
    "ALTER EVENT",
    "CREATE SERVER",
    "DROP SERVER",
    "INSTALL",
    "UNINSTALL",
    "ALTER DATABASE",
    "ALTER SCHEMA",
    "CREATE SEQUENCE",
    "DROP SEQUENCE",
    "ALTER INSTANCE",
    "CREATE SPATIAL REFERENCE SYSTEM",
    "DROP SPATIAL REFERENCE SYSTEM",
];

/// Statement-based DML: what issue 5's SBR applier will evaluate.
const DML_PREFIXES: &[&str] = &[
    "INSERT", "REPLACE", "UPDATE", "DELETE", "LOAD", "CALL", "DO", "SET", "SELECT", "WITH",
];

/// What `sql` (the statement of a query event; `default_db` the event's
/// database) does to the catalog.
pub fn parse_ddl(sql: &str, default_db: &str) -> Result<Vec<Ddl>, SqlError> {
    let cleaned = strip_comments(sql);
    let words = leading_words(&cleaned, 5);
    if let Some(p) = NO_DATA_PREFIXES
        .iter()
        .find(|p| starts_with_words(&words, p))
    {
        return Ok(vec![Ddl::NoData((*p).to_owned())]);
    }
    if let Some(p) = DML_PREFIXES.iter().find(|p| starts_with_words(&words, p)) {
        return Err(SqlError::Unsupported(format!(
            "{p} in a query event (statement-based replication is not applied yet): {}",
            clip(sql)
        )));
    }
    // CREATE [OR REPLACE] [ALGORITHM=…] [DEFINER=…] [SQL SECURITY …]
    // VIEW/PROCEDURE/FUNCTION/TRIGGER/EVENT.
    if words.first().map(String::as_str) == Some("CREATE") {
        let more = leading_words(&cleaned.replace('=', " = "), 16);
        let object = more.iter().skip(1).find(|w| {
            !matches!(
                w.as_str(),
                "OR" | "REPLACE"
                    | "ALGORITHM"
                    | "="
                    | "DEFINER"
                    | "SQL"
                    | "SECURITY"
                    | "INVOKER"
                    | "UNDEFINED"
                    | "MERGE"
                    | "TEMPTABLE"
            ) && !w.contains('@')
        });
        if let Some(o) = object
            && [
                "VIEW",
                "PROCEDURE",
                "FUNCTION",
                "TRIGGER",
                "EVENT",
                "AGGREGATE",
            ]
            .contains(&o.as_str())
        {
            return Ok(vec![Ddl::NoData(format!("CREATE {o}"))]);
        }
    }
    let (cleaned, versioned) = strip_system_versioning(&cleaned);
    if let Some(feature) = unsupported_feature(&cleaned) {
        return Err(SqlError::Unsupported(format!(
            "{feature} are not supported: {}",
            clip(sql)
        )));
    }
    let cleaned = plain_index(&words, cleaned);
    let text = normalize(&mark_compressed(&cleaned));
    let stmts = Parser::parse_sql(&MySqlDialect {}, &text)
        .map_err(|e| SqlError::Parse(format!("{e}: {}", clip(sql))))?;
    let mut out = Vec::new();
    for st in stmts {
        let mut ddl = statement(st, default_db, sql)?;
        if versioned && let Ddl::CreateTable { schema, .. } = &mut ddl {
            add_system_versioning(schema);
        }
        out.push(ddl);
    }
    Ok(out)
}

/// A table made system-versioned by `WITH SYSTEM VERSIONING`: MariaDB
/// adds the invisible `row_start` and `row_end` (TIMESTAMP(6), set by the
/// source and carried by its row events) after the columns, and `row_end`
/// to the primary key, so that a row's history rows live beside it.
fn add_system_versioning(schema: &mut TableSchema) {
    for name in ["row_start", "row_end"] {
        let mut c = Column::new(name, crate::ColumnType::Timestamp(6));
        c.nullable = false;
        c.generated = true;
        c.invisible = true;
        schema.columns.push(c);
    }
    if !schema.primary_key.is_empty() {
        schema.primary_key.push(schema.columns.len() - 1);
    }
    schema.system_time = Some(("row_start".into(), "row_end".into()));
}

/// `CREATE FULLTEXT|SPATIAL INDEX …` read as `CREATE INDEX …` (which
/// the parser knows): a replica keeps only its name.
fn plain_index(words: &[String], cleaned: String) -> String {
    let [create, kind, index, ..] = words else {
        return cleaned;
    };
    if create != "CREATE" || index != "INDEX" || !matches!(kind.as_str(), "FULLTEXT" | "SPATIAL") {
        return cleaned;
    }
    match cleaned.to_ascii_uppercase().find(kind.as_str()) {
        Some(at) => format!("{}{}", &cleaned[..at], &cleaned[at + kind.len()..]),
        None => cleaned,
    }
}

fn statement(st: Statement, db: &str, sql: &str) -> Result<Ddl, SqlError> {
    let temporary = matches!(&st, Statement::CreateTable(ct) if ct.temporary);
    let d = statement_of_any_table(st, db, sql)?;
    Ok(if temporary {
        Ddl::Temporary(Box::new(d))
    } else {
        d
    })
}

fn statement_of_any_table(st: Statement, db: &str, sql: &str) -> Result<Ddl, SqlError> {
    let unsupported = || SqlError::Unsupported(clip(sql));
    Ok(match st {
        Statement::CreateDatabase {
            db_name,
            if_not_exists,
            ..
        } => Ddl::CreateDatabase {
            name: last_part(&db_name),
            if_not_exists,
            charset: table_charset(sql),
            collation: declared_collation(sql),
        },
        Statement::CreateSchema {
            schema_name,
            if_not_exists,
            ..
        } => Ddl::CreateDatabase {
            name: unquote(&schema_name.to_string()),
            if_not_exists,
            charset: table_charset(sql),
            collation: declared_collation(sql),
        },
        Statement::CreateTable(ct) => {
            let table = table_name(&ct.name, db);
            if let Some(like) = &ct.like {
                let l = match like {
                    CreateTableLikeKind::Parenthesized(l) | CreateTableLikeKind::Plain(l) => l,
                };
                return Ok(Ddl::CreateTableLike {
                    table,
                    like: table_name(&l.name, db),
                    if_not_exists: ct.if_not_exists,
                });
            }
            if ct.query.is_some() && ct.columns.is_empty() {
                return Err(unsupported());
            }
            let options = ct.table_options.to_string();
            let charset = table_charset(&options);
            let mut columns = Vec::new();
            let mut primary_key = Vec::new();
            for (i, c) in ct.columns.iter().enumerate() {
                let (col, pk) = column(c, charset.as_deref())?;
                if pk {
                    primary_key = vec![i];
                }
                columns.push(col);
            }
            let mut schema = TableSchema {
                columns,
                primary_key,
                charset,
                system_time: None,
                indexes: Some(Vec::new()),
                collation: declared_collation(&options),
                foreign_keys: Vec::new(),
            };
            for c in &ct.columns {
                let options: Vec<ColumnOption> =
                    c.options.iter().map(|o| o.option.clone()).collect();
                if let Some(def) = keys::column_index(&c.name.value, &options) {
                    schema.add_index(def);
                }
                // (A column's own REFERENCES: kept as a key, as MySQL
                // 9 keeps it.)
                for o in &options {
                    if let ColumnOption::ForeignKey(fk) = o {
                        let key = foreign_key(fk, &table.db, Some(vec![c.name.value.clone()]));
                        schema.add_foreign_key(&table.name, key);
                    }
                }
            }
            for c in &ct.constraints {
                if let Some(def) = keys::constraint_index(c) {
                    schema.add_index(def);
                }
                if let TableConstraint::ForeignKey(fk) = c {
                    schema.add_foreign_key(&table.name, foreign_key(fk, &table.db, None));
                }
                if let TableConstraint::PrimaryKey(pk) = c {
                    let names = pk
                        .columns
                        .iter()
                        .map(|ic| unquote(&ic.column.expr.to_string()))
                        .collect::<Vec<_>>();
                    schema.primary_key = key_indices(&schema, &names, sql)?;
                }
            }
            for &i in &schema.primary_key {
                schema.columns[i].nullable = false;
            }
            Ddl::CreateTable {
                table,
                schema,
                if_not_exists: ct.if_not_exists,
            }
        }
        Statement::Drop {
            object_type,
            if_exists,
            names,
            temporary,
            table,
            ..
        } => match object_type {
            ObjectType::Table if temporary => Ddl::Temporary(Box::new(Ddl::DropTables {
                tables: names.iter().map(|n| table_name(n, db)).collect(),
                if_exists,
            })),
            ObjectType::Table => Ddl::DropTables {
                tables: names.iter().map(|n| table_name(n, db)).collect(),
                if_exists,
            },
            ObjectType::Schema | ObjectType::Database => Ddl::DropDatabase {
                name: names.first().map(last_part).unwrap_or_default(),
                if_exists,
            },
            ObjectType::Index => match (names.as_slice(), table) {
                ([one], Some(t)) => Ddl::AlterTable {
                    table: table_name(&t, db),
                    ops: vec![AlterOp::DropIndex(last_part(one))],
                },
                _ => return Err(unsupported()),
            },
            ObjectType::View | ObjectType::Role | ObjectType::User => {
                Ddl::NoData(format!("DROP {object_type}"))
            }
            _ => return Err(unsupported()),
        },
        Statement::Truncate(t) => match t.table_names.as_slice() {
            [one] => Ddl::Truncate(table_name(&one.name, db)),
            _ => return Err(unsupported()),
        },
        Statement::RenameTable(pairs) => Ddl::RenameTables(
            pairs
                .iter()
                .map(|p| (table_name(&p.old_name, db), table_name(&p.new_name, db)))
                .collect(),
        ),
        Statement::AlterTable(at) => {
            let table = table_name(&at.name, db);
            let mut ops = Vec::new();
            for op in at.operations {
                alter_op(op, db, sql, &mut ops)?;
            }
            Ddl::AlterTable { table, ops }
        }
        Statement::CreateIndex(ci) => Ddl::AlterTable {
            table: table_name(&ci.table_name, db),
            ops: vec![AlterOp::AddIndex(keys::create_index(&ci))],
        },
        Statement::StartTransaction { .. } | Statement::Commit { .. } => {
            Ddl::NoData("transaction control".into())
        }
        _ => return Err(unsupported()),
    })
}

/// One operation of an ALTER TABLE, as the catalog changes it (onto
/// `ops`; a column defined with UNIQUE adds its index after it).
fn alter_op(
    op: AlterTableOperation,
    db: &str,
    sql: &str,
    ops: &mut Vec<AlterOp>,
) -> Result<(), SqlError> {
    let unsupported = || SqlError::Unsupported(clip(sql));
    let unique_in = |name: &str, options: &[ColumnOption]| {
        keys::column_index(name, options).map(AlterOp::AddIndex)
    };
    let (op, then) = match op {
        AlterTableOperation::AddColumn {
            column_def,
            column_position,
            ..
        } => {
            let (column, pk) = column(&column_def, None)?;
            if pk {
                return Err(unsupported());
            }
            let options: Vec<ColumnOption> = column_def
                .options
                .iter()
                .map(|o| o.option.clone())
                .collect();
            let then = unique_in(&column.name, &options);
            (
                AlterOp::AddColumn {
                    column,
                    position: position(column_position),
                },
                then,
            )
        }
        AlterTableOperation::DropColumn { column_names, .. } => match column_names.as_slice() {
            [one] => (AlterOp::DropColumn(one.value.clone()), None),
            _ => return Err(unsupported()),
        },
        AlterTableOperation::ChangeColumn {
            old_name,
            new_name,
            data_type,
            options,
            column_position,
        } => (
            AlterOp::ChangeColumn {
                old: old_name.value.clone(),
                column: column_from(&new_name.value, &data_type.to_string(), &options, None)?.0,
                position: position(column_position),
            },
            unique_in(&new_name.value, &options),
        ),
        AlterTableOperation::ModifyColumn {
            col_name,
            data_type,
            options,
            column_position,
        } => (
            AlterOp::ChangeColumn {
                old: col_name.value.clone(),
                column: column_from(&col_name.value, &data_type.to_string(), &options, None)?.0,
                position: position(column_position),
            },
            unique_in(&col_name.value, &options),
        ),
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => (
            AlterOp::RenameColumn {
                old: old_column_name.value,
                new: new_column_name.value,
            },
            None,
        ),
        AlterTableOperation::AlterColumn { column_name, op } => match op {
            AlterColumnOperation::SetDefault { value } => (
                AlterOp::SetDefault {
                    column: column_name.value,
                    default: default_of(&value),
                },
                None,
            ),
            AlterColumnOperation::DropDefault => (
                AlterOp::SetDefault {
                    column: column_name.value,
                    default: DefaultValue::None,
                },
                None,
            ),
            _ => return Err(unsupported()),
        },
        AlterTableOperation::AddConstraint { constraint, .. } => match constraint {
            TableConstraint::PrimaryKey(pk) => (
                AlterOp::AddPrimaryKey(
                    pk.columns
                        .iter()
                        .map(|ic| unquote(&ic.column.expr.to_string()))
                        .collect(),
                ),
                None,
            ),
            TableConstraint::ForeignKey(fk) => {
                (AlterOp::AddForeignKey(foreign_key(&fk, db, None)), None)
            }
            other => match keys::constraint_index(&other) {
                Some(def) => (AlterOp::AddIndex(def), None),
                // Checks: the source enforces them.
                None => return Ok(()),
            },
        },
        AlterTableOperation::DropPrimaryKey { .. } => (AlterOp::DropPrimaryKey, None),
        AlterTableOperation::RenameTable { table_name: t } => match t {
            RenameTableNameKind::As(n) | RenameTableNameKind::To(n) => {
                (AlterOp::RenameTo(table_name(&n, db)), None)
            }
        },
        AlterTableOperation::DropIndex { name } => (AlterOp::DropIndex(name.value), None),
        // MySQL's DROP CONSTRAINT drops a unique key of that name too.
        AlterTableOperation::DropConstraint { name, .. } => {
            (AlterOp::DropConstraint(name.value), None)
        }
        AlterTableOperation::DropForeignKey { name, .. } => {
            (AlterOp::DropForeignKey(name.value), None)
        }
        AlterTableOperation::Algorithm { .. }
        | AlterTableOperation::Lock { .. }
        | AlterTableOperation::AutoIncrement { .. } => return Ok(()),
        _ => return Err(unsupported()),
    };
    ops.push(op);
    ops.extend(then);
    Ok(())
}

fn position(p: Option<MySQLColumnPosition>) -> ColumnPosition {
    match p {
        None => ColumnPosition::Last,
        Some(MySQLColumnPosition::First) => ColumnPosition::First,
        Some(MySQLColumnPosition::After(c)) => ColumnPosition::After(c.value),
    }
}

/// A column definition; `true` when it says PRIMARY KEY itself.
fn column(c: &ColumnDef, table_charset: Option<&str>) -> Result<(Column, bool), SqlError> {
    let options: Vec<ColumnOption> = c.options.iter().map(|o| o.option.clone()).collect();
    column_from(
        &c.name.value,
        &c.data_type.to_string(),
        &options,
        table_charset,
    )
}

fn column_from(
    name: &str,
    data_type: &str,
    options: &[ColumnOption],
    table_charset: Option<&str>,
) -> Result<(Column, bool), SqlError> {
    let charset = options
        .iter()
        .find_map(|o| match o {
            ColumnOption::CharacterSet(n) => Some(last_part(n)),
            _ => None,
        })
        .or_else(|| {
            // COLLATE alone names the charset too (latin1_swedish_ci).
            options.iter().find_map(|o| match o {
                ColumnOption::Collation(n) => Some(charset_of_collation(&last_part(n))),
                _ => None,
            })
        });
    let ty = parse_type(data_type, charset.as_deref().or(table_charset))?;
    let mut col = Column::new(name, ty);
    if col.ty.is_text()
        || matches!(
            col.ty,
            crate::ColumnType::Enum(_) | crate::ColumnType::Set(_)
        )
    {
        col.collation = options
            .iter()
            .find_map(|o| match o {
                ColumnOption::Collation(n) => Some(last_part(n).to_ascii_lowercase()),
                _ => None,
            })
            .or(charset);
    }
    let mut pk = false;
    if data_type.eq_ignore_ascii_case("SERIAL") {
        col.nullable = false;
        col.auto_increment = true;
    }
    for o in options {
        match o {
            ColumnOption::Null => col.nullable = true,
            ColumnOption::NotNull => col.nullable = false,
            ColumnOption::Default(e) => col.default = default_of(e),
            ColumnOption::PrimaryKey(_) => {
                pk = true;
                col.nullable = false;
            }
            ColumnOption::Generated { .. } => col.generated = true,
            ColumnOption::Invisible => col.invisible = true,
            ColumnOption::OnUpdate(_) => col.on_update = true,
            ColumnOption::Comment(c) if c == COMPRESSED_MARK => col.compressed = true,
            ColumnOption::DialectSpecific(tokens) => {
                let t = tokens
                    .iter()
                    .map(|t| t.to_string().to_ascii_uppercase())
                    .collect::<Vec<_>>()
                    .join(" ");
                if t.contains("AUTO_INCREMENT") {
                    col.auto_increment = true;
                }
                if t.contains("PRIMARY") {
                    pk = true;
                    col.nullable = false;
                }
            }
            _ => {}
        }
    }
    Ok((col, pk))
}

fn default_of(e: &Expr) -> DefaultValue {
    use sqlparser::ast::Value;
    match e {
        Expr::Value(v) => match &v.value {
            Value::Null => DefaultValue::Null,
            Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => {
                DefaultValue::Literal(s.clone())
            }
            Value::Number(n, _) => DefaultValue::Literal(n.to_string()),
            Value::Boolean(b) => DefaultValue::Literal(if *b { "1" } else { "0" }.into()),
            other => DefaultValue::Expression(other.to_string()),
        },
        Expr::UnaryOp { op, expr } if op.to_string() == "-" => match default_of(expr) {
            DefaultValue::Literal(s) => DefaultValue::Literal(format!("-{s}")),
            _ => DefaultValue::Expression(e.to_string()),
        },
        _ => DefaultValue::Expression(e.to_string()),
    }
}

fn key_indices(schema: &TableSchema, names: &[String], sql: &str) -> Result<Vec<usize>, SqlError> {
    names
        .iter()
        .map(|n| {
            // `col(10)` prefix keys: the column.
            let bare = n.split('(').next().unwrap_or(n).trim();
            schema.column_index(bare).ok_or_else(|| {
                SqlError::Unsupported(format!("key on unknown column {n}: {}", clip(sql)))
            })
        })
        .collect()
}

pub(crate) fn table_name(n: &ObjectName, db: &str) -> TableName {
    let parts: Vec<String> = n.0.iter().map(|p| unquote(&p.to_string())).collect();
    match parts.as_slice() {
        [d, t] => TableName {
            db: d.clone(),
            name: t.clone(),
        },
        _ => TableName {
            db: db.to_owned(),
            name: parts.last().cloned().unwrap_or_default(),
        },
    }
}

pub(crate) fn last_part(n: &ObjectName) -> String {
    n.0.last()
        .map(|p| unquote(&p.to_string()))
        .unwrap_or_default()
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2 && s.starts_with('`') && s.ends_with('`') {
        s[1..s.len() - 1].replace("``", "`")
    } else if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        s[1..s.len() - 1].to_owned()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
#[path = "ddl_tests.rs"]
mod tests;
