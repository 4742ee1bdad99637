//! `show_events` against the servers themselves: each provisioned server
//! runs a workload (statement, row and mixed formats, DDL, multi-row and
//! multi-table transactions, user variables, INSERT_ID, RAND, LOAD DATA,
//! XA, rows-query / annotate events, MySQL's compressed transactions,
//! partial JSON updates, tagged and anonymous GTIDs, MariaDB's GTIDs,
//! group commit ids and compressed events, rotations and a restart), then
//! every binlog file's `SHOW BINLOG EVENTS IN 'file'` must equal
//! `show_events` over that file's bytes, row for row and byte for byte.
//!
//! Needs the test bed (`make testbed`); without it the tests fail and say
//! how to provision. MariaDB 11.8 is tested when it was provisioned. Set
//! `SHOW_EVENTS_DUMP=DIR` to keep the servers' rows in DIR.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::thread;
use std::time::Duration;

use understudy_dumper::show_events::{ShowEventRow, ShowEvents, show_events};
use understudy_testbed::{Server, ServerKind, ServerOptions, Testbed};

/// A field as the client prints it in batch mode without `--raw`.
fn escaped(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            0 => out.extend_from_slice(b"\\0"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b => out.push(b),
        }
    }
    out
}

/// Our rows as the client's lines, `Log_name` first.
fn our_lines(name: &str, rows: &[ShowEventRow]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            let info = escaped(&r.info);
            format!(
                "{name}\t{}\t{}\t{}\t{}\t{}",
                r.pos,
                r.event_type,
                r.server_id,
                r.end_log_pos,
                String::from_utf8_lossy(&info)
            )
        })
        .collect()
}

/// Compares every binlog file of `server` with the server's own rows; also
/// checks `FROM pos LIMIT` against the server on each file. Returns the
/// number of rows compared and the event types seen.
fn compare_all(server: &Server) -> (usize, BTreeSet<&'static str>) {
    let files = server.binlog_files().expect("binlog files");
    assert!(!files.is_empty(), "{}: no binlog files", server.kind());
    let mut compared = 0;
    let mut types = BTreeSet::new();
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = fs::read(path).unwrap();
        let theirs = server
            .sql(&format!("SHOW BINLOG EVENTS IN '{name}'"))
            .expect("SHOW BINLOG EVENTS");
        let theirs: Vec<&str> = theirs.lines().collect();
        let ours = match show_events(&bytes) {
            Ok(rows) => {
                types.extend(rows.iter().map(|r| r.event_type));
                our_lines(&name, &rows)
            }
            Err(e) => {
                failures.push(format!("{}: {name}: {e}", server.kind()));
                continue;
            }
        };
        if let Some(i) = (0..theirs.len().max(ours.len()))
            .find(|&i| theirs.get(i).copied() != ours.get(i).map(String::as_str))
        {
            failures.push(format!(
                "{}: {name}: row {i} differs\n  server: {:?}\n  ours:   {:?}",
                server.kind(),
                theirs.get(i),
                ours.get(i)
            ));
        }
        compared += theirs.len();
        if let Ok(dir) = std::env::var("SHOW_EVENTS_DUMP") {
            let out = Path::new(&dir).join(format!("{}-{name}", server.kind().name()));
            fs::write(out, theirs.join("\n")).unwrap();
        }
        // FROM pos LIMIT offset, count: the third event on, rows 1..4.
        if let Ok(rows) = show_events(&bytes)
            && let Some(from) = rows.get(2).map(|r| r.pos)
        {
            let theirs = server
                .sql(&format!(
                    "SHOW BINLOG EVENTS IN '{name}' FROM {from} LIMIT 1, 3"
                ))
                .expect("SHOW BINLOG EVENTS FROM");
            let ours: Vec<ShowEventRow> = ShowEvents::from_position(&bytes, from)
                .unwrap()
                .skip(1)
                .take(3)
                .collect::<Result<_, _>>()
                .unwrap();
            if theirs.lines().collect::<Vec<_>>() != our_lines(&name, &ours) {
                failures.push(format!(
                    "{}: {name}: FROM {from} LIMIT 1, 3 differs\n  server: {theirs:?}\n  ours:   {:?}",
                    server.kind(),
                    our_lines(&name, &ours)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    (compared, types)
}

/// Statements common to both servers; `LOAD` is the data file's path.
const COMMON: &str = "
CREATE DATABASE d;
USE d;
CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, a INT, s VARCHAR(40));
CREATE TABLE u (id INT PRIMARY KEY, j JSON);
CREATE TABLE l (a INT, b VARCHAR(20));
CREATE TABLE `odd``name` (id INT PRIMARY KEY, p VARCHAR(200));
SET SESSION binlog_format=ROW;
INSERT INTO t (a,s) VALUES (1,'x'),(2,'y'),(3,'z');
BEGIN; INSERT INTO t (a,s) VALUES (4,'w'); UPDATE t SET a=a+10 WHERE id<3;
  INSERT INTO u VALUES (1,'{\"a\":1,\"b\":\"hello\"}'); COMMIT;
DELETE FROM t WHERE id=1;
INSERT INTO `odd``name` SELECT n, REPEAT('p', 150)
  FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM s WHERE n<150) SELECT n FROM s) AS q;
SET SESSION foreign_key_checks=0, unique_checks=0;
UPDATE `odd``name` SET p='q' WHERE id<3;
SET SESSION foreign_key_checks=1, unique_checks=1;
SET SESSION binlog_format=STATEMENT;
SET @v='abc', @n=42, @z=NULL, @r=1.5e0, @dd=12.345, @neg=-3, @b=_binary 0x41ff,
  @big=CAST(18446744073709551615 AS UNSIGNED), @`odd``var`=_latin1'x';
INSERT INTO t (a,s) VALUES (@n, @v);
INSERT INTO t (a,s) VALUES (@r+@dd+@neg+@big-@big, @z);
INSERT INTO t (a,s) VALUES (1, HEX(@b));
INSERT INTO t (a,s) VALUES (2, @`odd``var`);
INSERT INTO t (a,s) VALUES (RAND()*0, 'r');
INSERT INTO t (a,s) VALUES (LAST_INSERT_ID(), 'li');
INSERT INTO t (a,s) VALUES (5, 'tab\\there ''quoted'' back\\\\slash');
LOAD DATA INFILE 'LOAD' INTO TABLE l;
SET SESSION binlog_format=MIXED;
INSERT INTO t (a,s) VALUES (UUID_SHORT() % 1, 'mixed');
INSERT INTO t (a,s) VALUES (7, 'mixed2');
SET SESSION binlog_format=ROW;
XA START 'zz'; INSERT INTO t (a,s) VALUES (11,'xa'); XA END 'zz'; XA PREPARE 'zz'; XA COMMIT 'zz';
XA START 'one'; INSERT INTO t (a,s) VALUES (12,'xa1'); XA END 'one'; XA COMMIT 'one' ONE PHASE;
CREATE TEMPORARY TABLE tt (a INT);
DROP TEMPORARY TABLE tt;
CREATE USER 'u1'@'%';
GRANT SELECT ON d.* TO 'u1'@'%';
FLUSH BINARY LOGS;
DROP TABLE l;
";

const MYSQL: &str = "
USE d;
SET SESSION binlog_format=ROW;
SET SESSION binlog_rows_query_log_events=ON;
INSERT INTO t (a,s) VALUES (8, 'rows query');
SET SESSION binlog_rows_query_log_events=OFF;
SET SESSION binlog_row_image=MINIMAL, binlog_row_value_options=PARTIAL_JSON;
UPDATE u SET j=JSON_SET(j, '$.a', 2) WHERE id=1;
SET SESSION binlog_row_image=FULL, binlog_row_value_options='';
SET SESSION binlog_transaction_compression=ON;
BEGIN; INSERT INTO t (a,s) VALUES (9,'c1'),(10,'c2'); UPDATE t SET a=a+1 WHERE id>5; COMMIT;
SET SESSION binlog_transaction_compression=OFF;
SET gtid_next='AUTOMATIC:tag1'; INSERT INTO t (a,s) VALUES (13,'tagged'); SET gtid_next='AUTOMATIC';
SET gtid_next='00000000-0000-0000-0000-000000000001:5'; BEGIN; COMMIT;
SET gtid_next='ffffffff-0000-0000-0000-000000000001:aaa:7'; BEGIN; COMMIT;
SET gtid_next='ffffffff-0000-0000-0000-000000000001:3'; BEGIN; COMMIT;
SET gtid_next='AUTOMATIC';
FLUSH BINARY LOGS;
SET GLOBAL gtid_mode=ON_PERMISSIVE;
SET GLOBAL gtid_mode=OFF_PERMISSIVE;
SET GLOBAL gtid_mode=OFF;
INSERT INTO t (a,s) VALUES (14,'anonymous');
CREATE TABLE d.after (a INT);
";

const MARIADB: &str = "
USE d;
CREATE TABLE m (a INT) ENGINE=MyISAM;
SET SESSION binlog_format=ROW;
INSERT INTO m VALUES (1);
SET SESSION binlog_format=STATEMENT;
INSERT INTO m VALUES (2);
SET SESSION binlog_format=ROW;
SET SESSION binlog_annotate_row_events=OFF;
INSERT INTO t (a,s) VALUES (9, 'no annotation');
SET SESSION binlog_annotate_row_events=ON;
SET SESSION gtid_domain_id=2, server_id=5; INSERT INTO t (a,s) VALUES (10,'domain 2');
SET SESSION gtid_domain_id=0, server_id=1;
SET SESSION binlog_row_image=MINIMAL; UPDATE t SET a=100 WHERE id=2; SET SESSION binlog_row_image=FULL;
SET GLOBAL log_bin_compress=ON;
INSERT INTO `odd``name` VALUES (1000, REPEAT('c', 190)), (1001, REPEAT('d', 190));
UPDATE `odd``name` SET p=REPEAT('e', 190) WHERE id>=1000;
DELETE FROM `odd``name` WHERE id>=1000;
SET SESSION binlog_format=STATEMENT;
INSERT INTO m VALUES (LENGTH('a long statement, so that it is compressed ............................................................................................................................................................................................................'));
SET GLOBAL log_bin_compress=OFF;
";

fn start(kind: ServerKind) -> Server {
    let mut opts = ServerOptions::new()
        .binlog_format("ROW")
        .arg("--secure-file-priv=");
    if !kind.is_mariadb() {
        opts = opts.mysql_gtid_mode();
    }
    Server::start(kind, opts).unwrap_or_else(|e| panic!("starting {kind}: {e}"))
}

fn run_workload(server: &Server) {
    let load = server.dir().join("load.txt");
    fs::write(&load, "1\tone\n2\ttwo\n3\tthree\n").unwrap();
    let common = COMMON.replace("'LOAD'", &format!("'{}'", load.display()));
    server.sql(&common).expect("common workload");
    if server.kind().is_mariadb() {
        server.sql(MARIADB).expect("MariaDB workload");
        group_commit(server);
    } else {
        server.sql(MYSQL).expect("MySQL workload");
    }
}

/// Two transactions committed as one group: their GTID events carry a
/// commit id.
fn group_commit(server: &Server) {
    server
        .sql("SET GLOBAL binlog_commit_wait_count=2; SET GLOBAL binlog_commit_wait_usec=5000000")
        .unwrap();
    thread::scope(|s| {
        for i in 0..2 {
            s.spawn(move || {
                server
                    .sql(&format!(
                        "SET SESSION binlog_format=STATEMENT; INSERT INTO d.t (a,s) VALUES ({i},'group')"
                    ))
                    .unwrap()
            });
        }
    });
    server.sql("SET GLOBAL binlog_commit_wait_count=0").unwrap();
}

/// Waits until no binlog file has grown for a second (MariaDB writes its
/// Binlog_checkpoint event a moment after a rotation, from a thread of
/// its own), at most 20 s.
fn wait_quiet(server: &Server) {
    let sizes = || -> Vec<u64> {
        server
            .binlog_files()
            .expect("binlog files")
            .iter()
            .map(|p| fs::metadata(p).map_or(0, |m| m.len()))
            .collect()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut last = sizes();
    let mut quiet_since = std::time::Instant::now();
    while quiet_since.elapsed() < Duration::from_secs(1) && std::time::Instant::now() < deadline {
        thread::sleep(Duration::from_millis(100));
        let now = sizes();
        if now != last {
            last = now;
            quiet_since = std::time::Instant::now();
        }
    }
}

fn check(kind: ServerKind) {
    let mut server = start(kind);
    run_workload(&server);
    // A graceful restart ends the current file with a Stop event.
    server.restart(true).unwrap();
    server.sql("FLUSH BINARY LOGS").unwrap();
    wait_quiet(&server);
    let (rows, types) = compare_all(&server);
    eprintln!("{kind}: {rows} rows equal the server's; types: {types:?}");
    // The workload must keep covering what it was written for.
    let want: &[&str] = if kind.is_mariadb() {
        &[
            "Annotate_rows",
            "Begin_load_query",
            "Binlog_checkpoint",
            "Delete_rows_v1",
            "Execute_load_query",
            "Format_desc",
            "Gtid",
            "Gtid_list",
            "Intvar",
            "Query",
            "Query_compressed",
            "RAND",
            "Rotate",
            "Stop",
            "Table_map",
            "Update_rows_compressed_v1",
            "Update_rows_v1",
            "User var",
            "Write_rows_v1",
            "XA_prepare",
            "Xid",
        ]
    } else {
        &[
            "Anonymous_Gtid",
            "Begin_load_query",
            "Delete_rows",
            "Execute_load_query",
            "Format_desc",
            "Gtid",
            "Gtid_tagged_log_event",
            "Intvar",
            "Previous_gtids",
            "Query",
            "RAND",
            "Rotate",
            "Rows_query",
            "Stop",
            "Table_map",
            "Transaction_payload",
            "Update_rows",
            "Update_rows_partial",
            "User var",
            "Write_rows",
            "XA_prepare",
            "Xid",
        ]
    };
    let missing: Vec<_> = want.iter().filter(|t| !types.contains(*t)).collect();
    assert!(
        missing.is_empty(),
        "{kind}: the workload wrote no {missing:?}"
    );
    server.stop().unwrap();
}

#[test]
fn mysql97_rows_equal_the_servers() {
    check(ServerKind::Mysql97);
}

#[test]
fn mariadb1011_rows_equal_the_servers() {
    check(ServerKind::Mariadb1011);
}

#[test]
fn mariadb118_rows_equal_the_servers_when_provisioned() {
    let testbed = Testbed::load().unwrap_or_else(|e| panic!("{e}"));
    if !testbed.available_kinds().contains(&ServerKind::Mariadb118) {
        eprintln!("MariaDB 11.8 is not provisioned (optional): not tested");
        return;
    }
    check(ServerKind::Mariadb118);
}

/// Every binlog and relay log recorded in the repository and in the shared
/// real-world fixtures is listed without error.
#[test]
fn every_recorded_file_is_listed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in [root.join("testdata"), root.join("../shared/fixtures/real")] {
        collect(&dir, &mut files);
    }
    assert!(files.len() > 10, "found only {} files", files.len());
    let mut failures = Vec::new();
    let mut rows = 0;
    for path in &files {
        let bytes = read_maybe_gz(path);
        match show_events(&bytes) {
            Ok(r) => rows += r.len(),
            Err(e) if unsupported(path) => eprintln!("{}: {e} (expected)", path.display()),
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{} files, {rows} rows", files.len());
}

/// Files that are known not to be listable: damaged on purpose, or (bug
/// 40482) an incident number the decoder refuses.
fn unsupported(path: &Path) -> bool {
    let p = path.to_string_lossy();
    UNSUPPORTED.iter().any(|u| p.ends_with(u))
}

const UNSUPPORTED: &[&str] = &[
    "rust_mysql_common/binlog_truncated_event.000001",
    "rust_mysql_common/binlog_truncated_prev_gtid_event.000001",
    "rust_mysql_common/bug40482-bin.000001",
    "rust_mysql_common/corrupt-relay-bin.000624",
];

/// A file's bytes, gunzipped when its name ends in `.gz`.
fn read_maybe_gz(path: &Path) -> Vec<u8> {
    let bytes = fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut out)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out
    } else {
        bytes
    }
}

/// Files under `dir` that start with the binlog magic (once gunzipped).
fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "gz") {
            if path.with_extension("").extension().is_some_and(|e| {
                e.len() == 6 && e.to_string_lossy().bytes().all(|b| b.is_ascii_digit())
            }) {
                out.push(path);
            }
        } else if fs::File::open(&path).is_ok_and(|mut f| {
            let mut magic = [0u8; 4];
            std::io::Read::read_exact(&mut f, &mut magic).is_ok() && magic == *b"\xfebin"
        }) {
            out.push(path);
        }
    }
}
