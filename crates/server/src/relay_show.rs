//! The relay log, as an operator looks at it: `SHOW RELAYLOG EVENTS [IN
//! 'file'] [FROM pos] [LIMIT [offset,] n]` with MySQL's columns and rows,
//! `SHOW RELAY LOGS` listing the files as `SHOW BINARY LOGS` lists a
//! server's binlogs, and the binlog statements of a server that writes
//! none (understudy keeps no binary log of its own).

use std::io::Read;
use std::path::{Path, PathBuf};

use understudy_binlog::ReadError;
use understudy_binlog::relay::parse_index;
use understudy_dumper::{ShowEventRow, ShowEvents, ShowEventsError};
use understudy_mysql_proto::serve::{BINARY_COLLATION, Column, flags, types};

use crate::Endpoint;
use crate::error::SqlError;
use crate::lex::Token;
use crate::results::{Reply, ResultSet, text_column};

/// The arguments of SHOW RELAYLOG EVENTS / SHOW BINLOG EVENTS.
#[derive(Debug, Default, PartialEq, Eq)]
struct EventsArgs {
    file: Option<String>,
    from: u64,
    offset: u64,
    count: Option<u64>,
}

fn number(t: Option<&Token>) -> Result<u64, SqlError> {
    match t {
        Some(Token::Number(n)) => n.parse().map_err(|_| SqlError::syntax(n)),
        other => Err(SqlError::syntax(&format!("{other:?}"))),
    }
}

/// `[IN 'file'] [FROM pos] [LIMIT [offset,] n] [FOR CHANNEL '']`.
fn events_args(t: &[Token]) -> Result<EventsArgs, SqlError> {
    let mut a = EventsArgs::default();
    let mut i = 0;
    if t.first().is_some_and(|w| w.is("IN")) {
        match t.get(1) {
            Some(Token::Str(f)) => a.file = Some(f.clone()),
            _ => return Err(SqlError::syntax("IN")),
        }
        i = 2;
    }
    if t.get(i).is_some_and(|w| w.is("FROM")) {
        a.from = number(t.get(i + 1))?;
        i += 2;
    }
    if t.get(i).is_some_and(|w| w.is("LIMIT")) {
        let first = number(t.get(i + 1))?;
        if matches!(t.get(i + 2), Some(Token::Punct(','))) {
            a.offset = first;
            a.count = Some(number(t.get(i + 3))?);
            i += 4;
        } else {
            a.count = Some(first);
            i += 2;
        }
    }
    match &t[i.min(t.len())..] {
        [] => Ok(a),
        [f, c, Token::Str(name)] if f.is("FOR") && c.is("CHANNEL") => {
            if name.is_empty() {
                Ok(a)
            } else {
                Err(SqlError::new(
                    3074,
                    "HY000",
                    format!("Replica channel '{name}' does not exist."),
                ))
            }
        }
        rest => Err(SqlError::syntax(&format!("{:?}", rest.first()))),
    }
}

fn int_column(name: &str, column_type: u8, length: u32) -> Column {
    Column {
        name: name.to_owned(),
        collation: BINARY_COLLATION,
        length,
        column_type,
        flags: flags::NOT_NULL | flags::UNSIGNED | flags::BINARY | flags::NUM,
        ..Column::default()
    }
}

/// MySQL 9.7's columns of SHOW BINLOG / RELAYLOG EVENTS.
fn events_columns() -> Vec<Column> {
    vec![
        text_column("Log_name", 20),
        int_column("Pos", types::LONGLONG, 12),
        text_column("Event_type", 20),
        int_column("Server_id", types::LONG, 11),
        int_column("End_log_pos", types::LONGLONG, 12),
        text_column("Info", 20),
    ]
}

/// The relay log's index file: the one the running replica names, or the
/// one in the data directory.
fn relay_index(ep: &Endpoint) -> Option<PathBuf> {
    if let Some(c) = &ep.control {
        return Some(c.relay_index());
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(&ep.data_dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with("-relay-bin.index"))
        })
        .collect();
    found.sort();
    found.pop()
}

/// The relay log's files, oldest first (none before the first start).
fn relay_files(ep: &Endpoint) -> Result<Vec<String>, SqlError> {
    let Some(index) = relay_index(ep) else {
        return Ok(Vec::new());
    };
    match std::fs::read_to_string(&index) {
        Ok(t) => Ok(parse_index(&t).into_iter().map(str::to_owned).collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(SqlError::internal(format!("{}: {e}", index.display()))),
    }
}

fn events_error(what: &str, detail: &str) -> SqlError {
    SqlError::new(
        1220,
        "HY000",
        format!("Error when executing command {what}: {detail}"),
    )
}

/// The rows of `path` from `a.from` on, within the LIMIT. A relay log
/// can be large: it is read in growing prefixes until the rows asked for
/// are in (an event cut by the prefix's end is read again with more). An
/// event cut by the file's end is the one the I/O task is writing: the
/// rows stop before it.
fn file_rows(path: &Path, a: &EventsArgs) -> Result<Vec<ShowEventRow>, String> {
    if a.count == Some(0) {
        return Ok(Vec::new());
    }
    let mut f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let len = f
        .metadata()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    let mut buf = Vec::new();
    let mut want = len.min(4 << 20);
    loop {
        let have = buf.len() as u64;
        let got = (&mut f)
            .take(want - have)
            .read_to_end(&mut buf)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        // The file may have been cut shorter meanwhile (a torn tail
        // removed): its end is then reached early.
        let whole = buf.len() as u64 >= len || (got as u64) < want - have;
        let mut rows = Vec::new();
        let mut skip = a.offset;
        let events = ShowEvents::new(&buf).map_err(|e| format!("{}: {e}", path.display()))?;
        for r in events {
            match r {
                Ok(row) if row.pos < a.from => {}
                Ok(_) if skip > 0 => skip -= 1,
                Ok(row) => {
                    rows.push(row);
                    if a.count.is_some_and(|n| rows.len() as u64 >= n) {
                        return Ok(rows);
                    }
                }
                Err(ShowEventsError::Read(
                    ReadError::TruncatedHeader { .. } | ReadError::TruncatedEvent { .. },
                )) => break,
                Err(e) => return Err(format!("{}: {e}", path.display())),
            }
        }
        if whole {
            return Ok(rows);
        }
        want = len.min(want.saturating_mul(4));
    }
}

/// SHOW RELAYLOG EVENTS: the first relay log file unless IN names one.
pub async fn relaylog_events(ep: &Endpoint, t: &[Token]) -> Result<Reply, SqlError> {
    const WHAT: &str = "SHOW RELAYLOG EVENTS";
    let a = events_args(t)?;
    let files = relay_files(ep)?;
    let name = match &a.file {
        Some(f) if files.iter().any(|x| x == f) => f.clone(),
        Some(_) => return Err(events_error(WHAT, "Could not find target log")),
        None => match files.first() {
            Some(f) => f.clone(),
            None => {
                return Ok(Reply::Rows(ResultSet {
                    columns: events_columns(),
                    rows: Vec::new(),
                }));
            }
        },
    };
    let path = ep.data_dir.join(&name);
    let rows = tokio::task::spawn_blocking(move || file_rows(&path, &a))
        .await
        .map_err(|e| SqlError::internal(e.to_string()))?
        .map_err(|e| events_error(WHAT, &e))?;
    let rows = rows
        .into_iter()
        .map(|r| {
            vec![
                Some(name.clone().into_bytes()),
                Some(r.pos.to_string().into_bytes()),
                Some(r.event_type.as_bytes().to_vec()),
                Some(r.server_id.to_string().into_bytes()),
                Some(r.end_log_pos.to_string().into_bytes()),
                Some(r.info),
            ]
        })
        .collect();
    Ok(Reply::Rows(ResultSet {
        columns: events_columns(),
        rows,
    }))
}

/// SHOW BINLOG EVENTS: the replica writes no binary log, so (as a MySQL
/// server running without one) the list is empty.
pub fn binlog_events(t: &[Token]) -> Result<Reply, SqlError> {
    let a = events_args(t)?;
    if a.file.is_some() {
        return Err(events_error(
            "SHOW BINLOG EVENTS",
            "Could not find target log",
        ));
    }
    Ok(Reply::Rows(ResultSet {
        columns: events_columns(),
        rows: Vec::new(),
    }))
}

/// SHOW BINARY LOGS / SHOW MASTER LOGS, as on a server without a binary
/// log.
pub fn binary_logs() -> SqlError {
    SqlError::new(1381, "HY000", "You are not using binary logging")
}

/// SHOW RELAY LOGS: the relay log's files, as SHOW BINARY LOGS lists a
/// server's binlogs (`Log_name`, `File_size`, `Encrypted`).
pub fn relay_logs(ep: &Endpoint) -> Result<Reply, SqlError> {
    let rows = relay_files(ep)?
        .into_iter()
        .filter_map(|name| {
            // A file the relay log purged a moment ago is left out.
            let size = std::fs::metadata(ep.data_dir.join(&name)).ok()?.len();
            Some(vec![
                Some(name.into_bytes()),
                Some(size.to_string().into_bytes()),
                Some(b"No".to_vec()),
            ])
        })
        .collect();
    Ok(Reply::Rows(ResultSet {
        columns: vec![
            text_column("Log_name", 255),
            int_column("File_size", types::LONGLONG, 21),
            text_column("Encrypted", 3),
        ],
        rows,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lex::tokens;

    #[test]
    fn events_arguments() {
        let a = |q: &str| events_args(&tokens(q).unwrap());
        assert_eq!(a("").unwrap(), EventsArgs::default());
        assert_eq!(
            a("IN 'r.000002' FROM 157 LIMIT 2, 5 FOR CHANNEL ''").unwrap(),
            EventsArgs {
                file: Some("r.000002".into()),
                from: 157,
                offset: 2,
                count: Some(5)
            }
        );
        assert_eq!(a("LIMIT 3").unwrap().count, Some(3));
        assert_eq!(a("FOR CHANNEL 'x'").unwrap_err().code, 3074);
        assert_eq!(a("FROM 'x'").unwrap_err().code, 1064);
        assert_eq!(a("LIMIT 1 IN 'a'").unwrap_err().code, 1064);
    }

    #[test]
    fn rows_from_a_position_within_a_limit_and_before_a_cut_tail() {
        let dir = tempfile::tempdir().unwrap();
        // A real relay log of the repository's test data.
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/relay/mysql97/relay-bin.000002");
        let bytes = std::fs::read(&src).unwrap();
        let all = understudy_dumper::show_events(&bytes).unwrap();
        assert!(all.len() > 6, "{}", all.len());
        let path = dir.path().join("r.000001");
        std::fs::write(&path, &bytes).unwrap();
        let args = |from, offset, count| EventsArgs {
            file: None,
            from,
            offset,
            count,
        };
        assert_eq!(file_rows(&path, &args(0, 0, None)).unwrap(), all);
        assert!(file_rows(&path, &args(0, 0, Some(0))).unwrap().is_empty());
        // FROM a position inside an event: from the next one on, as
        // MySQL 9.7 does.
        let got = file_rows(&path, &args(all[2].pos + 1, 1, Some(2))).unwrap();
        assert_eq!(got, all[4..6].to_vec());
        // A tail being written is left out.
        let cut = all[5].pos as usize + 3;
        std::fs::write(&path, &bytes[..cut]).unwrap();
        assert_eq!(file_rows(&path, &args(0, 0, None)).unwrap(), all[..5]);
    }
}
