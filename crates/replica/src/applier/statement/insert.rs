//! `INSERT … VALUES`, `INSERT IGNORE`, `REPLACE` and `INSERT … ON
//! DUPLICATE KEY UPDATE`: each row built from its expressions, defaults
//! and the AUTO_INCREMENT series the INTVAR event starts, then written,
//! left out, replacing or updating the rows it collides with.

use understudy_sql::dml::eval::{Context, EvalError, Row, eval, eval_value};
use understudy_sql::dml::value::Value;
use understudy_sql::dml::{InsertMode, InsertStmt, RowAlias, SelectSource};
use understudy_sql::{ColumnType, DefaultValue};
use understudy_store::{Cell, Family, Store, TableEntry, Txn, encode_row};

use super::super::apply::{
    ER_FATAL, Result, SqlError, dup_entry, replace_row, row_key, store_err, updated_key,
};
use super::super::convert;
use super::super::table_cache::TableCache;
use super::super::temporary;
use super::cast::{cell_value, value_cell};
use super::dup::Uniques;
use super::{
    MODE_NO_AUTO_VALUE_ON_ZERO, Scope, Session, StoredRow, ValuesRow, eval_err, rules, selected,
    set_on_update,
};

/// One row of the statement, ready to write.
struct Built {
    cells: Vec<Cell>,
    /// Its AUTO_INCREMENT value was generated, not given.
    generated: bool,
    /// The series before the row: where it goes back to when the row is
    /// left out or updates another (the source gives the value back).
    series_before: Option<u64>,
}

/// Executes `st` on table `e`; `given`: its rows' values already (LOAD
/// DATA), instead of its VALUES or SELECT.
pub(super) fn insert(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    e: &TableEntry,
    st: &InsertStmt,
    session: &Session,
    given: Option<Vec<Vec<Option<Value>>>>,
) -> Result<()> {
    let cols = &e.schema.columns;
    let targets: Vec<usize> = match &st.columns {
        None => (0..cols.len()).filter(|&i| !cols[i].invisible).collect(),
        Some(names) => names.iter().map(|n| field(e, n)).collect::<Result<_>>()?,
    };
    let updates: Vec<usize> = st
        .on_duplicate
        .iter()
        .map(|(n, _)| field(e, n))
        .collect::<Result<_>>()?;
    if !updates.is_empty() {
        set_on_update(e, &updates)?;
    }
    let checks_duplicates = st.mode != InsertMode::Insert || !updates.is_empty();
    let mut uniques = if checks_duplicates {
        Some(Uniques::load(store, txn, e)?)
    } else {
        None
    };
    let mut b = Builder {
        e,
        session,
        targets: &targets,
        auto: cols.iter().position(|c| c.auto_increment),
        next_auto: session.insert_id,
        ignore: st.mode == InsertMode::Ignore,
    };
    // An ON DUPLICATE KEY UPDATE that set the AUTO_INCREMENT column:
    // where the source's series goes next is not followed yet.
    let sets_auto = b.auto.is_some_and(|a| updates.contains(&a));
    let mut auto_set = false;
    // The rows' order decides what is written when duplicates are
    // resolved or AUTO_INCREMENT values generated.
    let auto_target = b.auto.and_then(|a| targets.iter().position(|&t| t == a));
    let generates_auto = b.auto.is_some() && auto_target.is_none();
    let rows = match (given, &st.select) {
        (Some(rows), _) => rows,
        (None, None) => st
            .rows
            .iter()
            .map(|exprs| {
                exprs
                    .iter()
                    .map(|x| {
                        x.as_ref()
                            .map(|x| eval_value(x, &ValuesRow(session)))
                            .transpose()
                    })
                    .collect::<std::result::Result<Vec<_>, _>>()
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(eval_err)?,
        (None, Some(sel)) => {
            let ordered = checks_duplicates || generates_auto;
            let rows = selected_rows(store, txn, tables, sel, session, ordered)?;
            let generated = |r: &Vec<Option<Value>>| {
                auto_target.is_some_and(|i| {
                    matches!(
                        r.get(i),
                        Some(Some(Value::Null | Value::Int(0) | Value::UInt(0)))
                    )
                })
            };
            if !ordered && rows.len() > 1 && rows.iter().any(generated) {
                // Some rows take generated values after all.
                selected_rows(store, txn, tables, sel, session, true)?
            } else {
                rows
            }
        }
    };
    for (n, values) in rows.into_iter().enumerate() {
        let row = b.build(n + 1, values)?;
        if auto_set && row.generated {
            return Err(SqlError::new(
                ER_FATAL,
                "a multi-row ON DUPLICATE KEY UPDATE generating AUTO_INCREMENT values after \
                 one that updated the AUTO_INCREMENT column is not applied yet",
            ));
        }
        let Some(u) = uniques.as_mut() else {
            write_new(store, txn, tables, e, &row.cells)?;
            continue;
        };
        let found = u.collisions(store, txn, e, &row.cells)?;
        if found.is_empty() {
            let key = write_new(store, txn, tables, e, &row.cells)?;
            u.added(&row.cells, &key)?;
            continue;
        }
        if st.mode != InsertMode::Replace {
            // A row left out or updating another gives its AUTO_INCREMENT
            // value back, and a value it gave does not move the series
            // (MySQL 9.7 and MariaDB 10.11 alike).
            b.next_auto = row.series_before;
            auto_set |= sets_auto;
        }
        match st.mode {
            InsertMode::Ignore if updates.is_empty() => {}
            InsertMode::Replace => {
                for (key, old) in &found {
                    store.delete_row(txn, key).map_err(store_err)?;
                    u.removed(old, key)?;
                }
                let key = write_new(store, txn, tables, e, &row.cells)?;
                u.added(&row.cells, &key)?;
                // The rows REPLACE deletes run their ON DELETE actions —
                // on MySQL 9.7 except the one it replaces by the primary
                // key, which it overwrites in place (checked on the
                // server).
                let in_place = |k: &Vec<u8>| !b.session.mariadb && *k == key;
                if let Some((_, old)) = found.iter().find(|(k, _)| in_place(k))
                    && !b.session.no_foreign_key_checks
                    && super::super::foreign::moves_referenced(
                        store, txn, tables, e, old, &row.cells,
                    )?
                {
                    return Err(SqlError::new(
                        ER_FATAL,
                        "a REPLACE changing columns that foreign keys with actions reference, \
                         of the row it replaces by the primary key, is not applied yet",
                    ));
                }
                let changes: Vec<_> = found
                    .iter()
                    .filter(|(k, _)| !in_place(k))
                    .map(|(_, c)| (c.as_slice(), None))
                    .collect();
                super::change::foreign_keys(store, txn, tables, e, &changes, b.session, &[e.id])?;
            }
            _ => {
                let [(old_key, old)] = found.as_slice() else {
                    return Err(SqlError::new(
                        ER_FATAL,
                        "an ON DUPLICATE KEY UPDATE whose row collides with more than one \
                         row is not applied (which one the source updates depends on its \
                         key order)",
                    ));
                };
                update_duplicate(store, txn, tables, u, (old_key, old), &row.cells, st, &b, n)?;
            }
        }
    }
    Ok(())
}

/// The rows of an INSERT … SELECT, read whole before any is written (as
/// MySQL reads a table it also inserts into). `ordered`: the order of
/// the rows decides what is written (AUTO_INCREMENT values, which of two
/// colliding rows wins), so it must be the statement's own.
pub(super) fn selected_rows(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    sel: &SelectSource,
    session: &Session,
    ordered: bool,
) -> Result<Vec<Vec<Option<Value>>>> {
    if !sel.joined.is_empty() {
        return super::multi::select_rows(store, txn, tables, sel, session, ordered);
    }
    let Some((name, alias)) = &sel.from else {
        // SELECT without FROM: one row, or none when WHERE says no.
        let keep = match &sel.selection {
            None => true,
            Some(w) => {
                eval(w, &ValuesRow(session))
                    .and_then(|v| v.truth())
                    .map_err(eval_err)?
                    == Some(true)
            }
        };
        if !keep || sel.limit == Some(0) {
            return Ok(Vec::new());
        }
        let row = sel
            .items
            .iter()
            .map(|x| match x {
                Some(x) => eval_value(x, &ValuesRow(session)).map(Some),
                None => Ok(None),
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(eval_err)?;
        return Ok(vec![row]);
    };
    let src = temporary::resolve(store, txn, tables, session.thread, name)?.ok_or_else(|| {
        SqlError::new(
            1146,
            format!("Table '{}.{}' doesn't exist", name.db, name.name),
        )
    })?;
    let scope = Scope {
        e: &src,
        session,
        table: name,
        alias: alias.as_deref(),
    };
    if let Some(g) = &sel.grouping {
        let found = selected(store, txn, scope, sel.selection.as_ref(), &[], None, false)?;
        let rows: Vec<StoredRow<'_>> = found.iter().map(|(_, cells)| scope.row(cells)).collect();
        let rows: Vec<&dyn Row> = rows.iter().map(|r| r as &dyn Row).collect();
        return Ok(g
            .run(&rows, session, ordered, sel.limit)
            .map_err(eval_err)?
            .into_iter()
            .map(|r| r.into_iter().map(Some).collect())
            .collect());
    }
    let found = selected(
        store,
        txn,
        scope,
        sel.selection.as_ref(),
        &sel.order_by,
        sel.limit,
        ordered,
    )?;
    let cols = &src.schema.columns;
    let mut out = Vec::with_capacity(found.len());
    for (_, cells) in found {
        let row = scope.row(&cells);
        let mut values = Vec::with_capacity(sel.items.len());
        for item in &sel.items {
            match item {
                Some(x) => values.push(Some(eval_value(x, &row).map_err(eval_err)?)),
                None => {
                    for (i, c) in cols.iter().enumerate().filter(|(_, c)| !c.invisible) {
                        values.push(Some(
                            cell_value(&cells[i], c, &session.zone).map_err(eval_err)?,
                        ));
                    }
                }
            }
        }
        out.push(values);
    }
    Ok(out)
}

fn field(e: &TableEntry, n: &str) -> Result<usize> {
    e.schema
        .column_index(n)
        .ok_or_else(|| SqlError::new(1054, format!("Unknown column '{n}' in 'field list'")))
}

/// A new row written under its key (1062 if the key is taken).
fn write_new(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    e: &TableEntry,
    cells: &[Cell],
) -> Result<Vec<u8>> {
    let row_id = if e.schema.primary_key.is_empty() {
        Some(store.next_row_id(txn, e.id).map_err(store_err)?)
    } else {
        None
    };
    let key = row_key(e, cells, row_id);
    if row_id.is_none()
        && tables.may_exist(store, txn, e.id, &key)?
        && store.exists(txn, Family::Rows, &key).map_err(store_err)?
    {
        return Err(dup_entry(e, cells));
    }
    tables.wrote(e.id, &key);
    store
        .put_row(txn, key.clone(), encode_row(e.version, cells))
        .map_err(store_err)?;
    Ok(key)
}

/// The row a collision found, updated by the ON DUPLICATE KEY UPDATE
/// assignments (`VALUES(c)`: the colliding row's value of c).
#[allow(clippy::too_many_arguments)]
fn update_duplicate(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    u: &mut Uniques,
    (old_key, old): (&[u8], &[Cell]),
    inserted: &[Cell],
    st: &InsertStmt,
    b: &Builder<'_>,
    n: usize,
) -> Result<()> {
    let e = b.e;
    let mut cells = old.to_vec();
    for (name, ex) in &st.on_duplicate {
        let i = field(e, name)?;
        let row = Duplicate {
            row: StoredRow {
                e,
                session: b.session,
                table: &st.table,
                alias: None,
                cells: &cells,
            },
            inserted,
            alias: st.row_alias.as_ref(),
            targets: b.targets,
        };
        let v = eval_value(ex, &row).map_err(eval_err)?;
        cells[i] =
            value_cell(&v, &e.schema.columns[i], rules(e, b.session, n + 1)).map_err(eval_err)?;
    }
    if cells == old {
        return Ok(());
    }
    let targets = st
        .on_duplicate
        .iter()
        .map(|(name, _)| field(e, name))
        .collect::<Result<Vec<usize>>>()?;
    super::touch(e, b.session, &targets, &mut cells, n + 1)?;
    let new_key = updated_key(e, &cells, old_key);
    u.removed(old, old_key)?;
    replace_row(store, txn, tables, e, old_key, new_key.clone(), &cells)?;
    u.added(&cells, &new_key)?;
    super::change::foreign_keys(
        store,
        txn,
        tables,
        e,
        &[(old, Some(cells.as_slice()))],
        b.session,
        &[e.id],
    )
}

/// The stored row an ON DUPLICATE KEY UPDATE changes, with the row that
/// collided with it as `VALUES()` and under the statement's row alias.
struct Duplicate<'a> {
    row: StoredRow<'a>,
    inserted: &'a [Cell],
    alias: Option<&'a RowAlias>,
    /// The statement's columns, in order (what column aliases name).
    targets: &'a [usize],
}

impl Row for Duplicate<'_> {
    fn column(&self, table: Option<&str>, name: &str) -> std::result::Result<Value, EvalError> {
        if let Some(a) = self.alias {
            let s = &self.row.e.schema;
            let aliased = |name: &str| -> Option<usize> {
                match &a.columns {
                    Some(cols) => cols
                        .iter()
                        .position(|c| c.eq_ignore_ascii_case(name))
                        .and_then(|k| self.targets.get(k).copied()),
                    None => s.column_index(name),
                }
            };
            let i = match table {
                Some(t) if t == a.name => Some(aliased(name).ok_or_else(|| EvalError::Sql {
                    errno: 1054,
                    message: format!("Unknown column '{t}.{name}' in 'field list'"),
                })?),
                // Column aliases stand alone too.
                None if a.columns.is_some() => aliased(name),
                _ => None,
            };
            if let Some(i) = i {
                return cell_value(&self.inserted[i], &s.columns[i], &self.row.session.zone);
            }
        }
        self.row.column(table, name)
    }

    fn inserted(&self, name: &str) -> std::result::Result<Value, EvalError> {
        let s = &self.row.e.schema;
        let i = s.column_index(name).ok_or_else(|| EvalError::Sql {
            errno: 1054,
            message: format!("Unknown column '{name}' in 'field list'"),
        })?;
        cell_value(&self.inserted[i], &s.columns[i], &self.row.session.zone)
    }

    fn context(&self) -> &dyn Context {
        self.row.session
    }
}

/// Builds the statement's rows in order, carrying the AUTO_INCREMENT
/// series from one to the next.
struct Builder<'a> {
    e: &'a TableEntry,
    session: &'a Session,
    targets: &'a [usize],
    auto: Option<usize>,
    next_auto: Option<u64>,
    /// INSERT IGNORE: a value that does not fit is stored as without
    /// strict mode (what is left as an error is not followed yet).
    ignore: bool,
}

impl Builder<'_> {
    /// Row `row_no` from its values (`None`: DEFAULT).
    fn build(&mut self, row_no: usize, values: Vec<Option<Value>>) -> Result<Built> {
        let (e, session) = (self.e, self.session);
        let cols = &e.schema.columns;
        if values.len() != self.targets.len() {
            return Err(SqlError::new(
                1136,
                format!("Column count doesn't match value count at row {row_no}"),
            ));
        }
        let to_cell = |v: &Value, i: usize| {
            let mut r = rules(e, session, row_no);
            // IGNORE stores what does not fit as non-strict mode does.
            r.strict &= !self.ignore;
            value_cell(v, &cols[i], r).map_err(|err| match err {
                EvalError::Sql { errno, message } if self.ignore => SqlError::new(
                    ER_FATAL,
                    format!(
                        "INSERT IGNORE of a value the source adjusts with a warning is not \
                         applied yet ({errno}: {message})"
                    ),
                ),
                other => eval_err(other),
            })
        };
        let series_before = self.next_auto;
        let mut cells: Vec<Option<Cell>> = vec![None; cols.len()];
        for (&i, v) in self.targets.iter().zip(values) {
            let Some(v) = v else {
                continue;
            };
            let generate = Some(i) == self.auto
                && (v.is_null()
                    || session.sql_mode & MODE_NO_AUTO_VALUE_ON_ZERO == 0
                        && matches!(v, Value::Int(0) | Value::UInt(0)));
            if generate {
                continue;
            }
            let cell = to_cell(&v, i)?;
            if Some(i) == self.auto {
                // An explicit value at or past the counter moves it on:
                // the next generated value follows it in the series.
                self.next_auto = self
                    .next_auto
                    .map(|next| session.after_explicit(next, &cell));
            }
            cells[i] = Some(cell);
        }
        let mut generated = false;
        let mut full = Vec::with_capacity(cols.len());
        for (i, c) in cells.into_iter().enumerate() {
            let cell = match c {
                Some(c) => c,
                None if Some(i) == self.auto => {
                    let id = self.next_auto.ok_or_else(|| {
                        SqlError::new(
                            ER_FATAL,
                            "an AUTO_INCREMENT value without the INSERT_ID the source logs \
                             with it",
                        )
                    })?;
                    self.next_auto = Some(id.saturating_add(session.increment.max(1)));
                    generated = true;
                    to_cell(&Value::UInt(id), i)?
                }
                None if matches!(cols[i].ty, ColumnType::Timestamp(_))
                    && !cols[i].nullable
                    && cols[i].default == DefaultValue::None =>
                {
                    // With explicit_defaults_for_timestamp=OFF on the
                    // source, such a column defaults to CURRENT_TIMESTAMP.
                    return Err(SqlError::new(
                        ER_FATAL,
                        format!(
                            "an INSERT leaving out TIMESTAMP column {} without a declared \
                             DEFAULT is not applied yet",
                            cols[i].name
                        ),
                    ));
                }
                None => match &cols[i].default {
                    // CURRENT_TIMESTAMP and other expressions: evaluated
                    // with the statement's clock.
                    DefaultValue::Expression(x) => {
                        let ex = understudy_sql::dml::parse_expr(x).map_err(|err| {
                            SqlError::new(ER_FATAL, format!("DEFAULT of {}: {err}", cols[i].name))
                        })?;
                        let v = eval_value(&ex, &ValuesRow(session)).map_err(eval_err)?;
                        to_cell(&v, i)?
                    }
                    DefaultValue::Literal(_) if matches!(cols[i].ty, ColumnType::Timestamp(_)) => {
                        // The source turned it into a time in the zone
                        // of its CREATE TABLE, which the catalog lacks.
                        return Err(SqlError::new(
                            ER_FATAL,
                            format!(
                                "an INSERT leaving out TIMESTAMP column {} with a constant \
                                 DEFAULT is not applied yet",
                                cols[i].name
                            ),
                        ));
                    }
                    _ => {
                        convert::default_cell(&cols[i]).map_err(|m| SqlError::new(ER_FATAL, m.0))?
                    }
                },
            };
            full.push(cell);
        }
        Ok(Built {
            cells: full,
            generated,
            series_before,
        })
    }
}
