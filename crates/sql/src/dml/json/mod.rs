//! MySQL's JSON in expressions: JSON values ([`Value::Json`]), what SQL
//! values become when they go into a document and what a document gives
//! back as text or a number, MySQL's path expressions (`path.rs`), the
//! JSON functions (`functions.rs`, `modify.rs`) and comparison
//! (`compare.rs`). Documents are [`JsonDoc`]s: the shape of MySQL's
//! binary JSON, so that a value stored into a JSON column is what the
//! source stored.
//!
//! MariaDB's JSON functions work on text and answer differently
//! (`maria/`); the [`Context`](super::eval::Context) says which server's
//! rules apply.

mod compare;
mod functions;
mod maria;
mod modify;
mod path;

use sqlparser::ast::{BinaryOperator, Expr, UnaryOperator};
pub use understudy_binlog::value::json::JsonDoc;
use understudy_binlog::value::json::{
    MAX_DEPTH, MYSQL_TYPE_DATE, MYSQL_TYPE_DATETIME, MYSQL_TYPE_DECIMAL_NEW, render_json,
};

use super::decimal::Decimal;
use super::eval::{Context, EvalError};
use super::value::{Coll, Derivation, Text, Value};
use crate::collation::Collation;

pub(super) use compare::{compare_json, compare_with_sql, json_operand};
pub(super) use functions::call;
use functions::extract_op;
pub(super) use maria::value as mariadb_value;

/// JSON text as a document, as MySQL's parser reads it: integers as
/// integers when they fit (signed first), other numbers as doubles, a
/// repeated key's last value, object keys in MySQL's order (length, then
/// bytes). The error is the parser's message.
pub fn parse_text(text: &[u8]) -> Result<JsonDoc, String> {
    let v: serde_json::Value = serde_json::from_slice(text).map_err(|e| e.to_string())?;
    from_serde(&v, 0)
}

fn from_serde(v: &serde_json::Value, depth: usize) -> Result<JsonDoc, String> {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return Err("the document is nested too deeply".into());
    }
    Ok(match v {
        J::Null => JsonDoc::Null,
        J::Bool(b) => JsonDoc::Bool(*b),
        J::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => JsonDoc::Int(i),
            (None, Some(u), _) => JsonDoc::UInt(u),
            (None, None, Some(f)) if f.is_finite() => JsonDoc::Double(f),
            _ => return Err(format!("the number {n}")),
        },
        J::String(s) => JsonDoc::String(s.as_bytes().to_vec()),
        J::Array(a) => JsonDoc::Array(
            a.iter()
                .map(|x| from_serde(x, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        J::Object(m) => {
            let mut members = m
                .iter()
                .map(|(k, x)| Ok((k.as_bytes().to_vec(), from_serde(x, depth + 1)?)))
                .collect::<Result<Vec<_>, String>>()?;
            members.sort_by(|a, b| key_order(&a.0, &b.0));
            JsonDoc::Object(members)
        }
    })
}

/// MySQL's order of object keys: shorter first, then bytewise.
pub(super) fn key_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The JSON text of a document (MySQL's `CAST(j AS CHAR)`).
pub fn render(doc: &JsonDoc) -> String {
    render_json(&doc.as_value())
}

/// The collation of JSON as text: utf8mb4_bin, held as a column's.
pub(super) const JSON_TEXT: Text = Text::Collated(Coll {
    collation: Collation::Utf8Bin,
    derivation: Derivation::Implicit,
});

/// A document where a string is wanted: its text.
pub(crate) fn as_text(doc: &JsonDoc) -> Value {
    Value::Str(render(doc).into_bytes(), JSON_TEXT)
}

/// A document where a number is wanted: MySQL reads JSON as a string
/// result, so arithmetic on it is in doubles; numbers and booleans have
/// one, anything else is not evaluated.
pub(super) fn as_double(doc: &JsonDoc) -> Result<f64, EvalError> {
    match doc {
        JsonDoc::Int(i) => Ok(*i as f64),
        JsonDoc::UInt(u) => Ok(*u as f64),
        JsonDoc::Double(d) => Ok(*d),
        JsonDoc::Bool(b) => Ok(f64::from(u8::from(*b))),
        JsonDoc::Opaque(MYSQL_TYPE_DECIMAL_NEW, _) => decimal_of(doc)
            .map(|d| d.to_f64())
            .ok_or_else(|| EvalError::unsupported("a JSON DECIMAL past 38 digits")),
        other => Err(EvalError::unsupported(format!(
            "the JSON value {} used as a number",
            render(other)
        ))),
    }
}

/// A JSON number as a SQL number (`None` for other values, and for
/// decimals past 38 digits).
pub fn as_number(doc: &JsonDoc) -> Option<Value> {
    Some(match doc {
        JsonDoc::Int(i) => Value::Int(*i),
        JsonDoc::UInt(u) => Value::UInt(*u),
        JsonDoc::Double(d) => Value::Double(*d),
        _ => Value::Decimal(decimal_of(doc)?),
    })
}

/// An opaque DECIMAL's value.
pub(super) fn decimal_of(doc: &JsonDoc) -> Option<Decimal> {
    match doc {
        JsonDoc::Opaque(MYSQL_TYPE_DECIMAL_NEW, _) => Decimal::parse(&render(doc)),
        _ => None,
    }
}

/// A SQL value put into a document (JSON_OBJECT's and JSON_ARRAY's
/// arguments, JSON_SET's values, CAST(… AS JSON) of a non-string):
/// `boolean` when the expression is one of MySQL's boolean ones (TRUE,
/// a comparison), which become `true`/`false`.
pub(super) fn from_sql(v: Value, boolean: bool) -> Result<JsonDoc, EvalError> {
    Ok(match v {
        Value::Null => JsonDoc::Null,
        Value::Int(i) if boolean => JsonDoc::Bool(i != 0),
        Value::Int(i) => JsonDoc::Int(i),
        Value::UInt(u) => JsonDoc::UInt(u),
        Value::Double(d) => JsonDoc::Double(d),
        Value::Decimal(d) => JsonDoc::decimal(&d.to_string())
            .ok_or_else(|| EvalError::unsupported(format!("the decimal {d} in JSON")))?,
        Value::Str(b, Text::Collated(_)) | Value::Member(b, ..) => {
            if std::str::from_utf8(&b).is_err() {
                return Err(EvalError::unsupported("text that is not UTF-8 in JSON"));
            }
            JsonDoc::String(b)
        }
        Value::Str(_, Text::Binary | Text::Hex) => {
            return Err(EvalError::unsupported("a binary string in JSON"));
        }
        Value::Temporal(t) => {
            let (ty, time) = if t.date {
                (MYSQL_TYPE_DATE, [0; 3])
            } else {
                (
                    MYSQL_TYPE_DATETIME,
                    [t.hour, t.minute, t.second].map(u32::from),
                )
            };
            JsonDoc::temporal(
                ty,
                [u32::from(t.year), u32::from(t.month), u32::from(t.day)],
                time,
                t.micros,
            )
        }
        Value::Json(doc) => *doc,
        Value::Time(_) => return Err(EvalError::unsupported("a TIME value in JSON")),
    })
}

/// A function's document argument (`arg` counts from 1): a JSON value,
/// or text parsed as JSON; `None` for NULL. Anything else is MySQL's
/// 3146, text that is not JSON its 3141.
pub(super) fn doc_arg(v: Value, arg: usize, function: &str) -> Result<Option<JsonDoc>, EvalError> {
    match v {
        Value::Null => Ok(None),
        Value::Json(doc) => Ok(Some(*doc)),
        Value::Str(b, Text::Collated(_)) | Value::Member(b, ..) => {
            parse_text(&b).map(Some).map_err(|e| EvalError::Sql {
                errno: 3141,
                message: format!(
                    "Invalid JSON text in argument {arg} to function {function}: \"{e}\"."
                ),
            })
        }
        _ => Err(EvalError::Sql {
            errno: 3146,
            message: format!(
                "Invalid data type for JSON data in argument {arg} to function {function}; a JSON string or JSON type is required."
            ),
        }),
    }
}

/// Whether MySQL types the expression as boolean, which JSON keeps as
/// `true`/`false` (checked on MySQL 9.7: TRUE, comparisons, logic, IS,
/// IN, BETWEEN, LIKE, EXISTS, ISNULL(); but not IF(…) or COALESCE(…)).
pub(super) fn is_boolean(e: &Expr) -> bool {
    use BinaryOperator as B;
    match e {
        Expr::Value(v) => matches!(v.value, sqlparser::ast::Value::Boolean(_)),
        Expr::Nested(x) => is_boolean(x),
        Expr::BinaryOp { op, .. } => matches!(
            op,
            B::Eq
                | B::NotEq
                | B::Lt
                | B::LtEq
                | B::Gt
                | B::GtEq
                | B::Spaceship
                | B::And
                | B::Or
                | B::Xor
        ),
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            ..
        } => true,
        Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsTrue(_)
        | Expr::IsNotTrue(_)
        | Expr::IsFalse(_)
        | Expr::IsNotFalse(_)
        | Expr::InList { .. }
        | Expr::InSubquery { .. }
        | Expr::Between { .. }
        | Expr::Like { .. }
        | Expr::Exists { .. } => true,
        Expr::Function(f) => f.name.to_string().eq_ignore_ascii_case("ISNULL"),
        _ => false,
    }
}

/// MySQL's limit on nesting, for documents the functions build.
pub(super) fn depth(doc: &JsonDoc) -> usize {
    match doc {
        JsonDoc::Array(a) if !a.is_empty() => 1 + a.iter().map(depth).max().unwrap_or(0),
        JsonDoc::Object(m) if !m.is_empty() => {
            1 + m.iter().map(|(_, v)| depth(v)).max().unwrap_or(0)
        }
        _ => 1,
    }
}

/// A document deeper than MySQL allows: its 3157.
pub(super) fn check_depth(doc: JsonDoc) -> Result<Value, EvalError> {
    if depth(&doc) > MAX_DEPTH {
        return Err(EvalError::Sql {
            errno: 3157,
            message: "The JSON document exceeds the maximum depth.".into(),
        });
    }
    Ok(Value::Json(Box::new(doc)))
}

pub(super) fn mariadb(what: &str) -> EvalError {
    EvalError::unsupported(format!(
        "{what} on MariaDB (its JSON functions work on text)"
    ))
}

/// `doc -> path` (JSON_EXTRACT) and `doc ->> path` (JSON_UNQUOTE of it).
pub(super) fn arrow(
    doc: Value,
    path: Value,
    unquote: bool,
    context: &dyn Context,
) -> Result<Value, EvalError> {
    if !context.source_is_mysql() {
        return Err(mariadb("the -> operator"));
    }
    extract_op(doc, path, unquote)
}

/// `CAST(v AS JSON)`: text is parsed, other values are put in a document.
pub(super) fn cast(v: Value, e: &Expr, context: &dyn Context) -> Result<Value, EvalError> {
    if !context.source_is_mysql() {
        return Err(mariadb("CAST(… AS JSON)"));
    }
    match v {
        Value::Null => Ok(Value::Null),
        Value::Str(_, Text::Collated(_)) | Value::Member(..) => {
            doc_arg(v, 1, "cast_as_json").map(|d| Value::Json(Box::new(d.unwrap_or(JsonDoc::Null))))
        }
        v => from_sql(v, is_boolean(e)).map(|d| Value::Json(Box::new(d))),
    }
}
