//! Routes a client's statement: session chatter (SET, SELECT @@var,
//! SHOW VARIABLES/WARNINGS), catalog SHOWs, operator statements, and
//! writes, which get MySQL's read-only error.

use crate::Endpoint;
use crate::accounts::Role;
use crate::error::SqlError;
use crate::lex::{Token, tokens};
use crate::operator;
use crate::results::{Reply, ResultSet, int_column, text_column};
use crate::session::Session;
use crate::show;
use crate::vars::{self, Val};
use understudy_binlog::gtid::GtidSet;
use understudy_query::{Protocol, View};

/// The statements that change data or schema: a replica's clients may
/// not (the replica would drift from its source).
const WRITES: &[&str] = &[
    "INSERT",
    "UPDATE",
    "DELETE",
    "REPLACE",
    "CREATE",
    "DROP",
    "ALTER",
    "TRUNCATE",
    "RENAME",
    "LOAD",
    "GRANT",
    "REVOKE",
    "CALL",
    "HANDLER",
    "IMPORT",
    "OPTIMIZE",
    "REPAIR",
    "INSTALL",
    "UNINSTALL",
    "XA",
    "LOCK",
    "UNLOCK",
    "DO",
];

/// Runs one statement (comments allowed, no trailing `;`).
/// `protocol`: the row format the result goes out in.
pub async fn execute(
    ep: &Endpoint,
    s: &mut Session,
    sql: &str,
    protocol: Protocol,
) -> Result<Reply, SqlError> {
    let clean = understudy_sql::lexical::strip_comments(sql);
    let t = tokens(&clean).ok_or_else(|| SqlError::syntax(clean.trim()))?;
    let Some(first) = t.first() else {
        return Err(SqlError::syntax(""));
    };
    let word = match first {
        Token::Word(w) => w.to_ascii_uppercase(),
        Token::Punct('(') => "SELECT".to_owned(),
        _ => return Err(SqlError::syntax(clean.trim())),
    };
    let shows_warnings = word == "SHOW"
        && t.get(1)
            .is_some_and(|w| w.is("WARNINGS") || w.is("ERRORS") || w.is("COUNT"));
    if !shows_warnings {
        s.warnings.clear();
    }
    match word.as_str() {
        "SELECT" => match select(ep, s, &t, &clean) {
            Some(r) => r,
            None => engine_query(ep, s, &clean, protocol).await,
        },
        "WITH" | "VALUES" | "TABLE" => engine_query(ep, s, &clean, protocol).await,
        "SHOW" => show::show(ep, s, &t[1..], &clean).await,
        "DESCRIBE" | "DESC" | "EXPLAIN"
            if t.len() >= 2 && !t[1].is("SELECT") && !t[1].is("FORMAT") && !t[1].is("ANALYZE") =>
        {
            show::describe(ep, s, &t[1..]).await
        }
        "SET" => set(ep, s, &t[1..]),
        "USE" => {
            let db = t
                .get(1)
                .and_then(Token::ident)
                .ok_or_else(|| SqlError::syntax(""))?;
            use_database(ep, s, db).await?;
            Ok(Reply::ok())
        }
        "BEGIN" | "COMMIT" | "ROLLBACK" | "SAVEPOINT" | "RELEASE" => Ok(Reply::ok()),
        "START" if t.get(1).is_some_and(|w| w.is("TRANSACTION")) => {
            if t.iter().any(|w| w.is("WRITE")) {
                return Err(SqlError::read_only());
            }
            Ok(Reply::ok())
        }
        "START" | "STOP" | "CHANGE" | "RESET" if operator_statement(&t) => {
            admin_only(s)?;
            let c = ep
                .control
                .as_ref()
                .ok_or_else(|| SqlError::new(1200, "HY000", "The server is not configured as replica; fix in config file or with CHANGE REPLICATION SOURCE TO"))?;
            match word.as_str() {
                "START" => operator::start(c, s, &t[2..]).await,
                "STOP" => operator::stop(c, s, &t[2..]).await,
                "RESET" => operator::reset(c, &t[2..]).await,
                _ => {
                    let to = t
                        .iter()
                        .position(|w| w.is("TO"))
                        .ok_or_else(|| SqlError::syntax(""))?;
                    operator::change(c, &t[to + 1..]).await
                }
            }
        }
        "CHANGE" | "START" | "STOP" | "RESET" | "PURGE" | "KILL" | "FLUSH" => {
            admin_only(s)?;
            Err(SqlError::not_supported(&format!(
                "{} on this replica",
                words(&t, 2)
            )))
        }
        w if WRITES.contains(&w) => Err(SqlError::read_only()),
        _ => Err(SqlError::syntax(clean.trim())),
    }
}

/// START/STOP REPLICA|SLAVE, CHANGE REPLICATION SOURCE TO, CHANGE MASTER
/// TO.
fn operator_statement(t: &[Token]) -> bool {
    match t {
        [w, r, ..] if w.is("START") || w.is("STOP") || w.is("RESET") => {
            r.is("REPLICA") || r.is("SLAVE")
        }
        [_, r, so, to, ..] if r.is("REPLICATION") => so.is("SOURCE") && to.is("TO"),
        [_, m, to, ..] => m.is("MASTER") && to.is("TO"),
        _ => false,
    }
}

/// The first `n` tokens' text, for messages.
pub(crate) fn words(t: &[Token], n: usize) -> String {
    t.iter()
        .take(n)
        .filter_map(Token::ident)
        .map(str::to_ascii_uppercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn admin_only(s: &Session) -> Result<(), SqlError> {
    match s.role {
        Role::Admin => Ok(()),
        Role::ReadOnly => Err(SqlError::needs_privilege(
            "SUPER or REPLICATION_SLAVE_ADMIN",
        )),
    }
}

/// The store as it stands (`None`: nothing replicated yet).
pub(crate) async fn view(ep: &Endpoint) -> Result<Option<View>, SqlError> {
    ep.engine.reader().view().await.map_err(SqlError::from)
}

async fn database_exists(ep: &Endpoint, db: &str) -> Result<bool, SqlError> {
    if db.eq_ignore_ascii_case("information_schema") {
        return Ok(true);
    }
    match view(ep).await? {
        Some(v) => Ok(v.database_exists(db)?),
        None => Ok(false),
    }
}

/// `USE db` and COM_INIT_DB.
pub async fn use_database(ep: &Endpoint, s: &mut Session, db: &str) -> Result<(), SqlError> {
    if !database_exists(ep, db).await? {
        return Err(SqlError::unknown_database(db));
    }
    s.database = Some(db.to_owned());
    ep.set_database(s.connection_id, db);
    Ok(())
}

/// A query for the engine (DataFusion over the store).
async fn engine_query(
    ep: &Endpoint,
    s: &Session,
    sql: &str,
    protocol: Protocol,
) -> Result<Reply, SqlError> {
    let rows = ep
        .engine
        .query(sql, s.database.as_deref(), protocol)
        .await?;
    Ok(Reply::Rows(ResultSet {
        columns: rows.columns,
        rows: rows.rows,
    }))
}

/// A variable's value in this session.
pub(crate) fn variable(ep: &Endpoint, s: &Session, global: bool, name: &str) -> Option<Val> {
    if let Some(c) = &ep.control
        && (name == "sql_replica_skip_counter" || name == "sql_slave_skip_counter")
    {
        return Some(Val::Int(
            i64::try_from(c.skip_counter()).unwrap_or(i64::MAX),
        ));
    }
    let g = vars::globals(&ep.identity);
    let v = if global {
        None
    } else {
        s.vars.get(name).cloned()
    };
    v.or_else(|| g.get(name).cloned())
}

/// The items of a select list, split at top-level commas.
fn items(t: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, tok) in t.iter().enumerate() {
        match tok {
            Token::Punct('(') => depth += 1,
            Token::Punct(')') => depth -= 1,
            Token::Punct(',') if depth == 0 => {
                out.push(&t[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&t[start..]);
    out
}

/// How MySQL names a select item's column: the expression as written.
pub(crate) fn item_name(t: &[Token]) -> String {
    let mut out = String::new();
    for tok in t {
        match tok {
            Token::Word(w) | Token::Number(w) => {
                if out.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    out.push(' ');
                }
                out.push_str(w);
            }
            Token::Quoted(w) => out.push_str(w),
            Token::Str(v) => out.push_str(v),
            Token::SysVar(v) => {
                out.push_str("@@");
                out.push_str(v);
            }
            Token::UserVar(v) => {
                out.push('@');
                out.push_str(v);
            }
            Token::Punct(c) => out.push(*c),
        }
    }
    out
}

/// A value of a select list without FROM: (value, is a number).
fn scalar(ep: &Endpoint, s: &Session, t: &[Token]) -> Result<(Option<String>, bool), SqlError> {
    let call = |name: &str| matches!(t, [Token::Word(w), Token::Punct('('), Token::Punct(')')] if w.eq_ignore_ascii_case(name));
    Ok(match t {
        [
            Token::Word(f),
            Token::Punct('('),
            a,
            Token::Punct(','),
            b,
            Token::Punct(')'),
        ] if f.eq_ignore_ascii_case("GTID_SUBSET") || f.eq_ignore_ascii_case("GTID_SUBTRACT") => {
            let set = |t: &Token| -> Result<Option<GtidSet>, SqlError> {
                match t {
                    Token::Str(v) => v.parse::<GtidSet>().map(Some).map_err(|e| {
                        SqlError::new(
                            1772,
                            "HY000",
                            format!("Malformed GTID set specification '{v}': {e}."),
                        )
                    }),
                    Token::Word(w) if w.eq_ignore_ascii_case("NULL") => Ok(None),
                    _ => Err(SqlError::not_supported(&format!("{f} of an expression"))),
                }
            };
            match (set(a)?, set(b)?) {
                (Some(a), Some(b)) if f.eq_ignore_ascii_case("GTID_SUBSET") => {
                    (Some(u8::from(a.is_subset(&b)).to_string()), true)
                }
                (Some(a), Some(b)) => (Some(a.subtract(&b).to_string()), false),
                _ => (None, false),
            }
        }
        [Token::SysVar(v)] => {
            let (global, name) = vars::scoped(v);
            let val =
                variable(ep, s, global, &name).ok_or_else(|| SqlError::unknown_variable(&name))?;
            let n = val.is_number();
            (Some(val.select_text()), n)
        }
        [Token::UserVar(v)] => (s.user_vars.get(v).cloned().flatten(), false),
        [Token::Number(n)] => (Some(n.clone()), true),
        [Token::Punct('-'), Token::Number(n)] => (Some(format!("-{n}")), true),
        [Token::Str(v)] => (Some(v.clone()), false),
        [Token::Word(w)] if w.eq_ignore_ascii_case("NULL") => (None, false),
        [Token::Word(w)] if w.eq_ignore_ascii_case("CURRENT_USER") => {
            (Some(format!("{}@%", s.user)), false)
        }
        _ if call("DATABASE") || call("SCHEMA") => (s.database.clone(), false),
        _ if call("USER") || call("SESSION_USER") || call("SYSTEM_USER") => {
            (Some(s.user_at_host()), false)
        }
        _ if call("CURRENT_USER") => (Some(format!("{}@%", s.user)), false),
        _ if call("CONNECTION_ID") => (Some(s.connection_id.to_string()), true),
        _ if call("VERSION") => (Some(vars::SERVER_VERSION.to_owned()), false),
        _ if call("LAST_INSERT_ID") || call("ROW_COUNT") || call("FOUND_ROWS") => {
            (Some("0".into()), true)
        }
        _ => return Err(SqlError::not_supported(&format!("SELECT {}", item_name(t)))),
    })
}

/// A SELECT without FROM of what the engine does not know (system and
/// user variables, DATABASE(), …: what drivers and the mysql client
/// send); `None` for the rest, which go to the query engine.
fn select(ep: &Endpoint, s: &Session, t: &[Token], sql: &str) -> Option<Result<Reply, SqlError>> {
    let has = |f: &dyn Fn(&Token) -> bool| t.iter().any(f);
    if has(&|w| w.is("FROM")) {
        return None;
    }
    let ours = has(&|w| matches!(w, Token::SysVar(_) | Token::UserVar(_)))
        || has(&|w| {
            [
                "DATABASE",
                "SCHEMA",
                "GTID_SUBSET",
                "GTID_SUBTRACT",
                "USER",
                "CURRENT_USER",
                "SESSION_USER",
                "SYSTEM_USER",
                "CONNECTION_ID",
                "VERSION",
                "LAST_INSERT_ID",
                "ROW_COUNT",
                "FOUND_ROWS",
            ]
            .iter()
            .any(|f| w.is(f))
        });
    if !ours {
        return None;
    }
    Some(select_session(ep, s, t, sql))
}

fn select_session(ep: &Endpoint, s: &Session, t: &[Token], sql: &str) -> Result<Reply, SqlError> {
    // MySQL names a column by its item's text as written.
    let texts = understudy_query::names::item_texts(sql);
    let mut body = &t[1..];
    let mut limit = None;
    if let [rest @ .., l, Token::Number(n)] = body
        && l.is("LIMIT")
    {
        limit = Some(n.parse::<usize>().map_err(|_| SqlError::syntax(n))?);
        body = rest;
    }
    let mut columns = Vec::new();
    let mut row = Vec::new();
    let list = items(body);
    let texts = (texts.len() == list.len()).then_some(texts);
    for (n, item) in list.into_iter().enumerate() {
        let (expr, alias) = match item {
            [e @ .., a, alias] if a.is("AS") => (
                e,
                alias.ident().map(str::to_owned).or_else(|| match alias {
                    Token::Str(v) => Some(v.clone()),
                    _ => None,
                }),
            ),
            [e @ .., Token::Quoted(alias)] if !e.is_empty() => (e, Some(alias.clone())),
            e => (e, None),
        };
        if expr.is_empty() {
            return Err(SqlError::syntax(""));
        }
        let (v, number) = scalar(ep, s, expr)?;
        let written = || match (expr, &texts) {
            ([Token::Str(v)], _) => v.clone(),
            (_, Some(texts)) => texts[n].clone(),
            _ => item_name(expr),
        };
        let name = alias.unwrap_or_else(written);
        let mut c = if number {
            int_column(&name, false)
        } else {
            text_column(&name, v.as_deref().map_or(0, |v| v.chars().count() as u32))
        };
        if v.is_none() {
            c.flags &= !understudy_mysql_proto::serve::flags::NOT_NULL;
        }
        columns.push(c);
        row.push(v.map(String::into_bytes));
    }
    let rows = if limit == Some(0) { vec![] } else { vec![row] };
    Ok(Reply::Rows(ResultSet { columns, rows }))
}

/// A SET's value: a literal, ON/OFF/DEFAULT, or another variable.
fn set_value(t: &[Token]) -> Result<Option<String>, SqlError> {
    Ok(match t {
        [Token::Number(n)] => Some(n.clone()),
        [Token::Punct('-'), Token::Number(n)] => Some(format!("-{n}")),
        [Token::Str(v)] => Some(v.clone()),
        [Token::Word(w)] if w.eq_ignore_ascii_case("NULL") => None,
        [Token::Word(w)] | [Token::Quoted(w)] => Some(w.clone()),
        _ => return Err(SqlError::syntax(&item_name(t))),
    })
}

fn set(ep: &Endpoint, s: &mut Session, t: &[Token]) -> Result<Reply, SqlError> {
    match t {
        [n, cs, rest @ ..] if n.is("NAMES") => {
            let collation = match rest {
                [c, coll] if c.is("COLLATE") => coll.ident().or(match coll {
                    Token::Str(v) => Some(v.as_str()),
                    _ => None,
                }),
                _ => None,
            };
            let cs = match cs {
                Token::Str(v) => v.as_str(),
                other => other.ident().ok_or_else(|| SqlError::syntax(""))?,
            };
            for (k, v) in vars::names(cs, collation) {
                s.vars.insert(k.to_owned(), v);
            }
            return Ok(Reply::ok());
        }
        [a, b, ..] if (a.is("CHARACTER") && b.is("SET")) => return Ok(Reply::ok()),
        [a, ..] if a.is("CHARSET") => return Ok(Reply::ok()),
        [a, ..] if a.is("TRANSACTION") => return Ok(Reply::ok()),
        [a, b, ..] if (a.is("SESSION") || a.is("LOCAL")) && b.is("TRANSACTION") => {
            return Ok(Reply::ok());
        }
        _ => {}
    }
    for item in items(t) {
        let mut item = item;
        let mut global = false;
        if let Some(w) = item.first()
            && (w.is("GLOBAL") || w.is("PERSIST") || w.is("SESSION") || w.is("LOCAL"))
        {
            global = !(w.is("SESSION") || w.is("LOCAL"));
            item = &item[1..];
        }
        let eq = item
            .iter()
            .position(|t| matches!(t, Token::Punct('=')))
            .ok_or_else(|| SqlError::syntax(&item_name(item)))?;
        let (target, value) = (&item[..eq], &item[eq + 1..]);
        let value = match value {
            [Token::Punct(':'), rest @ ..] => rest,
            v => v,
        };
        match target {
            [Token::UserVar(v)] => {
                s.user_vars.insert(v.clone(), set_value(value)?);
                continue;
            }
            [Token::SysVar(v)] => {
                let (g, name) = vars::scoped(v);
                set_system(ep, s, g || global, &name, value)?;
            }
            [w] => {
                let name = w.ident().ok_or_else(|| SqlError::syntax(""))?;
                set_system(ep, s, global, &name.to_ascii_lowercase(), value)?;
            }
            _ => return Err(SqlError::syntax(&item_name(target))),
        }
    }
    Ok(Reply::ok())
}

fn set_system(
    ep: &Endpoint,
    s: &mut Session,
    global: bool,
    name: &str,
    value: &[Token],
) -> Result<(), SqlError> {
    let defaults = vars::globals(&Default::default());
    let Some(current) = defaults.get(name) else {
        return Err(SqlError::unknown_variable(name));
    };
    if name == "sql_replica_skip_counter" || name == "sql_slave_skip_counter" {
        if !global {
            return Err(SqlError::new(
                1229,
                "HY000",
                format!("Variable '{name}' is a GLOBAL variable and should be set with SET GLOBAL"),
            ));
        }
        admin_only(s)?;
        let n = set_value(value)?
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|n| *n <= u64::from(u32::MAX))
            .ok_or_else(|| {
                SqlError::new(
                    1232,
                    "42000",
                    format!("Incorrect argument type to variable '{name}'"),
                )
            })?;
        let c = ep.control.as_ref().ok_or_else(|| {
            SqlError::new(1200, "HY000", "The server is not configured as replica; fix in config file or with CHANGE REPLICATION SOURCE TO")
        })?;
        c.set_skip_counter(n);
        return Ok(());
    }
    if global {
        admin_only(s)?;
        return Err(SqlError::not_supported(&format!(
            "SET GLOBAL {name} on this replica"
        )));
    }
    let given = set_value(value)?.unwrap_or_default();
    let v = if given.eq_ignore_ascii_case("DEFAULT") {
        current.clone()
    } else {
        current.parse_like(&given).ok_or_else(|| {
            SqlError::new(
                1231,
                "42000",
                format!("Variable '{name}' can't be set to the value of '{given}'"),
            )
        })?
    };
    if name == "read_only" || name == "super_read_only" {
        return Err(SqlError::new(
            1229,
            "HY000",
            format!("Variable '{name}' is a GLOBAL variable and should be set with SET GLOBAL"),
        ));
    }
    s.vars.insert(name.to_owned(), v);
    Ok(())
}
