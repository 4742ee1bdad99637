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

use crate::error::SqlError;
use crate::schema::{Column, DefaultValue, TableSchema};
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
    RenameTo(TableName),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ddl {
    CreateDatabase {
        name: String,
        if_not_exists: bool,
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
    /// Temporary tables: the source logs their rows only when they reach
    /// a real table, so the replica keeps no catalog entry for them.
    Temporary,
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
    "CREATE INDEX",
    "CREATE UNIQUE INDEX",
    "CREATE FULLTEXT INDEX",
    "CREATE SPATIAL INDEX",
    "DROP INDEX",
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
    let text = normalize(&cleaned);
    let stmts = Parser::parse_sql(&MySqlDialect {}, &text)
        .map_err(|e| SqlError::Parse(format!("{e}: {}", clip(sql))))?;
    let mut out = Vec::new();
    for st in stmts {
        out.push(statement(st, default_db, sql)?);
    }
    Ok(out)
}

fn statement(st: Statement, db: &str, sql: &str) -> Result<Ddl, SqlError> {
    let unsupported = || SqlError::Unsupported(clip(sql));
    Ok(match st {
        Statement::CreateDatabase {
            db_name,
            if_not_exists,
            ..
        } => Ddl::CreateDatabase {
            name: last_part(&db_name),
            if_not_exists,
        },
        Statement::CreateSchema {
            schema_name,
            if_not_exists,
            ..
        } => Ddl::CreateDatabase {
            name: unquote(&schema_name.to_string()),
            if_not_exists,
        },
        Statement::CreateTable(ct) => {
            if ct.temporary {
                return Ok(Ddl::Temporary);
            }
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
            let charset = table_charset(&ct.table_options.to_string());
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
            };
            for c in &ct.constraints {
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
            ..
        } => match object_type {
            ObjectType::Table if temporary => Ddl::Temporary,
            ObjectType::Table => Ddl::DropTables {
                tables: names.iter().map(|n| table_name(n, db)).collect(),
                if_exists,
            },
            ObjectType::Schema | ObjectType::Database => Ddl::DropDatabase {
                name: names.first().map(last_part).unwrap_or_default(),
                if_exists,
            },
            ObjectType::View | ObjectType::Index | ObjectType::Role | ObjectType::User => {
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
                if let Some(op) = alter_op(op, db, sql)? {
                    ops.push(op);
                }
            }
            Ddl::AlterTable { table, ops }
        }
        Statement::StartTransaction { .. } | Statement::Commit { .. } => {
            Ddl::NoData("transaction control".into())
        }
        _ => return Err(unsupported()),
    })
}

fn alter_op(op: AlterTableOperation, db: &str, sql: &str) -> Result<Option<AlterOp>, SqlError> {
    let unsupported = || SqlError::Unsupported(clip(sql));
    Ok(Some(match op {
        AlterTableOperation::AddColumn {
            column_def,
            column_position,
            ..
        } => {
            let (column, pk) = column(&column_def, None)?;
            if pk {
                return Err(unsupported());
            }
            AlterOp::AddColumn {
                column,
                position: position(column_position),
            }
        }
        AlterTableOperation::DropColumn { column_names, .. } => match column_names.as_slice() {
            [one] => AlterOp::DropColumn(one.value.clone()),
            _ => return Err(unsupported()),
        },
        AlterTableOperation::ChangeColumn {
            old_name,
            new_name,
            data_type,
            options,
            column_position,
        } => AlterOp::ChangeColumn {
            old: old_name.value.clone(),
            column: column_from(&new_name.value, &data_type.to_string(), &options, None)?.0,
            position: position(column_position),
        },
        AlterTableOperation::ModifyColumn {
            col_name,
            data_type,
            options,
            column_position,
        } => AlterOp::ChangeColumn {
            old: col_name.value.clone(),
            column: column_from(&col_name.value, &data_type.to_string(), &options, None)?.0,
            position: position(column_position),
        },
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => AlterOp::RenameColumn {
            old: old_column_name.value,
            new: new_column_name.value,
        },
        AlterTableOperation::AlterColumn { column_name, op } => match op {
            AlterColumnOperation::SetDefault { value } => AlterOp::SetDefault {
                column: column_name.value,
                default: default_of(&value),
            },
            AlterColumnOperation::DropDefault => AlterOp::SetDefault {
                column: column_name.value,
                default: DefaultValue::None,
            },
            _ => return Err(unsupported()),
        },
        AlterTableOperation::AddConstraint { constraint, .. } => match constraint {
            TableConstraint::PrimaryKey(pk) => AlterOp::AddPrimaryKey(
                pk.columns
                    .iter()
                    .map(|ic| unquote(&ic.column.expr.to_string()))
                    .collect(),
            ),
            // Secondary indexes, unique keys, foreign keys, checks: the
            // source enforces them; a replica stores rows by primary key.
            _ => return Ok(None),
        },
        AlterTableOperation::DropPrimaryKey { .. } => AlterOp::DropPrimaryKey,
        AlterTableOperation::RenameTable { table_name: t } => match t {
            RenameTableNameKind::As(n) | RenameTableNameKind::To(n) => {
                AlterOp::RenameTo(table_name(&n, db))
            }
        },
        AlterTableOperation::DropIndex { .. }
        | AlterTableOperation::DropConstraint { .. }
        | AlterTableOperation::DropForeignKey { .. }
        | AlterTableOperation::Algorithm { .. }
        | AlterTableOperation::Lock { .. }
        | AlterTableOperation::AutoIncrement { .. } => return Ok(None),
        _ => return Err(unsupported()),
    }))
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
    let charset = options.iter().find_map(|o| match o {
        ColumnOption::CharacterSet(n) => Some(last_part(n)),
        _ => None,
    });
    let ty = parse_type(data_type, charset.as_deref().or(table_charset))?;
    let mut col = Column::new(name, ty);
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

fn table_name(n: &ObjectName, db: &str) -> TableName {
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

fn last_part(n: &ObjectName) -> String {
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

fn table_charset(options: &str) -> Option<String> {
    let upper = options.to_ascii_uppercase();
    let at = upper
        .find("CHARSET")
        .map(|i| i + "CHARSET".len())
        .or_else(|| {
            upper
                .find("CHARACTER SET")
                .map(|i| i + "CHARACTER SET".len())
        })?;
    let rest = options[at..]
        .trim_start()
        .trim_start_matches('=')
        .trim_start();
    let cs: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!cs.is_empty()).then(|| cs.to_ascii_lowercase())
}

fn clip(sql: &str) -> String {
    let s = sql.trim();
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Removes `-- …`, `# …` and `/* … */` comments outside quotes; a
/// `/*!NNNNN … */` versioned comment keeps its content (the server runs
/// it).
pub fn strip_comments(sql: &str) -> String {
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    let mut quote: Option<u8> = None;
    let mut start = 0;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == b'\\' && q != b'`' {
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        match c {
            b'\'' | b'"' | b'`' => {
                quote = Some(c);
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                out.push_str(&sql[start..i]);
                let end = sql[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e);
                if b.get(i + 2) == Some(&b'!') {
                    let inner = &sql[i + 3..end];
                    let inner = inner.trim_start_matches(|c: char| c.is_ascii_digit());
                    out.push(' ');
                    out.push_str(&strip_comments(inner));
                    out.push(' ');
                } else {
                    out.push(' ');
                }
                i = (end + 2).min(b.len());
                start = i;
            }
            b'#' => {
                out.push_str(&sql[start..i]);
                i = sql[i..].find('\n').map_or(b.len(), |e| i + e);
                start = i;
            }
            b'-' if b.get(i + 1) == Some(&b'-')
                && b.get(i + 2).is_none_or(|c| c.is_ascii_whitespace()) =>
            {
                out.push_str(&sql[start..i]);
                i = sql[i..].find('\n').map_or(b.len(), |e| i + e);
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&sql[start..]);
    out
}

fn leading_words(sql: &str, n: usize) -> Vec<String> {
    sql.split(|c: char| c.is_ascii_whitespace() || c == '(' || c == ';')
        .filter(|w| !w.is_empty())
        .take(n)
        .map(|w| w.to_ascii_uppercase())
        .collect()
}

fn starts_with_words(words: &[String], prefix: &str) -> bool {
    let p: Vec<&str> = prefix.split(' ').collect();
    p.len() <= words.len() && p.iter().zip(words).all(|(a, b)| a == b)
}

/// Rewrites what the parser does not take: ZEROFILL and NATIONAL, a
/// trailing `PARTITION BY …` (partitioning does not change rows), table
/// options in ALTER TABLE (ENGINE=…, ROW_FORMAT=…, FORCE…), and `START
/// TRANSACTION` after CREATE TABLE … SELECT.
fn normalize(sql: &str) -> String {
    let mut words: Vec<(usize, usize, String)> = Vec::new();
    // (start, end, upper) of each word outside quotes at paren depth 0/any.
    let b = sql.as_bytes();
    let mut i = 0;
    let mut depth = 0i32;
    let mut cut_at: Option<usize> = None;
    let mut remove: Vec<(usize, usize)> = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c == b'\'' || c == b'"' || c == b'`' {
            let q = c;
            i += 1;
            while i < b.len() && b[i] != q {
                if b[i] == b'\\' && q != b'`' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        if c == b'(' {
            depth += 1;
        } else if c == b')' {
            depth -= 1;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let w = sql[s..i].to_ascii_uppercase();
            if w == "ZEROFILL" || w == "NATIONAL" {
                remove.push((s, i));
            }
            if depth == 0
                && w == "BY"
                && words.last().is_some_and(|(_, _, p)| p == "PARTITION")
                && cut_at.is_none()
            {
                cut_at = words.last().map(|(s, _, _)| *s);
            }
            words.push((s, i, w));
            continue;
        }
        i += 1;
    }
    let end = cut_at.unwrap_or(sql.len());
    let mut out = String::with_capacity(sql.len());
    let mut last = 0;
    for (s, e) in remove.into_iter().filter(|(s, _)| *s < end) {
        out.push_str(&sql[last..s]);
        last = e;
    }
    out.push_str(&sql[last..end]);
    let upper = out.to_ascii_uppercase();
    if upper.trim_start().starts_with("ALTER") {
        out = drop_alter_table_options(&out);
    }
    let trimmed = out.trim_end();
    if trimmed.to_ascii_uppercase().ends_with("START TRANSACTION") {
        out = trimmed[..trimmed.len() - "START TRANSACTION".len()].to_owned();
    }
    out
}

/// Table options that may stand as ALTER TABLE clauses; a replica keeps
/// none of them.
const TABLE_OPTIONS: &[&str] = &[
    "ENGINE",
    "ROW_FORMAT",
    "KEY_BLOCK_SIZE",
    "COMMENT",
    "STATS_PERSISTENT",
    "STATS_AUTO_RECALC",
    "STATS_SAMPLE_PAGES",
    "PACK_KEYS",
    "CHECKSUM",
    "COMPRESSION",
    "ENCRYPTION",
    "MAX_ROWS",
    "MIN_ROWS",
    "AVG_ROW_LENGTH",
    "DELAY_KEY_WRITE",
    "FORCE",
    "DEFAULT CHARSET",
    "DEFAULT CHARACTER SET",
    "CHARSET",
    "CHARACTER SET",
    "DEFAULT COLLATE",
    "COLLATE",
    "ORDER BY",
    "AUTO_INCREMENT",
];

/// Drops top-level ALTER TABLE clauses that are only table options.
fn drop_alter_table_options(sql: &str) -> String {
    let Some(head_end) = find_table_name_end(sql) else {
        return sql.to_owned();
    };
    let (head, clauses) = sql.split_at(head_end);
    let kept: Vec<&str> = split_top_level(clauses)
        .into_iter()
        .filter(|cl| {
            let u = cl.trim().to_ascii_uppercase();
            !TABLE_OPTIONS.iter().any(|o| {
                u.strip_prefix(o)
                    .is_some_and(|r| r.is_empty() || r.starts_with([' ', '=', '\t', '\n']))
            })
        })
        .collect();
    if kept.is_empty() {
        // Only options: an ALTER the catalog does not see. The parser
        // takes `ALTER TABLE t ALGORITHM=COPY` and yields no operation.
        return format!("{head} ALGORITHM=DEFAULT");
    }
    format!("{head} {}", kept.join(","))
}

/// End of `ALTER [ONLINE|IGNORE] TABLE name` in `sql`.
fn find_table_name_end(sql: &str) -> Option<usize> {
    let upper = sql.to_ascii_uppercase();
    let t = upper.find("TABLE")? + "TABLE".len();
    let rest = &sql[t..];
    let skip = rest.len() - rest.trim_start().len();
    let b = rest.trim_start().as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'`' => {
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += 1;
                }
                i += 1;
            }
            c if c.is_ascii_whitespace() => break,
            _ => i += 1,
        }
    }
    Some(t + skip + i)
}

fn split_top_level(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let (mut depth, mut start, mut i) = (0i32, 0, 0);
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' && q != b'`' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&s[start.min(s.len())..]);
    out.into_iter().filter(|c| !c.trim().is_empty()).collect()
}

#[cfg(test)]
#[path = "ddl_tests.rs"]
mod tests;
