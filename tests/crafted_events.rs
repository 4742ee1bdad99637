//! Events no provisioned server writes, or writes only in ways the
//! workloads cannot reach, appended to recorded binlogs and shown to the
//! reference tools at test time: Group Replication's view change and
//! transaction context events (MySQL 9.7 no longer logs them), a binlog
//! that goes on after its Rotate (a format description starting the next
//! binlog, with and without a position, a creation time, the artificial
//! flag), MariaDB's START_ENCRYPTION, and the MySQL-only types in a MariaDB
//! binlog. Our output must be the reference's, and where it fails we fail
//! at the same offset.
//!
//! Needs the test bed (`make testbed`); without it the tests fail and say so.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::fs;

use support::{compare, events, testdata};
use understudy_binlog::reader::event_crc32;
use understudy_testbed::ServerKind;

const TS: u32 = 1_900_000_100;

/// One event with a v4 header and a CRC32: `log_pos` None = its end.
fn event(type_code: u8, body: &[u8], at: usize, log_pos: Option<u32>, flags: u16) -> Vec<u8> {
    let size = 19 + body.len() + 4;
    let mut e = Vec::with_capacity(size);
    e.extend(TS.to_le_bytes());
    e.push(type_code);
    e.extend(1u32.to_le_bytes());
    e.extend((size as u32).to_le_bytes());
    e.extend(log_pos.unwrap_or((at + size) as u32).to_le_bytes());
    e.extend(flags.to_le_bytes());
    e.extend(body);
    let crc = event_crc32(&e, type_code == 15);
    e.extend(crc.to_le_bytes());
    e
}

fn append(base: &[u8], evs: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = base.to_vec();
    for (t, body) in evs {
        let e = event(*t, body, out.len(), None, 0);
        out.extend(e);
    }
    out
}

/// A QUERY_EVENT body without status variables.
fn query(q: &str) -> Vec<u8> {
    let db = b"test";
    let mut b = Vec::new();
    b.extend(9u32.to_le_bytes());
    b.extend(0u32.to_le_bytes());
    b.push(db.len() as u8);
    b.extend(0u16.to_le_bytes());
    b.extend(0u16.to_le_bytes());
    b.extend(db);
    b.push(0);
    b.extend(q.as_bytes());
    b
}

fn view_change() -> Vec<u8> {
    let mut b = b"17636459876543210:7".to_vec();
    b.resize(40, 0);
    b.extend(42u64.to_le_bytes());
    let cert: [(&[u8], &[u8]); 2] = [(b"key1", b"value-one"), (b"k2", b"")];
    b.extend((cert.len() as u32).to_le_bytes());
    for (k, v) in cert {
        b.extend((k.len() as u16).to_le_bytes());
        b.extend(k);
        b.extend((v.len() as u32).to_le_bytes());
        b.extend(v);
    }
    b
}

fn transaction_context() -> Vec<u8> {
    let uuid = b"3e11fa47-71ca-11e1-9e33-c80aa9429562";
    let snapshot = [1u8, 2, 3];
    let (write_set, read_set): (&[&[u8]], &[&[u8]]) = (&[b"w1", b"write-two"], &[b"r"]);
    let mut b = vec![uuid.len() as u8];
    b.extend(77u32.to_le_bytes());
    b.push(1);
    b.extend((snapshot.len() as u32).to_le_bytes());
    b.extend((write_set.len() as u32).to_le_bytes());
    b.extend((read_set.len() as u32).to_le_bytes());
    b.extend(uuid);
    b.extend(snapshot);
    for item in write_set.iter().chain(read_set) {
        b.extend((item.len() as u16).to_le_bytes());
        b.extend(*item);
    }
    b
}

/// INCIDENT_EVENT: `number:2 message_len:1 message` (1 = LOST_EVENTS).
fn incident(number: u16) -> Vec<u8> {
    let msg = b"lost some events";
    let mut b = number.to_le_bytes().to_vec();
    b.push(msg.len() as u8);
    b.extend(msg);
    b
}

fn check(kind: ServerKind, cases: Vec<(&str, Vec<u8>)>) {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for (name, bytes) in cases {
        let path = dir.path().join("crafted.bin");
        fs::write(&path, &bytes).unwrap();
        for args in [&["-vv"][..], &["--hexdump"], &["--short-form"]] {
            n += 1;
            if let Some(f) = compare(kind, &format!("{name} {args:?}"), args, &path, "UTC") {
                failures.push(f);
            }
        }
    }
    println!(
        "{kind:?} crafted events: {n} cases, {} differ",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn mysql_crafted_events_match_mysqlbinlog() {
    let base = testdata("mysql97/row_gtid/binlog.000001");
    let evs = events(&base);
    let (fde_at, fde_size) = evs[0];
    let fde_body = base[fde_at + 19..fde_at + fde_size - 4].to_vec();
    let (xid_at, _) = evs[evs.len() - 2];
    let (rot_at, rot_size) = evs[evs.len() - 1];
    assert_eq!(
        base[rot_at + 4],
        4,
        "the recorded binlog ends with its Rotate"
    );
    let rotate_body = base[rot_at + 19..rot_at + rot_size - 4].to_vec();
    let next_fde = |log_pos: Option<u32>, flags: u16, created: bool| {
        let mut body = fde_body.clone();
        if !created {
            body[52..56].fill(0);
        }
        let mut out = base.clone();
        let e = event(15, &body, out.len(), log_pos, flags);
        out.extend(e);
        out
    };
    let mut cases = vec![
        (
            "view change and transaction context",
            append(&base, &[(37, view_change()), (36, transaction_context())]),
        ),
        (
            "queries after the rotate",
            append(
                &base,
                &[
                    (2, query("CREATE TABLE x (a INT)")),
                    (2, query("DROP TABLE x")),
                ],
            ),
        ),
        ("the next binlog's FDE", next_fde(None, 0, true)),
        ("an FDE not at startup", next_fde(None, 0, false)),
        ("an FDE without a position", next_fde(Some(0), 0, true)),
        ("an artificial FDE", next_fde(Some(0), 0x20, true)),
        (
            "a bare IGNORABLE_LOG_EVENT",
            append(&base, &[(28, b"hello".to_vec())]),
        ),
        ("an incident", append(&base, &[(26, incident(1))])),
        (
            "an incident of no known kind",
            append(&base, &[(26, incident(7))]),
        ),
    ];
    cases.push((
        "the next binlog's FDE, then a query",
        append(&next_fde(None, 0, true), &[(2, query("DROP TABLE e"))]),
    ));
    // The Rotate inside a transaction: where the Xid was.
    let mut cut = base[..xid_at].to_vec();
    let e = event(4, &rotate_body, cut.len(), None, 0);
    cut.extend(e);
    cases.push(("a rotate inside a transaction", cut.clone()));
    cases.push((
        "a rotate inside a transaction, then a query",
        append(&cut, &[(2, query("DROP TABLE x"))]),
    ));
    // A fake rotate (no time, no position, artificial), then a query.
    let mut fake = base[..rot_at].to_vec();
    let mut e = event(4, &rotate_body, fake.len(), Some(0), 0x20);
    e[..4].fill(0);
    let crc = event_crc32(&e[..e.len() - 4], false);
    let len = e.len();
    e[len - 4..].copy_from_slice(&crc.to_le_bytes());
    fake.extend(e);
    cases.push((
        "a fake rotate, then a query",
        append(&fake, &[(2, query("DROP TABLE f"))]),
    ));
    // A rotate to another position, then the next FDE.
    let mut other = base[..rot_at].to_vec();
    let mut body = rotate_body.clone();
    body[..8].copy_from_slice(&230_184u64.to_le_bytes());
    let e = event(4, &body, other.len(), None, 0);
    other.extend(e);
    let e = event(15, &fde_body, other.len(), None, 0);
    other.extend(e);
    cases.push(("a rotate elsewhere, then an FDE", other));
    check(ServerKind::Mysql97, cases);
}

#[test]
fn mariadb_crafted_events_match_mariadb_binlog() {
    let base = testdata("mariadb1011/row/mariadb-bin.000001");
    let encryption = {
        let mut b = vec![1u8];
        b.extend(3u32.to_le_bytes());
        b.extend(0u8..12);
        b
    };
    let mut cases = vec![
        (
            "START_ENCRYPTION at the end",
            append(&base, &[(164, encryption.clone())]),
        ),
        (
            "START_ENCRYPTION, then an event",
            append(&base, &[(164, encryption), (2, query("DROP TABLE m"))]),
        ),
        ("a view change", append(&base, &[(37, view_change())])),
        ("ROWS_QUERY", append(&base, &[(29, b"\x05hello".to_vec())])),
        ("IGNORABLE", append(&base, &[(28, b"hello".to_vec())])),
        ("an incident", append(&base, &[(26, incident(1))])),
    ];
    for t in [33u8, 34, 35, 36, 37, 41] {
        cases.push(("a MySQL-only type", append(&base, &[(t, vec![0; 60])])));
    }
    check(ServerKind::Mariadb1011, cases);
}

/// A transaction payload holding a transaction payload, thousands deep: an
/// error naming the outer payload's offset, not a stack overflow, in both
/// the text and the JSON dump.
#[test]
fn nested_payloads_are_an_error() {
    fn packed(n: usize) -> Vec<u8> {
        match n {
            0..251 => vec![n as u8],
            251..0x1_0000 => [&[0xfc][..], &(n as u16).to_le_bytes()].concat(),
            _ => [&[0xfd][..], &(n as u32).to_le_bytes()[..3]].concat(),
        }
    }
    // Uncompressed payload header: payload size, compression type 255
    // (NONE), uncompressed size, end mark.
    let payload = |inner: &[u8]| {
        let mut b = Vec::new();
        for (field, value) in [
            (1, packed(inner.len())),
            (2, packed(255)),
            (3, packed(inner.len())),
        ] {
            b.push(field);
            b.extend(packed(value.len()));
            b.extend(value);
        }
        b.push(0);
        b.extend(inner);
        b
    };
    let base = testdata("mysql97/row_gtid/binlog.000001");
    // Inner events carry no checksum.
    let mut inner = Vec::new();
    for _ in 0..5000 {
        let body = payload(&inner);
        let mut e = TS.to_le_bytes().to_vec();
        e.push(40);
        e.extend(1u32.to_le_bytes());
        e.extend(((19 + body.len()) as u32).to_le_bytes());
        e.extend(0u32.to_le_bytes());
        e.extend(0u16.to_le_bytes());
        e.extend(body);
        inner = e;
    }
    let file = append(&base, &[(40, payload(&inner))]);
    let at = base.len() as u64;
    let opts = understudy_dumper::Options {
        verbose: 1,
        ..Default::default()
    };
    for (what, outcome) in [
        ("text", understudy_dumper::dump(&file, &opts).1),
        ("json", understudy_dumper::dump_json(&file, &opts).1),
    ] {
        match outcome.error {
            Some(understudy_binlog::ReadError::Decode { offset, source, .. }) => {
                assert_eq!(offset, at, "{what}");
                assert!(
                    source.to_string().contains("inside a transaction payload"),
                    "{what}: {source}"
                );
            }
            other => panic!("{what}: {other:?}"),
        }
    }
}

/// `--start-position` past the start: the reference tools seek there and
/// never read what lies between (a damaged event there changes nothing),
/// and a table map shows the invisible-primary-key line only when the
/// GTID event before it was read.
#[test]
fn starting_positions_match_mysqlbinlog() {
    let mut base = testdata("mysql97/row_gtid/binlog.000001");
    let evs = events(&base);
    let gtid = (1..evs.len() - 3)
        .find(|&i| base[evs[i].0 + 4] == 33 && base[evs[i + 2].0 + 4] == 19)
        .expect("a GTID, a query and a table map");
    let starts: Vec<String> = (0..4)
        .map(|k| format!("--start-position={}", evs[gtid + k].0))
        .collect();
    let mut cases = vec![("as recorded", base.clone())];
    // Damage a query before the GTID (its database length), keeping the
    // checksum right: only decoding it fails.
    let (q, size) = *evs[..gtid]
        .iter()
        .rev()
        .find(|&&(p, _)| base[p + 4] == 2)
        .expect("a query before it");
    base[q + 19 + 8] = 250;
    let crc = event_crc32(&base[q..q + size - 4], false);
    base[q + size - 4..q + size].copy_from_slice(&crc.to_le_bytes());
    cases.push(("a damaged query before the start", base));
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (name, bytes) in cases {
        let path = dir.path().join("start.bin");
        fs::write(&path, &bytes).unwrap();
        for start in &starts {
            let args = ["-v", start.as_str()];
            if let Some(f) = compare(
                ServerKind::Mysql97,
                &format!("{name} {start}"),
                &args,
                &path,
                "UTC",
            ) {
                failures.push(f);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
