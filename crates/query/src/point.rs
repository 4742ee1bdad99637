//! The primary-key point read without the planner: `SELECT * | columns
//! FROM [db.]t WHERE pk = integer` on a table whose key is one integer
//! column is one key read. Planning it with DataFusion costs
//! milliseconds; this costs the read. Anything else (or any doubt) goes
//! to the engine.

use std::sync::Arc;

use datafusion::arrow::datatypes::Schema;
use datafusion::sql::sqlparser::ast::{
    BinaryOperator, Expr, GroupByExpr, SelectItem, SetExpr, Statement, TableFactor, Value,
};
use datafusion::sql::sqlparser::dialect::MySqlDialect;
use datafusion::sql::sqlparser::parser::Parser;
use understudy_store::keys::table_prefix;
use understudy_store::{Cell, encode_key_cell};

use crate::batch::rows_to_batch;
use crate::columns::field;
use crate::error::QueryError;
use crate::reader::View;
use crate::render::{Protocol, Rows, render};

/// What a point read asks for.
struct Point {
    db: Option<String>,
    table: String,
    /// `None`: `*`; else the columns as written.
    columns: Option<Vec<String>>,
    key_column: String,
    key: i128,
}

fn ident_parts(e: &Expr) -> Option<Vec<String>> {
    match e {
        Expr::Identifier(i) => Some(vec![i.value.clone()]),
        Expr::CompoundIdentifier(p) => Some(p.iter().map(|i| i.value.clone()).collect()),
        _ => None,
    }
}

fn integer(e: &Expr) -> Option<i128> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        Expr::UnaryOp { op, expr } if op.to_string() == "-" => integer(expr).map(|v| -v),
        _ => None,
    }
}

/// The point read `sql` is, if it is one.
fn parse(sql: &str) -> Option<Point> {
    let mut stmts = Parser::parse_sql(&MySqlDialect {}, sql).ok()?;
    let [Statement::Query(q)] = stmts.as_mut_slice() else {
        return None;
    };
    if q.with.is_some() || q.order_by.is_some() || q.limit_clause.is_some() || q.fetch.is_some() {
        return None;
    }
    let SetExpr::Select(s) = q.body.as_ref() else {
        return None;
    };
    let no_group =
        matches!(&s.group_by, GroupByExpr::Expressions(e, m) if e.is_empty() && m.is_empty());
    if s.distinct.is_some()
        || s.having.is_some()
        || !no_group
        || s.from.len() != 1
        || !s.from[0].joins.is_empty()
    {
        return None;
    }
    let TableFactor::Table {
        name,
        alias: None,
        args: None,
        ..
    } = &s.from[0].relation
    else {
        return None;
    };
    let parts: Vec<String> = name
        .0
        .iter()
        .filter_map(|p| p.as_ident().map(|i| i.value.clone()))
        .collect();
    let (db, table) = match parts.as_slice() {
        [t] => (None, t.clone()),
        [d, t] => (Some(d.clone()), t.clone()),
        _ => return None,
    };
    let columns = match s.projection.as_slice() {
        [SelectItem::Wildcard(_)] => None,
        items => Some(
            items
                .iter()
                .map(|i| match i {
                    SelectItem::UnnamedExpr(Expr::Identifier(c)) => Some(c.value.clone()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?,
        ),
    };
    let Some(Expr::BinaryOp {
        left,
        op: BinaryOperator::Eq,
        right,
    }) = &s.selection
    else {
        return None;
    };
    let (col, key) = match (ident_parts(left), integer(right)) {
        (Some(c), Some(k)) => (c, k),
        _ => (ident_parts(right)?, integer(left)?),
    };
    let key_column = match col.as_slice() {
        [c] => c.clone(),
        [t, c] if *t == table => c.clone(),
        _ => return None,
    };
    Some(Point {
        db,
        table,
        columns,
        key_column,
        key,
    })
}

/// Runs `sql` as a point read when it is one (`None`: it is not, or the
/// table is not keyed by one integer column).
pub fn try_point(
    view: &View,
    sql: &str,
    db: Option<&str>,
    protocol: Protocol,
) -> Option<Result<Rows, QueryError>> {
    let p = parse(sql)?;
    let db = p.db.as_deref().or(db)?;
    let e = view.table(db, &p.table).ok()??;
    let s = &e.schema;
    let [k] = s.primary_key.as_slice() else {
        return None;
    };
    let kc = &s.columns[*k];
    if !kc.ty.is_integer() || !kc.name.eq_ignore_ascii_case(&p.key_column) {
        return None;
    }
    let wanted: Vec<(usize, String)> = match &p.columns {
        None => (0..s.columns.len())
            .filter(|&i| !s.columns[i].invisible)
            .map(|i| (i, s.columns[i].name.clone()))
            .collect(),
        Some(cols) => cols
            .iter()
            .map(|c| s.column_index(c).map(|i| (i, c.clone())))
            .collect::<Option<_>>()?,
    };
    let cell = if kc.ty.is_unsigned() {
        u64::try_from(p.key).ok().map(Cell::UInt)
    } else {
        i64::try_from(p.key).ok().map(Cell::Int)
    };
    let fields: Vec<_> = wanted
        .iter()
        .map(|(i, name)| {
            let f = field(&e.db, &e.name, &s.columns[*i], s.primary_key.contains(i));
            f.with_name(name.clone())
        })
        .collect();
    let out = Arc::new(Schema::new(fields));
    let run = || -> Result<Rows, QueryError> {
        let mut values = Vec::new();
        if let Some(cell) = cell {
            let mut key = table_prefix(e.id).to_vec();
            encode_key_cell(&mut key, &cell);
            if let Some(v) = view
                .store
                .get_row(&key)
                .map_err(|e| QueryError::Store(e.to_string()))?
            {
                values.push(v.into_boxed_slice());
            }
        }
        let cols: Vec<usize> = wanted.iter().map(|(i, _)| *i).collect();
        let batch = rows_to_batch(s, &cols, &out, &values)
            .map_err(|e| QueryError::Engine(e.to_string()))?;
        render(&out, &[batch], protocol)
    };
    Some(run())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn point_reads_and_the_rest() {
        let p = parse("SELECT * FROM sbtest.sbtest1 WHERE id = 42").unwrap();
        assert_eq!(
            (p.db.as_deref(), p.table.as_str(), p.key),
            (Some("sbtest"), "sbtest1", 42)
        );
        assert!(p.columns.is_none());
        let p = parse("select c, k from t where -7 = t.id").unwrap();
        assert_eq!(p.columns, Some(vec!["c".to_owned(), "k".to_owned()]));
        assert_eq!((p.key_column.as_str(), p.key), ("id", -7));
        for other in [
            "SELECT * FROM t WHERE id > 4",
            "SELECT * FROM t WHERE id = 4 ORDER BY c",
            "SELECT COUNT(*) FROM t WHERE id = 4",
            "SELECT * FROM t JOIN u ON t.id = u.id WHERE t.id = 4",
            "SELECT * FROM t WHERE id = '4'",
            "SELECT * FROM t WHERE id = 4 AND c = 'x'",
            "SELECT * FROM t a WHERE id = 4",
        ] {
            assert!(parse(other).is_none(), "{other}");
        }
    }
}
