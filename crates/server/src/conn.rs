//! One client connection: the greeting, authentication against the
//! account's stored hashes, then commands until COM_QUIT.

use std::sync::Arc;

use rand_core::{OsRng, RngCore};
use tokio::io::{AsyncRead, AsyncWrite};
use understudy_mysql_proto::auth::{CACHING_SHA2, NATIVE};
use understudy_mysql_proto::binary::{binary_row, execute_stmt_id, parse_execute, prepare_ok};
use understudy_mysql_proto::handshake::caps;
use understudy_mysql_proto::response::MORE_RESULTS_EXISTS;
use understudy_mysql_proto::serve::{
    self, FAST_AUTH_OK, Greeting, Hello, STATUS_AUTOCOMMIT, auth_switch, parse_hello,
};

use crate::Endpoint;
use crate::error::SqlError;
use crate::lex::split_statements;
use crate::prepared::{Statements, bind};
use crate::query;
use crate::results::{Reply, ResultSet, text_column};
use crate::session::Session;
use crate::vars::SERVER_VERSION;
use crate::wire::Wire;
use understudy_query::Protocol;

const COM_QUIT: u8 = 0x01;
const COM_INIT_DB: u8 = 0x02;
const COM_QUERY: u8 = 0x03;
const COM_FIELD_LIST: u8 = 0x04;
const COM_PING: u8 = 0x0e;
const COM_STMT_PREPARE: u8 = 0x16;
const COM_STMT_EXECUTE: u8 = 0x17;
const COM_STMT_SEND_LONG_DATA: u8 = 0x18;
const COM_STMT_CLOSE: u8 = 0x19;
const COM_STMT_RESET: u8 = 0x1a;
const COM_RESET_CONNECTION: u8 = 0x1f;

/// What the endpoint offers clients.
const CAPABILITIES: u32 = caps::LONG_PASSWORD
    | caps::FOUND_ROWS
    | caps::LONG_FLAG
    | caps::CONNECT_WITH_DB
    | caps::PROTOCOL_41
    | caps::TRANSACTIONS
    | caps::SECURE_CONNECTION
    | caps::MULTI_STATEMENTS
    | caps::MULTI_RESULTS
    | caps::PS_MULTI_RESULTS
    | caps::PLUGIN_AUTH
    | caps::CONNECT_ATTRS
    | caps::PLUGIN_AUTH_LENENC_CLIENT_DATA
    | caps::DEPRECATE_EOF;

/// A scramble of 20 printable bytes (never NUL: it travels NUL-ended).
fn scramble() -> [u8; 20] {
    let mut s = [0u8; 20];
    OsRng.fill_bytes(&mut s);
    for b in &mut s {
        *b = 0x21 + (*b % 0x5e);
    }
    s
}

type Io = std::io::Result<()>;

/// Serves one client until it quits or the connection breaks.
pub async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    host: String,
    ep: Arc<Endpoint>,
    connection_id: u32,
) -> Io {
    let mut w = Wire::new(stream);
    let scramble = scramble();
    let offered = CAPABILITIES | if ep.tls.is_some() { caps::SSL } else { 0 };
    w.send(
        &Greeting {
            server_version: SERVER_VERSION,
            connection_id,
            scramble: &scramble,
            capabilities: offered,
            collation: 255,
            status: STATUS_AUTOCOMMIT,
            auth_plugin: CACHING_SHA2,
        }
        .encode(),
    );
    w.flush().await?;
    let Some(p) = w.read().await? else {
        return Ok(());
    };
    match parse_hello(&p) {
        Ok(Hello::Response(r)) => session(w, r, &scramble, host, ep, connection_id).await,
        Ok(Hello::SslRequest { .. }) => {
            let Some(acceptor) = ep.tls.clone() else {
                return refuse(
                    &mut w,
                    &SqlError::new(1043, "08S01", "Bad handshake: this endpoint has no TLS"),
                )
                .await;
            };
            let tls = acceptor.0.accept(w.into_inner()).await?;
            let mut w = Wire::new(tls);
            let Some(p) = w.read().await? else {
                return Ok(());
            };
            match parse_hello(&p) {
                Ok(Hello::Response(r)) => session(w, r, &scramble, host, ep, connection_id).await,
                _ => refuse(&mut w, &SqlError::new(1043, "08S01", "Bad handshake")).await,
            }
        }
        Err(e) => {
            refuse(
                &mut w,
                &SqlError::new(1043, "08S01", format!("Bad handshake: {e}")),
            )
            .await
        }
    }
}

/// After the handshake response: authentication, then commands.
async fn session<S: AsyncRead + AsyncWrite + Unpin>(
    mut w: Wire<S>,
    hello: serve::ClientResponse,
    scramble: &[u8; 20],
    host: String,
    ep: Arc<Endpoint>,
    connection_id: u32,
) -> Io {
    let caps_used = hello.capabilities & CAPABILITIES;
    let Some(mut session) =
        authenticate(&mut w, &ep, &hello, scramble, &host, connection_id).await?
    else {
        return Ok(());
    };
    let _listed = ep.register(connection_id, &session.user, &host);
    if let Some(db) = &hello.database
        && let Err(e) = query::use_database(&ep, &mut session, db).await
    {
        return refuse(&mut w, &e).await;
    }
    w.send(&serve::ok(0, 0, STATUS_AUTOCOMMIT, 0, false));
    w.flush().await?;
    tracing::debug!(connection_id, user = %session.user, "client connected");
    let deprecate_eof = caps_used & caps::DEPRECATE_EOF != 0;
    let mut statements = Statements::default();
    while let Some(p) = w.read().await? {
        let Some((&cmd, body)) = p.split_first() else {
            continue;
        };
        match cmd {
            COM_QUIT => return Ok(()),
            COM_PING | COM_RESET_CONNECTION => {
                if cmd == COM_RESET_CONNECTION {
                    session.vars.clear();
                    session.user_vars.clear();
                    statements.clear();
                }
                w.send(&serve::ok(0, 0, STATUS_AUTOCOMMIT, 0, false));
            }
            COM_STMT_PREPARE => {
                let sql = String::from_utf8_lossy(body).into_owned();
                let (id, params) = statements.prepare(&sql);
                w.send(&prepare_ok(
                    id,
                    0,
                    params.min(usize::from(u16::MAX)) as u16,
                    0,
                ));
                if params > 0 {
                    for _ in 0..params {
                        w.send(&text_column("?", 0).encode());
                    }
                    if !deprecate_eof {
                        w.send(&serve::eof(0, STATUS_AUTOCOMMIT));
                    }
                }
            }
            COM_STMT_EXECUTE => {
                let sql = match bound_statement(&mut statements, body) {
                    Ok(sql) => sql,
                    Err(e) => {
                        send_err(&mut w, &e);
                        w.flush().await?;
                        continue;
                    }
                };
                match query::execute(&ep, &mut session, &sql, Protocol::Binary).await {
                    Ok(Reply::Ok { affected }) => {
                        w.send(&serve::ok(affected, 0, STATUS_AUTOCOMMIT, 0, false));
                    }
                    Ok(Reply::Rows(rs)) => {
                        send_binary_rows(&mut w, &rs, deprecate_eof).await?;
                    }
                    Err(e) => send_err(&mut w, &e),
                }
            }
            COM_STMT_SEND_LONG_DATA => {
                // No answer, whatever happens (the protocol has none).
                if let [a, b, c, d, p0, p1, data @ ..] = body {
                    let id = u32::from_le_bytes([*a, *b, *c, *d]);
                    let i = usize::from(u16::from_le_bytes([*p0, *p1]));
                    if let Some(slot) = statements.get_mut(id).and_then(|s| s.long_data.get_mut(i))
                    {
                        slot.get_or_insert_with(Vec::new).extend_from_slice(data);
                    }
                }
                continue;
            }
            COM_STMT_CLOSE => {
                if let [a, b, c, d, ..] = body {
                    statements.close(u32::from_le_bytes([*a, *b, *c, *d]));
                }
                continue;
            }
            COM_STMT_RESET => {
                let id = body
                    .get(..4)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
                match id.and_then(|id| statements.get_mut(id)) {
                    Some(st) => {
                        st.long_data.iter_mut().for_each(|d| *d = None);
                        w.send(&serve::ok(0, 0, STATUS_AUTOCOMMIT, 0, false));
                    }
                    None => send_err(&mut w, &unknown_statement(id.unwrap_or(0))),
                }
            }
            COM_FIELD_LIST => {
                let table = body.split(|&b| b == 0).next().unwrap_or_default();
                let table = String::from_utf8_lossy(table).into_owned();
                let sql = format!("SELECT * FROM `{}` LIMIT 0", table.replace('`', "``"));
                match query::execute(&ep, &mut session, &sql, Protocol::Text).await {
                    Ok(Reply::Rows(rs)) => {
                        for c in &rs.columns {
                            let mut def = c.encode();
                            def.push(0xfb);
                            w.send(&def);
                        }
                        w.send(&if deprecate_eof {
                            serve::ok(0, 0, STATUS_AUTOCOMMIT, 0, true)
                        } else {
                            serve::eof(0, STATUS_AUTOCOMMIT)
                        });
                    }
                    Ok(Reply::Ok { .. }) => send_err(&mut w, &SqlError::unknown_command()),
                    Err(e) => send_err(&mut w, &e),
                }
            }
            COM_INIT_DB => {
                let db = String::from_utf8_lossy(body).into_owned();
                match query::use_database(&ep, &mut session, &db).await {
                    Ok(()) => w.send(&serve::ok(0, 0, STATUS_AUTOCOMMIT, 0, false)),
                    Err(e) => send_err(&mut w, &e),
                }
            }
            COM_QUERY => {
                let sql = String::from_utf8_lossy(body).into_owned();
                run_queries(&mut w, &ep, &mut session, &sql, caps_used, deprecate_eof).await?;
            }
            _ => send_err(&mut w, &SqlError::unknown_command()),
        }
        w.flush().await?;
    }
    Ok(())
}

async fn refuse<S: AsyncRead + AsyncWrite + Unpin>(w: &mut Wire<S>, e: &SqlError) -> Io {
    send_err(w, e);
    w.flush().await
}

fn send_err<S: AsyncRead + AsyncWrite + Unpin>(w: &mut Wire<S>, e: &SqlError) {
    w.send(&serve::err(e.code, e.state, &e.message));
}

/// Checks the client's answer for the account's password; answers with
/// an auth switch to caching_sha2_password when the client used another
/// plugin. `None`: refused (the ERR was sent).
async fn authenticate<S: AsyncRead + AsyncWrite + Unpin>(
    w: &mut Wire<S>,
    ep: &Endpoint,
    hello: &serve::ClientResponse,
    scramble: &[u8; 20],
    host: &str,
    connection_id: u32,
) -> std::io::Result<Option<Session>> {
    let account = ep.accounts.find(&hello.user);
    let mut plugin = hello
        .auth_plugin
        .clone()
        .unwrap_or_else(|| CACHING_SHA2.to_owned());
    let mut response = hello.auth_response.clone();
    if plugin != CACHING_SHA2 && plugin != NATIVE {
        w.send(&auth_switch(CACHING_SHA2, scramble));
        w.flush().await?;
        let Some(p) = w.read().await? else {
            return Ok(None);
        };
        plugin = CACHING_SHA2.to_owned();
        response = p;
    }
    let ok = account.is_some_and(|a| {
        if response.is_empty() {
            a.password.check_clear(b"")
        } else if plugin == NATIVE {
            a.password.check_native(scramble, &response)
        } else {
            a.password.check_sha2(scramble, &response)
        }
    });
    match account {
        Some(a) if ok => {
            if plugin == CACHING_SHA2 && !response.is_empty() {
                w.send(&FAST_AUTH_OK);
            }
            Ok(Some(Session::new(connection_id, &a.name, host, a.role)))
        }
        _ => {
            tracing::info!(user = %hello.user, %host, "access denied");
            refuse(
                w,
                &SqlError::access_denied(&hello.user, host, !response.is_empty()),
            )
            .await?;
            Ok(None)
        }
    }
}

/// Runs a COM_QUERY's statements; the first error ends them.
async fn run_queries<S: AsyncRead + AsyncWrite + Unpin>(
    w: &mut Wire<S>,
    ep: &Endpoint,
    session: &mut Session,
    sql: &str,
    caps_used: u32,
    deprecate_eof: bool,
) -> Io {
    let statements = if caps_used & caps::MULTI_STATEMENTS != 0 {
        split_statements(sql)
    } else {
        vec![sql.to_owned()]
    };
    if statements.is_empty() {
        send_err(w, &SqlError::new(1065, "42000", "Query was empty"));
        return Ok(());
    }
    let n = statements.len();
    for (i, stmt) in statements.iter().enumerate() {
        let more = if i + 1 < n { MORE_RESULTS_EXISTS } else { 0 };
        let status = STATUS_AUTOCOMMIT | more;
        match query::execute(ep, session, stmt, Protocol::Text).await {
            Ok(Reply::Ok { affected }) => {
                let warnings = session.warnings.len().min(usize::from(u16::MAX)) as u16;
                w.send(&serve::ok(affected, 0, status, warnings, false));
            }
            Ok(Reply::Rows(rs)) => send_rows(w, &rs, status, deprecate_eof).await?,
            Err(e) => {
                tracing::debug!(statement = %stmt.trim(), "{e}");
                send_err(w, &e);
                return Ok(());
            }
        }
    }
    Ok(())
}

/// A result set's head: the column count, the definitions, and (before
/// CLIENT_DEPRECATE_EOF) an EOF.
fn send_columns<S: AsyncRead + AsyncWrite + Unpin>(
    w: &mut Wire<S>,
    rs: &ResultSet,
    status: u16,
    deprecate_eof: bool,
) {
    let mut count = Vec::new();
    understudy_mysql_proto::wire::put_lenenc_int(&mut count, rs.columns.len() as u64);
    w.send(&count);
    for c in &rs.columns {
        w.send(&c.encode());
    }
    if !deprecate_eof {
        w.send(&serve::eof(0, status));
    }
}

/// A text result set: column count, definitions, rows, and the end
/// marker (OK-as-EOF with CLIENT_DEPRECATE_EOF, EOF before it).
async fn send_rows<S: AsyncRead + AsyncWrite + Unpin>(
    w: &mut Wire<S>,
    rs: &ResultSet,
    status: u16,
    deprecate_eof: bool,
) -> Io {
    send_columns(w, rs, status, deprecate_eof);
    for row in &rs.rows {
        w.send(&serve::text_row(row.iter().map(|v| v.as_deref())));
        if w.pending() > 1 << 20 {
            w.flush().await?;
        }
    }
    if deprecate_eof {
        w.send(&serve::ok(0, 0, status, 0, true));
    } else {
        w.send(&serve::eof(0, status));
    }
    Ok(())
}

/// ER_UNKNOWN_STMT_HANDLER.
fn unknown_statement(id: u32) -> SqlError {
    SqlError::new(
        1243,
        "HY000",
        format!("Unknown prepared statement handler ({id}) given to mysqld_stmt_execute"),
    )
}

/// A COM_STMT_EXECUTE's statement with its values in place.
fn bound_statement(statements: &mut Statements, body: &[u8]) -> Result<String, SqlError> {
    let bad = |e: understudy_mysql_proto::ProtoError| {
        SqlError::new(
            1210,
            "HY000",
            format!("Incorrect arguments to mysqld_stmt_execute: {e}"),
        )
    };
    let id = execute_stmt_id(body).map_err(bad)?;
    let st = statements
        .get_mut(id)
        .ok_or_else(|| unknown_statement(id))?;
    let long: Vec<bool> = st.long_data.iter().map(Option::is_some).collect();
    let mut e = parse_execute(body, st.params, &st.types, &long).map_err(bad)?;
    for (p, d) in e.params.iter_mut().zip(st.long_data.iter_mut()) {
        if let Some(data) = d.take() {
            *p = understudy_mysql_proto::binary::Param::Bytes(data);
        }
    }
    st.types = e.types;
    Ok(bind(&st.sql, &e.params))
}

/// A result set in the binary protocol (COM_STMT_EXECUTE's answer).
async fn send_binary_rows<S: AsyncRead + AsyncWrite + Unpin>(
    w: &mut Wire<S>,
    rs: &ResultSet,
    deprecate_eof: bool,
) -> Io {
    send_columns(w, rs, STATUS_AUTOCOMMIT, deprecate_eof);
    let types: Vec<(u8, bool)> = rs
        .columns
        .iter()
        .map(|c| (c.column_type, c.flags & serve::flags::UNSIGNED != 0))
        .collect();
    for row in &rs.rows {
        let values: Vec<Option<&[u8]>> = row.iter().map(|v| v.as_deref()).collect();
        match binary_row(&types, &values) {
            Ok(r) => w.send(&r),
            Err(e) => {
                // Cannot happen for values the endpoint rendered itself;
                // the client gets the error instead of a wrong row.
                send_err(w, &SqlError::internal(format!("binary row: {e}")));
                return Ok(());
            }
        }
        if w.pending() > 1 << 20 {
            w.flush().await?;
        }
    }
    w.send(&if deprecate_eof {
        serve::ok(0, 0, STATUS_AUTOCOMMIT, 0, true)
    } else {
        serve::eof(0, STATUS_AUTOCOMMIT)
    });
    Ok(())
}
