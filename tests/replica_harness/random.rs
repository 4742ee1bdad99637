//! The random workload of `applier_random` (every column type, inserts,
//! updates, deletes, transactions and rollbacks, DDL in the middle), also
//! the tables the endpoint's query tests read.

use std::collections::BTreeSet;

use super::Rng;

const STRINGS: &[&str] = &[
    "",
    "a",
    "plain text",
    "tab\\there",
    "new\\nline",
    "back\\\\slash",
    "quote''s",
    "caf\u{e9}",
    "\u{65e5}\u{672c}\u{8a9e}",
    "emoji \u{1f600}",
    "  padded  ",
    "NULL",
    "0",
];

/// The column definitions of the wide table (after `id`).
const WIDE: &str = "
  ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, mu MEDIUMINT UNSIGNED, i INT, bi BIGINT,
  bu BIGINT UNSIGNED, de DECIMAL(20,6), fl FLOAT, db DOUBLE, b5 BIT(5), b64 BIT(64), y YEAR,
  d DATE, t3 TIME(3), dt DATETIME(6), ts TIMESTAMP(2) NULL, ch CHAR(10), vc VARCHAR(50),
  l1 VARCHAR(20) CHARACTER SET latin1, tx TEXT, bl BLOB, bn BINARY(4), vb VARBINARY(20),
  e ENUM('x','y','z'), st SET('p','q','r'), j JSON";

fn value(r: &mut Rng, col: &str) -> String {
    if col == "k2" {
        return format!("'{}'", r.pick(&["a", "b", "key", "x y", "", "caf\u{e9}"]));
    }
    if r.chance(8) {
        return "NULL".into();
    }
    match col {
        "ti" => r.range(-128, 127).to_string(),
        "tu" => r.range(0, 255).to_string(),
        "si" => r.range(-32768, 32767).to_string(),
        "mu" => r.range(0, 16_777_215).to_string(),
        "i" => r.range(i32::MIN as i64, i32::MAX as i64).to_string(),
        "bi" => r
            .pick(&[
                "-9223372036854775808",
                "9223372036854775807",
                "0",
                "-1",
                "123456789012",
            ])
            .into(),
        "bu" => r
            .pick(&["18446744073709551615", "0", "9223372036854775808", "42"])
            .into(),
        "de" => format!(
            "{}{}.{:06}",
            if r.chance(50) { "-" } else { "" },
            r.below(100_000_000),
            r.below(1_000_000)
        ),
        "fl" => r
            .pick(&[
                "1.5",
                "3.14159274",
                "-0.000123",
                "1e10",
                "65536.125",
                "0",
                "-2.5e-20",
                "123456789",
            ])
            .into(),
        "db" => r
            .pick(&[
                "0.1",
                "-1234.56789012345",
                "1e300",
                "2.2250738585072014e-308",
                "3.141592653589793",
                "100",
            ])
            .into(),
        "b5" => format!("b'{:b}'", r.below(32)),
        "b64" => format!("{}", r.next()),
        "y" => r.pick(&["1901", "2155", "0", "1999", "2024"]).into(),
        "d" => format!(
            "'{}-{:02}-{:02}'",
            r.range(1000, 9999),
            r.range(1, 12),
            r.range(1, 28)
        ),
        "t3" => format!(
            "'{}{}:{:02}:{:02}.{:03}'",
            if r.chance(30) { "-" } else { "" },
            r.below(839),
            r.below(60),
            r.below(60),
            r.below(1000)
        ),
        "dt" => format!(
            "'{}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}'",
            r.range(1000, 9999),
            r.range(1, 12),
            r.range(1, 28),
            r.below(24),
            r.below(60),
            r.below(60),
            r.below(1_000_000)
        ),
        "ts" => format!(
            "'{}-{:02}-{:02} {:02}:{:02}:{:02}.{:02}'",
            r.range(1971, 2037),
            r.range(1, 12),
            r.range(1, 28),
            r.below(24),
            r.below(60),
            r.below(60),
            r.below(100)
        ),
        "ch" | "vc" | "tx" => format!("'{}'", r.pick(STRINGS)),
        "l1" => format!(
            "'{}'",
            r.pick(&["caf\u{e9}", "plain", "na\u{ef}ve", "", "x"])
        ),
        "bl" | "vb" => format!("UNHEX('{:016X}{:02X}')", r.next(), r.below(256)),
        "bn" => format!("UNHEX('{:04X}')", r.below(65536)),
        "ip6" => format!(
            "'{}'",
            r.pick(&[
                "2001:db8::ff00:42:8329",
                "::",
                "::1",
                "2001:db8::",
                "::ffff:192.0.2.128",
                "::192.0.2.128",
                "1:0:0:1:0:0:0:1",
                "fe80::1:0:0:0",
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            ])
        ),
        "ip4" => format!(
            "'{}.{}.{}.{}'",
            r.below(256),
            r.below(256),
            r.below(256),
            r.below(3)
        ),
        "u" => format!(
            "'{}'",
            r.pick(&[
                "123e4567-e89b-12d3-a456-426614174000",
                "00000000-0000-0000-0000-000000000000",
                "ffffffff-ffff-4fff-bfff-ffffffffffff",
                "6ccd780c-baba-1026-9564-5b8c656024db",
                "01890a5d-ac96-774b-bcce-b302099a8057",
            ])
        ),
        // Past column_compression_threshold (100) the value is
        // compressed, below it stored as it is.
        "cz" | "tz" => match r.below(3) {
            0 => format!("'{}'", r.pick(STRINGS)),
            1 => format!("REPEAT('caf\u{e9} compress me ', {})", 1 + r.below(15)),
            _ => format!("REPEAT('{}', 40)", r.pick(STRINGS)),
        },
        "bz" => format!("REPEAT(UNHEX('{:016X}'), {})", r.next(), 1 + r.below(40)),
        "hv" | "hw" => r.range(-1000, 1000).to_string(),
        "hs" => format!("'{}'", r.pick(STRINGS)),
        "e" => format!("'{}'", r.pick(&["x", "y", "z"])),
        "st" => format!("'{}'", r.pick(&["", "p", "q,r", "p,q,r"])),
        "j" => r
            .pick(&[
                r#"'{"a": 1, "b": [1, 2, {"c": null}], "s": "t\u00e9"}'"#,
                "'[1, 2.5, \"x\", true, false, null]'",
                "'{}'",
                r#"'{"n": -17, "big": 18446744073709551615, "f": 1.25e100}'"#,
                "'\"just a string\"'",
                "'3'",
            ])
            .into(),
        other => panic!("no generator for {other}"),
    }
}

const WIDE_COLS: &[&str] = &[
    "ti", "tu", "si", "mu", "i", "bi", "bu", "de", "fl", "db", "b5", "b64", "y", "d", "t3", "dt",
    "ts", "ch", "vc", "l1", "tx", "bl", "bn", "vb", "e", "st", "j",
];

/// Tables as the workload knows them: name, key, columns it may set, ids
/// that exist.
struct Table {
    name: String,
    cols: Vec<&'static str>,
    ids: BTreeSet<i64>,
    keyed: bool,
}

fn insert(r: &mut Rng, t: &mut Table, next_id: &mut i64) -> String {
    let n = 1 + r.below(3);
    let mut rows = Vec::new();
    for _ in 0..n {
        *next_id += 1;
        let vals: Vec<String> = t.cols.iter().map(|c| value(r, c)).collect();
        rows.push(format!("({}, {})", next_id, vals.join(", ")));
        if t.keyed {
            t.ids.insert(*next_id);
        }
    }
    format!(
        "INSERT INTO rnd.{} (id, {}) VALUES {};",
        t.name,
        t.cols.join(", "),
        rows.join(", ")
    )
}

fn update(r: &mut Rng, t: &mut Table, partial_json: bool) -> String {
    let col = t.cols[r.below(t.cols.len() as u64) as usize];
    let set = if col == "j" && partial_json && r.chance(70) {
        match r.below(3) {
            0 => "j = JSON_SET(j, '$.a', 7, '$.new', 'v')".to_owned(),
            1 => "j = JSON_REPLACE(j, '$.b[0]', 'r')".to_owned(),
            _ => "j = JSON_REMOVE(j, '$.s')".to_owned(),
        }
    } else {
        format!("{col} = {}", value(r, col))
    };
    if !t.keyed || t.ids.is_empty() {
        return format!(
            "UPDATE rnd.{} SET {set} WHERE id % 5 = {};",
            t.name,
            r.below(5)
        );
    }
    let ids: Vec<i64> = t.ids.iter().copied().collect();
    let id = ids[r.below(ids.len() as u64) as usize];
    format!("UPDATE rnd.{} SET {set} WHERE id = {id};", t.name)
}

fn delete(r: &mut Rng, t: &mut Table) -> String {
    if !t.keyed || t.ids.is_empty() {
        return format!(
            "DELETE FROM rnd.{} WHERE id % 7 = {} LIMIT 2;",
            t.name,
            r.below(7)
        );
    }
    let ids: Vec<i64> = t.ids.iter().copied().collect();
    let id = ids[r.below(ids.len() as u64) as usize];
    t.ids.remove(&id);
    format!("DELETE FROM rnd.{} WHERE id = {id};", t.name)
}

/// MariaDB's own column types, in a table of their own (`rnd.maria`).
const MARIA_COLS: &[&str] = &["ip6", "ip4", "u", "cz", "bz", "tz"];

/// The workload, as statements run one client session after another.
pub fn workload(seed: u64, partial_json: bool, mariadb: bool) -> Vec<String> {
    let mut r = Rng(seed | 1);
    let mut out = vec![format!(
        "CREATE DATABASE rnd; CREATE TABLE rnd.wide (id INT PRIMARY KEY, {WIDE}) DEFAULT CHARSET=utf8mb4;
         CREATE TABLE rnd.nokey (id INT, {WIDE}) DEFAULT CHARSET=utf8mb4;
         CREATE TABLE rnd.comp (id INT, k2 CHAR(10) NOT NULL DEFAULT '', i INT, j JSON, de DECIMAL(20,6), PRIMARY KEY (id, k2));"
    )];
    if mariadb {
        out.push(
            "CREATE TABLE rnd.maria (id INT PRIMARY KEY, ip6 INET6, ip4 INET4, u UUID, \
             cz VARCHAR(300) COMPRESSED, bz BLOB COMPRESSED, tz TEXT COMPRESSED=zlib) \
             DEFAULT CHARSET=utf8mb4;
             CREATE TABLE rnd.hist (id INT PRIMARY KEY, hv INT, hs VARCHAR(40)) \
             DEFAULT CHARSET=utf8mb4 WITH SYSTEM VERSIONING;"
                .into(),
        );
    }
    let mut tables = vec![
        Table {
            name: "wide".into(),
            cols: WIDE_COLS.to_vec(),
            ids: BTreeSet::new(),
            keyed: true,
        },
        Table {
            name: "nokey".into(),
            cols: WIDE_COLS.to_vec(),
            ids: BTreeSet::new(),
            keyed: false,
        },
        Table {
            name: "comp".into(),
            cols: vec!["k2", "i", "j", "de"],
            ids: BTreeSet::new(),
            keyed: false,
        },
    ];
    if mariadb {
        tables.push(Table {
            name: "maria".into(),
            cols: MARIA_COLS.to_vec(),
            ids: BTreeSet::new(),
            keyed: true,
        });
        tables.push(Table {
            name: "hist".into(),
            cols: vec!["hv", "hs"],
            ids: BTreeSet::new(),
            keyed: true,
        });
    }
    let mut next_id = 0i64;
    for step in 0..400 {
        let ti = r.below(tables.len() as u64) as usize;
        let t = &mut tables[ti];
        let stmt = match r.below(10) {
            0..=4 => insert(&mut r, t, &mut next_id),
            5..=7 => update(&mut r, t, partial_json),
            _ => delete(&mut r, t),
        };
        if r.chance(10) {
            // A transaction: this statement and an insert, committed or
            // rolled back (the insert's ids are then not there).
            let ids = tables[0].ids.clone();
            let more = insert(&mut r, &mut tables[0], &mut next_id);
            if r.chance(25) {
                out.push(stmt);
                out.push(format!("START TRANSACTION; {more} ROLLBACK;"));
                tables[0].ids = ids;
            } else {
                out.push(format!("START TRANSACTION; {stmt} {more} COMMIT;"));
            }
        } else {
            out.push(stmt);
        }
        match step {
            100 => out.push("ALTER TABLE rnd.comp ADD COLUMN extra INT NOT NULL DEFAULT 5 AFTER k2, ADD COLUMN note VARCHAR(8) DEFAULT 'n';".into()),
            150 => out.push("ALTER TABLE rnd.wide MODIFY vc VARCHAR(80), DROP COLUMN ti;".into()),
            200 => out.push("CREATE TABLE rnd.copy LIKE rnd.comp; INSERT INTO rnd.copy SELECT * FROM rnd.comp; RENAME TABLE rnd.copy TO rnd.copy2;".into()),
            250 => out.push("TRUNCATE TABLE rnd.copy2; INSERT INTO rnd.copy2 (id, k2, i) VALUES (1, 'a', 1);".into()),
            300 => out.push("CREATE TABLE rnd.gone (id INT PRIMARY KEY); INSERT INTO rnd.gone VALUES (1); DROP TABLE rnd.gone;".into()),
            // A column added to a system-versioned table (its history
            // rows take the default too).
            180 if mariadb => out.push(
                "SET SESSION system_versioning_alter_history = KEEP; \
                 ALTER TABLE rnd.hist ADD COLUMN hw INT DEFAULT 3;"
                    .into(),
            ),
            // From here on, compressed columns carry zlib's header.
            220 if mariadb => out.push("SET SESSION column_compression_zlib_wrap = ON;".into()),
            _ => {}
        }
        if step == 150 {
            tables[0].cols.retain(|c| *c != "ti");
        }
        if step == 180 && mariadb {
            tables[4].cols.push("hw");
        }
    }
    out
}
