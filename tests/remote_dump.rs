//! `understudy binlog --read-from-remote-server` against real MySQL 9.7
//! and MariaDB 10.11, next to the real mysqlbinlog / mariadb-binlog doing
//! the same: raw files byte for byte, text output line for line, and
//! `--stop-never` following the server across a killed connection.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use replica_harness::{REPL_PASSWORD, primary, workload};
use understudy_testbed::{Server, ServerKind};

fn binlog_names(server: &Server) -> Vec<String> {
    server
        .sql("SHOW BINARY LOGS")
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .collect()
}

/// The server's binlog files as a replica receives them: the open one's
/// format description without LOG_EVENT_BINLOG_IN_USE_F.
fn served_bytes(server: &Server) -> Vec<(String, Vec<u8>)> {
    server
        .binlog_files()
        .unwrap()
        .iter()
        .map(|p| {
            let mut b = fs::read(p).unwrap();
            b[4 + 17] &= !0x01;
            (p.file_name().unwrap().to_string_lossy().into_owned(), b)
        })
        .collect()
}

fn dir_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn ours(server: &Server, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_understudy"));
    c.args(["binlog", "--read-from-remote-server", "--host", "127.0.0.1"])
        .arg("--port")
        .arg(server.port().to_string())
        .args(["--user", "repl", "--password", REPL_PASSWORD])
        .args(args);
    c
}

fn reference(server: &Server, args: &[&str]) -> Command {
    let mut c = Command::new(server.reference_dumper());
    c.args(["--read-from-remote-server", "-h127.0.0.1"])
        .arg(format!("-P{}", server.port()))
        .arg("-urepl")
        .arg(format!("-p{REPL_PASSWORD}"))
        .args(args);
    c
}

fn ok(mut c: Command) -> Vec<u8> {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{c:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn raw_and_text_match_the_reference(kind: ServerKind) {
    let server = primary(kind);
    workload(&server, 1);
    server.sql("FLUSH BINARY LOGS").unwrap();
    workload(&server, 2);
    server.sql("FLUSH BINARY LOGS").unwrap();
    workload(&server, 3);
    let names = binlog_names(&server);
    assert!(names.len() >= 3, "{names:?}");
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("reference"), tmp.path().join("ours"));
    fs::create_dir_all(&a).unwrap();
    fs::create_dir_all(&b).unwrap();

    // --raw --to-last-log: every binlog, as the server holds it.
    let prefix = |d: &PathBuf| format!("{}/", d.display());
    ok(reference(
        &server,
        &[
            "--raw",
            "--to-last-log",
            &format!("--result-file={}", prefix(&a)),
            &names[0],
        ],
    ));
    ok(ours(
        &server,
        &[
            "--raw",
            "--to-last-log",
            "--result-file",
            &prefix(&b),
            &names[0],
        ],
    ));
    let (want, got) = (dir_files(&a), dir_files(&b));
    let names_of = |v: &[(String, Vec<u8>)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names_of(&got), names_of(&want));
    for ((n, w), (_, g)) in want.iter().zip(&got) {
        assert!(
            w == g,
            "{n}: {} bytes from the reference, {} from us",
            w.len(),
            g.len()
        );
    }
    assert_eq!(names_of(&got), names_of(&served_bytes(&server)));
    assert!(
        got == served_bytes(&server),
        "the raw files are the server's binlogs"
    );

    // Without --to-last-log only the named binlog; as text, the reference
    // tool's text.
    let c = tempfile::tempdir().unwrap();
    ok(ours(
        &server,
        &[
            "--raw",
            "--result-file",
            &prefix(&c.path().to_path_buf()),
            &names[1],
        ],
    ));
    assert_eq!(names_of(&dir_files(c.path())), vec![names[1].clone()]);
    let want = ok(reference(&server, &["-vv", &names[1]]));
    let got = ok(ours(&server, &["-vv", &names[1]]));
    assert!(!want.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&want)
    );
    server.stop().unwrap();
}

#[test]
fn mysql_97_remote_raw_and_text_match_mysqlbinlog() {
    raw_and_text_match_the_reference(ServerKind::Mysql97);
}

#[test]
fn mariadb_1011_remote_raw_and_text_match_mariadb_binlog() {
    raw_and_text_match_the_reference(ServerKind::Mariadb1011);
}

/// `--raw --stop-never` follows the server: new events, a new binlog, and a
/// killed connection (it reconnects and resumes where its file ends); the
/// files equal the server's binlogs; SIGTERM ends it cleanly.
#[test]
fn mysql_97_stop_never_follows_and_resumes() {
    let server = primary(ServerKind::Mysql97);
    workload(&server, 1);
    let first = binlog_names(&server).remove(0);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("backup");
    fs::create_dir_all(&out).unwrap();
    let mut child = ours(
        &server,
        &[
            "--raw",
            "--stop-never",
            "--result-file",
            &format!("{}/", out.display()),
            &first,
        ],
    )
    .stderr(Stdio::from(
        fs::File::create(tmp.path().join("stderr")).unwrap(),
    ))
    .spawn()
    .unwrap();
    let stderr = || fs::read_to_string(tmp.path().join("stderr")).unwrap_or_default();
    let wait_equal = || {
        let t = Instant::now();
        while dir_files(&out) != served_bytes(&server) {
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "the backup does not follow the server: {:?}\n{}",
                dir_files(&out)
                    .iter()
                    .map(|f| (&f.0, f.1.len()))
                    .collect::<Vec<_>>(),
                stderr()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait_equal();
    workload(&server, 2);
    wait_equal();
    let id = server
        .sql("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")
        .unwrap();
    server.sql(&format!("KILL {}", id.trim())).unwrap();
    workload(&server, 3);
    server.sql("FLUSH BINARY LOGS").unwrap();
    workload(&server, 4);
    wait_equal();
    assert!(stderr().contains("reconnecting"), "{}", stderr());
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(t.elapsed() < Duration::from_secs(20), "no exit on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}\n{}", stderr());
    server.stop().unwrap();
}
