//! Where the SQL parser's operator precedence is not MySQL's.
//!
//! * MySQL's `->` and `->>` bind tighter than any other operator (`col ->
//!   'path'` is one simple expression in its grammar); the parser gives
//!   them PostgreSQL's place, below `+` and `*`, so that `j->'$.n' + 1`
//!   comes out as `j -> ('$.n' + 1)` and `x * j->'$.n'` as `(x * j) ->
//!   '$.n'`. [`fix_arrows`] puts each arrow back between the operands
//!   next to it: the rightmost operand on its left and the leftmost on
//!   its right.
//! * In MySQL's grammar the right side of a comparison is a predicate:
//!   `a = b IN (…)` is `a = (b IN (…))`; the parser reads `(a = b) IN
//!   (…)`. [`normalize`] refuses those shapes when a statement is read,
//!   before anything is evaluated.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, UnaryOperator, VisitMut, VisitorMut};

fn is_arrow(op: &BinaryOperator) -> bool {
    matches!(op, BinaryOperator::Arrow | BinaryOperator::LongArrow)
}

/// The operand at the right edge of an expression the parser built from
/// operators it binds tighter than an arrow.
fn rightmost(mut e: &mut Expr) -> &mut Expr {
    loop {
        let into = match e {
            Expr::BinaryOp { op, .. } => !is_arrow(op),
            Expr::UnaryOp { op, .. } => matches!(
                op,
                UnaryOperator::Minus | UnaryOperator::Plus | UnaryOperator::BitwiseNot
            ),
            _ => false,
        };
        e = match (into, e) {
            (true, Expr::BinaryOp { right, .. }) => right,
            (true, Expr::UnaryOp { expr, .. }) => expr,
            (_, e) => return e,
        };
    }
}

/// The operand at the left edge.
fn leftmost(mut e: &mut Expr) -> &mut Expr {
    loop {
        let into = matches!(e, Expr::BinaryOp { op, .. } if !is_arrow(op));
        e = match (into, e) {
            (true, Expr::BinaryOp { left, .. }) => left,
            (_, e) => return e,
        };
    }
}

fn take(e: &mut Expr) -> Expr {
    std::mem::replace(e, Expr::Value(sqlparser::ast::Value::Null.into()))
}

/// One arrow node put back in its place (its operands already are).
fn fix(e: &mut Expr) {
    let Expr::BinaryOp { left, op, right } = e else {
        return;
    };
    if !is_arrow(op) {
        return;
    }
    let needs_left = matches!(**left, Expr::BinaryOp { .. } | Expr::UnaryOp { .. });
    let needs_right = matches!(**right, Expr::BinaryOp { .. });
    if !needs_left && !needs_right {
        return;
    }
    let op = op.clone();
    let (mut l, mut r) = (take(left), take(right));
    let doc = take(rightmost(&mut l));
    let path = take(leftmost(&mut r));
    *rightmost(&mut l) = Expr::BinaryOp {
        left: Box::new(doc),
        op,
        right: Box::new(path),
    };
    *leftmost(&mut r) = l;
    *e = r;
}

/// Puts arrows back in their place and notes the first shape MySQL
/// reads otherwise.
#[derive(Default)]
struct Normalize {
    misread: Option<String>,
}

impl VisitorMut for Normalize {
    type Break = ();

    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        fix(e);
        if misread(e) {
            self.misread = Some(e.to_string());
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

/// Whether sqlparser read `expr` otherwise than MySQL: `a = b IN (…)`
/// (also BETWEEN, LIKE) is `a = (b IN (…))` in MySQL's grammar, and
/// `a = NOT b` is not MySQL at all.
fn misread(expr: &Expr) -> bool {
    use BinaryOperator as B;
    let comparison = |e: &Expr| {
        matches!(
            e,
            Expr::BinaryOp {
                op: B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq | B::Spaceship,
                ..
            }
        )
    };
    match expr {
        Expr::InList { expr, .. }
        | Expr::InSubquery { expr, .. }
        | Expr::Between { expr, .. }
        | Expr::Like { expr, .. } => comparison(expr),
        Expr::BinaryOp { right, .. } if comparison(expr) => matches!(
            **right,
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                ..
            }
        ),
        _ => false,
    }
}

/// A statement as MySQL reads it: every arrow put back in its place;
/// `Err` names a shape the parser read otherwise than MySQL.
pub fn normalize(s: &mut Statement) -> Result<(), String> {
    let mut n = Normalize::default();
    let _ = s.visit(&mut n);
    n.misread.map_or(Ok(()), Err)
}

/// [`normalize`] for one expression.
pub fn normalize_expr(e: &mut Expr) -> Result<(), String> {
    let mut n = Normalize::default();
    let _ = e.visit(&mut n);
    n.misread.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::parser::Parser;

    fn fixed(sql: &str) -> String {
        let mut e = Parser::new(&MySqlDialect {})
            .try_with_sql(sql)
            .and_then(|mut p| p.parse_expr())
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert_eq!(normalize_expr(&mut e), Ok(()));
        // Display of the tree with each binary operation parenthesised.
        fn show(e: &Expr) -> String {
            match e {
                Expr::BinaryOp { left, op, right } => {
                    format!("({} {op} {})", show(left), show(right))
                }
                Expr::UnaryOp { op, expr } => format!("({op}{})", show(expr)),
                other => other.to_string(),
            }
        }
        show(&e)
    }

    #[test]
    fn arrows_bind_tightest() {
        assert_eq!(fixed("j->'$.n' + 1"), "((j -> '$.n') + 1)");
        assert_eq!(fixed("x * j->'$.n' + 1"), "((x * (j -> '$.n')) + 1)");
        assert_eq!(fixed("-j->>'$.n' * 2 > 3"), "(((-(j ->> '$.n')) * 2) > 3)");
        assert_eq!(
            fixed("j->>'$.a' = 'x' AND k->'$.b' + 1 = 2"),
            "(((j ->> '$.a') = 'x') AND (((k -> '$.b') + 1) = 2))"
        );
        assert_eq!(fixed("(j->'$.n') + 1"), "((j -> '$.n') + 1)");
    }

    #[test]
    fn shapes_mysql_reads_otherwise_are_named() {
        let read = |sql: &str| {
            let mut e = Parser::new(&MySqlDialect {})
                .try_with_sql(sql)
                .and_then(|mut p| p.parse_expr())
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            normalize_expr(&mut e)
        };
        assert!(read("a = 2 IN (1, 2)").is_err());
        assert!(read("a < b BETWEEN 1 AND 2").is_err());
        assert!(read("x + (a = 1) AND a = NOT b").is_err());
        assert_eq!(read("a = (2 IN (1, 2))"), Ok(()));
        assert_eq!(read("(a = 2) IN (1, 2) AND b LIKE 'x'"), Ok(()));
    }
}
