//! Statement-based replication against real primaries in
//! `binlog_format=STATEMENT` and `MIXED` (MariaDB 10.11, and MySQL 9.7
//! with GTIDs off): random INSERT … VALUES (multi-row, column lists, DEFAULT,
//! AUTO_INCREMENT from the INTVAR event), UPDATE and DELETE with WHERE,
//! ORDER BY and LIMIT and MySQL's arithmetic, in multi-statement
//! transactions and rollbacks, with an ALTER TABLE mid-stream. After
//! catch-up, `export` equals `mysql --batch` for every table and
//! `verify` agrees. A statement understudy does not execute stops the
//! applier naming it (checked last, in STATEMENT format).

#![allow(clippy::unwrap_used)]

mod replica_harness;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use replica_harness::real::{
    assert_rows_equal, server_rows, understudy_rows, understudy_verify, wait_applied,
};
use replica_harness::{Replica, Rng, create_repl_user};
use understudy_testbed::{Server, ServerKind, ServerOptions};

const SETUP: &str = "
CREATE DATABASE sb;
CREATE TABLE sb.t (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  n INT NOT NULL DEFAULT 5, amount DECIMAL(10,2), ratio DOUBLE,
  name VARCHAR(30), code CHAR(4), note TEXT, raw VARBINARY(8), big BIGINT UNSIGNED,
  d DATE, dt DATETIME(3), y YEAR
) DEFAULT CHARSET=utf8mb4;
CREATE TABLE sb.nokey (a INT, b VARCHAR(10)) DEFAULT CHARSET=utf8mb4;
CREATE TABLE sb.comp (k1 INT NOT NULL, k2 VARCHAR(8) NOT NULL, v BIGINT UNSIGNED,
  PRIMARY KEY (k1, k2)) DEFAULT CHARSET=utf8mb4;
";

const WORDS: &[&str] = &[
    "alpha",
    "beta",
    "gamma",
    "café",
    "delta x",
    "tab\\there",
    "q''uote",
];

fn t_values(r: &mut Rng) -> String {
    format!(
        "({}, {}.{:02}, {}e-2, '{}', '{}', {}, X'{:04x}', {}, '2024-{}-{}', \
         '2024-02-{:02} {}:{:02}:{:02}.{}', {})",
        r.range(-50, 50),
        r.range(-9999, 9999),
        r.below(100),
        r.range(-500, 500),
        r.pick(WORDS),
        r.pick(&["ab", "c", "dd  ", ""]),
        if r.below(3) == 0 {
            "NULL".to_owned()
        } else {
            format!("REPEAT('n{}', {})", r.below(9), r.below(4))
        },
        r.below(65536),
        r.below(1 << 40),
        r.range(1, 12),
        r.range(1, 28),
        r.range(1, 29),
        r.below(24),
        r.below(60),
        r.below(60),
        r.below(100_000),
        r.range(0, 99),
    )
}

fn workload(seed: u64) -> Vec<String> {
    let mut r = Rng(seed | 1);
    let mut out = Vec::new();
    let mut comp_keys = BTreeSet::new();
    let mut altered = false;
    for step in 0..300 {
        let cols = "n, amount, ratio, name, code, note, raw, big, d, dt, y";
        let stmt = match r.below(14) {
            0..=2 => {
                let rows: Vec<String> = (0..r.range(1, 4)).map(|_| t_values(&mut r)).collect();
                format!("INSERT INTO sb.t ({cols}) VALUES {};", rows.join(", "))
            }
            3 => format!(
                "INSERT INTO t (id, n, name) VALUES (NULL, DEFAULT, '{}'), (0, {}, NULL), \
                 ({}, 1, 'explicit'), (NULL, 2, NULL);",
                r.pick(WORDS),
                r.range(0, 9),
                // Past every id so far: the next generated ones follow it.
                100_000 * (step + 1)
            ),
            4 => format!(
                "UPDATE sb.t SET n = n + {}, amount = amount * 2 - 1.5, ratio = ratio / 3 \
                 WHERE id = {};",
                r.range(-3, 3),
                r.range(1, 60)
            ),
            5 => format!(
                "UPDATE sb.t SET name = '{}', n = n DIV 2 WHERE n BETWEEN {} AND {} OR name IS NULL;",
                r.pick(WORDS),
                r.range(-50, 0),
                r.range(0, 50)
            ),
            6 => format!(
                "UPDATE sb.t SET code = 'z', big = big + 1 WHERE id IN ({}, {}, {}) AND amount > {};",
                r.range(1, 60),
                r.range(1, 60),
                r.range(1, 60),
                r.range(-5000, 5000)
            ),
            7 => format!(
                "UPDATE sb.t SET amount = NULL, n = n % 7 ORDER BY n DESC, id LIMIT {};",
                r.range(1, 3)
            ),
            8 => match r.below(3) {
                0 => format!("DELETE FROM sb.t WHERE id % 11 = {};", r.below(11)),
                1 => format!(
                    "UPDATE sb.t SET d = '2025-01-{:02}', dt = '2025-06-30 23:59:59.9994' \
                     WHERE d < '2024-{}-01' AND dt >= '2024-02-10 12:00';",
                    r.range(1, 31),
                    r.range(2, 12)
                ),
                _ => format!(
                    "DELETE FROM sb.t WHERE dt BETWEEN '2024-02-{:02}' AND '2024-02-{:02} 06:00:00' \
                     OR y = {};",
                    r.range(1, 28),
                    r.range(1, 28),
                    r.range(2000, 2099)
                ),
            },
            9 => format!(
                "DELETE FROM sb.t WHERE name = '{}' ORDER BY id DESC LIMIT 1;",
                r.pick(WORDS)
            ),
            10 => format!(
                "INSERT INTO sb.nokey VALUES ({}, '{}'), ({}, NULL);",
                r.below(6),
                r.pick(&["x", "y", "zz"]),
                r.below(6)
            ),
            11 => {
                if r.below(2) == 0 {
                    format!(
                        "UPDATE sb.nokey SET b = 'u{}' WHERE a = {};",
                        r.below(9),
                        r.below(6)
                    )
                } else {
                    format!("DELETE FROM sb.nokey WHERE a = {} LIMIT 50;", r.below(6))
                }
            }
            12 => {
                let k = (r.range(0, 20), format!("k{}", r.below(30)));
                if comp_keys.insert(k.clone()) {
                    format!(
                        "INSERT INTO sb.comp VALUES ({}, '{}', {});",
                        k.0,
                        k.1,
                        r.below(1000)
                    )
                } else {
                    format!(
                        "UPDATE sb.comp SET v = v * 2 + 1 WHERE k1 = {} AND k2 = '{}';",
                        k.0, k.1
                    )
                }
            }
            _ => {
                let a = t_values(&mut r);
                let b = t_values(&mut r);
                if r.below(3) == 0 {
                    format!(
                        "START TRANSACTION; INSERT INTO sb.t ({cols}) VALUES {a}; \
                         UPDATE sb.t SET n = -n WHERE id < 5; ROLLBACK;"
                    )
                } else {
                    format!(
                        "START TRANSACTION; INSERT INTO sb.t ({cols}) VALUES {a}; \
                         INSERT INTO sb.t ({cols}) VALUES {b}; DELETE FROM sb.t WHERE n = {}; COMMIT;",
                        r.range(-3, 3)
                    )
                }
            }
        };
        out.push(stmt);
        if step == 150 && !altered {
            altered = true;
            out.push(
                "ALTER TABLE sb.t ADD COLUMN extra INT NOT NULL DEFAULT 42 AFTER n;\
                 UPDATE sb.t SET extra = extra + n WHERE id % 2 = 0;"
                    .to_owned(),
            );
        }
    }
    out
}

fn run(kind: ServerKind, format: &str, what: &str) {
    let server = Server::start(kind, ServerOptions::new().binlog_format(format)).unwrap();
    create_repl_user(&server);
    let seed = match std::env::var("UNDERSTUDY_RANDOM_SEED") {
        Ok(s) => s.parse().unwrap(),
        Err(_) => 0x5b_0001 + what.len() as u64,
    };
    eprintln!("{what}: seed {seed}");
    let tmp = tempfile::tempdir().unwrap();
    let replica = Replica::start(tmp.path(), &server, &[]);
    server.sql(SETUP).unwrap();
    // `sb` the default database: some statements name their table alone.
    server
        .sql(&format!(
            "SET NAMES utf8mb4; USE sb;\n{}",
            workload(seed).join("\n")
        ))
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let status = wait_applied(&replica, &server);
    assert!(status.contains("Last_SQL_Errno: 0\n"), "{status}");
    let dir = replica.dir.clone();
    for t in ["sb.t", "sb.nokey", "sb.comp"] {
        let ours = understudy_rows(&dir, t);
        assert!(!ours.is_empty(), "{what}: {t} is empty");
        assert_rows_equal(&format!("{what}: {t}"), &ours, &server_rows(&server, t));
    }
    let (ok, text) = understudy_verify(&dir, &server);
    assert!(
        ok && text.contains(": 3 equal, 0 different"),
        "{what}: {text}"
    );

    if format != "STATEMENT" {
        // (MIXED may log the statement below as rows.)
        replica.stop();
        return;
    }
    // A statement understudy does not execute stops the applier, named.
    server
        .sql("USE sb; INSERT INTO sb.nokey SELECT a + 100, b FROM sb.nokey;")
        .unwrap();
    let t0 = Instant::now();
    loop {
        let text = std::fs::read_to_string(dir.join("applier-status")).unwrap_or_default();
        if text.contains("Last_SQL_Errno: 1593\n") {
            assert!(text.contains("INSERT … SELECT"), "{text}");
            assert!(text.contains("INSERT INTO sb.nokey SELECT"), "{text}");
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "{what}: no stop:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    replica.stop_expecting(true);
}

#[test]
fn mariadb_1011_statement() {
    run(ServerKind::Mariadb1011, "STATEMENT", "mariadb statement");
}

/// MariaDB's default format: safe statements as statements, the others
/// (LIMIT, non-deterministic functions) as rows, in one stream.
#[test]
fn mariadb_1011_mixed() {
    run(ServerKind::Mariadb1011, "MIXED", "mariadb mixed");
}

#[test]
fn mysql_97_mixed() {
    run(ServerKind::Mysql97, "MIXED", "mysql mixed");
}

#[test]
fn mysql_97_statement() {
    run(ServerKind::Mysql97, "STATEMENT", "mysql statement");
}

/// Statements whose effect on the primary depends on what the binlog does
/// not say stop the applier instead of being guessed: here a DELETE …
/// LIMIT that matches more rows than it takes, with no ORDER BY.
#[test]
fn mariadb_1011_limit_without_order_stops() {
    let server = Server::start(
        ServerKind::Mariadb1011,
        ServerOptions::new().binlog_format("STATEMENT"),
    )
    .unwrap();
    create_repl_user(&server);
    let tmp = tempfile::tempdir().unwrap();
    let replica = Replica::start(tmp.path(), &server, &[]);
    server
        .sql(
            "CREATE DATABASE sb; CREATE TABLE sb.k (id INT PRIMARY KEY, k INT, KEY (k)); \
             INSERT INTO sb.k VALUES (1, 9), (2, 8), (3, 7), (4, 6); \
             DELETE FROM sb.k WHERE id < 3 LIMIT 5; DELETE FROM sb.k WHERE k > 0 LIMIT 1;",
        )
        .unwrap();
    let t0 = Instant::now();
    loop {
        let text = std::fs::read_to_string(replica.dir.join("applier-status")).unwrap_or_default();
        if text.contains("Last_SQL_Errno: 1593\n") {
            assert!(text.contains("a LIMIT without an ORDER BY"), "{text}");
            assert!(
                text.contains("DELETE FROM sb.k WHERE k > 0 LIMIT 1"),
                "{text}"
            );
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(60), "no stop:\n{text}");
        std::thread::sleep(Duration::from_millis(100));
    }
    // The statements before it were applied: LIMIT 5 took both rows.
    assert_eq!(
        understudy_rows(&replica.dir, "sb.k"),
        vec!["3\t7".to_owned(), "4\t6".to_owned()]
    );
    replica.stop_expecting(true);
}
