//! `understudy clone`: a replica of a primary that already holds data and
//! has purged its early binlogs, copied while a workload writes, killed
//! half-way and resumed, then streaming from the snapshot's position:
//! `understudy verify` finds every table equal (MySQL 9.7, MariaDB 10.11).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod replica_harness;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use replica_harness::real::understudy_verify;
use replica_harness::{Replica, primary};
use understudy_testbed::{Server, ServerKind};

const CLONER_PW: &str = "clone-pw";

/// The rows the primary holds before the clone: 2,000,000 over four
/// tables (an integer key, an unsigned key with many types, a string
/// key, no key).
fn load(server: &Server) {
    let cte = |n: u32| {
        format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) ")
    };
    let depth = if server.kind().is_mariadb() {
        "SET SESSION max_recursive_iterations = 2000000;"
    } else {
        "SET SESSION cte_max_recursion_depth = 2000000;"
    };
    server
        .sql(&format!(
            "CREATE DATABASE app; USE app; {depth}
             CREATE TABLE big (id BIGINT PRIMARY KEY, a INT NOT NULL, s VARCHAR(32));
             CREATE TABLE mixed (id INT UNSIGNED PRIMARY KEY, d DECIMAL(12,3), f FLOAT, dt DATETIME(3),
               ts TIMESTAMP NULL, e ENUM('x','y','z'), st SET('p','q'), b BIT(5), y YEAR, tm TIME, j TEXT,
               bl BLOB, c CHAR(4));
             CREATE TABLE str (k VARCHAR(40) PRIMARY KEY, v INT);
             CREATE TABLE nokey (a INT, b VARCHAR(20));
             INSERT INTO big {} SELECT i, i % 1000, CONCAT('big-', i) FROM n;
             INSERT INTO mixed {} SELECT i, i / 7, i / 3, '2024-01-01 00:00:00' + INTERVAL i SECOND,
               FROM_UNIXTIME(1600000000 + i), ELT(1 + i % 3, 'x', 'y', 'z'), IF(i % 2, 'p,q', ''),
               i % 32, 1990 + i % 50, SEC_TO_TIME(i % 86400), CONCAT('{{\"k\": ', i, '}}'),
               UNHEX(HEX(i)), LEFT(HEX(i * 7), 4) FROM n;
             INSERT INTO str {} SELECT CONCAT('key-', HEX(i * 2654435761 % 4294967296)), i FROM n;
             INSERT INTO nokey {} SELECT i % 500, CONCAT('nk-', i % 97) FROM n;",
            cte(1_400_000),
            cte(400_000),
            cte(100_000),
            cte(100_000),
        ))
        .unwrap();
}

/// The binlogs holding the load are purged: only a clone can seed a
/// replica now.
fn purge(server: &Server) {
    let q = if server.kind().is_mariadb() {
        "FLUSH BINARY LOGS; SHOW MASTER STATUS"
    } else {
        "FLUSH BINARY LOGS; SHOW BINARY LOG STATUS"
    };
    let out = server.sql(q).unwrap();
    let file = out
        .lines()
        .last()
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_owned();
    // MariaDB keeps a file until its binlog checkpoint has passed.
    let t = Instant::now();
    loop {
        server
            .sql(&format!("PURGE BINARY LOGS TO '{file}'"))
            .unwrap();
        let logs = server.sql("SHOW BINARY LOGS").unwrap();
        if logs.lines().count() == 1 {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(30), "{logs}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// An account with what a replication and backup account has.
fn cloner(server: &Server) {
    let client = if server.kind().is_mariadb() {
        "BINLOG MONITOR"
    } else {
        "REPLICATION CLIENT"
    };
    server
        .sql(&format!(
            "CREATE USER 'cloner'@'%' IDENTIFIED BY '{CLONER_PW}';
             GRANT REPLICATION SLAVE, {client}, SELECT, RELOAD ON *.* TO 'cloner'@'%';"
        ))
        .unwrap();
}

/// A write workload of small transactions on every table until `stop`.
fn workload(server: &Server, stop: &AtomicBool) -> u32 {
    let mut i = 0u32;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        let r = 1 + (i * 7919) % 1_300_000;
        server
            .sql(&format!(
                "USE app;
                 INSERT INTO big VALUES ({}, {i}, 'new');
                 UPDATE big SET a = a + 1, s = 'upd' WHERE id = {r};
                 DELETE FROM big WHERE id = {};
                 UPDATE big SET id = id + 10000000 WHERE id = {};
                 UPDATE mixed SET d = d + 1, j = '{{\"w\": {i}}}' WHERE id = {};
                 DELETE FROM str WHERE v = {};
                 INSERT INTO nokey VALUES ({i}, 'w');
                 DELETE FROM nokey WHERE a = {} LIMIT 1;",
                2_000_000 + i,
                r + 11,
                r + 23,
                1 + r % 400_000,
                1 + r % 100_000,
                r % 500
            ))
            .unwrap();
    }
    i
}

fn clone_command(dir: &Path, server: &Server, user: &str, password: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_understudy"));
    c.arg("clone")
        .arg("--data-dir")
        .arg(dir)
        .arg("--source")
        .arg(format!("mysql://{user}@127.0.0.1:{}", server.port()))
        .env("UNDERSTUDY_SOURCE_PASSWORD", password)
        .args([
            "--parallel",
            "2",
            "--chunk-rows",
            "20000",
            "--progress",
            "log",
        ]);
    c
}

fn run_clone(dir: &Path, server: &Server, user: &str, password: &str) -> (bool, String) {
    let out = clone_command(dir, server, user, password).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn clone_kill_resume_verify(kind: ServerKind) {
    let server = primary(kind);
    load(&server);
    purge(&server);
    cloner(&server);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let stop = AtomicBool::new(false);
    let writes = std::thread::scope(|s| {
        let w = s.spawn(|| workload(&server, &stop));
        std::thread::sleep(Duration::from_millis(500));
        // The first clone is killed (SIGKILL) in the middle of the copy.
        let mut child = clone_command(&data, &server, "cloner", CLONER_PW)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_secs(3));
        assert!(
            child.try_wait().unwrap().is_none(),
            "the clone ended before it could be killed half-way"
        );
        child.kill().unwrap();
        let first = child.wait_with_output().unwrap();
        let first = String::from_utf8_lossy(&first.stderr).into_owned();
        assert!(first.contains("clone: snapshot taken"), "{first}");
        std::thread::sleep(Duration::from_millis(500));
        // Run again, it goes on from the chunks done.
        let started = Instant::now();
        let (ok, second) = run_clone(&data, &server, "cloner", CLONER_PW);
        assert!(ok, "{second}");
        assert!(second.contains("clone: resuming"), "{second}");
        let copied: u64 = second
            .split(" rows of ")
            .next()
            .and_then(|s| s.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{second}"));
        assert!(
            copied > 0 && copied < 1_900_000,
            "the resumed clone copied {copied} rows: not only what was left\n{second}"
        );
        eprintln!("resumed clone: {copied} rows in {:?}", started.elapsed());
        // Streaming starts where the copy stands, the writes still going.
        let replica = Replica::start(tmp.path(), &server, &[]);
        std::thread::sleep(Duration::from_secs(2));
        stop.store(true, Ordering::SeqCst);
        let writes = w.join().unwrap();
        let (equal, out) = understudy_verify(&data, &server);
        assert!(equal, "{out}\n{}", replica.stderr());
        for t in ["app.big", "app.mixed", "app.str", "app.nokey"] {
            assert!(out.contains(&format!("{t}: equal")), "{t}: {out}");
        }
        assert!(
            replica.stderr().contains("a resumed clone's window"),
            "{}",
            replica.stderr()
        );
        replica.stop();
        writes
    });
    assert!(writes > 5, "the workload ran {writes} transactions");
    let rows = server.sql("SELECT COUNT(*) FROM app.big").unwrap();
    eprintln!("{kind:?}: {writes} write transactions during the clone; app.big has {rows}");
}

#[test]
fn mysql_clone_under_writes_killed_and_resumed() {
    clone_kill_resume_verify(ServerKind::Mysql97);
}

#[test]
fn mariadb_clone_under_writes_killed_and_resumed() {
    clone_kill_resume_verify(ServerKind::Mariadb1011);
}

/// Without RELOAD the clone says so; on MySQL, BACKUP_ADMIN with LOCK
/// TABLES does instead (LOCK INSTANCE FOR BACKUP, LOCK TABLES … READ).
#[test]
fn clone_privileges() {
    for kind in [ServerKind::Mysql97, ServerKind::Mariadb1011] {
        let server = primary(kind);
        server
            .sql(
                "CREATE DATABASE small; CREATE TABLE small.t (id INT PRIMARY KEY, v VARCHAR(9));
                 INSERT INTO small.t VALUES (1, 'a'), (2, 'b'), (3, NULL);",
            )
            .unwrap();
        let client = if kind.is_mariadb() {
            "BINLOG MONITOR"
        } else {
            "REPLICATION CLIENT"
        };
        server
            .sql(&format!(
                "CREATE USER 'weak'@'%' IDENTIFIED BY 'w';
                 GRANT REPLICATION SLAVE, {client}, SELECT ON *.* TO 'weak'@'%';
                 CREATE USER 'norepl'@'%' IDENTIFIED BY 'w';
                 GRANT {client}, SELECT, RELOAD ON *.* TO 'norepl'@'%';"
            ))
            .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let (ok, err) = run_clone(&tmp.path().join("a"), &server, "weak", "w");
        assert!(!ok && err.contains("lacks the RELOAD privilege"), "{err}");
        let (ok, err) = run_clone(&tmp.path().join("b"), &server, "norepl", "w");
        assert!(
            !ok && err.contains("lacks the REPLICATION SLAVE privilege"),
            "{err}"
        );
        if kind.is_mariadb() {
            continue;
        }
        server
            .sql(
                "CREATE USER 'bk'@'%' IDENTIFIED BY 'w';
                 GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT, LOCK TABLES ON *.* TO 'bk'@'%';
                 GRANT BACKUP_ADMIN ON *.* TO 'bk'@'%';",
            )
            .unwrap();
        let data = tmp.path().join("c");
        let (ok, err) = run_clone(&data, &server, "bk", "w");
        assert!(ok, "{err}");
        assert!(err.contains("3 rows of 1 tables"), "{err}");
        let (equal, out) = understudy_verify(&data, &server);
        assert!(equal, "{out}");
    }
}

/// `run --bootstrap` clones an empty data directory, then streams; run
/// again on it, it clones nothing.
#[test]
fn run_bootstrap_clones_then_streams() {
    let server = primary(ServerKind::Mysql97);
    server
        .sql(
            "GRANT SELECT, RELOAD ON *.* TO 'repl'@'%';
             CREATE DATABASE b; CREATE TABLE b.t (id INT PRIMARY KEY, v VARCHAR(9));
             INSERT INTO b.t VALUES (1, 'a'), (2, 'b');",
        )
        .unwrap();
    purge(&server);
    let tmp = tempfile::tempdir().unwrap();
    let replica = Replica::start(tmp.path(), &server, &["--bootstrap"]);
    let t = Instant::now();
    while !replica
        .stderr()
        .contains("understudy clone: 2 rows of 1 tables")
    {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "{}",
            replica.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
        .sql("INSERT INTO b.t VALUES (3, 'c'); UPDATE b.t SET v = 'z' WHERE id = 1;")
        .unwrap();
    let (equal, out) = understudy_verify(&replica.dir, &server);
    assert!(
        equal && out.contains("b.t: equal rows=3"),
        "{out}\n{}",
        replica.stderr()
    );
    assert!(replica.stderr().contains("--bootstrap: cloning the source"));
    replica.stop();
    let replica = Replica::start(tmp.path(), &server, &["--bootstrap"]);
    server.sql("DELETE FROM b.t WHERE id = 2").unwrap();
    let (equal, out) = understudy_verify(&replica.dir, &server);
    assert!(
        equal && out.contains("b.t: equal rows=2"),
        "{out}\n{}",
        replica.stderr()
    );
    assert!(
        replica
            .stderr()
            .contains("holds a replica already; no clone")
    );
    replica.stop();
}
