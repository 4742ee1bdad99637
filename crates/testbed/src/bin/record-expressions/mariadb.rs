//! The expressions recorded from MariaDB 10.11: its JSON functions, which
//! work on text, and the functions both servers have
//! (`testdata/expressions/mariadb-10.11.tsv`).

/// The expressions, in a fixed order.
pub fn expressions() -> Vec<String> {
    let docs = [
        r#"'{"a": 1, "b": [1, 2, {"c": "x"}], "d": {"e": null, "f": true}}'"#,
        r#"'[1, "two", 3.5, [4, 5], {"k": "v", "c": 0}]'"#,
        r#"'"str"'"#,
        "'12'",
        "'null'",
        "'{}'",
        "'[]'",
        r#"'{"a":{"a":{"a":1}}}'"#,
        "'[[1,2] , [3]]'",
        r#"'{"x y": 1, "é": 2, "": 3, "b": "q\\"t"}'"#,
        "'[1.50, -0.0, 1e300, 18446744073709551615, -9223372036854775808, 0.1, 1E2]'",
        r#"'{"a": 1, "a": [2], "b": 0}'"#,
        r#"'{"s": "\\u00e9\\n\\/", "a": "x"}'"#,
        r#"'  { "a" : [ ] , "b":{ } }  '"#,
        "NULL",
        "'{bad'",
        "'[1,]'",
        "7",
    ];
    let paths = [
        "'$'",
        "'$.a'",
        "'$.b[1]'",
        "'$.b[last]'",
        "'$.b[0 to 1]'",
        "'$.b[*]'",
        "'$.*'",
        "'$**.c'",
        "'$[0]'",
        "'$[1]'",
        "'$[9]'",
        "'$[last]'",
        "'$[last-1]'",
        "'$.d.e'",
        "'$.d.f'",
        "'$.\"x y\"'",
        "'$.é'",
        "'$.\"\"'",
        "'$[*][0]'",
        "'$.nope.x'",
        "'$.a[0]'",
        "'$.a[1]'",
        "'a'",
        "NULL",
    ];
    let mut out = Vec::new();
    for d in docs {
        for p in paths {
            out.push(format!("JSON_EXTRACT({d}, {p})"));
            out.push(format!("JSON_VALUE({d}, {p})"));
            out.push(format!("JSON_QUERY({d}, {p})"));
            out.push(format!("JSON_UNQUOTE(JSON_EXTRACT({d}, {p}))"));
            out.push(format!("JSON_LENGTH({d}, {p})"));
            out.push(format!("JSON_EXISTS({d}, {p})"));
            out.push(format!("JSON_KEYS({d}, {p})"));
            out.push(format!("JSON_CONTAINS_PATH({d}, 'one', {p}, '$.a')"));
            out.push(format!("JSON_CONTAINS_PATH({d}, 'all', {p}, '$.a')"));
            out.push(format!("JSON_SET({d}, {p}, 9)"));
            out.push(format!("JSON_INSERT({d}, {p}, 'x')"));
            out.push(format!("JSON_REPLACE({d}, {p}, JSON_ARRAY(1, 'y'))"));
            out.push(format!("JSON_REMOVE({d}, {p})"));
            out.push(format!("JSON_ARRAY_APPEND({d}, {p}, TRUE)"));
            out.push(format!("JSON_ARRAY_INSERT({d}, {p}, NULL)"));
        }
        for e in [
            format!("JSON_TYPE({d})"),
            format!("JSON_VALID({d})"),
            format!("JSON_DEPTH({d})"),
            format!("JSON_LENGTH({d})"),
            format!("JSON_KEYS({d})"),
            format!("JSON_QUOTE({d})"),
            format!("JSON_UNQUOTE({d})"),
            format!("JSON_COMPACT({d})"),
            format!("JSON_SET({d}, '$.a', 1, '$.n', 2, '$.a', 3)"),
            format!("JSON_SET({d}, '$.a', 1, 'bad', 2)"),
            format!("JSON_REMOVE({d}, '$.a', '$[0]', '$.b[0]')"),
            format!("JSON_ARRAY({d})"),
            format!("JSON_OBJECT('k', {d})"),
            format!("JSON_ARRAY(JSON_COMPACT({d}))"),
            format!("JSON_OBJECT('k', JSON_EXTRACT({d}, '$'))"),
            format!("JSON_SET('[0]', '$[0]', JSON_EXTRACT({d}, '$'))"),
            format!("JSON_SET('[0]', '$[0]', JSON_QUERY({d}, '$'))"),
            format!("JSON_SET('[0]', '$[0]', JSON_COMPACT({d}))"),
            format!("JSON_EXTRACT({d}, '$.a', '$[0]')"),
            format!("JSON_EXTRACT({d}, '$.nope', '$.nope2')"),
            format!("JSON_VALUE({d}, '$.a') = 1"),
            format!("JSON_VALUE({d}, '$.a') = 'X'"),
            format!("JSON_VALUE({d}, '$.b[2].c') = 'X'"),
            format!("JSON_UNQUOTE(JSON_EXTRACT({d}, '$.a')) = 'X'"),
            format!("JSON_LENGTH({d}) + 1"),
            format!("JSON_EXTRACT({d}, '$.a') = 1"),
        ] {
            out.push(e);
        }
    }
    let values = [
        "1",
        "-5",
        "18446744073709551615",
        "2.50",
        "-0.0",
        "1.5e0",
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
        "JSON_ARRAY()",
        "JSON_QUOTE('q')",
        "JSON_UNQUOTE('\"q\"')",
        "JSON_VALUE('[1]', '$[0]')",
        "JSON_KEYS('{\"a\": 1}')",
        "JSON_TYPE('1')",
        "'[1, 2]'",
        "'q\"t'",
        "'a\\\\b'",
        "'tab\\there'",
        "'nl\\nx\\r\\0y'",
        "CONCAT('a', CHAR(1), CHAR(31), '/', CHAR(127))",
        "X'41'",
        "_latin1'abc'",
    ];
    for v in values {
        out.push(format!("JSON_ARRAY({v})"));
        out.push(format!("JSON_ARRAY(1, {v}, 'z')"));
        out.push(format!("JSON_OBJECT('k', {v})"));
        out.push(format!("JSON_OBJECT({v}, 1)"));
        out.push(format!("JSON_QUOTE({v})"));
        out.push(format!("JSON_UNQUOTE({v})"));
        out.push(format!("JSON_VALID({v})"));
        out.push(format!("JSON_SET('{{}}', '$.v', {v})"));
        out.push(format!("JSON_SET('{{\"a\": 1}}', '$.a', {v}, '$.b', {v})"));
        out.push(format!("JSON_ARRAY_APPEND('[1]', '$', {v})"));
        out.push(format!("JSON_ARRAY_INSERT('[1]', '$[0]', {v})"));
        out.push(format!("JSON_VALUE(JSON_ARRAY({v}), '$[0]')"));
    }
    // Doubles, as MariaDB writes them into JSON text.
    for d in [
        "4e0",
        "'3' + 1",
        "'2.5' * 2",
        "7 / 2e0",
        "0.1e0 + 0.2e0",
        "1 / 3e0",
        "2 / 3e0",
        "-0.0e0",
        "100e0",
        "12345.678e0",
        "1e14",
        "1e15",
        "1e16",
        "123456789012345e0",
        "1234567890123456e0",
        "12345678901234567e0",
        "123456789012345678e0",
        "1e21",
        "1e22",
        "1.7976931348623157e308",
        "0.0001e0",
        "0.00001e0",
        "0.000123456e0",
        "1.5e-7",
        "5e-324",
        "-2.5e-10",
        "-123.25e0",
        "3.0e0",
        "1e0 / 7",
        "POW(2, 70)",
        "10 / 3e0",
        "1234567890.123456e0",
        "123456789012345.6e0",
        "0.001234567890123456789e0",
        "1e-7 / 3",
        "2e-300 / 3",
        "1e-15 / 3",
        "1e-16",
        "1.5e-15",
        "1e-14",
        "-1e15",
        "-1.5e-15",
    ] {
        out.push(format!("JSON_ARRAY({d})"));
        out.push(format!("JSON_SET('{{\"a\": 1}}', '$.a', {d})"));
    }
    for e in [
        "JSON_OBJECT('a', 1, 'a', 2)",
        "JSON_OBJECT('b', 1, 'a', 2, 'aa', 3, '', 4)",
        "JSON_OBJECT('a')",
        "JSON_OBJECT()",
        "JSON_ARRAY()",
        "JSON_OBJECT(NULL, 1)",
        "JSON_OBJECT('a', JSON_ARRAY(1, JSON_OBJECT('b', NULL)))",
        "JSON_EXTRACT('[1, 2]', '$[0]', '$[1]', '$[0]')",
        "JSON_EXTRACT('[1, 2]')",
        "JSON_SET('[1]', '$[0]')",
        "JSON_SET('[1]', '$[*]', 1)",
        "JSON_SET('{\"a\": 1}', '$.*', 1)",
        "JSON_REMOVE('[1]', '$')",
        "JSON_REMOVE('[1]', '$[*]')",
        "JSON_REMOVE('{\"a\": 1, \"a\": 2}', '$.a')",
        "JSON_ARRAY_INSERT('[1]', '$', 2)",
        "JSON_ARRAY_INSERT('{\"a\": [1]}', '$.a', 2)",
        "JSON_ARRAY_INSERT('{\"a\": [1]}', '$.a[0]', 2)",
        "JSON_ARRAY_INSERT('[1, 2, 3]', '$[last]', 9)",
        "JSON_ARRAY_APPEND('[1, [2]]', '$[1]', 3, '$[0]', 4)",
        "JSON_INSERT('[1, 2]', '$[5]', 3)",
        "JSON_INSERT('[1, 2]', '$[2]', 3)",
        "JSON_SET('[1, 2]', '$[5]', 3)",
        "JSON_SET('1', '$[1]', 5)",
        "JSON_SET('1', '$[0]', 5)",
        "JSON_SET('{\"a\": 1}', '$[1]', 5)",
        "JSON_SET('{\"a\": 1}', '$.b.c', 5)",
        "JSON_SET('{\"a\": 1}', '$.a.c', 5)",
        "JSON_CONTAINS_PATH('[1]', 'all', '$[0]', '$[1]')",
        "JSON_CONTAINS_PATH('[1]', 'ALL', '$[0]')",
        "JSON_CONTAINS_PATH('[1]', 'some', '$[0]')",
        "JSON_CONTAINS_PATH('[1]', NULL, '$[0]')",
        "JSON_UNQUOTE('\"a\\\\tb\\\\u00e9\"')",
        "JSON_UNQUOTE('\"a\\\\qb\"')",
        "JSON_UNQUOTE('\"abc')",
        "JSON_UNQUOTE('\"\"')",
        "JSON_UNQUOTE('\"')",
        "JSON_UNQUOTE('  \"a\"  ')",
        "JSON_VALUE('{\"a\": \"x\"}', '$.a') = 'X'",
        "JSON_VALUE('{\"a\": 1.50}', '$.a') + 1",
        "JSON_VALUE('{\"a\": \"x\\\\ty\"}', '$.a')",
        "JSON_VALUE('{\"a\": true}', '$.a')",
        "JSON_VALUE('{\"a\": false}', '$.a')",
        "JSON_VALUE('{\"a\": null}', '$.a')",
        "JSON_VALUE('\"x\"', '$')",
        "JSON_LENGTH('[1, 2]', '$[*]')",
        "JSON_DEPTH('[[1], {\"a\": [2]}]')",
        "JSON_TYPE('1.0')",
        "JSON_TYPE('1e2')",
        "JSON_TYPE('-1')",
        "JSON_TYPE('18446744073709551616')",
        "JSON_TYPE('true')",
        "JSON_TYPE('\"s\"')",
        "JSON_KEYS('{\"a\": 1, \"a\": 2, \"b\": 3}')",
        "JSON_KEYS('{\"a\\\\u0041\": 1}')",
        "JSON_EXTRACT('{\"a\\\\u0041\": 1}', '$.aA')",
        "JSON_SET('{\"a\\\\u0041\": 1}', '$.aA', 2)",
        "JSON_COMPACT('{\"a\" : \"b c\" , \"d\" : [ 1 , 2 ] }')",
        "JSON_QUOTE(NULL)",
        "JSON_QUOTE(12)",
        "JSON_ARRAY(JSON_QUOTE('a'))",
        "JSON_ARRAY(JSON_UNQUOTE('\"[1]\"'))",
        "JSON_ARRAY(JSON_TYPE('1'))",
        "JSON_ARRAY(JSON_KEYS('{\"a\": 1}'))",
        "JSON_ARRAY(JSON_EXTRACT('{\"a\": {\"b\" :1}}', '$.a'))",
        "JSON_OBJECT('k', JSON_REMOVE('{\"a\" : 1, \"b\":2}', '$.a'))",
        "JSON_ARRAY(JSON_SET('{\"a\" : 1}', '$.a', 2))",
        "JSON_ARRAY(JSON_ARRAY_APPEND('[ 1 ]', '$', 2))",
        "JSON_ARRAY(JSON_COMPACT('[ 1 ]'))",
        "JSON_ARRAY(JSON_QUERY('{\"a\": [ 1 ]}', '$.a'))",
        "JSON_SET('{}', '$.a', JSON_OBJECT('b', 1), '$.a.c', 2)",
        "JSON_EXTRACT('{\"a\": \"x\"}', '$.a') = 'x'",
        "COLLATION(JSON_VALUE('{\"a\": \"x\"}', '$.a'))",
        "COLLATION(JSON_OBJECT('a', 1))",
    ] {
        out.push(e.to_owned());
    }
    out.extend(super::functions::expressions());
    out
}
