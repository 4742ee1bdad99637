//! INSERT … SELECT with GROUP BY, aggregates, HAVING and joins under
//! statement-based replication, against real primaries: COUNT, SUM,
//! AVG, MIN and MAX over integers, decimals, text and dates, grouped by
//! numbers, text under its collation and expressions, GROUP BY and
//! ORDER BY by position and alias, aggregates over no rows, and groups
//! written in ORDER BY order into an AUTO_INCREMENT table; JOIN … ON,
//! LEFT JOIN … USING grouped, and a comma join in ORDER BY order;
//! SELECT DISTINCT, also in ORDER BY order with LIMIT. After
//! catch-up every table equals the primary's. Text grouped together by
//! a case-insensitive collation but spelled differently stops the
//! applier (MySQL shows whichever it reads first).

#![allow(clippy::unwrap_used)]

mod replica_harness;

use replica_harness::real::{caught_up_rows, statement_primary, stopped, understudy_rows};
use understudy_testbed::ServerKind;

fn grouped(kind: ServerKind, what: &str) {
    let (server, _tmp, replica) = statement_primary(kind, &[]);
    let mut rows = Vec::new();
    let mut seed = 7u64;
    for id in 1..=300 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = seed >> 33;
        let k = r % 7;
        let v = if r.is_multiple_of(11) {
            "NULL".to_owned()
        } else {
            format!("{}", (r % 1000) as i64 - 300)
        };
        let d = format!("{}.{:02}", r % 500, r % 100);
        let name = ["alpha", "beta", "gamma", "delta", "épsilon"][(r % 5) as usize];
        let day = format!("2024-0{}-1{}", 1 + r % 9, r % 10);
        rows.push(format!("({id}, {k}, {v}, {d}, '{name}', '{day}')"));
    }
    server
        .sql(&format!(
            "SET NAMES utf8mb4; CREATE DATABASE gb; \
             CREATE TABLE gb.s (id INT PRIMARY KEY, k INT, v INT, d DECIMAL(8,2), \
               name VARCHAR(20), day DATE) DEFAULT CHARSET=utf8mb4; \
             INSERT INTO gb.s VALUES {}; \
             CREATE TABLE gb.t (k INT PRIMARY KEY, n INT, total DECIMAL(20,2), mean DECIMAL(20,6), \
               lo VARCHAR(20), hi VARCHAR(20), first DATE, span VARCHAR(40)) DEFAULT CHARSET=utf8mb4; \
             INSERT INTO gb.t SELECT k, COUNT(*), SUM(d), AVG(v), MIN(name), MAX(name), MIN(day), \
               CONCAT(MIN(v), '..', MAX(v)) FROM gb.s WHERE id > 10 GROUP BY k; \
             CREATE TABLE gb.a (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), n INT, \
               s DECIMAL(20,2)) DEFAULT CHARSET=utf8mb4; \
             INSERT INTO gb.a (name, n, s) SELECT name AS nm, COUNT(v), SUM(v) + 1 AS total \
               FROM gb.s GROUP BY nm HAVING COUNT(*) > 10 AND total > -1000 \
               ORDER BY total DESC, 1; \
             INSERT INTO gb.a (name, n, s) SELECT 'all', COUNT(*), SUM(d) FROM gb.s; \
             INSERT INTO gb.a (name, n, s) SELECT 'none', COUNT(*), SUM(d) FROM gb.s WHERE id < 0; \
             INSERT INTO gb.a (name, n, s) SELECT 'avg', COUNT(DISTINCT id) > 0, AVG(d) FROM gb.s \
               WHERE k = 3; \
             CREATE TABLE gb.m (b INT PRIMARY KEY, c INT, mx DATE); \
             INSERT INTO gb.m SELECT v DIV 100, COUNT(*), MAX(day) FROM gb.s \
               WHERE v IS NOT NULL GROUP BY v DIV 100; \
             CREATE TABLE gb.k (k INT PRIMARY KEY, label VARCHAR(10)) DEFAULT CHARSET=utf8mb4; \
             INSERT INTO gb.k VALUES (0, 'zero'), (1, 'one'), (2, 'two'), (3, 'three'), \
               (5, 'five'); \
             CREATE TABLE gb.j (id INT PRIMARY KEY, label VARCHAR(10), v INT); \
             INSERT INTO gb.j SELECT s.id, k.label, s.v FROM gb.s s JOIN gb.k k ON k.k = s.k \
               WHERE s.v > 0; \
             CREATE TABLE gb.jg (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(10), n INT, \
               total DECIMAL(20,2)); \
             INSERT INTO gb.jg (label, n, total) SELECT k.label, COUNT(*), SUM(s.d) \
               FROM gb.s s LEFT JOIN gb.k k USING (k) GROUP BY k.label ORDER BY k.label; \
             CREATE TABLE gb.ja (n INT AUTO_INCREMENT PRIMARY KEY, id INT, label VARCHAR(10)); \
             INSERT INTO gb.ja (id, label) SELECT s.id, k.label FROM gb.s s, gb.k k \
               WHERE s.k = k.k AND s.id < 50 ORDER BY s.id DESC; \
             CREATE TABLE gb.dd (k INT, name VARCHAR(20), PRIMARY KEY (k, name)) \
               DEFAULT CHARSET=utf8mb4; \
             INSERT INTO gb.dd SELECT DISTINCT k, name FROM gb.s WHERE id % 3 = 0; \
             CREATE TABLE gb.dl (n INT AUTO_INCREMENT PRIMARY KEY, b INT); \
             INSERT INTO gb.dl (b) SELECT DISTINCT v DIV 100 AS b FROM gb.s \
               WHERE v IS NOT NULL ORDER BY b DESC LIMIT 5;",
            rows.join(", ")
        ))
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let t = caught_up_rows(&replica, &server, "gb.t", what);
    assert_eq!(t.len(), 7, "{what}: {t:?}");
    replica.stop();
}

#[test]
fn mysql_97_group_by() {
    grouped(ServerKind::Mysql97, "mysql group by");
}

#[test]
fn mariadb_1011_group_by() {
    grouped(ServerKind::Mariadb1011, "mariadb group by");
}

#[test]
fn mariadb_1011_group_by_mixed_case_stops() {
    let (server, _tmp, replica) = statement_primary(ServerKind::Mariadb1011, &[]);
    server
        .sql(
            "SET NAMES utf8mb4; CREATE DATABASE gc; \
             CREATE TABLE gc.s (id INT PRIMARY KEY, name VARCHAR(9)) DEFAULT CHARSET=utf8mb4; \
             INSERT INTO gc.s VALUES (1, 'a'), (2, 'A'), (3, 'b'); \
             CREATE TABLE gc.t (name VARCHAR(9), n INT) DEFAULT CHARSET=utf8mb4; \
             INSERT INTO gc.t SELECT name, COUNT(*) FROM gc.s WHERE id = 3 GROUP BY name; \
             INSERT INTO gc.t SELECT name, COUNT(*) FROM gc.s GROUP BY name;",
        )
        .unwrap();
    let text = stopped(&replica, "mixed case");
    assert!(text.contains("spelled differently"), "{text}");
    assert_eq!(
        understudy_rows(&replica.dir, "gc.t"),
        vec!["b\t1".to_owned()]
    );
    replica.stop_expecting(true);
}
