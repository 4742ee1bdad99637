//! Records what a real MySQL 9.7 answers to `SELECT expr` for the
//! expressions statement-based DML uses (arithmetic, comparisons, logic,
//! IN, BETWEEN, the functions the executor knows), into
//! `testdata/expressions/mysql-9.7.tsv`: one line per expression, the
//! expression, a tab, and the `mysql --batch` text of the result or
//! `ERROR <code>`; and what MariaDB 10.11 answers to its JSON functions
//! (`mariadb.rs`) and to the functions both servers have
//! (`functions.rs`), into `testdata/expressions/mariadb-10.11.tsv`.
//! `crates/sql/tests/expressions.rs` checks the evaluator against both.
//!
//! Usage: `record-expressions [ROOT]` (ROOT: the repository, default `.`).

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use understudy_testbed::{Server, ServerKind, ServerOptions};

mod functions;
mod mariadb;

type Error = Box<dyn std::error::Error>;

/// The expressions, in a fixed order.
fn expressions() -> Vec<String> {
    let numbers = [
        "0",
        "1",
        "-7",
        "3",
        "2.50",
        "-0.125",
        "1.5e0",
        "'10'",
        "'3abc'",
        "NULL",
        "9223372036854775807",
        "18446744073709551615",
        "-9223372036854775807",
    ];
    let mut out = Vec::new();
    for op in ["+", "-", "*", "/", "DIV", "%"] {
        for a in numbers {
            for b in [
                "0",
                "2",
                "-3",
                "0.5",
                "'4'",
                "NULL",
                "2.5e0",
                "9223372036854775807",
            ] {
                out.push(format!("{a} {op} {b}"));
            }
        }
    }
    let operands = [
        "1",
        "'1'",
        "1.0",
        "'a'",
        "'b'",
        "'ab'",
        "NULL",
        "2.5",
        "'2.50'",
        "'10'",
        "9",
        "-1",
        "18446744073709551615",
        "'x y'",
        "1e1",
    ];
    for op in ["=", "<>", "<", "<=", ">", ">=", "<=>"] {
        for a in operands {
            for b in ["1", "'1'", "'a'", "NULL", "'10'", "2.5", "10", "'abc'"] {
                out.push(format!("{a} {op} {b}"));
            }
        }
    }
    let truths = ["0", "1", "NULL", "2", "0.0", "'a'", "'1x'"];
    for a in truths {
        out.push(format!("NOT {a}"));
        for b in truths {
            for op in ["AND", "OR", "XOR"] {
                out.push(format!("{a} {op} {b}"));
            }
        }
        out.push(format!("{a} IS NULL"));
        out.push(format!("{a} IS NOT NULL"));
        out.push(format!("{a} IS TRUE"));
    }
    for v in ["1", "2", "NULL", "'2'", "2.0", "'b'", "5"] {
        out.push(format!("{v} IN (1, 2, 3)"));
        out.push(format!("{v} IN (1, NULL)"));
        out.push(format!("{v} NOT IN (3, 4)"));
        out.push(format!("{v} IN ('a', 'b')"));
        out.push(format!("{v} BETWEEN 1 AND 2"));
        out.push(format!("{v} NOT BETWEEN 2 AND 4"));
        out.push(format!("{v} BETWEEN NULL AND 3"));
        out.push(format!("IFNULL({v}, 'z')"));
        out.push(format!("COALESCE(NULL, {v}, 7)"));
        out.push(format!("IF({v}, 'yes', 'no')"));
        out.push(format!("CONCAT('<', {v}, '>')"));
        out.push(format!("REPEAT('ab', {v})"));
        out.push(format!("LENGTH({v})"));
        out.push(format!("ABS(-{v})"));
    }
    for e in [
        "1 + 2 * 3 - 4 / 5",
        "(1 + 2) * 3",
        "-(-3)",
        "- 9223372036854775807 - 1",
        "10 DIV 3 * 3 + 10 % 3",
        "1.10 * 1.10",
        "100 / 3 / 3",
        "1 / 3 * 3",
        "0.1 + 0.2",
        "0.1e0 + 0.2e0",
        "18446744073709551615 + 0",
        "18446744073709551615 + 1",
        "-1 * 18446744073709551615",
        "5 % -3",
        "-5.5 % 2",
        "7.5 DIV 2",
        "CONCAT('a', 1.50, -2)",
        "LENGTH('café')",
        "REPEAT('x', 0)",
        "REPEAT(NULL, 2)",
        "X'41' = 'A'",
        "_binary'abc' = 'ABC'",
        "'abc' = 'abd'",
        "'abc' < 'abd'",
        "TRUE + TRUE",
        "NULL IS NULL",
    ] {
        out.push(e.to_owned());
    }
    strings_and_choices(&mut out);
    dates(&mut out);
    collations(&mut out);
    json(&mut out);
    out.extend(functions::expressions());
    // Hexadecimal and bit-value literals (and so BIT values) as numbers.
    for e in [
        "X'41' + 1",
        "b'101' + 0",
        "b'101' = 5",
        "X'41' = 65",
        "b'1' AND 1",
        "NOT b'0'",
        "X'FFFFFFFFFFFFFFFF' + 1",
        "b'11111111' > 254",
        "b'11111111' * -1",
        "CONCAT(b'1000001')",
        "X'41' = 'A'",
        "b'1000001' IN (65, 66)",
        "X'0102' - 258",
    ] {
        out.push(e.to_owned());
    }
    out
}

/// Text beyond ASCII under each collation the executor knows, and
/// under the connection's (`utf8mb4_0900_ai_ci`): order and equality
/// (STRCMP), LIKE, UPPER and LOWER.
fn collations(out: &mut Vec<String>) {
    let texts = [
        "'a'", "'A'", "'á'", "'ae'", "'æ'", "'ß'", "'ss'", "'s'", "'ø'", "'o'", "'z'", "'abc '",
        "'abc'", "'α'", "'Ω'", "'д'", "'й'", "'一'", "'한'", "'か'", "'カ'", "'😀'", "'ı'", "'I'",
        "'ǅ'",
    ];
    for c in [
        "",
        " COLLATE utf8mb4_0900_ai_ci",
        " COLLATE utf8mb4_general_ci",
        " COLLATE utf8mb4_unicode_ci",
        " COLLATE utf8mb4_bin",
        " COLLATE utf8mb4_0900_bin",
    ] {
        for a in texts {
            for b in texts {
                out.push(format!("STRCMP({a}{c}, {b})"));
            }
            out.push(format!("UPPER({a}{c})"));
            out.push(format!("LOWER({a}{c})"));
            for p in ["'a%'", "'_'", "'%s%'", "'A_C%'", "'%'", "'_bc'"] {
                out.push(format!("{a}{c} LIKE {p}"));
            }
        }
        out.push(format!("STRCMP('abc\\t'{c}, 'abc')"));
        out.push(format!("STRCMP('Straße '{c}, 'STRASSE')"));
        out.push(format!("'Ⱥx'{c} = 'ⱥX'"));
    }
}

/// Date arithmetic and date functions on literal dates.
fn dates(out: &mut Vec<String>) {
    let days = [
        "'2024-01-31'",
        "'2024-02-29'",
        "'2023-12-31 23:59:59'",
        "'2024-03-10 01:30:00.5'",
        "'0001-01-01'",
        "'9999-12-31 12:00:00'",
        "NULL",
    ];
    let intervals = [
        "INTERVAL 1 DAY",
        "INTERVAL -1 DAY",
        "INTERVAL 1 MONTH",
        "INTERVAL 13 MONTH",
        "INTERVAL 1 YEAR",
        "INTERVAL 2 QUARTER",
        "INTERVAL 1 WEEK",
        "INTERVAL 36 HOUR",
        "INTERVAL 90 MINUTE",
        "INTERVAL 1 SECOND",
        "INTERVAL 1 MICROSECOND",
        "INTERVAL NULL DAY",
        "INTERVAL '3' DAY",
    ];
    for d in days {
        for i in intervals {
            out.push(format!("{d} + {i}"));
            out.push(format!("{d} - {i}"));
        }
        out.push(format!("DATE_ADD({d}, INTERVAL 1 MONTH)"));
        out.push(format!("DATE_SUB({d}, INTERVAL 1 DAY)"));
        out.push(format!("ADDDATE({d}, INTERVAL 2 HOUR)"));
        out.push(format!("INTERVAL 1 DAY + {d}"));
        for f in [
            "DATE",
            "YEAR",
            "MONTH",
            "DAY",
            "DAYOFMONTH",
            "HOUR",
            "MINUTE",
            "SECOND",
            "TO_DAYS",
            "LAST_DAY",
        ] {
            out.push(format!("{f}({d})"));
        }
        out.push(format!("DATEDIFF({d}, '2024-01-01')"));
        out.push(format!("DATEDIFF('2024-01-01 23:00:00', {d})"));
        out.push(format!("{d} < '2024-02-01' + INTERVAL 1 MONTH"));
        for f in [
            "'%Y-%m-%d %H:%i:%s'",
            "'%W %M %D %y, %a %b %e %c %j'",
            "'%r|%T|%h %I %l %k %p %f|%w %%|%q %'",
            "'%d/%m/%Y'",
            "'%U'",
            "NULL",
            "''",
        ] {
            out.push(format!("DATE_FORMAT({d}, {f})"));
        }
    }
    for d in [
        "'2024-01-01'",
        "'2024-01-02'",
        "'2024-01-03'",
        "'2024-01-11 00:00:00'",
        "'2024-01-12'",
        "'2024-01-13'",
        "'2024-01-21'",
        "'2024-01-22'",
        "'2024-01-23'",
        "'2024-01-24'",
        "'2024-12-31 12:00:00'",
    ] {
        out.push(format!("DATE_FORMAT({d}, '%D %W %a %j %p %l')"));
    }
}

/// LIKE, CASE, string and numeric functions.
fn strings_and_choices(out: &mut Vec<String>) {
    let subjects = [
        "'abc'",
        "'ABC'",
        "'a_c'",
        "'a%c'",
        "''",
        "NULL",
        "123",
        "'café'",
        "X'616263'",
    ];
    let patterns = [
        "'abc'",
        "'a%'",
        "'%C'",
        "'_b_'",
        "'a\\_c'",
        "'%'",
        "'a'",
        "NULL",
        "'1%3'",
        "'caf_'",
        "'A%'",
        "_binary'a%'",
    ];
    for s in subjects {
        for p in patterns {
            out.push(format!("{s} LIKE {p}"));
        }
        out.push(format!("{s} NOT LIKE 'a%'"));
        out.push(format!("{s} LIKE 'a|_c' ESCAPE '|'"));
        for f in [
            "CHAR_LENGTH",
            "UPPER",
            "LOWER",
            "TRIM",
            "LTRIM",
            "RTRIM",
            "REVERSE",
            "UCASE",
        ] {
            out.push(format!("{f}({s})"));
        }
        for (a, b) in [
            ("1", "2"),
            ("2", "1"),
            ("-2", "2"),
            ("0", "1"),
            ("5", "1"),
            ("-1", "9"),
        ] {
            out.push(format!("SUBSTRING({s}, {a}, {b})"));
        }
        out.push(format!("SUBSTRING({s}, 2)"));
        out.push(format!("SUBSTR({s} FROM 2 FOR 1)"));
        out.push(format!("LEFT({s}, 2)"));
        out.push(format!("RIGHT({s}, 2)"));
        out.push(format!("REPLACE({s}, 'b', 'xy')"));
        out.push(format!("CONCAT_WS('-', {s}, NULL, 'z')"));
        // (MySQL 9.7 has no MD5() or SHA1(); MariaDB's are checked by
        // the statement tests.)
        for bits in ["0", "224", "256", "384", "512", "100", "NULL"] {
            out.push(format!("SHA2({s}, {bits})"));
        }
    }
    for e in [
        "TRIM('  a b  ')",
        "LTRIM('  a ')",
        "RTRIM(' a  ')",
        "LEFT('héllo', 2)",
        "RIGHT(NULL, 1)",
        "LEFT('abc', -1)",
        "CONCAT_WS(NULL, 'a')",
        "CONCAT_WS(',', 1, 2.50)",
        "REPLACE('aaa', 'a', '')",
        "REPLACE('aAa', 'a', 'b')",
        "REPLACE('abc', '', 'x')",
        "MID('abcdef', 3, 2)",
        "CHAR_LENGTH('日本')",
        "LENGTH('日本')",
    ] {
        out.push(e.to_owned());
    }
    let numbers = [
        "0", "7", "-7", "2.5", "-2.5", "2.567", "-1.005", "1234", "0.05", "NULL", "'3.7'", "1.5e0",
    ];
    for x in numbers {
        for d in ["", ", 0", ", 1", ", 2", ", 5", ", -1", ", -2", ", NULL"] {
            out.push(format!("ROUND({x}{d})"));
        }
        for d in ["0", "1", "-1", "4"] {
            out.push(format!("TRUNCATE({x}, {d})"));
        }
        out.push(format!("FLOOR({x})"));
        out.push(format!("CEIL({x})"));
        out.push(format!("CEILING({x})"));
        out.push(format!("SIGN({x})"));
        out.push(format!("MOD({x}, 3)"));
        out.push(format!("GREATEST({x}, 1)"));
        out.push(format!("LEAST({x}, 1, 2.25)"));
        out.push(format!(
            "CASE WHEN {x} > 1 THEN 'big' WHEN {x} < 0 THEN 'neg' ELSE 'small' END"
        ));
        out.push(format!(
            "CASE {x} WHEN 7 THEN 1 WHEN 2.5 THEN 2.50 ELSE 0 END"
        ));
        out.push(format!("CASE WHEN {x} IS NULL THEN NULL ELSE {x} END"));
        out.push(format!("CASE WHEN {x} > 0 THEN 1 END"));
        out.push(format!("CASE WHEN {x} > 0 THEN 1 ELSE 2.5e0 END"));
    }
    for e in [
        "GREATEST('a', 'B')",
        "GREATEST('a', 'b', 'c')",
        "LEAST('b', 'a')",
        "GREATEST(1, NULL)",
        "GREATEST(18446744073709551615, -1)",
        "CASE 'a' WHEN 'A' THEN 1 ELSE 0 END",
        "CASE 'a' WHEN 'b' THEN 1 WHEN 'a' THEN 2 END",
        "CASE WHEN 1 THEN 'x' ELSE 2 END",
        "ROUND(9223372036854775807, -1)",
        "ROUND(-0.5)",
        "TRUNCATE(-1.999, 1)",
        "FLOOR(-2.000)",
        "CEIL(-0.5)",
    ] {
        out.push(e.to_owned());
    }
}

/// MySQL's JSON functions over documents and paths, SQL values put into
/// documents, and JSON compared with SQL values.
fn json(out: &mut Vec<String>) {
    let docs = [
        r#"'{"a": 1, "b": [1, 2, {"c": "x"}], "d": {"e": null, "f": true}}'"#,
        r#"'[1, "two", 3.5, [4, 5], {"k": "v", "c": 0}]'"#,
        r#"'"str"'"#,
        "'12'",
        "'null'",
        "'{}'",
        "'[]'",
        r#"'{"a": {"a": {"a": 1}}}'"#,
        r#"'[[1, 2], [3]]'"#,
        r#"'{"x y": 1, "é": 2, "": 3, "b": "q\\"t"}'"#,
        "'[1.50, -0.0, 1e300, 18446744073709551615, -9223372036854775808, 0.1]'",
        "NULL",
        "'{bad'",
        "7",
    ];
    let paths = [
        "'$'",
        "'$.a'",
        "'$.b[1]'",
        "'$.b[last]'",
        "'$.b[last-1]'",
        "'$.b[0 to 1]'",
        "'$.b[*]'",
        "'$.*'",
        "'$**.c'",
        "'$[0]'",
        "'$[1]'",
        "'$[9]'",
        "'$[last]'",
        "'$[last-7]'",
        "'$.d.e'",
        "'$.d.f'",
        "'$.\"x y\"'",
        "'$.é'",
        "'$.\"\"'",
        "'$**.a'",
        "'$[*][0]'",
        "'$.nope.x'",
        "'a'",
        "'$[1 to 0]'",
        "NULL",
    ];
    for d in docs {
        for p in paths {
            out.push(format!("JSON_EXTRACT({d}, {p})"));
            out.push(format!("JSON_UNQUOTE(JSON_EXTRACT({d}, {p}))"));
            out.push(format!("JSON_TYPE(JSON_EXTRACT({d}, {p}))"));
            out.push(format!("JSON_LENGTH({d}, {p})"));
            out.push(format!("JSON_KEYS({d}, {p})"));
            out.push(format!("JSON_CONTAINS_PATH({d}, 'one', {p}, '$.a')"));
            out.push(format!("JSON_SET({d}, {p}, 9)"));
            out.push(format!("JSON_INSERT({d}, {p}, 'x')"));
            out.push(format!("JSON_REPLACE({d}, {p}, JSON_ARRAY(1, 'y'))"));
            out.push(format!("JSON_REMOVE({d}, {p})"));
            out.push(format!("JSON_ARRAY_APPEND({d}, {p}, TRUE)"));
            out.push(format!("JSON_ARRAY_INSERT({d}, {p}, NULL)"));
            out.push(format!("JSON_CONTAINS({d}, '1', {p})"));
        }
        for e in [
            format!("JSON_TYPE({d})"),
            format!("JSON_VALID({d})"),
            format!("JSON_DEPTH({d})"),
            format!("JSON_LENGTH({d})"),
            format!("JSON_KEYS({d})"),
            format!("CAST({d} AS JSON)"),
            format!("JSON_QUOTE({d})"),
            format!("JSON_UNQUOTE({d})"),
            format!("JSON_CONTAINS({d}, '1')"),
            format!(r#"JSON_CONTAINS({d}, '{{"a": 1}}')"#),
            format!("JSON_CONTAINS({d}, '[1, 3.5]')"),
            format!(r#"JSON_CONTAINS({d}, '{{"d": {{"f": true}}}}')"#),
            format!(r#"JSON_MERGE_PATCH({d}, '{{"a": null, "z": [1]}}')"#),
            format!(r#"JSON_MERGE_PATCH('{{"a": 5}}', {d})"#),
            format!(r#"JSON_MERGE_PRESERVE({d}, '{{"a": 2}}')"#),
            format!("JSON_MERGE_PRESERVE({d}, '[0]', '1')"),
            format!("JSON_SET({d}, '$.a', 1, '$.n', 2, '$.a', 3)"),
            format!("JSON_REMOVE({d}, '$.a', '$[0]', '$.b[0]')"),
            format!("JSON_ARRAY({d}, CAST({d} AS JSON))"),
            format!("CONCAT(JSON_EXTRACT({d}, '$'), '!')"),
            format!("LENGTH(JSON_EXTRACT({d}, '$.a'))"),
            format!("JSON_EXTRACT({d}, '$.a') + 1"),
            format!("JSON_EXTRACT({d}, '$[0]') * 2"),
        ] {
            out.push(e);
        }
        for v in [
            "1",
            "'1'",
            "1.0",
            "TRUE",
            "'str'",
            "NULL",
            "'x'",
            "12",
            "JSON_ARRAY(1)",
        ] {
            for op in ["=", "<", ">="] {
                out.push(format!("CAST({d} AS JSON) {op} {v}"));
                out.push(format!("JSON_EXTRACT({d}, '$.a') {op} {v}"));
            }
            out.push(format!("JSON_EXTRACT({d}, '$[0]') <=> {v}"));
        }
    }
    let values = [
        "1",
        "-5",
        "18446744073709551615",
        "2.50",
        "-0.0",
        "1.5e0",
        "1e300",
        "'text'",
        "'日本'",
        "NULL",
        "TRUE",
        "FALSE",
        "1 = 1",
        "1 < 0",
        "NOT 0",
        "1 IS NULL",
        "2 IN (1, 2)",
        "2 BETWEEN 1 AND 3",
        "'a' LIKE 'a'",
        "IF(1, TRUE, FALSE)",
        "COALESCE(TRUE)",
        "(TRUE)",
        "1 AND 1",
        "ISNULL(NULL)",
        "TRUE + 0",
        "DATE '2024-02-29'",
        "TIMESTAMP '2024-02-29 10:11:12.5'",
        "JSON_OBJECT('k', 'v')",
        "'[1, 2]'",
        "CAST('[1, 2]' AS JSON)",
        "'q\"t'",
        "'a\\\\b'",
        "'tab\\there'",
    ];
    for v in values {
        out.push(format!("JSON_ARRAY({v})"));
        out.push(format!("JSON_OBJECT('k', {v})"));
        out.push(format!("JSON_OBJECT({v}, 1)"));
        out.push(format!("JSON_QUOTE({v})"));
        out.push(format!("JSON_UNQUOTE({v})"));
        out.push(format!("JSON_VALID({v})"));
        out.push(format!("CAST({v} AS JSON)"));
        out.push(format!("JSON_TYPE(CAST({v} AS JSON))"));
        out.push(format!("JSON_SET('{{}}', '$.v', {v})"));
        out.push(format!("JSON_EXTRACT(JSON_ARRAY({v}), '$[0]') = {v}"));
    }
    for e in [
        "JSON_OBJECT('a', 1, 'a', 2)",
        "JSON_OBJECT('b', 1, 'a', 2, 'aa', 3, '', 4)",
        "JSON_OBJECT('a')",
        "JSON_OBJECT()",
        "JSON_ARRAY()",
        "JSON_OBJECT('a', JSON_ARRAY(1, JSON_OBJECT('b', NULL)))",
        "JSON_EXTRACT('[1, 2]', '$[0]', '$[1]', '$[0]')",
        "JSON_EXTRACT('[1, 2]')",
        "JSON_SET('[1]', '$[0]')",
        "JSON_SET('[1]', '$[*]', 1)",
        "JSON_REMOVE('[1]', '$')",
        "JSON_REMOVE('[1]', '$[*]')",
        "JSON_ARRAY_INSERT('[1]', '$', 2)",
        "JSON_ARRAY_INSERT('{\"a\": [1]}', '$.a', 2)",
        "JSON_ARRAY_INSERT('{\"a\": [1]}', '$.a[0]', 2)",
        "JSON_CONTAINS_PATH('[1]', 'all', '$[0]', '$[1]')",
        "JSON_CONTAINS_PATH('[1]', 'ALL', '$[0]')",
        "JSON_CONTAINS_PATH('[1]', 'some', '$[0]')",
        "JSON_CONTAINS_PATH('[1]', NULL, '$[0]')",
        "JSON_CONTAINS('[1, [2, 3]]', '[3]')",
        "JSON_CONTAINS('[1, 2, 3]', '[[1, 2]]')",
        "JSON_CONTAINS('[[1, 2], 3]', '[[1]]')",
        "JSON_CONTAINS('{\"a\": [1, 2]}', '{\"a\": 1}')",
        "JSON_CONTAINS('1', '1.0')",
        "JSON_CONTAINS('\"a\"', '\"A\"')",
        "JSON_MERGE_PATCH(NULL, '{\"a\": 1}')",
        "JSON_MERGE_PATCH(NULL, '[1]')",
        "JSON_MERGE_PATCH('{\"a\": {\"b\": 1, \"c\": 2}}', '{\"a\": {\"b\": null, \"d\": {\"e\": null}}}')",
        "JSON_MERGE_PRESERVE('{\"a\": 1}', NULL)",
        "JSON_MERGE('[1]', '2')",
        "JSON_UNQUOTE('\"a\\\\tb\\\\u00e9\"')",
        "JSON_UNQUOTE('\"a\\\\qb\"')",
        "JSON_UNQUOTE('\"abc')",
        "JSON_UNQUOTE('\"\"')",
        "JSON_UNQUOTE('\"')",
        "JSON_EXTRACT('{\"a\": \"x\"}', '$.a') = 'X'",
        "JSON_UNQUOTE(JSON_EXTRACT('{\"a\": \"x\"}', '$.a')) = 'X'",
        "JSON_EXTRACT('{\"a\": true}', '$.a') = TRUE",
        "JSON_EXTRACT('{\"a\": true}', '$.a') = 1",
        "JSON_EXTRACT('{\"a\": 1}', '$.a') = TRUE",
        "JSON_EXTRACT('{\"a\": 1}', '$.a') IN (1, 2)",
        "JSON_EXTRACT('{\"a\": true}', '$.a') IN (TRUE, 2)",
        "JSON_EXTRACT('{\"a\": true}', '$.a') IN (1, 2)",
        "JSON_EXTRACT('{\"a\": 1}', '$.a') IN (TRUE, 1 = 1)",
        "JSON_EXTRACT('{\"a\": 1}', '$.a') IN (3, 1.0)",
        "JSON_EXTRACT('{\"a\": \"x\"}', '$.a') NOT IN ('x', NULL)",
        "JSON_EXTRACT('{\"a\": \"x\"}', '$.a') NOT IN ('y', NULL)",
        "JSON_EXTRACT('{\"a\": 1}', '$.a') BETWEEN 0 AND 2",
        "JSON_EXTRACT('{\"a\": true}', '$.a') AND 1",
        "JSON_EXTRACT('{\"a\": null}', '$.a') IS NULL",
        "JSON_OBJECT('b', 1) = JSON_OBJECT('b', 1.0)",
        "JSON_OBJECT('b', 1) < JSON_OBJECT('a', 1)",
        "JSON_ARRAY(1, 2) < JSON_ARRAY(1, 3)",
        "JSON_ARRAY(1, 2) < JSON_ARRAY(1, 2, 0)",
        "CAST('\"2024-01-01\"' AS JSON) = DATE '2024-01-01'",
        "JSON_ARRAY(DATE '2024-01-01') < JSON_ARRAY(TIMESTAMP '2024-01-01 00:00:00')",
        "UPPER(JSON_OBJECT('a', 'x'))",
        "JSON_EXTRACT('{\"a\": 9223372036854775807}', '$.a') + 0",
        "JSON_EXTRACT('{\"a\": 2.50}', '$.a') + 1",
        "JSON_EXTRACT(JSON_OBJECT('a', 2.50), '$.a') + 1",
    ] {
        out.push(e.to_owned());
    }
}

fn main() -> Result<(), Error> {
    let root = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    // RECORD_ONLY=mysql or =mariadb records one file.
    let only = std::env::var("RECORD_ONLY").ok();
    if only.as_deref() != Some("mariadb") {
        let server = Server::start(ServerKind::Mysql97, ServerOptions::new())?;
        let text = record(&server, "utf8mb4_0900_ai_ci", &expressions())?;
        write(&root, "mysql-9.7.tsv", &text)?;
    }
    if only.as_deref() != Some("mysql") {
        let server = Server::start(ServerKind::Mariadb1011, ServerOptions::new())?;
        let text = record(&server, "utf8mb4_general_ci", &mariadb::expressions())?;
        write(&root, "mariadb-10.11.tsv", &text)?;
    }
    Ok(())
}

fn write(root: &std::path::Path, name: &str, text: &str) -> Result<(), Error> {
    let dir = root.join("testdata/expressions");
    fs::create_dir_all(&dir)?;
    fs::write(dir.join(name), text)?;
    eprintln!("recorded {} expressions into {name}", text.lines().count());
    Ok(())
}

/// Each expression's answer on `server`, in a session whose
/// `collation_connection` is `collation`.
fn record(server: &Server, collation: &str, expressions: &[String]) -> Result<String, Error> {
    let mut text = String::new();
    for e in expressions {
        let answer = match server.sql(&format!(
            "SET NAMES utf8mb4 COLLATE {collation}; SELECT {e};"
        )) {
            Ok(out) => out.trim_end_matches('\n').to_owned(),
            Err(err) => {
                let msg = err.to_string();
                let code = msg
                    .split("ERROR ")
                    .nth(1)
                    .and_then(|r| r.split(' ').next())
                    .ok_or_else(|| format!("{e}: {msg}"))?
                    .to_owned();
                format!("ERROR {code}")
            }
        };
        if answer.contains(['\t', '\n']) {
            return Err(format!("{e}: answer {answer:?} is not one field").into());
        }
        writeln!(text, "{e}\t{answer}")?;
    }
    Ok(text)
}
