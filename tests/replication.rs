//! `understudy run` against real primaries: MySQL 9.7 (GTIDs, default
//! caching_sha2_password account, TLS on by default) and MariaDB 10.11
//! (and 11.8 when provisioned). The relay log must hold exactly the
//! primary's binlog events, byte for byte, and the real mysqlbinlog /
//! mariadb-binlog must read it.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use std::fs;
use std::os::unix::fs::PermissionsExt;

use replica_harness::{
    REPLICA_ID, Replica, assert_same_events, events, primary, reference_dumper_reads, workload,
};
use understudy_binlog::event_type as et;
use understudy_binlog::header::LOG_EVENT_ARTIFICIAL_F;
use understudy_testbed::ServerKind;

/// Streams a workload with a FLUSH BINARY LOGS in it into relay files of
/// 8 KiB, and compares every event. `auto_position` is MySQL GTID
/// auto-positioning or MariaDB's `@slave_connect_state`.
fn stream_and_compare(kind: ServerKind, auto_position: bool) {
    let server = primary(kind);
    workload(&server, 1);
    let tmp = tempfile::tempdir().unwrap();
    // The applier runs too; the relay files it applied stay to be read.
    let mut extra = vec!["--max-relay-log-size", "8192", "--relay-log-purge", "false"];
    if auto_position {
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
    } else if auto_position {
        let pos = server.sql("SELECT @@GLOBAL.gtid_binlog_pos").unwrap();
        assert_eq!(st.retrieved_gtid_set, pos.trim());
    }
    let relay = replica.relay_files();
    let dir = replica.dir.clone();
    replica.stop();
    assert!(relay.len() > 2, "max_relay_log_size rotates: {relay:?}");

    // The primary's events, and the relay log's without the replica's own
    // (its format description, Previous_gtids, rotates to the next relay
    // file, the server-id-0 rotates saying where a relay file begins in the
    // source binlog), the source's artificial rotate and the copies of its
    // format description that start relay files.
    let received: Vec<_> = events(&relay)
        .into_iter()
        .filter(|e| {
            e.server_id != REPLICA_ID
                && !(e.server_id == 0 && e.type_code == et::ROTATE_EVENT)
                && e.flags & LOG_EVENT_ARTIFICIAL_F == 0
        })
        .collect();
    let markers = events(&relay)
        .iter()
        .filter(|e| e.server_id == 0 && e.type_code == et::ROTATE_EVENT)
        .count();
    assert!(
        markers > 0,
        "relay files begun inside a source binlog say where"
    );
    // The primary's open binlog has LOG_EVENT_BINLOG_IN_USE_F in its
    // format description's flags; that bit is the file's state, outside the
    // checksum, and the source sends the event without it.
    let mut primary = events(&server.binlog_files().unwrap());
    for e in &mut primary {
        if e.raw[4] == 15 {
            e.raw[17] &= !0x01;
        }
    }
    if kind.is_mariadb() && auto_position {
        // A GTID-positioned dump starts at the first binlog's Gtid_list:
        // the source sends an artificial one with the state asked for in
        // its place (filtered out above with the other artificial events).
        let at = primary
            .iter()
            .position(|e| e.type_code == et::GTID_LIST_EVENT)
            .unwrap();
        assert!(primary[at].at.ends_with("000001@256"), "{}", primary[at].at);
        primary.remove(at);
    }
    assert_same_events(&primary, &received);
    reference_dumper_reads(&server, &relay);

    // master.info: MySQL's layout, mode 0600, the password not in it.
    let mi = fs::read_to_string(dir.join("master.info")).unwrap();
    let lines: Vec<&str> = mi.lines().collect();
    assert_eq!(lines[0], "33");
    assert_eq!(lines[3], "127.0.0.1");
    assert_eq!(lines[4], "repl");
    assert_eq!(lines[5], "");
    let mode = fs::metadata(dir.join("master.info"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    server.stop().unwrap();
}

#[test]
fn mysql_97_stream_matches_the_primary_binlog() {
    stream_and_compare(ServerKind::Mysql97, true);
}

#[test]
fn mariadb_1011_stream_matches_the_primary_binlog() {
    stream_and_compare(ServerKind::Mariadb1011, false);
}

/// MariaDB 11.8 writes 0 as the log position of events inside a
/// transaction; GTID positioning through `@slave_connect_state`.
#[test]
fn mariadb_118_stream_matches_the_primary_binlog() {
    stream_and_compare(ServerKind::Mariadb118, true);
}
