//! The reference tools run at test time, on inputs made here:
//! - damaged files (truncated anywhere, an unknown event type, a bad
//!   checksum, a bad event size, a bad magic) cut from the recorded
//!   binlogs: the same output up to the damage, and a failure that names
//!   the offset wherever the reference tool fails;
//! - other time zones than UTC (mysqlbinlog prints local time);
//! - binlogs written just now by each provisioned server.
//!
//! Needs the test bed (`make testbed`); without it the tests fail and say so.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::fs;

use support::{compare, compare_expecting, events, testdata};
use understudy_testbed::{Server, ServerKind, ServerOptions};

#[test]
fn damaged_files_fail_like_the_reference_tools() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (kind, rel) in [
        (ServerKind::Mysql97, "mysql97/statement/binlog.000001"),
        (ServerKind::Mysql97, "mysql97/row_gtid/binlog.000001"),
        (
            ServerKind::Mariadb1011,
            "mariadb1011/row/mariadb-bin.000001",
        ),
    ] {
        let good = testdata(rel);
        let evs = events(&good);
        // (what, bytes, args, whether we must fail); every damage is an
        // error for us, even where mysqlbinlog exits 0 (a truncated last
        // event, see README).
        let mut variants: Vec<(String, Vec<u8>, Vec<&str>, bool)> = Vec::new();
        // Truncations: inside a header, inside a body, at a boundary.
        for &(pos, size) in [evs[2], evs[evs.len() / 2], evs[evs.len() - 2]].iter() {
            for cut in [pos, pos + 5, pos + 12, pos + 19, pos + size / 2] {
                variants.push((
                    format!("truncated at {cut}"),
                    good[..cut].to_vec(),
                    vec!["-v"],
                    cut != pos,
                ));
            }
        }
        // An unknown event type.
        let (pos, _) = evs[evs.len() / 3];
        let mut b = good.clone();
        b[pos + 4] = 99;
        variants.push(("unknown type".into(), b.clone(), vec!["-v"], true));
        // The same with --force-read: skipped with a warning, exit 0, as
        // mariadb-binlog does (mysqlbinlog 9.7 stops there; README).
        if kind.is_mariadb() {
            variants.push((
                "unknown type, forced".into(),
                b.clone(),
                vec!["-v", "--force-read"],
                false,
            ));
        } else {
            let path = dir.path().join("forced.bin");
            fs::write(&path, &b).unwrap();
            let u = support::ours(&["-v", "--force-read"], &path, "UTC");
            if !u.ok || !u.stderr.contains(&format!("offset {pos}")) {
                failures.push(format!(
                    "{rel}: --force-read did not skip the event at {pos}: {}",
                    u.stderr
                ));
            }
        }
        // A damaged checksum, verified.
        let (pos, size) = evs[evs.len() / 2];
        let mut b = good.clone();
        b[pos + size - 1] ^= 0xff;
        variants.push((
            "bad checksum".into(),
            b,
            vec!["-v", "--verify-binlog-checksum"],
            true,
        ));
        // An event size running past the end of the file.
        let (pos, _) = evs[evs.len() / 4];
        let mut b = good.clone();
        b[pos + 9..pos + 13].copy_from_slice(&0x00ff_ffffu32.to_le_bytes());
        variants.push(("bad event size".into(), b, vec!["-v"], true));
        // Not a binlog (nothing says which tool's output to expect: the
        // MySQL dialect is the default).
        if kind == ServerKind::Mysql97 {
            let mut b = good.clone();
            b[0] = b'x';
            variants.push(("bad magic".into(), b, vec!["-v"], true));
        }
        for (what, bytes, args, we_fail) in variants {
            let path = dir.path().join("damaged.bin");
            fs::write(&path, &bytes).unwrap();
            cases += 1;
            let name = format!("{rel} {what}");
            if let Some(f) = compare_expecting(kind, &name, &args, &path, "UTC", we_fail) {
                failures.push(f);
            }
        }
    }
    println!("damaged files: {} cases, {} differ", cases, failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn local_time_zones_like_mysqlbinlog() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (kind, rel) in [
        (ServerKind::Mysql97, "mysql97/statement/binlog.000001"),
        (ServerKind::Mysql97, "mysql97/row_gtid/binlog.000001"),
        (
            ServerKind::Mariadb1011,
            "mariadb1011/statement/mariadb-bin.000001",
        ),
    ] {
        let path = dir.path().join(rel.replace('/', "_"));
        fs::write(&path, testdata(rel)).unwrap();
        // The same instants, 2030-03-17 17:48:40 to 17:50:20 UTC (the
        // recorded workloads run 17:46 to 17:57 UTC), in each zone's local
        // time: Tokyo +9, New York on summer time (-4), Paris on winter
        // time (+1).
        for (tz, start, stop) in [
            ("Asia/Tokyo", "2030-03-18 02:48:40", "2030-03-18 02:50:20"),
            (
                "America/New_York",
                "2030-03-17 13:48:40",
                "2030-03-17 13:50:20",
            ),
            ("Europe/Paris", "2030-03-17 18:48:40", "2030-03-17 18:50:20"),
        ] {
            let (start, stop) = (
                format!("--start-datetime={start}"),
                format!("--stop-datetime={stop}"),
            );
            let all = support::ours(&["-v"], &path, tz);
            for args in [vec!["-v"], vec!["-v", start.as_str(), stop.as_str()]] {
                if let Some(f) = compare(kind, &format!("{rel} TZ={tz} {args:?}"), &args, &path, tz)
                {
                    failures.push(f);
                }
            }
            // The window holds some of the events, not all: a dumper that
            // read it in the wrong zone would show others.
            let some = support::ours(&["-v", start.as_str(), stop.as_str()], &path, tz);
            let ats = |o: &support::Out| {
                o.stdout
                    .split(|&c| c == b'\n')
                    .filter(|l| l.starts_with(b"# at "))
                    .count()
            };
            if !(1 < ats(&some) && ats(&some) < ats(&all)) {
                failures.push(format!(
                    "{rel} TZ={tz}: the window shows {} of {} events",
                    ats(&some),
                    ats(&all)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn freshly_written_binlogs_match() {
    let sql = "SET sql_mode='';
        CREATE DATABASE fresh; USE fresh;
        CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, s VARCHAR(20), d DECIMAL(8,3), t DATETIME(6), b BLOB, n DOUBLE);
        INSERT INTO t (s, d, t, b, n) VALUES ('a', 1.5, '2024-01-02 03:04:05.5', 'x', 1e100), (NULL, -2.25, NOW(6), NULL, -0.5);
        BEGIN; UPDATE t SET s = CONCAT(IFNULL(s, ''), '!'); DELETE FROM t WHERE id = 1; COMMIT;
        SET @v = 'uv'; INSERT INTO t (s) VALUES (@v);
        ALTER TABLE t ADD COLUMN e ENUM('x', 'y') DEFAULT 'y';
        INSERT INTO t (s, e) VALUES ('e', 'x');
        FLUSH BINARY LOGS;";
    let mut failures = Vec::new();
    for kind in ServerKind::all_available().expect("test bed") {
        for format in ["ROW", "STATEMENT", "MIXED"] {
            let server =
                Server::start(kind, ServerOptions::new().binlog_format(format)).expect("server");
            server.sql(sql).expect("workload");
            let files = server.binlog_files().unwrap();
            let ref_kind = if kind.is_mariadb() {
                ServerKind::Mariadb1011
            } else {
                ServerKind::Mysql97
            };
            for f in &files[..files.len() - 1] {
                for args in [
                    vec!["-v", "--base64-output=decode-rows"],
                    vec!["-vv"],
                    vec!["--hexdump"],
                ] {
                    if let Some(d) = compare(
                        ref_kind,
                        &format!("{kind} {format} {args:?}"),
                        &args,
                        f,
                        "UTC",
                    ) {
                        failures.push(d);
                    }
                }
            }
            server.stop().unwrap();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// MINIMAL images with PARTIAL_JSON: the partial-JSON bitmap has a bit for
/// every JSON column of the table, also the ones an image leaves out (an
/// update of the second of two JSON columns, and of the tenth).
#[test]
fn minimal_partial_json_updates_match() {
    let server = Server::start(
        ServerKind::Mysql97,
        ServerOptions::new()
            .binlog_format("ROW")
            .arg("--binlog-row-image=MINIMAL")
            .arg("--binlog-row-value-options=PARTIAL_JSON"),
    )
    .expect("server");
    server
        .sql(
            "CREATE DATABASE p; CREATE TABLE p.t (id INT PRIMARY KEY, j1 JSON, a INT, j2 JSON,
               j3 JSON, j4 JSON, j5 JSON, j6 JSON, j7 JSON, j8 JSON, j9 JSON, j10 JSON);
             INSERT INTO p.t VALUES (1, '{\"a\":1}', 5, '{\"b\":[1,2,3]}', '[1]', '[2]', '[3]',
               '[4]', '[5]', '[6]', '[7]', '{\"x\":\"y\"}');
             UPDATE p.t SET j2 = JSON_SET(j2, '$.b[1]', 20) WHERE id = 1;
             UPDATE p.t SET j10 = JSON_SET(j10, '$.x', 'z') WHERE id = 1;
             UPDATE p.t SET j1 = JSON_REPLACE(j1, '$.a', 7), j10 = JSON_REMOVE(j10, '$.x') WHERE id = 1;
             FLUSH BINARY LOGS;",
        )
        .expect("workload");
    let files = server.binlog_files().unwrap();
    let mut failures = Vec::new();
    for args in [vec!["-vv"], vec!["-v", "--base64-output=decode-rows"]] {
        let name = format!("partial JSON {args:?}");
        if let Some(d) = compare(ServerKind::Mysql97, &name, &args, &files[0], "UTC") {
            failures.push(d);
        }
    }
    server.stop().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Flag combinations the recorded variants do not cover: `--base64-output`
/// NEVER and DECODE-ROWS with start positions and times, and starts past
/// a table map (both tools go on with "unknown table").
#[test]
fn more_flag_combinations_match() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (kind, rel) in [
        (ServerKind::Mysql97, "mysql97/row_gtid/binlog.000001"),
        (
            ServerKind::Mariadb1011,
            "mariadb1011/row/mariadb-bin.000001",
        ),
    ] {
        let bytes = testdata(rel);
        let evs = events(&bytes);
        let path = dir.path().join("flags.bin");
        fs::write(&path, &bytes).unwrap();
        // The first row event, and the event after it.
        let rows = evs
            .iter()
            .position(|&(p, _)| matches!(bytes[p + 4], 23..=25 | 30..=32))
            .expect("a row event");
        let mut arg_sets: Vec<Vec<String>> = vec![
            vec!["--base64-output=never".into()],
            vec!["--base64-output=never".into(), "-v".into()],
            vec![
                "--base64-output=decode-rows".into(),
                "-v".into(),
                "--start-datetime=2030-03-17 17:50:00".into(),
            ],
        ];
        for at in [evs[rows].0, evs[rows + 1].0] {
            for base64 in [
                "--base64-output=never",
                "--base64-output=decode-rows",
                "-vv",
            ] {
                arg_sets.push(vec![
                    base64.into(),
                    "-v".into(),
                    format!("--start-position={at}"),
                ]);
            }
        }
        for args in &arg_sets {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            cases += 1;
            if let Some(f) = compare(kind, &format!("{rel} {args:?}"), &args, &path, "UTC") {
                failures.push(f);
            }
        }
    }
    println!(
        "flag combinations: {cases} cases, {} differ",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `--database` when one statement changes tables of two databases (the
/// row event that ends the statement may belong to the one left out).
#[test]
fn database_filter_on_multi_table_statements_matches() {
    let sql = "CREATE DATABASE a; CREATE DATABASE b;
        CREATE TABLE a.t (id INT PRIMARY KEY, v INT); CREATE TABLE b.t (id INT PRIMARY KEY, v INT);
        INSERT INTO a.t VALUES (1, 1), (2, 2); INSERT INTO b.t VALUES (1, 10), (2, 20);
        UPDATE a.t, b.t SET a.t.v = a.t.v + 1, b.t.v = b.t.v + 1 WHERE a.t.id = b.t.id;
        UPDATE b.t, a.t SET b.t.v = b.t.v + 1, a.t.v = a.t.v + 1 WHERE a.t.id = b.t.id;
        DELETE a.t, b.t FROM a.t JOIN b.t ON a.t.id = b.t.id WHERE a.t.id = 1;
        INSERT INTO a.t VALUES (3, 3);
        FLUSH BINARY LOGS;";
    let mut failures = Vec::new();
    for kind in ServerKind::all_available().expect("test bed") {
        let server =
            Server::start(kind, ServerOptions::new().binlog_format("ROW")).expect("server");
        server.sql(sql).expect("workload");
        let files = server.binlog_files().unwrap();
        let ref_kind = if kind.is_mariadb() {
            ServerKind::Mariadb1011
        } else {
            ServerKind::Mysql97
        };
        for db in ["a", "b"] {
            for base64 in ["-v", "--base64-output=decode-rows"] {
                let args = [base64, "-v", &format!("--database={db}")[..]];
                if let Some(d) = compare(
                    ref_kind,
                    &format!("{kind} {args:?}"),
                    &args,
                    &files[0],
                    "UTC",
                ) {
                    failures.push(d);
                }
            }
        }
        server.stop().unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
