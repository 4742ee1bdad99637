//! Reads through the endpoint while the applier applies: every read sees
//! the store at a source-transaction boundary, never half a transaction.
//! The primary moves amounts between two accounts in transactions of two
//! UPDATEs (and sometimes a third row's INSERT and DELETE); the endpoint
//! is read in a loop meanwhile, and the total is always the same.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod replica_harness;

use replica_harness::endpoint::{ADMIN_PW, start_replica};
use replica_harness::real::{Ended, gtid_executed, understudy_wait};
use replica_harness::{Rng, primary};
use understudy_replica::client::{Conn, ConnectOptions, SslMode};
use understudy_testbed::ServerKind;

#[test]
fn reads_never_see_half_a_transaction() {
    let server = primary(ServerKind::Mysql97);
    server
        .sql("CREATE DATABASE bank; CREATE TABLE bank.acct (id INT PRIMARY KEY, bal INT NOT NULL); INSERT INTO bank.acct VALUES (1, 500), (2, 500);")
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (replica, port) = start_replica(tmp.path(), &server, &[]);
    assert_eq!(
        understudy_wait(&replica, &gtid_executed(&server)),
        Ended::CaughtUp
    );

    let mut r = Rng(7);
    let mut script = String::new();
    for i in 0..1500 {
        let x = r.range(1, 50);
        let (from, to) = if r.chance(50) { (1, 2) } else { (2, 1) };
        script.push_str(&format!(
            "BEGIN; UPDATE bank.acct SET bal = bal - {x} WHERE id = {from}; INSERT INTO bank.acct VALUES ({}, 0); UPDATE bank.acct SET bal = bal + {x} WHERE id = {to}; DELETE FROM bank.acct WHERE id = {}; COMMIT;\n",
            i + 10,
            i + 10
        ));
    }
    let writer = {
        let port = server.port();
        let script = script.clone();
        std::thread::spawn(move || {
            let out = std::process::Command::new(
                understudy_testbed::Testbed::load()
                    .unwrap()
                    .var("UNDERSTUDY_MYSQL97_CLIENT")
                    .unwrap(),
            )
            .args([
                "--no-defaults",
                "-uroot",
                "-h127.0.0.1",
                &format!("-P{port}"),
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin.take().unwrap().write_all(script.as_bytes())?;
                c.wait()
            })
            .unwrap();
            assert!(out.success());
        })
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (reads, moving) = rt.block_on(async {
        let mut o = ConnectOptions::new("127.0.0.1", port, "admin");
        o.password = ADMIN_PW.as_bytes().to_vec();
        o.ssl.mode = SslMode::Disabled;
        let mut c = Conn::connect(&o).await.unwrap();
        let (mut reads, mut seen) = (0u32, std::collections::BTreeSet::new());
        while !writer.is_finished() || reads < 50 {
            let q = c
                .query("SELECT SUM(bal), COUNT(*), MIN(bal) FROM bank.acct WHERE id IN (1, 2)")
                .await
                .unwrap();
            let row: Vec<String> = q.rows[0]
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_deref().unwrap_or(b"NULL")).into_owned())
                .collect();
            assert_eq!(
                (row[0].as_str(), row[1].as_str()),
                ("1000", "2"),
                "read {reads}: {row:?}"
            );
            let all = c.query("SELECT COUNT(*) FROM bank.acct").await.unwrap();
            assert_eq!(
                all.rows[0][0].as_deref(),
                Some(&b"2"[..]),
                "read {reads}: an INSERT without its DELETE"
            );
            seen.insert(row[2].clone());
            reads += 1;
        }
        (reads, seen.len())
    });
    writer.join().unwrap();
    assert_eq!(
        understudy_wait(&replica, &gtid_executed(&server)),
        Ended::CaughtUp
    );
    // The reads saw the balances move (they ran during the apply).
    assert!(
        reads >= 50 && moving > 3,
        "{reads} reads saw {moving} distinct balances"
    );
    eprintln!("{reads} reads, {moving} distinct balances, every one at a transaction boundary");
    replica.stop();
}
