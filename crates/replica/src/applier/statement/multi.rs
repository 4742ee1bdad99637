//! Multi-table UPDATE and DELETE: the joined rows are found first, from
//! the tables as they stand before the statement, then the changes are
//! written. Nested loops, in the statement's table order, with a hash
//! of an integer column where an `=` between integer columns joins a
//! table (or a WHERE pins its key): the source's join order may differ,
//! so what depends on it is refused — a row matched by several joined
//! rows that would set it to different values, an assignment reading a
//! column the statement also sets (MySQL does not say in which order a
//! multi-table UPDATE assigns), a table both updated and joined again.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, btree_map};
use std::sync::Arc;

use understudy_sql::dml::eval::{Context, EvalError, Row, eval, eval_value};
use understudy_sql::dml::group::sort_without_ties;
use understudy_sql::dml::multi::{JoinKind, Joined, MultiDelete, MultiUpdate};
use understudy_sql::dml::value::Value;
use understudy_sql::dml::{BinaryOperator, Dml, Expr, Ident, SelectSource};
use understudy_sql::{ColumnType, TableName};
use understudy_store::{Cell, Store, TableEntry, Txn};

use super::cast::{cell_value, value_cell};
use super::{Scope, Session, collated_key, eval_err, lookup, rules, scan, set_on_update};
use super::{temporary, touch};
use crate::applier::apply::{ER_FATAL, Result, SqlError, replace_row, store_err, updated_key};
use crate::applier::table_cache::TableCache;

/// The most row combinations a join may hold.
const MAX_JOINED: usize = 4_000_000;

/// One table of the join, with the rows the statement may see.
struct Source<'a> {
    e: Arc<TableEntry>,
    joined: &'a Joined,
    rows: Vec<(Vec<u8>, Vec<Cell>)>,
}

/// A row of the join: each table's row (`None`: NULLs of a LEFT JOIN).
struct JoinedRow<'a> {
    sources: &'a [Source<'a>],
    picks: &'a [Option<usize>],
    session: &'a Session,
    /// The (table, column) pairs read, when an assignment is evaluated.
    reads: Option<&'a RefCell<Vec<(usize, usize)>>>,
}

/// The table and column a name means among the first `upto` tables.
fn resolve(
    sources: &[Source<'_>],
    upto: usize,
    table: Option<&str>,
    name: &str,
) -> std::result::Result<(usize, usize), EvalError> {
    let mut found = sources[..upto]
        .iter()
        .enumerate()
        .filter(|(_, s)| table.is_none_or(|t| t == s.joined.reference()))
        .filter_map(|(k, s)| s.e.schema.column_index(name).map(|i| (k, i)));
    match (found.next(), found.next()) {
        (Some(one), None) => Ok(one),
        (None, _) => Err(EvalError::Sql {
            errno: 1054,
            message: format!("Unknown column '{name}' in 'where clause'"),
        }),
        (Some(_), Some(_)) => Err(EvalError::Sql {
            errno: 1052,
            message: format!("Column '{name}' in where clause is ambiguous"),
        }),
    }
}

impl Row for JoinedRow<'_> {
    fn column(&self, table: Option<&str>, name: &str) -> std::result::Result<Value, EvalError> {
        let (k, i) = resolve(self.sources, self.picks.len(), table, name)?;
        if let Some(r) = self.reads {
            r.borrow_mut().push((k, i));
        }
        let s = &self.sources[k];
        match self.picks[k] {
            None => Ok(Value::Null),
            Some(r) => cell_value(&s.rows[r].1[i], &s.e.schema.columns[i], &self.session.zone),
        }
    }

    fn context(&self) -> &dyn Context {
        self.session
    }
}

/// The tables of the statement with their rows (only the row of a key
/// the WHERE pins, when it pins one).
fn load<'a>(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    list: &'a [Joined],
    session: &Session,
    selection: Option<&Expr>,
) -> Result<Vec<Source<'a>>> {
    let mut out = Vec::with_capacity(list.len());
    for j in list {
        let e = super::target(store, txn, tables, &j.table, session)?;
        let scope = Scope {
            e: &e,
            session,
            table: &j.table,
            alias: j.alias.as_deref(),
        };
        // (A WHERE's `k = 5` also drops the NULL row of a LEFT JOIN.)
        let pinned = selection.and_then(|w| lookup::pinned_key(&scope, w));
        let mut rows = Vec::new();
        scan(store, txn, &e, pinned, |key, cells| {
            rows.push((key.to_vec(), cells));
            Ok(true)
        })?;
        out.push(Source { e, joined: j, rows });
    }
    Ok(out)
}

/// `a = b` terms of a conjunction.
fn equalities<'e>(e: &'e Expr, out: &mut Vec<(&'e Expr, &'e Expr)>) {
    match e {
        Expr::Nested(inner) => equalities(inner, out),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            equalities(left, out);
            equalities(right, out);
        }
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } => out.push((left, right)),
        _ => {}
    }
}

/// The integer column an expression names among the first `upto` tables.
fn int_column(sources: &[Source<'_>], upto: usize, e: &Expr) -> Option<(usize, usize)> {
    let (table, name) = match e {
        Expr::Identifier(i) => (None, &i.value),
        Expr::CompoundIdentifier(parts) => match parts.as_slice() {
            [t, c] | [_, t, c] => (Some(t.value.as_str()), &c.value),
            _ => return None,
        },
        Expr::Nested(inner) => return int_column(sources, upto, inner),
        _ => return None,
    };
    let (k, i) = resolve(sources, upto, table, name).ok()?;
    matches!(sources[k].e.schema.columns[i].ty, ColumnType::Int { .. }).then_some((k, i))
}

/// How table `k`'s rows are found for a row of the tables before it: a
/// hash of its integer column `=` an integer column before it (from ON
/// or a WHERE term; the whole condition is still evaluated on each).
struct Probe {
    outer: (usize, usize),
    rows: HashMap<i128, Vec<usize>>,
}

fn integer(c: &Cell) -> Option<i128> {
    match c {
        Cell::Int(v) => Some(i128::from(*v)),
        Cell::UInt(v) => Some(i128::from(*v)),
        _ => None,
    }
}

fn probe(sources: &[Source<'_>], k: usize, conditions: &[&Expr]) -> Option<Probe> {
    let mut eqs = Vec::new();
    for c in conditions {
        equalities(c, &mut eqs);
    }
    eqs.into_iter().find_map(|(a, b)| {
        let (x, y) = (
            int_column(sources, k + 1, a)?,
            int_column(sources, k + 1, b)?,
        );
        let (inner, outer) = match (x.0 == k, y.0 == k) {
            (true, false) => (x, y),
            (false, true) => (y, x),
            _ => return None,
        };
        let mut rows: HashMap<i128, Vec<usize>> = HashMap::new();
        for (r, (_, cells)) in sources[k].rows.iter().enumerate() {
            if let Some(v) = integer(&cells[inner.1]) {
                rows.entry(v).or_default().push(r);
            }
        }
        Some(Probe { outer, rows })
    })
}

/// `USING (c, …)`: `x.c = k.c` for the first table `x` before `k` that
/// has `c`.
fn using_condition(sources: &[Source<'_>], k: usize) -> Result<Option<Expr>> {
    let mut out: Option<Expr> = None;
    for c in &sources[k].joined.using {
        let left = sources[..k]
            .iter()
            .find(|s| s.e.schema.column_index(c).is_some())
            .ok_or_else(|| SqlError::new(1054, format!("Unknown column '{c}' in 'from clause'")))?;
        let col = |s: &Source<'_>| {
            Expr::CompoundIdentifier(vec![Ident::new(s.joined.reference()), Ident::new(c)])
        };
        let eq = Expr::BinaryOp {
            left: Box::new(col(left)),
            op: BinaryOperator::Eq,
            right: Box::new(col(&sources[k])),
        };
        out = Some(match out {
            None => eq,
            Some(prev) => Expr::BinaryOp {
                left: Box::new(prev),
                op: BinaryOperator::And,
                right: Box::new(eq),
            },
        });
    }
    Ok(out)
}

fn truth(e: &Expr, row: &JoinedRow<'_>) -> Result<bool> {
    Ok(eval(e, row).map_err(eval_err)?.truth().map_err(eval_err)? == Some(true))
}

/// The rows of the join the WHERE keeps: each table's row index.
fn join(
    sources: &[Source<'_>],
    session: &Session,
    selection: Option<&Expr>,
) -> Result<Vec<Vec<Option<usize>>>> {
    let mut partial: Vec<Vec<Option<usize>>> = vec![Vec::new()];
    for (k, s) in sources.iter().enumerate() {
        let on = match (&s.joined.on, using_condition(sources, k)?) {
            (Some(on), None) => Some(on.clone()),
            (None, using) => using,
            (Some(_), Some(_)) => return Err(SqlError::new(ER_FATAL, "ON and USING together")),
        };
        let conditions: Vec<&Expr> = on.iter().chain(selection).collect();
        let probe = probe(sources, k, &conditions);
        let all: Vec<usize> = (0..s.rows.len()).collect();
        let mut next = Vec::new();
        for p in &partial {
            let mut picks = p.clone();
            picks.push(None);
            let candidates: &[usize] = match &probe {
                None => &all,
                Some(pr) => match picks[pr.outer.0] {
                    None => &[],
                    Some(r) => {
                        let cell = &sources[pr.outer.0].rows[r].1[pr.outer.1];
                        match integer(cell) {
                            Some(v) => pr.rows.get(&v).map_or(&[], Vec::as_slice),
                            None => &[],
                        }
                    }
                },
            };
            let mut matched = false;
            for &r in candidates {
                picks[k] = Some(r);
                let row = JoinedRow {
                    sources,
                    picks: &picks,
                    session,
                    reads: None,
                };
                if on.as_ref().map_or(Ok(true), |c| truth(c, &row))? {
                    matched = true;
                    next.push(picks.clone());
                    if next.len() > MAX_JOINED {
                        return Err(SqlError::new(
                            ER_FATAL,
                            format!(
                                "a multi-table statement joining more than {MAX_JOINED} rows \
                                 is not applied"
                            ),
                        ));
                    }
                }
            }
            if !matched && s.joined.kind == JoinKind::Left {
                picks[k] = None;
                next.push(picks);
            }
        }
        partial = next;
    }
    let Some(w) = selection else {
        return Ok(partial);
    };
    let mut kept = Vec::new();
    for picks in partial {
        let row = JoinedRow {
            sources,
            picks: &picks,
            session,
            reads: None,
        };
        if truth(w, &row)? {
            kept.push(picks);
        }
    }
    Ok(kept)
}

fn fatal(message: impl Into<String>) -> SqlError {
    SqlError::new(ER_FATAL, message)
}

pub(super) fn update(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    st: &MultiUpdate,
    session: &Session,
) -> Result<()> {
    let inlined = super::subquery::inline(store, txn, tables, st.selection.as_ref(), session)?;
    let selection = inlined.as_ref().or(st.selection.as_ref());
    let sources = load(store, txn, tables, &st.tables, session, selection)?;
    let targets: Vec<(usize, usize)> = st
        .assignments
        .iter()
        .map(|((t, c), _)| resolve(&sources, sources.len(), t.as_deref(), c).map_err(eval_err))
        .collect::<Result<_>>()?;
    let changed: BTreeSet<usize> = targets.iter().map(|t| t.0).collect();
    for &k in &changed {
        let e = &sources[k].e;
        if sources.iter().filter(|s| s.e.id == e.id).count() > 1 {
            return Err(fatal(format!(
                "a multi-table UPDATE of {}.{} joined with itself is not applied yet",
                e.db, e.name
            )));
        }
        let columns: Vec<usize> = targets.iter().filter(|t| t.0 == k).map(|t| t.1).collect();
        set_on_update(e, &columns)?;
    }
    let mut new_rows: BTreeMap<usize, BTreeMap<usize, Vec<Cell>>> = BTreeMap::new();
    let reads = RefCell::new(Vec::new());
    for (n, picks) in join(&sources, session, selection)?.into_iter().enumerate() {
        let row = JoinedRow {
            sources: &sources,
            picks: &picks,
            session,
            reads: Some(&reads),
        };
        let mut cells: BTreeMap<usize, Vec<Cell>> = BTreeMap::new();
        for (&(k, i), (_, ex)) in targets.iter().zip(&st.assignments) {
            let Some(r) = picks[k] else { continue };
            reads.borrow_mut().clear();
            let v = eval_value(ex, &row).map_err(eval_err)?;
            if let Some(read) = reads
                .borrow()
                .iter()
                .find(|&&c| c != (k, i) && targets.contains(&c))
            {
                let column = &sources[read.0].e.schema.columns[read.1].name;
                return Err(fatal(format!(
                    "a multi-table UPDATE assignment reading column {column}, which the \
                     statement also sets, is not applied (the source's order of assignments \
                     is not defined)"
                )));
            }
            let s = &sources[k];
            let c = cells.entry(k).or_insert_with(|| s.rows[r].1.clone());
            c[i] = value_cell(&v, &s.e.schema.columns[i], rules(&s.e, session, n + 1))
                .map_err(eval_err)?;
        }
        for (k, c) in cells {
            let r = picks[k].unwrap_or_default();
            match new_rows.entry(k).or_default().entry(r) {
                btree_map::Entry::Vacant(v) => {
                    v.insert(c);
                }
                btree_map::Entry::Occupied(o) if *o.get() != c => {
                    let e = &sources[k].e;
                    return Err(fatal(format!(
                        "a multi-table UPDATE giving a row of {}.{} different values from \
                         different joined rows is not applied (the source's join order \
                         decides which one)",
                        e.db, e.name
                    )));
                }
                btree_map::Entry::Occupied(_) => {}
            }
        }
    }
    // A foreign key action must not change rows of a table the statement
    // updates from values read before it.
    let updated: Vec<u32> = new_rows.keys().map(|&k| sources[k].e.id).collect();
    for (k, rows) in new_rows {
        let s = &sources[k];
        let columns: Vec<usize> = targets.iter().filter(|t| t.0 == k).map(|t| t.1).collect();
        for (n, (r, mut cells)) in rows.into_iter().enumerate() {
            let (old_key, old) = &s.rows[r];
            if cells == *old {
                continue;
            }
            touch(&s.e, session, &columns, &mut cells, n + 1)?;
            let new_key = updated_key(&s.e, &cells, old_key);
            if new_key != *old_key && collated_key(&s.e) {
                return Err(fatal(
                    "an UPDATE of a key made of text is not applied yet (duplicates follow \
                     the key's collation)",
                ));
            }
            replace_row(store, txn, tables, &s.e, old_key, new_key, &cells)?;
            super::change::foreign_keys(
                store,
                txn,
                tables,
                &s.e,
                &[(old.as_slice(), Some(cells.as_slice()))],
                session,
                &updated,
            )?;
        }
    }
    Ok(())
}

/// The joined table a DELETE target names (an alias, or a table without
/// one).
fn target_index(list: &[Joined], db: Option<&str>, name: &str) -> Result<usize> {
    let mut found = list.iter().enumerate().filter(|(_, j)| match db {
        None => j.reference() == name,
        Some(d) => j.alias.is_none() && j.table.db == d && j.table.name == name,
    });
    match (found.next(), found.next()) {
        (Some((k, _)), None) => Ok(k),
        (None, _) => Err(SqlError::new(
            1109,
            format!("Unknown table '{name}' in MULTI DELETE"),
        )),
        (Some(_), Some(_)) => Err(SqlError::new(
            1066,
            format!("Not unique table/alias: '{name}'"),
        )),
    }
}

pub(super) fn delete(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    st: &MultiDelete,
    session: &Session,
) -> Result<()> {
    let targets: Vec<usize> = st
        .targets
        .iter()
        .map(|(db, name)| target_index(&st.tables, db.as_deref(), name))
        .collect::<Result<_>>()?;
    let inlined = super::subquery::inline(store, txn, tables, st.selection.as_ref(), session)?;
    let selection = inlined.as_ref().or(st.selection.as_ref());
    let sources = load(store, txn, tables, &st.tables, session, selection)?;
    // Per table, the rows to delete (by index), each once.
    let mut gone: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for picks in join(&sources, session, selection)? {
        for &k in &targets {
            if let Some(r) = picks[k] {
                gone.entry(k).or_default().insert(r);
            }
        }
    }
    for (k, rows) in &gone {
        for &r in rows {
            store
                .delete_row(txn, &sources[*k].rows[r].0)
                .map_err(store_err)?;
        }
    }
    for (k, rows) in &gone {
        let s = &sources[*k];
        let changes: Vec<_> = rows
            .iter()
            .map(|&r| (s.rows[r].1.as_slice(), None))
            .collect();
        super::change::foreign_keys(store, txn, tables, &s.e, &changes, session, &[])?;
    }
    Ok(())
}

/// The rows of an INSERT … SELECT over a join (see
/// `insert::selected_rows`): grouped, or in the statement's ORDER BY
/// when their order matters (none without one, nor with ties).
pub(super) fn select_rows(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    sel: &SelectSource,
    session: &Session,
    ordered: bool,
) -> Result<Vec<Vec<Option<Value>>>> {
    let inlined = super::subquery::inline(store, txn, tables, sel.selection.as_ref(), session)?;
    let selection = inlined.as_ref().or(sel.selection.as_ref());
    let sources = load(store, txn, tables, &sel.joined, session, selection)?;
    let picks = join(&sources, session, selection)?;
    let rows: Vec<JoinedRow<'_>> = picks
        .iter()
        .map(|p| JoinedRow {
            sources: &sources,
            picks: p,
            session,
            reads: None,
        })
        .collect();
    if let Some(g) = &sel.grouping {
        let refs: Vec<&dyn Row> = rows.iter().map(|r| r as &dyn Row).collect();
        let out = g
            .run(&refs, session, ordered, sel.limit)
            .map_err(eval_err)?;
        return Ok(out
            .into_iter()
            .map(|r| r.into_iter().map(Some).collect())
            .collect());
    }
    let mut keyed = Vec::with_capacity(rows.len());
    for r in &rows {
        let keys = sel
            .order_by
            .iter()
            .map(|(e, _)| eval(e, r))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(eval_err)?;
        let items = sel
            .items
            .iter()
            .map(|x| x.as_ref().map(|x| eval_value(x, r)).transpose())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(eval_err)?;
        keyed.push((keys, items));
    }
    let n = sel
        .limit
        .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    if keyed.len() > 1 && (ordered || n < keyed.len()) {
        if sel.order_by.is_empty() {
            return Err(fatal(
                "an INSERT … SELECT over a join whose row order matters (AUTO_INCREMENT, \
                 duplicates, LIMIT) without an ORDER BY is not applied (the source's join \
                 order decides it)",
            ));
        }
        let desc: Vec<bool> = sel.order_by.iter().map(|(_, d)| *d).collect();
        sort_without_ties(&mut keyed, &desc).map_err(eval_err)?;
    }
    Ok(keyed.into_iter().take(n).map(|(_, items)| items).collect())
}

/// The tables a statement changes, as replication filters see them.
pub fn changed_tables(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    dml: &Dml,
    session: &Session,
) -> Result<Vec<TableName>> {
    let of = |list: &[Joined], ks: &mut dyn Iterator<Item = usize>| {
        ks.map(|k| list[k].table.clone()).collect::<Vec<_>>()
    };
    Ok(match dml {
        Dml::Insert(i) => vec![i.table.clone()],
        Dml::Update(u) => vec![u.table.clone()],
        Dml::Delete(d) => vec![d.table.clone()],
        Dml::MultiDelete(d) => {
            let ks: Vec<usize> = d
                .targets
                .iter()
                .map(|(db, name)| target_index(&d.tables, db.as_deref(), name))
                .collect::<Result<_>>()?;
            of(&d.tables, &mut ks.into_iter())
        }
        Dml::MultiUpdate(u) => {
            // An unqualified column is looked for in the tables the
            // replica has; when none has it, any table it lacks may.
            let mut entries = Vec::new();
            for j in &u.tables {
                entries.push(temporary::resolve(
                    store,
                    txn,
                    tables,
                    session.thread,
                    &j.table,
                )?);
            }
            let mut ks = BTreeSet::new();
            for ((t, c), _) in &u.assignments {
                let named: Vec<usize> = (0..u.tables.len())
                    .filter(|&k| t.as_deref().is_none_or(|t| t == u.tables[k].reference()))
                    .collect();
                let having: Vec<usize> = named
                    .iter()
                    .copied()
                    .filter(|&k| {
                        entries[k]
                            .as_ref()
                            .is_some_and(|e| e.schema.column_index(c).is_some())
                    })
                    .collect();
                if having.is_empty() {
                    ks.extend(named.into_iter().filter(|&k| entries[k].is_none()));
                } else {
                    ks.extend(having);
                }
            }
            of(&u.tables, &mut ks.into_iter())
        }
    })
}
