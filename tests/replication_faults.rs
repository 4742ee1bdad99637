//! `understudy run` when things go wrong: the dump connection killed on the
//! primary, the primary restarted (cleanly and by SIGKILL), the relay log
//! cut mid-event, a wrong password, binlogs purged past our position.
//! Against real MySQL 9.7 and MariaDB 10.11 / 11.8 primaries.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use replica_harness::proxy::Proxy;
use replica_harness::{
    REPL_PASSWORD, Replica, assert_same_events, events, primary, reference_dumper_reads,
    relay_files, transaction_events, workload,
};
use understudy_binlog::event_type as et;
use understudy_testbed::{Server, ServerKind};

/// Successful `KILL`s of the dump connection.
const KILLS: usize = 20;

/// The workload's writes through the real client, without borrowing the
/// `Server` (the main thread restarts it meanwhile). Failures while the
/// primary is down are expected and ignored: the comparison is against
/// the primary's binlog, whatever it committed.
struct Writer {
    client: PathBuf,
    port: u16,
}

impl Writer {
    fn run(&self, sql: &str) -> bool {
        Command::new(&self.client)
            .args([
                "--no-defaults",
                "-uroot",
                "-h127.0.0.1",
                "--connect-timeout=5",
            ])
            .arg(format!("-P{}", self.port))
            .args(["-N", "-B", "-e", sql])
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// Transaction `n`: mostly small multi-statement ones, every fifth
    /// large (several row events), now and then a DDL.
    fn transaction(&self, n: u32) -> bool {
        let sql = match n % 5 {
            0 => format!(
                "INSERT INTO w.k (n, b) SELECT {n}, REPEAT(SHA2(seq * {n}, 256), 250) FROM w.seq"
            ),
            _ => format!(
                "BEGIN; INSERT INTO w.k (n, b) VALUES ({n}, 'a'), ({n}, REPEAT('b', {})); UPDATE w.k SET n = n + 1 WHERE id = LAST_INSERT_ID(); DELETE FROM w.k WHERE n % 7 = 3 AND id + 500 < LAST_INSERT_ID(); COMMIT;",
                n * 13 % 4000
            ),
        };
        let ok = self.run(&sql);
        if n % 40 == 39 {
            self.run(&format!("CREATE TABLE w.d{n} (a INT PRIMARY KEY, b TEXT)"));
        }
        ok
    }
}

/// 4 MB of random hex in four rows (four row events), in one transaction:
/// about 2 MB on the wire even when compressed.
const BIG_TRANSACTION: &str = "SET SESSION group_concat_max_len = 67108864; INSERT INTO w.k (n, b) SELECT -1, GROUP_CONCAT(SHA2(CONCAT(a.seq, '-', b.seq, '-', c.seq, RAND()), 256) SEPARATOR '') FROM w.seq a, w.seq b, w.seq c GROUP BY a.seq % 4";

/// The id of the primary's dump thread, waiting for the replica to
/// (re)connect.
fn dump_thread(server: &Server, replica: &Replica) -> u64 {
    let t = Instant::now();
    loop {
        let out = server
            .sql("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")
            .unwrap_or_default();
        if let Some(id) = out.lines().next().and_then(|l| l.trim().parse().ok()) {
            return id;
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "the replica did not reconnect: {:#?}\n{}",
            replica.status(),
            replica.stderr()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Cuts the last relay file in the middle of the event after its last
/// GTID event (a transaction torn by a crash); None when that file holds no
/// transaction. Returns the file, where it was cut and how long it was.
fn cut_relay_tail(data: &std::path::Path) -> Option<(String, u64, u64)> {
    let files = relay_files(data);
    let last = files.last().unwrap();
    let evs = events(std::slice::from_ref(last));
    let gtid = evs.iter().rposition(|e| is_gtid(e.type_code))?;
    let torn = evs.get(gtid + 1)?;
    let offset: u64 = torn.at.rsplit('@').next().unwrap().parse().unwrap();
    let len = fs::metadata(last).unwrap().len();
    let cut = offset + torn.raw.len() as u64 / 2;
    fs::OpenOptions::new()
        .write(true)
        .open(last)
        .unwrap()
        .set_len(cut)
        .unwrap();
    Some((last.display().to_string(), cut, len))
}

/// The dump connection killed 20 times under a write workload, the
/// primary restarted twice (SIGTERM, then SIGKILL), and the replica itself
/// stopped with its relay log cut mid-event: afterwards the relay log holds
/// every transaction of the primary's binlogs exactly once, in order.
fn kills_and_restarts(kind: ServerKind, extra: &[&str], compression: &str) {
    let mut server = primary(kind);
    server
        .sql(
            "CREATE DATABASE w; CREATE TABLE w.k (id INT AUTO_INCREMENT PRIMARY KEY, n INT, b LONGTEXT); CREATE TABLE w.seq (seq INT PRIMARY KEY); INSERT INTO w.seq VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12),(13),(14),(15),(16),(17),(18),(19),(20),(21),(22),(23),(24),(25),(26),(27),(28),(29),(30),(31),(32),(33),(34),(35),(36),(37),(38),(39);",
        )
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut args = vec![
        "--retry-count",
        "0",
        "--max-relay-log-size",
        "65536",
        "--compression",
        compression,
        // A sync per transaction: the source blocks mid-transaction on a
        // full socket meanwhile, so kills land inside transactions too.
        "--sync-relay-log",
        "1",
        // The I/O side alone: every relay file stays to be compared.
        "--threads",
        "io",
    ];
    args.extend_from_slice(extra);
    let proxy = Proxy::start(server.port());
    let replica = Replica::start_at(tmp.path(), proxy.port(), REPL_PASSWORD, &args);
    replica.wait_caught_up(&server);

    let writer = Writer {
        client: server.client_path(),
        port: server.port(),
    };
    let done = AtomicBool::new(false);
    let mut kills = 0;
    let mut cuts = 0;
    let committed = std::thread::scope(|s| {
        let w = s.spawn(|| {
            let mut ok = 0u32;
            let mut n = 0;
            while !done.load(Ordering::Relaxed) {
                if writer.transaction(n) {
                    ok += 1;
                } else {
                    std::thread::sleep(Duration::from_millis(100));
                }
                n += 1;
            }
            ok
        });
        let mut round = 0u64;
        let mut restarts = 0;
        while kills < KILLS {
            round += 1;
            if round.is_multiple_of(4) {
                // A network failure 1 MB into a 4 MB transaction.
                proxy.cut_after(1 << 20, || {
                    server.sql(BIG_TRANSACTION).unwrap();
                });
                cuts += 1;
                continue;
            }
            let id = dump_thread(&server, &replica);
            std::thread::sleep(Duration::from_millis(60 + round * 37 % 300));
            if server.sql(&format!("KILL {id}")).is_ok() {
                kills += 1;
            }
            if kills == 7 && restarts == 0 {
                server.restart(true).unwrap();
                restarts += 1;
            }
            if kills == 14 && restarts == 1 {
                server.restart(false).unwrap();
                restarts += 1;
            }
        }
        done.store(true, Ordering::Relaxed);
        w.join().unwrap()
    });
    assert!(committed > 40, "the workload committed {committed}");
    replica.wait_caught_up(&server);
    let log = replica.stderr();
    assert!(
        log.contains(&format!("compression: {compression}")),
        "{log}"
    );

    // Stop, tear the last transaction of the relay log, start again: it is
    // cut at start-up and fetched again. A large transaction fills a relay
    // file, so the last file holds one small transaction alone; master.info
    // (written at the stop) is past it, the file's header is not.
    workload(&server, 1);
    server.sql(BIG_TRANSACTION).unwrap();
    server
        .sql("INSERT INTO w.k (n, b) VALUES (-2, 'alone in its relay file')")
        .unwrap();
    replica.wait_caught_up(&server);
    replica.stop();
    let data = tmp.path().join("data");
    let last = relay_files(&data).pop().unwrap();
    let in_last = events(std::slice::from_ref(&last))
        .iter()
        .filter(|e| is_gtid(e.type_code))
        .count();
    assert_eq!(in_last, 1, "{}", last.display());
    let (file, cut, len) = cut_relay_tail(&data).unwrap();
    let replica = Replica::start_at(tmp.path(), proxy.port(), REPL_PASSWORD, &args);
    workload(&server, 2);
    replica.wait_caught_up(&server);
    let relay = replica.relay_files();
    replica.stop();
    let log = fs::read_to_string(tmp.path().join("stderr")).unwrap();
    assert!(
        log.contains("relay log: cut an incomplete tail at start-up"),
        "{file}: cut at {cut} of {len}\n{log}"
    );
    // Every proxy cut left a partial transaction behind, dropped before
    // the reconnect.
    let dropped = log.matches("of a partial transaction").count();
    assert!(
        dropped >= cuts,
        "{cuts} cuts, {dropped} partial transactions dropped\n{log}"
    );

    let primary = transaction_events(&server.binlog_files().unwrap());
    let received = transaction_events(&relay);
    assert!(
        primary.iter().filter(|e| is_gtid(e.type_code)).count() > committed as usize,
        "the primary's binlogs hold fewer transactions than the workload committed"
    );
    assert_same_events(&primary, &received);
    reference_dumper_reads(&server, &relay);
    eprintln!(
        "{kind}: {kills} kills, {cuts} cuts mid-transaction, 2 restarts, {committed} workload transactions, {} transaction events, {dropped} partial transactions dropped on reconnect",
        received.len(),
    );
    server.stop().unwrap();
}

fn is_gtid(t: u8) -> bool {
    t == et::GTID_LOG_EVENT || t == et::GTID_EVENT || t == et::ANONYMOUS_GTID_LOG_EVENT
}

#[test]
fn mysql_97_gtid_zstd_dump_killed_and_primary_restarted() {
    kills_and_restarts(ServerKind::Mysql97, &["--auto-position=true"], "zstd");
}

#[test]
fn mariadb_1011_gtid_zlib_dump_killed_and_primary_restarted() {
    kills_and_restarts(ServerKind::Mariadb1011, &["--auto-position=true"], "zlib");
}

/// File/position resumes on MariaDB 11.8, which writes 0 as the log
/// position of the events inside a transaction.
#[test]
fn mariadb_118_position_zlib_dump_killed_and_primary_restarted() {
    kills_and_restarts(ServerKind::Mariadb118, &[], "zlib");
}

fn global_status(server: &Server, name: &str) -> u64 {
    let out = server
        .sql(&format!("SHOW GLOBAL STATUS LIKE '{name}'"))
        .unwrap();
    out.split('\t').nth(1).unwrap().trim().parse().unwrap()
}

/// `understudy status --data-dir DIR`.
fn status_text(data_dir: &std::path::Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .arg("status")
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// A wrong password: 1045 with MySQL's text, exactly SOURCE_RETRY_COUNT
/// attempts (counted by the primary), then the task stops and `run` exits
/// non-zero.
#[test]
fn mysql_97_wrong_password_gives_1045_and_retries_per_retry_count() {
    let server = primary(ServerKind::Mysql97);
    let before = global_status(&server, "Aborted_connects");
    let tmp = tempfile::tempdir().unwrap();
    let mut replica = Replica::start_at(
        tmp.path(),
        server.port(),
        "not-the-password",
        &["--retry-count", "3"],
    );
    let exit = replica.wait_exit(Duration::from_secs(30));
    assert!(!exit.success(), "{}", replica.stderr());
    let st = replica.status();
    assert_eq!(st.last_io_errno, 1045, "{st:#?}");
    assert!(
        st.last_io_error.starts_with(&format!(
            "Error connecting to source 'repl@127.0.0.1:{}'. This was attempt 3/3, with a delay of 1 seconds between attempts. Message: Access denied for user 'repl'@",
            server.port()
        )),
        "{}",
        st.last_io_error
    );
    assert_eq!(global_status(&server, "Aborted_connects") - before, 3);
    let log = replica.stderr();
    assert_eq!(
        log.matches("WARN understudy_replica::io: Error connecting to source")
            .count(),
        3,
        "{log}"
    );
    assert!(
        log.contains("understudy run: replica I/O task stopped: Last_IO_Errno 1045: "),
        "{log}"
    );
    let text = status_text(&replica.dir);
    let lines: Vec<&str> = text.lines().map(str::trim_start).collect();
    assert!(lines.contains(&"Replica_IO_Running: No"), "{text}");
    assert!(lines.contains(&"Last_IO_Errno: 1045"), "{text}");
    server.stop().unwrap();
}

/// Binlogs purged past the replica's position, by file and position and by
/// GTIDs: 13114 "Got fatal error 1236 from source …" in the status, one
/// attempt, and `run` exits non-zero instead of looping.
fn purged_past_our_position(kind: ServerKind) {
    let server = primary(kind);
    workload(&server, 1);
    let tmp = tempfile::tempdir().unwrap();
    let by_gtid = tmp.path().join("gtid");
    let by_pos = tmp.path().join("pos");
    for (dir, extra) in [
        (&by_gtid, &["--auto-position=true"][..]),
        (&by_pos, &[][..]),
    ] {
        let r = Replica::start(dir, &server, extra);
        r.wait_caught_up(&server);
        r.stop();
    }
    server.sql("FLUSH BINARY LOGS").unwrap();
    workload(&server, 2);
    server.sql("FLUSH BINARY LOGS").unwrap();
    workload(&server, 3);
    let (current, _) = replica_harness::primary_position(&server);
    server
        .sql(&format!("PURGE BINARY LOGS TO '{current}'"))
        .unwrap();
    for (dir, extra, why) in [
        (
            &by_gtid,
            &["--auto-position=true"][..],
            if kind.is_mariadb() {
                "Could not find GTID state requested by slave in any binlog files"
            } else {
                "Cannot replicate because the source purged required binary logs"
            },
        ),
        (
            &by_pos,
            &[][..],
            "Could not find first log file name in binary log index file",
        ),
    ] {
        let mut r = Replica::start(dir, &server, extra);
        let exit = r.wait_exit(Duration::from_secs(30));
        assert!(!exit.success(), "{}", r.stderr());
        let st = r.status();
        assert_eq!(st.last_io_errno, 13114, "{st:#?}");
        assert!(
            st.last_io_error.starts_with(
                "Got fatal error 1236 from source when reading data from binary log: '"
            ),
            "{}",
            st.last_io_error
        );
        assert!(st.last_io_error.contains(why), "{}", st.last_io_error);
        let log = r.stderr();
        assert_eq!(log.matches("connected to source").count(), 2, "{log}");
        assert_eq!(log.matches("Got fatal error 1236").count(), 1, "{log}");
    }
    server.stop().unwrap();
}

#[test]
fn mysql_97_purged_binlogs_stop_with_1236() {
    purged_past_our_position(ServerKind::Mysql97);
}

#[test]
fn mariadb_1011_purged_binlogs_stop_with_1236() {
    purged_past_our_position(ServerKind::Mariadb1011);
}

/// A half-open connection (the primary's bytes stop arriving, nothing is
/// closed) is found by `--net-timeout` and replaced; heartbeats keep an
/// idle but healthy connection from timing out.
#[test]
fn mysql_97_half_open_connection_found_by_net_timeout() {
    let server = primary(ServerKind::Mysql97);
    workload(&server, 1);
    let proxy = Proxy::start(server.port());
    let tmp = tempfile::tempdir().unwrap();
    let args = ["--net-timeout", "3", "--heartbeat-period", "1"];
    let replica = Replica::start_at(tmp.path(), proxy.port(), REPL_PASSWORD, &args);
    replica.wait_caught_up(&server);
    // Idle for twice the timeout: heartbeats keep the connection.
    std::thread::sleep(Duration::from_secs(6));
    assert_eq!(proxy.accepted(), 1, "{}", replica.stderr());
    let t = Instant::now();
    proxy.freeze_current();
    workload(&server, 2);
    let st = replica.wait_caught_up(&server);
    let waited = t.elapsed();
    assert_eq!(proxy.accepted(), 2, "{}", replica.stderr());
    // The timeout runs from the last packet, a heartbeat at most 1 s before
    // the freeze.
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_secs(20),
        "{waited:?}"
    );
    assert_eq!(st.running.as_str(), "Yes");
    let log = replica.stderr();
    assert_eq!(log.matches("connected to source").count(), 2, "{log}");
    replica.stop();
    server.stop().unwrap();
}
