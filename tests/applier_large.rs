//! A transaction larger than the applier's memory allowance
//! (`--large-transaction-bytes`, set to 2 MiB here against a transaction
//! of about 30 MB): inserts, updates and deletes on a keyed table and on a
//! table without a key, between small and medium transactions (one
//! overflows the batch it would join, and is applied alone in memory). It is applied through
//! the scratch store and committed as ingested table files: the replica
//! ends equal to the primary, also when it is killed (SIGKILL) while the
//! large transaction is being applied and started again.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use std::time::{Duration, Instant};

use replica_harness::real::{
    Ended, assert_rows_equal, gtid_executed, server_rows, understudy_rows, understudy_verify,
    understudy_wait,
};
use replica_harness::{Replica, primary};
use understudy_testbed::{Server, ServerKind};

const LIMIT: &str = "2097152";

fn workload(server: &Server) {
    server
        .sql(
            "CREATE DATABASE l;
             CREATE TABLE l.big (id INT PRIMARY KEY, pad VARCHAR(1000), n INT);
             CREATE TABLE l.nokey (a INT, b VARCHAR(100));
             INSERT INTO l.big VALUES (-1, 'before', 0);
             INSERT INTO l.nokey VALUES (1, 'x'), (1, 'x'), (2, 'y');
             SET SESSION cte_max_recursion_depth = 1000000;
             INSERT INTO l.big (id, pad, n)
               WITH RECURSIVE seq(i) AS (SELECT 100001 UNION ALL SELECT i + 1 FROM seq WHERE i < 100850)
               SELECT i, REPEAT('m', 950), i FROM seq;
             INSERT INTO l.big (id, pad, n)
               WITH RECURSIVE seq(i) AS (SELECT 200001 UNION ALL SELECT i + 1 FROM seq WHERE i < 201500)
               SELECT i, REPEAT('n', 950), i FROM seq;
             START TRANSACTION;
             INSERT INTO l.big (id, pad, n)
               WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 30000)
               SELECT i, REPEAT(CHAR(65 + i % 26), 900 + i % 100), i FROM seq;
             INSERT INTO l.nokey (a, b)
               WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 3000)
               SELECT i % 50, CONCAT('row ', i % 7) FROM seq;
             UPDATE l.big SET n = -n, pad = 'changed' WHERE id % 10 = 0;
             DELETE FROM l.big WHERE id % 7 = 0;
             UPDATE l.nokey SET b = 'upd' WHERE a = 1;
             DELETE FROM l.nokey WHERE a = 2 LIMIT 40;
             COMMIT;
             INSERT INTO l.big VALUES (-2, 'after', 0);
             UPDATE l.big SET n = 7 WHERE id = 1;",
        )
        .unwrap();
}

fn compare(dir: &std::path::Path, server: &Server) {
    for t in ["l.big", "l.nokey"] {
        assert_rows_equal(t, &understudy_rows(dir, t), &server_rows(server, t));
    }
    let (ok, text) = understudy_verify(dir, server);
    assert!(ok, "{text}");
    assert!(text.contains(": 2 equal, 0 different"), "{text}");
}

#[test]
fn mysql_97_large_transaction() {
    let server = primary(ServerKind::Mysql97);
    workload(&server);
    let gtids = gtid_executed(&server);
    let tmp = tempfile::tempdir().unwrap();
    let replica = Replica::start(tmp.path(), &server, &["--large-transaction-bytes", LIMIT]);
    assert_eq!(
        understudy_wait(&replica, &gtids),
        Ended::CaughtUp,
        "{}",
        replica.stderr()
    );
    // Only the 30 MB transaction: the 1.6 MB one that follows 0.9 MB
    // overflows the batch, which is committed without it, and is then
    // applied alone, in memory.
    let log = replica.stderr();
    assert_eq!(
        log.matches("applied as a large transaction").count(),
        1,
        "{log}"
    );
    assert!(log.contains("large transaction committed: "), "{log}");
    let dir = replica.dir.clone();
    replica.stop();
    assert!(
        !dir.join("store.large").exists(),
        "the scratch store is gone after the commit"
    );
    compare(&dir, &server);
}

#[test]
fn mysql_97_large_transaction_survives_a_kill() {
    let server = primary(ServerKind::Mysql97);
    workload(&server);
    let gtids = gtid_executed(&server);
    let tmp = tempfile::tempdir().unwrap();
    let mut replica = Replica::start(tmp.path(), &server, &["--large-transaction-bytes", LIMIT]);
    // Killed while the large transaction is under way.
    let t = Instant::now();
    while !replica.stderr().contains("applied as a large transaction") {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "{}",
            replica.stderr()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(150));
    replica.child.kill().unwrap();
    replica.child.wait().unwrap();
    assert!(
        !replica.stderr().contains("large transaction committed"),
        "the kill came after the commit; the test needs a larger transaction:\n{}",
        replica.stderr()
    );
    let replica = Replica::start(tmp.path(), &server, &["--large-transaction-bytes", LIMIT]);
    assert_eq!(
        understudy_wait(&replica, &gtids),
        Ended::CaughtUp,
        "{}",
        replica.stderr()
    );
    let dir = replica.dir.clone();
    replica.stop();
    compare(&dir, &server);
    let log = std::fs::read_to_string(tmp.path().join("stderr")).unwrap();
    assert!(
        !log.contains("executed before was skipped"),
        "nothing of the killed attempt was committed:\n{log}"
    );
}
