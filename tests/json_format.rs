//! `understudy binlog --format json`: every event one JSON object, row
//! values typed. Checked against what the recording workload
//! (scripts/testdata/sql) inserted.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

fn dump(rel: &str) -> Vec<Value> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let dir = tempfile::tempdir().unwrap();
    let path = root.join(rel);
    let file = if path.exists() {
        path
    } else {
        let mut b = Vec::new();
        flate2::read::GzDecoder::new(
            std::fs::File::open(format!("{}.gz", path.display())).unwrap(),
        )
        .read_to_end(&mut b)
        .unwrap();
        let p = dir.path().join("binlog");
        std::fs::write(&p, b).unwrap();
        p
    };
    let out = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .args(["binlog", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

fn first_write(events: &[Value], table: &str) -> Value {
    events
        .iter()
        .find(|e| e["event"]["kind"] == "write" && e["event"]["table"] == table)
        .unwrap_or_else(|| panic!("no write to {table}"))["event"]["rows"]
        .clone()
}

#[test]
fn every_event_is_one_object() {
    let events = dump("mysql97/row_gtid/binlog.000001");
    assert_eq!(events[0]["type"], "FORMAT_DESCRIPTION_EVENT");
    assert_eq!(events.last().unwrap()["type"], "ROTATE_EVENT");
    // Offsets chain: each event ends where the next begins.
    for w in events.windows(2) {
        assert_eq!(w[0]["end"], w[1]["offset"]);
    }
}

#[test]
fn integers_are_typed_with_their_signedness() {
    let rows = first_write(&dump("mysql97/row_gtid/binlog.000001"), "ints");
    // types.sql: the extremes of every integer type, signed and unsigned.
    assert_eq!(
        rows[0]["after"],
        json!({"@1": 1, "@2": -128, "@3": 255, "@4": -32768, "@5": 65535, "@6": -8388608, "@7": 16777215,
               "@8": -2147483648i64, "@9": 4294967295u64, "@10": i64::MIN, "@11": u64::MAX, "@12": 1})
    );
    assert!(rows[3]["after"]["@2"].is_null());
}

#[test]
fn full_metadata_names_columns() {
    let events = dump("mysql97/noblob_full_metadata/binlog.000001");
    let rows = first_write(&events, "temporal");
    let r = &rows[0]["after"];
    assert_eq!(r["d"], "2024-02-29");
    assert_eq!(r["t3"], "-12:34:56.789");
    assert_eq!(r["dt6"], "2001-02-03 04:05:06.123456");
    assert_eq!(r["ts3"], "2000-01-01T00:00:00.001Z");
    assert_eq!(r["y"], 2024);
    let docs = first_write(&events, "docs");
    assert_eq!(docs[0]["after"]["j"]["tags"], json!(["a", "b"]));
    assert_eq!(
        docs[0]["after"]["j"]["nested"],
        json!({"x": 1.5, "y": null, "z": true})
    );
    assert_eq!(
        docs[0]["after"]["v"],
        json!([1.0, 2.5, -3.0, 1e-10f32 as f64])
    );
}

#[test]
fn decimals_and_binary_strings() {
    let events = dump("mysql97/row_gtid/binlog.000001");
    let nums = first_write(&events, "nums");
    assert_eq!(nums[1]["after"]["@6"], "-999.99");
    assert_eq!(
        nums[1]["after"]["@7"],
        "-12345678901234567890123456789012345.123456789012345678901234567890"
    );
    let strs = first_write(&events, "strs");
    assert_eq!(strs[0]["after"]["@6"], json!({"hex": "00ff7f80"}));
    assert_eq!(strs[1]["after"]["@2"], "quote's");
}

#[test]
fn mariadb_files_too() {
    // MariaDB logs signedness and names only with binlog_row_metadata=FULL.
    let events = dump("mariadb1011/full_metadata/mariadb-bin.000001");
    assert!(events.iter().any(|e| e["type"] == "GTID_EVENT"));
    let rows = first_write(&events, "ints");
    assert_eq!(rows[0]["after"]["tu"], 255);
    assert_eq!(rows[0]["after"]["bu"], u64::MAX);
    let rows = first_write(&dump("mariadb1011/row/mariadb-bin.000001"), "ints");
    assert_eq!(rows[0]["after"]["@2"], -128);
}
