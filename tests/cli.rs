//! `understudy binlog` as a command: what the README promises beyond the
//! reference tools' output (exit statuses, `-r`, `--dialect`, LOAD DATA
//! files that cannot be written).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::fs;
use std::process::Command;

use support::testdata;

fn understudy(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_understudy"))
        .arg("binlog")
        .args(args)
        .env("TZ", "UTC")
        .output()
        .expect("running understudy")
}

/// A LOAD DATA file that cannot be written loses data a replay needs: the
/// run fails, --force-read or not, and says which file.
#[test]
fn unwritable_load_data_files_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let binlog = dir.path().join("binlog.000001");
    fs::write(&binlog, testdata("mysql97/statement/binlog.000001")).unwrap();
    // A regular file where the directory should be.
    let not_a_dir = dir.path().join("not-a-directory");
    fs::write(&not_a_dir, b"").unwrap();
    let load = format!("--local-load={}", not_a_dir.display());
    for extra in [&[][..], &["--force-read"]] {
        let mut args = vec!["-v", load.as_str()];
        args.extend(extra);
        args.push(binlog.to_str().unwrap());
        let out = understudy(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{extra:?}: exit 0");
        assert!(stderr.contains("SQL_LOAD_MB-"), "{extra:?}: {stderr}");
    }
}

/// `-r FILE` writes what stdout would show; `--dialect` picks the tool
/// whose output is reproduced.
#[test]
fn result_file_and_dialect() {
    let dir = tempfile::tempdir().unwrap();
    let binlog = dir.path().join("binlog.000001");
    fs::write(&binlog, testdata("mysql97/row_gtid/binlog.000001")).unwrap();
    let b = binlog.to_str().unwrap();
    let stdout = understudy(&["-v", b]);
    assert!(stdout.status.success());
    let result = dir.path().join("out.sql");
    let r = format!("--result-file={}", result.display());
    let to_file = understudy(&["-v", r.as_str(), b]);
    assert!(to_file.status.success());
    assert!(to_file.stdout.is_empty());
    assert_eq!(fs::read(&result).unwrap(), stdout.stdout);
    // mariadb-binlog's preamble sets max_delayed_threads; mysqlbinlog's
    // does not.
    let marker = b"SET @@session.max_delayed_threads=0";
    let has = |o: &[u8]| o.windows(marker.len()).any(|w| w == marker);
    assert!(!has(&stdout.stdout));
    assert!(has(&understudy(&["-v", "--dialect=mariadb", b]).stdout));
}
