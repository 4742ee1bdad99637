//! The expression evaluator against a real MySQL 9.7 and MariaDB 10.11:
//! every expression in `testdata/expressions/mysql-9.7.tsv` and
//! `mariadb-10.11.tsv` (recorded by `record-expressions` from `SELECT
//! expr` on the servers) is evaluated, and must give the server's answer — the same text for integers,
//! decimals and strings, the same double, NULL, or the same error number
//! — or say it does not evaluate it (counted, never a wrong answer).

#![allow(clippy::unwrap_used)]

use understudy_sql::collation::Collation;
use understudy_sql::dml::eval::{Context, EvalError, NoRow, Row, eval_value};
use understudy_sql::dml::json;
use understudy_sql::dml::parse_expr;
use understudy_sql::dml::value::Value;

/// No columns, and the recording session's `collation_connection` on
/// MySQL 9.7 or MariaDB 10.11.
struct Connection {
    mysql: bool,
}

impl Row for Connection {
    fn column(&self, table: Option<&str>, name: &str) -> Result<Value, EvalError> {
        NoRow.column(table, name)
    }

    fn context(&self) -> &dyn Context {
        self
    }
}

impl Context for Connection {
    fn connection_collation(&self) -> Collation {
        if self.mysql {
            Collation::Uca0900AiCi
        } else {
            Collation::GeneralCi
        }
    }

    fn lc_time_names(&self) -> Option<u16> {
        Some(0)
    }

    fn source_is_mysql(&self) -> bool {
        self.mysql
    }
}

/// A `mysql --batch` field's text: `\\`, `\n`, `\t` and `\0` unescaped.
fn unescape(batch: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(batch.len());
    let mut bytes = batch.bytes();
    while let Some(c) = bytes.next() {
        out.push(if c == b'\\' {
            match bytes.next() {
                Some(b'n') => b'\n',
                Some(b't') => b'\t',
                Some(b'0') => 0,
                Some(other) => other,
                None => b'\\',
            }
        } else {
            c
        });
    }
    out
}

/// Whether our value is what MySQL printed.
fn same(ours: &Value, theirs: &str) -> bool {
    match ours {
        Value::Null => theirs == "NULL",
        Value::Int(i) => i.to_string() == theirs,
        Value::UInt(u) => u.to_string() == theirs,
        Value::Decimal(d) => d.to_string() == theirs,
        Value::Double(f) => theirs.parse::<f64>().is_ok_and(|t| t == *f),
        Value::Str(b, _) | Value::Member(b, ..) => *b == unescape(theirs),
        Value::Temporal(t) => t.to_string() == theirs,
        Value::Json(doc) => json::render(doc).into_bytes() == unescape(theirs),
        Value::Time(t) => t.to_string() == theirs,
    }
}

/// Every expression of `file` evaluated on `connection` (as the applier
/// evaluates a value it stores): (agreed, not evaluated); panics on any
/// answer that differs.
fn check(file: &str, server: &str, connection: &Connection) -> (usize, Vec<String>) {
    let path = format!(
        "{}/../../testdata/expressions/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let (mut agreed, mut unsupported) = (0, Vec::new());
    let mut wrong = Vec::new();
    for line in text.lines() {
        let (expr, theirs) = line.split_once('\t').unwrap();
        // Read as the applier reads a statement's expressions.
        let parsed = match parse_expr(expr) {
            Ok(e) => e,
            Err(e) => {
                unsupported.push(format!("{expr} ({e})"));
                continue;
            }
        };
        let ours = eval_value(&parsed, connection);
        let ok = match (&ours, theirs.strip_prefix("ERROR ")) {
            (Err(EvalError::Unsupported(_) | EvalError::Order(_)), _) => {
                unsupported.push(expr.to_owned());
                continue;
            }
            (Err(EvalError::Sql { errno, .. }), Some(code)) => errno.to_string() == code,
            (Ok(v), None) => same(v, theirs),
            _ => false,
        };
        if ok {
            agreed += 1;
        } else {
            let ours = match &ours {
                Ok(Value::Str(b, _)) => format!("'{}'", String::from_utf8_lossy(b)),
                other => format!("{other:?}"),
            };
            wrong.push(format!("{expr}: {server} {theirs}, understudy {ours}"));
        }
    }
    if std::env::var_os("UNDERSTUDY_LIST_REFUSED").is_some() {
        eprintln!("not evaluated:\n{}", unsupported.join("\n"));
    }
    eprintln!(
        "{} expressions: {agreed} agree with {server}, {} not evaluated by understudy",
        text.lines().count(),
        unsupported.len()
    );
    assert!(
        wrong.is_empty(),
        "{} differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    (agreed, unsupported)
}

#[test]
fn evaluator_agrees_with_mysql_97() {
    let (agreed, unsupported) = check("mysql-9.7.tsv", "MySQL 9.7", &Connection { mysql: true });
    assert!(agreed >= 17_000, "only {agreed} evaluated: {unsupported:?}");
}

/// MariaDB's JSON functions, which work on text, and the functions both
/// servers have.
#[test]
fn evaluator_agrees_with_mariadb_1011() {
    let (agreed, unsupported) = check(
        "mariadb-10.11.tsv",
        "MariaDB 10.11",
        &Connection { mysql: false },
    );
    assert!(agreed >= 9_000, "only {agreed} evaluated: {unsupported:?}");
}
