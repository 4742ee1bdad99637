//! The applier against real primaries: a workload of inserts, updates,
//! deletes, multi-statement transactions, rollbacks and DDL (ALTER,
//! RENAME, TRUNCATE, DROP) on tables with and without primary keys; after
//! catch-up, `understudy export` of every table equals the primary's
//! `mysql --batch` output of `SELECT * … ORDER BY <pk>`.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use replica_harness::real::wait_applied;
use replica_harness::{Replica, primary};
use std::path::Path;
use std::process::Command;
use understudy_testbed::{Server, ServerKind};

const SETUP: &str = "
CREATE DATABASE app;
CREATE TABLE app.t1 (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  small SMALLINT, big BIGINT UNSIGNED, tiny TINYINT NOT NULL DEFAULT 7,
  price DECIMAL(12,3), ratio DOUBLE,
  name VARCHAR(40), code CHAR(5), note TEXT, raw VARBINARY(16),
  d DATE, dt DATETIME(3), ts TIMESTAMP(6) NULL, y YEAR, tm TIME,
  e ENUM('red','green','blue'), s SET('a','b','c'), b BIT(10)
) ENGINE=InnoDB;
CREATE TABLE app.nokey (a INT, b VARCHAR(10)) ENGINE=InnoDB;
CREATE TABLE app.comp (k1 INT NOT NULL, k2 VARCHAR(8) NOT NULL, v INT, PRIMARY KEY (k1, k2));
";

fn workload(server: &Server) {
    server.sql(SETUP).unwrap();
    let mut sql = String::new();
    for i in 0..60 {
        sql.push_str(&format!(
            "INSERT INTO app.t1 (small, big, price, ratio, name, code, note, raw, d, dt, ts, y, tm, e, s, b) VALUES \
             ({s}, {big}, {i}.125, {i}.5e-3, 'name\\t{i}', 'c{i}', REPEAT('x\\\\y\\n', {i}), UNHEX('00ff{i:02}'), \
             '2024-02-{day:02}', '2024-02-{day:02} 10:11:12.{i:03}', '2025-01-01 00:00:{sec:02}.{i:06}', {year}, '-{i}:02:03', \
             {e}, 'a,c', b'1010101010');\n",
            s = i as i64 * 100 - 3000,
            big = u64::MAX - i,
            day = i % 28 + 1,
            sec = i % 60,
            year = 1990 + i,
            e = i % 3 + 1,
        ));
        sql.push_str(&format!(
            "INSERT INTO app.nokey VALUES ({}, 'v{}'), ({}, NULL);\n",
            i % 7,
            i,
            i % 5
        ));
        sql.push_str(&format!(
            "INSERT INTO app.comp VALUES ({}, 'k{}', {i});\n",
            i % 4,
            i
        ));
    }
    sql.push_str(
        "UPDATE app.t1 SET name = NULL, price = -price WHERE id % 3 = 0;
         DELETE FROM app.t1 WHERE id % 10 = 0;
         UPDATE app.t1 SET id = id + 1000 WHERE id = 7;
         UPDATE app.nokey SET b = 'upd' WHERE a = 3;
         DELETE FROM app.nokey WHERE a = 4 LIMIT 3;
         START TRANSACTION; INSERT INTO app.comp VALUES (9, 'tx', 1); UPDATE app.comp SET v = v + 1 WHERE k1 = 1; COMMIT;
         START TRANSACTION; INSERT INTO app.comp VALUES (10, 'rolled', 1); ROLLBACK;
         ALTER TABLE app.comp ADD COLUMN extra INT NOT NULL DEFAULT 42 AFTER k2, ADD COLUMN note VARCHAR(5);
         INSERT INTO app.comp (k1, k2, v) VALUES (11, 'after', 2);
         CREATE TABLE app.gone (x INT PRIMARY KEY);
         INSERT INTO app.gone VALUES (1);
         DROP TABLE app.gone;
         CREATE TABLE app.trunc LIKE app.comp;
         INSERT INTO app.trunc SELECT * FROM app.comp;
         TRUNCATE TABLE app.trunc;
         INSERT INTO app.trunc (k1, k2) VALUES (1, 'one');
         RENAME TABLE app.nokey TO app.nokey2;
         ALTER TABLE app.nokey2 MODIFY b VARCHAR(20), RENAME COLUMN a TO a2;
         INSERT INTO app.nokey2 VALUES (100, 'renamed');",
    );
    server.sql(&sql).unwrap();
}

fn export(dir: &Path, table: &str) -> Vec<u8> {
    export_as(dir, table, "tsv")
}

fn export_as(dir: &Path, table: &str, format: &str) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .args(["export", "--data-dir"])
        .arg(dir)
        .args(["--table", table, "--format", format])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "export {table}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The primary's `mysql --batch --skip-column-names` output, as bytes.
fn primary_rows(server: &Server, query: &str) -> Vec<u8> {
    let out = server
        .client_command()
        .arg("-e")
        .arg(query)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `understudy verify` against the primary: its exit code and output.
fn verify(dir: &Path, server: &Server) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .args(["verify", "--data-dir"])
        .arg(dir)
        .args([
            "--source",
            &format!("mysql://root@127.0.0.1:{}", server.port()),
            "--wait",
            "30",
        ])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Runs SQL bytes (a dump, not necessarily UTF-8) through the client.
fn load(server: &Server, db: &str, sql: &[u8]) {
    use std::io::Write;
    let mut child = server
        .client_command()
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(sql).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "loading into {db}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CSV file's records (RFC 4180 quoting; an empty unquoted field is
/// NULL).
fn parse_csv(b: &[u8]) -> Vec<Vec<Option<Vec<u8>>>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let mut field = Vec::new();
        let quoted = b[i] == b'"';
        if quoted {
            i += 1;
            loop {
                if b[i] == b'"' {
                    if b.get(i + 1) == Some(&b'"') {
                        field.push(b'"');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                field.push(b[i]);
                i += 1;
            }
        } else {
            while i < b.len() && b[i] != b',' && b[i] != b'\r' {
                field.push(b[i]);
                i += 1;
            }
        }
        row.push(if !quoted && field.is_empty() {
            None
        } else {
            Some(field)
        });
        if b.get(i) == Some(&b',') {
            i += 1;
        } else {
            assert_eq!(&b[i..i + 2], b"\r\n");
            i += 2;
            rows.push(std::mem::take(&mut row));
        }
    }
    rows
}

/// A `mysql --batch` line's fields, unescaped (`NULL` as None).
fn tsv_fields(line: &[u8]) -> Vec<Option<Vec<u8>>> {
    line.split(|&c| c == b'\t')
        .map(|f| {
            if f == b"NULL" {
                return None;
            }
            let mut out = Vec::new();
            let mut it = f.iter();
            while let Some(&c) = it.next() {
                if c == b'\\' {
                    match it.next() {
                        Some(b'0') => out.push(0),
                        Some(b't') => out.push(b'\t'),
                        Some(b'n') => out.push(b'\n'),
                        Some(&o) => out.push(o),
                        None => {}
                    }
                } else {
                    out.push(c);
                }
            }
            Some(out)
        })
        .collect()
}

/// `durability`: the applier's setting (the result must not depend on it).
fn replicate_and_compare(kind: ServerKind, durability: &str) {
    let server = primary(kind);
    server.sql("SET GLOBAL time_zone = '+00:00'").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let replica = Replica::start(tmp.path(), &server, &["--durability", durability]);
    workload(&server);
    let status = wait_applied(&replica, &server);
    assert!(status.contains("Replica_SQL_Running: Yes\n"), "{status}");
    if kind.is_mariadb() {
        // MariaDB's replica fields: the I/O and applier GTID positions, in
        // @@gtid_binlog_pos form.
        let pos = server.sql("SELECT @@GLOBAL.gtid_binlog_pos").unwrap();
        let pos = pos.trim();
        let shown = Replica::status_text(&replica.dir);
        for field in ["Gtid_IO_Pos", "Gtid_Slave_Pos", "Executed_Gtid_Set"] {
            assert!(
                shown.contains(&format!(" {field}: {pos}\n")),
                "{field} should be {pos}:\n{shown}"
            );
        }
        assert!(shown.contains(" Using_Gtid: No\n"), "{shown}");
    } else {
        let executed = server.sql("SELECT @@GLOBAL.gtid_executed").unwrap();
        assert!(
            status.contains(&format!(
                "Executed_Gtid_Set: {}\n",
                executed.trim().replace('\n', "")
            )),
            "{status}"
        );
    }
    let dir = replica.dir.clone();
    // verify, while the replica runs: every table equal.
    let (code, text) = verify(&dir, &server);
    assert_eq!(code, 0, "{text}");
    for t in ["app.t1", "app.comp", "app.trunc", "app.nokey2"] {
        assert!(text.contains(&format!("{t}: equal rows=")), "{text}");
    }
    assert!(text.contains("4 tables compared"), "{text}");
    assert!(text.contains(": 4 equal, 0 different"), "{text}");
    // The SQL dump reloads into a fresh database as the same rows; the
    // CSV holds the same fields as the tsv output.
    server
        .sql("SET sql_log_bin = 0; CREATE DATABASE reload;")
        .unwrap();
    for (table, order) in [("t1", "id"), ("trunc", "k1, k2"), ("nokey2", "a2, b")] {
        let dump = export_as(&dir, &format!("app.{table}"), "sql");
        let mut with_off = b"SET sql_log_bin = 0;\n".to_vec();
        with_off.extend_from_slice(&dump);
        load(&server, "reload", &with_off);
        let tsv = export(&dir, &format!("app.{table}"));
        // Sorted lines: the table without a key has no order to keep.
        let lines = |b: &[u8]| {
            let mut v: Vec<String> = String::from_utf8_lossy(b)
                .lines()
                .map(str::to_owned)
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            lines(&primary_rows(
                &server,
                &format!("SELECT * FROM reload.{table} ORDER BY {order}")
            )),
            lines(&tsv),
            "reloaded {table}"
        );
        let csv = parse_csv(&export_as(&dir, &format!("app.{table}"), "csv"));
        let want: Vec<Vec<Option<Vec<u8>>>> = tsv
            .split(|&c| c == b'\n')
            .filter(|l| !l.is_empty())
            .map(tsv_fields)
            .collect();
        assert_eq!(csv.len(), want.len() + 1, "{table}: header and rows");
        assert_eq!(&csv[1..], &want[..], "csv of {table}");
    }
    replica.stop();
    let info = std::fs::read_to_string(dir.join("relay-log.info")).unwrap();
    assert!(info.starts_with("7\n./understudy-relay-bin."), "{info}");
    for (table, order) in [
        ("app.t1", "id"),
        ("app.comp", "k1, k2"),
        ("app.trunc", "k1, k2"),
        ("app.nokey2", "a2, b"),
    ] {
        let mut want = primary_rows(&server, &format!("SELECT * FROM {table} ORDER BY {order}"));
        let mut got = export(&dir, table);
        if table == "app.nokey2" {
            // No primary key: rows in insertion order; compare as sets.
            let sort = |s: &[u8]| {
                let mut v: Vec<&[u8]> = s.split(|&c| c == b'\n').collect();
                v.sort();
                v.join(&b'\n')
            };
            want = sort(&want);
            got = sort(&got);
        }
        assert!(!want.is_empty(), "{table} is empty on the primary");
        assert!(
            got == want,
            "{table}:\nreplica:\n{}\nprimary:\n{}",
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
    }
    let gone = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .args(["export", "--data-dir"])
        .arg(&dir)
        .args(["--table", "app.gone"])
        .output()
        .unwrap();
    assert!(!gone.status.success(), "a dropped table is gone");
    assert!(
        String::from_utf8_lossy(&gone.stderr).contains("Table 'app.gone' doesn't exist"),
        "{}",
        String::from_utf8_lossy(&gone.stderr)
    );
    // A change the replica never saw, and a row it has that the primary
    // lost: both found.
    server
        .sql(
            "SET sql_log_bin = 0; DROP DATABASE reload; \
             UPDATE app.comp SET v = v + 1 WHERE k1 = 2 LIMIT 1; \
             DELETE FROM app.nokey2 LIMIT 1; SET sql_log_bin = 1;",
        )
        .unwrap();
    let (code, text) = verify(&dir, &server);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("app.comp: DIFFERENT replica rows="), "{text}");
    assert!(
        text.contains("app.nokey2: DIFFERENT replica rows="),
        "{text}"
    );
    assert!(text.contains("app.t1: equal"), "{text}");
    assert!(text.contains(": 2 equal, 2 different"), "{text}");
}

#[test]
fn mysql_97_row_changes_and_ddl_match_the_primary() {
    replicate_and_compare(ServerKind::Mysql97, "sync");
}

#[test]
fn mariadb_1011_row_changes_and_ddl_match_the_primary_relaxed() {
    replicate_and_compare(ServerKind::Mariadb1011, "relaxed");
}

/// `--threads io` fetches without applying; `--threads sql` applies the
/// relay log alone (no source) and, with `--until-sql-after-gtids`, stops
/// there and exits, as `START REPLICA SQL_THREAD UNTIL SQL_AFTER_GTIDS`.
#[test]
fn mysql_97_io_thread_then_sql_thread_until() {
    let server = primary(ServerKind::Mysql97);
    server
        .sql("CREATE DATABASE u; CREATE TABLE u.t (id INT PRIMARY KEY);")
        .unwrap();
    for i in 0..20 {
        server
            .sql(&format!("INSERT INTO u.t VALUES ({i})"))
            .unwrap();
    }
    let all = server.sql("SELECT @@GLOBAL.gtid_executed").unwrap();
    let all = all.trim();
    let (uuid, range) = all.split_once(':').unwrap();
    let last: u64 = range.split('-').nth(1).unwrap().parse().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let replica = Replica::start(tmp.path(), &server, &["--threads", "io"]);
    replica.wait_caught_up(&server);
    let dir = replica.dir.clone();
    replica.stop();
    assert!(
        !dir.join("store").exists(),
        "the I/O thread alone applies nothing"
    );
    let run_sql = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_understudy"))
            .args(["run", "--data-dir"])
            .arg(&dir)
            .args(["--threads", "sql"])
            .args(extra)
            .output()
            .unwrap()
    };
    let until = format!("{uuid}:1-{}", last - 5);
    let out = run_sql(&["--until-sql-after-gtids", &until]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status = std::fs::read_to_string(dir.join("applier-status")).unwrap();
    assert!(
        status.contains(&format!("Executed_Gtid_Set: {until}\n")),
        "{status}"
    );
    assert!(status.contains("Replica_SQL_Running: No\n"), "{status}");
    assert_eq!(
        export(&dir, "u.t")
            .split(|&c| c == b'\n')
            .filter(|l| !l.is_empty())
            .count(),
        15
    );
    let out = run_sql(&["--until-sql-after-gtids", all]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&export(&dir, "u.t")),
        String::from_utf8_lossy(&primary_rows(&server, "SELECT * FROM u.t ORDER BY id"))
    );
}
