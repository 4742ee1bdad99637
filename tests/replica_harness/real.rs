//! A real MySQL 9.7 replica next to understudy, as the ground truth for
//! what MySQL's rules (filters, skipped errors, exec modes) leave on a
//! replica, and the comparison of the two replicas' databases, tables and
//! rows.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use understudy_store::Store;
use understudy_testbed::{Server, ServerKind, ServerOptions};

use super::REPL_PASSWORD;

const SYSTEM_DBS: &str = "'mysql','information_schema','performance_schema','sys'";

/// A MySQL 9.7 server used as a replica (GTIDs on, not started).
pub struct RealReplica {
    pub server: Server,
}

/// What a replica ended with: caught up, or stopped on an SQL error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    CaughtUp,
    Error(u32),
}

impl RealReplica {
    /// `extra`: more server options (`--replica-skip-errors=…`).
    pub fn start(extra: &[&str]) -> RealReplica {
        let opts = ServerOptions::new()
            .server_id(2)
            .mysql_gtid_mode()
            .arg("--skip-replica-start")
            // One worker: errors are met in source order, as understudy
            // meets them (with several, the first error reported is
            // whichever worker failed last).
            .arg("--replica-parallel-workers=1")
            .args(extra.iter().copied());
        RealReplica {
            server: Server::start(ServerKind::Mysql97, opts).unwrap(),
        }
    }

    /// Forgets everything (databases, GTIDs, source) and follows
    /// `primary` from its first transaction with these filter settings
    /// (`CHANGE REPLICATION FILTER` clauses, may be empty) and session
    /// settings (`SET GLOBAL …;`, may be empty).
    pub fn follow(&self, primary: &Server, filter: &str, setup: &str) {
        let dbs = self
            .server
            .sql(&format!(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ({SYSTEM_DBS})"
            ))
            .unwrap();
        // The workload's accounts go too (the primary's first transactions
        // create them).
        let mut sql = String::from(
            "STOP REPLICA; RESET REPLICA ALL; SET sql_log_bin = 0; DROP USER IF EXISTS 'repl'@'%';",
        );
        for db in dbs.lines() {
            sql.push_str(&format!("DROP DATABASE `{db}`;"));
        }
        sql.push_str(
            "SET sql_log_bin = 1; RESET BINARY LOGS AND GTIDS;
             CHANGE REPLICATION FILTER REPLICATE_DO_DB = (), REPLICATE_IGNORE_DB = (),
               REPLICATE_DO_TABLE = (), REPLICATE_IGNORE_TABLE = (), REPLICATE_WILD_DO_TABLE = (),
               REPLICATE_WILD_IGNORE_TABLE = (), REPLICATE_REWRITE_DB = ();",
        );
        if !filter.is_empty() {
            sql.push_str(&format!("CHANGE REPLICATION FILTER {filter};"));
        }
        sql.push_str(setup);
        sql.push_str(&format!(
            "CHANGE REPLICATION SOURCE TO SOURCE_HOST = '127.0.0.1', SOURCE_PORT = {}, \
             SOURCE_USER = 'repl', SOURCE_PASSWORD = '{REPL_PASSWORD}', SOURCE_AUTO_POSITION = 1, \
             GET_SOURCE_PUBLIC_KEY = 1; START REPLICA;",
            primary.port()
        ));
        self.server.sql(&sql).unwrap();
    }

    /// `SHOW REPLICA STATUS` as (field, value) pairs.
    pub fn status(&self) -> Vec<(String, String)> {
        let out = self
            .server
            .client_command()
            .args(["--column-names", "-E", "-e", "SHOW REPLICA STATUS"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
            .collect()
    }

    fn field(&self, st: &[(String, String)], name: &str) -> String {
        st.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Waits until it has executed `gtids` (the primary's), or stopped
    /// on an error.
    pub fn wait(&self, gtids: &str) -> Ended {
        let t = Instant::now();
        loop {
            let st = self.status();
            let errno: u32 = self.field(&st, "Last_SQL_Errno").parse().unwrap_or(0);
            if errno != 0 && self.field(&st, "Replica_SQL_Running") == "No" {
                return Ended::Error(errno);
            }
            let done = self
                .server
                .sql(&format!(
                    "SELECT GTID_SUBSET('{gtids}', @@GLOBAL.gtid_executed)"
                ))
                .unwrap();
            if done.trim() == "1" {
                return Ended::CaughtUp;
            }
            assert!(
                t.elapsed() < Duration::from_secs(90),
                "the MySQL replica did not catch up: {st:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Its databases outside the system schemas.
    pub fn databases(&self) -> BTreeSet<String> {
        self.server
            .sql(&format!(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ({SYSTEM_DBS})"
            ))
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Its base tables (`db.table`) outside the system schemas.
    pub fn tables(&self) -> BTreeSet<String> {
        self.server
            .sql(&format!(
                "SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) FROM information_schema.TABLES \
                 WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ({SYSTEM_DBS})"
            ))
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

/// The primary's `@@GLOBAL.gtid_executed`.
pub fn gtid_executed(server: &Server) -> String {
    server
        .sql("SELECT @@GLOBAL.gtid_executed")
        .unwrap()
        .trim()
        .replace('\n', "")
}

/// The understudy replica's databases and tables (its store, read as it
/// stands).
pub fn understudy_catalog(data_dir: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let scratch = tempfile::tempdir().unwrap();
    let store = Store::open_reader(&data_dir.join("store"), scratch.path()).unwrap();
    let dbs = store.databases(None).unwrap().into_iter().collect();
    let tables = store
        .tables(None, None)
        .unwrap()
        .into_iter()
        .map(|e| format!("{}.{}", e.db, e.name))
        .collect();
    (dbs, tables)
}

/// `understudy export` of a table (tsv), its lines sorted.
pub fn understudy_rows(data_dir: &Path, table: &str) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .args(["export", "--data-dir"])
        .arg(data_dir)
        .args(["--table", table])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "export {table}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    sorted_lines(&out.stdout)
}

/// `mysql --batch` of `SELECT * FROM table`, its lines sorted.
pub fn server_rows(server: &Server, table: &str) -> Vec<String> {
    let (db, name) = table.split_once('.').unwrap();
    let out = server
        .client_command()
        .arg("--default-character-set=utf8mb4")
        .arg("-e")
        .arg(format!("SELECT * FROM `{db}`.`{name}`"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{table}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    sorted_lines(&out.stdout)
}

fn sorted_lines(b: &[u8]) -> Vec<String> {
    let mut v: Vec<String> = String::from_utf8_lossy(b)
        .lines()
        .map(str::to_owned)
        .collect();
    v.sort();
    v
}

/// Asserts two sorted row lists are equal, naming the first rows that
/// differ (and the fields that differ in them) instead of printing all.
pub fn assert_rows_equal(what: &str, ours: &[String], theirs: &[String]) {
    if ours == theirs {
        return;
    }
    let mut shown = Vec::new();
    for (a, b) in ours.iter().zip(theirs) {
        if a != b && shown.len() < 6 {
            let fa: Vec<&str> = a.split('\t').collect();
            let fb: Vec<&str> = b.split('\t').collect();
            let fields: Vec<String> = fa
                .iter()
                .zip(&fb)
                .enumerate()
                .filter(|(_, (x, y))| x != y)
                .map(|(i, (x, y))| format!("field {i}: ours {x:?} theirs {y:?}"))
                .collect();
            shown.push(format!(
                "  ours:   {a:?}\n  theirs: {b:?}\n  {}",
                fields.join("; ")
            ));
        }
    }
    panic!(
        "{what}: {} rows here, {} there; first differences:\n{}",
        ours.len(),
        theirs.len(),
        shown.join("\n")
    );
}

/// Asserts that understudy's replica holds what the real replica holds:
/// the same databases, tables and rows; returns the tables compared.
pub fn assert_same_contents(what: &str, data_dir: &Path, real: &RealReplica) -> usize {
    let (dbs, tables) = understudy_catalog(data_dir);
    assert_eq!(dbs, real.databases(), "{what}: databases");
    assert_eq!(tables, real.tables(), "{what}: tables");
    for t in &tables {
        assert_rows_equal(
            &format!("{what}: rows of {t}"),
            &understudy_rows(data_dir, t),
            &server_rows(&real.server, t),
        );
    }
    tables.len()
}

/// Waits until understudy's applier has executed `gtids`, or stopped on
/// an error.
pub fn understudy_wait(replica: &super::Replica, gtids: &str) -> Ended {
    let t = Instant::now();
    let path = replica.dir.join("applier-status");
    loop {
        // A status file from before this process is a previous run's.
        let fresh = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= replica.started);
        let text = if fresh {
            std::fs::read_to_string(&path).unwrap_or_default()
        } else {
            String::new()
        };
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}: ")))
                .unwrap_or("")
                .to_owned()
        };
        let errno: u32 = field("Last_SQL_Errno").parse().unwrap_or(0);
        if errno != 0 && field("Replica_SQL_Running") == "No" {
            return Ended::Error(errno);
        }
        if field("Executed_Gtid_Set") == gtids {
            return Ended::CaughtUp;
        }
        assert!(
            t.elapsed() < Duration::from_secs(90),
            "understudy did not catch up with {gtids}:\n{text}\n{}",
            replica.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until the applier has executed up to the primary's current
/// position (file and offset) and returns its status; fails on an
/// applier error or after 90 s.
pub fn wait_applied(replica: &super::Replica, server: &Server) -> String {
    let (file, pos) = super::primary_position(server);
    let t = Instant::now();
    loop {
        let text = std::fs::read_to_string(replica.dir.join("applier-status")).unwrap_or_default();
        if text.contains(&format!("Relay_Source_Log_File: {file}\n"))
            && text.contains(&format!("Exec_Source_Log_Pos: {pos}\n"))
        {
            return text;
        }
        assert!(
            !text.contains("Last_SQL_Errno: ") || text.contains("Last_SQL_Errno: 0\n"),
            "applier stopped:\n{text}\n{}",
            replica.stderr()
        );
        assert!(
            t.elapsed() < Duration::from_secs(90),
            "applier did not reach {file}:{pos}:\n{text}\n{}",
            replica.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `understudy verify` of `dir` against `server`: success and stdout.
pub fn understudy_verify(dir: &Path, server: &Server) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .args(["verify", "--data-dir"])
        .arg(dir)
        .args([
            "--source",
            &format!("mysql://root@127.0.0.1:{}", server.port()),
        ])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Waits for understudy to execute `gtids`; on an applier error, fails
/// showing its status and stderr.
pub fn assert_caught_up(replica: &super::Replica, gtids: &str) {
    assert_eq!(
        understudy_wait(replica, gtids),
        Ended::CaughtUp,
        "{}\n{}",
        super::Replica::status_text(&replica.dir),
        replica.stderr()
    );
}

/// A primary logging statements, and a replica following it (`extra`:
/// its options).
pub fn statement_primary(
    kind: ServerKind,
    extra: &[&str],
) -> (Server, tempfile::TempDir, super::Replica) {
    let server = Server::start(kind, ServerOptions::new().binlog_format("STATEMENT")).unwrap();
    super::create_repl_user(&server);
    let tmp = tempfile::tempdir().unwrap();
    let replica = super::Replica::start(tmp.path(), &server, extra);
    (server, tmp, replica)
}

/// Once the replica has caught up without an error: `table`'s rows,
/// checked equal to the primary's by `export` and by `verify` (every
/// table).
pub fn caught_up_rows(
    replica: &super::Replica,
    server: &Server,
    table: &str,
    what: &str,
) -> Vec<String> {
    let status = wait_applied(replica, server);
    assert!(status.contains("Last_SQL_Errno: 0\n"), "{what}: {status}");
    let ours = understudy_rows(&replica.dir, table);
    assert_rows_equal(what, &ours, &server_rows(server, table));
    let (ok, text) = understudy_verify(&replica.dir, server);
    assert!(ok && text.contains(" equal, 0 different"), "{what}: {text}");
    ours
}

/// The applier's status once it has stopped with 1593 (60 s at most).
pub fn stopped(replica: &super::Replica, what: &str) -> String {
    let t0 = Instant::now();
    loop {
        let text = std::fs::read_to_string(replica.dir.join("applier-status")).unwrap_or_default();
        if text.contains("Last_SQL_Errno: 1593\n") {
            return text;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "{what}: no stop:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
