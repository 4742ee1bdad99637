//! Foreign keys under statement-based replication: the source's storage
//! engine runs ON DELETE / ON UPDATE actions and logs only the statement.
//! Changes that cascade to no row, or run with `foreign_key_checks=0`,
//! are applied; one that cascades to existing rows stops the applier
//! naming the key — also after the parent table was renamed.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use replica_harness::real::{statement_primary, stopped, understudy_rows};
use understudy_testbed::ServerKind;

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
