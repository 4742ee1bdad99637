//! The operator's statements through the real mysql client against a
//! replica of MySQL 9.7, and the metrics they move.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod replica_harness;

use replica_harness::endpoint::{
    ADMIN_PW, admin, client, err, free_port, ok, start_replica, vertical,
};
use replica_harness::primary;
use understudy_testbed::{Server, ServerKind};

/// `GET /metrics` from the metrics port: (name with labels, value).
fn metrics(port: u16) -> Vec<(String, String)> {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    c.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut text = String::new();
    c.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    text.split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            l.rsplit_once(' ')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        })
        .collect()
}

fn metric(m: &[(String, String)], name: &str) -> f64 {
    m.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or_else(|| panic!("no {name} in {m:?}"))
}

/// `SHOW REPLICA STATUS\G` through the endpoint, as (name, value).
fn replica_status(server: &Server, port: u16) -> Vec<(String, String)> {
    vertical(&ok(&client(
        server,
        port,
        "admin",
        ADMIN_PW,
        &[],
        "SHOW REPLICA STATUS\\G",
    )))
}

fn field<'a>(st: &'a [(String, String)], name: &str) -> &'a str {
    st.iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The number of the primary's last GTID (its own, the only UUID).
fn last_gno(server: &Server) -> u64 {
    let set = server.sql("SELECT @@gtid_executed").unwrap();
    set.trim()
        .rsplit(['-', ':'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Polls SHOW REPLICA STATUS until `done` holds.
fn wait_status(
    server: &Server,
    port: u16,
    what: &str,
    done: impl Fn(&[(String, String)]) -> bool,
) -> Vec<(String, String)> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let st = replica_status(server, port);
        if done(&st) {
            return st;
        }
        assert!(std::time::Instant::now() < deadline, "{what}: {st:?}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// The operator's statements through the mysql client: STOP REPLICA,
/// CHANGE REPLICATION SOURCE TO a position past a row's INSERT, START
/// REPLICA; the UPDATE of that row stops the applier with 1032 at its
/// position; SET GLOBAL sql_replica_skip_counter = 1 and START REPLICA
/// SQL_THREAD skip it and replication goes on.
#[test]
fn operators_skip_a_failed_transaction() {
    use replica_harness::primary_position;
    let server = primary(ServerKind::Mysql97);
    server
        .sql("CREATE DATABASE ops; CREATE TABLE ops.t (id INT PRIMARY KEY, v INT);")
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let metrics_port = free_port();
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let (replica, port) = start_replica(tmp.path(), &server, &["--metrics", &metrics_addr]);
    let (file, pos) = primary_position(&server);
    wait_status(&server, port, "caught up", |st| {
        field(st, "Exec_Source_Log_Pos") == pos.to_string()
            && field(st, "Relay_Source_Log_File") == file
    });
    let m = metrics(metrics_port);
    assert!(
        metric(&m, "understudy_events_received_total") > 0.0,
        "{m:?}"
    );
    assert!(metric(&m, "understudy_bytes_received_total") > 0.0, "{m:?}");
    assert!(
        metric(&m, "understudy_transactions_applied_total") >= 2.0,
        "{m:?}"
    );
    assert_eq!(metric(&m, "understudy_io_running"), 1.0, "{m:?}");
    assert_eq!(metric(&m, "understudy_sql_running"), 1.0, "{m:?}");
    assert_eq!(
        metric(&m, "understudy_exec_source_log_pos"),
        pos as f64,
        "{m:?}"
    );
    assert!(metric(&m, "understudy_replica_lag_seconds") >= 0.0, "{m:?}");
    assert_eq!(
        metric(
            &m,
            "understudy_io_state{state=\"Waiting for source to send event\"}"
        ),
        1.0
    );
    // Running: START is a note, CHANGE an error.
    let out = ok(&admin(
        &server,
        port,
        &["-N"],
        "START REPLICA; SHOW WARNINGS;",
    ));
    assert!(
        out.contains("Note\t3083\tReplication thread(s) for channel '' are already runnning."),
        "{out}"
    );
    let e = err(&admin(
        &server,
        port,
        &[],
        "CHANGE REPLICATION SOURCE TO SOURCE_CONNECT_RETRY=2",
    ));
    assert!(e.contains("ERROR 3021 (HY000)"), "{e}");

    ok(&admin(&server, port, &[], "STOP REPLICA"));
    let st = replica_status(&server, port);
    assert_eq!(
        (
            field(&st, "Replica_IO_Running"),
            field(&st, "Replica_SQL_Running")
        ),
        ("No", "No"),
        "{st:?}"
    );
    server.sql("INSERT INTO ops.t VALUES (1, 1)").unwrap();
    let (file, after_insert) = primary_position(&server);
    server
        .sql("UPDATE ops.t SET v = 2 WHERE id = 1; INSERT INTO ops.t VALUES (2, 2);")
        .unwrap();
    let (_, end) = primary_position(&server);
    ok(&admin(
        &server,
        port,
        &[],
        &format!(
            "CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='{file}', SOURCE_LOG_POS={after_insert}; START REPLICA;"
        ),
    ));
    let st = wait_status(&server, port, "the UPDATE fails", |st| {
        field(st, "Last_SQL_Errno") == "1032"
    });
    assert_eq!(field(&st, "Replica_SQL_Running"), "No", "{st:?}");
    assert_eq!(field(&st, "Replica_IO_Running"), "Yes", "{st:?}");
    assert_eq!(
        field(&st, "Exec_Source_Log_Pos"),
        after_insert.to_string(),
        "{st:?}"
    );
    assert_eq!(field(&st, "Relay_Source_Log_File"), file, "{st:?}");
    assert!(field(&st, "Last_SQL_Error").contains("ops.t"), "{st:?}");
    let m = metrics(metrics_port);
    assert_eq!(metric(&m, "understudy_last_sql_errno"), 1032.0, "{m:?}");
    assert_eq!(metric(&m, "understudy_sql_running"), 0.0, "{m:?}");

    let out = ok(&admin(
        &server,
        port,
        &["-N"],
        "SET GLOBAL sql_replica_skip_counter = 1; SELECT @@sql_replica_skip_counter; START REPLICA SQL_THREAD;",
    ));
    assert_eq!(out.trim(), "1");
    let st = wait_status(
        &server,
        port,
        "resumed after the skipped transaction",
        |st| {
            field(st, "Exec_Source_Log_Pos") == end.to_string()
                && field(st, "Replica_SQL_Running") == "Yes"
        },
    );
    assert_eq!(field(&st, "Last_SQL_Errno"), "0", "{st:?}");
    let rows = ok(&admin(
        &server,
        port,
        &["-N", "-B"],
        "SELECT * FROM ops.t ORDER BY id",
    ));
    assert_eq!(rows, "2\t2\n");
    let ids = |server: &Server| {
        ok(&admin(
            server,
            port,
            &["-N", "-B"],
            "SELECT id FROM ops.t ORDER BY id",
        ))
        .lines()
        .collect::<Vec<_>>()
        .join(",")
    };
    // START REPLICA SQL_THREAD UNTIL SQL_AFTER_GTIDS: applies up to and
    // including that GTID, then stops; a plain START goes on.
    ok(&admin(&server, port, &[], "STOP REPLICA SQL_THREAD"));
    let uuid = server
        .sql("SELECT @@server_uuid")
        .unwrap()
        .trim()
        .to_owned();
    server.sql("INSERT INTO ops.t VALUES (3, 3)").unwrap();
    let last = last_gno(&server);
    server.sql("INSERT INTO ops.t VALUES (4, 4)").unwrap();
    ok(&admin(
        &server,
        port,
        &[],
        &format!("START REPLICA SQL_THREAD UNTIL SQL_AFTER_GTIDS = '{uuid}:{last}'"),
    ));
    let st = wait_status(&server, port, "stopped at the UNTIL GTID", |st| {
        field(st, "Replica_SQL_Running") == "No"
    });
    assert_eq!(field(&st, "Last_SQL_Errno"), "0", "{st:?}");
    // Stopped, the applier has committed: a read sees it at once.
    assert_eq!(ids(&server), "2,3", "{}", replica.stderr());
    let e = err(&admin(
        &server,
        port,
        &[],
        "START REPLICA UNTIL SQL_AFTER_MTS_GAPS",
    ));
    assert!(e.contains("ERROR 1235"), "{e}");
    let e = err(&admin(
        &server,
        port,
        &[],
        "START REPLICA UNTIL SQL_AFTER_GTIDS = 'nonsense'",
    ));
    assert!(e.contains("ERROR 1772"), "{e}");
    let e = err(&admin(
        &server,
        port,
        &[],
        &format!("START REPLICA UNTIL SOURCE_LOG_FILE = '{file}', RELAY_LOG_POS = 4"),
    ));
    assert!(e.contains("ERROR 1277"), "{e}");
    let until_stop = |what: &str, until: &str| {
        ok(&admin(
            &server,
            port,
            &[],
            &format!("START REPLICA SQL_THREAD UNTIL {until}"),
        ));
        let st = wait_status(&server, port, what, |st| {
            field(st, "Replica_SQL_Running") == "No"
        });
        assert_eq!(field(&st, "Last_SQL_Errno"), "0", "{st:?}");
        st
    };
    // UNTIL SQL_BEFORE_GTIDS: 4 is applied, 5 (the named GTID) is not.
    server.sql("INSERT INTO ops.t VALUES (5, 5)").unwrap();
    let st = until_stop(
        "stopped in front of the UNTIL GTID",
        &format!("SQL_BEFORE_GTIDS = '{uuid}:{}'", last + 2),
    );
    assert_eq!(field(&st, "Until_Condition"), "SQL_BEFORE_GTIDS", "{st:?}");
    assert_eq!(ids(&server), "2,3,4", "{}", replica.stderr());
    // UNTIL SOURCE_LOG_FILE/POS: stops at the source position after 6.
    server.sql("INSERT INTO ops.t VALUES (6, 6)").unwrap();
    let (file6, pos6) = primary_position(&server);
    server.sql("INSERT INTO ops.t VALUES (7, 7)").unwrap();
    let st = until_stop(
        "stopped at the UNTIL source position",
        &format!("SOURCE_LOG_FILE = '{file6}', SOURCE_LOG_POS = {pos6}"),
    );
    assert_eq!(
        (
            field(&st, "Until_Condition"),
            field(&st, "Until_Log_File"),
            field(&st, "Until_Log_Pos"),
            field(&st, "Exec_Source_Log_Pos"),
        ),
        (
            "Source",
            file6.as_str(),
            pos6.to_string().as_str(),
            pos6.to_string().as_str()
        ),
        "{st:?}"
    );
    assert_eq!(ids(&server), "2,3,4,5,6", "{}", replica.stderr());
    // UNTIL RELAY_LOG_FILE/POS one byte past the applier's position:
    // exactly one more transaction (7) is applied.
    server.sql("INSERT INTO ops.t VALUES (8, 8)").unwrap();
    let (relay_file, relay_pos) = (field(&st, "Relay_Log_File"), field(&st, "Relay_Log_Pos"));
    let relay_pos: u64 = relay_pos.parse().unwrap();
    let st = until_stop(
        "stopped at the UNTIL relay position",
        &format!(
            "RELAY_LOG_FILE = '{relay_file}', RELAY_LOG_POS = {}",
            relay_pos + 1
        ),
    );
    assert_eq!(field(&st, "Until_Condition"), "Relay", "{st:?}");
    assert_eq!(ids(&server), "2,3,4,5,6,7", "{}", replica.stderr());
    // A condition met already: the applier stops at once.
    let st = until_stop(
        "stopped at once",
        &format!("SOURCE_LOG_FILE = '{file6}', SOURCE_LOG_POS = {pos6}"),
    );
    assert_eq!(field(&st, "Until_Condition"), "Source", "{st:?}");
    assert_eq!(ids(&server), "2,3,4,5,6,7", "{}", replica.stderr());
    // UNTIL with the I/O thread only: ignored, with MySQL's warning.
    let out = ok(&admin(
        &server,
        port,
        &["-N"],
        &format!("START REPLICA IO_THREAD UNTIL SQL_AFTER_GTIDS = '{uuid}:1'; SHOW WARNINGS;"),
    ));
    assert!(out.contains("Warning\t1279\t"), "{out}");
    ok(&admin(&server, port, &[], "START REPLICA SQL_THREAD"));
    let st = wait_status(&server, port, "the rest applied", |st| {
        field(st, "Replica_SQL_Running") == "Yes"
    });
    assert_eq!(field(&st, "Until_Condition"), "None", "{st:?}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while ids(&server) != "2,3,4,5,6,7,8" {
        assert!(std::time::Instant::now() < deadline, "{}", ids(&server));
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // The change went to master.info.
    let mi = std::fs::read_to_string(replica.dir.join("master.info")).unwrap();
    assert!(mi.contains(&file), "{mi}");

    // RESET REPLICA: refused while running; then the relay log and the
    // position go, the data and executed GTIDs stay, and the next start
    // reads the source from its first binlog applying nothing twice.
    let e = err(&admin(&server, port, &[], "RESET REPLICA"));
    assert!(e.contains("ERROR 3081 (HY000)"), "{e}");
    ok(&admin(&server, port, &[], "STOP REPLICA; RESET REPLICA;"));
    let st = replica_status(&server, port);
    assert_eq!(
        field(&st, "Source_Port"),
        server.port().to_string(),
        "{st:?}"
    );
    assert_eq!(
        (
            field(&st, "Source_Log_File"),
            field(&st, "Read_Source_Log_Pos")
        ),
        ("", "4"),
        "{st:?}"
    );
    assert!(!replica.dir.join("understudy-relay-bin.index").exists());
    assert!(!replica.dir.join("understudy-relay-bin.000001").exists());
    server.sql("INSERT INTO ops.t VALUES (9, 9)").unwrap();
    ok(&admin(&server, port, &[], "START REPLICA"));
    let gtids = server
        .sql("SELECT @@gtid_executed")
        .unwrap()
        .trim()
        .replace('\n', "");
    let st = wait_status(&server, port, "caught up again", |st| {
        field(st, "Retrieved_Gtid_Set") == gtids && field(st, "Executed_Gtid_Set") == gtids
    });
    assert_eq!(field(&st, "Last_SQL_Errno"), "0", "{st:?}");
    let rows = ok(&admin(
        &server,
        port,
        &["-N", "-B"],
        "SELECT id FROM ops.t ORDER BY id",
    ));
    // Row 1's INSERT, passed over by the CHANGE of position before, is
    // no executed GTID: read again from the first binlog, it is applied
    // now, as a MySQL replica with GTIDs would; nothing applied before is
    // applied twice (that would be a duplicate-key error).
    assert_eq!(rows, "1\n2\n3\n4\n5\n6\n7\n8\n9\n");
    // RESET REPLICA ALL forgets the source.
    ok(&admin(
        &server,
        port,
        &[],
        "STOP REPLICA; RESET REPLICA ALL;",
    ));
    let none = ok(&admin(&server, port, &[], "SHOW REPLICA STATUS"));
    assert_eq!(none, "");
    let e = err(&admin(&server, port, &[], "START REPLICA"));
    assert!(e.contains("ERROR 1200 (HY000)"), "{e}");
    replica.stop();
}

/// CHANGE REPLICATION SOURCE TO SOURCE_DELAY: a transaction is applied
/// only that many seconds after the source committed it; meanwhile SHOW
/// REPLICA STATUS says what the applier waits for, and the delay stays
/// in relay-log.info for the next start. SOURCE_COMPRESSION_ALGORITHMS
/// takes MySQL's names.
#[test]
fn a_delayed_replica_waits() {
    let server = primary(ServerKind::Mysql97);
    server
        .sql("CREATE DATABASE dl; CREATE TABLE dl.t (id INT PRIMARY KEY);")
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (replica, port) = start_replica(tmp.path(), &server, &[]);
    let rows = || {
        ok(&admin(
            &server,
            port,
            &["-N", "-B"],
            "SELECT id FROM dl.t ORDER BY id",
        ))
    };
    wait_status(&server, port, "the table replicated", |_| {
        admin(&server, port, &["-N", "-B"], "SELECT COUNT(*) FROM dl.t")
            .status
            .success()
    });
    let e = err(&admin(
        &server,
        port,
        &[],
        "CHANGE REPLICATION SOURCE TO SOURCE_DELAY = 3",
    ));
    assert!(e.contains("ERROR 3017 (HY000)"), "{e}");
    ok(&admin(
        &server,
        port,
        &[],
        "STOP REPLICA SQL_THREAD; CHANGE REPLICATION SOURCE TO SOURCE_DELAY = 3; START REPLICA SQL_THREAD;",
    ));
    let info = std::fs::read_to_string(replica.dir.join("relay-log.info")).unwrap();
    assert_eq!(info.lines().nth(5), Some("3"), "{info}");
    server.sql("INSERT INTO dl.t VALUES (1)").unwrap();
    let committed = std::time::Instant::now();
    let st = wait_status(&server, port, "waiting for the delay", |st| {
        field(st, "Replica_SQL_Running_State")
            == "Waiting until SOURCE_DELAY seconds after source executed event"
    });
    assert_eq!(field(&st, "SQL_Delay"), "3", "{st:?}");
    let left: u64 = field(&st, "SQL_Remaining_Delay").parse().unwrap();
    assert!((1..=3).contains(&left), "{st:?}");
    // A second after the commit it is not applied yet; within the delay
    // and a little, it is.
    std::thread::sleep(std::time::Duration::from_secs(1).saturating_sub(committed.elapsed()));
    assert_eq!(rows(), "", "{}", replica.stderr());
    while rows() != "1\n" {
        assert!(
            committed.elapsed() < std::time::Duration::from_secs(8),
            "{}",
            replica.stderr()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(committed.elapsed() >= std::time::Duration::from_secs(2));
    let st = replica_status(&server, port);
    assert_eq!(field(&st, "SQL_Remaining_Delay"), "NULL", "{st:?}");
    // Compression: MySQL's names only, with the I/O thread stopped.
    let e = err(&admin(
        &server,
        port,
        &[],
        "STOP REPLICA IO_THREAD; CHANGE REPLICATION SOURCE TO SOURCE_COMPRESSION_ALGORITHMS = 'bogus'",
    ));
    assert!(
        e.contains("ERROR 3920 (HY000)") && e.contains("'bogus'"),
        "{e}"
    );
    ok(&admin(
        &server,
        port,
        &[],
        "STOP REPLICA; CHANGE REPLICATION SOURCE TO SOURCE_COMPRESSION_ALGORITHMS = 'zstd', SOURCE_ZSTD_COMPRESSION_LEVEL = 5, SOURCE_DELAY = 0; START REPLICA;",
    ));
    server.sql("INSERT INTO dl.t VALUES (2)").unwrap();
    wait_status(&server, port, "compressed and undelayed", |_| {
        rows() == "1\n2\n"
    });
    let mi = std::fs::read_to_string(replica.dir.join("master.info")).unwrap();
    assert!(mi.lines().any(|l| l == "zstd"), "{mi}");
    assert!(
        replica.stderr().contains("compression: zstd"),
        "{}",
        replica.stderr()
    );
}

/// Point-in-time recovery from a delayed replica: a DROP TABLE on the
/// source is not applied before the delay (`run --delay`); the operator
/// stops the applier, removes the delay and applies everything up to the
/// DROP (`START REPLICA SQL_THREAD UNTIL SQL_BEFORE_GTIDS`), the table and
/// its rows intact.
#[test]
fn a_delayed_replica_stops_in_front_of_a_drop() {
    let server = primary(ServerKind::Mysql97);
    let tmp = tempfile::tempdir().unwrap();
    let (replica, port) = start_replica(tmp.path(), &server, &["--delay", "10"]);
    server
        .sql(
            "CREATE DATABASE pitr; CREATE TABLE pitr.t (id INT PRIMARY KEY); \
             INSERT INTO pitr.t VALUES (1), (2); INSERT INTO pitr.t VALUES (3);",
        )
        .unwrap();
    let uuid = server
        .sql("SELECT @@server_uuid")
        .unwrap()
        .trim()
        .to_owned();
    server.sql("DROP TABLE pitr.t").unwrap();
    let dropped = std::time::Instant::now();
    let drop_gno = last_gno(&server);
    let st = wait_status(&server, port, "the delay holds", |st| {
        field(st, "Replica_SQL_Running_State")
            == "Waiting until SOURCE_DELAY seconds after source executed event"
    });
    assert_eq!(field(&st, "SQL_Delay"), "10", "{st:?}");
    // Stopped within the delay: nothing of the DROP applied.
    ok(&admin(&server, port, &[], "STOP REPLICA SQL_THREAD"));
    assert!(dropped.elapsed() < std::time::Duration::from_secs(8));
    ok(&admin(
        &server,
        port,
        &[],
        &format!(
            "CHANGE REPLICATION SOURCE TO SOURCE_DELAY = 0; \
             START REPLICA SQL_THREAD UNTIL SQL_BEFORE_GTIDS = '{uuid}:{drop_gno}';"
        ),
    ));
    let st = wait_status(&server, port, "stopped in front of the DROP", |st| {
        field(st, "Replica_SQL_Running") == "No"
    });
    assert_eq!(field(&st, "Last_SQL_Errno"), "0", "{st:?}");
    assert_eq!(field(&st, "Until_Condition"), "SQL_BEFORE_GTIDS", "{st:?}");
    assert_eq!(
        field(&st, "Executed_Gtid_Set"),
        format!("{uuid}:1-{}", drop_gno - 1),
        "{st:?}"
    );
    assert_eq!(
        ok(&admin(
            &server,
            port,
            &["-N", "-B"],
            "SELECT id FROM pitr.t ORDER BY id"
        )),
        "1\n2\n3\n",
        "{}",
        replica.stderr()
    );
    // Started without UNTIL, it applies the DROP too.
    ok(&admin(&server, port, &[], "START REPLICA SQL_THREAD"));
    wait_status(&server, port, "the DROP applied", |st| {
        field(st, "Executed_Gtid_Set") == format!("{uuid}:1-{drop_gno}")
    });
    let e = err(&admin(&server, port, &[], "SELECT id FROM pitr.t"));
    assert!(e.contains("ERROR 1146"), "{e}");
}
