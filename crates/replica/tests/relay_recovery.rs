//! A relay log written from real binlogs (MySQL 9.7 with GTIDs, MariaDB
//! 10.11), its last file cut at event boundaries and inside events, read
//! back: the file must end at the last complete transaction before the
//! cut, with the source position and GTIDs of that transaction.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::io::Read;
use std::path::Path;

use understudy_binlog::format_description_event::{Flavor, FormatDescription};
use understudy_binlog::header::LOG_EVENT_ARTIFICIAL_F;
use understudy_binlog::reader::EventReader;
use understudy_binlog::relay::rotate_event;
use understudy_replica::progress::Progress;
use understudy_replica::relay_log::{RelayLog, RelayLogOptions};

const REPLICA_ID: u32 = 9;

fn binlog(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel);
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(fs::File::open(&path).unwrap())
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn options(dir: &Path) -> RelayLogOptions {
    RelayLogOptions {
        dir: dir.to_owned(),
        basename: "r-relay-bin".into(),
        max_size: 16 << 10,
        sync_every: 0,
        purge: false,
        space_limit: 0,
        server_id: REPLICA_ID,
    }
}

/// A boundary as the writer saw it: relay offset in the last file, source
/// position, retrieved GTIDs.
#[derive(Debug, Clone, PartialEq)]
struct Point {
    offset: u64,
    source_file: String,
    source_pos: u64,
    gtids: String,
}

fn cuts_recover(rel: &str, source_file: &str, flavor: Flavor, version: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = binlog(rel);
    let (mut relay, _) = RelayLog::open(options(dir.path())).unwrap();
    let mut progress = Progress::new();
    relay.ensure_file(version, flavor, &progress).unwrap();
    // What the source sends: its fake rotate, then the binlog's events.
    let mut stream = vec![rotate_event(
        source_file,
        4,
        1,
        0,
        0,
        LOG_EVENT_ARTIFICIAL_F,
        true,
    )];
    let mut r = EventReader::new(&file).unwrap();
    while let Some(ev) = r.next_event() {
        stream.push(ev.unwrap().raw.to_vec());
    }
    let mut fde = FormatDescription::default_v4();
    fde.checksum_alg = Some(1);
    let mut points: Vec<(String, Point)> = Vec::new();
    for ev in &stream {
        let mut reader = EventReader::at(ev, 0, relay.current_pos(), fde).verify_checksums(true);
        let raw = reader.next_event().unwrap().unwrap();
        let boundary = progress.on_event(&raw, reader.fde()).unwrap();
        relay.append(raw.raw, raw.type_code == 15).unwrap();
        fde = reader.into_fde();
        if boundary {
            // The transaction's end where it was written (before a
            // rotation to the next file).
            points.push((
                relay.current_file().unwrap().to_owned(),
                Point {
                    offset: relay.current_pos(),
                    source_file: progress.committed.source_file.clone(),
                    source_pos: progress.committed.source_pos,
                    gtids: progress.retrieved_text(),
                },
            ));
            relay.at_boundary(false, version, &progress).unwrap();
            progress.committed.relay_offset = relay.current_pos();
        }
    }
    relay.sync().unwrap();
    let files = relay.files().to_vec();
    assert!(files.len() > 3, "{rel}: rotated at 16 KiB: {files:?}");
    let last = files.last().unwrap().clone();
    let last_path = dir.path().join(&last);
    let whole = fs::read(&last_path).unwrap();
    drop(relay);
    let in_last: Vec<&Point> = points
        .iter()
        .filter(|(f, _)| *f == last)
        .map(|(_, p)| p)
        .collect();
    // The point before the last file's first transaction: its header.
    let before_last = points
        .iter()
        .rev()
        .find(|(f, _)| *f != last)
        .map(|(_, p)| p.clone())
        .unwrap();
    assert_eq!(in_last.last().unwrap().offset, whole.len() as u64);
    // The file's leading events that are not the source's transactions:
    // the replica's header (flag 0x40) and the artificial copy of the
    // source's format description.
    let mut checked = 0;
    let mut lead_ends = Vec::new();
    let mut own_header_end = 4;
    let mut r = EventReader::new(&whole).unwrap();
    let mut cuts = Vec::new();
    let mut leading = true;
    while let Some(Ok(ev)) = r.next_event() {
        cuts.extend([
            ev.offset + 1,
            ev.offset + ev.raw.len() as u64 / 2,
            ev.end_offset(),
        ]);
        if ev.header.flags & 0x40 != 0 {
            own_header_end = ev.end_offset();
        }
        // The server-id-0 rotate that says where in the source binlog the
        // file begins is the header's last event.
        let marker = ev.header.server_id == 0 && ev.type_code == 4;
        leading &= marker || ev.header.flags & (0x40 | LOG_EVENT_ARTIFICIAL_F) != 0;
        if leading {
            lead_ends.push(ev.end_offset());
        }
    }
    let header_end = lead_ends.iter().copied().max().unwrap();
    let at_end = in_last.last().unwrap();
    for cut in cuts {
        if cut >= header_end {
            // master.info as a clean stop leaves it (the end of the file)
            // while the file lost its tail afterwards: the file's own
            // header says where it begins, and that wins.
            fs::write(&last_path, &whole[..cut as usize]).unwrap();
            let (_, rec) = RelayLog::open(options(dir.path())).unwrap();
            let ahead = (at_end.source_file.clone(), at_end.source_pos);
            let progress = Progress::resume(&rec.scan, Some(ahead));
            let expected = in_last
                .iter()
                .rev()
                .find(|p| p.offset <= cut)
                .map_or(before_last.source_pos, |p| p.source_pos);
            assert_eq!(
                progress.committed.source_pos, expected,
                "{rel} cut {cut}, master.info ahead"
            );
        }
        fs::write(&last_path, &whole[..cut as usize]).unwrap();
        let (relay, rec) = RelayLog::open(options(dir.path())).unwrap();
        // master.info as the I/O task writes it when a relay file begins.
        let master_info = (before_last.source_file.clone(), before_last.source_pos);
        let progress = Progress::resume(&rec.scan, Some(master_info));
        let expected = in_last
            .iter()
            .rev()
            .find(|p| p.offset <= cut)
            .copied()
            .cloned()
            .unwrap_or(Point {
                offset: lead_ends
                    .iter()
                    .copied()
                    .filter(|&e| e <= cut)
                    .max()
                    .unwrap_or(0),
                ..before_last.clone()
            });
        assert_eq!(
            progress.committed.source_pos, expected.source_pos,
            "{rel} cut {cut}"
        );
        assert_eq!(
            progress.committed.source_file, expected.source_file,
            "{rel} cut {cut}"
        );
        assert_eq!(progress.retrieved_text(), expected.gtids, "{rel} cut {cut}");
        if cut < own_header_end {
            // A torn header: the file is dropped, a new one will follow
            // the previous (closed) file.
            assert_eq!(relay.current_file(), None, "{rel} cut {cut}");
            assert!(!last_path.exists(), "{rel} cut {cut}");
            assert!(!relay.files().contains(&last), "{rel} cut {cut}");
            // Put the index back for the next cut.
            let index: String = files.iter().map(|f| format!("./{f}\n")).collect();
            fs::write(dir.path().join("r-relay-bin.index"), index).unwrap();
        } else {
            assert_eq!(relay.current_file(), Some(last.as_str()), "{rel} cut {cut}");
            assert_eq!(relay.current_pos(), expected.offset, "{rel} cut {cut}");
            assert_eq!(
                fs::metadata(&last_path).unwrap().len(),
                expected.offset,
                "{rel} cut {cut}"
            );
            checked += 1;
        }
    }
    assert!(checked > 30, "{rel}: {checked} cuts checked");
}

#[test]
fn mysql_relay_log_cut_anywhere_resumes_after_its_last_transaction() {
    cuts_recover(
        "mysql97/row_gtid/binlog.000001.gz",
        "binlog.000001",
        Flavor::MySql,
        "9.7.4-2-understudy",
    );
}

#[test]
fn mariadb_relay_log_cut_anywhere_resumes_after_its_last_transaction() {
    cuts_recover(
        "mariadb1011/row/mariadb-bin.000001.gz",
        "mariadb-bin.000001",
        Flavor::MariaDb,
        "10.11.19-MariaDB-understudy",
    );
}
