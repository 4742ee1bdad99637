//! Subqueries in an UPDATE's or DELETE's WHERE that do not refer to the
//! outer statement — `x [NOT] IN (SELECT c FROM t …)` and `[NOT] EXISTS
//! (SELECT …)` — run once, before the statement changes anything (MySQL
//! refuses a subquery reading the table the statement changes), and put
//! in the WHERE as the list or truth they give. A subquery naming the
//! outer statement's columns (correlated), or one elsewhere in the
//! expression, is not applied yet.

use understudy_sql::dml::value::{Text, Value};
use understudy_sql::dml::{Expr, Literal, subquery_source};
use understudy_store::{Store, Txn};

use super::super::apply::{ER_FATAL, Result, SqlError};
use super::super::table_cache::TableCache;
use super::Session;
use super::insert::selected_rows;

/// `e` with its subqueries run (`None`: it has none where they are run).
pub(super) fn inline(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    e: Option<&Expr>,
    session: &Session,
) -> Result<Option<Expr>> {
    let Some(e) = e else { return Ok(None) };
    let mut out = e.clone();
    let mut ran = false;
    rewrite(store, txn, tables, &mut out, session, &mut ran)?;
    Ok(ran.then_some(out))
}

fn fatal(message: impl Into<String>) -> SqlError {
    SqlError::new(ER_FATAL, message)
}

fn truth(b: bool) -> Expr {
    Expr::value(Literal::Number(u8::from(b).to_string(), false))
}

/// A value as the literal that evaluates to it.
fn literal(v: Value) -> Result<Expr> {
    Ok(match v {
        Value::Null => Expr::value(Literal::Null),
        Value::Int(i) => Expr::value(Literal::Number(i.to_string(), false)),
        Value::UInt(u) => Expr::value(Literal::Number(u.to_string(), false)),
        Value::Decimal(d) => Expr::value(Literal::Number(d.to_string(), false)),
        Value::Double(f) if f.is_finite() => Expr::value(Literal::Number(format!("{f:e}"), false)),
        Value::Str(b, Text::Collated(_)) | Value::Member(b, ..) => {
            let s = String::from_utf8(b).map_err(|_| {
                fatal("a subquery giving text that is not UTF-8 is not applied yet")
            })?;
            Expr::value(Literal::SingleQuotedString(s))
        }
        other => {
            return Err(fatal(format!(
                "a subquery giving {other:?} is not applied yet"
            )));
        }
    })
}

/// The rows a subquery gives.
fn run(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    q: &understudy_sql::dml::Query,
    session: &Session,
) -> Result<Vec<Vec<Value>>> {
    let sel = subquery_source(q, &session.db)
        .map_err(|w| fatal(format!("{w} is not applied yet (in a subquery)")))?;
    let rows = selected_rows(store, txn, tables, &sel, session, false).map_err(|e| {
        if e.errno == 1054 {
            fatal(format!(
                "a subquery naming columns of the outer statement (correlated) is not \
                 applied yet ({})",
                e.message
            ))
        } else {
            e
        }
    })?;
    Ok(rows
        .into_iter()
        .map(|r| r.into_iter().map(|v| v.unwrap_or(Value::Null)).collect())
        .collect())
}

fn rewrite(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    e: &mut Expr,
    session: &Session,
    ran: &mut bool,
) -> Result<()> {
    match e {
        Expr::Nested(x) | Expr::UnaryOp { expr: x, .. } => {
            rewrite(store, txn, tables, x, session, ran)
        }
        Expr::BinaryOp { left, right, .. } => {
            rewrite(store, txn, tables, left, session, ran)?;
            rewrite(store, txn, tables, right, session, ran)
        }
        Expr::Exists { subquery, negated } => {
            let any = !run(store, txn, tables, subquery, session)?.is_empty();
            *ran = true;
            *e = truth(any != *negated);
            Ok(())
        }
        Expr::InSubquery {
            expr,
            subquery,
            negated,
        } => {
            rewrite(store, txn, tables, expr, session, ran)?;
            let rows = run(store, txn, tables, subquery, session)?;
            *ran = true;
            if rows.is_empty() {
                // Nothing is IN an empty set, not even NULL.
                *e = truth(*negated);
                return Ok(());
            }
            let mut list = Vec::with_capacity(rows.len());
            for mut r in rows {
                if r.len() != 1 {
                    return Err(SqlError::new(1241, "Operand should contain 1 column(s)"));
                }
                list.push(literal(r.remove(0))?);
            }
            *e = Expr::InList {
                expr: expr.clone(),
                list,
                negated: *negated,
            };
            Ok(())
        }
        _ => Ok(()),
    }
}
