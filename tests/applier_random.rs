//! Random workloads against real primaries: every column type, inserts,
//! updates (by key, by value on a table without a key, JSON_SET /
//! JSON_REMOVE), deletes, multi-statement transactions, rollbacks, and
//! ALTER / RENAME / TRUNCATE / DROP in the middle of the stream. Variants:
//! MySQL 9.7 with full images and full table-map metadata, with
//! `binlog_row_image=MINIMAL`, with transaction compression, with NOBLOB
//! images and partial JSON updates; MariaDB 10.11 with full metadata
//! (where `rnd.comp` takes the server's default latin1, `rnd.maria`
//! holds INET6, INET4, UUID and compressed columns, and `rnd.hist` is
//! system-versioned: its history rows replicated, and left out of
//! `SELECT *` on both sides).
//! After catch-up `verify` finds every table equal and
//! `export` prints what the primary's `mysql --batch` prints for each.
//! The seeds are fixed (reproducible in CI); `UNDERSTUDY_RANDOM_SEED`
//! tries another.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use std::process::Command;

use replica_harness::random::workload;
use replica_harness::real::{
    Ended, assert_rows_equal, gtid_executed, server_rows, understudy_rows,
};
use replica_harness::{Replica, create_repl_user, primary_position};
use understudy_testbed::{Server, ServerKind, ServerOptions};

fn run_variant(kind: ServerKind, opts: ServerOptions, partial_json: bool, what: &str) {
    let server = Server::start(kind, opts).unwrap();
    create_repl_user(&server);
    server.sql("SET GLOBAL time_zone = '+00:00'").unwrap();
    let seeds: Vec<u64> = match std::env::var("UNDERSTUDY_RANDOM_SEED") {
        Ok(s) => vec![s.parse().unwrap()],
        Err(_) => vec![0x5eed_0001 + what.len() as u64],
    };
    for seed in seeds {
        eprintln!("{what}: seed {seed}");
        let tmp = tempfile::tempdir().unwrap();
        let replica = Replica::start(tmp.path(), &server, &[]);
        // One client session: the statements are independent (each
        // commits), and the first failure stops the script loudly.
        let script = format!(
            "SET NAMES utf8mb4;\n{}",
            workload(seed, partial_json, kind.is_mariadb()).join("\n")
        );
        server
            .sql(&script)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let (file, pos) = primary_position(&server);
        let gtids = if kind.is_mariadb() {
            server
                .sql("SELECT @@GLOBAL.gtid_binlog_pos")
                .unwrap()
                .trim()
                .to_owned()
        } else {
            gtid_executed(&server)
        };
        assert_eq!(
            replica_harness::real::understudy_wait(&replica, &gtids),
            Ended::CaughtUp,
            "{what}: {}",
            replica.stderr()
        );
        let dir = replica.dir.clone();
        let out = Command::new(env!("CARGO_BIN_EXE_understudy"))
            .args(["verify", "--data-dir"])
            .arg(&dir)
            .args([
                "--source",
                &format!("mysql://root@127.0.0.1:{}", server.port()),
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut tables = vec!["rnd.wide", "rnd.nokey", "rnd.comp", "rnd.copy2"];
        if kind.is_mariadb() {
            tables.extend(["rnd.maria", "rnd.hist"]);
        }
        for t in &tables {
            assert_rows_equal(
                &format!("{what}: {t}"),
                &understudy_rows(&dir, t),
                &server_rows(&server, t),
            );
        }
        assert!(out.status.success(), "{what} at {file}:{pos}: {text}");
        if kind.is_mariadb() {
            // verify compares the versioned table's history rows too.
            let current = understudy_rows(&dir, "rnd.hist").len();
            let compared: usize = text
                .lines()
                .find_map(|l| l.strip_prefix("rnd.hist: equal rows="))
                .and_then(|r| r.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{what}: {text}"));
            assert!(compared > current, "{what}: {compared} <= {current}");
        }
        assert!(
            text.contains(&format!(": {} equal, 0 different", tables.len())),
            "{what}: {text}"
        );
        replica.stop();
        server.sql("DROP DATABASE rnd").unwrap();
    }
}

#[test]
fn mysql_97_full_images() {
    run_variant(
        ServerKind::Mysql97,
        ServerOptions::new()
            .mysql_gtid_mode()
            .arg("--binlog-row-metadata=FULL"),
        false,
        "mysql full",
    );
}

#[test]
fn mysql_97_minimal_images() {
    run_variant(
        ServerKind::Mysql97,
        ServerOptions::new()
            .mysql_gtid_mode()
            .arg("--binlog-row-image=MINIMAL"),
        false,
        "mysql minimal",
    );
}

#[test]
fn mysql_97_compressed_transactions() {
    run_variant(
        ServerKind::Mysql97,
        ServerOptions::new()
            .mysql_gtid_mode()
            .arg("--binlog-transaction-compression=ON"),
        false,
        "mysql compressed",
    );
}

#[test]
fn mysql_97_noblob_images_and_partial_json() {
    run_variant(
        ServerKind::Mysql97,
        ServerOptions::new()
            .mysql_gtid_mode()
            .arg("--binlog-row-image=NOBLOB")
            .arg("--binlog-row-value-options=PARTIAL_JSON"),
        true,
        "mysql noblob partial-json",
    );
}

#[test]
fn mariadb_1011_row() {
    run_variant(
        ServerKind::Mariadb1011,
        ServerOptions::new()
            .binlog_format("ROW")
            .arg("--binlog-row-metadata=FULL"),
        false,
        "mariadb",
    );
}
