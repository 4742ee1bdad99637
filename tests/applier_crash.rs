//! Crash safety of the applier: while a workload runs on the primary
//! (inserts, updates, deletes, multi-statement transactions, a table
//! without a primary key), `understudy run` is killed with SIGKILL 30
//! times at random moments and started again. Afterwards every table
//! equals the primary's, `verify` agrees, and no transaction was ever met
//! twice (the applier logs a transaction it skips as executed before: the
//! position committed with the rows makes that impossible here). MySQL 9.7
//! with GTIDs and `--durability sync`; MariaDB 10.11 by file and position
//! with `--durability none`.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use replica_harness::real::{server_rows, understudy_rows};
use replica_harness::{Replica, primary, primary_position};
use understudy_testbed::{Server, ServerKind};

const KILLS: u32 = 30;

const SETUP: &str = "
CREATE DATABASE c;
CREATE TABLE c.t (id INT PRIMARY KEY, v INT NOT NULL, s VARCHAR(64));
CREATE TABLE c.nokey (a INT, b VARCHAR(20));
CREATE TABLE c.comp (k1 INT, k2 CHAR(4), n BIGINT, PRIMARY KEY (k1, k2));
";

/// One batch of transactions (round `r`): inserts, an update of earlier
/// rows, a delete, a three-statement transaction and one that rolls back.
fn batch(r: u32) -> String {
    let mut sql = String::new();
    for i in 0..20 {
        let id = r * 20 + i;
        sql.push_str(&format!(
            "INSERT INTO c.t VALUES ({id}, {i}, REPEAT('s', {}));",
            (id % 60) + 1
        ));
        sql.push_str(&format!("INSERT INTO c.nokey VALUES ({}, 'r{r}');", id % 7));
    }
    sql.push_str(&format!(
        "UPDATE c.t SET v = v + 1 WHERE id % 5 = {};",
        r % 5
    ));
    sql.push_str(&format!("DELETE FROM c.t WHERE id = {};", r * 7));
    sql.push_str(&format!("DELETE FROM c.nokey WHERE a = {} LIMIT 1;", r % 7));
    sql.push_str(&format!(
        "START TRANSACTION; INSERT INTO c.comp VALUES ({r}, 'a', 1), ({r}, 'b', 2); \
         UPDATE c.comp SET n = n * 3 WHERE k1 = {r}; UPDATE c.nokey SET b = 'tx{r}' WHERE a = {}; COMMIT;",
        r % 7
    ));
    sql.push_str(&format!(
        "START TRANSACTION; INSERT INTO c.comp VALUES ({r}, 'x', 9); ROLLBACK;"
    ));
    sql
}

/// A tiny xorshift: random kill moments, reproducible from the seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn wait_applied(replica: &Replica, server: &Server) {
    let (file, pos) = primary_position(server);
    let t = Instant::now();
    loop {
        let text = std::fs::read_to_string(replica.dir.join("applier-status")).unwrap_or_default();
        if text.contains(&format!("Relay_Source_Log_File: {file}\n"))
            && text.contains(&format!("Exec_Source_Log_Pos: {pos}\n"))
        {
            return;
        }
        assert!(
            !text.contains("Last_SQL_Errno: ") || text.contains("Last_SQL_Errno: 0\n"),
            "applier stopped:\n{text}\n{}",
            replica.stderr()
        );
        assert!(
            t.elapsed() < Duration::from_secs(120),
            "applier did not reach {file}:{pos}:\n{text}\n{}",
            replica.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn crash_loop(kind: ServerKind, flags: &[&str]) {
    let server = Arc::new(primary(kind));
    server.sql(SETUP).unwrap();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("{}: kill moments from seed {seed}", kind.name());
    let mut rng = Rng(seed);
    let stop = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicU32::new(0));
    let writer = {
        let (server, stop, rounds) = (server.clone(), stop.clone(), rounds.clone());
        std::thread::spawn(move || {
            let mut r = 0;
            while !stop.load(Ordering::SeqCst) {
                server.sql(&batch(r)).unwrap();
                r += 1;
                rounds.store(r, Ordering::SeqCst);
            }
        })
    };
    let tmp = tempfile::tempdir().unwrap();
    let t0 = Instant::now();
    for _ in 0..KILLS {
        let mut replica = Replica::start(tmp.path(), &server, flags);
        std::thread::sleep(Duration::from_millis(50 + rng.below(400)));
        // SIGKILL: no chance to flush or to write a last status.
        replica.child.kill().unwrap();
        replica.child.wait().unwrap();
    }
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    let killed = t0.elapsed();
    let replica = Replica::start(tmp.path(), &server, flags);
    wait_applied(&replica, &server);
    let caught_up = t0.elapsed();
    let dir = replica.dir.clone();
    let verify = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .args(["verify", "--data-dir"])
        .arg(&dir)
        .args([
            "--source",
            &format!("mysql://root@127.0.0.1:{}", server.port()),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(
        verify.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert!(text.contains("3 tables compared"), "{text}");
    replica.stop();
    for t in ["c.t", "c.nokey", "c.comp"] {
        assert_eq!(understudy_rows(&dir, t), server_rows(&server, t), "{t}");
    }
    let log = std::fs::read_to_string(tmp.path().join("stderr")).unwrap();
    assert!(
        !log.contains("executed before was skipped"),
        "a transaction was met twice:\n{log}"
    );
    let n = rounds.load(Ordering::SeqCst);
    assert!(n >= 5, "the workload ran {n} rounds only");
    eprintln!(
        "{}: {KILLS} kills during {n} rounds of 45 transactions ({killed:?}; caught up at {caught_up:?}, checked at {:?})",
        kind.name(),
        t0.elapsed()
    );
}

#[test]
fn mysql_97_sync_survives_30_kills() {
    crash_loop(ServerKind::Mysql97, &["--durability", "sync"]);
}

#[test]
fn mariadb_1011_none_survives_30_kills() {
    crash_loop(ServerKind::Mariadb1011, &["--durability", "none"]);
}
