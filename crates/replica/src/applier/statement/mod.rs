//! Statement-based DML applied to the store: the INSERT, REPLACE, UPDATE
//! and DELETE of a query event executed as the primary executed them,
//! with the session context its event and the INTVAR before it carry.
//! What understudy does not execute exactly stops the applier, naming
//! the statement.

pub mod cast;
mod change;
pub mod clock;
mod dup;
mod insert;
mod json_text;
mod load;
mod lookup;
mod members;
mod multi;
mod subquery;
mod time;
pub mod vars;

pub use load::load;
pub use multi::changed_tables;

use std::cmp::Ordering;

use understudy_sql::collation::Collation;
use understudy_sql::dml::eval::{Context, EvalError, NoRow, Row, eval};
use understudy_sql::dml::temporal::{Clock, Temporal};
use understudy_sql::dml::value::{Value, compare};
use understudy_sql::dml::{Dml, Expr, SortKey};
use understudy_sql::{ColumnType, DefaultValue, TableName};
use understudy_store::{Cell, Family, Store, TableEntry, Txn, decode_row};

use self::cast::{Fraction, StoreRules, cell_value, value_cell};
use self::clock::Zone;
use super::apply::{ER_FATAL, Result, SqlError, row_key, store_err};
use super::table_cache::TableCache;
use super::temporary;

/// `sql_mode` bits that change how statements are read or evaluated in
/// ways understudy does not follow yet.
const MODE_PIPES_AS_CONCAT: u64 = 1 << 1;
const MODE_ANSI_QUOTES: u64 = 1 << 2;
const MODE_NO_UNSIGNED_SUBTRACTION: u64 = 1 << 6;
const MODE_NO_AUTO_VALUE_ON_ZERO: u64 = 1 << 19;
const MODE_NO_BACKSLASH_ESCAPES: u64 = 1 << 20;
const MODE_STRICT_TRANS_TABLES: u64 = 1 << 21;
const MODE_STRICT_ALL_TABLES: u64 = 1 << 22;
const MODE_HIGH_NOT_PRECEDENCE: u64 = 1 << 29;

/// What the statement's event and the events before it say about its
/// session.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub sql_mode: u64,
    /// The client character set (the statement's strings are in it).
    pub client_charset: Option<String>,
    /// `collation_connection`: the statement's string literals'.
    pub connection: Collation,
    /// INTVAR INSERT_ID: the first AUTO_INCREMENT value the statement
    /// generates.
    pub insert_id: Option<u64>,
    /// `auto_increment_increment` and `auto_increment_offset`.
    pub increment: u64,
    pub offset: u64,
    /// The source is MariaDB.
    pub mariadb: bool,
    /// The session's `time_zone`.
    pub zone: Zone,
    /// When the statement ran: its event's timestamp, and microseconds
    /// when the source logged them.
    pub time: Option<(u32, u32)>,
    /// User variables, RAND()'s seeds and LAST_INSERT_ID().
    pub vars: vars::Vars,
    /// The pseudo thread id: whose temporary tables the statement sees.
    pub thread: u32,
    /// `foreign_key_checks` was off: a parent row's change runs no
    /// foreign key action.
    pub no_foreign_key_checks: bool,
    /// `lc_time_names` (0: `en_US`).
    pub lc_time_names: u16,
    /// The default database (after `replicate-rewrite-db`).
    pub db: String,
}

/// MySQL's `TIME_TRUNCATE_FRACTIONAL`.
const MODE_TIME_TRUNCATE_FRACTIONAL: u64 = 1 << 32;

/// What the statement's expressions read from its session, whatever the
/// row.
impl Context for Session {
    fn clock(&self) -> std::result::Result<Clock, EvalError> {
        let (secs, micros) = self
            .time
            .ok_or_else(|| EvalError::unsupported("NOW() without the time of its statement"))?;
        clock::clock(self.zone.get()?, secs, micros)
    }

    fn variable(&self, name: &str) -> std::result::Result<Value, EvalError> {
        self.vars.variable(name)
    }

    fn rand(&self) -> std::result::Result<f64, EvalError> {
        self.vars.rand()
    }

    fn last_insert_id(&self) -> std::result::Result<Value, EvalError> {
        self.vars
            .last_insert_id
            .map(Value::UInt)
            .ok_or_else(|| EvalError::unsupported("LAST_INSERT_ID() without its INTVAR event"))
    }

    fn connection_collation(&self) -> Collation {
        self.connection
    }

    fn lc_time_names(&self) -> Option<u16> {
        Some(self.lc_time_names)
    }

    fn source_is_mysql(&self) -> bool {
        !self.mariadb
    }

    fn local_time(
        &self,
        secs: u32,
        micros: u32,
        fsp: u8,
    ) -> std::result::Result<Temporal, EvalError> {
        clock::local(self.zone.get()?, secs, micros, fsp)
    }

    fn epoch_of(&self, t: &Temporal) -> std::result::Result<Option<(u32, u32)>, EvalError> {
        clock::epoch(self.zone.get()?, t)
    }
}

impl Session {
    /// How the source fits fraction digits into a temporal column:
    /// MySQL rounds unless `TIME_TRUNCATE_FRACTIONAL`; MariaDB truncates
    /// unless its own `TIME_ROUND_FRACTIONAL`, whose bit is not known
    /// here (any mode past MySQL's makes it unknown).
    fn fraction(&self) -> Fraction {
        match (self.mariadb, self.sql_mode) {
            (false, m) if m & MODE_TIME_TRUNCATE_FRACTIONAL != 0 => Fraction::Truncate,
            (false, _) => Fraction::Round,
            (true, m) if m >> 32 == 0 => Fraction::Truncate,
            (true, _) => Fraction::Unknown,
        }
    }

    /// The next generated AUTO_INCREMENT value once a row gave the
    /// column `explicit` (`next`: the one before): the first value of
    /// the series `offset + k × increment` past it, if that is later.
    fn after_explicit(&self, next: u64, explicit: &Cell) -> u64 {
        let v = match explicit {
            Cell::Int(i) if *i >= 0 => *i as u64,
            Cell::UInt(u) => *u,
            _ => return next,
        };
        if v < next {
            return next;
        }
        let inc = self.increment.max(1);
        // MySQL ignores an offset above the increment.
        let offset = if self.offset == 0 || self.offset > inc {
            1
        } else {
            self.offset
        };
        if v < offset {
            return offset.max(next);
        }
        let k = (v - offset) / inc + 1;
        offset.saturating_add(k.saturating_mul(inc))
    }
}

fn eval_err(e: EvalError) -> SqlError {
    match e {
        EvalError::Sql { errno, message } => SqlError::new(errno, message),
        other => SqlError::new(ER_FATAL, other.to_string()),
    }
}

/// Executes `dml` on `txn`.
pub fn execute(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    dml: &Dml,
    session: &Session,
) -> Result<()> {
    match dml {
        Dml::Insert(i) => {
            let e = target(store, txn, tables, &i.table, session)?;
            insert::insert(store, txn, tables, &e, i, session, None)
        }
        Dml::Update(u) => {
            let e = target(store, txn, tables, &u.table, session)?;
            change::update(store, txn, tables, &e, u, session)
        }
        Dml::Delete(d) => {
            let e = target(store, txn, tables, &d.table, session)?;
            change::delete(store, txn, tables, &e, d, session)
        }
        Dml::MultiUpdate(u) => multi::update(store, txn, tables, u, session),
        Dml::MultiDelete(d) => multi::delete(store, txn, tables, d, session),
    }
}

/// The table a statement changes (the session's temporary one first),
/// once the statement's sql_mode and the table are ones understudy
/// follows.
fn target(
    store: &Store,
    txn: &Txn,
    tables: &mut TableCache,
    t: &TableName,
    session: &Session,
) -> Result<std::sync::Arc<TableEntry>> {
    for (bit, name) in [
        (MODE_PIPES_AS_CONCAT, "PIPES_AS_CONCAT"),
        (MODE_ANSI_QUOTES, "ANSI_QUOTES"),
        (MODE_NO_UNSIGNED_SUBTRACTION, "NO_UNSIGNED_SUBTRACTION"),
        (MODE_NO_BACKSLASH_ESCAPES, "NO_BACKSLASH_ESCAPES"),
        (MODE_HIGH_NOT_PRECEDENCE, "HIGH_NOT_PRECEDENCE"),
    ] {
        if session.sql_mode & bit != 0 {
            return Err(SqlError::new(
                ER_FATAL,
                format!("statements under sql_mode {name} are not applied yet"),
            ));
        }
    }
    let e = temporary::resolve(store, txn, tables, session.thread, t)?
        .ok_or_else(|| SqlError::new(1146, format!("Table '{}.{}' doesn't exist", t.db, t.name)))?;
    if let Some(c) = e.schema.columns.iter().find(|c| c.generated) {
        return Err(SqlError::new(
            ER_FATAL,
            format!(
                "statements on tables with generated columns are not applied yet (column {})",
                c.name
            ),
        ));
    }
    Ok(e)
}

/// A stored row as the statement's expressions see it.
struct StoredRow<'a> {
    e: &'a TableEntry,
    session: &'a Session,
    /// The names the statement may qualify columns with.
    table: &'a TableName,
    alias: Option<&'a str>,
    cells: &'a [Cell],
}

impl Row for StoredRow<'_> {
    fn column(&self, table: Option<&str>, name: &str) -> std::result::Result<Value, EvalError> {
        let unknown = || EvalError::Sql {
            errno: 1054,
            message: format!("Unknown column '{name}' in 'where clause'"),
        };
        if let Some(t) = table
            && t != self.table.name
            && Some(t) != self.alias
        {
            return Err(unknown());
        }
        let i = self.e.schema.column_index(name).ok_or_else(unknown)?;
        cell_value(
            &self.cells[i],
            &self.e.schema.columns[i],
            &self.session.zone,
        )
    }

    fn context(&self) -> &dyn Context {
        self.session
    }
}

/// What the expressions of INSERT … VALUES see: no columns, the
/// statement's clock.
struct ValuesRow<'a>(&'a Session);

impl Row for ValuesRow<'_> {
    fn column(&self, table: Option<&str>, name: &str) -> std::result::Result<Value, EvalError> {
        NoRow.column(table, name)
    }

    fn context(&self) -> &dyn Context {
        self.0
    }
}

fn rules<'a>(e: &'a TableEntry, session: &'a Session, row: usize) -> StoreRules<'a> {
    StoreRules {
        fraction: session.fraction(),
        client_charset: session.client_charset.as_deref(),
        table_charset: e.schema.charset.as_deref(),
        row,
        zone: &session.zone,
        strict: session.sql_mode & (MODE_STRICT_TRANS_TABLES | MODE_STRICT_ALL_TABLES) != 0,
        mariadb: session.mariadb,
    }
}

/// Whether a key column holds text a collation compares (two keys that
/// differ in bytes may still be duplicates on the primary).
fn collated_key(e: &TableEntry) -> bool {
    e.schema.primary_key.iter().any(|&i| {
        matches!(
            e.schema.columns[i].ty,
            ColumnType::Char { .. } | ColumnType::VarChar { .. } | ColumnType::Text { .. }
        )
    })
}

/// Refuses an update of a row leaving out a TIMESTAMP column that may
/// be ON UPDATE CURRENT_TIMESTAMP without saying so (one declared with
/// neither DEFAULT nor ON UPDATE, under explicit_defaults_for_timestamp
/// OFF when the table was created).
fn set_on_update(e: &TableEntry, targets: &[usize]) -> Result<()> {
    match e.schema.columns.iter().enumerate().find_map(|(i, c)| {
        (!targets.contains(&i)
            && !c.on_update
            && c.default == DefaultValue::None
            && matches!(c.ty, ColumnType::Timestamp(_)))
        .then_some(c)
    }) {
        Some(c) => Err(SqlError::new(
            ER_FATAL,
            format!(
                "an update leaving out TIMESTAMP column {}, which the source may set ON \
                 UPDATE CURRENT_TIMESTAMP without saying so, is not applied yet",
                c.name
            ),
        )),
        None => Ok(()),
    }
}

/// A changed row's ON UPDATE CURRENT_TIMESTAMP columns that the
/// statement does not set: the statement's time.
fn touch(
    e: &TableEntry,
    session: &Session,
    targets: &[usize],
    cells: &mut [Cell],
    row: usize,
) -> Result<()> {
    for (i, c) in e.schema.columns.iter().enumerate() {
        if c.on_update && !targets.contains(&i) {
            let now = Value::Temporal(session.clock().map_err(eval_err)?.local);
            cells[i] = value_cell(&now, c, rules(e, session, row)).map_err(eval_err)?;
        }
    }
    Ok(())
}

/// The table an UPDATE or DELETE works on, as its expressions name it.
#[derive(Clone, Copy)]
struct Scope<'a> {
    e: &'a TableEntry,
    session: &'a Session,
    table: &'a TableName,
    alias: Option<&'a str>,
}

impl Scope<'_> {
    fn row<'b>(&'b self, cells: &'b [Cell]) -> StoredRow<'b> {
        StoredRow {
            e: self.e,
            session: self.session,
            table: self.table,
            alias: self.alias,
            cells,
        }
    }
}

/// The rows a WHERE selects, in the order an ORDER BY and LIMIT give
/// (key order first, as the primary's scan of its clustered index).
/// `ordered`: every row's place must be the statement's (no ties, and
/// an ORDER BY when there are several rows), not only the limit's.
fn selected(
    store: &Store,
    txn: &Txn,
    scope: Scope<'_>,
    selection: Option<&Expr>,
    order_by: &[SortKey],
    limit: Option<u64>,
    ordered: bool,
) -> Result<Vec<(Vec<u8>, Vec<Cell>)>> {
    let e = scope.e;
    let n = limit.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    // The rows the WHERE keeps, read one at a time (only those are held).
    let mut rows = Vec::new();
    let pinned = selection.and_then(|w| lookup::pinned_key(&scope, w));
    scan(store, txn, e, pinned, |key, cells| {
        let wanted = match selection {
            None => true,
            Some(w) => {
                eval(w, &scope.row(&cells))
                    .map_err(eval_err)?
                    .truth()
                    .map_err(eval_err)?
                    == Some(true)
            }
        };
        if wanted {
            rows.push((key.to_vec(), cells));
        }
        // Without an ORDER BY, one row past the limit is all that is
        // needed to know the LIMIT is ambiguous.
        Ok(!(order_by.is_empty() && rows.len() > n))
    })?;
    if order_by.is_empty() {
        if ordered && rows.len() > 1 && n > 1 {
            return Err(SqlError::new(
                ER_FATAL,
                "an INSERT … SELECT whose row order decides what it writes \
                 (AUTO_INCREMENT values, duplicates) without an ORDER BY that decides it is \
                 not applied (the source's order depends on its indexes)",
            ));
        }
        if rows.len() > n {
            // Which rows come first is the source's access path (an
            // index it chose), which the statement does not say.
            return Err(SqlError::new(
                ER_FATAL,
                "a LIMIT without an ORDER BY that decides which rows it takes is not \
                 applied (the source's choice depends on its indexes)",
            ));
        }
        return Ok(rows);
    }
    let mut keyed = Vec::with_capacity(rows.len());
    for (k, cells) in rows {
        let row = scope.row(&cells);
        let sort: Vec<Value> = order_by
            .iter()
            .map(|(x, _)| eval(x, &row))
            .collect::<std::result::Result<_, _>>()
            .map_err(eval_err)?;
        keyed.push((sort, k, cells));
    }
    let mut failure = None;
    keyed.sort_by(|a, b| {
        sort_order(&a.0, &b.0, order_by).unwrap_or_else(|err| {
            failure.get_or_insert(err);
            Ordering::Equal
        })
    });
    if let Some(err) = failure {
        return Err(eval_err(err));
    }
    if ordered {
        let kept = &keyed[..n.min(keyed.len())];
        for pair in kept.windows(2) {
            if sort_order(&pair[0].0, &pair[1].0, order_by).map_err(eval_err)? == Ordering::Equal {
                return Err(SqlError::new(
                    ER_FATAL,
                    "an INSERT … SELECT whose row order decides what it writes, with ties \
                     in its ORDER BY, is not applied (the source's order among them \
                     depends on its indexes)",
                ));
            }
        }
    }
    if n > 0
        && n < keyed.len()
        && sort_order(&keyed[n - 1].0, &keyed[n].0, order_by).map_err(eval_err)? == Ordering::Equal
    {
        return Err(SqlError::new(
            ER_FATAL,
            "an ORDER BY … LIMIT with ties at the limit is not applied (which of them \
             the source took depends on its indexes)",
        ));
    }
    keyed.truncate(n);
    Ok(keyed.into_iter().map(|(_, k, c)| (k, c)).collect())
}

/// A table's rows in key order, or the one row of a pinned key, each
/// handed to `keep` until it returns false.
fn scan(
    store: &Store,
    txn: &Txn,
    e: &TableEntry,
    pinned: Option<Vec<(usize, Cell)>>,
    mut keep: impl FnMut(&[u8], Vec<Cell>) -> Result<bool>,
) -> Result<()> {
    let mut decoded = |key: &[u8], v: &[u8]| -> Result<bool> {
        let (_, cells) = decode_row(v).map_err(store_err)?;
        if cells.len() != e.schema.columns.len() {
            // Rows are rewritten by every ALTER that changes columns.
            return Err(SqlError::new(
                ER_FATAL,
                format!(
                    "a stored row of {}.{} has {} values for {} columns",
                    e.db,
                    e.name,
                    cells.len(),
                    e.schema.columns.len()
                ),
            ));
        }
        keep(key, cells)
    };
    if let Some(key_cells) = pinned {
        // WHERE pk = n: the one row with that key, if any.
        let mut cells = vec![Cell::Null; e.schema.columns.len()];
        for (i, c) in key_cells {
            cells[i] = c;
        }
        let key = row_key(e, &cells, None);
        if let Some(v) = store
            .get(Some(txn), Family::Rows, &key)
            .map_err(store_err)?
        {
            decoded(&key, &v)?;
        }
        return Ok(());
    }
    let mut failed = None;
    store
        .for_each(
            Some(txn),
            Family::Rows,
            &understudy_store::keys::table_prefix(e.id),
            |k, v| {
                Ok(match decoded(k, v) {
                    Ok(true) => std::ops::ControlFlow::Continue(()),
                    Ok(false) => std::ops::ControlFlow::Break(()),
                    Err(err) => {
                        failed = Some(err);
                        std::ops::ControlFlow::Break(())
                    }
                })
            },
        )
        .map_err(store_err)?;
    failed.map_or(Ok(()), Err)
}

/// Two rows' ORDER BY values compared (NULL first, as in MySQL).
fn sort_order(
    a: &[Value],
    b: &[Value],
    order_by: &[SortKey],
) -> std::result::Result<Ordering, EvalError> {
    for ((x, y), (_, desc)) in a.iter().zip(b).zip(order_by) {
        let o = match (x.is_null(), y.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => compare(x, y)?,
        };
        let o = if *desc { o.reverse() } else { o };
        if o != Ordering::Equal {
            return Ok(o);
        }
    }
    Ok(Ordering::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_values_move_the_auto_increment_series() {
        let s = |increment, offset| Session {
            increment,
            offset,
            ..Session::default()
        };
        // VALUES (NULL), (100), (NULL) with INSERT_ID 5: 5, 100, 101.
        assert_eq!(s(1, 1).after_explicit(6, &Cell::Int(100)), 101);
        assert_eq!(s(1, 1).after_explicit(6, &Cell::Int(3)), 6);
        assert_eq!(s(10, 3).after_explicit(13, &Cell::UInt(100)), 103);
        assert_eq!(s(10, 3).after_explicit(13, &Cell::UInt(103)), 113);
        assert_eq!(s(5, 7).after_explicit(6, &Cell::Int(20)), 21);
    }
}
