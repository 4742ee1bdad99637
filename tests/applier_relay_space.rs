//! `relay_log_purge` and `relay_log_space_limit`: a replica started after
//! its primary wrote about 700 KB of binlog, with 8 KiB relay files. With a
//! 40 KB space limit the relay log never holds much more than the limit
//! (the I/O task waits for the applier's purges) and applied files are
//! deleted; with `--relay-log-purge=false` every file stays. Either way
//! the replica ends equal to the primary.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use replica_harness::real::{assert_caught_up, gtid_executed, server_rows, understudy_rows};
use replica_harness::{Replica, primary};
use understudy_testbed::{Server, ServerKind};

const LIMIT: u64 = 40_000;
const FILE_SIZE: u64 = 8192;

fn workload(server: &Server) {
    let mut sql = String::from(
        "CREATE DATABASE s; CREATE TABLE s.t (id INT PRIMARY KEY, pad VARCHAR(2000));",
    );
    for i in 0..600 {
        sql.push_str(&format!(
            "INSERT INTO s.t VALUES ({i}, REPEAT(CHAR(97 + {i} % 26), 1000));"
        ));
        if i % 50 == 0 {
            sql.push_str(&format!("DELETE FROM s.t WHERE id = {};", i / 2));
        }
    }
    server.sql(&sql).unwrap();
}

/// The relay files on disk and their total size.
fn relay_on_disk(dir: &Path) -> (Vec<String>, u64) {
    let mut names = Vec::new();
    let mut total = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("understudy-relay-bin.0") {
            total += e.metadata().map(|m| m.len()).unwrap_or(0);
            names.push(name);
        }
    }
    names.sort();
    (names, total)
}

fn run(server: &Server, flags: &[&str]) -> (u64, Vec<String>) {
    let gtids = gtid_executed(server);
    let tmp = tempfile::tempdir().unwrap();
    let replica = Replica::start(tmp.path(), server, flags);
    let dir = replica.dir.clone();
    // The largest relay log seen while it catches up.
    let peak = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done, dir) = (peak.clone(), done.clone(), dir.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                peak.fetch_max(relay_on_disk(&dir).1, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        })
    };
    assert_caught_up(&replica, &gtids);
    done.store(true, Ordering::SeqCst);
    sampler.join().unwrap();
    // The I/O task purges at its next event or heartbeat: one more write.
    server.sql("FLUSH BINARY LOGS").unwrap();
    let gtids = gtid_executed(server);
    assert_caught_up(&replica, &gtids);
    std::thread::sleep(std::time::Duration::from_millis(300));
    replica.stop();
    assert_eq!(understudy_rows(&dir, "s.t"), server_rows(server, "s.t"));
    let (files, _) = relay_on_disk(&dir);
    let index = std::fs::read_to_string(dir.join("understudy-relay-bin.index")).unwrap();
    let listed: Vec<String> = index
        .lines()
        .map(|l| l.trim_start_matches("./").to_owned())
        .collect();
    assert_eq!(files, listed, "the index names exactly the files on disk");
    (peak.load(Ordering::SeqCst), files)
}

#[test]
fn relay_space_limit_and_purge() {
    let server = primary(ServerKind::Mysql97);
    workload(&server);
    let size = FILE_SIZE.to_string();
    let limit = LIMIT.to_string();
    let (peak, files) = run(
        &server,
        &[
            "--max-relay-log-size",
            &size,
            "--relay-log-space-limit",
            &limit,
        ],
    );
    // Over the limit only by what one boundary can add: a file being
    // finished and one transaction (about 1 KB here).
    assert!(
        peak <= LIMIT + FILE_SIZE + 4096,
        "relay log reached {peak} bytes with a limit of {LIMIT}"
    );
    assert!(files.len() <= 3, "applied files purged: {files:?}");
    let (peak_unpurged, files) = run(
        &server,
        &["--max-relay-log-size", &size, "--relay-log-purge=false"],
    );
    assert!(
        files.len() > 60,
        "without purge every file stays: {} files",
        files.len()
    );
    assert!(peak_unpurged > 600_000, "{peak_unpurged}");
    eprintln!("peak with the limit: {peak} bytes; without purge: {peak_unpurged} bytes");
}
