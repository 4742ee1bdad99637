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

/// Strips the directory and counter of LOAD DATA file names (they depend
/// on the directory, not on the binlog).
pub fn normalized(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    let mut out = String::new();
    for line in s.split_inclusive('\n') {
        match line.find("SQL_LOAD_MB-") {
            Some(i) => {
                let start = line[..i].rfind('\'').map_or(i, |q| q + 1);
                let rest = &line[i + "SQL_LOAD_MB-".len()..];
                let id: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let after = rest[id.len()..]
                    .trim_start_matches('-')
                    .trim_start_matches(|c: char| c.is_ascii_digit());
                out.push_str(&format!("{}<LOAD>/{id}{after}", &line[..start]));
            }
            None => out.push_str(line),
        }
    }
    out
}

pub fn testdata(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel);
    if let Ok(b) = fs::read(&p) {
        return b;
    }
    let gz = fs::read(format!("{}.gz", p.display())).expect("testdata binlog");
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut out)
        .unwrap();
    out
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

/// Compares one case; returns a description of a mismatch.
pub fn compare(
    kind: ServerKind,
    name: &str,
    args: &[&str],
    file: &Path,
    tz: &str,
) -> Option<String> {
    let r = reference(kind, args, file, tz);
    let u = ours(args, file, tz);
    if normalized(&r.stdout) != normalized(&u.stdout) {
        let (rl, ul): (Vec<String>, Vec<String>) = (
            normalized(&r.stdout).lines().map(str::to_string).collect(),
            normalized(&u.stdout).lines().map(str::to_string).collect(),
        );
        let n = rl
            .iter()
            .zip(&ul)
            .position(|(a, b)| a != b)
            .unwrap_or(rl.len().min(ul.len()));
        return Some(format!(
            "{name}: output differs at line {}: reference {:?}, understudy {:?}",
            n + 1,
            rl.get(n),
            ul.get(n)
        ));
    }
    if !r.ok {
        // Wherever the reference fails, we fail too, naming the offset.
        let offset = r
            .stderr
            .split("at offset ")
            .nth(1)
            .and_then(|s| s.split(':').next())
            .map(str::to_string);
        if u.ok {
            return Some(format!(
                "{name}: the reference failed ({}) but understudy succeeded",
                r.stderr.trim()
            ));
        }
        if let Some(o) = offset
            && !u.stderr.contains(&format!("offset {o}"))
        {
            return Some(format!(
                "{name}: reference fails at offset {o}, understudy says: {}",
                u.stderr.trim()
            ));
        }
    }
    None
}
