//! Applying one source transaction's events to a store transaction: row
//! events by primary key (or, without one, by full before-image match as
//! MySQL's replica does) and DDL into the catalog.

use std::cell::RefCell;
use std::sync::Arc;

use understudy_binlog::event::{self, Event, RowsKind};
use understudy_binlog::format_description_event::FormatDescription;
use understudy_binlog::gtid::{MariaGtid, Tag, Uuid};
use understudy_binlog::header::{LOG_EVENT_ARTIFICIAL_F, LOG_EVENT_RELAY_LOG_F};
use understudy_binlog::reader::{EventReader, frame_at};
use understudy_binlog::value::{ColumnMeta, ColumnValue, Value};
use understudy_store::keys::{KeyPart, encode_part, table_prefix};
use understudy_store::{Cell, Store, TableEntry, Txn, decode_row, encode_key_cell, encode_row};

use super::convert;
use super::hash_scan;
use super::json_diff;
use super::policy::{ApplyPolicy, ExecMode};
use super::table_cache::TableCache;
use super::table_check::check_map;
use super::{query, statement};

/// An applier error with MySQL's number (`Last_SQL_Errno`) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlError {
    pub errno: u32,
    pub message: String,
}

impl SqlError {
    pub fn new(errno: u32, message: impl Into<String>) -> Self {
        SqlError {
            errno,
            message: message.into(),
        }
    }
}

pub type Result<T> = std::result::Result<T, SqlError>;

/// MySQL's ER_REPLICA_FATAL_ERROR-like catch-all for what understudy
/// cannot apply (1594 is "Relay log read failure", 1593 is fatal error).
pub const ER_FATAL: u32 = 1593;

pub fn store_err(e: understudy_store::StoreError) -> SqlError {
    SqlError::new(ER_FATAL, format!("store: {e}"))
}

/// A transaction's GTID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxnGtid {
    None,
    MySql(Uuid, Tag, u64),
    MariaDb(MariaGtid),
}

/// What the events of one transaction did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub gtid: Option<TxnGtid>,
    /// Its GTID was executed before: nothing of it was applied.
    pub skipped: bool,
    /// Rows written, updated or deleted.
    pub rows: u64,
    /// The source's commit time (the last event's header timestamp).
    pub timestamp: u32,
}

/// Where an event ends in the source's binlog, for error texts.
#[derive(Debug, Clone, Copy)]
pub struct Where<'a> {
    pub file: &'a str,
    pub pos: u64,
}

impl std::fmt::Display for Where<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the event's source log {}, end_log_pos {}",
            self.file, self.pos
        )
    }
}

/// What an event is applied with besides itself.
pub struct TxnContext<'a> {
    /// Source log name and the event's end position, for error texts.
    pub at: Where<'a>,
    /// Whether a GTID was executed already.
    pub executed: &'a dyn Fn(&TxnGtid) -> bool,
    pub policy: &'a ApplyPolicy,
}

impl std::fmt::Debug for TxnContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TxnContext")
            .field("at", &self.at)
            .finish_non_exhaustive()
    }
}

pub(super) struct Ctx<'s> {
    pub(super) store: &'s Store,
    pub(super) t: &'s TxnContext<'s>,
    pub(super) tables: RefCell<&'s mut TableCache>,
}

/// A table map as the transaction's row events need it (owned: the
/// event it came from is gone by the time its rows come).
#[derive(Debug)]
struct MapEntry {
    table_id: u64,
    columns: Vec<ColumnMeta>,
    /// The database rows go to (after `replicate-rewrite-db`) and the
    /// table, when the catalog has no entry to name them.
    names: Option<Box<(String, String)>>,
    /// The catalog's table; `None`: it does not exist (1146 at the first
    /// row event).
    table: Option<Arc<TableEntry>>,
    /// The replication filters leave the table out.
    filtered: bool,
}

/// Where an event comes from, as its header says.
#[derive(Debug, Clone, Copy)]
struct Origin {
    server_id: u32,
    timestamp: u32,
    /// The source wrote it at its position: not the replica's own relay
    /// header, nor the copy of the source's format description a relay
    /// file starts with (log_pos 0, flagged artificial), nor the one a
    /// source sends when a dump starts past a binlog's header.
    source_event: bool,
}

/// What a transaction's events leave for the events after them.
#[derive(Debug, Default)]
struct EventState {
    /// Table maps by table id (a transaction has few).
    maps: Vec<MapEntry>,
    /// INTVAR INSERT_ID, for the next statement.
    insert_id: Option<u64>,
    /// User_var, Rand and INTVAR LAST_INSERT_ID, for the next statement.
    vars: statement::vars::Vars,
    /// The file of a LOAD DATA (Begin_load_query, Append_block): its id
    /// and bytes.
    load: Option<(u32, Vec<u8>)>,
}

/// INTVAR's kinds.
const LAST_INSERT_ID_EVENT: u8 = 1;
const INSERT_ID_EVENT: u8 = 2;

/// A source transaction applied event by event, as the relay log is read
/// (a large transaction is never held whole). A transaction whose GTID
/// was executed before is skipped whole (its GTID event comes first, so
/// nothing was applied).
#[derive(Debug, Default)]
pub struct TxnApply {
    state: EventState,
    pub out: Outcome,
    /// `sql_replica_skip_counter` takes this transaction: its GTID is
    /// recorded, nothing else.
    skip: bool,
}

impl TxnApply {
    pub fn new(skip: bool) -> TxnApply {
        TxnApply {
            skip,
            ..TxnApply::default()
        }
    }

    /// Ready for the next transaction (its buffers kept).
    pub fn reset(&mut self, skip: bool) {
        self.state.maps.clear();
        self.state.insert_id = None;
        self.state.vars = Default::default();
        self.state.load = None;
        self.out = Outcome::default();
        self.skip = skip;
    }

    /// Whether the skip counter took this transaction.
    pub fn skip_taken(&self) -> bool {
        self.skip
    }

    /// Applies one event (`bytes`: the whole event at file `offset`,
    /// read under `fde`) to `txn`.
    #[allow(clippy::too_many_arguments)]
    pub fn event(
        &mut self,
        store: &Store,
        txn: &mut Txn,
        bytes: &[u8],
        offset: u64,
        fde: &FormatDescription,
        t: &TxnContext<'_>,
        tables: &mut TableCache,
    ) -> Result<()> {
        if self.out.skipped {
            return Ok(());
        }
        let raw = match frame_at(bytes, 0, offset, fde, false) {
            Ok((raw, _)) => raw,
            Err(err) => {
                return Err(SqlError::new(
                    1594,
                    format!("Relay log read failure: event at {offset}: {err}"),
                ));
            }
        };
        self.out.timestamp = raw.header.timestamp;
        let decoded = event::decode(&raw, fde).map_err(|err| {
            SqlError::new(
                1594,
                format!("Relay log read failure: event at {offset}: {err}"),
            )
        })?;
        if self.skip && !matches!(decoded, Event::Gtid(_) | Event::MariaGtid(_)) {
            return Ok(());
        }
        let ctx = Ctx {
            store,
            t,
            tables: RefCell::new(tables),
        };
        apply_event(
            &ctx,
            txn,
            Origin {
                server_id: raw.header.server_id,
                timestamp: raw.header.timestamp,
                source_event: raw.header.flags & (LOG_EVENT_ARTIFICIAL_F | LOG_EVENT_RELAY_LOG_F)
                    == 0
                    && raw.header.log_pos != 0,
            },
            decoded,
            fde,
            &mut self.state,
            &mut self.out,
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn apply_event(
    ctx: &Ctx<'_>,
    txn: &mut Txn,
    origin: Origin,
    ev: Event<'_>,
    fde: &FormatDescription,
    state: &mut EventState,
    out: &mut Outcome,
) -> Result<()> {
    let where_ = ctx.t.at;
    let policy = ctx.t.policy;
    match ev {
        Event::Gtid(g) if !g.anonymous && g.gno > 0 => {
            let tag = Tag::from_binary(g.tag).ok_or_else(|| {
                SqlError::new(1594, format!("GTID event with a bad tag; {where_}"))
            })?;
            let gtid = TxnGtid::MySql(Uuid(g.uuid), tag, g.gno as u64);
            out.skipped = (ctx.t.executed)(&gtid);
            out.gtid = Some(gtid);
        }
        Event::MariaGtid(g) => {
            let gtid = TxnGtid::MariaDb(MariaGtid::new(g.domain_id, origin.server_id, g.seq_no));
            out.skipped = (ctx.t.executed)(&gtid);
            out.gtid = Some(gtid);
        }
        Event::Query(q) => {
            let logged = query::Logged {
                insert_id: state.insert_id.take(),
                timestamp: origin.timestamp,
                vars: std::mem::take(&mut state.vars),
                load: None,
            };
            query::event(ctx, txn, &q, fde, logged)?;
        }
        Event::BeginLoadQuery(b) => state.load = Some((b.file_id, b.data.to_vec())),
        Event::AppendBlock(b) => query::append_block(&mut state.load, &b, where_)?,
        Event::DeleteFile(_) => state.load = None,
        Event::ExecuteLoadQuery(e) => {
            let data = match state.load.take() {
                Some((id, data)) if id == e.file_id => data,
                _ => {
                    return Err(SqlError::new(
                        1594,
                        format!("Execute_load_query without its file's events; {where_}"),
                    ));
                }
            };
            let logged = query::Logged {
                insert_id: state.insert_id.take(),
                timestamp: origin.timestamp,
                vars: std::mem::take(&mut state.vars),
                load: Some(query::LoadFile {
                    data,
                    dup_handling: e.dup_handling,
                }),
            };
            query::event(ctx, txn, &e.query, fde, logged)?;
        }
        Event::TableMap(tm) => {
            let source_db = String::from_utf8_lossy(tm.database);
            let db = policy.filters.rewrite_to(&source_db).unwrap_or(&source_db);
            let name = String::from_utf8_lossy(tm.table);
            let filtered = !policy.filters.row_ok(db, &name);
            let table = if filtered {
                None
            } else {
                let entry = ctx.tables.borrow_mut().get(ctx.store, txn, db, &name)?;
                if let Some(e) = &entry {
                    check_map(&tm, e, fde)?;
                }
                entry
            };
            let names = table
                .is_none()
                .then(|| Box::new((db.to_owned(), name.into_owned())));
            let entry = MapEntry {
                table_id: tm.table_id,
                columns: tm.columns,
                names,
                table,
                filtered,
            };
            match state.maps.iter_mut().find(|m| m.table_id == entry.table_id) {
                Some(m) => *m = entry,
                None => state.maps.push(entry),
            }
        }
        Event::Rows(rows) => apply_rows(ctx, txn, &rows, &state.maps, out)?,
        Event::TransactionPayload(p) => {
            let bad = |e: &dyn std::fmt::Display| {
                SqlError::new(1594, format!("transaction payload: {e}; {where_}"))
            };
            let inner = p.uncompressed().map_err(|e| bad(&e))?;
            let mut inner_state = EventState::default();
            // The events inside a payload carry no checksums.
            let mut inner_fde = fde.clone();
            inner_fde.checksum_alg = Some(0);
            let mut r = EventReader::at(&inner, 0, 0, inner_fde.clone());
            while let Some(next) = r.next_event() {
                let raw = next.map_err(|e| bad(&e))?;
                let ev = event::decode(&raw, &inner_fde).map_err(|e| bad(&e))?;
                let origin = Origin {
                    timestamp: raw.header.timestamp,
                    ..origin
                };
                apply_event(ctx, txn, origin, ev, &inner_fde, &mut inner_state, out)?;
            }
        }
        Event::XaPrepare(_) => {
            return Err(SqlError::new(
                ER_FATAL,
                format!("XA PREPARE is not applied yet; {where_}"),
            ));
        }
        Event::Incident(i) => {
            return Err(SqlError::new(
                1590,
                format!(
                    "The incident {} occurred on the source. Message: {}",
                    i.incident,
                    String::from_utf8_lossy(i.message)
                ),
            ));
        }
        // INSERT_ID: the next statement's first AUTO_INCREMENT value.
        Event::Intvar(iv) if iv.kind == INSERT_ID_EVENT => state.insert_id = Some(iv.value),
        Event::Intvar(iv) if iv.kind == LAST_INSERT_ID_EVENT => {
            state.vars.last_insert_id = Some(iv.value);
        }
        Event::Rand(r) => state.vars.rand.set(Some((r.seed1, r.seed2))),
        // The source (re)started: its sessions, and their temporary
        // tables, are gone (the replica's own relay-log header has no
        // create time).
        Event::FormatDescription(f) if f.create_timestamp != 0 && origin.source_event => {
            super::temporary::drop_all(ctx.store, txn)?;
            ctx.tables.borrow_mut().clear();
        }
        Event::UserVar(u) => {
            let charset = |id: u32| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| query::charset_name(id, fde))
            };
            state.vars.user.push(statement::vars::user_var(&u, charset));
        }
        Event::Unknown { type_code, .. } => {
            return Err(SqlError::new(
                ER_FATAL,
                format!("event type {type_code} is unknown to the applier; {where_}"),
            ));
        }
        // Framing, positions, comments and statement context: nothing
        // to store (Intvar/Rand/User_var precede statement-based DML,
        // which stops at its query).
        _ => {}
    }
    Ok(())
}

/// A row event: each row applied; with `replica_exec_mode=IDEMPOTENT` a
/// row whose before image is missing (1032) or whose new key is taken
/// (1062) is skipped; an error `replica_skip_errors` names skips the rest
/// of the event, as MySQL does.
fn apply_rows(
    ctx: &Ctx<'_>,
    txn: &mut Txn,
    rows: &event::RowsEvent<'_>,
    maps: &[MapEntry],
    out: &mut Outcome,
) -> Result<()> {
    let where_ = ctx.t.at;
    let policy = ctx.t.policy;
    let Some(m) = maps.iter().find(|m| m.table_id == rows.table_id) else {
        return Err(SqlError::new(
            ER_FATAL,
            format!(
                "rows event for table id {} without its table map; {where_}",
                rows.table_id
            ),
        ));
    };
    if m.filtered {
        return Ok(());
    }
    let (db, name) = match (&m.table, &m.names) {
        (Some(e), _) => (e.db.as_str(), e.name.as_str()),
        (None, Some(n)) => (n.0.as_str(), n.1.as_str()),
        (None, None) => ("", ""),
    };
    let Some(entry) = &m.table else {
        let e = SqlError::new(
            1146,
            format!("Error executing row event: 'Table '{db}.{name}' doesn't exist'; {where_}"),
        );
        if policy.skip_errors.skips(e.errno) {
            tracing::warn!(errno = e.errno, "replica_skip_errors: {}", e.message);
            return Ok(());
        }
        return Err(e);
    };
    let what = match rows.kind {
        RowsKind::Write => "Write_rows",
        RowsKind::Update | RowsKind::PartialUpdate => "Update_rows",
        RowsKind::Delete => "Delete_rows",
    };
    let idempotent = policy.exec_mode != ExecMode::Strict;
    // A row's error: skipped (true: go on with the next row; false: the
    // rest of the event is skipped) or the applier stops.
    let mut handle = |mut e: SqlError| -> Result<bool> {
        e.message = format!(
            "Could not execute {what} event on table {db}.{name}; {}, Error_code: {}; {where_}",
            e.message, e.errno
        );
        if idempotent && matches!(e.errno, 1032 | 1062) {
            if policy.exec_mode == ExecMode::Converge {
                // Expected in a resumed clone's window (the row was copied
                // in its later state): not a warning per row.
                tracing::debug!(
                    errno = e.errno,
                    "clone catch-up: row skipped: {}",
                    e.message
                );
            } else {
                tracing::warn!(
                    errno = e.errno,
                    "replica_exec_mode=IDEMPOTENT: row skipped: {}",
                    e.message
                );
            }
            return Ok(true);
        }
        if policy.skip_errors.skips(e.errno) {
            tracing::warn!(
                errno = e.errno,
                "replica_skip_errors: rest of the event skipped: {}",
                e.message
            );
            return Ok(false);
        }
        Err(e)
    };
    if entry.schema.primary_key.is_empty() && rows.kind != RowsKind::Write {
        // No key to find rows by: one scan of the table for the event.
        if super::rows::referenced(ctx.store, txn, &mut ctx.tables.borrow_mut(), entry, rows)? {
            return Err(super::rows::keyless_parent(entry));
        }
        out.rows += hash_scan::apply(ctx.store, txn, entry, rows, &m.columns, &mut handle)?;
        return Ok(());
    }
    // Rows decoded into buffers reused from row to row.
    let mut dec = rows
        .decoder(&m.columns)
        .map_err(|e| SqlError::new(1594, format!("{what} event on {db}.{name}: {e}")))?;
    let mut tables = ctx.tables.borrow_mut();
    let parent = super::rows::referenced(ctx.store, txn, &mut tables, entry, rows)?;
    while let Some(row) = dec.next_row() {
        let row =
            row.map_err(|e| SqlError::new(1594, format!("{what} event on {db}.{name}: {e}")))?;
        match super::rows::apply_row(
            ctx.store,
            txn,
            &mut tables,
            entry,
            (rows.kind, parent),
            row.before,
            row.after,
            policy.exec_mode,
        ) {
            Ok(()) => out.rows += 1,
            Err(e) => {
                if !handle(e)? {
                    break;
                }
            }
        }
    }
    Ok(())
}

pub(super) fn conv_err(e: convert::ConvertError) -> SqlError {
    SqlError::new(1677, e.0)
}

/// The row key of `cells` in table `e` (`row_id` for tables without a
/// primary key).
pub fn row_key(e: &TableEntry, cells: &[Cell], row_id: Option<u64>) -> Vec<u8> {
    let mut k = table_prefix(e.id).to_vec();
    if e.schema.primary_key.is_empty() {
        encode_part(&mut k, &KeyPart::UInt(row_id.unwrap_or(0)));
    } else {
        for &i in &e.schema.primary_key {
            encode_key_cell(&mut k, &cells[i]);
        }
    }
    k
}

/// A row image's values as cells of the table's columns (values of
/// columns past the replica's last are dropped).
pub(super) fn image_cells(e: &TableEntry, image: &[ColumnValue<'_>]) -> Result<Vec<(usize, Cell)>> {
    image
        .iter()
        .filter_map(|cv| {
            let col = e.schema.columns.get(cv.index)?;
            Some(
                convert::cell(&cv.value, col)
                    .map(|c| (cv.index, c))
                    .map_err(conv_err),
            )
        })
        .collect()
}

pub(super) fn dup_entry(e: &TableEntry, cells: &[Cell]) -> SqlError {
    let vals: Vec<String> = e
        .schema
        .primary_key
        .iter()
        .map(|&i| understudy_store::text::cell_plain(&cells[i]))
        .collect();
    SqlError::new(
        1062,
        format!(
            "Duplicate entry '{}' for key '{}.PRIMARY'",
            vals.join("-"),
            e.name
        ),
    )
}

pub(super) fn not_found(e: &TableEntry) -> SqlError {
    SqlError::new(1032, format!("Can't find record in '{}'", e.name))
}

#[allow(clippy::too_many_arguments)]
/// The key of an updated row (a table without a primary key keeps its
/// row id).
pub(super) fn updated_key(e: &TableEntry, cells: &[Cell], old_key: &[u8]) -> Vec<u8> {
    if e.schema.primary_key.is_empty() {
        old_key.to_vec()
    } else {
        row_key(e, cells, None)
    }
}

/// Writes an updated row: under its new key when the key changed (1062
/// if that key is taken), the old one deleted.
pub(super) fn replace_row(
    store: &Store,
    txn: &mut Txn,
    tables: &mut TableCache,
    e: &TableEntry,
    old_key: &[u8],
    new_key: Vec<u8>,
    cells: &[Cell],
) -> Result<()> {
    if new_key != old_key {
        if tables.may_exist(store, txn, e.id, &new_key)?
            && store
                .exists(txn, understudy_store::Family::Rows, &new_key)
                .map_err(store_err)?
        {
            return Err(dup_entry(e, cells));
        }
        tables.wrote(e.id, &new_key);
        store.delete_row(txn, old_key).map_err(store_err)?;
    }
    store
        .put_row(txn, new_key, encode_row(e.version, cells))
        .map_err(store_err)
}

/// An after-image value: a cell, or a partial JSON update's diffs.
#[derive(Debug, Clone)]
pub(super) enum After {
    Cell(Cell),
    JsonDiff(Vec<u8>),
}

/// A value of an after image as the replica applies it (`None`: a column
/// past the replica's last).
pub(super) fn after_value(e: &TableEntry, cv: &ColumnValue<'_>) -> Result<Option<After>> {
    let Some(col) = e.schema.columns.get(cv.index) else {
        return Ok(None);
    };
    Ok(Some(match &cv.value {
        Value::JsonDiff(d) => After::JsonDiff(d.to_vec()),
        v => After::Cell(convert::cell(v, col).map_err(conv_err)?),
    }))
}

/// Sets a column of a stored row from an after image (a partial JSON
/// update applies its diffs to what the replica holds).
pub(super) fn set_after(e: &TableEntry, cells: &mut [Cell], i: usize, a: After) -> Result<()> {
    let (Some(col), Some(cell)) = (e.schema.columns.get(i), cells.get_mut(i)) else {
        return Ok(());
    };
    *cell = match (a, &*cell) {
        (After::Cell(c), _) => c,
        (After::JsonDiff(diffs), Cell::Json(stored)) => {
            Cell::Json(json_diff::apply_json_diffs(stored, &diffs).map_err(|m| {
                SqlError::new(
                    ER_FATAL,
                    format!("Could not apply JSON diff to column {}: {m}", col.name),
                )
            })?)
        }
        (After::JsonDiff(_), _) => {
            return Err(SqlError::new(
                ER_FATAL,
                format!(
                    "Could not apply JSON diff to column {}: it holds no JSON document",
                    col.name
                ),
            ));
        }
    };
    Ok(())
}

/// The stored row a before image names: by primary key when the image
/// has every key column, else the first row equal on every column the
/// image has.
pub(super) fn find(
    store: &Store,
    txn: &Txn,
    e: &TableEntry,
    before: &[(usize, Cell)],
) -> Result<Option<(Vec<u8>, Vec<Cell>)>> {
    let pk = &e.schema.primary_key;
    let ncols = e.schema.columns.len();
    if !pk.is_empty() && pk.iter().all(|i| before.iter().any(|(j, _)| j == i)) {
        let mut cells = vec![Cell::Null; ncols];
        for (i, c) in before {
            cells[*i] = c.clone();
        }
        let key = row_key(e, &cells, None);
        return match store
            .get(Some(txn), understudy_store::Family::Rows, &key)
            .map_err(store_err)?
        {
            None => Ok(None),
            Some(v) => Ok(Some((key, decode_row(&v).map_err(store_err)?.1))),
        };
    }
    let mut found = None;
    store
        .for_each(
            Some(txn),
            understudy_store::Family::Rows,
            &table_prefix(e.id),
            |key, v| {
                let (_, cells) = decode_row(v)?;
                if before
                    .iter()
                    .all(|(i, c)| cells.get(*i).is_some_and(|s| same_value(s, c)))
                {
                    found = Some((key.to_vec(), cells));
                    return Ok(std::ops::ControlFlow::Break(()));
                }
                Ok(std::ops::ControlFlow::Continue(()))
            },
        )
        .map_err(store_err)?;
    Ok(found)
}

/// Whether a stored cell holds the value an image names. JSON compares as
/// documents: a partial update leaves the source's binary layout and
/// the replica's re-encoding different for the same document.
pub(super) fn same_value(stored: &Cell, image: &Cell) -> bool {
    match (stored, image) {
        (Cell::Json(a), Cell::Json(b)) => {
            a == b
                || matches!(
                    (
                        understudy_binlog::value::json::parse_json(a),
                        understudy_binlog::value::json::parse_json(b),
                    ),
                    (Ok(x), Ok(y)) if x == y
                )
        }
        _ => stored == image,
    }
}
