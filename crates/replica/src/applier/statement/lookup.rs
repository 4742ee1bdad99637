//! The one primary key a WHERE pins down, so that an UPDATE or DELETE by
//! key reads one row instead of scanning the table: every key column
//! equal to an integer literal, ANDed with anything else. Only integer
//! key columns qualify: an integer compared with an integer is exact, so
//! the rows the WHERE can select are the one with that key (the whole
//! WHERE is still evaluated on it).

use understudy_sql::ColumnType;
use understudy_sql::dml::{BinaryOperator, Expr, Literal, UnaryOperator};
use understudy_store::Cell;

use super::Scope;

/// An integer literal (`5`, `-5`, `(5)`).
fn integer(e: &Expr) -> Option<i128> {
    match e {
        Expr::Value(v) => match &v.value {
            Literal::Number(n, _) if !n.contains(['.', 'e', 'E']) => n.parse().ok(),
            _ => None,
        },
        Expr::Nested(inner) => integer(inner),
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => integer(expr)?.checked_neg(),
        _ => None,
    }
}

/// The column an expression names, if it is one of the scope's.
fn column(scope: &Scope<'_>, e: &Expr) -> Option<usize> {
    let (table, name) = match e {
        Expr::Identifier(i) => (None, &i.value),
        Expr::CompoundIdentifier(parts) => match parts.as_slice() {
            [t, c] => (Some(&t.value), &c.value),
            [_, t, c] => (Some(&t.value), &c.value),
            _ => return None,
        },
        Expr::Nested(inner) => return column(scope, inner),
        _ => return None,
    };
    if table.is_some_and(|t| *t != scope.table.name && Some(t.as_str()) != scope.alias) {
        return None;
    }
    scope.e.schema.column_index(name)
}

/// `column = integer` terms of a conjunction.
fn equalities(scope: &Scope<'_>, e: &Expr, out: &mut Vec<(usize, i128)>) {
    match e {
        Expr::Nested(inner) => equalities(scope, inner, out),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            equalities(scope, left, out);
            equalities(scope, right, out);
        }
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } => {
            let pair = match (column(scope, left), integer(right)) {
                (Some(c), Some(v)) => Some((c, v)),
                _ => column(scope, right).zip(integer(left)),
            };
            out.extend(pair);
        }
        _ => {}
    }
}

/// The key cells (in key order) the WHERE pins, or `None` when it does
/// not pin one row (or a key value is outside its column's range).
pub(super) fn pinned_key(scope: &Scope<'_>, selection: &Expr) -> Option<Vec<(usize, Cell)>> {
    let schema = &scope.e.schema;
    if schema.primary_key.is_empty() {
        return None;
    }
    let mut eqs = Vec::new();
    equalities(scope, selection, &mut eqs);
    schema
        .primary_key
        .iter()
        .map(|&i| {
            let ColumnType::Int { bytes, unsigned } = schema.columns[i].ty else {
                return None;
            };
            let v = eqs.iter().find(|(c, _)| *c == i)?.1;
            let bits = u32::from(bytes) * 8;
            let cell = if unsigned {
                Cell::UInt(
                    u64::try_from(v)
                        .ok()
                        .filter(|&u| bits == 64 || u >> bits == 0)?,
                )
            } else {
                let s = i64::try_from(v).ok()?;
                let fits = bits == 64 || (-(1i64 << (bits - 1))..(1i64 << (bits - 1))).contains(&s);
                fits.then_some(Cell::Int(s))?
            };
            Some((i, cell))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use understudy_sql::dml::{Dml, parse_dml};
    use understudy_sql::{Column, TableName, TableSchema};
    use understudy_store::TableEntry;

    fn pinned(schema: &TableSchema, sql: &str) -> Option<Vec<(usize, Cell)>> {
        let e = TableEntry {
            db: "d".into(),
            name: "t".into(),
            id: 1,
            version: 1,
            schema: schema.clone(),
        };
        let table = TableName {
            db: "d".into(),
            name: "t".into(),
        };
        let Ok(Dml::Delete(del)) = parse_dml(sql, "d") else {
            panic!("{sql}")
        };
        let session = super::super::Session::default();
        let scope = Scope {
            e: &e,
            session: &session,
            table: &table,
            alias: del.alias.as_deref(),
        };
        pinned_key(&scope, del.selection.as_ref()?)
    }

    #[test]
    fn only_integer_keys_equal_to_integers_are_pinned() {
        let int = |bytes, unsigned| ColumnType::Int { bytes, unsigned };
        let schema = TableSchema {
            columns: vec![
                Column::new("a", int(4, false)),
                Column::new("b", int(1, true)),
                Column::new("s", ColumnType::Double),
            ],
            primary_key: vec![0, 1],
            charset: None,
            system_time: None,
            indexes: Some(Vec::new()),
            collation: None,
            foreign_keys: Vec::new(),
        };
        assert_eq!(
            pinned(
                &schema,
                "DELETE FROM t WHERE (b = 7) AND s > 1 AND t.a = -3"
            ),
            Some(vec![(0, Cell::Int(-3)), (1, Cell::UInt(7))])
        );
        assert_eq!(pinned(&schema, "DELETE FROM t WHERE a = 1 OR b = 2"), None);
        assert_eq!(pinned(&schema, "DELETE FROM t WHERE a = 1"), None);
        assert_eq!(
            pinned(&schema, "DELETE FROM t WHERE a = '1' AND b = 2"),
            None
        );
        assert_eq!(
            pinned(&schema, "DELETE FROM t WHERE a = 1.0 AND b = 2"),
            None
        );
        // Out of TINYINT UNSIGNED's range: no row has that key.
        assert_eq!(
            pinned(&schema, "DELETE FROM t WHERE a = 1 AND b = 256"),
            None
        );
        assert_eq!(
            pinned(&schema, "DELETE FROM t AS x WHERE x.a = 1 AND 2 = b"),
            Some(vec![(0, Cell::Int(1)), (1, Cell::UInt(2))])
        );
        assert_eq!(
            pinned(&schema, "DELETE FROM t WHERE u.a = 1 AND b = 2"),
            None
        );
    }
}
