//! What the `understudy run` tests share: a replica process on a data
//! directory, the primary's position, the events of binlog and relay
//! files, and a write workload.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod endpoint;
pub mod proxy;
pub mod random;
pub mod real;

use std::fs;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use understudy_binlog::event_type as et;
use understudy_binlog::header::LOG_EVENT_ARTIFICIAL_F;
use understudy_binlog::relay::parse_index;
use understudy_binlog::stream::each_event;
use understudy_replica::status::{IoStatus, read_status};
use understudy_testbed::{Server, ServerKind, ServerOptions};

pub const REPLICA_ID: u32 = 77;
pub const REPL_PASSWORD: &str = "repl-pw";

/// Creates the replication account `repl` (MariaDB's anonymous
/// `''@'localhost'` would shadow it on loopback, so it goes first).
pub fn create_repl_user(server: &Server) {
    server
        .sql(&format!(
            "DROP USER IF EXISTS ''@'localhost'; CREATE USER 'repl'@'%' IDENTIFIED BY '{REPL_PASSWORD}'; GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'repl'@'%';"
        ))
        .unwrap();
}

/// A primary: MySQL with GTIDs on, MariaDB in ROW format; with `repl`.
pub fn primary(kind: ServerKind) -> Server {
    let opts = if kind.is_mariadb() {
        ServerOptions::new().binlog_format("ROW")
    } else {
        ServerOptions::new().mysql_gtid_mode()
    };
    let server = Server::start(kind, opts).unwrap();
    create_repl_user(&server);
    server
}

/// One `understudy run` process on `DIR/data`, its stderr in `DIR/stderr`.
pub struct Replica {
    pub child: Child,
    /// When the process was started (status files older than this are a
    /// previous run's).
    pub started: std::time::SystemTime,
    /// The data directory.
    pub dir: PathBuf,
}

impl Replica {
    pub fn start(dir: &Path, server: &Server, extra: &[&str]) -> Replica {
        Replica::start_at(dir, server.port(), REPL_PASSWORD, extra)
    }

    /// A replica of the source on `port` (the primary's, or a proxy's).
    pub fn start_at(dir: &Path, port: u16, password: &str, extra: &[&str]) -> Replica {
        let pw = dir.join("pw");
        fs::create_dir_all(dir).unwrap();
        fs::write(&pw, format!("{password}\n")).unwrap();
        let stderr = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("stderr"))
            .unwrap();
        let started = std::time::SystemTime::now();
        let child = Command::new(env!("CARGO_BIN_EXE_understudy"))
            .arg("run")
            .arg("--data-dir")
            .arg(dir.join("data"))
            .arg("--source")
            .arg(format!("mysql://repl@127.0.0.1:{port}"))
            .arg("--password-file")
            .arg(&pw)
            .arg("--server-id")
            .arg(REPLICA_ID.to_string())
            .args(["--connect-retry", "1"])
            .args(extra)
            .stderr(Stdio::from(stderr))
            .spawn()
            .expect("starting understudy run");
        Replica {
            child,
            started,
            dir: dir.join("data"),
        }
    }

    /// `understudy status --data-dir DIR` (SHOW REPLICA STATUS\G).
    pub fn status_text(data_dir: &Path) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_understudy"))
            .arg("status")
            .arg("--data-dir")
            .arg(data_dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        fs::read_to_string(self.dir.parent().unwrap().join("stderr")).unwrap_or_default()
    }

    pub fn status(&self) -> IoStatus {
        read_status(&self.dir.join("replica-status"))
            .unwrap()
            .unwrap_or_default()
    }

    /// Waits until the replica has read up to the primary's position.
    pub fn wait_caught_up(&self, server: &Server) -> IoStatus {
        let (file, pos) = primary_position(server);
        let t = Instant::now();
        loop {
            let st = self.status();
            if st.source_log_file == file && st.read_source_log_pos == pos {
                return st;
            }
            assert!(
                t.elapsed() < Duration::from_secs(90),
                "replica did not catch up with {file}:{pos}: {st:#?}\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for the process to end by itself.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let t = Instant::now();
        while t.elapsed() < timeout {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!(
            "understudy run still running after {timeout:?}: {:#?}\n{}",
            self.status(),
            self.stderr()
        );
    }

    /// SIGTERM, and a clean exit.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let st = self.wait_exit(Duration::from_secs(20));
        assert!(
            st.success(),
            "understudy run exited with {st}\n{}",
            self.stderr()
        );
    }

    /// SIGTERM; the exit is clean, or (`sql_error`) the failure of an
    /// applier that stopped on an error before.
    pub fn stop_expecting(mut self, sql_error: bool) {
        if !sql_error {
            return self.stop();
        }
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let st = self.wait_exit(Duration::from_secs(20));
        assert_eq!(st.code(), Some(1), "{}", self.stderr());
        assert!(
            self.stderr()
                .contains("replica applier stopped: Last_SQL_Errno")
        );
    }

    pub fn relay_files(&self) -> Vec<PathBuf> {
        relay_files(&self.dir)
    }
}

/// The relay files of a data directory, from its index.
pub fn relay_files(data_dir: &Path) -> Vec<PathBuf> {
    let index = fs::read_to_string(data_dir.join("understudy-relay-bin.index")).unwrap();
    parse_index(&index)
        .iter()
        .map(|f| data_dir.join(f))
        .collect()
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `SHOW BINARY LOG STATUS` (MySQL) / `SHOW MASTER STATUS` (MariaDB).
pub fn primary_position(server: &Server) -> (String, u64) {
    let q = if server.kind().is_mariadb() {
        "SHOW MASTER STATUS"
    } else {
        "SHOW BINARY LOG STATUS"
    };
    let out = server.sql(q).unwrap();
    let mut cols = out.lines().next().unwrap().split('\t');
    let file = cols.next().unwrap().to_owned();
    let pos = cols.next().unwrap().parse().unwrap();
    (file, pos)
}

/// One event of a file: where it is, its bytes, server id, flags, type.
pub struct Ev {
    pub at: String,
    pub raw: Vec<u8>,
    pub server_id: u32,
    pub flags: u16,
    pub type_code: u8,
}

/// Every event of the files, raw, in order.
pub fn events(files: &[PathBuf]) -> Vec<Ev> {
    let mut out = Vec::new();
    for f in files {
        let mut r = fs::File::open(f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let err = each_event(&mut r, true, |raw, _| {
            out.push(Ev {
                at: format!("{name}@{}", raw.offset),
                raw: raw.raw.to_vec(),
                server_id: raw.header.server_id,
                flags: raw.header.flags,
                type_code: raw.type_code,
            });
            ControlFlow::Continue(())
        })
        .unwrap();
        assert!(err.is_none(), "{}: {err:?}", f.display());
    }
    out
}

/// The events that carry the source's transactions: neither the
/// replica's own (server id), nor artificial, nor the ones that describe
/// files rather than changes (format descriptions, rotates, stops,
/// Previous_gtids, Gtid_list, binlog checkpoints). A relay log written
/// across reconnects and restarts holds exactly these of its primary.
pub fn transaction_events(files: &[PathBuf]) -> Vec<Ev> {
    const FILE_EVENTS: [u8; 7] = [
        et::FORMAT_DESCRIPTION_EVENT,
        et::ROTATE_EVENT,
        et::STOP_EVENT,
        et::PREVIOUS_GTIDS_LOG_EVENT,
        et::GTID_LIST_EVENT,
        et::BINLOG_CHECKPOINT_EVENT,
        et::START_ENCRYPTION_EVENT,
    ];
    events(files)
        .into_iter()
        .filter(|e| {
            e.server_id != REPLICA_ID
                && e.flags & LOG_EVENT_ARTIFICIAL_F == 0
                && !FILE_EVENTS.contains(&e.type_code)
        })
        .collect()
}

/// Asserts that two event lists hold the same bytes in the same order,
/// naming the first difference.
pub fn assert_same_events(primary: &[Ev], relay: &[Ev]) {
    for (i, (a, b)) in primary.iter().zip(relay.iter()).enumerate() {
        assert!(
            a.raw == b.raw || resent_format_description(&a.raw, &b.raw),
            "event {i} differs: primary {} (type {}) vs relay {} (type {})\n{}\n{}",
            a.at,
            a.type_code,
            b.at,
            b.type_code,
            hex(&a.raw),
            hex(&b.raw)
        );
    }
    assert_eq!(
        primary.len(),
        relay.len(),
        "event counts differ (primary {}, relay {})",
        primary.len(),
        relay.len()
    );
}

/// A source that starts a dump inside a binlog (MariaDB's GTID positioning
/// always does) sends the file's format description with log position 0
/// and creation time 0, so with another checksum; the rest is the file's.
fn resent_format_description(primary: &[u8], relay: &[u8]) -> bool {
    const LOG_POS: std::ops::Range<usize> = 13..17;
    const CREATED: std::ops::Range<usize> = 71..75;
    let fde = |e: &[u8]| e.len() > CREATED.end + 4 && e[4] == et::FORMAT_DESCRIPTION_EVENT;
    if !fde(primary) || !fde(relay) || primary.len() != relay.len() {
        return false;
    }
    if relay[LOG_POS] != [0; 4] || relay[CREATED] != [0; 4] {
        return false;
    }
    let body = |e: &[u8]| {
        let mut v = e[..e.len() - 4].to_vec();
        v[LOG_POS].fill(0);
        v[CREATED].fill(0);
        v
    };
    body(primary) == body(relay)
}

fn hex(b: &[u8]) -> String {
    let head: String = b.iter().take(120).map(|x| format!("{x:02x}")).collect();
    format!("{} bytes: {head}", b.len())
}

/// Runs the reference dumper (`-vv`) over the files: it must read them all
/// without an error.
pub fn reference_dumper_reads(server: &Server, files: &[PathBuf]) {
    let out = Command::new(server.reference_dumper())
        .arg("-vv")
        .args(files)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("ERROR"), "{stderr}");
}

/// A few autocommit inserts, then one multi-statement transaction.
pub fn workload(server: &Server, round: u32) {
    let mut sql = format!(
        "CREATE DATABASE IF NOT EXISTS w; CREATE TABLE IF NOT EXISTS w.t{round} (id INT PRIMARY KEY, v VARCHAR(200), j TEXT);"
    );
    for i in 0..40 {
        sql.push_str(&format!(
            "INSERT INTO w.t{round} VALUES ({i}, REPEAT('x', {}), REPEAT('y', {}));",
            i * 3,
            i * 50
        ));
    }
    sql.push_str(&format!(
        "BEGIN; UPDATE w.t{round} SET v = CONCAT(v, 'u') WHERE id < 20; DELETE FROM w.t{round} WHERE id > 30; COMMIT;"
    ));
    server.sql(&sql).unwrap();
}

/// A small deterministic generator for random workloads (xorshift).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
}
