//! `understudy run` against real primaries: MySQL 9.7 (GTIDs, default
//! caching_sha2_password account, TLS on by default) and MariaDB 10.11
//! (and 11.8 when provisioned). The relay log must hold exactly the
//! primary's binlog events, byte for byte, and the real mysqlbinlog /
//! mariadb-binlog must read it.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use understudy_binlog::header::LOG_EVENT_ARTIFICIAL_F;
use understudy_binlog::relay::parse_index;
use understudy_binlog::stream::each_event;
use understudy_replica::status::{IoStatus, read_status};
use understudy_testbed::{Server, ServerKind, ServerOptions};

const REPLICA_ID: u32 = 77;

struct Replica {
    child: Child,
    dir: PathBuf,
}

impl Replica {
    fn start(dir: &Path, server: &Server, extra: &[&str]) -> Replica {
        let pw = dir.join("pw");
        fs::create_dir_all(dir).unwrap();
        fs::write(&pw, "repl-pw\n").unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_understudy"))
            .arg("run")
            .arg("--data-dir")
            .arg(dir.join("data"))
            .arg("--source")
            .arg(format!("mysql://repl@127.0.0.1:{}", server.port()))
            .arg("--password-file")
            .arg(&pw)
            .arg("--server-id")
            .arg(REPLICA_ID.to_string())
            .args(["--connect-retry", "1"])
            .args(extra)
            .stderr(Stdio::from(fs::File::create(dir.join("stderr")).unwrap()))
            .spawn()
            .expect("starting understudy run");
        Replica {
            child,
            dir: dir.join("data"),
        }
    }

    fn status(&self) -> IoStatus {
        read_status(&self.dir.join("replica-status"))
            .unwrap()
            .unwrap_or_default()
    }

    /// Waits until the replica has read up to the primary's position.
    fn wait_caught_up(&self, server: &Server) -> IoStatus {
        let (file, pos) = primary_position(server);
        let t = Instant::now();
        loop {
            let st = self.status();
            if st.source_log_file == file && st.read_source_log_pos == pos {
                return st;
            }
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "replica did not catch up with {file}:{pos}: {st:#?}\n{}",
                fs::read_to_string(self.dir.parent().unwrap().join("stderr")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn stop(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(20) {
            if let Some(st) = self.child.try_wait().unwrap() {
                assert!(st.success(), "understudy run exited with {st}");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("understudy run did not stop on SIGTERM");
    }

    fn relay_files(&self) -> Vec<PathBuf> {
        let index = fs::read_to_string(self.dir.join("understudy-relay-bin.index")).unwrap();
        parse_index(&index)
            .iter()
            .map(|f| self.dir.join(f))
            .collect()
    }
}

fn primary_position(server: &Server) -> (String, u64) {
    let q = if server.kind().is_mariadb() {
        "SHOW MASTER STATUS"
    } else {
        "SHOW BINARY LOG STATUS"
    };
    let out = server.sql(q).unwrap();
    let mut cols = out.lines().next().unwrap().split('\t');
    let file = cols.next().unwrap().to_owned();
    let pos = cols.next().unwrap().parse().unwrap();
    (file, pos)
}

/// Every event of the files, raw, with its offset.
fn events(files: &[PathBuf]) -> Vec<(String, Vec<u8>, u32, u16)> {
    let mut out = Vec::new();
    for f in files {
        let mut r = fs::File::open(f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let err = each_event(&mut r, true, |raw, _| {
            out.push((
                format!("{name}@{}", raw.offset),
                raw.raw.to_vec(),
                raw.header.server_id,
                raw.header.flags,
            ));
            ControlFlow::Continue(())
        })
        .unwrap();
        assert!(err.is_none(), "{}: {err:?}", f.display());
    }
    out
}

fn workload(server: &Server, round: u32) {
    let mut sql = format!(
        "CREATE DATABASE IF NOT EXISTS w; CREATE TABLE IF NOT EXISTS w.t{round} (id INT PRIMARY KEY, v VARCHAR(200), j TEXT);"
    );
    for i in 0..40 {
        sql.push_str(&format!(
            "INSERT INTO w.t{round} VALUES ({i}, REPEAT('x', {}), REPEAT('y', {}));",
            i * 3,
            i * 50
        ));
    }
    sql.push_str(&format!(
        "BEGIN; UPDATE w.t{round} SET v = CONCAT(v, 'u') WHERE id < 20; DELETE FROM w.t{round} WHERE id > 30; COMMIT;"
    ));
    server.sql(&sql).unwrap();
}

fn stream_and_compare(kind: ServerKind) {
    let opts = if kind.is_mariadb() {
        ServerOptions::new().binlog_format("ROW")
    } else {
        ServerOptions::new().mysql_gtid_mode()
    };
    let server = Server::start(kind, opts).unwrap();
    server
        .sql(
            "DROP USER IF EXISTS ''@'localhost'; CREATE USER 'repl'@'%' IDENTIFIED BY 'repl-pw'; GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'repl'@'%';",
        )
        .unwrap();
    workload(&server, 1);
    let tmp = tempfile::tempdir().unwrap();
    let mut extra = vec!["--max-relay-log-size", "8192"];
    if !kind.is_mariadb() {
        extra.push("--auto-position=true");
    }
    let replica = Replica::start(tmp.path(), &server, &extra);
    replica.wait_caught_up(&server);
    server.sql("FLUSH BINARY LOGS").unwrap();
    workload(&server, 2);
    let st = replica.wait_caught_up(&server);
    assert_eq!(st.running.as_str(), "Yes");
    assert_eq!(st.state, "Waiting for source to send event");
    assert_eq!(st.last_io_errno, 0, "{}", st.last_io_error);
    if !kind.is_mariadb() {
        let uuid = server.sql("SELECT @@server_uuid").unwrap();
        assert_eq!(st.source_uuid, uuid.trim());
        let executed = server.sql("SELECT @@GLOBAL.gtid_executed").unwrap();
        assert_eq!(st.retrieved_gtid_set, executed.trim().replace('\n', ""));
    }
    let relay = replica.relay_files();
    let dir = replica.dir.clone();
    replica.stop();
    assert!(relay.len() > 2, "max_relay_log_size rotates: {relay:?}");

    // The primary's events, and the relay log's without the replica's own
    // (its format description, Previous_gtids, rotates to the next relay
    // file), the source's artificial rotate and the copies of its format
    // description that start relay files.
    let primary = events(&server.binlog_files().unwrap());
    let received: Vec<_> = events(&relay)
        .into_iter()
        .filter(|(_, _, server_id, flags)| {
            *server_id != REPLICA_ID && flags & LOG_EVENT_ARTIFICIAL_F == 0
        })
        .collect();
    // The primary's open binlog has LOG_EVENT_BINLOG_IN_USE_F in its
    // format description's flags; that bit is the file's state, outside the
    // checksum, and the source sends the event without it.
    let primary: Vec<_> = primary
        .into_iter()
        .map(|(at, mut raw, id, flags)| {
            if raw[4] == 15 {
                raw[17] &= !0x01;
            }
            (at, raw, id, flags)
        })
        .collect();
    let p: Vec<&[u8]> = primary.iter().map(|e| e.1.as_slice()).collect();
    let r: Vec<&[u8]> = received.iter().map(|e| e.1.as_slice()).collect();
    for (i, (a, b)) in p.iter().zip(r.iter()).enumerate() {
        assert_eq!(
            a, b,
            "event {i} differs: primary {} vs relay {}",
            primary[i].0, received[i].0
        );
    }
    assert_eq!(p.len(), r.len(), "event counts differ");

    // The real dumper reads every relay file.
    let out = Command::new(server.reference_dumper())
        .arg("-vv")
        .args(&relay)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("ERROR"), "{stderr}");

    // master.info: MySQL's layout, mode 0600, the password not in it.
    let mi = fs::read_to_string(dir.join("master.info")).unwrap();
    let lines: Vec<&str> = mi.lines().collect();
    assert_eq!(lines[0], "33");
    assert_eq!(lines[3], "127.0.0.1");
    assert_eq!(lines[4], "repl");
    assert_eq!(lines[5], "");
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(dir.join("master.info"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    server.stop().unwrap();
}

#[test]
fn mysql_97_stream_matches_the_primary_binlog() {
    stream_and_compare(ServerKind::Mysql97);
}

#[test]
fn mariadb_1011_stream_matches_the_primary_binlog() {
    stream_and_compare(ServerKind::Mariadb1011);
}
