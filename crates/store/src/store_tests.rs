//! Tests of the store: reads through a `Txn`, savepoints, positions.

use super::*;

#[test]
fn reads_through_a_txn_see_its_writes_and_range_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), Durability::None).unwrap();
    let mut t = s.txn();
    s.put_row(&mut t, b"\0\0\0\x01a".to_vec(), b"old".to_vec())
        .unwrap();
    s.put_row(&mut t, b"\0\0\0\x02a".to_vec(), b"two".to_vec())
        .unwrap();
    s.commit(t, &Position::default()).unwrap();
    let mut t = s.txn();
    s.put_row(&mut t, b"\0\0\0\x01b".to_vec(), b"new".to_vec())
        .unwrap();
    assert_eq!(
        s.scan(Some(&t), Family::Rows, b"\0\0\0\x01").unwrap().len(),
        2
    );
    assert_eq!(
        s.get_row(b"\0\0\0\x01b").unwrap(),
        None,
        "not before commit"
    );
    s.delete_prefix(&mut t, Family::Rows, b"\0\0\0\x01")
        .unwrap();
    assert_eq!(s.get(Some(&t), Family::Rows, b"\0\0\0\x01a").unwrap(), None);
    assert!(
        s.scan(Some(&t), Family::Rows, b"\0\0\0\x01")
            .unwrap()
            .is_empty()
    );
    s.delete_row(&mut t, b"\0\0\0\x02a").unwrap();
    assert_eq!(s.get(Some(&t), Family::Rows, b"\0\0\0\x02a").unwrap(), None);
    assert_eq!(s.get_row(b"\0\0\0\x02a").unwrap(), Some(b"two".to_vec()));
    s.commit(t, &Position::default()).unwrap();
    assert!(s.scan_table(1).unwrap().is_empty());
    assert!(s.scan_table(2).unwrap().is_empty());
}

#[test]
fn rollback_to_savepoint_undoes_writes_deletes_and_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), Durability::None).unwrap();
    let mut t = s.txn();
    s.put_row(&mut t, b"\0\0\0\x01a".to_vec(), b"1".to_vec())
        .unwrap();
    s.put_row(&mut t, b"\0\0\0\x02a".to_vec(), b"2".to_vec())
        .unwrap();
    let outer = t.savepoint();
    s.put_row(&mut t, b"\0\0\0\x01a".to_vec(), b"changed".to_vec())
        .unwrap();
    s.put_row(&mut t, b"\0\0\0\x01b".to_vec(), b"new".to_vec())
        .unwrap();
    s.delete_row(&mut t, b"\0\0\0\x02a").unwrap();
    s.delete_prefix(&mut t, Family::Rows, b"\0\0\0\x01")
        .unwrap();
    let inner = t.savepoint();
    s.put(&mut t, Family::Meta, b"m", b"x").unwrap();
    t.rollback_to_savepoint(inner);
    assert_eq!(s.get(Some(&t), Family::Meta, b"m").unwrap(), None);
    assert!(
        s.scan(Some(&t), Family::Rows, b"\0\0\0\x01")
            .unwrap()
            .is_empty()
    );
    t.rollback_to_savepoint(outer);
    let rows = |t: &Txn, p: &[u8]| s.scan(Some(t), Family::Rows, p).unwrap();
    assert_eq!(
        rows(&t, b"\0\0\0\x01"),
        vec![(b"\0\0\0\x01a".to_vec(), b"1".to_vec())]
    );
    assert_eq!(rows(&t, b"\0\0\0\x02").len(), 1);
    assert_eq!(s.get(Some(&t), Family::Meta, b"m").unwrap(), None);
    // Released: the writes stay.
    let sp = t.savepoint();
    s.delete_row(&mut t, b"\0\0\0\x02a").unwrap();
    t.release_savepoint(sp);
    assert!(rows(&t, b"\0\0\0\x02").is_empty());
    assert_eq!(t.len(), 2);
}

#[test]
fn for_each_merges_the_txn_with_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), Durability::None).unwrap();
    let mut t = s.txn();
    for k in [
        b"\0\0\0\x01a",
        b"\0\0\0\x01c",
        b"\0\0\0\x01e",
        b"\0\0\0\x02a",
    ] {
        s.put_row(&mut t, k.to_vec(), b"old".to_vec()).unwrap();
    }
    s.commit(t, &Position::default()).unwrap();
    let mut t = s.txn();
    s.put_row(&mut t, b"\0\0\0\x01b".to_vec(), b"new".to_vec())
        .unwrap();
    s.put_row(&mut t, b"\0\0\0\x01c".to_vec(), b"changed".to_vec())
        .unwrap();
    s.delete_row(&mut t, b"\0\0\0\x01e").unwrap();
    let mut seen = Vec::new();
    s.for_each(Some(&t), Family::Rows, b"\0\0\0\x01", |k, v| {
        seen.push((k.to_vec(), v.to_vec()));
        Ok(std::ops::ControlFlow::Continue(()))
    })
    .unwrap();
    assert_eq!(seen, s.scan(Some(&t), Family::Rows, b"\0\0\0\x01").unwrap());
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[2].1, b"changed");
    let mut n = 0;
    s.for_each(None, Family::Rows, b"\0\0\0", |_, _| {
        n += 1;
        Ok(std::ops::ControlFlow::Break(()))
    })
    .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn position_round_trip_and_rejects_garbage() {
    let p = Position {
        relay_file: "understudy-relay-bin.000002".into(),
        relay_pos: 1234,
        source_file: "binlog.000007".into(),
        source_pos: 987_654_321_000,
        gtid_executed: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77".into(),
    };
    assert_eq!(Position::decode(&p.encode()), Some(p.clone()));
    let b = p.encode();
    assert_eq!(Position::decode(&b[..b.len() - 1]), None);
    assert_eq!(Position::decode(&[0xff; 3]), None);
}

#[test]
fn bulk_rows_are_ingested_in_key_order_only() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("s"), Durability::None).unwrap();
    let rows: Vec<(&[u8], &[u8])> = vec![(b"\0\0\0\x01a", b"1"), (b"\0\0\0\x01b", b"2")];
    assert!(s.ingest_rows("one", rows.iter().copied()).unwrap() > 0);
    assert_eq!(s.get_row(b"\0\0\0\x01b").unwrap(), Some(b"2".to_vec()));
    let bad: Vec<(&[u8], &[u8])> = vec![(b"\0\0\0\x02b", b"1"), (b"\0\0\0\x02a", b"2")];
    assert!(s.ingest_rows("two", bad.iter().copied()).is_err());
    assert_eq!(s.get_row(b"\0\0\0\x02b").unwrap(), None, "nothing of it");
    let twice: Vec<(&[u8], &[u8])> = vec![(b"\0\0\0\x02a", b"1"), (b"\0\0\0\x02a", b"2")];
    assert!(s.ingest_rows("three", twice.iter().copied()).is_err());
}

#[test]
fn a_copy_holds_one_commit_boundary_and_no_relay_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let s = Store::open(&path, Durability::Sync).unwrap();
    let mut t = s.txn();
    s.put_row(&mut t, b"\0\0\0\x01a".to_vec(), b"one".to_vec())
        .unwrap();
    s.put(&mut t, Family::Meta, b"catalog", b"c").unwrap();
    let p = Position {
        relay_file: "r.000003".into(),
        relay_pos: 77,
        source_file: "binlog.000002".into(),
        source_pos: 900,
        gtid_executed: "u:1-5".into(),
    };
    s.commit(t, &p).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let reader = Store::open_reader(&path, scratch.path()).unwrap();
    // A commit after the reader's view is not in the copy.
    let mut t = s.txn();
    s.put_row(&mut t, b"\0\0\0\x01b".to_vec(), b"two".to_vec())
        .unwrap();
    s.commit(t, &Position::default()).unwrap();
    let dest = dir.path().join("copy");
    let stats = reader.copy_to(&dest, &dir.path().join("tmp")).unwrap();
    assert_eq!(
        stats.position,
        Position {
            relay_file: String::new(),
            relay_pos: 0,
            ..p.clone()
        }
    );
    drop(reader);
    let c = Store::open(&dest, Durability::Sync).unwrap();
    assert_eq!(c.position().unwrap(), Some(stats.position));
    assert_eq!(c.get_row(b"\0\0\0\x01a").unwrap(), Some(b"one".to_vec()));
    assert_eq!(c.get_row(b"\0\0\0\x01b").unwrap(), None);
    assert_eq!(
        c.get(None, Family::Meta, b"catalog").unwrap(),
        Some(b"c".to_vec())
    );
    assert!(reader_dest_refused(&path, &dest));
}

fn reader_dest_refused(path: &std::path::Path, dest: &std::path::Path) -> bool {
    let scratch = tempfile::tempdir().unwrap();
    let r = Store::open_reader(path, scratch.path()).unwrap();
    r.copy_to(dest, &scratch.path().join("t")).is_err()
}
