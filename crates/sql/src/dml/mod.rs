//! Statement-based DML: the INSERT, REPLACE, UPDATE and DELETE statements
//! of query events, read into what the applier executes, and the
//! evaluation of their expressions ([`eval`]) with MySQL's value rules
//! ([`value`], [`decimal`]). A form understudy does not execute yet is an
//! error naming it.

mod calendar;
mod dates;
pub mod decimal;
mod digest;
mod encode;
pub mod eval;
mod fast;
mod format;
pub mod group;
pub mod json;
pub mod load;
mod math;
pub mod multi;
mod precedence;
mod search;
mod str_to_date;
mod strings;
pub mod temporal;
pub mod time;
mod time_math;
pub mod value;

pub use sqlparser::ast::{BinaryOperator, Expr, Ident, Query, UnaryOperator, Value as Literal};

use sqlparser::ast::{
    Assignment, AssignmentTarget, Delete, FromTable, GroupByExpr, Insert, LimitClause, OnInsert,
    OrderByExpr, OrderByKind, OrderBySort, Select, SelectItem, SetExpr, Statement, TableFactor,
    TableObject, TableWithJoins, Update,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

use crate::ddl::{TableName, last_part, table_name};
use crate::error::SqlError;
use crate::lexical::{clip, leading_words, strip_comments};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertMode {
    Insert,
    /// INSERT IGNORE: rows whose key is taken are left out.
    Ignore,
    /// REPLACE: rows whose key is taken replace the old ones.
    Replace,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InsertStmt {
    pub table: TableName,
    /// The named columns (`None`: every column, in order).
    pub columns: Option<Vec<String>>,
    /// Each row's expressions; `None` is `DEFAULT`.
    pub rows: Vec<Vec<Option<Expr>>>,
    pub mode: InsertMode,
    /// ON DUPLICATE KEY UPDATE assignments.
    pub on_duplicate: Vec<(String, Expr)>,
    /// INSERT … SELECT: the rows come from it (`rows` is empty).
    pub select: Option<SelectSource>,
    /// `VALUES (…) AS alias [(c, …)]`: how ON DUPLICATE KEY UPDATE names
    /// the row that was to be inserted (MySQL 8.0.19 and later).
    pub row_alias: Option<RowAlias>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RowAlias {
    pub name: String,
    /// Names for the inserted columns, in the statement's column order.
    pub columns: Option<Vec<String>>,
}

/// The SELECT of an INSERT … SELECT: one table, none, or a join.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectSource {
    /// The table read and its alias (`None`: a SELECT without FROM,
    /// one row).
    pub from: Option<(TableName, Option<String>)>,
    /// The tables of a join (`from` is then `None`).
    pub joined: Vec<multi::Joined>,
    /// The selected expressions; `None` is `*` (the table's visible
    /// columns, in order).
    pub items: Vec<Option<Expr>>,
    pub selection: Option<Expr>,
    pub order_by: Vec<SortKey>,
    pub limit: Option<u64>,
    /// GROUP BY, aggregates and HAVING (then `order_by` is empty: the
    /// grouping sorts the groups).
    pub grouping: Option<Box<group::Grouping>>,
}

/// A sort key of UPDATE/DELETE … ORDER BY (`true`: descending).
pub type SortKey = (Expr, bool);

#[derive(Debug, Clone, PartialEq)]
pub struct UpdateStmt {
    pub table: TableName,
    /// The alias the statement gives the table.
    pub alias: Option<String>,
    pub assignments: Vec<(String, Expr)>,
    pub selection: Option<Expr>,
    pub order_by: Vec<SortKey>,
    pub limit: Option<u64>,
    /// UPDATE IGNORE: a row that would collide on a unique key is left
    /// as it is, a value that does not fit is stored as without strict
    /// mode.
    pub ignore: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeleteStmt {
    pub table: TableName,
    pub alias: Option<String>,
    pub selection: Option<Expr>,
    pub order_by: Vec<SortKey>,
    pub limit: Option<u64>,
    /// DELETE IGNORE: errors (a foreign key's) leave rows in place.
    pub ignore: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Dml {
    Insert(InsertStmt),
    Update(UpdateStmt),
    Delete(DeleteStmt),
    /// UPDATE of joined tables.
    MultiUpdate(multi::MultiUpdate),
    /// DELETE from joined tables.
    MultiDelete(multi::MultiDelete),
}

/// Whether a query event's statement is DML this module reads.
pub fn is_dml(sql: &str) -> bool {
    let words = leading_words(&strip_comments(sql), 1);
    matches!(
        words.first().map(String::as_str),
        Some("INSERT" | "REPLACE" | "UPDATE" | "DELETE")
    )
}

/// One expression (a column's DEFAULT), as MySQL reads it.
pub fn parse_expr(text: &str) -> Result<Expr, SqlError> {
    let mut e = Parser::new(&MySqlDialect {})
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| SqlError::Parse(format!("{e}: {}", clip(text))))?;
    precedence::normalize_expr(&mut e).map_err(misread)?;
    Ok(e)
}

/// A shape the SQL parser reads with other precedence than MySQL.
fn misread(shape: String) -> SqlError {
    SqlError::Unsupported(format!(
        "{}, which MySQL reads with other precedence",
        clip(&shape)
    ))
}

/// Reads one DML statement (`default_db`: the query event's database).
pub fn parse_dml(sql: &str, default_db: &str) -> Result<Dml, SqlError> {
    if let Some(i) = fast::insert(sql, default_db) {
        return Ok(Dml::Insert(i));
    }
    parse_dml_slowly(sql, default_db)
}

/// `\a` or `\f` inside a quoted string: MySQL reads them as `a` and
/// `f`, the SQL parser as BEL and FF.
fn misread_escape(sql: &str) -> bool {
    let b = sql.as_bytes();
    let mut quote = None;
    let mut i = 0;
    while i < b.len() {
        match (quote, b[i]) {
            (None, q @ (b'\'' | b'"' | b'`')) => quote = Some(q),
            (Some(q), b'\\') if q != b'`' => {
                if matches!(b.get(i + 1), Some(b'a' | b'f')) {
                    return true;
                }
                i += 1;
            }
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
        i += 1;
    }
    false
}

/// [`parse_dml`] through the SQL parser alone.
pub fn parse_dml_slowly(sql: &str, default_db: &str) -> Result<Dml, SqlError> {
    let unsupported = |what: &str| SqlError::Unsupported(format!("{what}: {}", clip(sql)));
    if misread_escape(sql) {
        return Err(unsupported("a string with a \\a or \\f escape"));
    }
    let (plain, ignore) = without_modifiers(sql);
    let sql_read = plain.as_deref().unwrap_or(sql);
    // (The parser reads `UPDATE t JOIN u` but not `UPDATE t, u`.)
    let joined = multi::comma_update(sql_read);
    let mut stmts = Parser::parse_sql(&MySqlDialect {}, joined.as_deref().unwrap_or(sql_read))
        .map_err(|e| SqlError::Parse(format!("{e}: {}", clip(sql))))?;
    if stmts.len() != 1 {
        return Err(unsupported("more than one statement"));
    }
    precedence::normalize(&mut stmts[0]).map_err(misread)?;
    let dml = match stmts.remove(0) {
        Statement::Insert(i) => insert(i, default_db),
        Statement::Update(u) => update(u, default_db),
        Statement::Delete(d) => delete(d, default_db),
        _ => {
            return Err(unsupported(
                "a statement that is not INSERT, REPLACE, UPDATE or DELETE",
            ));
        }
    };
    match dml.map_err(|w| unsupported(&w))? {
        Dml::Update(u) => Ok(Dml::Update(UpdateStmt { ignore, ..u })),
        Dml::Delete(d) => Ok(Dml::Delete(DeleteStmt { ignore, ..d })),
        _ if ignore => Err(unsupported("a multi-table UPDATE or DELETE IGNORE")),
        other => Ok(other),
    }
}

/// `UPDATE`/`DELETE` without its modifiers (the parser would read them as
/// a table name; `None` when there are none), and whether IGNORE was one
/// of them. LOW_PRIORITY and QUICK change nothing a replica does.
fn without_modifiers(sql: &str) -> (Option<String>, bool) {
    let b = sql.as_bytes();
    let word = |from: usize| -> (usize, usize) {
        let start = (from..b.len())
            .find(|&i| !b[i].is_ascii_whitespace())
            .unwrap_or(b.len());
        let end = (start..b.len())
            .find(|&i| !(b[i].is_ascii_alphanumeric() || b[i] == b'_'))
            .unwrap_or(b.len());
        (start, end)
    };
    let (s, e) = word(0);
    let first = &sql[s..e];
    if !first.eq_ignore_ascii_case("UPDATE") && !first.eq_ignore_ascii_case("DELETE") {
        return (None, false);
    }
    let mut out: Option<String> = None;
    let mut ignore = false;
    let mut at = e;
    loop {
        let (s, e) = word(at);
        let w = sql[s..e].to_ascii_uppercase();
        // (QUICK is DELETE's only; UPDATE quick … names a table.)
        let modifier = matches!(w.as_str(), "LOW_PRIORITY" | "IGNORE")
            || (w == "QUICK" && first.eq_ignore_ascii_case("DELETE"));
        if !modifier {
            return (out, ignore);
        }
        ignore |= w == "IGNORE";
        let o = out.get_or_insert_with(|| sql.to_owned());
        o.replace_range(s..e, &" ".repeat(e - s));
        at = e;
    }
}

fn assignments(list: Vec<Assignment>) -> Result<Vec<(String, Expr)>, String> {
    list.into_iter()
        .map(|a| match a.target {
            AssignmentTarget::ColumnName(n) => Ok((last_part(&n), a.value)),
            AssignmentTarget::Tuple(_) => Err("a tuple assignment".to_owned()),
        })
        .collect()
}

fn is_default(e: &Expr) -> bool {
    matches!(e, Expr::Identifier(i) if i.quote_style.is_none() && i.value.eq_ignore_ascii_case("DEFAULT"))
}

fn insert(i: Insert, db: &str) -> Result<Dml, String> {
    let TableObject::TableName(name) = &i.table else {
        return Err("INSERT INTO a table function".into());
    };
    if i.partitioned.is_some()
        || !i.after_columns.is_empty()
        || i.returning.is_some()
        || !i.assignments.is_empty()
    {
        return Err("this form of INSERT".into());
    }
    let Some(source) = i.source else {
        return Err("INSERT without VALUES".into());
    };
    if source.with.is_some() || source.fetch.is_some() || !source.locks.is_empty() {
        return Err("this form of INSERT".into());
    }
    let Query {
        body,
        order_by: source_order,
        limit_clause,
        ..
    } = *source;
    let (rows, select) = match *body {
        SetExpr::Values(values) => {
            if source_order.is_some() || limit_clause.is_some() {
                return Err("this form of INSERT".into());
            }
            let rows = values
                .rows
                .into_iter()
                .map(|r| {
                    r.content
                        .into_iter()
                        .map(|e| (!is_default(&e)).then_some(e))
                        .collect()
                })
                .collect();
            (rows, None)
        }
        SetExpr::Select(s) => {
            let (order, limit) = order_and_limit(source_order, limit_clause)?;
            (Vec::new(), Some(select_source(*s, db, order, limit)?))
        }
        _ => return Err("INSERT … SELECT with UNION or a subquery".into()),
    };
    let on_duplicate = match i.on {
        None => Vec::new(),
        Some(OnInsert::DuplicateKeyUpdate(list)) => assignments(list)?,
        Some(_) => return Err("ON CONFLICT".into()),
    };
    let mode = if i.replace_into {
        InsertMode::Replace
    } else if i.ignore {
        InsertMode::Ignore
    } else {
        InsertMode::Insert
    };
    let row_alias = i.insert_alias.map(|a| RowAlias {
        name: last_part(&a.row_alias),
        columns: a
            .col_aliases
            .map(|c| c.into_iter().map(|i| i.value).collect()),
    });
    Ok(Dml::Insert(InsertStmt {
        table: table_name(name, db),
        columns: (!i.columns.is_empty()).then(|| i.columns.iter().map(last_part).collect()),
        rows,
        mode,
        on_duplicate,
        select,
        row_alias,
    }))
}

/// A subquery (`x IN (SELECT …)`, `EXISTS (SELECT …)`) as the executor
/// reads it: one table or none, no grouping, joins or subqueries of its
/// own (`db`: the statement's default database).
pub fn subquery_source(q: &Query, db: &str) -> Result<SelectSource, String> {
    if q.with.is_some() || q.fetch.is_some() || !q.locks.is_empty() {
        return Err("this form of subquery".into());
    }
    let SetExpr::Select(s) = q.body.as_ref() else {
        return Err("a subquery with UNION or VALUES".into());
    };
    let (order, limit) = order_and_limit(q.order_by.clone(), q.limit_clause.clone())?;
    let sel = select_source(s.as_ref().clone(), db, order, limit)?;
    if sel.grouping.is_some() {
        return Err("a subquery with GROUP BY or aggregates".into());
    }
    Ok(sel)
}

/// A SELECT's ORDER BY and LIMIT (no OFFSET).
fn order_and_limit(
    order: Option<sqlparser::ast::OrderBy>,
    limit_clause: Option<LimitClause>,
) -> Result<(Vec<SortKey>, Option<u64>), String> {
    let order = match order.map(|o| o.kind) {
        None => Vec::new(),
        Some(OrderByKind::Expressions(list)) => order_by(list)?,
        Some(OrderByKind::All(_)) => return Err("ORDER BY ALL".into()),
    };
    let limit = match limit_clause {
        None => None,
        Some(LimitClause::LimitOffset {
            limit: l,
            offset: None,
            limit_by,
        }) if limit_by.is_empty() => limit(l)?,
        Some(_) => return Err("a SELECT with LIMIT … OFFSET".into()),
    };
    Ok((order, limit))
}

/// The SELECT of an INSERT … SELECT, if it is one the executor runs.
fn select_source(
    s: Select,
    db: &str,
    order_by: Vec<SortKey>,
    limit: Option<u64>,
) -> Result<SelectSource, String> {
    let mut group_by = match &s.group_by {
        GroupByExpr::Expressions(g, m) if m.is_empty() => g.clone(),
        _ => return Err("GROUP BY ALL or WITH ROLLUP".into()),
    };
    let distinct = match &s.distinct {
        None => false,
        Some(sqlparser::ast::Distinct::Distinct) if group_by.is_empty() => true,
        Some(_) => return Err("DISTINCT ON, or DISTINCT with GROUP BY".into()),
    };
    if s.top.is_some()
        || s.into.is_some()
        || !s.lateral_views.is_empty()
        || s.exclude.is_some()
        || s.prewhere.is_some()
        || !s.connect_by.is_empty()
        || !s.cluster_by.is_empty()
        || !s.distribute_by.is_empty()
        || !s.sort_by.is_empty()
        || s.qualify.is_some()
        || !s.named_window.is_empty()
    {
        return Err("INSERT … SELECT with this clause".into());
    }
    let (from, joined) = match s.from.as_slice() {
        [] => (None, Vec::new()),
        [t] if t.joins.is_empty() => (Some(single_table(t, db)?), Vec::new()),
        list => (None, multi::joined(list, db)?),
    };
    let mut aliases = Vec::with_capacity(s.projection.len());
    let items: Vec<Option<Expr>> = s
        .projection
        .into_iter()
        .map(|item| match item {
            SelectItem::UnnamedExpr(e) => {
                aliases.push(None);
                Ok(Some(e))
            }
            SelectItem::ExprWithAlias { expr, alias } => {
                aliases.push(Some(alias.value));
                Ok(Some(expr))
            }
            SelectItem::Wildcard(_) if !joined.is_empty() => Err("SELECT * over a join".to_owned()),
            SelectItem::Wildcard(o) if o == Default::default() && from.is_some() => {
                aliases.push(None);
                Ok(None)
            }
            _ => Err("INSERT … SELECT with this select list".to_owned()),
        })
        .collect::<Result<_, _>>()?;
    let named: Option<Vec<(Expr, Option<String>)>> = items
        .iter()
        .zip(&aliases)
        .map(|(e, a)| e.clone().map(|e| (e, a.clone())))
        .collect();
    if distinct {
        // SELECT DISTINCT is a GROUP BY of the selected expressions.
        let Some(named) = named.as_ref() else {
            return Err("SELECT DISTINCT *".into());
        };
        group_by = named.iter().map(|(e, _)| e.clone()).collect();
    }
    let grouping = match named {
        Some(named) => {
            let g = group::Grouping::new(&named, &group_by, s.having.as_ref(), &order_by)?;
            if distinct && g.as_ref().is_some_and(|g| g.aggregates()) {
                return Err("SELECT DISTINCT with aggregates".into());
            }
            g.map(Box::new)
        }
        None if group_by.is_empty() && s.having.is_none() => None,
        None => return Err("SELECT * with GROUP BY".into()),
    };
    let order_by = if grouping.is_some() {
        Vec::new()
    } else {
        order_by
    };
    Ok(SelectSource {
        from,
        joined,
        items,
        selection: s.selection,
        order_by,
        limit,
        grouping,
    })
}

/// The one table of an UPDATE or DELETE, and its alias.
fn single_table(t: &TableWithJoins, db: &str) -> Result<(TableName, Option<String>), String> {
    if !t.joins.is_empty() {
        return Err("a multi-table statement".into());
    }
    match &t.relation {
        TableFactor::Table {
            name,
            alias,
            args: None,
            ..
        } => Ok((
            table_name(name, db),
            alias.as_ref().map(|a| a.name.value.clone()),
        )),
        _ => Err("a statement on something other than a table".into()),
    }
}

fn order_by(list: Vec<OrderByExpr>) -> Result<Vec<SortKey>, String> {
    list.into_iter()
        .map(|o| match o.options.sort {
            None | Some(OrderBySort::Asc) => Ok((o.expr, false)),
            Some(OrderBySort::Desc) => Ok((o.expr, true)),
            Some(OrderBySort::Using(_)) => Err("ORDER BY … USING".to_owned()),
        })
        .collect()
}

fn limit(e: Option<Expr>) -> Result<Option<u64>, String> {
    e.map(|e| match &e {
        Expr::Value(v) => match &v.value {
            sqlparser::ast::Value::Number(n, _) => n.parse().map_err(|_| format!("LIMIT {e}")),
            _ => Err(format!("LIMIT {e}")),
        },
        _ => Err(format!("LIMIT {e}")),
    })
    .transpose()
}

fn update(u: Update, db: &str) -> Result<Dml, String> {
    if u.from.is_some() || u.returning.is_some() || u.or.is_some() {
        return Err("this form of UPDATE".into());
    }
    if !u.table.joins.is_empty() {
        return multi::update(u, db).map(Dml::MultiUpdate);
    }
    let (table, alias) = single_table(&u.table, db)?;
    Ok(Dml::Update(UpdateStmt {
        table,
        alias,
        assignments: assignments(u.assignments)?,
        selection: u.selection,
        order_by: order_by(u.order_by)?,
        limit: limit(u.limit)?,
        ignore: false,
    }))
}

fn delete(d: Delete, db: &str) -> Result<Dml, String> {
    if d.returning.is_some() || d.output.is_some() {
        return Err("this form of DELETE".into());
    }
    if !d.tables.is_empty() || d.using.is_some() {
        return multi::delete(d, db).map(Dml::MultiDelete);
    }
    let from = match &d.from {
        FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f,
    };
    let [t] = from.as_slice() else {
        return Err("a multi-table DELETE".into());
    };
    let (table, alias) = single_table(t, db)?;
    Ok(Dml::Delete(DeleteStmt {
        table,
        alias,
        selection: d.selection,
        order_by: order_by(d.order_by)?,
        limit: limit(d.limit)?,
        ignore: false,
    }))
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
