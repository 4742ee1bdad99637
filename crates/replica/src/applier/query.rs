//! A query event's statement applied: DDL to the catalog, or
//! statement-based DML through the statement executor, with the session
//! the event carries.

use understudy_binlog::event::load_events::{LOAD_DUP_IGNORE, LOAD_DUP_REPLACE};
use understudy_binlog::event::{LoadBlockEvent, QueryEvent, StatusVars};
use understudy_binlog::format_description_event::FormatDescription;
use understudy_sql::collation::Collation;
use understudy_sql::dml::InsertMode;
use understudy_store::Txn;

use super::apply::{Ctx, ER_FATAL, Result, SqlError};
use super::{ddl, statement};

/// What the events around a statement say about it.
pub(super) struct Logged {
    /// The INTVAR INSERT_ID before it.
    pub insert_id: Option<u64>,
    /// Its event's timestamp.
    pub timestamp: u32,
    /// Its user variables, RAND() seeds and LAST_INSERT_ID().
    pub vars: statement::vars::Vars,
    /// The file of a LOAD DATA statement.
    pub load: Option<LoadFile>,
}

/// The largest LOAD DATA file held for its statement.
const LOAD_FILE_MAX: usize = 1 << 30;

/// An Append_block: more of the LOAD DATA file begun before it.
pub(super) fn append_block(
    load: &mut Option<(u32, Vec<u8>)>,
    b: &LoadBlockEvent<'_>,
    at: super::apply::Where<'_>,
) -> Result<()> {
    match load {
        Some((id, data)) if *id == b.file_id => {
            if data.len() + b.data.len() > LOAD_FILE_MAX {
                return Err(SqlError::new(
                    ER_FATAL,
                    format!(
                        "a LOAD DATA file of more than {LOAD_FILE_MAX} bytes is not applied yet; \
                         {at}"
                    ),
                ));
            }
            data.extend_from_slice(b.data);
            Ok(())
        }
        _ => Err(SqlError::new(
            1594,
            format!("Append_block without its Begin_load_query; {at}"),
        )),
    }
}

/// A LOAD DATA file as the load events carried it.
pub(super) struct LoadFile {
    pub data: Vec<u8>,
    /// LOAD_DUP_ERROR, LOAD_DUP_IGNORE or LOAD_DUP_REPLACE.
    pub dup_handling: u8,
}

/// A query event: transaction control passes, the default database is
/// filtered, then the statement is applied inside a savepoint (a failure
/// `replica_skip_errors` skips leaves nothing), its error naming the
/// statement and the source position.
pub(super) fn event(
    ctx: &Ctx<'_>,
    txn: &mut Txn,
    q: &QueryEvent<'_>,
    fde: &FormatDescription,
    logged: Logged,
) -> Result<()> {
    let (policy, where_) = (ctx.t.policy, ctx.t.at);
    let text = String::from_utf8_lossy(&q.query);
    let t = text.trim();
    let upper = t.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "BEGIN" | "COMMIT" | "ROLLBACK" | "START TRANSACTION"
    ) || upper.starts_with("SAVEPOINT")
        || upper.starts_with("ROLLBACK TO")
        || upper.starts_with("RELEASE SAVEPOINT")
    {
        return Ok(());
    }
    let source_db = String::from_utf8_lossy(q.db).into_owned();
    let db = policy.filters.rewrite(&source_db).to_owned();
    // The default database is tested before the statement is even read,
    // as MySQL does (a database statement's event carries the database
    // it names as its default).
    if !policy.filters.db_ok(Some(&db)) {
        return Ok(());
    }
    if upper.starts_with("XA ") {
        return Err(SqlError::new(
            ER_FATAL,
            format!("XA transactions are not applied yet: {t}; {where_}"),
        ));
    }
    let sp = txn.savepoint();
    match run(ctx, txn, q, t, &db, fde, logged) {
        Ok(()) => txn.release_savepoint(sp),
        Err(e) if policy.skip_errors.skips(e.errno) => {
            txn.rollback_to_savepoint(sp);
            tracing::warn!(
                errno = e.errno,
                "replica_skip_errors: statement skipped: Error '{}' on query. Default database: '{db}'. Query: '{t}'; {where_}",
                e.message
            );
        }
        Err(mut e) => {
            txn.release_savepoint(sp);
            e.message = format!(
                "Error '{}' on query. Default database: '{db}'. Query: '{t}'; {where_}",
                e.message
            );
            return Err(e);
        }
    }
    Ok(())
}

/// Applies `t` (the event's statement, trimmed) with default database
/// `db` (after `replicate-rewrite-db`).
fn run(
    ctx: &Ctx<'_>,
    txn: &mut Txn,
    q: &QueryEvent<'_>,
    t: &str,
    db: &str,
    fde: &FormatDescription,
    logged: Logged,
) -> Result<()> {
    if !understudy_sql::dml::is_dml(t) && logged.load.is_none() {
        let charsets = session_charsets(&q.status_vars, fde);
        // The catalog may change: cached entries go.
        ctx.tables.borrow_mut().clear();
        return ddl::apply(
            ctx.store,
            txn,
            t,
            db,
            &ctx.t.policy.filters,
            &charsets,
            q.thread_id,
        );
    }
    if std::str::from_utf8(&q.query).is_err() {
        // Its strings would be read wrong: not a guess.
        return Err(SqlError::new(
            ER_FATAL,
            "a statement that is not valid UTF-8 is not applied yet",
        ));
    }
    let v = &q.status_vars;
    let session = statement::Session {
        sql_mode: v.sql_mode.unwrap_or(0),
        client_charset: v
            .charset
            .and_then(|(client, _, _)| charset_name(client, fde)),
        connection: v
            .charset
            .and_then(|(_, connection, _)| collation_entry(connection, fde))
            .map_or(Collation::Unknown, |(_, c)| Collation::named(c)),
        insert_id: logged.insert_id,
        increment: v.auto_increment.map_or(1, |(inc, _)| u64::from(inc)),
        offset: v.auto_increment.map_or(1, |(_, off)| u64::from(off)),
        mariadb: fde.server_version.contains("MariaDB"),
        zone: statement::clock::Zone::new(v.time_zone),
        time: Some((logged.timestamp, v.microseconds.or(v.hrnow).unwrap_or(0))),
        vars: logged.vars,
        thread: q.thread_id,
        no_foreign_key_checks: v.flags2.unwrap_or(0) & OPTION_NO_FOREIGN_KEY_CHECKS != 0,
        lc_time_names: v.lc_time_names.unwrap_or(0),
        db: db.to_owned(),
    };
    match logged.load {
        Some(file) => load_data(ctx, txn, q, t, db, fde, file, session),
        None => apply_statement(ctx, txn, t, db, q.error_code, &session),
    }
}

/// LOAD DATA: the statement read, its file split into rows and inserted
/// (the file is in the database's character set unless the statement
/// names one).
#[allow(clippy::too_many_arguments)]
fn load_data(
    ctx: &Ctx<'_>,
    txn: &mut Txn,
    q: &QueryEvent<'_>,
    t: &str,
    db: &str,
    fde: &FormatDescription,
    file: LoadFile,
    mut session: statement::Session,
) -> Result<()> {
    if q.error_code != 0 {
        return Err(failed_on_source(q.error_code));
    }
    let spec = understudy_sql::dml::load::parse_load(t, db).map_err(reader_err)?;
    let filters = &ctx.t.policy.filters;
    if !filters.is_empty() && !filters.statement_ok(Some(db), std::slice::from_ref(&spec.table)) {
        return Ok(());
    }
    session.client_charset = spec.charset.clone().or_else(|| {
        q.status_vars
            .charset_database
            .and_then(|id| charset_name(id, fde))
    });
    if session.client_charset.is_none() && !file.data.is_ascii() {
        return Err(SqlError::new(
            ER_FATAL,
            "a LOAD DATA file beyond ASCII whose character set the event does not say",
        ));
    }
    let mode = match file.dup_handling {
        LOAD_DUP_IGNORE => InsertMode::Ignore,
        LOAD_DUP_REPLACE => InsertMode::Replace,
        _ => InsertMode::Insert,
    };
    statement::load(
        ctx.store,
        txn,
        &mut ctx.tables.borrow_mut(),
        &spec,
        &file.data,
        mode,
        &session,
    )
}

/// A statement the source ran that understudy's reader does not read:
/// the reader is what falls short (multi-table `UPDATE t, u …`, for
/// one), so 1593, not the 1064 of a statement that is wrong.
fn reader_err(e: understudy_sql::SqlError) -> SqlError {
    match e {
        understudy_sql::SqlError::Parse(m) => SqlError::new(
            ER_FATAL,
            format!("a statement understudy's SQL reader does not read yet ({m})"),
        ),
        other => SqlError::new(ER_FATAL, other.to_string()),
    }
}

/// A statement that failed part-way on the source.
fn failed_on_source(code: u16) -> SqlError {
    SqlError::new(
        ER_FATAL,
        format!(
            "the statement failed on the source (error {code}); statements that failed \
             part-way are not applied yet"
        ),
    )
}

/// Q_FLAGS2's bit for `foreign_key_checks=0`.
const OPTION_NO_FOREIGN_KEY_CHECKS: u32 = 1 << 26;

/// A collation id's (character set, collation), in the source flavor's
/// numbering.
fn collation_entry(id: u16, fde: &FormatDescription) -> Option<(&'static str, &'static str)> {
    let table = if fde.server_version.contains("MariaDB") {
        understudy_dumper::collations::mariadb()
    } else {
        understudy_dumper::collations::mysql()
    };
    table
        .binary_search_by_key(&id, |&(i, _, _)| i)
        .ok()
        .map(|i| (table[i].1, table[i].2))
}

/// The character set of a collation id, in the source flavor's
/// numbering.
pub(super) fn charset_name(id: u16, fde: &FormatDescription) -> Option<String> {
    collation_entry(id, fde).map(|(cs, _)| cs.to_owned())
}

/// The name of a collation id, in the source flavor's numbering.
pub(super) fn collation_name(id: u16, fde: &FormatDescription) -> Option<String> {
    collation_entry(id, fde).map(|(_, c)| c.to_owned())
}

/// The character sets a query event's session had (collation ids of its
/// status variables), and the source's default collation of utf8mb4.
fn session_charsets(v: &StatusVars<'_>, fde: &FormatDescription) -> ddl::SessionCharsets {
    let major: u32 = fde
        .server_version
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    let mariadb = fde.server_version.contains("MariaDB");
    let utf8mb4 = match (mariadb, v.default_collation_for_utf8mb4) {
        (false, Some(id)) => collation_name(id, fde),
        (false, None) if major >= 8 => Some("utf8mb4_0900_ai_ci".to_owned()),
        _ => Some("utf8mb4_general_ci".to_owned()),
    };
    ddl::SessionCharsets {
        server: v
            .charset
            .and_then(|(_, _, server)| charset_name(server, fde)),
        database: v.charset_database.and_then(|id| charset_name(id, fde)),
        server_collation: v
            .charset
            .and_then(|(_, _, server)| collation_name(server, fde)),
        database_collation: v.charset_database.and_then(|id| collation_name(id, fde)),
        utf8mb4,
        newer_mariadb: mariadb && major >= 11,
    }
}

/// A statement-based INSERT, UPDATE or DELETE: read, filtered by the
/// tables it changes (its default database passed already), executed.
fn apply_statement(
    ctx: &Ctx<'_>,
    txn: &mut Txn,
    sql: &str,
    db: &str,
    error_code: u16,
    session: &statement::Session,
) -> Result<()> {
    if error_code != 0 {
        return Err(failed_on_source(error_code));
    }
    let dml = understudy_sql::dml::parse_dml(sql, db).map_err(reader_err)?;
    let filters = &ctx.t.policy.filters;
    let mut tables = ctx.tables.borrow_mut();
    if !filters.is_empty() {
        let changed = statement::changed_tables(ctx.store, txn, &mut tables, &dml, session)?;
        if !filters.statement_ok(Some(db), &changed) {
            return Ok(());
        }
    }
    statement::execute(ctx.store, txn, &mut tables, &dml, session)
}
