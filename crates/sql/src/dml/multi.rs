//! Multi-table UPDATE and DELETE: `UPDATE t JOIN u ON … SET …`,
//! `UPDATE t, u SET …`, `DELETE t FROM t JOIN u …` and `DELETE FROM t
//! USING t, u …`, read into a left-deep list of joined tables.
//!
//! A comma between tables binds less tightly than JOIN in MySQL
//! (`t, u LEFT JOIN v ON c` is `t, (u LEFT JOIN v ON c)`), but a
//! statement the source ran cannot name `t` in `c`, so reading the list
//! left to right (`(t × u) LEFT JOIN v ON c`) selects the same rows.

use sqlparser::ast::{
    Assignment, AssignmentTarget, Delete, FromTable, JoinConstraint, JoinOperator, ObjectName,
    TableFactor, TableWithJoins, Update,
};

use super::Expr;
use crate::ddl::{TableName, last_part, table_name};

/// How a table joins the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    /// `JOIN`, `INNER JOIN`, `CROSS JOIN`, `STRAIGHT_JOIN` or a comma.
    Inner,
    /// `LEFT [OUTER] JOIN`: a row with no match keeps NULLs here.
    Left,
}

/// One table of a multi-table statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Joined {
    pub table: TableName,
    pub alias: Option<String>,
    pub kind: JoinKind,
    /// `ON` condition.
    pub on: Option<Expr>,
    /// `USING (…)` columns.
    pub using: Vec<String>,
}

impl Joined {
    /// The name the statement's expressions call the table by.
    pub fn reference(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.table.name)
    }
}

/// A column an assignment sets: its table qualifier (an alias or a table
/// name; `None` when unqualified) and name.
pub type ColumnRef = (Option<String>, String);

#[derive(Debug, Clone, PartialEq)]
pub struct MultiUpdate {
    pub tables: Vec<Joined>,
    pub assignments: Vec<(ColumnRef, Expr)>,
    pub selection: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MultiDelete {
    /// The tables rows are deleted from, as named (`db` when the name is
    /// qualified with one).
    pub targets: Vec<(Option<String>, String)>,
    pub tables: Vec<Joined>,
    pub selection: Option<Expr>,
}

/// `UPDATE t, u SET` in the form the SQL parser reads: the top-level
/// commas of the table list as `CROSS JOIN` (the same rows; see the
/// module's note). `None` when the statement has no such comma.
pub fn comma_update(sql: &str) -> Option<String> {
    let b = sql.as_bytes();
    let word_at = |i: usize, w: &str| {
        b.len() >= i + w.len()
            && b[i..i + w.len()].eq_ignore_ascii_case(w.as_bytes())
            && (i == 0 || !is_word(b[i - 1]))
            && b.get(i + w.len()).is_none_or(|&c| !is_word(c))
    };
    let start = (0..b.len()).find(|&i| !b[i].is_ascii_whitespace())?;
    if !word_at(start, "UPDATE") {
        return None;
    }
    let mut commas = Vec::new();
    let (mut i, mut depth, mut quote) = (start + 6, 0usize, None::<u8>);
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q != b'`' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' | b'`' => quote = Some(c),
                b'(' => depth += 1,
                b')' => depth = depth.checked_sub(1)?,
                b',' if depth == 0 => commas.push(i),
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i = sql[i + 2..].find("*/").map(|e| i + 2 + e + 1)?;
                }
                b'#' => return None,
                b'-' if b.get(i + 1) == Some(&b'-') => return None,
                _ if depth == 0 && word_at(i, "SET") => break,
                _ => {}
            },
        }
        i += 1;
    }
    if commas.is_empty() || i >= b.len() {
        return None;
    }
    let mut out = String::with_capacity(sql.len() + 16 * commas.len());
    let mut last = 0;
    for c in commas {
        out.push_str(&sql[last..c]);
        out.push_str(" CROSS JOIN ");
        last = c + 1;
    }
    out.push_str(&sql[last..]);
    Some(out)
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

/// The tables of a FROM list, left to right.
pub(crate) fn joined(list: &[TableWithJoins], db: &str) -> Result<Vec<Joined>, String> {
    let mut out = Vec::new();
    for twj in list {
        out.push(factor(
            &twj.relation,
            db,
            JoinKind::Inner,
            None,
            Vec::new(),
        )?);
        for j in &twj.joins {
            let (kind, constraint) = match &j.join_operator {
                JoinOperator::Join(c)
                | JoinOperator::Inner(c)
                | JoinOperator::CrossJoin(c)
                | JoinOperator::StraightJoin(c) => (JoinKind::Inner, c),
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (JoinKind::Left, c),
                _ => return Err("a multi-table statement with this kind of join".into()),
            };
            let (on, using) = match constraint {
                JoinConstraint::On(e) => (Some(e.clone()), Vec::new()),
                JoinConstraint::Using(cols) => (None, cols.iter().map(last_part).collect()),
                JoinConstraint::None if kind == JoinKind::Inner => (None, Vec::new()),
                _ => return Err("a multi-table statement with a NATURAL join".into()),
            };
            out.push(factor(&j.relation, db, kind, on, using)?);
        }
    }
    Ok(out)
}

fn factor(
    f: &TableFactor,
    db: &str,
    kind: JoinKind,
    on: Option<Expr>,
    using: Vec<String>,
) -> Result<Joined, String> {
    match f {
        TableFactor::Table {
            name,
            alias,
            args: None,
            ..
        } => Ok(Joined {
            table: table_name(name, db),
            alias: alias.as_ref().map(|a| a.name.value.clone()),
            kind,
            on,
            using,
        }),
        _ => Err("a multi-table statement joining something other than a table".into()),
    }
}

fn column_ref(n: &ObjectName) -> Result<ColumnRef, String> {
    let parts: Vec<String> =
        n.0.iter()
            .map(|p| p.as_ident().map(|i| i.value.clone()))
            .collect::<Option<_>>()
            .ok_or("an assignment to this target")?;
    match parts.as_slice() {
        [c] => Ok((None, c.clone())),
        [.., t, c] => Ok((Some(t.clone()), c.clone())),
        [] => Err("an assignment to this target".into()),
    }
}

/// An UPDATE whose table list joins several tables.
pub fn update(u: Update, db: &str) -> Result<MultiUpdate, String> {
    if !u.order_by.is_empty() || u.limit.is_some() {
        // (The source refuses them too.)
        return Err("a multi-table UPDATE with ORDER BY or LIMIT".into());
    }
    let tables = joined(std::slice::from_ref(&u.table), db)?;
    let assignments = u
        .assignments
        .into_iter()
        .map(|Assignment { target, value }| match target {
            AssignmentTarget::ColumnName(n) => Ok((column_ref(&n)?, value)),
            AssignmentTarget::Tuple(_) => Err("a tuple assignment".to_owned()),
        })
        .collect::<Result<_, _>>()?;
    Ok(MultiUpdate {
        tables,
        assignments,
        selection: u.selection,
    })
}

/// A DELETE naming the tables it deletes from apart from the ones it
/// reads (`DELETE t FROM …`, `DELETE FROM t USING …`).
pub fn delete(d: Delete, db: &str) -> Result<MultiDelete, String> {
    if !d.order_by.is_empty() || d.limit.is_some() {
        return Err("a multi-table DELETE with ORDER BY or LIMIT".into());
    }
    let from = match d.from {
        FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f,
    };
    let (names, list) = match d.using {
        Some(using) if d.tables.is_empty() => (
            from.iter()
                .map(|t| match &t.relation {
                    TableFactor::Table { name, alias, .. } if t.joins.is_empty() => {
                        if alias.is_some() {
                            Err("DELETE FROM t AS alias USING …".to_owned())
                        } else {
                            Ok(name.clone())
                        }
                    }
                    _ => Err("DELETE FROM … USING with joins in FROM".to_owned()),
                })
                .collect::<Result<Vec<_>, _>>()?,
            using,
        ),
        None if !d.tables.is_empty() => (d.tables, from),
        _ => return Err("this form of DELETE".into()),
    };
    let targets = names
        .iter()
        .map(|n| {
            let parts: Vec<String> =
                n.0.iter()
                    .map(|p| p.as_ident().map(|i| i.value.clone()))
                    .collect::<Option<_>>()
                    .ok_or("DELETE of this target")?;
            match parts.as_slice() {
                [t] => Ok((None, t.clone())),
                [d, t] => Ok((Some(d.clone()), t.clone())),
                _ => Err("DELETE of this target".to_owned()),
            }
        })
        .collect::<Result<_, String>>()?;
    Ok(MultiDelete {
        targets,
        tables: joined(&list, db)?,
        selection: d.selection,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_lists_become_cross_joins() {
        assert_eq!(
            comma_update("UPDATE t, u AS x SET t.a = x.b, t.c = 'a,b' WHERE t.id = x.id")
                .as_deref(),
            Some("UPDATE t CROSS JOIN  u AS x SET t.a = x.b, t.c = 'a,b' WHERE t.id = x.id")
        );
        assert_eq!(
            comma_update("update `t,` /* a, b */ , u use index (i, j) set a = 1").as_deref(),
            Some("update `t,` /* a, b */  CROSS JOIN  u use index (i, j) set a = 1")
        );
        for sql in [
            "UPDATE t SET a = 1, b = 2",
            "UPDATE t JOIN u ON t.a = u.a SET t.b = 1",
            "DELETE t, u FROM t, u",
            "UPDATE t, u -- comment\n SET a = 1",
            "UPDATE settings, u SET a = 1",
        ] {
            let out = comma_update(sql);
            if sql.starts_with("UPDATE settings") {
                assert!(out.unwrap().contains("settings CROSS JOIN  u"));
            } else {
                assert_eq!(out, None, "{sql}");
            }
        }
    }
}
