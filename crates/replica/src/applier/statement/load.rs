//! LOAD DATA applied: the file's rows (which travel in the binlog) split
//! as the source split them, fields into columns or user variables, the
//! SET clause evaluated for each row, and the rows inserted as the
//! statement's duplicate handling says.

use understudy_sql::collation::Collation;
use understudy_sql::dml::eval::{Context, EvalError, Row, eval};
use understudy_sql::dml::load::{LoadData, LoadTarget, load_rows};
use understudy_sql::dml::value::{Coll, Derivation, Text, Value};
use understudy_sql::dml::{InsertMode, InsertStmt};
use understudy_sql::{ColumnType, TableSchema};
use understudy_store::{Store, Txn};

use super::super::apply::{ER_FATAL, Result, SqlError};
use super::super::table_cache::TableCache;
use super::{Session, insert, target};

/// LOAD DATA: the file's rows inserted into the statement's table, as
/// `mode` says duplicates go.
pub fn load(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    spec: &LoadData,
    data: &[u8],
    mode: InsertMode,
    session: &Session,
) -> Result<()> {
    let e = target(store, txn, tables, &spec.table, session)?;
    let text = if session.client_charset.as_deref() == Some("binary") {
        Text::Binary
    } else {
        Text::TEXT
    };
    let targets: Vec<LoadTarget> = match &spec.columns {
        Some(c) => c.clone(),
        None => e
            .schema
            .columns
            .iter()
            .filter(|c| !c.invisible)
            .map(|c| LoadTarget::Column(c.name.clone()))
            .collect(),
    };
    let mut columns: Vec<String> = targets
        .iter()
        .filter_map(|t| match t {
            LoadTarget::Column(c) => Some(c.clone()),
            LoadTarget::Variable(_) => None,
        })
        .collect();
    // A column both loaded and SET takes its last value.
    for (c, _) in &spec.set {
        if !columns.iter().any(|x| x.eq_ignore_ascii_case(c)) {
            columns.push(c.clone());
        }
    }
    let mut rows = Vec::new();
    let mut with_vars = session.clone();
    for (n, fields) in load_rows(spec, data).into_iter().enumerate() {
        if fields.len() != targets.len() {
            // The source fills or drops fields with a warning (or an
            // error in strict mode): not followed yet.
            return Err(SqlError::new(
                ER_FATAL,
                format!(
                    "LOAD DATA row {} has {} fields for {} columns (not applied yet)",
                    n + 1,
                    fields.len(),
                    targets.len()
                ),
            ));
        }
        let mut row = LoadRow {
            session: &mut with_vars,
            schema: &e.schema,
            names: Vec::new(),
            values: Vec::new(),
        };
        for (t, f) in targets.iter().zip(fields) {
            let v = f.map_or(Value::Null, |b| Value::Str(b, text));
            match t {
                LoadTarget::Column(c) => {
                    row.names.push(c.clone());
                    row.values.push(v);
                }
                LoadTarget::Variable(name) => {
                    // The row's fields set the session's variables.
                    let user = &mut row.session.vars.user;
                    match user.iter_mut().find(|(n, _)| n == name) {
                        Some(slot) => slot.1 = Ok(v),
                        None => user.push((name.clone(), Ok(v))),
                    }
                }
            }
        }
        for (c, expr) in &spec.set {
            let v = eval(expr, &row).map_err(|err| {
                SqlError::new(
                    ER_FATAL,
                    format!("LOAD DATA row {}: SET {c} = {expr}: {err}", n + 1),
                )
            })?;
            row.names.push(c.clone());
            row.values.push(v);
        }
        let last = |c: &String| {
            let i = row.names.iter().rposition(|x| x.eq_ignore_ascii_case(c));
            i.map(|i| row.values[i].clone())
        };
        rows.push(columns.iter().map(last).collect());
    }
    let st = InsertStmt {
        table: spec.table.clone(),
        columns: Some(columns),
        rows: Vec::new(),
        mode,
        on_duplicate: Vec::new(),
        select: None,
        row_alias: None,
    };
    insert::insert(store, txn, tables, &e, &st, session, Some(rows))
}

/// A row of the file as its SET clause sees it: the columns its fields
/// (and the assignments before) gave values, and its user variables.
struct LoadRow<'a> {
    /// The statement's session, with the row's user variables set.
    session: &'a mut Session,
    schema: &'a TableSchema,
    names: Vec<String>,
    values: Vec<Value>,
}

impl Row for LoadRow<'_> {
    /// A column as the row set it, in the column's collation; MySQL
    /// reads the value as the column holds it, which for other types
    /// than text is not followed (nor a column the row has no value for
    /// yet, which reads its default or the row before's).
    fn column(&self, _: Option<&str>, name: &str) -> std::result::Result<Value, EvalError> {
        let unsupported = |why: &str| {
            EvalError::unsupported(format!("LOAD DATA's SET reading the column {name}{why}"))
        };
        let i = self
            .names
            .iter()
            .rposition(|c| c.eq_ignore_ascii_case(name))
            .ok_or_else(|| unsupported(", which the row does not set"))?;
        let col = self
            .schema
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| unsupported(", which the table does not have"))?;
        if !matches!(
            col.ty,
            ColumnType::Char { .. } | ColumnType::VarChar { .. } | ColumnType::Text { .. }
        ) {
            return Err(unsupported(" (not a text column)"));
        }
        let collation = col
            .collation
            .as_deref()
            .map_or(Collation::Unknown, Collation::named);
        Ok(match &self.values[i] {
            Value::Str(b, Text::Collated(_)) => Value::Str(
                b.clone(),
                Text::Collated(Coll::new(collation, Derivation::Implicit)),
            ),
            other => other.clone(),
        })
    }

    fn context(&self) -> &dyn Context {
        &*self.session
    }
}
