//! Statement-based replication against real primaries in
//! `binlog_format=STATEMENT` and `MIXED` (MariaDB 10.11, and MySQL 9.7
//! with GTIDs off): random INSERT … VALUES (multi-row, column lists,
//! DEFAULT, AUTO_INCREMENT from the INTVAR event), INSERT IGNORE,
//! REPLACE and ON DUPLICATE KEY UPDATE over unique keys, INSERT …
//! SELECT, NOW() and CURRENT_TIMESTAMP defaults and ON UPDATE, TIMESTAMP
//! columns in changing session time zones, user variables, RAND() and
//! LAST_INSERT_ID(), UPDATE and DELETE with WHERE, ORDER BY and LIMIT
//! and MySQL's arithmetic, in multi-statement transactions and
//! rollbacks, with an ALTER TABLE mid-stream, and in MIXED format
//! UUID(), which the primary logs as rows. After catch-up, `export`
//! equals `mysql --batch` for every table and `verify` agrees. A
//! statement understudy does not execute stops the applier naming it
//! (checked last, in STATEMENT format).

#![allow(clippy::unwrap_used)]

mod replica_harness;

use std::collections::BTreeSet;

use replica_harness::real::{
    assert_rows_equal, caught_up_rows, server_rows, statement_primary, stopped, understudy_rows,
    understudy_verify, wait_applied,
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
CREATE TABLE sb.u (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, ext INT NOT NULL UNIQUE,
  slot INT, hits INT NOT NULL DEFAULT 0, v DECIMAL(8,2), UNIQUE KEY (slot), KEY (hits));
CREATE TABLE sb.ctr (day DATE NOT NULL, k INT NOT NULL, hits INT NOT NULL, total DECIMAL(12,2),
  PRIMARY KEY (day, k));
CREATE TABLE sb.ev (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, what VARCHAR(20),
  at DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3), seen TIMESTAMP NULL DEFAULT NULL,
  changed TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  day DATE, fixed TIMESTAMP NULL DEFAULT NULL) DEFAULT CHARSET=utf8mb4;
";

/// INSERT … SELECT from one table: in any order where order does not
/// matter, in the statement's ORDER BY where it does (AUTO_INCREMENT,
/// duplicates).
fn insert_select(r: &mut Rng) -> String {
    match r.below(4) {
        0 => format!(
            "INSERT INTO sb.nokey SELECT a + 10, CONCAT(b, '!') FROM sb.nokey WHERE a = {};",
            r.below(6)
        ),
        1 => format!(
            "INSERT INTO sb.ctr (day, k, hits, total) SELECT '2024-05-01', id % 5, n, amount \
             FROM sb.t WHERE id BETWEEN {a} AND {a} + 3 ORDER BY id \
             ON DUPLICATE KEY UPDATE hits = hits + VALUES(hits);",
            a = r.range(1, 60)
        ),
        2 => format!(
            "INSERT INTO sb.t (n, name, amount) SELECT n + 1, name, amount FROM sb.t WHERE id = {};",
            r.range(1, 60)
        ),
        _ => format!(
            "INSERT INTO sb.t (n, name) SELECT k1 % 50, CONCAT('copy ', k2) FROM sb.comp \
             ORDER BY k1 DESC, k2 LIMIT {};",
            r.range(1, 3)
        ),
    }
}

/// Multi-table UPDATE and DELETE: JOIN … ON, comma lists with the join
/// in the WHERE, LEFT JOIN, USING, and a row matched by several joined
/// rows that all give it the same values.
fn joined(r: &mut Rng) -> String {
    match r.below(7) {
        6 => format!(
            "UPDATE sb.u JOIN sb.t USING (id) SET u.hits = u.hits + 1, u.v = t.n WHERE t.n < {};",
            r.range(-10, 30)
        ),
        0 => format!(
            "UPDATE sb.t JOIN sb.comp ON comp.k1 = t.id SET t.code = 'j', \
             comp.v = comp.v + t.id WHERE comp.k2 = 'k{}';",
            r.below(30)
        ),
        1 => format!(
            "UPDATE sb.u, ctr SET u.hits = u.hits + ctr.hits, v = ctr.total \
             WHERE u.id = ctr.k AND ctr.day = '2024-03-0{}';",
            r.range(1, 3)
        ),
        2 => format!(
            "UPDATE sb.t AS x JOIN sb.nokey n ON n.a = x.id SET x.note = CONCAT('joined ', n.a) \
             WHERE x.n > {};",
            r.range(-20, 20)
        ),
        3 => format!(
            "DELETE sb.nokey FROM sb.nokey LEFT JOIN sb.t ON sb.t.id = sb.nokey.a \
             WHERE sb.t.id IS NULL AND nokey.b = '{}';",
            r.pick(&["x", "y", "zz"])
        ),
        4 => format!(
            "DELETE FROM sb.comp USING sb.comp, sb.t WHERE comp.k1 = t.id AND t.n > {};",
            r.range(0, 60)
        ),
        _ => format!(
            "DELETE c, x FROM sb.comp AS c JOIN sb.ctr AS x ON x.k = c.k1 % 4 WHERE c.k1 = {} \
             AND x.day = '2024-03-02';",
            r.range(0, 20)
        ),
    }
}

/// UPDATE and DELETE with uncorrelated subqueries in the WHERE: IN, NOT
/// IN (with NULLs), EXISTS, over numbers and collated text.
fn subqueries(r: &mut Rng) -> String {
    match r.below(4) {
        0 => format!(
            "DELETE FROM sb.nokey WHERE a IN (SELECT k1 FROM sb.comp WHERE v > {});",
            r.below(1000)
        ),
        1 => format!(
            "UPDATE sb.u SET hits = hits + 1 WHERE slot NOT IN \
             (SELECT n FROM sb.t WHERE n > {}) AND ext < {};",
            r.range(-20, 20),
            r.below(25)
        ),
        2 => format!(
            "UPDATE sb.t SET n = n + 1 WHERE id < 20 AND EXISTS \
             (SELECT 1 FROM sb.ctr WHERE hits > {});",
            r.below(6)
        ),
        _ => format!(
            "DELETE FROM sb.ev WHERE what IN (SELECT name FROM sb.t WHERE id < {}) \
             OR what NOT IN (SELECT b FROM sb.nokey WHERE a = {});",
            r.range(1, 60),
            r.below(6)
        ),
    }
}

/// What the events before a statement carry: user variables (User_var),
/// RAND()'s seeds (Rand) and LAST_INSERT_ID() (INTVAR).
fn session_values(r: &mut Rng, mariadb: bool) -> String {
    match r.below(5) {
        4 => format!(
            "UPDATE sb.t SET note = SHA2(CONCAT(name, n), 256), code = LEFT({}, 4) \
             WHERE id = {};",
            // (MySQL 9.7 has no MD5() or SHA1().)
            if mariadb { "MD5(n)" } else { "SHA2(n, 224)" },
            r.range(1, 60)
        ),
        0 => format!(
            "SET @v = {}, @s = '{}', @d = {}.75, @nothing = NULL; \
             UPDATE sb.t SET n = @v, name = @s, amount = amount + @d, note = @nothing \
             WHERE id = {};",
            r.range(-9, 9),
            r.pick(WORDS),
            r.range(-3, 3),
            r.range(1, 60)
        ),
        1 => format!(
            "UPDATE sb.t SET ratio = FLOOR(RAND() * 1000) + RAND() WHERE id IN ({}, {});",
            r.range(1, 60),
            r.range(1, 60)
        ),
        2 => format!(
            "INSERT INTO sb.ev (what) VALUES ('{}'); \
             INSERT INTO sb.ctr VALUES ('2024-04-01', LAST_INSERT_ID() % 7, 1, 0) \
             ON DUPLICATE KEY UPDATE hits = hits + 1;",
            r.pick(WORDS)
        ),
        _ => format!(
            "SET @big = 18446744073709551615, @neg = -{}; \
             UPDATE sb.t SET big = @big - {}, y = 2000 + @neg WHERE id = {};",
            r.below(99),
            r.below(1000),
            r.range(1, 60)
        ),
    }
}

/// The statement's time: NOW() and its kin, CURRENT_TIMESTAMP defaults,
/// ON UPDATE CURRENT_TIMESTAMP, and TIMESTAMP columns written and read
/// in the session's time zone (and UNIX_TIMESTAMP, FROM_UNIXTIME);
/// calendar functions (week modes, TIMESTAMPDIFF, EXTRACT …) and string
/// search and padding.
fn clocked(r: &mut Rng) -> String {
    match r.below(14) {
        10 => weeks(r),
        13 => format!(
            "UPDATE sb.ev SET fixed = FROM_UNIXTIME(UNIX_TIMESTAMP(at) + {}), \
             seen = FROM_UNIXTIME(17{:08}.{:02}), \
             what = FROM_UNIXTIME(UNIX_TIMESTAMP(day), '%Y %V %a') WHERE id % 5 = {};",
            r.range(-90_000, 90_000),
            r.below(100_000_000),
            r.below(100),
            r.below(5)
        ),
        11 => format!(
            "UPDATE sb.t SET d = MAKEDATE(2024, {}), dt = TIMESTAMPADD(HOUR, {}, dt), \
             n = IFNULL(DAYOFWEEK(d) + WEEKDAY(dt) * 10 + EXTRACT(MONTH FROM dt) * 100, 0) \
             WHERE id % 6 = {};",
            r.range(1, 366),
            r.range(-50, 50),
            r.below(6)
        ),
        12 => format!(
            "UPDATE sb.t SET name = CONCAT(LPAD(id, 4, '0'), '-', \
             LEFT(SUBSTRING_INDEX(IFNULL(name, 'a.b'), ' ', 1), 20)), code = HEX(id % 256), \
             n = FIELD(y, 2000, 2001) + INSTR(IFNULL(code, ''), '{}') + CRC32(id) % 7 \
             WHERE id % 5 = {};",
            r.pick(&["a", "D", " "]),
            r.below(5)
        ),
        9 => format!(
            "UPDATE sb.ev SET what = DATE_FORMAT(at, '%b %D %H:%i %p'), \
             day = IFNULL(day, DATE(NOW())) WHERE id % 3 = {};",
            r.below(3)
        ),
        7 => format!(
            "UPDATE sb.t SET d = d + INTERVAL {} MONTH, dt = DATE_ADD(dt, INTERVAL 90 MINUTE) \
             WHERE YEAR(d) = 2024 AND id % 5 = {};",
            r.range(-13, 13),
            r.below(5)
        ),
        8 => format!(
            "DELETE FROM sb.ev WHERE at < NOW() - INTERVAL {} DAY OR DATEDIFF(day, '2024-01-01') = {};",
            r.range(1, 3),
            r.below(400)
        ),
        0 => "INSERT INTO sb.ev (what, day) VALUES ('today', CURDATE()), ('utc', UTC_DATE());"
            .to_owned(),
        1 => format!(
            "INSERT INTO sb.ev (what, seen, at) VALUES ('{}', NOW(), NOW(3)), \
             ('lit', '2024-0{}-06 07:08:09.5', CURRENT_TIMESTAMP);",
            r.pick(WORDS),
            r.range(1, 9)
        ),
        2 => format!(
            "UPDATE sb.ev SET what = IF(LENGTH(what) > 15, 'again', CONCAT(what, '+')) \
             WHERE id = {};",
            r.range(1, 30)
        ),
        3 => format!(
            "UPDATE sb.ev SET seen = UTC_TIMESTAMP(), fixed = NOW() WHERE id % 4 = {};",
            r.below(4)
        ),
        4 => format!(
            "SET time_zone = '{}';",
            r.pick(&["+05:30", "-03:00", "+00:00", "SYSTEM"])
        ),
        5 => format!(
            "DELETE FROM sb.ev WHERE seen < '2024-0{}-01' OR (what = 'utc' AND id % 3 = {});",
            r.range(2, 9),
            r.below(3)
        ),
        _ => format!(
            "INSERT INTO sb.ev (what, fixed, day) VALUES ('ts', '2030-0{}-15 12:00:00', NOW());",
            r.range(1, 9)
        ),
    }
}

/// A row into sb.ev and week modes, DAYNAME, QUARTER and TIMESTAMPDIFF
/// written into it (also the workload's last statement: other
/// statements may have emptied sb.ev).
fn weeks(r: &mut Rng) -> String {
    format!(
        "INSERT INTO sb.ev (what, day) VALUES ('wk', '2024-{:02}-{:02}'); \
         UPDATE sb.ev SET what = CONCAT(LEFT(DAYNAME(at), 3), WEEK(at, {}), '/', QUARTER(day), \
         '/', TIMESTAMPDIFF(MONTH, day, at)) WHERE id % 4 = {};",
        r.range(1, 12),
        r.range(1, 28),
        r.below(8),
        r.below(4)
    )
}

/// INSERT IGNORE, REPLACE and ON DUPLICATE KEY UPDATE on sb.u (two
/// unique keys besides its AUTO_INCREMENT primary key) and sb.ctr (a
/// counter table by primary key).
fn duplicates(r: &mut Rng) -> String {
    let slot = |r: &mut Rng| {
        if r.below(2) == 0 {
            "NULL".to_owned()
        } else {
            r.below(12).to_string()
        }
    };
    let rows = |r: &mut Rng, with_id: bool| -> String {
        (0..r.range(1, 4))
            .map(|_| {
                let id = match (with_id, r.below(4)) {
                    (false, _) => String::new(),
                    (true, 0) => format!("{}, ", r.range(1, 40)),
                    (true, _) => "NULL, ".to_owned(),
                };
                format!(
                    "({id}{}, {}, {}.{})",
                    r.below(25),
                    slot(r),
                    r.range(-99, 99),
                    r.below(10)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match r.below(5) {
        0 => format!(
            "INSERT IGNORE INTO sb.u (id, ext, slot, v) VALUES {};",
            rows(r, true)
        ),
        // A REPLACE whose row collides with one row on the primary key
        // and another on a unique key may update the second to the
        // first's id on the source (an error there): ext follows the id.
        1 => {
            let (a, b) = (r.range(1, 40), r.range(1, 40));
            format!(
                "REPLACE INTO sb.u (id, ext, slot, v) VALUES ({a}, {}, NULL, 1.5), \
                 ({b}, {}, NULL, {}.5);",
                a + 100,
                b + 100,
                r.range(-9, 9)
            )
        }
        2 => format!("REPLACE sb.u (ext, slot, v) VALUES {};", rows(r, false)),
        // Only ext can collide (slot NULL, the id generated): which row
        // is updated does not depend on key order.
        3 => format!(
            "INSERT INTO sb.u (ext, v) VALUES ({}, 1.5), ({}, 2.5) \
             ON DUPLICATE KEY UPDATE hits = hits + 1, v = VALUES(v) + v;",
            r.below(25),
            r.below(25)
        ),
        _ => format!(
            "INSERT INTO ctr VALUES ('2024-03-{:02}', {}, 1, {}.25), ('2024-03-01', 1, 1, 0) \
             ON DUPLICATE KEY UPDATE hits = hits + VALUES(hits), total = total + VALUES(total) * 2;",
            r.range(1, 3),
            r.below(4),
            r.below(100)
        ),
    }
}

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

/// `mixed`: the primary logs in MIXED format, which logs a statement
/// calling UUID() as rows; `mariadb`: the primary is MariaDB.
fn workload(seed: u64, mixed: bool, mariadb: bool) -> Vec<String> {
    let mut r = Rng(seed | 1);
    let mut out = Vec::new();
    let mut comp_keys = BTreeSet::new();
    let mut altered = false;
    for step in 0..300 {
        if !mariadb && r.below(25) == 0 {
            // MySQL 8.0.19's row alias in place of VALUES().
            out.push(format!(
                "INSERT INTO sb.ctr (day, k, hits, total) VALUES ('2024-03-01', {}, 2, 1.5), \
                 ('2024-03-02', {}, 3, 2.5) AS new (d, kk, h, t) \
                 ON DUPLICATE KEY UPDATE hits = ctr.hits + h, total = new.t * 2 + total;",
                r.below(4),
                r.below(4)
            ));
        }
        if mixed && r.below(30) == 0 {
            out.push(format!(
                "UPDATE sb.nokey SET b = LEFT(UUID(), 8) WHERE a = {};",
                r.below(6)
            ));
        }
        let cols = "n, amount, ratio, name, code, note, raw, big, d, dt, y";
        let stmt = match r.below(25) {
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
            14..=16 => duplicates(&mut r),
            17 | 18 => clocked(&mut r),
            19 | 20 => session_values(&mut r, mariadb),
            21 | 22 => insert_select(&mut r),
            23 | 24 => joined(&mut r),
            13 => subqueries(&mut r),
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
                 UPDATE sb.t SET extra = extra + n WHERE id % 2 = 0;\
                 ALTER TABLE sb.u DROP INDEX slot;"
                    .to_owned(),
            );
        }
    }
    out.push(weeks(&mut r));
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
            workload(seed, format == "MIXED", kind == ServerKind::Mariadb1011).join("\n")
        ))
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let status = wait_applied(&replica, &server);
    assert!(status.contains("Last_SQL_Errno: 0\n"), "{status}");
    let dir = replica.dir.clone();
    for t in ["sb.t", "sb.nokey", "sb.comp", "sb.u", "sb.ctr", "sb.ev"] {
        let ours = understudy_rows(&dir, t);
        assert!(!ours.is_empty(), "{what}: {t} is empty");
        assert_rows_equal(&format!("{what}: {t}"), &ours, &server_rows(&server, t));
    }
    let (ok, text) = understudy_verify(&dir, &server);
    assert!(
        ok && text.contains(": 6 equal, 0 different"),
        "{what}: {text}"
    );

    if format != "STATEMENT" {
        // (MIXED may log the statement below as rows.)
        replica.stop();
        return;
    }
    // A statement understudy does not execute stops the applier, named.
    server
        .sql("USE sb; INSERT INTO sb.t (n, name) SELECT a, b FROM sb.nokey;")
        .unwrap();
    let text = stopped(&replica, what);
    assert!(text.contains("INSERT … SELECT whose row order"), "{text}");
    assert!(text.contains("INSERT INTO sb.t (n, name) SELECT"), "{text}");
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

/// `sql_mode` without STRICT (and INSERT IGNORE under it): values that
/// do not fit are stored as the source stores them (clamped numbers, cut
/// strings, NULL in a NOT NULL column as its type's implicit default).
fn non_strict(kind: ServerKind, what: &str) {
    let (server, _tmp, replica) = statement_primary(kind, &[]);
    server
        .sql(
            "SET NAMES utf8mb4; CREATE DATABASE ns; \
             CREATE TABLE ns.t (id INT PRIMARY KEY, ti TINYINT UNSIGNED NOT NULL, \
               d DECIMAL(5,2), v VARCHAR(4), tx TINYTEXT, y YEAR, f FLOAT, \
               nn INT NOT NULL DEFAULT 7) DEFAULT CHARSET=utf8mb4; \
             SET SESSION sql_mode = ''; \
             INSERT INTO ns.t VALUES (1, 300, 12345.678, 'héllo wörld', REPEAT('é', 200), 3000, \
               1e300, 5); \
             INSERT INTO ns.t VALUES (2, -5, -99999, 'ab    ', 'x', 1999, -1e300, 1), \
               (3, 1, 1, 'z', 'y', 2000, 1, NULL); \
             UPDATE ns.t SET nn = NULL, v = CONCAT(v, 'extra'), ti = ti * 100 WHERE id < 3; \
             INSERT INTO ns.t (id, ti, d, f, nn) VALUES (6, '3abc', '12.345x', '1e2z', 'abc'), \
               (7, ' 2.5 apples', '', '-x', '9999999999999999999999'); \
             SET SESSION sql_mode = DEFAULT; \
             INSERT IGNORE INTO ns.t VALUES (4, 999, 0, 'too long', 'a', 1, 0, NULL), \
               (1, 0, 0, '', '', 2001, 0, 0), (5, 2, 1000, 'x', 'b', 2001, 0, NULL); \
             UPDATE ns.t SET v = 'abc       ' WHERE id = 3;",
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let ours = caught_up_rows(&replica, &server, "ns.t", what);
    assert_eq!(ours.len(), 7, "{what}: {ours:?}");
    replica.stop();
}

#[test]
fn mysql_97_non_strict() {
    non_strict(ServerKind::Mysql97, "mysql non-strict");
}

#[test]
fn mariadb_1011_non_strict() {
    non_strict(ServerKind::Mariadb1011, "mariadb non-strict");
}

/// Temporary tables of the source's sessions: one standing in front of a
/// real table of its name takes the statements that name it until it is
/// dropped; another feeds a real table by INSERT … SELECT; the session's
/// end drops what is left (the DROP the source logs then). Small relay
/// files make the relay log rotate while the temporary sb.k stands in
/// front of the real one: the copy of the source's format description a
/// new relay file starts with is not a source restart.
fn temporary_tables(kind: ServerKind, what: &str) {
    let (server, _tmp, replica) = statement_primary(kind, &["--max-relay-log-size", "4096"]);
    let filler: String = (1000..1100)
        .map(|i| format!("INSERT INTO sb.k VALUES ({i}, {i}); "))
        .collect();
    server
        .sql(&format!(
            "CREATE DATABASE sb; CREATE TABLE sb.k (id INT PRIMARY KEY, v INT); \
             INSERT INTO sb.k VALUES (1, 10); \
             CREATE TEMPORARY TABLE sb.k (id INT PRIMARY KEY, v INT); \
             {filler} \
             INSERT INTO sb.k VALUES (2, 20); \
             CREATE TEMPORARY TABLE sb.tmp (id INT PRIMARY KEY, v INT); \
             INSERT INTO sb.tmp SELECT id + 100, v FROM sb.k; \
             INSERT INTO sb.tmp VALUES (5, 50), (6, 60); \
             UPDATE sb.tmp SET v = v + 1 WHERE id = 6; \
             DROP TEMPORARY TABLE sb.k; \
             INSERT INTO sb.k SELECT id, v FROM sb.tmp; \
             INSERT INTO sb.k VALUES (3, 30);"
        ))
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    // Another session, with its own temporary sb.tmp.
    server
        .sql(
            "CREATE TEMPORARY TABLE sb.tmp LIKE sb.k; \
             INSERT INTO sb.tmp VALUES (7, 70); INSERT INTO sb.k SELECT * FROM sb.tmp;",
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let ours = caught_up_rows(&replica, &server, "sb.k", what);
    // The real sb.k: its own row, and what came through sb.tmp (the
    // temporary sb.k's rows, shifted by 100), never the temporary's rows
    // themselves.
    let mut want: Vec<String> = ["1\t10", "102\t20", "3\t30", "5\t50", "6\t61", "7\t70"]
        .map(String::from)
        .into();
    want.extend((1000..1100).map(|i| format!("{}\t{i}", i + 100)));
    want.sort();
    assert_eq!(ours, want, "{what}");
    replica.stop();
}

#[test]
fn mysql_97_temporary_tables() {
    temporary_tables(ServerKind::Mysql97, "mysql temporary tables");
}

#[test]
fn mariadb_1011_temporary_tables() {
    temporary_tables(ServerKind::Mariadb1011, "mariadb temporary tables");
}

/// LOAD DATA: the file travels in the binlog (Begin_load_query,
/// Append_block, Execute_load_query) and is split as the source split it
/// (enclosed fields, escapes, `\N`, IGNORE n LINES, REPLACE); fields into
/// user variables and a SET clause.
fn load_data(kind: ServerKind, what: &str) {
    let (server, _tmp, replica) = statement_primary(kind, &[]);
    let files = tempfile::tempdir().unwrap();
    let (one, two) = (files.path().join("one.csv"), files.path().join("two.tsv"));
    let three = files.path().join("three.csv");
    std::fs::write(&three, "x,1,one\nyy,2,tw\u{f6}\n\\N,3,three\n").unwrap();
    std::fs::write(
        &one,
        "name,n,d\nalpha,1,2024-01-02\n\"be,ta\",2,2024-02-03\n\"caf\u{e9}\",\\N,\\N\n\"q\"\"uote\",4,2024-04-05\n",
    )
    .unwrap();
    let mut big = String::from("1\tREPLACED\t10\t2025-01-01\n100\tnew\t\\N\t\\N\n");
    // Past one Append_block (the source cuts the file into blocks).
    for i in 200..20_000 {
        big.push_str(&format!(
            "{i}\trow {i}\t{}\t2024-06-{:02}\n",
            i % 7,
            i % 28 + 1
        ));
    }
    std::fs::write(&two, big).unwrap();
    // The server reads the files: they must be world-readable.
    for p in [files.path(), one.as_path(), two.as_path(), three.as_path()] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    server
        .sql(&format!(
            "CREATE DATABASE ld; CREATE TABLE ld.t (id INT AUTO_INCREMENT PRIMARY KEY, \
             name VARCHAR(20), n INT, d DATE) DEFAULT CHARSET=utf8mb4; \
             LOAD DATA INFILE '{}' INTO TABLE ld.t CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' \
             OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\\n' IGNORE 1 LINES (name, n, d); \
             LOAD DATA INFILE '{}' REPLACE INTO TABLE ld.t CHARACTER SET utf8mb4 (id, name, n, d); \
             LOAD DATA INFILE '{}' INTO TABLE ld.t CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' \
             (@w, @num, name) SET n = @num * 10 + LENGTH(@w), \
             d = DATE_ADD('2024-01-01', INTERVAL @num DAY), id = 50000 + @num, \
             name = CONCAT(UPPER(name), '/', IFNULL(@w, '-'));",
            one.display(),
            two.display(),
            three.display()
        ))
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let ours = caught_up_rows(&replica, &server, "ld.t", what);
    assert_eq!(ours.len(), 4 + 1 + 19_800 + 3, "{what}");
    replica.stop();
}

#[test]
fn mysql_97_load_data() {
    load_data(ServerKind::Mysql97, "mysql load data");
}

#[test]
fn mariadb_1011_load_data() {
    load_data(ServerKind::Mariadb1011, "mariadb load data");
}
