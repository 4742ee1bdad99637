//! The statement reader's unit tests: each DML kind, and the shapes it
//! refuses.

use super::*;

#[test]
fn reads_the_statement_kinds() {
    let Dml::Insert(i) = parse_dml(
        "INSERT IGNORE INTO t (a, `b`) VALUES (1, DEFAULT), (2, 'x') \
         ON DUPLICATE KEY UPDATE b = VALUES(b)",
        "d",
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(i.table.to_string(), "d.t");
    assert_eq!(i.columns, Some(vec!["a".to_owned(), "b".to_owned()]));
    assert_eq!(i.mode, InsertMode::Ignore);
    assert!(i.rows[0][1].is_none() && i.rows[1][1].is_some());
    assert_eq!(i.on_duplicate.len(), 1);
    let Dml::Insert(a) = parse_dml(
        "INSERT INTO t (a, b) VALUES (1, 2) AS new (m, n) ON DUPLICATE KEY UPDATE b = m + n",
        "d",
    )
    .unwrap() else {
        panic!()
    };
    let alias = a.row_alias.unwrap();
    assert_eq!(
        (alias.name.as_str(), alias.columns),
        ("new", Some(vec!["m".into(), "n".into()]))
    );
    let Dml::Insert(r) = parse_dml("REPLACE INTO o.t VALUES (1)", "d").unwrap() else {
        panic!()
    };
    assert_eq!(
        (r.table.to_string(), r.mode),
        ("o.t".into(), InsertMode::Replace)
    );
    let Dml::Update(u) = parse_dml(
        "UPDATE t AS x SET x.a = a + 1 WHERE b > 2 ORDER BY a DESC LIMIT 3",
        "d",
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(u.alias.as_deref(), Some("x"));
    assert_eq!(u.assignments[0].0, "a");
    assert_eq!((u.order_by[0].1, u.limit), (true, Some(3)));
    let Dml::Delete(d) = parse_dml("DELETE FROM t WHERE a = 1 LIMIT 2", "d").unwrap() else {
        panic!()
    };
    assert_eq!((d.table.to_string(), d.limit), ("d.t".into(), Some(2)));
    // LOW_PRIORITY and QUICK change nothing (and are no table name).
    let Dml::Update(u) = parse_dml("update low_priority t set a = 1", "d").unwrap() else {
        panic!()
    };
    assert_eq!(u.table.to_string(), "d.t");
    let Dml::Delete(d) = parse_dml("DELETE QUICK LOW_PRIORITY FROM t", "d").unwrap() else {
        panic!()
    };
    assert_eq!(d.table.to_string(), "d.t");
    let Dml::Update(u) = parse_dml("UPDATE IGNORE t SET a = 1", "d").unwrap() else {
        panic!()
    };
    assert!(u.ignore && u.table.to_string() == "d.t");
    let Dml::Delete(d) = parse_dml("DELETE LOW_PRIORITY IGNORE FROM t", "d").unwrap() else {
        panic!()
    };
    assert!(d.ignore && d.table.to_string() == "d.t");
    let Dml::Update(u) = parse_dml("UPDATE quick SET a = 1", "d").unwrap() else {
        panic!()
    };
    assert!(!u.ignore && u.table.to_string() == "d.quick");
}

#[test]
fn other_forms_are_named() {
    for sql in [
        "INSERT INTO t SELECT * FROM u WHERE a IN (SELECT b FROM v) UNION SELECT 1",
        "UPDATE t, u SET t.a = u.a WHERE t.id = u.id ORDER BY t.a LIMIT 1",
        "DELETE t FROM t NATURAL JOIN u",
        "UPDATE IGNORE t JOIN u ON t.a = u.a SET t.b = 1",
        "DELETE t FROM t RIGHT JOIN u ON t.a = u.a",
        "UPDATE t JOIN (SELECT 1 AS a) x ON t.a = x.a SET t.b = 1",
        "SELECT 1",
    ] {
        let e = parse_dml(sql, "d").unwrap_err();
        assert!(
            matches!(e, SqlError::Unsupported(_) | SqlError::Parse(_)),
            "{sql}: {e}"
        );
    }
}

/// Every prefix of statements of each form, and each with a byte
/// changed, reads or fails without a panic.
#[test]
fn cut_and_changed_statements_never_panic() {
    let seeds = [
        "UPDATE LOW_PRIORITY IGNORE t, u AS x SET t.a = x.b WHERE t.id = x.id",
        "DELETE QUICK t FROM t LEFT JOIN u USING (id) WHERE u.id IS NULL",
        "DELETE FROM t USING t, u WHERE t.a = u.a",
        "INSERT INTO t (a, b) VALUES (1, 'é') AS new (m, n) ON DUPLICATE KEY UPDATE b = m",
        "UPDATE t SET a = 1 WHERE b IN (SELECT c FROM u WHERE d > 2) AND EXISTS (SELECT 1)",
        "UPDATE t SET d = DATE_FORMAT(NOW(), '%Y %%'), h = SHA2('x', 256) WHERE e = b'101'",
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for seed in seeds {
        for (i, _) in seed.char_indices() {
            let _ = parse_dml(&seed[..i], "d");
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut b = seed.as_bytes().to_vec();
            let swaps = b"(),'`\\\"*/-#@ ;xX0";
            b[i] = swaps[(x % swaps.len() as u64) as usize];
            if let Ok(s) = String::from_utf8(b) {
                let _ = parse_dml(&s, "d");
            }
        }
    }
}

#[test]
fn reads_multi_table_statements() {
    let Dml::MultiUpdate(u) = parse_dml(
        "UPDATE t, o.u AS x LEFT JOIN v USING (id) SET t.a = x.b, c = 1 WHERE t.id = x.id",
        "d",
    )
    .unwrap() else {
        panic!()
    };
    let names: Vec<_> = u
        .tables
        .iter()
        .map(|j| (j.table.to_string(), j.reference().to_owned(), j.kind))
        .collect();
    use multi::JoinKind::{Inner, Left};
    assert_eq!(
        names,
        [
            ("d.t".to_owned(), "t".to_owned(), Inner),
            ("o.u".to_owned(), "x".to_owned(), Inner),
            ("d.v".to_owned(), "v".to_owned(), Left)
        ]
    );
    assert_eq!(u.tables[2].using, ["id"]);
    assert_eq!(u.assignments[0].0, (Some("t".to_owned()), "a".to_owned()));
    assert_eq!(u.assignments[1].0, (None, "c".to_owned()));
    assert!(u.selection.is_some());
    let Dml::MultiDelete(d) = parse_dml(
        "DELETE t, o.u FROM t JOIN o.u ON t.a = u.a WHERE u.b > 1",
        "d",
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(
        d.targets,
        [
            (None, "t".to_owned()),
            (Some("o".to_owned()), "u".to_owned())
        ]
    );
    assert!(d.tables[1].on.is_some());
    let Dml::MultiDelete(d) =
        parse_dml("DELETE FROM t USING t, u AS x WHERE t.a = x.a", "d").unwrap()
    else {
        panic!()
    };
    assert_eq!(d.targets, [(None, "t".to_owned())]);
    assert_eq!(d.tables.len(), 2);
}

#[test]
fn reads_insert_select_forms() {
    let Dml::Insert(i) = parse_dml(
        "INSERT INTO t (a, b) SELECT x.id + 1, * FROM o.u AS x WHERE x.id > 2 \
         ORDER BY x.id DESC LIMIT 5 ON DUPLICATE KEY UPDATE b = VALUES(b)",
        "d",
    )
    .unwrap() else {
        panic!()
    };
    let sel = i.select.unwrap();
    assert!(i.rows.is_empty());
    assert_eq!(
        sel.from.as_ref().map(|(t, a)| (t.to_string(), a.clone())),
        Some(("o.u".to_owned(), Some("x".to_owned())))
    );
    assert!(sel.items[0].is_some() && sel.items[1].is_none());
    assert_eq!((sel.order_by.len(), sel.limit), (1, Some(5)));
    assert_eq!(i.on_duplicate.len(), 1);
    let Dml::Insert(c) = parse_dml("INSERT INTO t SELECT 1, 'a'", "d").unwrap() else {
        panic!()
    };
    assert_eq!(c.select.unwrap().from, None);
    let joined = |sql: &str| match parse_dml(sql, "d") {
        Ok(Dml::Insert(i)) => i.select.map(|s| (s.joined.len(), s.grouping.is_some())),
        _ => None,
    };
    assert_eq!(
        joined("INSERT INTO t SELECT a FROM u JOIN v ON u.id = v.id"),
        Some((2, false))
    );
    assert_eq!(joined("INSERT INTO t SELECT a FROM u, v"), Some((2, false)));
    assert_eq!(
        joined("INSERT INTO t SELECT a, COUNT(*) FROM u GROUP BY a"),
        Some((0, true))
    );
    assert_eq!(
        joined("INSERT INTO t SELECT SUM(a) FROM u"),
        Some((0, true))
    );
    assert_eq!(
        joined("INSERT INTO t SELECT DISTINCT a, b + 1 FROM u"),
        Some((0, true))
    );
    for sql in [
        "INSERT INTO t SELECT * FROM u JOIN v ON u.id = v.id",
        "INSERT INTO t SELECT a, COUNT(*) FROM u GROUP BY a WITH ROLLUP",
        "INSERT INTO t SELECT GROUP_CONCAT(a) FROM u",
        "INSERT INTO t SELECT DISTINCT * FROM u",
        "INSERT INTO t SELECT DISTINCT COUNT(*) FROM u",
        "INSERT INTO t SELECT a FROM u UNION SELECT b FROM v",
        "INSERT INTO t SELECT a FROM u LIMIT 2, 3",
    ] {
        assert!(
            matches!(parse_dml(sql, "d"), Err(SqlError::Unsupported(_))),
            "{sql}"
        );
    }
}
