//! Applier errors against MySQL's own handling. The primary's binlog is
//! made to disagree with its replicas (changes made with
//! `sql_log_bin = 0`), so that row events miss rows (1032), collide
//! (1062) and DDL finds tables that exist (1050) or not (1051). understudy
//! and a real MySQL 9.7 replica replay it under the same settings:
//!
//! - strict: both stop with the same error; understudy restarted with
//!   `--sql-replica-skip-counter 1`, MySQL given an empty transaction for
//!   the failing GTID (GTID mode forbids its skip counter), until both are
//!   through — the same errors in the same order;
//! - `--replica-skip-errors=ddl_exist_errors,1032,1062` (MySQL's server
//!   option, which also names the codes the shorthand stands for);
//! - `--replica-exec-mode=IDEMPOTENT` (with DDL errors skipped).
//!
//! Each time both must hold the same rows and tables at the end, and
//! `Last_SQL_Errno` / `Skip_Counter` show in `understudy status`.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use replica_harness::real::{
    Ended, RealReplica, assert_same_contents, gtid_executed, understudy_wait,
};
use replica_harness::{Replica, primary};
use understudy_replica::applier::policy::SkipErrors;
use understudy_testbed::{Server, ServerKind};

const WORKLOAD: &str = "
CREATE DATABASE e;
USE e;
CREATE TABLE t (id INT PRIMARY KEY, v INT);
CREATE TABLE nokey (a INT, b INT);
CREATE TABLE d (id INT PRIMARY KEY);
INSERT INTO t VALUES (1, 1), (2, 2), (3, 3), (4, 4), (11, 11);
INSERT INTO nokey VALUES (1, 1), (2, 2);
SET sql_log_bin = 0;
INSERT INTO t VALUES (10, 10);
DELETE FROM t WHERE id = 2;
INSERT INTO nokey VALUES (3, 3);
DROP TABLE d;
CREATE TABLE gone (id INT PRIMARY KEY);
SET sql_log_bin = 1;
UPDATE t SET v = 100 WHERE id = 10;
INSERT INTO t VALUES (2, 22);
UPDATE t SET v = v + 1 WHERE id >= 3;
INSERT INTO t VALUES (20, 20);
UPDATE nokey SET b = 30 WHERE a = 3;
CREATE TABLE d (id INT PRIMARY KEY, extra INT);
INSERT INTO d VALUES (1, 1);
DROP TABLE gone;
START TRANSACTION;
DELETE FROM t WHERE id = 10;
INSERT INTO t VALUES (30, 30);
COMMIT;
INSERT INTO t VALUES (40, 40);
";

/// The GTID of the transaction the MySQL replica failed on.
fn failed_gtid(real: &RealReplica) -> String {
    let st = real.status();
    let err = st
        .iter()
        .find(|(k, _)| k == "Last_SQL_Error")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let start = err.find("transaction '").unwrap() + "transaction '".len();
    let end = err[start..].find('\'').unwrap() + start;
    err[start..end].to_owned()
}

fn status_field(dir: &std::path::Path, name: &str) -> String {
    Replica::status_text(dir)
        .lines()
        .find_map(|l| {
            l.trim_start()
                .strip_prefix(&format!("{name}: "))
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

#[test]
fn strict_mode_stops_like_mysql_and_the_skip_counter_goes_on() {
    let server = primary(ServerKind::Mysql97);
    server.sql(WORKLOAD).unwrap();
    let gtids = gtid_executed(&server);
    let real = RealReplica::start(&[]);
    real.follow(&server, "", "");
    let tmp = tempfile::tempdir().unwrap();
    let mut errors = Vec::new();
    for round in 0..10 {
        let skip = if round == 0 { "0" } else { "1" };
        let replica = Replica::start(tmp.path(), &server, &["--sql-replica-skip-counter", skip]);
        let mine = understudy_wait(&replica, &gtids);
        let theirs = real.wait(&gtids);
        assert_eq!(
            mine,
            theirs,
            "round {round}: {:?}\n{}",
            real.status(),
            replica.stderr()
        );
        let dir = replica.dir.clone();
        let Ended::Error(errno) = mine else {
            replica.stop();
            break;
        };
        let status = Replica::status_text(&dir);
        assert!(
            status.contains(&format!("Last_SQL_Errno: {errno}\n")),
            "{status}"
        );
        assert!(status.contains("Replica_SQL_Running: No\n"), "{status}");
        errors.push(errno);
        replica.stop_expecting(true);
        // MySQL in GTID mode: an empty transaction in place of the failing
        // one, then START REPLICA.
        let g = failed_gtid(&real);
        real.server
            .sql(&format!(
                "SET GTID_NEXT = '{g}'; BEGIN; COMMIT; SET GTID_NEXT = AUTOMATIC; START REPLICA SQL_THREAD;"
            ))
            .unwrap();
    }
    // 1032 (update of row 10), 1062 (row 2), 1032 (row 10 in a multi-row
    // update), 1032 (no-key row), 1050 (CREATE TABLE d), 1051 (DROP TABLE
    // gone), 1032 (delete of row 10).
    assert_eq!(errors, [1032, 1062, 1032, 1032, 1050, 1051, 1032]);
    let dir = tmp.path().join("data");
    assert_eq!(status_field(&dir, "Skip_Counter"), "0");
    assert_same_contents("strict + skip counter", &dir, &real);
}

fn run_and_compare(server: &Server, real: &RealReplica, what: &str, flags: &[&str]) {
    let gtids = gtid_executed(server);
    let tmp = tempfile::tempdir().unwrap();
    let replica = Replica::start(tmp.path(), server, flags);
    assert_eq!(understudy_wait(&replica, &gtids), Ended::CaughtUp, "{what}");
    assert_eq!(
        real.wait(&gtids),
        Ended::CaughtUp,
        "{what}: {:?}",
        real.status()
    );
    let dir = replica.dir.clone();
    replica.stop();
    let n = assert_same_contents(what, &dir, real);
    assert_eq!(n, 3, "{what}: e.t, e.nokey, e.d");
}

#[test]
fn skip_errors_and_idempotent_leave_what_mysql_leaves() {
    let server = primary(ServerKind::Mysql97);
    server.sql(WORKLOAD).unwrap();
    let skipping = RealReplica::start(&["--replica-skip-errors=ddl_exist_errors,1032,1062"]);
    // Our shorthand stands for the same codes as MySQL's.
    let theirs = skipping.server.sql("SELECT @@replica_skip_errors").unwrap();
    let theirs: Vec<u32> = theirs
        .trim()
        .split(',')
        .map(|c| c.trim().parse().unwrap())
        .collect();
    let ours = SkipErrors::parse("ddl_exist_errors,1032,1062").unwrap();
    for code in [
        1007, 1008, 1032, 1050, 1051, 1054, 1060, 1061, 1062, 1068, 1091, 1094, 1146,
    ] {
        assert_eq!(
            ours.skips(code),
            theirs.contains(&code),
            "code {code}: MySQL's list is {theirs:?}"
        );
    }
    skipping.follow(&server, "", "");
    run_and_compare(
        &server,
        &skipping,
        "replica-skip-errors",
        &["--replica-skip-errors", "ddl_exist_errors,1032,1062"],
    );
    drop(skipping);
    // IDEMPOTENT is about row events; DDL errors still stop, so those are
    // skipped on both.
    let real = RealReplica::start(&["--replica-skip-errors=ddl_exist_errors"]);
    real.follow(&server, "", "SET GLOBAL replica_exec_mode = 'IDEMPOTENT';");
    run_and_compare(
        &server,
        &real,
        "IDEMPOTENT",
        &[
            "--replica-exec-mode",
            "IDEMPOTENT",
            "--replica-skip-errors",
            "ddl_exist_errors",
        ],
    );
}

/// Columns changed on the primary behind the replica's back: a column
/// made unsigned, one moved to another character set, one renamed. The
/// table maps carry the primary's definitions (`binlog_row_metadata =
/// FULL`), and understudy stops on each with 1677 naming the column,
/// rather than store values under the wrong sign, charset or name; the
/// skip counter takes it past each, and the last insert, on an unchanged
/// table, arrives.
#[test]
fn changed_column_definitions_stop_with_1677() {
    let server = primary(ServerKind::Mysql97);
    server
        .sql(
            "SET GLOBAL binlog_row_metadata = FULL;
             CREATE DATABASE m;
             USE m;
             CREATE TABLE s (id INT PRIMARY KEY, a INT);
             CREATE TABLE c (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET latin1);
             CREATE TABLE n (id INT PRIMARY KEY, a INT, b INT);
             CREATE TABLE ok (id INT PRIMARY KEY, a INT UNSIGNED, v VARCHAR(10));
             SET sql_log_bin = 0;
             ALTER TABLE s MODIFY a INT UNSIGNED;
             ALTER TABLE c MODIFY v VARCHAR(10) CHARACTER SET utf8mb4;
             ALTER TABLE n RENAME COLUMN a TO x;
             SET sql_log_bin = 1;",
        )
        .unwrap();
    // A new session, so that the global metadata setting is in force.
    server
        .sql(
            "USE m;
             INSERT INTO s VALUES (1, 4000000000);
             INSERT INTO c VALUES (1, 'é');
             INSERT INTO n VALUES (1, 1, 1);
             INSERT INTO ok VALUES (1, 4000000000, 'é');",
        )
        .unwrap();
    let gtids = gtid_executed(&server);
    let tmp = tempfile::tempdir().unwrap();
    let expected = [
        "Table 'm.s': column 1 (a) is unsigned on the source but signed on the replica",
        "Table 'm.c': column 1 (v) is in character set utf8mb4 on the source but latin1 on the replica",
        "Table 'm.n': column 1 is 'x' on the source but 'a' on the replica",
    ];
    for (round, want) in expected.iter().enumerate() {
        let skip = if round == 0 { "0" } else { "1" };
        let replica = Replica::start(tmp.path(), &server, &["--sql-replica-skip-counter", skip]);
        let ended = understudy_wait(&replica, &gtids);
        let dir = replica.dir.clone();
        assert!(
            matches!(ended, Ended::Error(1677)),
            "round {round}: {}",
            replica.stderr()
        );
        let error = status_field(&dir, "Last_SQL_Error");
        assert!(error.contains(want), "round {round}: {error}");
        replica.stop_expecting(true);
    }
    let replica = Replica::start(tmp.path(), &server, &["--sql-replica-skip-counter", "1"]);
    assert!(matches!(understudy_wait(&replica, &gtids), Ended::CaughtUp));
    let dir = replica.dir.clone();
    replica.stop();
    assert_eq!(
        replica_harness::real::understudy_rows(&dir, "m.ok"),
        ["1\t4000000000\té"]
    );
    assert!(replica_harness::real::understudy_rows(&dir, "m.s").is_empty());
}
