//! Replication filters against MySQL's own: one workload over several
//! databases on a MySQL 9.7 primary (DDL under different default
//! databases, row changes across databases, database statements, a
//! cross-database CREATE TABLE), replayed by understudy and by a real
//! MySQL 9.7 replica with the same `--replicate-*` rules (`CHANGE
//! REPLICATION FILTER`). For every rule set both replicas must end the
//! same way (caught up, or stopped with the same error number) holding
//! the same databases, tables and rows.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use replica_harness::real::{
    Ended, RealReplica, assert_same_contents, gtid_executed, understudy_wait,
};
use replica_harness::{Replica, primary};
use understudy_testbed::ServerKind;

const WORKLOAD: &str = "
CREATE DATABASE db1; CREATE DATABASE db2; CREATE DATABASE db3;
CREATE DATABASE other; CREATE DATABASE foo1; CREATE DATABASE dbr;
USE db1;
CREATE TABLE t1 (id INT PRIMARY KEY, v VARCHAR(10));
CREATE TABLE t2 (id INT PRIMARY KEY, v INT);
CREATE TABLE u1 (id INT PRIMARY KEY);
USE db2;
CREATE TABLE t1 (id INT PRIMARY KEY, v VARCHAR(10));
CREATE TABLE x2 (a INT, b INT);
USE db3;
CREATE TABLE t1 (id INT PRIMARY KEY);
CREATE TABLE t3 (id INT PRIMARY KEY, note TEXT);
USE foo1;
CREATE TABLE bar1 (id INT PRIMARY KEY);
CREATE TABLE baz (id INT PRIMARY KEY);
USE other;
CREATE TABLE o1 (id INT PRIMARY KEY);
INSERT INTO db1.t1 VALUES (1, 'a'), (2, 'b'), (3, 'c');
INSERT INTO db1.t2 VALUES (1, 10), (2, 20);
INSERT INTO db1.u1 VALUES (7);
INSERT INTO db2.t1 VALUES (1, 'x'), (2, 'y');
INSERT INTO db2.x2 VALUES (1, 1), (1, 1), (2, 2);
INSERT INTO db3.t1 VALUES (5), (6);
INSERT INTO db3.t3 VALUES (1, 'n1'), (2, 'n2');
INSERT INTO foo1.bar1 VALUES (1);
INSERT INTO foo1.baz VALUES (1), (2);
INSERT INTO other.o1 VALUES (100);
START TRANSACTION;
INSERT INTO db1.t1 VALUES (4, 'd');
UPDATE db2.t1 SET v = 'z' WHERE id = 1;
DELETE FROM db3.t3 WHERE id = 1;
INSERT INTO foo1.bar1 VALUES (2);
COMMIT;
USE db1;
UPDATE t2 SET v = v + 1;
ALTER TABLE t2 ADD COLUMN w INT NOT NULL DEFAULT 5;
INSERT INTO t2 (id, v) VALUES (3, 30);
RENAME TABLE u1 TO u2;
INSERT INTO u2 VALUES (8);
USE db2;
DELETE FROM x2 WHERE a = 2;
DROP TABLE x2;
USE db3;
TRUNCATE TABLE t3;
INSERT INTO t3 VALUES (9, 'after truncate');
CREATE DATABASE newdb;
USE newdb;
CREATE TABLE n (id INT PRIMARY KEY);
INSERT INTO n VALUES (1);
CREATE DATABASE tmpdb;
USE tmpdb;
CREATE TABLE z (id INT PRIMARY KEY);
INSERT INTO z VALUES (1);
DROP DATABASE tmpdb;
USE other;
CREATE TABLE db1.cross_db (id INT PRIMARY KEY);
INSERT INTO db1.cross_db VALUES (1);
INSERT INTO db1.t1 VALUES (5, 'last');
";

/// A rule set: understudy's flags and the same as CHANGE REPLICATION
/// FILTER clauses.
struct Rules {
    name: &'static str,
    flags: &'static [(&'static str, &'static str)],
    filter: &'static str,
}

const RULES: &[Rules] = &[
    Rules {
        name: "do-db",
        flags: &[("--replicate-do-db", "db1"), ("--replicate-do-db", "db2")],
        filter: "REPLICATE_DO_DB = (db1, db2)",
    },
    Rules {
        name: "ignore-db",
        flags: &[
            ("--replicate-ignore-db", "db2"),
            ("--replicate-ignore-db", "other"),
        ],
        filter: "REPLICATE_IGNORE_DB = (db2, other)",
    },
    Rules {
        name: "do-table",
        flags: &[
            ("--replicate-do-table", "db1.t1"),
            ("--replicate-do-table", "db3.t1"),
        ],
        filter: "REPLICATE_DO_TABLE = (db1.t1, db3.t1)",
    },
    Rules {
        name: "ignore-table",
        flags: &[
            ("--replicate-ignore-table", "db1.t2"),
            ("--replicate-ignore-table", "foo1.baz"),
        ],
        filter: "REPLICATE_IGNORE_TABLE = (db1.t2, foo1.baz)",
    },
    Rules {
        name: "wild-do-table",
        flags: &[
            ("--replicate-wild-do-table", "db%.t%"),
            ("--replicate-wild-do-table", "foo%.%"),
            ("--replicate-wild-do-table", "db_.%"),
        ],
        filter: "REPLICATE_WILD_DO_TABLE = ('db%.t%', 'foo%.%', 'db_.%')",
    },
    Rules {
        name: "wild-ignore-table",
        flags: &[
            ("--replicate-wild-ignore-table", "db3.%"),
            ("--replicate-wild-ignore-table", "%.b%"),
        ],
        filter: "REPLICATE_WILD_IGNORE_TABLE = ('db3.%', '%.b%')",
    },
    Rules {
        name: "rewrite-db",
        flags: &[("--replicate-rewrite-db", "db2->dbr")],
        filter: "REPLICATE_REWRITE_DB = ((db2, dbr))",
    },
    Rules {
        name: "manual mixed example",
        flags: &[
            ("--replicate-do-db", "db1"),
            ("--replicate-do-table", "db2.t1"),
        ],
        filter: "REPLICATE_DO_DB = (db1), REPLICATE_DO_TABLE = (db2.t1)",
    },
];

#[test]
fn filters_leave_what_a_mysql_replica_leaves() {
    let server = primary(ServerKind::Mysql97);
    server.sql(WORKLOAD).unwrap();
    let gtids = gtid_executed(&server);
    let real = RealReplica::start(&[]);
    let mut ends = Vec::new();
    for rules in RULES {
        real.follow(&server, rules.filter, "");
        let tmp = tempfile::tempdir().unwrap();
        let flags: Vec<String> = rules
            .flags
            .iter()
            .map(|(f, v)| format!("{f}={v}"))
            .collect();
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        let replica = Replica::start(tmp.path(), &server, &flags);
        let mine = understudy_wait(&replica, &gtids);
        let theirs = real.wait(&gtids);
        assert_eq!(
            mine,
            theirs,
            "{}: understudy ended {mine:?}, MySQL {theirs:?}\n{:?}\n{}",
            rules.name,
            real.status(),
            std::fs::read_to_string(replica.dir.join("applier-status")).unwrap_or_default()
        );
        let dir = replica.dir.clone();
        let status = Replica::status_text(&dir);
        for (flag, value) in rules.flags {
            let field = match *flag {
                "--replicate-do-db" => "Replicate_Do_DB",
                "--replicate-ignore-db" => "Replicate_Ignore_DB",
                "--replicate-do-table" => "Replicate_Do_Table",
                "--replicate-ignore-table" => "Replicate_Ignore_Table",
                "--replicate-wild-do-table" => "Replicate_Wild_Do_Table",
                "--replicate-wild-ignore-table" => "Replicate_Wild_Ignore_Table",
                _ => "Replicate_Rewrite_DB",
            };
            let line = status
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{field}:")))
                .unwrap_or_else(|| panic!("{field} missing:\n{status}"));
            let shown = value.replace("->", ",");
            assert!(line.contains(&shown), "{}: {line}", rules.name);
        }
        replica.stop_expecting(mine != Ended::CaughtUp);
        let tables = assert_same_contents(rules.name, &dir, &real);
        ends.push(format!("{}: {mine:?}, {tables} tables", rules.name));
    }
    eprintln!("{}", ends.join("\n"));
    // The rule sets must exercise both endings.
    assert!(ends.iter().any(|e| e.contains("CaughtUp")));
    assert!(ends.iter().any(|e| e.contains("Error")));
}
