//! The SHOW statements: replica status, variables, warnings, databases,
//! tables, columns, CREATE TABLE, the process list.

use understudy_replica::status_report::{self, Kind};

use crate::Endpoint;
use crate::catalog_show;
use crate::error::SqlError;
use crate::lex::{Token, like};
use crate::query::{item_name, variable, view, words};
use crate::relay_show;
use crate::results::{Reply, ResultSet, int_column, text_column};
use crate::session::Session;
use crate::vars;

/// The `LIKE 'pattern'` at the end of a SHOW.
fn like_filter(t: &[Token]) -> Result<Option<String>, SqlError> {
    match t {
        [] => Ok(None),
        [l, Token::Str(p)] if l.is("LIKE") => Ok(Some(p.clone())),
        _ => Err(SqlError::not_supported(&format!("SHOW … {}", item_name(t)))),
    }
}

pub async fn show(ep: &Endpoint, s: &Session, t: &[Token], sql: &str) -> Result<Reply, SqlError> {
    let mut t = t;
    let mut global = false;
    let mut full = false;
    if let Some(w) = t.first()
        && (w.is("GLOBAL") || w.is("SESSION") || w.is("LOCAL") || w.is("FULL"))
    {
        global = w.is("GLOBAL");
        full = w.is("FULL");
        t = &t[1..];
    }
    let head = t.first().ok_or_else(|| SqlError::syntax(""))?;
    if head.is("CREATE") && t.get(1).is_some_and(|w| w.is("TABLE")) {
        let (name, _) = table_name(&t[2..])?;
        let v = view(ep).await?.ok_or_else(|| no_table(&name))?;
        let e = catalog_show::table(&v, s.database.as_deref(), &name)?;
        return Ok(Reply::Rows(catalog_show::show_create(&e)));
    }
    if head.is("COLUMNS") || head.is("FIELDS") {
        let Some(from) = t.get(1).filter(|w| w.is("FROM") || w.is("IN")) else {
            return Err(SqlError::syntax(&item_name(t)));
        };
        let _ = from;
        let (mut name, rest) = table_name(&t[2..])?;
        let rest = match rest {
            [w, db, r @ ..] if w.is("FROM") || w.is("IN") => {
                let db = db.ident().ok_or_else(|| SqlError::syntax(""))?.to_owned();
                name = vec![db, name.pop().unwrap_or_default()];
                r
            }
            r => r,
        };
        let pattern = like_filter(rest)?;
        let v = view(ep).await?.ok_or_else(|| no_table(&name))?;
        let e = catalog_show::table(&v, s.database.as_deref(), &name)?;
        let mut r = catalog_show::describe(&e, full);
        if let Some(p) = pattern {
            r.rows.retain(|row| {
                row[0]
                    .as_deref()
                    .is_some_and(|f| like(&p, &String::from_utf8_lossy(f)))
            });
        }
        return Ok(Reply::Rows(r));
    }
    if head.is("PROCESSLIST") {
        return Ok(Reply::Rows(processlist(ep, s, sql, full)));
    }
    let status_of = |rest: &[Token]| -> bool {
        rest.first().is_some_and(|w| w.is("STATUS"))
            && (rest.len() == 1 || (rest.len() == 4 && rest[1].is("FOR") && rest[2].is("CHANNEL")))
    };
    if (head.is("REPLICA") || head.is("SLAVE")) && status_of(&t[1..]) {
        return Ok(Reply::Rows(replica_status(ep, head.is("SLAVE"))));
    }
    let next_is = |w: &str| t.get(1).is_some_and(|x| x.is(w));
    if head.is("RELAYLOG") && next_is("EVENTS") {
        return relay_show::relaylog_events(ep, &t[2..]).await;
    }
    if head.is("BINLOG") && next_is("EVENTS") {
        return relay_show::binlog_events(&t[2..]);
    }
    if (head.is("BINARY") || head.is("MASTER")) && next_is("LOGS") && t.len() == 2 {
        return Err(relay_show::binary_logs());
    }
    if head.is("RELAY") && next_is("LOGS") && t.len() == 2 {
        return relay_show::relay_logs(ep);
    }
    if head.is("VARIABLES") {
        let pattern = like_filter(&t[1..])?;
        let g = vars::globals(&ep.identity);
        let rows = g
            .keys()
            .filter(|k| pattern.as_deref().is_none_or(|p| like(p, k)))
            .filter_map(|k| {
                let v = variable(ep, s, global, k)?;
                Some(vec![Some(k.clone()), Some(v.show_text())])
            })
            .collect();
        return Ok(Reply::Rows(ResultSet::strings(
            &["Variable_name", "Value"],
            rows,
        )));
    }
    if head.is("WARNINGS") || head.is("ERRORS") {
        let rows = s
            .warnings
            .iter()
            .filter(|w| head.is("WARNINGS") || w.level == "Error")
            .map(|w| {
                vec![
                    Some(w.level.to_owned()),
                    Some(w.code.to_string()),
                    Some(w.message.clone()),
                ]
            })
            .collect();
        let mut r = ResultSet::strings(&["Level", "Code", "Message"], rows);
        r.columns[1] = int_column("Code", true);
        return Ok(Reply::Rows(r));
    }
    if head.is("DATABASES") || head.is("SCHEMAS") {
        let pattern = like_filter(&t[1..])?;
        let mut dbs = vec!["information_schema".to_owned()];
        if let Some(v) = view(ep).await? {
            dbs.extend(v.databases()?);
        }
        let rows = dbs
            .into_iter()
            .filter(|d| pattern.as_deref().is_none_or(|p| like(p, d)))
            .map(|d| vec![Some(d)])
            .collect();
        return Ok(Reply::Rows(ResultSet::strings(&["Database"], rows)));
    }
    if head.is("TABLES") {
        let mut rest = &t[1..];
        let db = match rest {
            [f, db, r @ ..] if f.is("FROM") || f.is("IN") => {
                rest = r;
                db.ident().map(str::to_owned)
            }
            _ => s.database.clone(),
        }
        .ok_or_else(SqlError::no_database)?;
        let pattern = like_filter(rest)?;
        let v = view(ep).await?;
        let Some(v) = v.filter(|v| v.database_exists(&db).unwrap_or(false)) else {
            return Err(SqlError::unknown_database(&db));
        };
        let rows = v
            .tables(&db)?
            .into_iter()
            .map(|e| e.name)
            .filter(|n| pattern.as_deref().is_none_or(|p| like(p, n)))
            .map(|n| vec![Some(n)])
            .collect();
        let name = format!("Tables_in_{db}");
        return Ok(Reply::Rows(ResultSet::strings(&[&name], rows)));
    }
    Err(SqlError::not_supported(&format!("SHOW {}", words(t, 3))))
}

/// SHOW REPLICA STATUS (or SLAVE, with MySQL 8.0's names): one row,
/// every column MySQL 9.7 shows.
fn replica_status(ep: &Endpoint, old_names: bool) -> ResultSet {
    let Some(fields) = status_report::report(&ep.data_dir) else {
        // MySQL: an empty set on a server that is no replica.
        let cols: Vec<&str> = status_report::COLUMNS.iter().map(|c| c.0).collect();
        return ResultSet::strings(&cols, vec![]);
    };
    let name = |n: &str| {
        if old_names {
            status_report::old_name(n)
        } else {
            n.to_owned()
        }
    };
    let columns = fields
        .iter()
        .map(|f| {
            let w = f.value.as_deref().map_or(0, |v| v.chars().count());
            match f.kind {
                Kind::Text => text_column(&name(&f.name), w.max(20) as u32),
                Kind::Long | Kind::LongLong => {
                    let mut c = int_column(&name(&f.name), true);
                    c.length = 11;
                    if f.kind == Kind::Long {
                        c.column_type = understudy_mysql_proto::serve::types::LONG;
                    }
                    c
                }
            }
        })
        .collect();
    let row = fields
        .into_iter()
        .map(|f| f.value.map(String::into_bytes))
        .collect();
    ResultSet {
        columns,
        rows: vec![row],
    }
}

fn no_table(name: &[String]) -> SqlError {
    SqlError::new(
        1146,
        "42S02",
        format!("Table '{}' doesn't exist", name.join(".")),
    )
}

/// `t` or `db.t` at the start of `t`: the name's parts and what follows.
fn table_name(t: &[Token]) -> Result<(Vec<String>, &[Token]), SqlError> {
    match t {
        [a, Token::Punct('.'), b, rest @ ..] => {
            let (a, b) = (a.ident(), b.ident());
            match (a, b) {
                (Some(a), Some(b)) => Ok((vec![a.to_owned(), b.to_owned()], rest)),
                _ => Err(SqlError::syntax(&item_name(t))),
            }
        }
        [a, rest @ ..] => Ok((
            vec![
                a.ident()
                    .ok_or_else(|| SqlError::syntax(&item_name(t)))?
                    .to_owned(),
            ],
            rest,
        )),
        [] => Err(SqlError::syntax("")),
    }
}

/// DESCRIBE / DESC / EXPLAIN `table` [column].
pub async fn describe(ep: &Endpoint, s: &Session, t: &[Token]) -> Result<Reply, SqlError> {
    let (name, rest) = table_name(t)?;
    let v = view(ep).await?.ok_or_else(|| no_table(&name))?;
    let e = catalog_show::table(&v, s.database.as_deref(), &name)?;
    let mut r = catalog_show::describe(&e, false);
    if let Some(col) = rest.first() {
        let p = match col {
            Token::Str(p) => p.clone(),
            other => other.ident().unwrap_or_default().to_owned(),
        };
        r.rows.retain(|row| {
            row[0]
                .as_deref()
                .is_some_and(|f| like(&p, &String::from_utf8_lossy(f)))
        });
    }
    Ok(Reply::Rows(r))
}

/// SHOW [FULL] PROCESSLIST: the replication threads as MySQL lists them
/// (`system user`, their states), and the endpoint's connections.
fn processlist(ep: &Endpoint, s: &Session, sql: &str, full: bool) -> ResultSet {
    let mut rows: Vec<Vec<Option<String>>> = Vec::new();
    let status = status_report::report(&ep.data_dir).unwrap_or_default();
    let get = |n: &str| {
        status
            .iter()
            .find(|f| f.name == n)
            .and_then(|f| f.value.clone())
            .unwrap_or_default()
    };
    let thread = |id: &str, command: &str, state: String| {
        vec![
            Some(id.to_owned()),
            Some("system user".to_owned()),
            Some(String::new()),
            None,
            Some(command.to_owned()),
            Some("0".to_owned()),
            Some(state),
            None,
        ]
    };
    if get("Replica_IO_Running") != "No" && !status.is_empty() {
        rows.push(thread("1", "Connect", get("Replica_IO_State")));
    }
    if get("Replica_SQL_Running") == "Yes" {
        rows.push(thread("2", "Query", get("Replica_SQL_Running_State")));
    }
    for c in ep.connections() {
        let me = c.id == s.connection_id;
        let info: Option<String> = me.then(|| {
            let q = sql.trim().to_owned();
            if full {
                q
            } else {
                q.chars().take(100).collect()
            }
        });
        rows.push(vec![
            Some(c.id.to_string()),
            Some(c.user.clone()),
            Some(c.host.clone()),
            if me {
                s.database.clone()
            } else {
                c.database.clone()
            },
            Some(if me { "Query" } else { "Sleep" }.to_owned()),
            Some(c.since.elapsed().as_secs().to_string()),
            Some(if me { "init" } else { "" }.to_owned()),
            info,
        ]);
    }
    let mut r = ResultSet::strings(
        &[
            "Id", "User", "Host", "db", "Command", "Time", "State", "Info",
        ],
        rows,
    )
    .nullable_where_null();
    r.columns[0] = int_column("Id", true);
    r.columns[5] = int_column("Time", false);
    r
}
