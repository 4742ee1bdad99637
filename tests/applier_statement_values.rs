//! Column types and statement modifiers under statement-based
//! replication, against real primaries: BIT columns, TIME columns,
//! MariaDB's JSON text, and UPDATE/DELETE IGNORE. After catch-up the rows
//! equal the primary's.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use replica_harness::real::{caught_up_rows, statement_primary};
use understudy_testbed::ServerKind;

/// BIT columns: stored from numbers, TRUE and bit-value or hexadecimal
/// literals; read as numbers in comparisons, truth, NOT and arithmetic.
fn bits(kind: ServerKind, what: &str) {
    let (server, _tmp, replica) = statement_primary(kind, &[]);
    server
        .sql(
            "CREATE DATABASE bt; \
             CREATE TABLE bt.f (id INT PRIMARY KEY, on_off BIT(1), mask BIT(12), n INT); \
             INSERT INTO bt.f VALUES (1, b'1', b'101', 0), (2, 0, 4095, 0), \
               (3, TRUE, X'0A0B', 0), (4, NULL, 7, 0); \
             UPDATE bt.f SET n = n + 1 WHERE on_off = 1; \
             UPDATE bt.f SET n = n + 10 WHERE mask > 100 AND on_off; \
             UPDATE bt.f SET mask = mask + 1 WHERE id = 1; \
             UPDATE bt.f SET on_off = NOT on_off WHERE id IN (1, 2); \
             UPDATE bt.f SET n = n + 100 WHERE mask IN (b'110', 7);",
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let rows = caught_up_rows(&replica, &server, "bt.f", what);
    assert_eq!(rows.len(), 4, "{what}");
    replica.stop();
}

#[test]
fn mysql_97_bits() {
    bits(ServerKind::Mysql97, "mysql bits");
}

#[test]
fn mariadb_1011_bits() {
    bits(ServerKind::Mariadb1011, "mariadb bits");
}

/// TIME columns stored from the shapes MySQL reads: `H:M:S` with one or
/// two digits, days, digits from the right, numbers, negative times,
/// fractions rounded (MySQL) or cut (MariaDB) into TIME(0) and TIME(3),
/// a datetime's time, NOW()'s; and read: compared with each other and
/// with strings (`<`, BETWEEN), copied by INSERT … SELECT (TIME(3) into
/// TIME rounded or cut), as text in CONCAT; TIMEDIFF, ADDTIME, SUBTIME,
/// TIME(), TIME_TO_SEC and SEC_TO_TIME over them.
fn times(kind: ServerKind, what: &str) {
    let (server, _tmp, replica) = statement_primary(kind, &[]);
    let values = [
        "'10:30:00'",
        "'10:30:00.1235'",
        "'1:2:3'",
        "'-1:2:3.9999'",
        "'2 10:00'",
        "'2 10'",
        "'103000'",
        "'1030'",
        "103000",
        "10.5",
        "'-838:59:59'",
        "'838:59:58.9994'",
        "'00:00:59.9995'",
        "'-00:00:00'",
        "123456.4567",
        "'3 23:59:59'",
        "-0.5",
        "'112'",
        "'12'",
        "-5",
        "'2024-01-01 10:11:12.6'",
        "NOW()",
        "NOW(3)",
        "'  7:05  '",
    ];
    let rows: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("({i}, {v}, {v})"))
        .collect();
    server
        .sql(&format!(
            "CREATE DATABASE tm; CREATE TABLE tm.t (id INT PRIMARY KEY, a TIME, b TIME(3)); \
             INSERT INTO tm.t VALUES {}; \
             UPDATE tm.t SET a = '23:59:59.5', b = '-12:00:00.0005' WHERE id = 0; \
             INSERT INTO tm.t SELECT id + 100, '1 1:1:1', 10101.0015 FROM tm.t WHERE id < 3; \
             CREATE TABLE tm.c (id INT PRIMARY KEY, a TIME, b TIME(3), txt VARCHAR(40)); \
             INSERT INTO tm.c (id, a, b) SELECT id, a, b FROM tm.t \
               WHERE a < '10:00:00' AND b >= '-1:00:00'; \
             INSERT INTO tm.c SELECT id + 1000, b, a, CONCAT(a, '|', b) FROM tm.t WHERE a > b; \
             UPDATE tm.t SET a = '01:00:00' WHERE a BETWEEN '00:00:00' AND '00:59:59'; \
             DELETE FROM tm.t WHERE b < '-00:00:00.4'; \
             CREATE TABLE tm.f (id INT PRIMARY KEY, d TIME(3), s TIME, dt DATETIME(3), \
               txt VARCHAR(60)); \
             INSERT INTO tm.f SELECT id, TIMEDIFF(b, a), ADDTIME(a, '00:30:00'), \
               ADDTIME('2024-01-01 00:00:00', a), \
               CONCAT(SUBTIME(b, a), '|', TIME(b), '|', TIMEDIFF(a, '01:00:00.25')) \
               FROM tm.t WHERE a BETWEEN '-800:00:00' AND '800:00:00'; \
             UPDATE tm.f SET s = SEC_TO_TIME(TIME_TO_SEC(s) + 60), \
               dt = SUBTIME(dt, d), \
               txt = CONCAT(TIME(dt), '/', ADDTIME(d, '00:00:00.5'), '/', SUBTIME(s, d)) \
               WHERE id % 2 = 0 AND s < '800:00:00';",
            rows.join(", ")
        ))
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let rows = caught_up_rows(&replica, &server, "tm.f", what);
    assert!(rows.len() > 10, "{what}: {rows:?}");
    let rows = caught_up_rows(&replica, &server, "tm.c", what);
    assert!(rows.len() > 10, "{what}: {rows:?}");
    replica.stop();
}

#[test]
fn mysql_97_times() {
    times(ServerKind::Mysql97, "mysql times");
}

#[test]
fn mariadb_1011_times() {
    times(ServerKind::Mariadb1011, "mariadb times");
}

/// MariaDB's JSON columns are text: stored as the statement gives them,
/// compared as utf8mb4_bin text.
#[test]
fn mariadb_1011_json_text() {
    let (server, _tmp, replica) = statement_primary(ServerKind::Mariadb1011, &[]);
    server
        .sql(
            "SET NAMES utf8mb4; CREATE DATABASE js; \
             CREATE TABLE js.d (id INT PRIMARY KEY, doc JSON, tag VARCHAR(10)) \
               DEFAULT CHARSET=utf8mb4; \
             INSERT INTO js.d VALUES (1, '{\"a\": 1, \"b\": [1, 2]}', 'x'), (2, '[]', 'y'), \
               (3, NULL, 'z'), (4, '{\"é\": \"ü\"}', 'w'); \
             UPDATE js.d SET doc = '{\"a\":2}' WHERE doc LIKE '%\"a\"%'; \
             UPDATE js.d SET tag = 'has' WHERE doc = '[]'; \
             INSERT INTO js.d (id, doc) VALUES (5, CONCAT('{\"n\": ', 5, '}'));",
        )
        .unwrap();
    let rows = caught_up_rows(&replica, &server, "js.d", "mariadb json");
    assert_eq!(rows.len(), 5);
    replica.stop();
}

/// MySQL's JSON columns: JSON text stored as the server's binary
/// document (keys sorted, a repeated key's last value, integers and
/// doubles as the server types them), shown and checksummed alike.
#[test]
fn mysql_97_json_documents() {
    let (server, _tmp, replica) = statement_primary(ServerKind::Mysql97, &[]);
    server
        .sql(
            r#"SET NAMES utf8mb4; CREATE DATABASE jm;
             CREATE TABLE jm.d (id INT PRIMARY KEY, doc JSON);
             INSERT INTO jm.d VALUES
               (1, '{"bb": 1, "a": [true, null, 1.5, -2, 1e2, 0.1], "b": "x\\n\\u00e9", "a": 3}'),
               (2, '[]'), (3, NULL), (4, '"str"'), (5, '18446744073709551615'),
               (6, '{"k": {"n": -9223372036854775808, "f": 3.0e-5, "é": ["ü", {}]}}');
             UPDATE jm.d SET doc = '{"z": 1, "y": [2, 2.50]}' WHERE id = 2;"#,
        )
        .unwrap();
    let rows = caught_up_rows(&replica, &server, "jm.d", "mysql json");
    assert_eq!(rows.len(), 6);
    replica.stop();
}

/// UPDATE IGNORE leaves a row that would collide on a unique key (or the
/// primary key) as it is and stores what does not fit as without strict
/// mode; DELETE IGNORE on a table no foreign key involves is a DELETE.
fn ignore(kind: ServerKind, what: &str) {
    let (server, _tmp, replica) = statement_primary(kind, &[]);
    server
        .sql(
            "CREATE DATABASE ig; CREATE TABLE ig.u (id INT PRIMARY KEY, code INT UNIQUE, \
               small TINYINT, name VARCHAR(5)) DEFAULT CHARSET=utf8mb4; \
             INSERT INTO ig.u VALUES (1, 10, 1, 'a'), (2, 20, 2, 'b'), (3, 30, 3, 'c'), \
               (4, 40, 4, 'd'); \
             UPDATE IGNORE ig.u SET code = 20 WHERE id = 1; \
             UPDATE IGNORE ig.u SET small = 1000, name = 'toolongname' WHERE id = 2; \
             UPDATE IGNORE ig.u SET id = id + 10 WHERE id = 3; \
             UPDATE IGNORE ig.u SET id = 2 WHERE id = 13; \
             UPDATE IGNORE ig.u SET code = code + 1 WHERE id = 4; \
             DELETE IGNORE FROM ig.u WHERE id = 1;",
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let rows = caught_up_rows(&replica, &server, "ig.u", what);
    assert_eq!(rows.len(), 3, "{what}: {rows:?}");
    replica.stop();
}

#[test]
fn mysql_97_ignore() {
    ignore(ServerKind::Mysql97, "mysql ignore");
}

#[test]
fn mariadb_1011_ignore() {
    ignore(ServerKind::Mariadb1011, "mariadb ignore");
}
