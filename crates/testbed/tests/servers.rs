//! Starts every provisioned server kind for real: binlogs appear, parallel
//! servers are distinct, and stopping or dropping a server frees its port
//! and removes its directory.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::net::{Ipv4Addr, TcpStream};
use std::thread;
use std::time::Instant;

use understudy_testbed::{Server, ServerKind, ServerOptions, TestbedError};

/// Starts a server and reports how long that took.
fn start(kind: ServerKind, opts: ServerOptions) -> Server {
    let began = Instant::now();
    let server = Server::start(kind, opts).unwrap();
    eprintln!(
        "{kind} started on port {} (pid {}) in {:.2} s",
        server.port(),
        server.pid(),
        began.elapsed().as_secs_f64()
    );
    server
}

fn refuses_connections(port: u16) -> bool {
    TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err()
}

fn writes_a_binlog(kind: ServerKind) {
    let server = start(kind, ServerOptions::new().binlog_format("ROW"));
    server
        .sql("CREATE DATABASE tb; CREATE TABLE tb.t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO tb.t VALUES (1, 'one');")
        .unwrap();
    assert_eq!(server.sql("SELECT id, v FROM tb.t").unwrap(), "1\tone\n");

    let files = server.binlog_files().unwrap();
    assert!(!files.is_empty(), "{kind}: no binlog files");
    for file in &files {
        assert!(file.is_absolute(), "{}", file.display());
        let bytes = std::fs::read(file).unwrap();
        assert!(
            bytes.starts_with(b"\xfebin"),
            "{}: no magic",
            file.display()
        );
    }
    assert!(server.reference_dumper().exists());
    assert!(server.client_path().exists());

    // A failing statement is an error that carries the client's stderr.
    let err = server.sql("SELEC 1").unwrap_err();
    assert!(matches!(err, TestbedError::Sql { .. }), "{err}");
    assert!(err.to_string().contains("syntax"), "{err}");

    // Scripts run from a file too.
    let mut script = tempfile::NamedTempFile::new().unwrap();
    writeln!(script, "INSERT INTO tb.t VALUES (2, 'two');").unwrap();
    writeln!(script, "SELECT COUNT(*) FROM tb.t;").unwrap();
    assert_eq!(server.sql_file(script.path()).unwrap(), "2\n");

    let began = Instant::now();
    server.stop().unwrap();
    eprintln!("{kind} stopped in {:.2} s", began.elapsed().as_secs_f64());
}

#[test]
fn every_available_kind_writes_a_binlog() {
    let kinds = ServerKind::all_available().unwrap();
    assert!(kinds.contains(&ServerKind::Mysql97));
    assert!(kinds.contains(&ServerKind::Mariadb1011));
    thread::scope(|scope| {
        for kind in kinds {
            scope.spawn(move || writes_a_binlog(kind));
        }
    });
}

#[test]
fn concurrent_servers_are_distinct() {
    let opts = |id| ServerOptions::new().server_id(id).mysql_gtid_mode();
    let (a, b) = thread::scope(|scope| {
        let a = scope.spawn(|| start(ServerKind::Mysql97, opts(1)));
        let b = scope.spawn(|| start(ServerKind::Mysql97, opts(2)));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_ne!(a.port(), b.port());
    assert_ne!(a.data_dir(), b.data_dir());
    let uuid_a = a.sql("SELECT @@server_uuid").unwrap();
    let uuid_b = b.sql("SELECT @@server_uuid").unwrap();
    assert_eq!(uuid_a.trim().len(), 36, "{uuid_a}");
    assert_ne!(uuid_a, uuid_b);
    assert_eq!(a.sql("SELECT @@server_id, @@gtid_mode").unwrap(), "1\tON\n");
    assert_eq!(b.sql("SELECT @@server_id").unwrap(), "2\n");

    // A graceful stop frees the port and removes the directory.
    let (port, dir) = (a.port(), a.dir().to_path_buf());
    a.stop().unwrap();
    assert!(refuses_connections(port));
    assert!(!dir.exists(), "{} survived stop", dir.display());
    drop(b);
}

#[test]
fn dropping_a_server_frees_its_port_and_directory() {
    let server = start(ServerKind::Mariadb1011, ServerOptions::new());
    let (port, dir) = (server.port(), server.dir().to_path_buf());
    assert!(!refuses_connections(port));
    assert!(server.data_dir().starts_with(&dir));
    drop(server);
    assert!(refuses_connections(port), "port {port} still open");
    assert!(!dir.exists(), "{} survived drop", dir.display());
}

#[test]
fn bad_server_options_fail_with_the_error_log() {
    let opts = ServerOptions::new().arg("--no-such-option-for-understudy");
    let err = Server::start(ServerKind::Mariadb1011, opts).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, TestbedError::Exited { .. }), "{text}");
    assert!(text.contains("no-such-option-for-understudy"), "{text}");
}
