//! Foreign keys under statement-based replication: the source's storage
//! engine runs ON DELETE / ON UPDATE actions and logs only the statement.
//! Changes that cascade to no row, or run with `foreign_key_checks=0`,
//! are applied; one that cascades to existing rows stops the applier
//! naming the key — also after the parent table was renamed.
//!
//! In ROW format MySQL 9.7 logs what the actions did (before the parent's
//! row), so its cascades replicate; MariaDB 10.11 does not, and its
//! cascading DELETE stops the applier the same way.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use replica_harness::real::{caught_up_rows, statement_primary, stopped, understudy_rows};
use replica_harness::{Replica, create_repl_user};
use understudy_testbed::{Server, ServerKind, ServerOptions};

const ROW_SCRIPT: &str = "CREATE DATABASE fk; \
    CREATE TABLE fk.p (id INT PRIMARY KEY); \
    CREATE TABLE fk.c (id INT PRIMARY KEY, pid INT, \
      FOREIGN KEY (pid) REFERENCES fk.p (id) ON DELETE CASCADE ON UPDATE SET NULL); \
    INSERT INTO fk.p VALUES (1), (2), (3); \
    INSERT INTO fk.c VALUES (10, 1), (11, 1), (12, 2); \
    DELETE FROM fk.p WHERE id = 3; \
    UPDATE fk.p SET id = 4 WHERE id = 2; \
    DELETE FROM fk.p WHERE id = 1;";

fn row_primary(kind: ServerKind) -> (Server, tempfile::TempDir, Replica) {
    let server = Server::start(kind, ServerOptions::new().binlog_format("ROW")).unwrap();
    create_repl_user(&server);
    let tmp = tempfile::tempdir().unwrap();
    let replica = Replica::start(tmp.path(), &server, &[]);
    (server, tmp, replica)
}

#[test]
fn mysql_97_row_cascades_replicate() {
    let (server, _tmp, replica) = row_primary(ServerKind::Mysql97);
    server.sql(ROW_SCRIPT).unwrap();
    let rows = caught_up_rows(&replica, &server, "fk.c", "mysql row");
    assert_eq!(rows, vec!["12\tNULL".to_owned()]);
    replica.stop();
}

#[test]
fn mariadb_1011_row_cascade_stops() {
    let (server, _tmp, replica) = row_primary(ServerKind::Mariadb1011);
    server.sql(ROW_SCRIPT).unwrap();
    let text = stopped(&replica, "mariadb row");
    assert!(
        text.contains("rows of fk.c reference through foreign key c_ibfk_1 (ON UPDATE SET NULL)"),
        "{text}"
    );
    replica.stop_expecting(true);
}

fn cascade_stops(kind: ServerKind, what: &str) {
    let (server, _tmp, replica) = statement_primary(kind, &[]);
    server
        .sql(
            "CREATE DATABASE fk; \
             CREATE TABLE fk.p (id INT PRIMARY KEY, name VARCHAR(10)); \
             CREATE TABLE fk.c (id INT PRIMARY KEY, pid INT, \
               FOREIGN KEY (pid) REFERENCES fk.p (id) ON DELETE CASCADE); \
             CREATE TABLE fk.r (id INT PRIMARY KEY, pid INT, \
               CONSTRAINT r_p FOREIGN KEY (pid) REFERENCES fk.p (id)); \
             INSERT INTO fk.p VALUES (1, 'a'), (2, 'b'), (3, 'c'); \
             INSERT INTO fk.c VALUES (10, 1), (11, 1); \
             INSERT INTO fk.r VALUES (20, 3); \
             DELETE FROM fk.p WHERE id = 2; \
             UPDATE fk.p SET name = 'z' WHERE id = 1; \
             SET foreign_key_checks = 0; DELETE FROM fk.p WHERE id = 3; \
             SET foreign_key_checks = 1; \
             RENAME TABLE fk.p TO fk.parent; \
             DELETE FROM fk.parent WHERE id = 1;",
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let text = stopped(&replica, what);
    assert!(
        text.contains("rows of fk.c reference through foreign key c_ibfk_1 (ON DELETE CASCADE)"),
        "{what}: {text}"
    );
    assert!(
        text.contains("DELETE FROM fk.parent WHERE id = 1"),
        "{what}: {text}"
    );
    // Everything before it was applied, the cascade's rows kept.
    assert_eq!(
        understudy_rows(&replica.dir, "fk.parent"),
        vec!["1\tz".to_owned()],
        "{what}"
    );
    assert_eq!(
        understudy_rows(&replica.dir, "fk.c"),
        vec!["10\t1".to_owned(), "11\t1".to_owned()],
        "{what}"
    );
    replica.stop_expecting(true);
}

#[test]
fn mysql_97_cascade_stops() {
    cascade_stops(ServerKind::Mysql97, "mysql foreign keys");
}

#[test]
fn mariadb_1011_cascade_stops() {
    cascade_stops(ServerKind::Mariadb1011, "mariadb foreign keys");
}
