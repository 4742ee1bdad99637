//! The relay-log writers against the files real replicas wrote
//! (testdata/relay/, recorded by scripts/testdata/record-relay.sh), and the
//! tail scan against every cut of real and assembled relay files.

use std::io::Read;
use std::path::PathBuf;

use super::*;
use crate::error::ReadError;
use crate::event::{GtidEvent, MariaGtidEvent, PreviousGtidsEvent, RotateEvent};
use crate::event_type::*;
use crate::format_description_event::{FormatDescription, parse_version};
use crate::gtid::{MariaGtid, MariaGtidList, Tag, Uuid};
use crate::header::{EventHeader, LOG_EVENT_ARTIFICIAL_F};
use crate::reader::EventReader;

fn testdata(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if rel.ends_with(".gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out
    } else {
        bytes
    }
}

const FLAVOURS: [(&str, Flavor); 2] =
    [("mysql97", Flavor::MySql), ("mariadb1011", Flavor::MariaDb)];

fn relay_file(dir: &str, n: u32) -> Vec<u8> {
    testdata(&format!("relay/{dir}/relay-bin.{n:06}"))
}

/// (offset, header, type, raw) of every event of a well-formed file.
fn events(file: &[u8]) -> Vec<(u64, EventHeader, u8, Vec<u8>)> {
    bodies(file)
        .into_iter()
        .map(|(offset, h, t, raw, _)| (offset, h, t, raw))
        .collect()
}

/// `events` with each event's body (without header and checksum).
#[allow(clippy::type_complexity)]
fn bodies(file: &[u8]) -> Vec<(u64, EventHeader, u8, Vec<u8>, Vec<u8>)> {
    EventReader::new(file)
        .expect("magic")
        .verify_checksums(true)
        .map(|e| {
            let e = e.expect("a whole, valid event");
            (
                e.offset,
                e.header,
                e.type_code,
                e.raw.to_vec(),
                e.body.to_vec(),
            )
        })
        .collect()
}

fn fde_of(file: &[u8]) -> FormatDescription {
    let size = u32::from_le_bytes([file[13], file[14], file[15], file[16]]) as usize;
    FormatDescription::parse(&file[4 + 19..4 + size]).expect("an FDE at offset 4")
}

#[test]
fn post_header_tables_are_the_servers_own() {
    let mysql = fde_of(&testdata("mysql97/row_gtid/binlog.000001.gz"));
    assert_eq!(mysql.post_header_lengths, MYSQL_97_POST_HEADER_LENGTHS);
    let maria = fde_of(&testdata("mariadb1011/row/mariadb-bin.000001.gz"));
    assert_eq!(maria.post_header_lengths, MARIADB_1011_POST_HEADER_LENGTHS);
}

#[test]
fn every_replica_written_event_is_reproduced_byte_for_byte() {
    let mut checked = [0usize; 4];
    for (dir, flavor) in FLAVOURS {
        for n in 1..=5 {
            let file = relay_file(dir, n);
            let fde = fde_of(&file);
            for (offset, h, t, raw) in events(&file) {
                let crc = raw.len() >= 4 && fde.has_checksum();
                let ours = match t {
                    // The first file's FDE carries a create timestamp ("at
                    // startup"); ours, like the later files', has 0.
                    FORMAT_DESCRIPTION_EVENT if offset == 4 && n > 1 => {
                        checked[0] += 1;
                        format_description_event(
                            &fde.server_version,
                            flavor,
                            h.timestamp,
                            h.server_id,
                            fde.has_checksum(),
                        )
                    }
                    ROTATE_EVENT => {
                        checked[1] += 1;
                        let r = RotateEvent::parse(&raw[19..raw.len() - 4], 8).expect("rotate");
                        let name = std::str::from_utf8(r.next_log).expect("name");
                        rotate_event(
                            name,
                            r.position,
                            h.server_id,
                            h.timestamp,
                            h.log_pos,
                            h.flags,
                            crc,
                        )
                    }
                    PREVIOUS_GTIDS_LOG_EVENT => {
                        checked[2] += 1;
                        let set = PreviousGtidsEvent::parse(&raw[19..raw.len() - 4])
                            .expect("previous gtids")
                            .gtid_set;
                        assert_eq!(h.flags, RELAY_PREVIOUS_GTIDS_FLAGS);
                        previous_gtids_event(&set, h.timestamp, h.server_id, h.log_pos, crc)
                    }
                    STOP_EVENT => {
                        checked[3] += 1;
                        stop_event(h.timestamp, h.server_id, h.log_pos, crc)
                    }
                    _ => continue,
                };
                assert_eq!(ours, raw, "{dir} relay-bin.{n:06} at {offset}");
            }
        }
    }
    // 4 FDEs per flavour; rotates: own ones and the source's; 5 MySQL
    // Previous_gtids; one Stop per flavour.
    assert_eq!(checked[0], 8);
    assert!(checked[1] >= 16, "{checked:?}");
    assert_eq!(checked[2], 5);
    assert_eq!(checked[3], 2);
}

#[test]
fn the_fde_matches_the_older_recordings_too() {
    for rel in [
        "mysql97/relay/relay-bin.000002.gz",
        "mariadb1011/relay/relay-bin.000002.gz",
    ] {
        let file = testdata(rel);
        let fde = fde_of(&file);
        let h = EventHeader::parse(&file[4..23], 19).expect("header");
        let ours = format_description_event(
            &fde.server_version,
            fde.flavor,
            h.timestamp,
            h.server_id,
            true,
        );
        assert_eq!(ours[..], file[4..4 + ours.len()], "{rel}");
    }
}

#[test]
fn mysql_header_is_the_real_replicas() {
    // relay-bin.000003 starts with FDE and a non-empty Previous_gtids.
    let file = relay_file("mysql97", 3);
    let ev = events(&file);
    let (_, h, _, _) = &ev[0];
    let set = PreviousGtidsEvent::parse(&ev[1].3[19..ev[1].3.len() - 4])
        .expect("previous gtids")
        .gtid_set;
    assert!(!set.is_empty());
    let fde = fde_of(&file);
    let ours = mysql_relay_file_header(&fde.server_version, h.timestamp, h.server_id, &set, true);
    let end = ev[1].0 as usize + ev[1].3.len();
    assert_eq!(ours[..], file[..end]);
}

#[test]
fn written_fdes_read_back() {
    for (version, flavor) in [
        ("9.7.4-2", Flavor::MySql),
        ("10.11.19-MariaDB-0+deb12u1-log", Flavor::MariaDb),
    ] {
        for checksum in [true, false] {
            let mut file = BINLOG_MAGIC.to_vec();
            file.extend(format_description_event(version, flavor, 7, 9, checksum));
            let end = file.len() as u64;
            file.extend(rotate_event(
                "x-relay-bin.000002",
                4,
                9,
                7,
                0,
                0x40,
                checksum,
            ));
            let mut r = EventReader::new(&file)
                .expect("magic")
                .verify_checksums(true);
            let fde_ev = r.next().expect("fde").expect("valid fde");
            assert_eq!(fde_ev.header.log_pos as u64, end);
            assert_eq!(fde_ev.header.flags, 0x40);
            assert_eq!(fde_ev.header.server_id, 9);
            let fde = r.fde().clone();
            assert_eq!(fde.server_version, version);
            assert_eq!(fde.flavor, flavor);
            assert_eq!(fde.version, parse_version(version));
            assert_eq!(fde.binlog_version, 4);
            assert_eq!(fde.create_timestamp, 0);
            assert_eq!(fde.header_length, 19);
            assert_eq!(fde.has_checksum(), checksum);
            let rot = r.next().expect("rotate").expect("valid rotate");
            assert_eq!(rot.end_offset(), file.len() as u64);
            assert!(r.next().is_none());
            let scan = scan_relay_tail(&file);
            assert_eq!(scan.valid_len, file.len() as u64);
            assert_eq!(scan.resume_len, file.len() as u64);
            assert_eq!(scan.replica_server_id, Some(9));
            assert_eq!(scan.next_relay_file.as_deref(), Some("x-relay-bin.000002"));
            assert_eq!(scan.source_file, None);
        }
    }
    // A version longer than the field is cut, never a panic.
    let long = "9".repeat(80);
    let ev = format_description_event(&long, Flavor::MySql, 0, 0, true);
    let fde = FormatDescription::parse(&ev[19..]).expect("fde");
    assert_eq!(fde.server_version.len(), 50);
}

#[test]
fn index_lines() {
    let text: String = ["relay-bin.000001", "relay-bin.000002"]
        .iter()
        .map(|n| index_line(n))
        .collect();
    assert_eq!(text, "./relay-bin.000001\n./relay-bin.000002\n");
    assert_eq!(parse_index(&text), ["relay-bin.000001", "relay-bin.000002"]);
    assert_eq!(
        parse_index("/abs/r.000001\r\n\n./r.000002"),
        ["/abs/r.000001", "r.000002"]
    );
    for dir in ["mysql97", "mariadb1011"] {
        let index = testdata(&format!("relay/{dir}/relay-bin.index"));
        let index = String::from_utf8(index).expect("text");
        let names: Vec<String> = (1..=5).map(|n| format!("relay-bin.{n:06}")).collect();
        assert_eq!(parse_index(&index), names);
        let ours: String = names.iter().map(|n| index_line(n)).collect();
        assert_eq!(ours, index);
    }
}

#[test]
fn real_relay_files_scan_whole() {
    for (dir, flavor) in FLAVOURS {
        let mut source_file = None;
        let mut all = GtidSet::new();
        for n in 1..=5 {
            let file = relay_file(dir, n);
            let scan = scan_relay_tail(&file);
            let len = file.len() as u64;
            assert_eq!(scan.framing_error, None, "{dir} {n}");
            assert_eq!(scan.decode_error, None, "{dir} {n}");
            assert_eq!((scan.valid_len, scan.resume_len), (len, len), "{dir} {n}");
            assert_eq!(scan.replica_server_id, Some(2));
            let next = format!("relay-bin.{:06}", n + 1);
            assert_eq!(
                scan.next_relay_file.as_deref(),
                (n < 5).then_some(next.as_str())
            );
            assert_eq!(scan.stopped, n == 5);
            assert_eq!(scan.previous_gtids.is_some(), flavor == Flavor::MySql);
            if let Some(prev) = &scan.previous_gtids {
                assert_eq!(
                    prev, &all,
                    "{dir} {n}: Previous_gtids = all received before"
                );
            }
            all.union_with(&scan.gtids);
            // The file names the source's binlog, except the first (made
            // before the source was reached) and one begun by FLUSH RELAY
            // LOGS (the fifth).
            if scan.source_file.is_some() {
                source_file = scan.source_file.clone();
            } else {
                assert!(n == 1 || n == 5, "{dir} {n}");
            }
            let txns = events(&file)
                .iter()
                .filter(|(_, _, t, _)| matches!(*t, GTID_LOG_EVENT | GTID_EVENT))
                .count() as u64;
            assert_eq!(scan.transactions, txns, "{dir} {n}");
            // The position after the last source event with a log_pos.
            let last = events(&file)
                .into_iter()
                .rev()
                .find(|(_, h, _, _)| h.server_id == 1 && h.log_pos != 0);
            if let Some((_, h, t, _)) = last
                && t != ROTATE_EVENT
            {
                assert_eq!(scan.source_pos, Some(u64::from(h.log_pos)), "{dir} {n}");
            }
        }
        let prefix = if flavor == Flavor::MySql {
            "binlog"
        } else {
            "mariadb-bin"
        };
        assert_eq!(source_file, Some(format!("{prefix}.000002")));
        if flavor == Flavor::MySql {
            assert_eq!(all.count(), 8);
        }
    }
}

#[test]
fn older_relay_recordings_scan_whole() {
    for rel in [
        "mysql97/relay/relay-bin.000002.gz",
        "mariadb1011/relay/relay-bin.000002.gz",
    ] {
        let file = testdata(rel);
        let scan = scan_relay_tail(&file);
        let len = file.len() as u64;
        assert_eq!((scan.valid_len, scan.resume_len), (len, len), "{rel}");
        assert_eq!(scan.decode_error, None, "{rel}");
        assert!(scan.transactions > 10, "{rel}");
        assert!(
            scan.gtids.count() > 10 || scan.mariadb_gtids.len() == 1,
            "{rel}"
        );
    }
}

/// A relay file as a replica would write it from a source binlog: the
/// replica's header, the fake rotate, then the binlog's events verbatim.
/// Returns the file and the shift from source offsets to relay offsets.
fn relay_from_binlog(binlog: &[u8], flavor: Flavor) -> (Vec<u8>, u64) {
    let mut out = match flavor {
        Flavor::MySql => {
            mysql_relay_file_header("9.7.4-2", 1_900_000_000, 2, &GtidSet::new(), true)
        }
        Flavor::MariaDb => {
            let mut v = BINLOG_MAGIC.to_vec();
            v.extend(format_description_event(
                "10.11.19-MariaDB-log",
                flavor,
                1_900_000_000,
                2,
                true,
            ));
            v
        }
    };
    out.extend(rotate_event(
        "source-bin.000001",
        4,
        1,
        0,
        0,
        LOG_EVENT_ARTIFICIAL_F,
        true,
    ));
    let shift = out.len() as u64 - 4;
    out.extend_from_slice(&binlog[4..]);
    (out, shift)
}

/// What a scan of any prefix must find, worked out from the whole file's
/// events independently of the scanner.
struct Oracle {
    /// Event ends, in order (4 first).
    ends: Vec<u64>,
    /// Places a transaction may be resumed after: 4, and the end of every
    /// event followed by a GTID event, a control event, or nothing.
    resumable: Vec<u64>,
    /// (offset, GTID) of every GTID event.
    mysql: Vec<(u64, Uuid, Tag, u64)>,
    maria: Vec<(u64, MariaGtid)>,
}

fn oracle(file: &[u8]) -> Oracle {
    let ev = bodies(file);
    let mut o = Oracle {
        ends: vec![4],
        resumable: vec![4],
        mysql: Vec::new(),
        maria: Vec::new(),
    };
    let starts_unit = |t: u8| {
        matches!(
            t,
            GTID_LOG_EVENT
                | ANONYMOUS_GTID_LOG_EVENT
                | GTID_TAGGED_LOG_EVENT
                | GTID_EVENT
                | FORMAT_DESCRIPTION_EVENT
                | ROTATE_EVENT
                | PREVIOUS_GTIDS_LOG_EVENT
                | GTID_LIST_EVENT
                | BINLOG_CHECKPOINT_EVENT
                | STOP_EVENT
        )
    };
    for (i, (offset, h, t, raw, body)) in ev.iter().enumerate() {
        let end = offset + raw.len() as u64;
        o.ends.push(end);
        if ev.get(i + 1).is_none_or(|next| starts_unit(next.2)) {
            o.resumable.push(end);
        }
        match *t {
            GTID_LOG_EVENT => {
                let g = GtidEvent::parse(body, false).expect("gtid");
                o.mysql
                    .push((*offset, Uuid(g.uuid), Tag::UNTAGGED, g.gno as u64));
            }
            GTID_TAGGED_LOG_EVENT => {
                let g = GtidEvent::parse_tagged(body).expect("tagged gtid");
                let tag = Tag::new(std::str::from_utf8(g.tag).expect("tag")).expect("tag");
                o.mysql.push((*offset, Uuid(g.uuid), tag, g.gno as u64));
            }
            GTID_EVENT => {
                let g = MariaGtidEvent::parse(body).expect("mariadb gtid");
                o.maria
                    .push((*offset, MariaGtid::new(g.domain_id, h.server_id, g.seq_no)));
            }
            _ => {}
        }
    }
    o
}

fn last_le(v: &[u64], x: u64) -> u64 {
    v.iter().copied().filter(|&e| e <= x).max().unwrap_or(0)
}

/// Scans `file` cut at each of `cuts` and checks the result against the
/// oracle; `source` maps a resume offset to the expected (file, position).
fn check_cuts(
    name: &str,
    file: &[u8],
    cuts: impl IntoIterator<Item = usize>,
    source: impl Fn(u64) -> (Option<String>, Option<u64>),
) -> usize {
    let o = oracle(file);
    let mut n = 0;
    for cut in cuts {
        n += 1;
        let scan = scan_relay_tail(&file[..cut]);
        let cut = cut as u64;
        let valid = if cut < 4 { 0 } else { last_le(&o.ends, cut) };
        assert_eq!(scan.valid_len, valid, "{name} cut {cut}");
        assert_eq!(scan.decode_error, None, "{name} cut {cut}");
        assert_eq!(
            scan.framing_error.is_some(),
            cut < 4 || cut != valid,
            "{name} cut {cut}: {:?}",
            scan.framing_error
        );
        let resume = if cut < 4 {
            0
        } else {
            last_le(&o.resumable, valid)
        };
        assert_eq!(scan.resume_len, resume, "{name} cut {cut}");
        let mut mysql = GtidSet::new();
        for (off, uuid, tag, gno) in &o.mysql {
            if *off < resume {
                mysql.add(*uuid, *tag, *gno).expect("gno");
            }
        }
        assert_eq!(scan.gtids, mysql, "{name} cut {cut}");
        let maria = MariaGtidList::from_entries(
            o.maria
                .iter()
                .filter(|(off, _)| *off < resume)
                .map(|(_, g)| *g),
        );
        assert_eq!(scan.mariadb_gtids, maria, "{name} cut {cut}");
        if resume >= 4 {
            let (f, p) = source(resume);
            assert_eq!(scan.source_file, f, "{name} cut {cut}");
            assert_eq!(scan.source_pos, p, "{name} cut {cut}");
        }
    }
    n
}

/// Cuts for a file: every offset of small files; for larger ones every
/// offset of the first 4 KiB, each event end and the bytes around it, and
/// a stride over the rest.
fn cuts_for(file: &[u8]) -> Vec<usize> {
    if file.len() <= 12 << 10 {
        return (0..=file.len()).collect();
    }
    let mut cuts: Vec<usize> = (0..4096).collect();
    for (offset, _, _, raw) in events(file) {
        let end = offset as usize + raw.len();
        cuts.extend([end.saturating_sub(1), end, (end + 1).min(file.len())]);
    }
    cuts.extend((4096..file.len()).step_by(509));
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

#[test]
fn cuts_of_assembled_relay_files() {
    let sources = [
        ("mysql97/row_gtid/binlog.000001.gz", Flavor::MySql),
        ("mysql97/no_checksum/binlog.000001", Flavor::MySql),
        ("mysql97/compressed/binlog.000001", Flavor::MySql),
        ("mysql97/statement/binlog.000001.gz", Flavor::MySql),
        ("mariadb1011/row/mariadb-bin.000001.gz", Flavor::MariaDb),
        ("mariadb1011/statement/mariadb-bin.000001", Flavor::MariaDb),
        ("mariadb118/row/mariadb-bin.000001.gz", Flavor::MariaDb),
        ("mariadb118/statement/mariadb-bin.000001", Flavor::MariaDb),
    ];
    let mut total = 0;
    for (rel, flavor) in sources {
        let binlog = testdata(rel);
        let (relay, shift) = relay_from_binlog(&binlog, flavor);
        // The binlog ends with the source's rotate to its next file.
        let (last_off, _, last_t, last_raw, last_body) = bodies(&binlog).pop().expect("events");
        let last_end = last_off + last_raw.len() as u64;
        let next = (last_t == ROTATE_EVENT).then(|| {
            let r = RotateEvent::parse(&last_body, 8).expect("rotate");
            String::from_utf8(r.next_log.to_vec()).expect("name")
        });
        let source = |resume: u64| {
            if resume < shift + 4 {
                (None, None)
            } else if resume == last_end + shift
                && let Some(name) = &next
            {
                (Some(name.clone()), Some(4))
            } else {
                (Some("source-bin.000001".to_string()), Some(resume - shift))
            }
        };
        let cuts = cuts_for(&relay);
        total += check_cuts(rel, &relay, cuts, source);
    }
    assert!(total > 10_000, "{total} cuts");
}

/// The source position after the events that end by `resume` in a file a
/// real replica (server id 2) wrote, where every source event but the
/// artificial ones has a log_pos: the last rotate not the replica's sets
/// file and position, later source events their log_pos.
fn real_source_at(file: &[u8], resume: u64) -> (Option<String>, Option<u64>) {
    let (mut f, mut p) = (None, None);
    for (offset, h, t, raw, body) in bodies(file) {
        if offset + raw.len() as u64 > resume {
            break;
        }
        let own = h.flags & 0x40 != 0 || (t == STOP_EVENT && h.server_id == 2);
        if own {
            continue;
        }
        if t == ROTATE_EVENT {
            let r = RotateEvent::parse(&body, 8).expect("rotate");
            f = Some(String::from_utf8(r.next_log.to_vec()).expect("name"));
            p = Some(r.position);
        } else if h.log_pos != 0 {
            p = Some(u64::from(h.log_pos));
        }
    }
    (f, p)
}

#[test]
fn cuts_of_real_relay_files() {
    for (dir, _) in FLAVOURS {
        for n in 1..=5 {
            let file = relay_file(dir, n);
            let whole = scan_relay_tail(&file);
            let name = format!("{dir} relay-bin.{n:06}");
            check_cuts(&name, &file, 0..=file.len(), |resume| {
                real_source_at(&file, resume)
            });
            assert!(whole.resume_len <= whole.valid_len);
        }
    }
}

#[test]
fn damage_stops_the_valid_prefix() {
    let (relay, _) = relay_from_binlog(
        &testdata("mysql97/row_gtid/binlog.000001.gz"),
        Flavor::MySql,
    );
    let ev = events(&relay);
    let o = oracle(&relay);
    // A flipped byte in the middle of each of a few events.
    for (offset, _, _, raw) in ev.iter().skip(3).step_by(37) {
        let mut bad = relay.clone();
        bad[*offset as usize + raw.len() / 2] ^= 0x5a;
        let scan = scan_relay_tail(&bad);
        assert_eq!(scan.valid_len, *offset, "flip in event at {offset}");
        assert!(scan.framing_error.is_some());
        assert_eq!(scan.resume_len, last_le(&o.resumable, *offset));
    }
    // Zeros after the last event (a file extended but never written).
    let mut zeros = relay.clone();
    zeros.extend([0u8; 100]);
    let scan = scan_relay_tail(&zeros);
    assert_eq!(scan.valid_len, relay.len() as u64);
    assert_eq!(scan.resume_len, relay.len() as u64);
    assert!(matches!(
        scan.framing_error,
        Some(ReadError::BadEventSize { .. })
    ));
}

#[test]
fn garbage_never_panics() {
    let scan = scan_relay_tail(b"");
    assert_eq!((scan.valid_len, scan.resume_len), (0, 0));
    assert_eq!(scan.framing_error, Some(ReadError::BadMagic));
    let scan = scan_relay_tail(b"\xfebin");
    assert_eq!((scan.valid_len, scan.resume_len), (4, 4));
    assert_eq!(scan.framing_error, None);
    // Deterministic pseudo-random bytes after a real header.
    let mut file = relay_file("mysql97", 2)[..127].to_vec();
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..4096 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        file.push(x as u8);
    }
    for cut in 0..file.len() {
        let s = scan_relay_tail(&file[..cut]);
        assert!(s.resume_len <= s.valid_len && s.valid_len <= cut as u64);
    }
}

/// `raw` with another log_pos, its CRC32 recomputed.
fn with_log_pos(raw: &[u8], log_pos: u32) -> Vec<u8> {
    let mut ev = raw[..raw.len() - 4].to_vec();
    ev[13..17].copy_from_slice(&log_pos.to_le_bytes());
    let crc = crate::reader::event_crc32(&ev, ev[4] == FORMAT_DESCRIPTION_EVENT);
    ev.extend_from_slice(&crc.to_le_bytes());
    ev
}

#[test]
fn a_source_restart_abandons_the_partial_transaction() {
    let binlog = testdata("mysql97/row_gtid/binlog.000001.gz");
    let (relay, shift) = relay_from_binlog(&binlog, Flavor::MySql);
    let o = oracle(&relay);
    // The third transaction was cut after some whole events, then the
    // source started over at its start: fake rotate, its FDE (log_pos 0,
    // as sources send it when starting in the middle of a file), the rest.
    let txn_start = o.mysql[2].0;
    let partial_end = last_le(&o.ends, txn_start + 120);
    assert!(partial_end > txn_start);
    let src_start = txn_start - shift;
    let mut file = relay[..partial_end as usize].to_vec();
    file.extend(rotate_event(
        "source-bin.000001",
        src_start,
        1,
        0,
        0,
        LOG_EVENT_ARTIFICIAL_F,
        true,
    ));
    file.extend(with_log_pos(&events(&binlog)[0].3, 0));
    let restart = file.len() as u64;
    file.extend_from_slice(&relay[txn_start as usize..]);
    let scan = scan_relay_tail(&file);
    assert_eq!(scan.valid_len, file.len() as u64);
    assert_eq!(scan.resume_len, file.len() as u64);
    // Every GTID once; the abandoned part is no transaction.
    assert_eq!(scan.gtids.count() as usize, o.mysql.len());
    assert_eq!(scan.transactions as usize, o.mysql.len());
    // Cut right after the restart: resume there, at the source's restart
    // position, with the two transactions before.
    let cut = scan_relay_tail(&file[..restart as usize]);
    assert_eq!(cut.resume_len, restart);
    assert_eq!(cut.source_file.as_deref(), Some("source-bin.000001"));
    assert_eq!(cut.source_pos, Some(src_start));
    assert_eq!(cut.gtids.count(), 2);
    // Cut inside the partial transaction: resume before it.
    let cut = scan_relay_tail(&file[..partial_end as usize]);
    assert_eq!(cut.resume_len, txn_start);
    assert_eq!(cut.source_pos, Some(src_start));
}

#[test]
fn a_file_begun_by_flush_takes_the_source_file_from_the_previous_one() {
    for dir in ["mysql97", "mariadb1011"] {
        let before = scan_relay_tail(&relay_file(dir, 4));
        let file = relay_file(dir, 5);
        let alone = scan_relay_tail(&file);
        assert_eq!(alone.source_file, None, "{dir}");
        let mut scanner =
            RelayTailScanner::new().with_source(before.source_file.clone(), before.source_pos);
        let mut r = EventReader::new(&file)
            .expect("magic")
            .verify_checksums(true);
        while let Some(Ok(e)) = r.next_event() {
            scanner.event(&e, r.fde());
        }
        let seeded = scanner.finish(None);
        assert_eq!(seeded.source_file, before.source_file, "{dir}");
        assert!(seeded.source_pos > before.source_pos, "{dir}");
        assert_eq!(seeded.source_pos, alone.source_pos, "{dir}");
        assert_eq!(seeded.resume_len, file.len() as u64);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Damage anywhere never panics, and the results keep their order.
    #[test]
    fn damaged_relay_files_never_panic(
        which in 0usize..10,
        flips in proptest::collection::vec((0usize..2000, 0u8..=255), 0..4),
        cut in 0usize..2000,
    ) {
        let dir = if which < 5 { "mysql97" } else { "mariadb1011" };
        let mut file = relay_file(dir, (which % 5) as u32 + 1);
        for (at, x) in flips {
            if let Some(b) = file.get_mut(at) {
                *b ^= x;
            }
        }
        file.truncate(cut);
        let s = scan_relay_tail(&file);
        proptest::prop_assert!(s.resume_len <= s.valid_len);
        proptest::prop_assert!(s.valid_len <= file.len() as u64);
    }
}
