//! MySQL's JSON functions in statement-based replication, against real
//! primaries: documents built, read and changed by JSON_OBJECT,
//! JSON_SET and their kin, `->` and `->>` in WHERE, JSON values stored
//! into text and number columns. After catch-up the rows equal the
//! primary's (verify and the `mysql --batch` text). MariaDB's, which work
//! on text and write it again in their own spacing, the same on MariaDB.

#![allow(clippy::unwrap_used)]

mod replica_harness;

use replica_harness::real::{caught_up_rows, statement_primary, stopped, understudy_rows};
use understudy_testbed::ServerKind;

#[test]
fn mysql_97_json_functions() {
    let (server, _tmp, replica) = statement_primary(ServerKind::Mysql97, &[]);
    server
        .sql(
            r#"SET NAMES utf8mb4; CREATE DATABASE jf;
             CREATE TABLE jf.d (id INT PRIMARY KEY, doc JSON, name VARCHAR(40), n INT,
               price DECIMAL(8,2), txt TEXT) DEFAULT CHARSET=utf8mb4;
             INSERT INTO jf.d (id, doc) VALUES
               (1, JSON_OBJECT('name', 'Ann', 'tags', JSON_ARRAY('a', 'b'), 'n', 3,
                  'price', 2.50, 'ok', TRUE, 'at', NOW(), 'day', CURDATE())),
               (2, '{"name": "Bob", "tags": [], "n": 7, "price": 1.25e0, "ok": false}'),
               (3, JSON_ARRAY(1, 2.5, 'x', NULL, 1 = 1)),
               (4, CAST('{"name": "Éve", "nested": {"deep": [1, {"k": "v"}]}}' AS JSON)),
               (5, NULL);
             UPDATE jf.d SET doc = JSON_SET(doc, '$.n', doc->'$.n' + 1, '$.seen', TRUE)
               WHERE doc->>'$.name' = 'Ann';
             UPDATE jf.d SET doc = JSON_ARRAY_APPEND(doc, '$.tags', 'new')
               WHERE JSON_CONTAINS(doc, '"a"', '$.tags') OR JSON_LENGTH(doc->'$.tags') = 0;
             UPDATE jf.d SET doc = JSON_INSERT(JSON_REMOVE(doc, '$.ok'), '$.gone', 1, '$.n', 0)
               WHERE doc->'$.ok' = FALSE;
             UPDATE jf.d SET doc = JSON_REPLACE(doc, '$.nested.deep[1].k', 'w', '$.nested.deep[9]', 0)
               WHERE JSON_CONTAINS_PATH(doc, 'one', '$.nested.deep[1]');
             UPDATE jf.d SET doc = JSON_MERGE_PATCH(doc, '{"name": null, "merged": {"x": 1}}')
               WHERE id = 4;
             UPDATE jf.d SET doc = JSON_ARRAY_INSERT(doc, '$[0]', JSON_OBJECT('first', 1))
               WHERE JSON_TYPE(doc) = 'ARRAY';
             UPDATE jf.d SET name = doc->>'$.name', n = doc->'$.n', price = doc->'$.price',
               txt = JSON_KEYS(doc) WHERE JSON_TYPE(doc) = 'OBJECT';
             UPDATE jf.d SET txt = CONCAT(doc->'$[1]', '|', JSON_UNQUOTE(doc->'$[3]'), '|',
               JSON_DEPTH(doc)) WHERE id = 3;
             DELETE FROM jf.d WHERE doc->'$.gone' = 1 AND JSON_VALID(doc);
             INSERT INTO jf.d (id, doc, name) SELECT id + 10,
               JSON_MERGE_PRESERVE(doc, JSON_OBJECT('copy', id)), JSON_QUOTE(name)
               FROM jf.d WHERE doc->'$.n' > 3;"#,
        )
        .unwrap();
    let rows = caught_up_rows(&replica, &server, "jf.d", "mysql json functions");
    assert_eq!(rows.len(), 5, "{rows:?}");
    replica.stop();
}

#[test]
fn mariadb_1011_json_functions() {
    let (server, _tmp, replica) = statement_primary(ServerKind::Mariadb1011, &[]);
    server
        .sql(
            r#"SET NAMES utf8mb4; CREATE DATABASE jm;
             CREATE TABLE jm.d (id INT PRIMARY KEY, doc JSON, name VARCHAR(40), n INT,
               txt TEXT) DEFAULT CHARSET=utf8mb4;
             INSERT INTO jm.d (id, doc) VALUES
               (1, JSON_OBJECT('name', 'Ann', 'tags', JSON_ARRAY('a', 'b'), 'n', 3,
                  'price', 2.50, 'ok', TRUE, 'day', CURDATE(), 'q', 'say "hi"\n')),
               (2, '{"name":"Bob","tags":[],"n":7,"price":1.25e0,"ok":false}'),
               (3, JSON_ARRAY(1, 2.5, 'x', NULL, 1 = 1)),
               (4, '{ "name" : "\\u00c9ve", "nested" : {"deep": [1, {"k": "v"}]} }'),
               (5, NULL);
             UPDATE jm.d SET doc = JSON_SET(doc, '$.n', JSON_VALUE(doc, '$.n') + 1, '$.seen', TRUE)
               WHERE JSON_VALUE(doc, '$.name') = 'Ann';
             UPDATE jm.d SET doc = JSON_ARRAY_APPEND(doc, '$.tags', 'new')
               WHERE JSON_LENGTH(doc, '$.tags') = 0 OR JSON_EXISTS(doc, '$.tags[1]');
             UPDATE jm.d SET doc = JSON_INSERT(JSON_REMOVE(doc, '$.ok'), '$.gone', 1, '$.n', 0)
               WHERE JSON_VALUE(doc, '$.ok') = 0;
             UPDATE jm.d SET doc = JSON_REPLACE(doc, '$.nested.deep[1].k', 'w', '$.nested.deep[9]', 0)
               WHERE JSON_CONTAINS_PATH(doc, 'one', '$.nested.deep[1]');
             UPDATE jm.d SET doc = JSON_ARRAY_INSERT(doc, '$[0]', JSON_OBJECT('first', 1))
               WHERE JSON_TYPE(doc) = 'ARRAY';
             UPDATE jm.d SET name = JSON_UNQUOTE(JSON_EXTRACT(doc, '$.name')),
               n = JSON_VALUE(doc, '$.n'), txt = JSON_KEYS(doc) WHERE JSON_TYPE(doc) = 'OBJECT';
             UPDATE jm.d SET txt = CONCAT(JSON_VALUE(doc, '$[2]'), '|', JSON_DEPTH(doc),
               '|', JSON_QUOTE(JSON_VALUE(doc, '$[3]'))) WHERE id = 3;
             UPDATE jm.d SET n = 99 WHERE JSON_VALUE(doc, '$.name') = 'ann';
             DELETE FROM jm.d WHERE JSON_VALUE(doc, '$.gone') = 1 AND JSON_VALID(doc);
             INSERT INTO jm.d (id, doc, name) SELECT id + 10,
               JSON_OBJECT('copy', id, 'of', JSON_EXTRACT(doc, '$.tags')), JSON_QUOTE(name)
               FROM jm.d WHERE JSON_VALUE(doc, '$.n') > 3;"#,
        )
        .unwrap();
    let rows = caught_up_rows(&replica, &server, "jm.d", "mariadb json functions");
    assert_eq!(rows.len(), 5, "{rows:?}");
    // MariaDB writes its documents again with its own spacing.
    assert!(
        rows.iter()
            .any(|r| r.contains(r#"{"name": "Ann", "tags": ["a", "b", "new"], "n": 4"#)),
        "{rows:?}"
    );
    replica.stop();
}

/// A MariaDB JSON function whose result MariaDB compares by rules of its
/// own (`JSON_EXTRACT(…) = 'x'` compares the unquoted value) stops the
/// applier, named, and changes nothing.
#[test]
fn mariadb_1011_json_operand_stops() {
    let (server, _tmp, replica) = statement_primary(ServerKind::Mariadb1011, &[]);
    server
        .sql(
            r#"CREATE DATABASE jm; CREATE TABLE jm.d (id INT PRIMARY KEY, doc JSON);
             INSERT INTO jm.d VALUES (1, '{"a": "x"}');
             UPDATE jm.d SET doc = JSON_SET(doc, '$.a', 2) WHERE JSON_EXTRACT(doc, '$.a') = 'x';"#,
        )
        .unwrap();
    let text = stopped(&replica, "mariadb json operand");
    assert!(
        text.contains("MariaDB's JSON_EXTRACT used as an operand"),
        "{text}"
    );
    assert_eq!(
        understudy_rows(&replica.dir, "jm.d"),
        vec!["1\t{\"a\": \"x\"}".to_owned()]
    );
    replica.stop_expecting(true);
}
