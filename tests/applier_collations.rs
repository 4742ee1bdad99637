//! Statement-based UPDATE and DELETE whose WHERE, LIKE, ORDER BY and
//! UPPER/LOWER depend on the columns' collations, against real primaries
//! in `binlog_format=STATEMENT`: a column with the table's default
//! collation (utf8mb4_0900_ai_ci on MySQL 9.7, utf8mb4_general_ci on
//! MariaDB 10.11), and columns declared utf8mb4_general_ci,
//! utf8mb4_unicode_ci and utf8mb4_bin, probed with text in several
//! scripts, cases and accents, expansions (`ß`, `æ`) and trailing
//! spaces; then INSERT IGNORE, REPLACE and ON DUPLICATE KEY UPDATE on a
//! table whose primary key and unique key are text, and ENUM and SET
//! values named by members or numbers, and read as numbers (index, bit
//! mask) in arithmetic, comparisons, IN and truth. After catch-up the
//! rows equal the primary's (`export` and `verify`).

#![allow(clippy::unwrap_used)]

mod replica_harness;

use replica_harness::real::{caught_up_rows, statement_primary};
use understudy_testbed::ServerKind;

/// Words stored in every column, and probes compared with them.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "Straße", "STRASSE", "strasse", "café", "CAFE", "cafe ", "Ærø", "aero", "ærö", "Ωmega",
    "ωMEGA", "Дом", "дом", "東京", "ｔｏｋｙｏ", "tokyo", "Tokyo  ", "ǅemal", "résumé",
    "RESUME", "naïve", "naive", "日本", "にほん", "ニホン", "한국", "😀 smile",
];

#[rustfmt::skip]
const PROBES: &[&str] = &[
    "strasse", "STRASSE", "Straße", "cafe", "CAFÉ", "aero", "ærø", "ΩMEGA", "ДОМ", "tokyo",
    "ｔｏｋｙｏ", "Resume", "NAIVE", "にほん", "한국", "",
];

#[rustfmt::skip]
const LIKES: &[&str] = &[
    "caf%", "CAF_", "%SS%", "%ß%", "_om", "%MEGA", "r_sum_", "n%", "%本", "😀%",
];

const COLUMNS: &[&str] = &["ai", "gen", "uni", "bin"];

fn script() -> String {
    let mut out = String::from(
        "SET NAMES utf8mb4; CREATE DATABASE co; \
         CREATE TABLE co.t (id INT PRIMARY KEY, ai VARCHAR(20), \
           gen VARCHAR(20) COLLATE utf8mb4_general_ci, uni VARCHAR(20) COLLATE utf8mb4_unicode_ci, \
           bin VARCHAR(20) COLLATE utf8mb4_bin, up VARCHAR(40), low VARCHAR(40), \
           h_ai INT NOT NULL DEFAULT 0, h_gen INT NOT NULL DEFAULT 0, \
           h_uni INT NOT NULL DEFAULT 0, h_bin INT NOT NULL DEFAULT 0) DEFAULT CHARSET=utf8mb4;\n",
    );
    for (i, w) in WORDS.iter().enumerate() {
        out.push_str(&format!(
            "INSERT INTO co.t (id, ai, gen, uni, bin) VALUES ({i}, '{w}', '{w}', '{w}', '{w}');\n"
        ));
    }
    for (k, p) in PROBES.iter().enumerate() {
        for c in COLUMNS {
            out.push_str(&format!(
                "UPDATE co.t SET h_{c} = h_{c} + {} WHERE {c} = '{p}';\n",
                k + 1
            ));
            out.push_str(&format!(
                "UPDATE co.t SET h_{c} = h_{c} * 2 WHERE {c} < '{p}';\n"
            ));
        }
    }
    for (k, p) in LIKES.iter().enumerate() {
        for c in COLUMNS {
            out.push_str(&format!(
                "UPDATE co.t SET h_{c} = h_{c} + {} WHERE {c} LIKE '{p}';\n",
                100 * (k + 1)
            ));
        }
    }
    for c in COLUMNS {
        out.push_str(&format!(
            "UPDATE co.t SET up = UPPER({c}), low = LOWER({c}) WHERE id % 4 = {};\n",
            COLUMNS.iter().position(|x| x == c).unwrap()
        ));
        out.push_str(&format!(
            "UPDATE co.t SET h_{c} = h_{c} - 7 ORDER BY {c} DESC, id LIMIT 5;\n"
        ));
    }
    out.push_str(
        "UPDATE co.t SET h_bin = h_bin + 1000 WHERE ai = 'STRASSE' COLLATE utf8mb4_bin;\n\
         DELETE FROM co.t WHERE uni = 'AERO';\n\
         DELETE FROM co.t WHERE gen IN ('tokyo', 'naive');\n",
    );
    // Duplicates on a text primary key and a text unique key follow
    // their collations.
    out.push_str(
        "CREATE TABLE co.k (name VARCHAR(20) PRIMARY KEY, \
           email VARCHAR(40) COLLATE utf8mb4_general_ci UNIQUE, n INT) DEFAULT CHARSET=utf8mb4;\n\
         INSERT INTO co.k VALUES ('Straße', 'a@x.org', 1), ('café', 'B@x.org', 2), \
           ('Ωmega', 'c@x.org', 3), ('東京', 'e@x.org', 4);\n\
         INSERT IGNORE INTO co.k VALUES ('STRASSE', 'new@x.org', 10), ('cafe', 'b@X.ORG', 20), \
           ('zeta', 'D@x.org ', 30), ('ｔｏｋｙｏ', 'É@x.org', 35);\n\
         REPLACE INTO co.k VALUES ('ΩMEGA', 'q@x.org', 40), ('tokyo', 'A@X.org', 50);\n\
         INSERT INTO co.k VALUES ('CAFÉ', 'z@x.org', 60) ON DUPLICATE KEY UPDATE n = n + VALUES(n);\n\
         INSERT INTO co.k VALUES ('fresh', 'c@x.org ', 70) ON DUPLICATE KEY UPDATE n = n * 2;\n\
         INSERT INTO co.k VALUES ('strasse ', 'f@x.org', 80) ON DUPLICATE KEY UPDATE n = n + 1;\n",
    );
    // ENUM and SET members named under the column's collation, or by
    // number.
    out.push_str(
        "CREATE TABLE co.e (id INT PRIMARY KEY, status ENUM('active', 'gone', 'Straße'), \
           tags SET('a', 'b', 'c'), b ENUM('x', 'X ') COLLATE utf8mb4_bin) \
           DEFAULT CHARSET=utf8mb4;\n\
         INSERT INTO co.e VALUES (1, 'ACTIVE', 'a,c', 'x'), (2, 'gone', '', 'X'), \
           (3, 'STRAßE', 'B', 'X  '), (4, 2, 5, 1), (5, '3', 'c,a,a', '2');\n\
         UPDATE co.e SET status = 'Gone ' WHERE id = 1;\n\
         UPDATE co.e SET tags = 'b,c', status = 1 WHERE id > 3;\n\
         UPDATE co.e SET tags = CONCAT(tags, ',a') WHERE status = 'GONE' AND tags <> '';\n\
         UPDATE co.e SET b = 'x' WHERE b = 'X' AND tags LIKE '%c%';\n\
         UPDATE co.e SET status = status WHERE status <> 'active';\n\
         DELETE FROM co.e WHERE status IN ('straße') OR tags = 'a,b,c';\n",
    );
    // ENUM and SET values as numbers: the index, the bit mask.
    out.push_str(
        "CREATE TABLE co.en (id INT PRIMARY KEY, e ENUM('lo', 'mid', 'hi'), \
           s SET('x', 'y', 'z'), n INT, d DECIMAL(6,2)) DEFAULT CHARSET=utf8mb4;\n\
         INSERT INTO co.en VALUES (1, 'lo', 'x', 0, 0), (2, 'mid', 'y,z', 0, 0), \
           (3, 'hi', '', 0, 0), (4, 'mid', 'x,y,z', 0, 0), (5, NULL, NULL, 0, 0);\n\
         UPDATE co.en SET n = e + 10, d = s * 1.5 WHERE e >= 2;\n\
         UPDATE co.en SET n = n + 100 WHERE s = 6 OR e IN (1, 3);\n\
         UPDATE co.en SET d = d + 1 WHERE e AND s BETWEEN 1 AND 4;\n\
         UPDATE co.en SET n = n - 1 WHERE e = 'MID' AND s <> 7;\n\
         DELETE FROM co.en WHERE e = 3 AND s = 0;\n",
    );
    out
}

fn collations(kind: ServerKind, what: &str) {
    let (server, _tmp, replica) = statement_primary(kind, &[]);
    server
        .sql(&script())
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let rows = caught_up_rows(&replica, &server, "co.t", what);
    // Rows were deleted by collated equality: not all words are left.
    assert!(rows.len() < WORDS.len(), "{what}: {rows:?}");
    let keyed = caught_up_rows(&replica, &server, "co.k", what);
    assert!(keyed.len() >= 4, "{what}: {keyed:?}");
    let members = caught_up_rows(&replica, &server, "co.e", what);
    // One row was deleted by a collated IN on its ENUM.
    assert_eq!(members.len(), 4, "{what}: {members:?}");
    replica.stop();
}

#[test]
fn mysql_97_collations() {
    collations(ServerKind::Mysql97, "mysql collations");
}

#[test]
fn mariadb_1011_collations() {
    collations(ServerKind::Mariadb1011, "mariadb collations");
}
