//! What the tests that run the reference tools share: running a dumper
//! (ours or the reference) on a file, the recorded binlogs, and comparing
//! two outputs.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use understudy_testbed::{ServerKind, Testbed};

pub struct Out {
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub ok: bool,
}

pub fn run(cmd: &mut Command) -> Out {
    let o = cmd.output().expect("running a dumper");
    Out {
        stdout: o.stdout,
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        ok: o.status.success(),
    }
}

pub fn reference(kind: ServerKind, args: &[&str], file: &Path, tz: &str) -> Out {
    let dumper = Testbed::load()
        .expect("test bed")
        .binaries(kind)
        .expect("binaries")
        .dumper;
    let load = tempfile::tempdir().unwrap();
    run(Command::new(dumper)
        .args(args)
        .arg(format!("--local-load={}", load.path().display()))
        .arg(file)
        .env("TZ", tz))
}

pub fn ours(args: &[&str], file: &Path, tz: &str) -> Out {
    let load = tempfile::tempdir().unwrap();
    run(Command::new(env!("CARGO_BIN_EXE_understudy"))
        .arg("binlog")
        .args(args)
        .arg(format!("--local-load={}", load.path().display()))
        .arg(file)
        .env("TZ", tz))
}

/// `'<dir>/SQL_LOAD_MB-<id>-<n>'` → `'<LOCAL_LOAD>/SQL_LOAD_MB-<id>-N'`:
/// both tools name LOAD DATA files after a directory and the first free
/// number there, which depend on the machine, not the binlog. Nothing else
/// is changed (bytes are compared as they are).
pub fn normalize_load_paths(b: &[u8]) -> Vec<u8> {
    const NEEDLE: &[u8] = b"SQL_LOAD_MB-";
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(NEEDLE) {
            // Drop the directory written since the last quote of the line.
            let line_start = out.iter().rposition(|&c| c == b'\n').map_or(0, |n| n + 1);
            if let Some(q) = out[line_start..].iter().rposition(|&c| c == b'\'') {
                out.truncate(line_start + q + 1);
                out.extend_from_slice(b"<LOCAL_LOAD>/");
            }
            out.extend_from_slice(NEEDLE);
            i += NEEDLE.len();
            while i < b.len() && b[i].is_ascii_digit() {
                out.push(b[i]);
                i += 1;
            }
            if i < b.len() && b[i] == b'-' {
                out.extend_from_slice(b"-N");
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// The first differing line of two outputs, for a report.
pub fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let (e, a): (Vec<&[u8]>, Vec<&[u8]>) = (
        expected.split(|&c| c == b'\n').collect(),
        actual.split(|&c| c == b'\n').collect(),
    );
    for (n, (x, y)) in e.iter().zip(a.iter()).enumerate() {
        if x != y {
            return format!(
                "line {}:\n    expected: {}\n    actual:   {}",
                n + 1,
                x.escape_ascii(),
                y.escape_ascii()
            );
        }
    }
    format!(
        "lengths differ: {} expected lines, {} actual",
        e.len(),
        a.len()
    )
}

/// A file's bytes, or its `.gz` sibling's, decompressed.
pub fn read_maybe_gz(path: &Path) -> Option<Vec<u8>> {
    let gunzip = |b: &[u8]| {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(b)
            .read_to_end(&mut out)
            .expect("bad gzip in test data");
        out
    };
    if let Ok(b) = fs::read(path) {
        return Some(if path.extension().is_some_and(|e| e == "gz") {
            gunzip(&b)
        } else {
            b
        });
    }
    fs::read(format!("{}.gz", path.display()))
        .ok()
        .map(|b| gunzip(&b))
}

/// A recorded binlog under testdata/.
pub fn testdata(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel);
    read_maybe_gz(&p).expect("testdata binlog")
}

/// The offset a dumper's error message names.
pub fn error_offset(stderr: &str) -> Option<String> {
    stderr
        .split("at offset ")
        .nth(1)
        .and_then(|s| s.split(':').next())
        .map(str::to_string)
}

/// Event boundaries of a well-formed file.
pub fn events(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 4;
    while pos + 13 <= b.len() {
        let size = u32::from_le_bytes([b[pos + 9], b[pos + 10], b[pos + 11], b[pos + 12]]) as usize;
        out.push((pos, size));
        pos += size;
    }
    out
}

/// Compares one case; returns a description of a mismatch: the outputs
/// must be the same bytes; where the reference fails we fail at the same
/// offset, and where it succeeds so do we.
pub fn compare(
    kind: ServerKind,
    name: &str,
    args: &[&str],
    file: &Path,
    tz: &str,
) -> Option<String> {
    compare_expecting(kind, name, args, file, tz, false)
}

/// `compare`, where `we_fail` says our run must fail even if the
/// reference's does not (a truncated last event: mysqlbinlog exits 0).
pub fn compare_expecting(
    kind: ServerKind,
    name: &str,
    args: &[&str],
    file: &Path,
    tz: &str,
    we_fail: bool,
) -> Option<String> {
    let r = reference(kind, args, file, tz);
    let u = ours(args, file, tz);
    let (e, a) = (
        normalize_load_paths(&r.stdout),
        normalize_load_paths(&u.stdout),
    );
    if e != a {
        return Some(format!(
            "{name}: output differs at {}",
            first_difference(&e, &a)
        ));
    }
    if r.ok && !we_fail {
        return (!u.ok).then(|| {
            format!(
                "{name}: the reference succeeded but understudy failed: {}",
                u.stderr.trim()
            )
        });
    }
    if u.ok {
        return Some(format!(
            "{name}: understudy succeeded; the reference failed ({}) or we must",
            r.stderr.trim()
        ));
    }
    // Wherever the reference fails, we fail too, naming the offset.
    match error_offset(&r.stderr) {
        Some(o) if !u.stderr.contains(&format!("offset {o}")) => Some(format!(
            "{name}: reference fails at offset {o}, understudy says: {}",
            u.stderr.trim()
        )),
        _ => None,
    }
}
