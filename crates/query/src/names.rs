//! Result column names as MySQL gives them: a select item without an
//! alias is named by its text as written (`COUNT(*)`, `1+1`, `SUM(id)`),
//! a string literal by its value, a column by its name. DataFusion names
//! them by its own rendering, so each such item gets MySQL's name as an
//! alias before planning.

use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::{Expr, Ident, SelectItem, SetExpr, Statement, Value};

/// The words that end a select list at depth 0.
const AFTER_LIST: &[&str] = &[
    "FROM",
    "WHERE",
    "GROUP",
    "HAVING",
    "ORDER",
    "LIMIT",
    "WINDOW",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "INTO",
    "FOR",
];
/// The words that may open a select list.
const MODIFIERS: &[&str] = &[
    "ALL",
    "DISTINCT",
    "DISTINCTROW",
    "HIGH_PRIORITY",
    "STRAIGHT_JOIN",
    "SQL_SMALL_RESULT",
    "SQL_BIG_RESULT",
    "SQL_BUFFER_RESULT",
    "SQL_NO_CACHE",
    "SQL_CALC_FOUND_ROWS",
];

/// The texts of the top-level select list's items, as written: the
/// statement's first `SELECT` up to the clause after its list, split at
/// commas outside parentheses and quotes.
pub fn item_texts(sql: &str) -> Vec<String> {
    let b = sql.as_bytes();
    let mut items = Vec::new();
    let (mut i, mut depth, mut start) = (0, 0i32, None::<usize>);
    let word_at = |i: usize| -> &str {
        let end = b[i..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
            .map_or(b.len(), |n| i + n);
        &sql[i..end]
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'\'' | b'"' | b'`' => {
                i += 1;
                while i < b.len() && b[i] != c {
                    if b[i] == b'\\' && c != b'`' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                if let Some(s) = start {
                    items.push(sql[s..i].trim().to_owned());
                    start = Some(i + 1);
                }
            }
            c if c.is_ascii_alphabetic()
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let w = word_at(i);
                if depth == 0 {
                    match start {
                        None if w.eq_ignore_ascii_case("SELECT") => {
                            start = Some(i + w.len());
                        }
                        Some(s)
                            if sql[s..i].trim().is_empty()
                                && MODIFIERS.iter().any(|m| w.eq_ignore_ascii_case(m)) =>
                        {
                            start = Some(i + w.len());
                        }
                        Some(s) if AFTER_LIST.iter().any(|m| w.eq_ignore_ascii_case(m)) => {
                            items.push(sql[s..i].trim().to_owned());
                            return items;
                        }
                        _ => {}
                    }
                }
                i += w.len();
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(s) = start {
        items.push(sql[s..].trim().trim_end_matches(';').trim().to_owned());
    }
    items
}

/// MySQL's name of an unaliased select item written as `text`; `None`
/// where DataFusion's name is MySQL's already (columns).
fn mysql_name(text: &str, e: &Expr) -> Option<String> {
    match e {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => None,
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => Some(s.clone()),
            _ => Some(text.to_owned()),
        },
        _ => Some(text.to_owned()),
    }
}

/// Gives the top-level select list's unaliased expressions MySQL's names.
pub fn name_columns(stmt: &mut DfStatement, sql: &str) {
    let DfStatement::Statement(s) = stmt else {
        return;
    };
    let Statement::Query(q) = s.as_mut() else {
        return;
    };
    let SetExpr::Select(select) = q.body.as_mut() else {
        return;
    };
    let texts = item_texts(sql);
    if texts.len() != select.projection.len() {
        return;
    }
    for (item, text) in select.projection.iter_mut().zip(texts) {
        if let SelectItem::UnnamedExpr(e) = item
            && let Some(name) = mysql_name(&text, e)
        {
            *item = SelectItem::ExprWithAlias {
                expr: e.clone(),
                alias: Ident::with_quote('`', name),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::item_texts;

    #[test]
    fn select_items_as_written() {
        assert_eq!(
            item_texts(
                "SELECT DISTINCT COUNT(*), SUM( id ), 'a,b', f(x, y) AS z FROM t WHERE a = 1"
            ),
            vec!["COUNT(*)", "SUM( id )", "'a,b'", "f(x, y) AS z"]
        );
        assert_eq!(item_texts("select 1+1, id*2"), vec!["1+1", "id*2"]);
        assert_eq!(
            item_texts("SELECT (SELECT MAX(a) FROM u), k FROM t"),
            vec!["(SELECT MAX(a) FROM u)", "k"]
        );
    }
}
