//! UPDATE and DELETE of one table: the rows the WHERE, ORDER BY and
//! LIMIT select, changed in that order.

use std::collections::HashSet;

use understudy_sql::dml::eval::eval_value;
use understudy_sql::dml::{DeleteStmt, Expr, SortKey, UpdateStmt};
use understudy_store::{Cell, Store, TableEntry, Txn};

use super::super::apply::{ER_FATAL, Result, SqlError, replace_row, store_err, updated_key};
use super::super::table_cache::TableCache;
use super::cast::value_cell;
use super::dup::Uniques;
use super::{
    Scope, Session, collated_key, eval_err, rules, selected, set_on_update, subquery, touch,
};

pub(super) fn update(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    e: &TableEntry,
    st: &UpdateStmt,
    session: &Session,
) -> Result<()> {
    let targets: Vec<usize> = st
        .assignments
        .iter()
        .map(|(n, _)| {
            e.schema
                .column_index(n)
                .ok_or_else(|| SqlError::new(1054, format!("Unknown column '{n}' in 'field list'")))
        })
        .collect::<Result<_>>()?;
    set_on_update(e, &targets)?;
    if st.ignore {
        ignored_errors(store, txn, tables, e, session, "UPDATE")?;
    }
    let scope = Scope {
        e,
        session,
        table: &st.table,
        alias: st.alias.as_deref(),
    };
    let rows = chosen(
        store,
        txn,
        tables,
        scope,
        st.selection.as_ref(),
        &st.order_by,
        st.limit,
    )?;
    // UPDATE IGNORE: the unique keys, to leave the rows that would
    // collide as they are, and the rows the statement changes.
    let mut uniques = st
        .ignore
        .then(|| Uniques::load(store, txn, e))
        .transpose()?;
    let chosen: HashSet<Vec<u8>> = if st.ignore {
        rows.iter().map(|(k, _)| k.clone()).collect()
    } else {
        HashSet::new()
    };
    for (n, (old_key, old)) in rows.into_iter().enumerate() {
        // Assignments left to right, each seeing the ones before it.
        let mut cells = old.clone();
        let mut r = rules(e, session, n + 1);
        // (IGNORE stores what does not fit as without strict mode.)
        r.strict &= !st.ignore;
        for (&i, (_, ex)) in targets.iter().zip(&st.assignments) {
            let v = eval_value(ex, &scope.row(&cells)).map_err(eval_err)?;
            cells[i] = value_cell(&v, &e.schema.columns[i], r).map_err(eval_err)?;
        }
        if cells == old {
            continue;
        }
        touch(e, session, &targets, &mut cells, n + 1)?;
        let new_key = updated_key(e, &cells, &old_key);
        if new_key != old_key && collated_key(e) {
            return Err(SqlError::new(
                ER_FATAL,
                "an UPDATE of a key made of text is not applied yet (duplicates follow \
                 the key's collation)",
            ));
        }
        if let Some(u) = uniques.as_ref() {
            let found = u.collisions(store, txn, e, &cells)?;
            let mut others = found.iter().filter(|(k, _)| *k != old_key).peekable();
            if others.peek().is_some() {
                if others.any(|(k, _)| chosen.contains(k)) {
                    return Err(SqlError::new(
                        ER_FATAL,
                        "an UPDATE IGNORE whose rows collide with each other is not applied \
                         (which of them the source left as they were depends on its order)",
                    ));
                }
                // The row would collide with another: left as it is.
                continue;
            }
        }
        replace_row(store, txn, tables, e, &old_key, new_key.clone(), &cells)?;
        foreign_keys(
            store,
            txn,
            tables,
            e,
            &[(old.as_slice(), Some(cells.as_slice()))],
            session,
            &[e.id],
        )?;
        if let Some(u) = uniques.as_mut() {
            u.removed(&old, &old_key)?;
            u.added(&cells, &new_key)?;
        }
    }
    Ok(())
}

/// The rows a single-table UPDATE or DELETE changes: those its WHERE
/// (its subqueries run first), ORDER BY and LIMIT choose.
fn chosen(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    scope: Scope<'_>,
    selection: Option<&Expr>,
    order_by: &[SortKey],
    limit: Option<u64>,
) -> Result<Vec<(Vec<u8>, Vec<Cell>)>> {
    let inlined = subquery::inline(store, txn, tables, selection, scope.session)?;
    selected(
        store,
        txn,
        scope,
        inlined.as_ref().or(selection),
        order_by,
        limit,
        false,
    )
}

/// UPDATE or DELETE IGNORE: on the source a foreign key's error leaves a
/// row as it is, which understudy does not follow yet; without foreign
/// keys (or with their checks off) IGNORE changes only what `update`
/// handles.
fn ignored_errors(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    e: &TableEntry,
    session: &Session,
    what: &str,
) -> Result<()> {
    if session.no_foreign_key_checks {
        return Ok(());
    }
    if !e.schema.foreign_keys.is_empty() || !tables.children(store, txn, &e.db, &e.name)?.is_empty()
    {
        return Err(SqlError::new(
            ER_FATAL,
            format!(
                "{what} IGNORE on {}.{}, which foreign keys involve, is not applied yet (the \
                 source leaves the rows a key refuses as they are)",
                e.db, e.name
            ),
        ));
    }
    Ok(())
}

pub(super) fn delete(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    e: &TableEntry,
    st: &DeleteStmt,
    session: &Session,
) -> Result<()> {
    if st.ignore {
        ignored_errors(store, txn, tables, e, session, "DELETE")?;
    }
    let scope = Scope {
        e,
        session,
        table: &st.table,
        alias: st.alias.as_deref(),
    };
    let rows = chosen(
        store,
        txn,
        tables,
        scope,
        st.selection.as_ref(),
        &st.order_by,
        st.limit,
    )?;
    for (key, _) in &rows {
        store.delete_row(txn, key).map_err(store_err)?;
    }
    let changes: Vec<_> = rows.iter().map(|(_, c)| (c.as_slice(), None)).collect();
    foreign_keys(store, txn, tables, e, &changes, session, &[])
}

/// Runs the actions of the foreign keys that reference the rows
/// `changes` changed (see [`super::foreign`]), unless the session turned
/// the checks off (then InnoDB runs none either). `avoid`: see
/// [`super::super::foreign::cascade`].
pub(super) fn foreign_keys(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    e: &TableEntry,
    changes: &[super::super::foreign::Change<'_>],
    session: &Session,
    avoid: &[u32],
) -> Result<()> {
    if session.no_foreign_key_checks {
        return Ok(());
    }
    super::super::foreign::cascade(store, txn, tables, e, changes, avoid)
}
