//! The MySQL-protocol endpoint with real clients: MySQL 9.7's own `mysql`
//! command-line client against a replica of a real MySQL 9.7 primary.
//! What the endpoint shows is compared with what the real server shows
//! for the same statement (SHOW REPLICA STATUS's columns and types).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod replica_harness;

use std::path::{Path, PathBuf};
use std::process::Command;

use replica_harness::endpoint::{
    ADMIN_PW, READER_PW, admin, client, column_types, err, ok, start_replica, vertical,
};
use replica_harness::primary;
use understudy_testbed::{Server, ServerKind};

/// A config file with a read-only account, its hashes from
/// `understudy hash-password`.
fn reader_config(dir: &Path) -> PathBuf {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .arg("hash-password")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{READER_PW}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let hashes = String::from_utf8(out.stdout).unwrap();
    assert!(!hashes.contains(READER_PW));
    let path = dir.join("understudy.toml");
    std::fs::create_dir_all(dir).unwrap();
    let mut f = std::fs::File::create(&path).unwrap();
    write!(
        f,
        "[[account]]\nname = \"reader\"\nrole = \"read-only\"\n{hashes}"
    )
    .unwrap();
    path
}

#[test]
fn mysql_97_client_operates_and_reads_the_replica() {
    let server = primary(ServerKind::Mysql97);
    server
        .sql("CREATE DATABASE shop; CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20)); INSERT INTO shop.items VALUES (1,'pen'),(2,'ink'); \
              CREATE TABLE shop.orders (o BIGINT UNSIGNED NOT NULL, line SMALLINT NOT NULL, item INT, qty DECIMAL(9,2) DEFAULT '1.00', at DATETIME(3), note TEXT, PRIMARY KEY (o, line), UNIQUE KEY by_item (item, o), KEY by_at (at));")
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let config = reader_config(tmp.path());
    let (replica, port) =
        start_replica(tmp.path(), &server, &["--config", config.to_str().unwrap()]);
    replica.wait_caught_up(&server);
    let gtids = server
        .sql("SELECT @@gtid_executed")
        .unwrap()
        .trim()
        .replace('\n', "");

    // SHOW REPLICA STATUS\G: running, caught up, every column MySQL 9.7
    // has, in its order, with its types and flags.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let fields = loop {
        let f = vertical(&ok(&admin(&server, port, &[], "SHOW REPLICA STATUS\\G")));
        let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        if get("Executed_Gtid_Set").as_deref() == Some(gtids.as_str()) {
            break f;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not applied: {f:?}\n{}",
            replica.stderr()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("Replica_IO_Running"), Some("Yes"));
    assert_eq!(get("Replica_SQL_Running"), Some("Yes"));
    assert_eq!(get("Source_Port"), Some(server.port().to_string().as_str()));
    assert_eq!(get("Source_User"), Some("repl"));
    assert_eq!(get("Retrieved_Gtid_Set"), Some(gtids.as_str()));
    assert_eq!(get("Last_SQL_Errno"), Some("0"));

    server
        .sql("CHANGE REPLICATION SOURCE TO SOURCE_HOST='127.0.0.1', SOURCE_PORT=1, SOURCE_USER='x'")
        .unwrap();
    let real_types = column_types(&ok(&client(
        &server,
        server.port(),
        "root",
        "",
        &["-t", "--column-type-info"],
        "SHOW REPLICA STATUS",
    )));
    server.sql("RESET REPLICA ALL").unwrap();
    let our_types = column_types(&ok(&admin(
        &server,
        port,
        &["-t", "--column-type-info"],
        "SHOW REPLICA STATUS",
    )));
    assert_eq!(real_types.len(), 60, "{real_types:?}");
    assert_eq!(our_types, real_types);
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    let real_names: Vec<&str> = real_types.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, real_names);

    // The old names, as MySQL 8.0 gave them.
    let old = vertical(&ok(&admin(&server, port, &[], "SHOW SLAVE STATUS\\G")));
    assert_eq!(old[0].0, "Slave_IO_State");
    assert!(
        old.iter()
            .any(|(n, v)| n == "Seconds_Behind_Master" && v == "0"),
        "{old:?}"
    );
    assert!(old.iter().any(|(n, _)| n == "Relay_Master_Log_File"));

    // Session chatter, catalog SHOWs, the read-only error.
    let out = ok(&client(
        &server,
        port,
        "reader",
        READER_PW,
        &["-N", "-B"],
        "SELECT @@version_comment LIMIT 1; SET NAMES utf8mb4; SET autocommit=0; SELECT @@autocommit, @@read_only; SHOW DATABASES LIKE 'sh%'; USE shop; SHOW TABLES; SELECT DATABASE();",
    ));
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        vec![
            "understudy: clean-room MySQL replica",
            "0\t1",
            "shop",
            "items",
            "orders",
            "shop"
        ]
    );
    let e = err(&client(
        &server,
        port,
        "reader",
        READER_PW,
        &[],
        "INSERT INTO shop.items VALUES (3,'cap')",
    ));
    assert!(e.contains("ERROR 1290 (HY000)"), "{e}");
    let e = err(&client(
        &server,
        port,
        "reader",
        READER_PW,
        &[],
        "STOP REPLICA",
    ));
    assert!(e.contains("ERROR 1227 (42000)"), "{e}");
    let e = err(&client(&server, port, "reader", "wrong", &[], "SELECT 1"));
    assert!(
        e.contains("ERROR 1045 (28000): Access denied for user 'reader'"),
        "{e}"
    );
    let e = err(&admin(&server, port, &[], "USE nowhere"));
    assert!(
        e.contains("ERROR 1049 (42000)") && e.contains("Unknown database 'nowhere'"),
        "{e}"
    );
    // What the real server says for the same statements.
    for q in [
        "DESCRIBE shop.items",
        "SHOW COLUMNS FROM items FROM shop LIKE 'n%'",
        "SELECT GTID_SUBSET('3E11FA47-71CA-11E1-9E33-C80AA9429562:21-22', '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-57'), GTID_SUBSET('3E11FA47-71CA-11E1-9E33-C80AA9429562:58', '3E11FA47-71CA-11E1-9E33-C80AA9429562:1-57')",
        "SELECT GTID_SUBTRACT('3E11FA47-71CA-11E1-9E33-C80AA9429562:21-57,4E11FA47-71CA-11E1-9E33-C80AA9429562:1-5', '3E11FA47-71CA-11E1-9E33-C80AA9429562:20-25') AS errant",
        "SELECT CATALOG_NAME, SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'shop'",
        "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop'",
        "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, COLUMN_TYPE, COLUMN_KEY FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'shop' ORDER BY TABLE_NAME, ORDINAL_POSITION",
        "SELECT TABLE_NAME, NON_UNIQUE, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'shop' ORDER BY TABLE_NAME, LOWER(INDEX_NAME), SEQ_IN_INDEX",
    ] {
        let theirs = ok(&client(&server, server.port(), "root", "", &["-B"], q));
        let ours = ok(&admin(&server, port, &["-B"], q));
        assert_eq!(ours, theirs, "{q}");
    }
    let create = ok(&admin(
        &server,
        port,
        &["-N", "-B"],
        "SHOW CREATE TABLE shop.items",
    ));
    assert!(
        create.starts_with("items\tCREATE TABLE `items` ("),
        "{create}"
    );
    let e = err(&admin(&server, port, &[], "SELECT GTID_SUBSET('x', '')"));
    assert!(e.contains("ERROR 1772 (HY000)"), "{e}");
    let list = ok(&admin(&server, port, &["-N", "-B"], "SHOW PROCESSLIST"));
    assert!(
        list.contains("system user\t\tNULL\tConnect\t0\tWaiting for source to send event"),
        "{list}"
    );
    assert!(list.contains("system user\t\tNULL\tQuery\t0\tReplica has read all relay log; waiting for more updates"), "{list}");
    assert!(list.contains("\tadmin\t127.0.0.1\tNULL\tQuery\t"), "{list}");
    // TLS with the certificate the replica generated (VERIFY_CA against
    // its CA); another CA is refused.
    let ca = replica.dir.join("endpoint-tls/ca.pem");
    let verify = format!("--ssl-ca={}", ca.display());
    let out = ok(&admin(
        &server,
        port,
        &["--ssl-mode=VERIFY_CA", &verify],
        "\\s",
    ));
    assert!(out.contains("Cipher in use is TLS_"), "{out}");
    let other = tmp.path().join("other-ca.pem");
    std::fs::write(
        &other,
        std::fs::read(server.data_dir().join("ca.pem")).unwrap(),
    )
    .unwrap();
    let e = err(&admin(
        &server,
        port,
        &[
            "--ssl-mode=VERIFY_CA",
            &format!("--ssl-ca={}", other.display()),
        ],
        "SELECT 1",
    ));
    assert!(e.contains("ERROR 2026"), "{e}");
    let plain = ok(&admin(&server, port, &["--ssl-mode=DISABLED"], "\\s"));
    assert!(plain.contains("SSL:\t\t\tNot in use"), "{plain}");
    // mysql_native_password, as older drivers answer.
    let native = ["--default-auth=mysql_native_password", "-N"];
    let out = ok(&admin(&server, port, &native, "SELECT 'native'"));
    assert_eq!(out.trim(), "native");
    let e = err(&client(&server, port, "admin", "nope", &native, "SELECT 1"));
    assert!(e.contains("ERROR 1045 (28000)"), "{e}");
    replica.stop();
}

/// `mysql -N -B` output of `sql` on the primary and on the endpoint.
fn both(server: &Server, port: u16, sql: &str) -> (String, String) {
    let theirs = ok(&client(
        server,
        server.port(),
        "root",
        "",
        &["-N", "-B"],
        sql,
    ));
    let ours = ok(&client(server, port, "admin", ADMIN_PW, &["-N", "-B"], sql));
    (theirs, ours)
}

/// SELECTs over the random workload's tables (every column type): what
/// the endpoint returns is what the primary returns, byte for byte in
/// `mysql --batch` output, and the result columns have MySQL's types.
#[test]
fn selects_return_what_the_primary_returns() {
    use replica_harness::real::{Ended, gtid_executed, understudy_wait};
    let server = primary(ServerKind::Mysql97);
    server.sql("SET GLOBAL time_zone = '+00:00'").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (replica, port) = start_replica(tmp.path(), &server, &[]);
    let script = format!(
        "SET NAMES utf8mb4;\n{}",
        replica_harness::random::workload(0x5eed_0042, false, false).join("\n")
    );
    server.sql(&script).unwrap();
    assert_eq!(
        understudy_wait(&replica, &gtid_executed(&server)),
        Ended::CaughtUp,
        "{}",
        replica.stderr()
    );
    let first = server
        .sql("SELECT MIN(id) FROM rnd.wide")
        .unwrap()
        .trim()
        .to_owned();
    let queries = [
        "SELECT * FROM rnd.wide ORDER BY id".to_owned(),
        "SELECT * FROM rnd.comp ORDER BY id, k2".to_owned(),
        "SELECT * FROM rnd.nokey ORDER BY id, i".to_owned(),
        format!("SELECT id, vc, de, dt FROM rnd.wide WHERE id = {first}"),
        "SELECT id, d FROM rnd.wide WHERE id BETWEEN 10 AND 60 ORDER BY id".to_owned(),
        "SELECT id FROM rnd.wide WHERE id > 100 AND id <= 250 ORDER BY id DESC LIMIT 7".to_owned(),
        "SELECT COUNT(*), SUM(i), MIN(bi), MAX(bu), MIN(d), MAX(dt), MAX(de), MIN(db) FROM rnd.wide".to_owned(),
        "SELECT e, COUNT(*) FROM rnd.wide GROUP BY e ORDER BY e".to_owned(),
        "SELECT id % 3, COUNT(*), SUM(LENGTH(tx)) FROM rnd.wide GROUP BY id % 3 ORDER BY 1".to_owned(),
        "SELECT w.id, c.id, c.k2 FROM rnd.wide w JOIN rnd.comp c ON c.id = w.id + 1 ORDER BY w.id, c.k2".to_owned(),
        "SELECT w.id, c.i FROM rnd.wide w LEFT JOIN rnd.comp c ON c.id = w.id + 1 ORDER BY w.id, c.i".to_owned(),
        "SELECT id FROM rnd.wide WHERE id IN (SELECT id - 1 FROM rnd.comp) ORDER BY id".to_owned(),
        "SELECT COUNT(*) FROM rnd.nokey WHERE i IS NULL".to_owned(),
        "SELECT id, fl, ts FROM rnd.wide ORDER BY fl, id LIMIT 9".to_owned(),
        "SELECT 1+1, 'text', id * 2 AS twice FROM rnd.wide ORDER BY id LIMIT 2".to_owned(),
    ];
    let mut compared = 0;
    for q in &queries {
        let (theirs, ours) = both(&server, port, q);
        if ours != theirs {
            let diff = theirs
                .lines()
                .zip(ours.lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("primary: {a:?}\n   ours: {b:?}"))
                .unwrap_or_else(|| {
                    format!(
                        "{} lines vs {}",
                        theirs.lines().count(),
                        ours.lines().count()
                    )
                });
            panic!("{q}: first difference\n{diff}");
        }
        assert!(!theirs.is_empty(), "{q} returned nothing on the primary");
        compared += theirs.lines().count();
    }
    assert!(compared > 300, "only {compared} rows compared");
    // Column names and types as MySQL gives them.
    let q = "SELECT *, COUNT(*) OVER () AS n FROM rnd.wide ORDER BY id LIMIT 1";
    let real = column_types(&ok(&client(
        &server,
        server.port(),
        "root",
        "",
        &["-t", "--column-type-info"],
        q,
    )));
    let ours = column_types(&ok(&admin(&server, port, &["-t", "--column-type-info"], q)));
    let strip = |v: &[(String, String, String)]| -> Vec<(String, String)> {
        v.iter().map(|(n, t, _)| (n.clone(), t.clone())).collect()
    };
    assert_eq!(strip(&ours), strip(&real));
    // Errors as MySQL's.
    let e = err(&admin(&server, port, &[], "SELECT * FROM rnd.nope"));
    assert!(
        e.contains("ERROR 1146 (42S02)") && e.contains("Table 'rnd.nope' doesn't exist"),
        "{e}"
    );
    let e = err(&admin(&server, port, &[], "SELECT * FROM wide"));
    assert!(e.contains("ERROR 1046 (3D000)"), "{e}");
    // Applications' drivers: PyMySQL and mysql-connector-python, plain
    // and prepared (the binary protocol).
    let testbed = understudy_testbed::Testbed::load().unwrap();
    let python = testbed.var("UNDERSTUDY_PYTHON_CLIENTS").unwrap_or_else(|| {
        panic!(
            "no UNDERSTUDY_PYTHON_CLIENTS in {}: run `make testbed` (scripts/testbed/provision.sh)",
            testbed.path().display()
        )
    });
    let out = Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/python/app_reads.py"
        ))
        .args([&port.to_string(), ADMIN_PW, &server.port().to_string()])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    eprintln!("{said}");
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        said.lines().filter(|l| l.contains("rows equal")).count(),
        7,
        "{said}"
    );
    assert!(said.contains("INSERT refused with 1290"), "{said}");
    relay_log_statements(&server, port, &replica);
    replica.stop();
}

/// SHOW RELAY LOGS lists the relay log's files with their sizes; SHOW
/// RELAYLOG EVENTS over them shows the source's transactions exactly as
/// the primary's own SHOW BINLOG EVENTS shows them (every column but the
/// file and offset, which are the relay log's).
fn relay_log_statements(server: &Server, port: u16, replica: &replica_harness::Replica) {
    let listed = ok(&admin(server, port, &["-N", "-B"], "SHOW RELAY LOGS"));
    let files: Vec<&str> = listed.lines().collect();
    assert!(!files.is_empty());
    for line in &files {
        let cols: Vec<&str> = line.split('\t').collect();
        let size = std::fs::metadata(replica.dir.join(cols[0])).unwrap().len();
        assert_eq!(cols[1..], [size.to_string().as_str(), "No"], "{line}");
    }
    let e = err(&admin(server, port, &[], "SHOW BINARY LOGS"));
    assert!(e.contains("ERROR 1381 (HY000)"), "{e}");
    let framing = |row: &&str| {
        let t = row.split('\t').nth(2).unwrap_or("");
        !matches!(t, "Format_desc" | "Previous_gtids" | "Rotate" | "Stop")
    };
    let tail = |row: &str| row.splitn(3, '\t').nth(2).unwrap_or("").to_owned();
    let mut ours = Vec::new();
    for line in &files {
        let name = line.split('\t').next().unwrap();
        let out = ok(&admin(
            server,
            port,
            &["-N", "-B"],
            &format!("SHOW RELAYLOG EVENTS IN '{name}'"),
        ));
        ours.extend(out.lines().filter(framing).map(tail));
    }
    let mut theirs = Vec::new();
    for line in server.sql("SHOW BINARY LOGS").unwrap().lines() {
        let name = line.split('\t').next().unwrap();
        let out = server
            .sql(&format!("SHOW BINLOG EVENTS IN '{name}'"))
            .unwrap();
        theirs.extend(out.lines().filter(framing).map(tail));
    }
    assert!(theirs.len() > 500, "only {} events", theirs.len());
    if let Some(i) = (0..ours.len().max(theirs.len())).find(|&i| ours.get(i) != theirs.get(i)) {
        panic!(
            "relay log event {i} of {}/{}:\n primary: {:?}\n    ours: {:?}",
            ours.len(),
            theirs.len(),
            theirs.get(i),
            ours.get(i)
        );
    }
    // FROM and LIMIT, as MySQL takes them.
    let first = files[0].split('\t').next().unwrap();
    let all = ok(&admin(server, port, &["-N", "-B"], "SHOW RELAYLOG EVENTS"));
    let all: Vec<&str> = all.lines().collect();
    assert!(
        all[0].starts_with(&format!("{first}\t4\tFormat_desc\t")),
        "{}",
        all[0]
    );
    let from = all[3].split('\t').nth(1).unwrap();
    let some = ok(&admin(
        server,
        port,
        &["-N", "-B"],
        &format!("SHOW RELAYLOG EVENTS IN '{first}' FROM {from} LIMIT 1, 2"),
    ));
    assert_eq!(some.lines().collect::<Vec<_>>(), all[4..6]);
    let e = err(&admin(
        server,
        port,
        &[],
        "SHOW RELAYLOG EVENTS IN 'nope.000001'",
    ));
    assert!(
        e.contains("ERROR 1220 (HY000)") && e.contains("Could not find target log"),
        "{e}"
    );
}
