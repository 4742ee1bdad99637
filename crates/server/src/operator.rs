//! The operator's statements, as a MySQL replica takes them: START /
//! STOP REPLICA [IO_THREAD | SQL_THREAD] (and the SLAVE spellings),
//! CHANGE REPLICATION SOURCE TO / CHANGE MASTER TO, and
//! `SET GLOBAL sql_replica_skip_counter` (`sql_slave_skip_counter`).
//! Admin accounts only; MySQL's errors and notes.

use std::sync::Arc;

use understudy_replica::applier::Until;
use understudy_replica::control::{ChangeError, Control, Outcome, SourceChange};

use crate::error::SqlError;
use crate::lex::Token;
use crate::results::Reply;
use crate::session::{Session, Warning};

fn channel_note(code: u16, what: &str) -> Warning {
    Warning {
        level: "Note",
        code,
        message: format!("Replication thread(s) for channel '' are already {what}."),
    }
}

fn replica_error(e: impl std::fmt::Display) -> SqlError {
    SqlError::internal(e.to_string())
}

/// Which threads a START/STOP names, and START's UNTIL clause.
struct Threads {
    io: bool,
    sql: bool,
    until: Option<Until>,
}

/// MySQL's 1277, for an UNTIL clause it cannot take.
fn bad_until() -> SqlError {
    SqlError::new(
        1277,
        "HY000",
        "Incorrect parameter or combination of parameters for START REPLICA UNTIL",
    )
}

/// The UNTIL clause of START REPLICA, and how many tokens it took:
/// `{SQL_BEFORE_GTIDS | SQL_AFTER_GTIDS} = 'set'`,
/// `SOURCE_LOG_FILE = 'f', SOURCE_LOG_POS = n` (or MASTER_…), or
/// `RELAY_LOG_FILE = 'f', RELAY_LOG_POS = n`.
fn until_clause(t: &[Token]) -> Result<(Until, usize), SqlError> {
    let word = |i: usize| t.get(i).and_then(Token::ident).map(str::to_ascii_uppercase);
    let Some(first) = word(0) else {
        return Err(SqlError::syntax(""));
    };
    let value = |i: usize| match (t.get(i + 1), t.get(i + 2)) {
        (Some(Token::Punct('=')), Some(v)) => Ok(v),
        _ => Err(SqlError::syntax(&first)),
    };
    let gtids = |i: usize| match value(i)? {
        Token::Str(set) if Until::gtids_valid(set) => Ok(set.clone()),
        Token::Str(set) => Err(SqlError::new(
            1772,
            "HY000",
            format!("Malformed GTID set specification '{set}'."),
        )),
        _ => Err(SqlError::syntax(&first)),
    };
    match first.as_str() {
        "SQL_AFTER_GTIDS" => Ok((Until::SqlAfterGtids(gtids(0)?), 3)),
        "SQL_BEFORE_GTIDS" => Ok((Until::SqlBeforeGtids(gtids(0)?), 3)),
        "SOURCE_LOG_FILE" | "MASTER_LOG_FILE" | "RELAY_LOG_FILE" => {
            let relay = first.starts_with("RELAY");
            let Token::Str(file) = value(0)? else {
                return Err(SqlError::syntax(&first));
            };
            // `, …_LOG_POS = n`: the position must name the same log.
            let pos_word = word(4).ok_or_else(bad_until)?;
            let same_log = if relay {
                pos_word == "RELAY_LOG_POS"
            } else {
                pos_word == "SOURCE_LOG_POS" || pos_word == "MASTER_LOG_POS"
            };
            if !matches!(t.get(3), Some(Token::Punct(','))) || !same_log {
                return Err(bad_until());
            }
            let pos = number::<u64>(value(4)?).ok_or_else(|| SqlError::syntax(&pos_word))?;
            let file = file.clone();
            let u = if relay {
                Until::RelayPos { file, pos }
            } else {
                Until::SourcePos { file, pos }
            };
            Ok((u, 7))
        }
        "SOURCE_LOG_POS" | "MASTER_LOG_POS" | "RELAY_LOG_POS" => Err(bad_until()),
        other => Err(SqlError::not_supported(&format!(
            "START REPLICA UNTIL {other} on this replica"
        ))),
    }
}

fn threads(rest: &[Token]) -> Result<(bool, bool), SqlError> {
    let t = thread_clause(rest)?;
    if t.until.is_some() {
        return Err(SqlError::syntax("UNTIL"));
    }
    Ok((t.io, t.sql))
}

fn thread_clause(rest: &[Token]) -> Result<Threads, SqlError> {
    let mut until = None;
    let mut io = false;
    let mut sql = false;
    let mut i = 0;
    while i < rest.len() {
        let t = &rest[i];
        if t.is("IO_THREAD") {
            io = true;
        } else if t.is("SQL_THREAD") {
            sql = true;
        } else if t.is("FOR") {
            // FOR CHANNEL '': the default channel is the only one.
            match rest.get(i + 2) {
                Some(Token::Str(c)) if c.is_empty() && rest[i + 1].is("CHANNEL") => {
                    i += 3;
                    continue;
                }
                _ => {
                    return Err(SqlError::new(
                        3074,
                        "HY000",
                        "Replica channel does not exist.",
                    ));
                }
            }
        } else if t.is("UNTIL") {
            let (u, used) = until_clause(&rest[i + 1..])?;
            until = Some(u);
            i += 1 + used;
            continue;
        } else if !matches!(t, Token::Punct(',')) {
            return Err(SqlError::syntax(&format!("{t:?}")));
        }
        i += 1;
    }
    let (io, sql) = if io || sql { (io, sql) } else { (true, true) };
    Ok(Threads { io, sql, until })
}

/// START REPLICA / START SLAVE.
pub async fn start(c: &Arc<Control>, s: &mut Session, rest: &[Token]) -> Result<Reply, SqlError> {
    let Threads { io, sql, until } = thread_clause(rest)?;
    if !c.configured() {
        return Err(change_error(ChangeError::NotConfigured));
    }
    if until.is_some() && !sql {
        s.warnings.push(Warning {
            level: "Warning",
            code: 1279,
            message: "SQL thread is not to be started so UNTIL options are ignored".into(),
        });
    }
    let mut already = true;
    if io {
        already &= c.start_io().await.map_err(replica_error)? == Outcome::AlreadyRunning;
    }
    if sql {
        let c2 = c.clone();
        let started = tokio::task::spawn_blocking(move || c2.start_sql_until(until))
            .await
            .map_err(replica_error)?
            .map_err(replica_error)?;
        already &= started == Outcome::AlreadyRunning;
    }
    if already {
        s.warnings.push(channel_note(3083, "runnning"));
    }
    Ok(Reply::ok())
}

/// STOP REPLICA / STOP SLAVE: returns once the tasks have stopped.
pub async fn stop(c: &Arc<Control>, s: &mut Session, rest: &[Token]) -> Result<Reply, SqlError> {
    let (io, sql) = threads(rest)?;
    let mut already = true;
    if io {
        already &= c.stop_io().await.map_err(replica_error)? == Outcome::AlreadyStopped;
    }
    if sql {
        let c2 = c.clone();
        let stopped = tokio::task::spawn_blocking(move || c2.stop_sql())
            .await
            .map_err(replica_error)?
            .map_err(replica_error)?;
        already &= stopped == Outcome::AlreadyStopped;
    }
    if already {
        s.warnings.push(channel_note(3084, "stopped"));
    }
    Ok(Reply::ok())
}

fn text_value(t: &Token) -> Option<String> {
    match t {
        Token::Str(v) => Some(v.clone()),
        _ => None,
    }
}

fn number<T: std::str::FromStr>(t: &Token) -> Option<T> {
    match t {
        Token::Number(n) => n.parse().ok(),
        _ => None,
    }
}

/// Options understudy knows of but does not take (yet).
const NOT_TAKEN: &[&str] = &[
    "BIND",
    "SSL_CAPATH",
    "SSL_CIPHER",
    "SSL_CRL",
    "SSL_CRLPATH",
    "TLS_VERSION",
    "TLS_CIPHERSUITES",
    "NETWORK_NAMESPACE",
    "RELAY_LOG_FILE",
    "RELAY_LOG_POS",
    "PRIVILEGE_CHECKS_USER",
    "REQUIRE_ROW_FORMAT",
    "REQUIRE_TABLE_PRIMARY_KEY_CHECK",
    "ASSIGN_GTIDS_TO_ANONYMOUS_TRANSACTIONS",
    "GTID_ONLY",
    "SOURCE_CONNECTION_AUTO_FAILOVER",
    "IGNORE_SERVER_IDS",
];

/// The options of CHANGE REPLICATION SOURCE TO / CHANGE MASTER TO.
fn change_options(t: &[Token]) -> Result<SourceChange, SqlError> {
    let mut ch = SourceChange::default();
    let mut i = 0;
    while i < t.len() {
        if t[i].is("FOR") {
            if matches!((t.get(i + 1), t.get(i + 2)), (Some(c), Some(Token::Str(n))) if c.is("CHANNEL") && n.is_empty())
                && i + 3 == t.len()
            {
                break;
            }
            return Err(SqlError::new(
                3074,
                "HY000",
                "Replica channel does not exist.",
            ));
        }
        let Some(name) = t[i].ident().map(str::to_ascii_uppercase) else {
            return Err(SqlError::syntax(&format!("{:?}", t[i])));
        };
        let (Some(Token::Punct('=')), Some(v)) = (t.get(i + 1), t.get(i + 2)) else {
            return Err(SqlError::syntax(&name));
        };
        let key = name
            .strip_prefix("SOURCE_")
            .or_else(|| name.strip_prefix("MASTER_"))
            .map(str::to_owned)
            .unwrap_or_else(|| match name.as_str() {
                "GET_SOURCE_PUBLIC_KEY" | "GET_MASTER_PUBLIC_KEY" => "GET_PUBLIC_KEY".into(),
                other => other.to_owned(),
            });
        let bad = || SqlError::syntax(&format!("{name} = {v:?}"));
        let flag = |v: &Token| number::<u8>(v).filter(|n| *n <= 1).map(|n| n == 1);
        match key.as_str() {
            "HOST" => ch.host = Some(text_value(v).ok_or_else(bad)?),
            "PORT" => ch.port = Some(number(v).ok_or_else(bad)?),
            "USER" => ch.user = Some(text_value(v).ok_or_else(bad)?),
            "PASSWORD" => ch.password = Some(text_value(v).ok_or_else(bad)?),
            "LOG_FILE" => ch.log_file = Some(text_value(v).ok_or_else(bad)?),
            "LOG_POS" => ch.log_pos = Some(number(v).ok_or_else(bad)?),
            "AUTO_POSITION" => ch.auto_position = Some(flag(v).ok_or_else(bad)?),
            "CONNECT_RETRY" => ch.connect_retry = Some(number(v).ok_or_else(bad)?),
            "RETRY_COUNT" => ch.retry_count = Some(number(v).ok_or_else(bad)?),
            "HEARTBEAT_PERIOD" => ch.heartbeat_period = Some(number(v).ok_or_else(bad)?),
            "SSL" => ch.ssl = Some(flag(v).ok_or_else(bad)?),
            "SSL_CA" => ch.ssl_ca = Some(text_value(v).ok_or_else(bad)?),
            "SSL_CERT" => ch.ssl_cert = Some(text_value(v).ok_or_else(bad)?),
            "SSL_KEY" => ch.ssl_key = Some(text_value(v).ok_or_else(bad)?),
            "SSL_VERIFY_SERVER_CERT" => ch.ssl_verify_server_cert = Some(flag(v).ok_or_else(bad)?),
            "GET_PUBLIC_KEY" => ch.get_public_key = Some(flag(v).ok_or_else(bad)?),
            "PUBLIC_KEY_PATH" => ch.public_key_path = Some(text_value(v).ok_or_else(bad)?),
            "COMPRESSION_ALGORITHMS" => {
                ch.compression_algorithms = Some(text_value(v).ok_or_else(bad)?);
            }
            "ZSTD_COMPRESSION_LEVEL" => ch.zstd_level = Some(number(v).ok_or_else(bad)?),
            "DELAY" => ch.delay = Some(number(v).ok_or_else(bad)?),
            k if NOT_TAKEN.contains(&k) => {
                return Err(SqlError::not_supported(&format!(
                    "CHANGE REPLICATION SOURCE TO {name} on this replica yet"
                )));
            }
            _ => return Err(SqlError::syntax(&name)),
        }
        i += 3;
        if matches!(t.get(i), Some(Token::Punct(','))) {
            i += 1;
        }
    }
    Ok(ch)
}

/// CHANGE REPLICATION SOURCE TO / CHANGE MASTER TO (`t` after TO).
pub async fn change(c: &Arc<Control>, t: &[Token]) -> Result<Reply, SqlError> {
    let ch = change_options(t)?;
    c.change_source(&ch).await.map_err(change_error)?;
    Ok(Reply::ok())
}

/// RESET REPLICA [ALL] [FOR CHANNEL ''].
pub async fn reset(c: &Arc<Control>, t: &[Token]) -> Result<Reply, SqlError> {
    let t = match t {
        [rest @ .., f, ch, Token::Str(name)] if f.is("FOR") && ch.is("CHANNEL") => {
            if !name.is_empty() {
                return Err(SqlError::new(
                    3074,
                    "HY000",
                    "Replica channel does not exist.",
                ));
            }
            rest
        }
        t => t,
    };
    let all = match t {
        [] => false,
        [a] if a.is("ALL") => true,
        _ => return Err(SqlError::syntax(&format!("{t:?}"))),
    };
    c.reset(all).await.map_err(change_error)?;
    Ok(Reply::ok())
}

/// A refused CHANGE / RESET / START as MySQL's error.
fn change_error(e: ChangeError) -> SqlError {
    match e {
        ChangeError::IoRunning => SqlError::new(
            3021,
            "HY000",
            "This operation cannot be performed with a running replica io thread; run STOP REPLICA IO_THREAD FOR CHANNEL '' first.",
        ),
        ChangeError::SqlRunning => SqlError::new(
            3017,
            "HY000",
            "This operation cannot be performed with a running replica sql thread; run STOP REPLICA SQL_THREAD first",
        ),
        ChangeError::PositionWithAutoPosition => SqlError::new(
            1776,
            "HY000",
            "Parameters SOURCE_LOG_FILE, SOURCE_LOG_POS, RELAY_LOG_FILE and RELAY_LOG_POS cannot be set when SOURCE_AUTO_POSITION is active.",
        ),
        ChangeError::ThreadsRunning => SqlError::new(
            3081,
            "HY000",
            "This operation cannot be performed with running replication threads; run STOP REPLICA FOR CHANNEL '' first",
        ),
        ChangeError::NotConfigured => SqlError::new(
            1200,
            "HY000",
            "The server is not configured as replica; fix in config file or with CHANGE REPLICATION SOURCE TO",
        ),
        ChangeError::BadCompression(name) => SqlError::new(
            3920,
            "HY000",
            format!("Invalid SOURCE_COMPRESSION_ALGORITHMS '{name}' for channel ''."),
        ),
        ChangeError::Other(m) => SqlError::internal(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lex::tokens;

    #[test]
    fn change_options_in_both_spellings() {
        let t = tokens("SOURCE_HOST='h', MASTER_PORT=3306, SOURCE_LOG_FILE='b.000002', SOURCE_LOG_POS=157, GET_MASTER_PUBLIC_KEY=1 FOR CHANNEL ''").unwrap();
        let ch = change_options(&t).unwrap();
        assert_eq!(ch.host.as_deref(), Some("h"));
        assert_eq!(ch.port, Some(3306));
        assert_eq!(ch.log_file.as_deref(), Some("b.000002"));
        assert_eq!(ch.log_pos, Some(157));
        assert_eq!(ch.get_public_key, Some(true));
        let e = change_options(&tokens("SOURCE_BIND='x'").unwrap()).unwrap_err();
        assert_eq!(e.code, 1235);
        let ch = change_options(
            &tokens("SOURCE_DELAY=10, SOURCE_COMPRESSION_ALGORITHMS='zstd', SOURCE_ZSTD_COMPRESSION_LEVEL=7").unwrap(),
        )
        .unwrap();
        assert_eq!(
            (
                ch.delay,
                ch.compression_algorithms.as_deref(),
                ch.zstd_level
            ),
            (Some(10), Some("zstd"), Some(7))
        );
        assert_eq!(
            change_options(&tokens("SOURCE_BOGUS=1").unwrap())
                .unwrap_err()
                .code,
            1064
        );
        assert_eq!(
            change_options(&tokens("SOURCE_PORT='x'").unwrap())
                .unwrap_err()
                .code,
            1064
        );
        assert_eq!(
            threads(&tokens("IO_THREAD").unwrap()).unwrap(),
            (true, false)
        );
        assert_eq!(threads(&[]).unwrap(), (true, true));
    }

    #[test]
    fn until_clauses() {
        let until = |q: &str| thread_clause(&tokens(q).unwrap()).map(|t| (t.io, t.sql, t.until));
        assert_eq!(
            until("SQL_THREAD UNTIL SOURCE_LOG_FILE='binlog.000002', SOURCE_LOG_POS=157").unwrap(),
            (
                false,
                true,
                Some(Until::SourcePos {
                    file: "binlog.000002".into(),
                    pos: 157
                })
            )
        );
        assert_eq!(
            until("UNTIL RELAY_LOG_FILE='r.000003', RELAY_LOG_POS=4")
                .unwrap()
                .2,
            Some(Until::RelayPos {
                file: "r.000003".into(),
                pos: 4
            })
        );
        let uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562:5";
        assert_eq!(
            until(&format!("SQL_THREAD UNTIL SQL_BEFORE_GTIDS='{uuid}'"))
                .unwrap()
                .2,
            Some(Until::SqlBeforeGtids(uuid.into()))
        );
        for (q, code) in [
            ("UNTIL SOURCE_LOG_FILE='b.000001', RELAY_LOG_POS=4", 1277),
            ("UNTIL SOURCE_LOG_POS=4", 1277),
            ("UNTIL SOURCE_LOG_FILE='b.000001'", 1277),
            ("UNTIL SQL_AFTER_GTIDS='nonsense'", 1772),
            ("UNTIL SQL_AFTER_MTS_GAPS", 1235),
        ] {
            assert_eq!(until(q).unwrap_err().code, code, "{q}");
        }
    }
}
