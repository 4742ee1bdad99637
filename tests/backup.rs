//! `understudy backup`: a copy of a running replica's data directory taken
//! while the primary writes, restored into a new directory (as a
//! directory, and from the `--compress` archive), started: it catches up
//! and `understudy verify` finds every table equal (MySQL 9.7).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod replica_harness;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use replica_harness::real::understudy_verify;
use replica_harness::{Replica, primary};
use understudy_testbed::{Server, ServerKind};

fn backup(from: &Path, to: &Path, compress: bool) -> String {
    let mut c = Command::new(env!("CARGO_BIN_EXE_understudy"));
    c.args(["backup", "--data-dir"])
        .arg(from)
        .arg("--to")
        .arg(to);
    if compress {
        c.arg("--compress");
    }
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn workload(server: &Server, stop: &AtomicBool) -> u32 {
    let mut i = 0;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        server
            .sql(&format!(
                "INSERT INTO w.t (v) VALUES ({i}); UPDATE w.t SET v = v + 1 WHERE id = {};
                 DELETE FROM w.t WHERE id = {}; INSERT INTO w.k VALUES ({i}, REPEAT('x', {i} % 50));",
                1 + i * 7 % 500,
                1 + i * 13 % 500
            ))
            .unwrap();
    }
    i
}

/// The restored copy replicates on its own: started, it catches up with
/// the primary, and every table is equal.
fn restored_verifies(root: &Path, server: &Server) {
    let replica = Replica::start(root, server, &[]);
    let (equal, out) = understudy_verify(&replica.dir, server);
    assert!(equal, "{out}\n{}", replica.stderr());
    assert!(
        out.contains("w.t: equal") && out.contains("w.k: equal"),
        "{out}"
    );
    replica.stop();
}

#[test]
fn backup_under_load_restores_and_catches_up() {
    let server = primary(ServerKind::Mysql97);
    server
        .sql(
            "SET SESSION cte_max_recursion_depth = 100000;
             CREATE DATABASE w; CREATE TABLE w.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
             CREATE TABLE w.k (a INT, b VARCHAR(60));
             INSERT INTO w.t (v) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
               WHERE i < 20000) SELECT i FROM n;",
        )
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let replica = Replica::start(tmp.path(), &server, &[]);
    let stop = AtomicBool::new(false);
    let plain = tempfile::tempdir().unwrap();
    let packed = tempfile::tempdir().unwrap();
    let writes = std::thread::scope(|s| {
        let w = s.spawn(|| workload(&server, &stop));
        std::thread::sleep(Duration::from_secs(2));
        let line = backup(&replica.dir, &plain.path().join("data"), false);
        assert!(line.contains("source position binlog."), "{line}");
        std::thread::sleep(Duration::from_secs(1));
        let line = backup(&replica.dir, &packed.path().join("data.tar.zst"), true);
        assert!(line.contains("source position binlog."), "{line}");
        std::thread::sleep(Duration::from_secs(1));
        stop.store(true, Ordering::SeqCst);
        w.join().unwrap()
    });
    assert!(writes > 10, "{writes} write transactions");
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(plain.path().join("data/backup-manifest.json")).unwrap(),
    )
    .unwrap();
    assert!(
        manifest["gtid_executed"].as_str().unwrap().contains(':'),
        "{manifest}"
    );
    let mi = std::fs::read_to_string(plain.path().join("data/master.info")).unwrap();
    let file = manifest["source_log_file"].as_str().unwrap();
    let pos = manifest["source_log_pos"].as_u64().unwrap();
    assert!(mi.contains(&format!("\n{file}\n{pos}\n")), "{mi}");
    // Backing up into an existing directory is refused.
    let out = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .args(["backup", "--data-dir"])
        .arg(&replica.dir)
        .arg("--to")
        .arg(plain.path().join("data"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    replica.stop();
    restored_verifies(plain.path(), &server);
    let st = Command::new("tar")
        .args(["--zstd", "-xf", "data.tar.zst"])
        .current_dir(packed.path())
        .status()
        .unwrap();
    assert!(st.success());
    assert!(packed.path().join("data/backup-manifest.json").exists());
    restored_verifies(packed.path(), &server);
}
