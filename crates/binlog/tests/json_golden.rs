//! Golden tests for binary JSON against MySQL 9.7.4. The cases live in
//! `testdata/json/*.golden` (written by `testdata/json/regenerate.py`):
//! blocks of `key: value` lines separated by blank lines.
//!
//! * values.golden: `bin` is a JSON column value from a WRITE_ROWS event,
//!   `cast` what `SELECT CAST(j AS CHAR)` returned and `row` what
//!   `mysqlbinlog -v` printed after `@1=`.
//! * diffs.golden: `bin` is a partial-update diff list and the `row` lines
//!   are what `mysqlbinlog -v` printed after `@2=`, one line each.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use understudy_binlog::value::json::{
    encode_json, parse_json, parse_json_diffs, render_json, render_json_diffs, render_json_row,
};

fn golden(name: &str) -> Vec<Vec<(String, String)>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/json")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut blocks = vec![];
    let mut block = vec![];
    for line in text.lines().chain([""]) {
        if line.starts_with('#') {
            continue;
        }
        if line.is_empty() {
            if !block.is_empty() {
                blocks.push(std::mem::take(&mut block));
            }
            continue;
        }
        let (k, v) = line
            .split_once(": ")
            .unwrap_or((line.trim_end_matches(':'), ""));
        block.push((k.to_string(), v.to_string()));
    }
    blocks
}

fn field<'a>(block: &'a [(String, String)], key: &str) -> &'a str {
    block
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {key} in {block:?}"))
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn json_values_match_mysql() {
    let blocks = golden("values.golden");
    assert!(blocks.len() >= 50, "only {} cases", blocks.len());
    for b in &blocks {
        let sql = field(b, "sql");
        let bytes = hex(field(b, "bin"));
        let v = parse_json(&bytes).unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert_eq!(render_json(&v), field(b, "cast"), "CAST text of {sql}");
        assert_eq!(
            render_json_row(&v),
            field(b, "row"),
            "mysqlbinlog text of {sql}"
        );
        assert!(
            encode_json(&v).unwrap() == bytes,
            "{sql}: re-encoding differs from the server's bytes"
        );
    }
}

#[test]
fn json_diffs_match_mysqlbinlog() {
    let blocks = golden("diffs.golden");
    assert!(blocks.len() >= 30, "only {} cases", blocks.len());
    for b in &blocks {
        let sql = field(b, "sql");
        let bytes = hex(field(b, "bin"));
        let diffs = parse_json_diffs(&bytes).unwrap_or_else(|e| panic!("{sql}: {e}"));
        let want: Vec<&str> = b
            .iter()
            .filter(|(k, _)| k == "row")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(render_json_diffs(&diffs, "@2"), want.join("\n"), "{sql}");
    }
}
