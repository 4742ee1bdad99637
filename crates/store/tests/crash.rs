//! A process killed with SIGKILL while it commits transactions: the store
//! keeps every transaction it reported committed, none in part, and a
//! position that says exactly what it holds.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use understudy_store::keys::{KeyPart, row_key};
use understudy_store::{Durability, Position, Store};

const CHILD: &str = "UNDERSTUDY_STORE_CRASH_CHILD";
const ROWS_PER_TXN: u64 = 3;

fn durability(name: &str) -> Durability {
    match name {
        "sync" => Durability::Sync,
        _ => Durability::None,
    }
}

/// The child: commits transaction after transaction, each of three rows and
/// the position `source_pos = n`, and says so after each commit.
fn writer(dir: &str, mode: &str) {
    let store = Store::open(std::path::Path::new(dir), durability(mode)).unwrap();
    let mut out = std::io::stdout().lock();
    let value = vec![0x5a; 1000];
    for n in 1..1_000_000u64 {
        let mut txn = store.txn();
        for r in 0..ROWS_PER_TXN {
            let key = row_key(1, &[KeyPart::UInt(n), KeyPart::UInt(r)]);
            store.put_row(&mut txn, key, value.clone()).unwrap();
        }
        let pos = Position {
            relay_file: "r.000001".into(),
            relay_pos: n * 100,
            source_file: "binlog.000001".into(),
            source_pos: n,
            gtid_executed: format!("u:1-{n}"),
        };
        store.commit(txn, &pos).unwrap();
        writeln!(out, "committed {n}").unwrap();
        out.flush().unwrap();
    }
}

fn killed_writer(mode: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([&format!("killed_{mode}_writer"), "--exact", "--nocapture"])
        .env(CHILD, dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut last = 0u64;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(n) = line.strip_prefix("committed ") {
            last = n.parse().unwrap();
            if last >= 300 {
                break;
            }
        }
    }
    // Mid-stream: the child is committing the next transactions.
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(last >= 300, "the writer stopped at {last}");

    let store = Store::open(dir.path(), Durability::Sync).unwrap();
    let pos = store.position().unwrap().unwrap();
    let n = pos.source_pos;
    assert!(n >= last, "reported committed {last}, the store has {n}");
    assert_eq!(pos.relay_pos, n * 100);
    assert_eq!(pos.gtid_executed, format!("u:1-{n}"));
    // Exactly the rows of transactions 1..=n, in key order.
    let rows = store.scan_table(1).unwrap();
    assert_eq!(rows.len() as u64, n * ROWS_PER_TXN);
    let want: Vec<Vec<u8>> = (1..=n)
        .flat_map(|t| {
            (0..ROWS_PER_TXN).map(move |r| row_key(1, &[KeyPart::UInt(t), KeyPart::UInt(r)]))
        })
        .collect();
    let got: Vec<Vec<u8>> = rows.into_iter().map(|(k, _)| k).collect();
    assert!(got == want, "rows do not match transactions 1..={n}");
}

#[test]
fn killed_sync_writer() {
    match std::env::var(CHILD) {
        Ok(dir) => writer(&dir, "sync"),
        Err(_) => killed_writer("sync"),
    }
}

/// `none` (catch-up mode) skips the fsyncs; a process crash still loses
/// nothing committed and keeps nothing in part.
#[test]
fn killed_none_writer() {
    match std::env::var(CHILD) {
        Ok(dir) => writer(&dir, "none"),
        Err(_) => killed_writer("none"),
    }
}

#[test]
fn reopen_reads_back_rows_and_position() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = Store::open(dir.path(), Durability::Sync).unwrap();
        assert_eq!(s.position().unwrap(), None);
        let mut t = s.txn();
        s.put_row(
            &mut t,
            row_key(2, &[KeyPart::Int(-5)]),
            b"minus five".to_vec(),
        )
        .unwrap();
        s.put_row(&mut t, row_key(2, &[KeyPart::Int(7)]), b"seven".to_vec())
            .unwrap();
        s.put_row(
            &mut t,
            row_key(3, &[KeyPart::Bytes(b"x")]),
            b"other table".to_vec(),
        )
        .unwrap();
        let p = Position {
            source_file: "b.1".into(),
            source_pos: 10,
            ..Position::default()
        };
        s.commit(t, &p).unwrap();
        let mut t = s.txn();
        s.delete_row(&mut t, &row_key(2, &[KeyPart::Int(7)]))
            .unwrap();
        s.commit(
            t,
            &Position {
                source_pos: 20,
                ..p
            },
        )
        .unwrap();
    }
    let s = Store::open(dir.path(), Durability::Sync).unwrap();
    assert_eq!(s.position().unwrap().unwrap().source_pos, 20);
    let rows = s.scan_table(2).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, b"minus five");
    assert_eq!(
        s.get_row(&row_key(3, &[KeyPart::Bytes(b"x")]))
            .unwrap()
            .as_deref(),
        Some(&b"other table"[..])
    );
}
