//! The reference tools run at test time, on inputs made here:
//! - damaged files (truncated anywhere, an unknown event type, a bad
//!   checksum, a bad event size, a bad magic) cut from the recorded
//!   binlogs: the same output up to the damage, and a failure that names
//!   the offset wherever the reference tool fails;
//! - other time zones than UTC (mysqlbinlog prints local time);
//! - binlogs written just now by each provisioned server.
//!
//! Needs the test bed (`make testbed`); without it the tests fail and say so.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use understudy_testbed::{Server, ServerKind, ServerOptions, Testbed};

struct Out {
    stdout: Vec<u8>,
    stderr: String,
    ok: bool,
}

fn run(cmd: &mut Command) -> Out {
    let o = cmd.output().expect("running a dumper");
    Out {
        stdout: o.stdout,
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        ok: o.status.success(),
    }
}

fn reference(kind: ServerKind, args: &[&str], file: &Path, tz: &str) -> Out {
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

fn ours(args: &[&str], file: &Path, tz: &str) -> Out {
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
fn normalized(b: &[u8]) -> String {
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

fn testdata(rel: &str) -> Vec<u8> {
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
fn events(b: &[u8]) -> Vec<(usize, usize)> {
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
fn compare(kind: ServerKind, name: &str, args: &[&str], file: &Path, tz: &str) -> Option<String> {
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

#[test]
fn damaged_files_fail_like_the_reference_tools() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (kind, rel) in [
        (ServerKind::Mysql97, "mysql97/statement/binlog.000001"),
        (ServerKind::Mysql97, "mysql97/row_gtid/binlog.000001"),
        (
            ServerKind::Mariadb1011,
            "mariadb1011/row/mariadb-bin.000001",
        ),
    ] {
        let good = testdata(rel);
        let evs = events(&good);
        let mut variants: Vec<(String, Vec<u8>, Vec<&str>)> = Vec::new();
        // Truncations: inside a header, inside a body, at a boundary.
        for &(pos, size) in [evs[2], evs[evs.len() / 2], evs[evs.len() - 2]].iter() {
            for cut in [pos, pos + 5, pos + 12, pos + 19, pos + size / 2] {
                variants.push((
                    format!("truncated at {cut}"),
                    good[..cut].to_vec(),
                    vec!["-v"],
                ));
            }
        }
        // An unknown event type.
        let (pos, _) = evs[evs.len() / 3];
        let mut b = good.clone();
        b[pos + 4] = 99;
        variants.push(("unknown type".into(), b.clone(), vec!["-v"]));
        // A damaged checksum, verified.
        let (pos, size) = evs[evs.len() / 2];
        let mut b = good.clone();
        b[pos + size - 1] ^= 0xff;
        variants.push((
            "bad checksum".into(),
            b,
            vec!["-v", "--verify-binlog-checksum"],
        ));
        // An event size running past the end of the file.
        let (pos, _) = evs[evs.len() / 4];
        let mut b = good.clone();
        b[pos + 9..pos + 13].copy_from_slice(&0x00ff_ffffu32.to_le_bytes());
        variants.push(("bad event size".into(), b, vec!["-v"]));
        // Not a binlog (nothing says which tool's output to expect: the
        // MySQL dialect is the default).
        if kind == ServerKind::Mysql97 {
            let mut b = good.clone();
            b[0] = b'x';
            variants.push(("bad magic".into(), b, vec!["-v"]));
        }
        for (what, bytes, args) in variants {
            let path = dir.path().join("damaged.bin");
            fs::write(&path, &bytes).unwrap();
            cases += 1;
            if let Some(f) = compare(kind, &format!("{rel} {what}"), &args, &path, "UTC") {
                failures.push(f);
            }
        }
    }
    println!("damaged files: {} cases, {} differ", cases, failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn local_time_zones_like_mysqlbinlog() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (kind, rel) in [
        (ServerKind::Mysql97, "mysql97/statement/binlog.000001"),
        (ServerKind::Mysql97, "mysql97/row_gtid/binlog.000001"),
        (
            ServerKind::Mariadb1011,
            "mariadb1011/statement/mariadb-bin.000001",
        ),
    ] {
        let path = dir.path().join(rel.replace('/', "_"));
        fs::write(&path, testdata(rel)).unwrap();
        for tz in ["Asia/Tokyo", "America/New_York", "Europe/Paris"] {
            for args in [
                vec!["-v"],
                vec![
                    "-v",
                    "--start-datetime=2030-03-18 02:48:40",
                    "--stop-datetime=2030-03-18 02:50:20",
                ],
                vec![
                    "-v",
                    "--start-datetime=2030-03-17 12:49:00",
                    "--stop-datetime=2030-03-17 19:51:00",
                ],
            ] {
                if let Some(f) = compare(kind, &format!("{rel} TZ={tz} {args:?}"), &args, &path, tz)
                {
                    failures.push(f);
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn freshly_written_binlogs_match() {
    let sql = "SET sql_mode='';
        CREATE DATABASE fresh; USE fresh;
        CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, s VARCHAR(20), d DECIMAL(8,3), t DATETIME(6), b BLOB, n DOUBLE);
        INSERT INTO t (s, d, t, b, n) VALUES ('a', 1.5, '2024-01-02 03:04:05.5', 'x', 1e100), (NULL, -2.25, NOW(6), NULL, -0.5);
        BEGIN; UPDATE t SET s = CONCAT(IFNULL(s, ''), '!'); DELETE FROM t WHERE id = 1; COMMIT;
        SET @v = 'uv'; INSERT INTO t (s) VALUES (@v);
        ALTER TABLE t ADD COLUMN e ENUM('x', 'y') DEFAULT 'y';
        INSERT INTO t (s, e) VALUES ('e', 'x');
        FLUSH BINARY LOGS;";
    let mut failures = Vec::new();
    for kind in ServerKind::all_available().expect("test bed") {
        for format in ["ROW", "STATEMENT", "MIXED"] {
            let server =
                Server::start(kind, ServerOptions::new().binlog_format(format)).expect("server");
            server.sql(sql).expect("workload");
            let files = server.binlog_files().unwrap();
            let ref_kind = if kind.is_mariadb() {
                ServerKind::Mariadb1011
            } else {
                ServerKind::Mysql97
            };
            for f in &files[..files.len() - 1] {
                for args in [
                    vec!["-v", "--base64-output=decode-rows"],
                    vec!["-vv"],
                    vec!["--hexdump"],
                ] {
                    if let Some(d) = compare(
                        ref_kind,
                        &format!("{kind} {format} {args:?}"),
                        &args,
                        f,
                        "UTC",
                    ) {
                        failures.push(d);
                    }
                }
            }
            server.stop().unwrap();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
