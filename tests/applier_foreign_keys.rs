//! Foreign keys' actions: the source's storage engine runs ON DELETE /
//! ON UPDATE actions, and logs only the statement (STATEMENT format) or
//! only the parent's row (MariaDB 10.11 in ROW format); understudy runs
//! them as InnoDB does — CASCADE and SET NULL, through grandchildren and
//! self-referencing trees, for DELETE, UPDATE, REPLACE (MariaDB's deletes
//! the old row; MySQL 9.7's replaces a row by its primary key in place)
//! and multi-table DELETE, none with `foreign_key_checks=0`, also after
//! the parent table was renamed. MySQL 9.7 logs what its actions did in
//! ROW format, flagging its events `USE_SQL_FOREIGN_KEY_F`, and those
//! rows replicate as they are.
//! After catch-up every table equals the primary's. An action that would
//! change rows a multi-table UPDATE also writes stops the applier.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use replica_harness::real::{caught_up_rows, statement_primary, stopped, understudy_rows};
use replica_harness::{Replica, create_repl_user};
use understudy_testbed::{Server, ServerKind, ServerOptions};

const SCRIPT: &str = "SET NAMES utf8mb4; CREATE DATABASE fk; \
    CREATE TABLE fk.p (id INT PRIMARY KEY, name VARCHAR(10)) DEFAULT CHARSET=utf8mb4; \
    CREATE TABLE fk.c (id INT PRIMARY KEY, pid INT, \
      FOREIGN KEY (pid) REFERENCES fk.p (id) ON DELETE CASCADE ON UPDATE CASCADE); \
    CREATE TABLE fk.g (id INT PRIMARY KEY, cid INT, \
      FOREIGN KEY (cid) REFERENCES fk.c (id) ON DELETE CASCADE); \
    CREATE TABLE fk.n (id INT PRIMARY KEY, pid INT, \
      FOREIGN KEY (pid) REFERENCES fk.p (id) ON DELETE SET NULL ON UPDATE SET NULL); \
    CREATE TABLE fk.r (id INT PRIMARY KEY, pid INT, \
      CONSTRAINT r_p FOREIGN KEY (pid) REFERENCES fk.p (id)); \
    CREATE TABLE fk.tree (id INT PRIMARY KEY, up INT, \
      FOREIGN KEY (up) REFERENCES fk.tree (id) ON DELETE CASCADE); \
    CREATE TABLE fk.tk (id INT PRIMARY KEY, code VARCHAR(5), UNIQUE KEY (code)) \
      DEFAULT CHARSET=utf8mb4; \
    CREATE TABLE fk.tc (id INT PRIMARY KEY, code VARCHAR(5), \
      FOREIGN KEY (code) REFERENCES fk.tk (code) ON UPDATE CASCADE ON DELETE SET NULL) \
      DEFAULT CHARSET=utf8mb4; \
    INSERT INTO fk.p VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f'); \
    INSERT INTO fk.c VALUES (10, 1), (11, 1), (12, 2), (13, 4), (14, 5); \
    INSERT INTO fk.g VALUES (100, 10), (101, 11), (102, 12), (103, 13); \
    INSERT INTO fk.n VALUES (30, 1), (31, 2), (32, 4), (33, NULL); \
    INSERT INTO fk.r VALUES (20, 3); \
    INSERT INTO fk.tree VALUES (1, NULL), (2, 1), (3, 2), (4, 1), (5, NULL), (6, 5), (7, 6); \
    INSERT INTO fk.tk VALUES (1, 'ab'), (2, 'cd'); \
    INSERT INTO fk.tc VALUES (1, 'ab'), (2, 'AB'), (3, 'cd'); \
    DELETE FROM fk.p WHERE id = 1; \
    UPDATE fk.p SET id = 20 WHERE id = 2; \
    UPDATE fk.p SET name = 'z' WHERE id = 4; \
    REPLACE INTO fk.p VALUES (4, 'y'); \
    SET foreign_key_checks = 0; DELETE FROM fk.p WHERE id = 5; \
    SET foreign_key_checks = 1; \
    DELETE FROM fk.tree WHERE id IN (2, 6); \
    UPDATE fk.tk SET code = 'XY' WHERE id = 1; \
    DELETE FROM fk.tk WHERE code = 'cd'; \
    RENAME TABLE fk.p TO fk.parent; \
    DELETE fk.parent, fk.r FROM fk.parent JOIN fk.r ON fk.r.pid = fk.parent.id; \
    DELETE FROM fk.parent WHERE id = 20;";

/// Every table after the script, checked equal to the primary's.
fn replicated(server: &Server, replica: &Replica, what: &str) {
    server.sql(SCRIPT).unwrap_or_else(|e| panic!("{what}: {e}"));
    let rows = caught_up_rows(replica, server, "fk.g", what);
    // 100 and 101 went with c 10, 11 (p 1); 102's c 12 moved to p 20,
    // then went with it. MariaDB's REPLACE of p 4 deletes it, and c 13
    // and g 103 go with it; MySQL 9.7 replaces the row in place.
    let mysql = !what.starts_with("mariadb");
    assert_eq!(
        rows,
        if mysql {
            vec!["103\t13".to_owned()]
        } else {
            vec![]
        },
        "{what}"
    );
    assert_eq!(
        understudy_rows(&replica.dir, "fk.tree"),
        vec![
            "1\tNULL".to_owned(),
            "4\t1".to_owned(),
            "5\tNULL".to_owned()
        ],
        "{what}"
    );
    assert_eq!(
        understudy_rows(&replica.dir, "fk.tc"),
        vec!["1\tXY".to_owned(), "2\tXY".to_owned(), "3\tNULL".to_owned()],
        "{what}"
    );
}

fn row_primary(kind: ServerKind) -> (Server, tempfile::TempDir, Replica) {
    let server = Server::start(kind, ServerOptions::new().binlog_format("ROW")).unwrap();
    create_repl_user(&server);
    let tmp = tempfile::tempdir().unwrap();
    let replica = Replica::start(tmp.path(), &server, &[]);
    (server, tmp, replica)
}

#[test]
fn mysql_97_row_actions() {
    let (server, _tmp, replica) = row_primary(ServerKind::Mysql97);
    replicated(&server, &replica, "mysql row");
    replica.stop();
}

#[test]
fn mariadb_1011_row_actions() {
    let (server, _tmp, replica) = row_primary(ServerKind::Mariadb1011);
    replicated(&server, &replica, "mariadb row");
    replica.stop();
}

#[test]
fn mysql_97_statement_actions() {
    let (server, _tmp, replica) = statement_primary(ServerKind::Mysql97, &[]);
    replicated(&server, &replica, "mysql statement");
    replica.stop();
}

#[test]
fn mariadb_1011_statement_actions() {
    let (server, _tmp, replica) = statement_primary(ServerKind::Mariadb1011, &[]);
    replicated(&server, &replica, "mariadb statement");
    replica.stop();
}

/// A multi-table UPDATE whose parent change cascades into rows of
/// another table it updates: the result would depend on the order of
/// the writes, so the applier stops.
#[test]
fn mysql_97_cascade_into_updated_table_stops() {
    let (server, _tmp, replica) = statement_primary(ServerKind::Mysql97, &[]);
    server
        .sql(
            "CREATE DATABASE fm; CREATE TABLE fm.p (id INT PRIMARY KEY); \
             CREATE TABLE fm.c (id INT PRIMARY KEY, pid INT, note VARCHAR(5), \
               FOREIGN KEY (pid) REFERENCES fm.p (id) ON UPDATE CASCADE); \
             INSERT INTO fm.p VALUES (1), (2); INSERT INTO fm.c VALUES (10, 1, 'a'); \
             UPDATE fm.p JOIN fm.c ON fm.c.pid = fm.p.id SET fm.p.id = fm.p.id + 100, \
               fm.c.note = 'x';",
        )
        .unwrap();
    let text = stopped(&replica, "multi update");
    assert!(
        text.contains("a foreign key action on rows of fm.c through foreign key c_ibfk_1"),
        "{text}"
    );
    assert_eq!(
        understudy_rows(&replica.dir, "fm.c"),
        vec!["10\t1\ta".to_owned()]
    );
    replica.stop_expecting(true);
}
