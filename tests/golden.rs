//! Golden test: `understudy binlog` must print exactly what the reference
//! tool printed for the same file and flags.
//!
//! - `testdata/<server>/<config>/<file>.<variant>.{args,out,meta}`, recorded
//!   by `make testdata` from real MySQL 9.7 / MariaDB servers.
//! - `../shared/fixtures/real` (see its MANIFEST.md): real binlogs from
//!   MySQL 5.0 to 9.6 and MariaDB with `mysqlbinlog -v
//!   --base64-output=decode-rows` references. Where the reference tool
//!   failed, its partial output and error offset are the expectation.
//!
//! Both tools write LOAD DATA files to a directory and name them with the
//! first free number (`SQL_LOAD_MB-<file id>-<n>`), so that directory and
//! number depend on the machine, not on the binlog: they are normalized in
//! both outputs, and nothing else is.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use support::{Out, error_offset, first_difference, normalize_load_paths, read_maybe_gz};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn understudy(args: &[String], file: &Path) -> Out {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    support::ours(&args, file, "UTC")
}

#[derive(Default)]
struct Tally {
    identical: usize,
    failures: Vec<String>,
}

impl Tally {
    fn check(&mut self, name: &str, expected: &[u8], run: &Out) {
        let (e, a) = (
            normalize_load_paths(expected),
            normalize_load_paths(&run.stdout),
        );
        if e == a {
            self.identical += 1;
        } else {
            self.failures.push(format!(
                "{name}: {}\n    stderr: {}",
                first_difference(&e, &a),
                run.stderr.trim()
            ));
        }
    }
}

/// A case as testdata/MANIFEST lists it: `<binlog under testdata/> <variant>`.
fn manifest_line(binlog: &Path, variant: &str) -> String {
    let rel = binlog.strip_prefix(workspace().join("testdata")).unwrap();
    format!("{} {variant}", rel.display())
}

/// Every `*.args` under testdata/<server>/<config>.
fn testdata_cases() -> Vec<(PathBuf, String)> {
    let mut cases = Vec::new();
    let root = workspace().join("testdata");
    for server in fs::read_dir(&root).unwrap().flatten() {
        let Ok(configs) = fs::read_dir(server.path()) else {
            continue;
        };
        for config in configs.flatten() {
            let Ok(files) = fs::read_dir(config.path()) else {
                continue;
            };
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                if let Some(stem) = name.strip_suffix(".args")
                    && let Some((binlog, variant)) = stem.rsplit_once('.')
                {
                    cases.push((config.path().join(binlog), variant.to_string()));
                }
            }
        }
    }
    cases.sort();
    cases
}

#[test]
fn testdata_matches_reference_tools() {
    let cases = testdata_cases();
    // The cases found must be the ones recorded: a variant lost (or left
    // over) is a failure, not a smaller pass.
    let listed: Vec<String> = fs::read_to_string(workspace().join("testdata/MANIFEST"))
        .expect("testdata/MANIFEST (written by `make testdata`)")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let mut found: Vec<String> = cases.iter().map(|(b, v)| manifest_line(b, v)).collect();
    found.sort();
    assert_eq!(found, listed, "testdata/ and testdata/MANIFEST disagree");
    let scratch = tempfile::tempdir().unwrap();
    let mut tally = Tally::default();
    for (binlog, variant) in &cases {
        let name = format!(
            "{}.{variant}",
            binlog.strip_prefix(workspace()).unwrap().display()
        );
        let base = binlog.display().to_string();
        let args: Vec<String> = fs::read_to_string(format!("{base}.{variant}.args"))
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let meta = fs::read_to_string(format!("{base}.{variant}.meta")).unwrap();
        let expected = read_maybe_gz(Path::new(&format!("{base}.{variant}.out"))).unwrap();
        let file = if binlog.exists() {
            binlog.clone()
        } else {
            let tmp = scratch.path().join(name.replace('/', "_"));
            fs::write(&tmp, read_maybe_gz(binlog).expect("binlog missing")).unwrap();
            tmp
        };
        let run = understudy(&args, &file);
        if meta.starts_with("rc=0") && !run.ok {
            tally.failures.push(format!(
                "{name}: understudy failed where the reference did not: {}",
                run.stderr
            ));
            continue;
        }
        tally.check(&name, &expected, &run);
    }
    println!(
        "testdata: {} identical, {} differ",
        tally.identical,
        tally.failures.len()
    );
    assert!(
        tally.failures.is_empty(),
        "{} golden file(s) differ:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
}

fn fixtures_root() -> PathBuf {
    std::env::var_os("UNDERSTUDY_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/fixtures/real"))
}

/// (binlog, reference kind, reference path)
fn fixture_cases(root: &Path) -> Vec<(PathBuf, &'static str, PathBuf)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.display().to_string().ends_with(".txt")
                && !p.display().to_string().ends_with(".txt.gz")
                && !p.display().to_string().ends_with(".md")
                && !p.display().to_string().ends_with(".result")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut cases = Vec::new();
    for f in files {
        let s = f.display().to_string();
        let full = ["mysqlbinlog97.txt", "mariadb-binlog1011.txt"]
            .iter()
            .flat_map(|k| [format!("{s}.{k}"), format!("{s}.{k}.gz")])
            .find(|p| Path::new(p).exists());
        if let Some(r) = full {
            cases.push((f, "full", PathBuf::from(r)));
        } else if Path::new(&format!("{s}.mysqlbinlog97.partial.txt")).exists() {
            cases.push((
                f,
                "partial",
                PathBuf::from(format!("{s}.mysqlbinlog97.partial.txt")),
            ));
        } else {
            // A binlog the test would not look at: say so, loudly.
            cases.push((f, "no reference", PathBuf::new()));
        }
    }
    cases
}

#[test]
fn fixtures_match_reference_tools() {
    let root = fixtures_root();
    if !root.join("MANIFEST.md").exists() {
        // Written past the test harness's capture, so that it shows.
        let _ = writeln!(
            std::io::stderr(),
            "fixtures: {} NOT FOUND; only testdata/ is compared (set UNDERSTUDY_FIXTURES)",
            root.display()
        );
        return;
    }
    let decoded: Vec<String> = fs::read_to_string(
        workspace().join("testdata/fixtures/decoded-where-reference-tools-fail.txt"),
    )
    .unwrap()
    .lines()
    .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    .map(str::to_string)
    .collect();
    let scratch = tempfile::tempdir().unwrap();
    let mut tally = Tally::default();
    let mut semantic = 0;
    let args: Vec<String> = vec!["-v".into(), "--base64-output=decode-rows".into()];
    for (binlog, kind, reference) in fixture_cases(&root) {
        let name = binlog.strip_prefix(&root).unwrap().display().to_string();
        let file = if name.ends_with(".gz") {
            let tmp = scratch
                .path()
                .join(name.replace('/', "_").trim_end_matches(".gz"));
            fs::write(&tmp, read_maybe_gz(&binlog).unwrap()).unwrap();
            tmp
        } else {
            binlog.clone()
        };
        if kind == "no reference" {
            tally
                .failures
                .push(format!("{name}: no reference output next to it"));
            continue;
        }
        let expected = read_maybe_gz(&reference).unwrap();
        let run = understudy(&args, &file);
        if kind == "full" {
            tally.check(&name, &expected, &run);
            continue;
        }
        // Both reference tools failed on this file.
        if decoded.contains(&name) {
            assert!(run.ok, "{name} must decode: {}", run.stderr);
            semantic += 1;
            continue;
        }
        // A damaged file: the same output up to the same bad event, and a
        // non-zero exit naming that offset.
        let err =
            fs::read_to_string(format!("{}.mysqlbinlog97.err.txt", binlog.display())).unwrap();
        let offset = error_offset(&err).expect("reference error names an offset");
        if run.ok || !run.stderr.contains(&format!("offset {offset}")) {
            tally.failures.push(format!(
                "{name}: expected an error at offset {offset}, got: {}",
                run.stderr.trim()
            ));
            continue;
        }
        tally.check(&name, &expected, &run);
    }
    println!(
        "fixtures: {} identical, {} differ, {} decoded where the reference tools fail (checked in tests/old_versions.rs)",
        tally.identical,
        tally.failures.len(),
        semantic
    );
    assert_eq!(
        semantic,
        decoded.len(),
        "every file listed as decoded where the references fail was found"
    );
    assert!(
        tally.failures.is_empty(),
        "{} fixture(s) differ:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
}

#[test]
fn load_path_normalization() {
    let a = normalize_load_paths(b"LOAD DATA LOCAL INFILE '/tmp/x/SQL_LOAD_MB-2-3' INTO TABLE t");
    let b = normalize_load_paths(b"LOAD DATA LOCAL INFILE '/var/y/SQL_LOAD_MB-2-0' INTO TABLE t");
    assert_eq!(a, b);
    assert_eq!(
        a,
        b"LOAD DATA LOCAL INFILE '<LOCAL_LOAD>/SQL_LOAD_MB-2-N' INTO TABLE t".to_vec()
    );
    let c = normalize_load_paths(b"LOAD DATA LOCAL INFILE '/tmp/x/SQL_LOAD_MB-3-0' INTO TABLE t");
    assert_ne!(a, c, "file ids must still be compared");
}
