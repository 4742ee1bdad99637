//! Statements whose effect on the primary depends on what the binlog does
//! not say stop the applier instead of being guessed, naming the
//! statement; the statements before them are applied.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use replica_harness::real::{statement_primary, stopped, understudy_rows};
use understudy_testbed::ServerKind;

/// A DELETE … LIMIT that matches more rows than it takes, with no ORDER
/// BY.
#[test]
fn mariadb_1011_limit_without_order_stops() {
    let (server, _tmp, replica) = statement_primary(ServerKind::Mariadb1011, &[]);
    server
        .sql(
            "CREATE DATABASE sb; CREATE TABLE sb.k (id INT PRIMARY KEY, k INT, KEY (k)); \
             INSERT INTO sb.k VALUES (1, 9), (2, 8), (3, 7), (4, 6); \
             DELETE FROM sb.k WHERE id < 3 LIMIT 5; DELETE FROM sb.k WHERE k > 0 LIMIT 1;",
        )
        .unwrap();
    let text = stopped(&replica, "limit");
    assert!(text.contains("a LIMIT without an ORDER BY"), "{text}");
    assert!(
        text.contains("DELETE FROM sb.k WHERE k > 0 LIMIT 1"),
        "{text}"
    );
    // The statements before it were applied: LIMIT 5 took both rows.
    assert_eq!(
        understudy_rows(&replica.dir, "sb.k"),
        vec!["3\t7".to_owned(), "4\t6".to_owned()]
    );
    replica.stop_expecting(true);
}

/// An uncorrelated subquery is run once; a correlated one stops the
/// applier, named.
#[test]
fn mariadb_1011_correlated_subquery_stops() {
    let (server, _tmp, replica) = statement_primary(ServerKind::Mariadb1011, &[]);
    server
        .sql(
            "CREATE DATABASE sq; CREATE TABLE sq.a (id INT PRIMARY KEY, v INT); \
             CREATE TABLE sq.b (id INT PRIMARY KEY, a_id INT); \
             INSERT INTO sq.a VALUES (1, 0), (2, 0), (3, 0); INSERT INTO sq.b VALUES (1, 1), (2, 3); \
             DELETE FROM sq.a WHERE id NOT IN (SELECT a_id FROM sq.b); \
             UPDATE sq.a SET v = 1 WHERE EXISTS (SELECT 1 FROM sq.b WHERE sq.b.a_id = sq.a.id);",
        )
        .unwrap();
    let text = stopped(&replica, "correlated");
    assert!(text.contains("(correlated) is not applied yet"), "{text}");
    assert_eq!(
        understudy_rows(&replica.dir, "sq.a"),
        vec!["1\t0".to_owned(), "3\t0".to_owned()]
    );
    replica.stop_expecting(true);
}

/// A multi-table UPDATE whose outcome depends on the source's join order
/// stops the applier; one where every joined row agrees is applied.
#[test]
fn mysql_97_multi_table_join_order_stops() {
    let (server, _tmp, replica) = statement_primary(ServerKind::Mysql97, &[]);
    server
        .sql(
            "CREATE DATABASE mt; CREATE TABLE mt.a (id INT PRIMARY KEY, v INT); \
             CREATE TABLE mt.b (id INT PRIMARY KEY, a_id INT, w INT); \
             INSERT INTO mt.a VALUES (1, 0), (2, 0); \
             INSERT INTO mt.b VALUES (1, 1, 10), (2, 1, 20), (3, 2, 5), (4, 2, 5); \
             UPDATE mt.a, mt.b SET a.v = b.w WHERE b.a_id = a.id AND a.id = 2; \
             UPDATE mt.a JOIN mt.b ON b.a_id = a.id SET a.v = b.w;",
        )
        .unwrap();
    let text = stopped(&replica, "multi");
    assert!(
        text.contains("different values from different joined rows"),
        "{text}"
    );
    assert!(text.contains("UPDATE mt.a JOIN mt.b ON"), "{text}");
    assert_eq!(
        understudy_rows(&replica.dir, "mt.a"),
        vec!["1\t0".to_owned(), "2\t5".to_owned()]
    );
    replica.stop_expecting(true);
}
