//! MySQL's JSON functions that read and build documents (the ones that
//! change a document at a path are in `modify.rs`), and the `->` and
//! `->>` operators. Checked against MySQL 9.7 (`testdata/expressions`).

use sqlparser::ast::Expr;
use understudy_binlog::value::json::{
    JsonDoc, MYSQL_TYPE_DATE, MYSQL_TYPE_DATETIME, MYSQL_TYPE_DECIMAL_NEW, MYSQL_TYPE_TIME,
    MYSQL_TYPE_TIMESTAMP,
};

use super::compare::contains;
use super::modify::{self, Change, Keys};
use super::path::Path;
use super::{check_depth, doc_arg, from_sql, is_boolean, key_order, parse_text, render};
use crate::collation::Collation;
use crate::dml::eval::{EvalError, Row, eval, param_count};
use crate::dml::value::{Coll, Derivation, Text, Value};

/// Text JSON_UNQUOTE, JSON_TYPE and JSON_QUOTE give: utf8mb4_bin, as
/// coercible as a literal.
const FUNCTION_TEXT: Text = Text::Collated(Coll {
    collation: Collation::Utf8Bin,
    derivation: Derivation::Coercible,
});

fn sql(errno: u32, message: String) -> EvalError {
    EvalError::Sql { errno, message }
}

/// A path argument; `None` for NULL. Text that is not a path is 3143.
fn path_arg(v: &Value) -> Result<Option<Path>, EvalError> {
    let text = match v {
        Value::Null => return Ok(None),
        Value::Str(b, _) | Value::Member(b, ..) => b.clone(),
        Value::Int(i) => i.to_string().into_bytes(),
        Value::UInt(u) => u.to_string().into_bytes(),
        Value::Decimal(d) => d.to_string().into_bytes(),
        _ => return Err(EvalError::unsupported("a JSON path that is not text")),
    };
    Path::parse(&text).map(Some).map_err(|e| {
        sql(
            3143,
            format!(
                "Invalid JSON path expression. The error is around character position {}.",
                e.0
            ),
        )
    })
}

/// Path arguments in order: the first that is not a path is 3143;
/// `None` when one is NULL before that.
fn paths_arg(paths: &[Value]) -> Result<Option<Vec<Path>>, EvalError> {
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        match path_arg(p)? {
            Some(p) => out.push(p),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

fn no_wildcards(p: &Path) -> Result<(), EvalError> {
    if p.is_wild() {
        return Err(sql(
            3149,
            "In this situation, path expressions may not contain the * and ** tokens or an array range.".into(),
        ));
    }
    Ok(())
}

/// JSON_EXTRACT over evaluated arguments: one value for one plain path,
/// an array of every match otherwise; NULL when nothing matches.
fn extract(doc: Value, paths: &[Value]) -> Result<Value, EvalError> {
    let Some(doc) = doc_arg(doc, 1, "json_extract")? else {
        return Ok(Value::Null);
    };
    let Some(parsed) = paths_arg(paths)? else {
        return Ok(Value::Null);
    };
    let wrap = parsed.len() > 1 || parsed.iter().any(Path::is_wild);
    let mut found = Vec::new();
    for p in &parsed {
        found.extend(p.find(&doc).into_iter().cloned());
    }
    Ok(match (wrap, found.len()) {
        (_, 0) => Value::Null,
        (false, _) => Value::Json(Box::new(found.swap_remove(0))),
        (true, _) => Value::Json(Box::new(JsonDoc::Array(found))),
    })
}

/// `doc -> path` and `doc ->> path`.
pub(crate) fn extract_op(doc: Value, path: Value, unquote: bool) -> Result<Value, EvalError> {
    let v = extract(doc, &[path])?;
    if unquote { unquote_value(v) } else { Ok(v) }
}

fn unquote_value(v: Value) -> Result<Value, EvalError> {
    let text = match v {
        Value::Null => return Ok(Value::Null),
        Value::Json(doc) => match *doc {
            JsonDoc::String(s) => s,
            other => render(&other).into_bytes(),
        },
        Value::Str(b, Text::Collated(_)) | Value::Member(b, ..) => {
            if b.len() >= 2 && b.starts_with(b"\"") && b.ends_with(b"\"") {
                match parse_text(&b) {
                    Ok(JsonDoc::String(s)) => s,
                    Ok(_) => b,
                    Err(e) => {
                        return Err(sql(
                            3141,
                            format!(
                                "Invalid JSON text in argument 1 to function json_unquote: \"{e}\"."
                            ),
                        ));
                    }
                }
            } else {
                b
            }
        }
        Value::Str(..) => return Err(EvalError::unsupported("JSON_UNQUOTE of a binary string")),
        _ => {
            return Err(sql(
                3064,
                "Incorrect type for argument 1 in function json_unquote.".into(),
            ));
        }
    };
    Ok(Value::Str(text, FUNCTION_TEXT))
}

/// An object member's name from a SQL value (JSON_OBJECT's keys).
fn key_of(v: Value) -> Result<Vec<u8>, EvalError> {
    match v {
        Value::Null => Err(sql(
            3158,
            "JSON documents may not contain NULL member names.".into(),
        )),
        Value::Str(b, Text::Collated(_)) | Value::Member(b, ..)
            if std::str::from_utf8(&b).is_ok() =>
        {
            Ok(b)
        }
        Value::Int(i) => Ok(i.to_string().into_bytes()),
        Value::UInt(u) => Ok(u.to_string().into_bytes()),
        Value::Decimal(d) => Ok(d.to_string().into_bytes()),
        _ => Err(EvalError::unsupported(
            "a JSON member name that is not text or an integer",
        )),
    }
}

/// MySQL's name of a value's JSON type.
fn type_name(doc: &JsonDoc) -> Result<&'static str, EvalError> {
    Ok(match doc {
        JsonDoc::Null => "NULL",
        JsonDoc::Bool(_) => "BOOLEAN",
        JsonDoc::Int(_) => "INTEGER",
        JsonDoc::UInt(_) => "UNSIGNED INTEGER",
        JsonDoc::Double(_) => "DOUBLE",
        JsonDoc::String(_) => "STRING",
        JsonDoc::Object(_) => "OBJECT",
        JsonDoc::Array(_) => "ARRAY",
        JsonDoc::Opaque(MYSQL_TYPE_DECIMAL_NEW, _) => "DECIMAL",
        JsonDoc::Opaque(MYSQL_TYPE_DATE, _) => "DATE",
        JsonDoc::Opaque(MYSQL_TYPE_TIME, _) => "TIME",
        JsonDoc::Opaque(MYSQL_TYPE_DATETIME, _) => "DATETIME",
        JsonDoc::Opaque(MYSQL_TYPE_TIMESTAMP, _) => "TIMESTAMP",
        JsonDoc::Opaque(t, _) => {
            return Err(EvalError::unsupported(format!(
                "JSON_TYPE of an opaque JSON value of type {t}"
            )));
        }
    })
}

/// The value at a plain path (the whole document without one); `None`
/// when the path is NULL or selects nothing. `wrap`: with auto-wrapping.
fn at_path(doc: JsonDoc, path: Option<&Value>, wrap: bool) -> Result<Option<JsonDoc>, EvalError> {
    let Some(p) = path else {
        return Ok(Some(doc));
    };
    let Some(p) = path_arg(p)? else {
        return Ok(None);
    };
    no_wildcards(&p)?;
    let found = if wrap {
        p.find(&doc)
    } else {
        p.find_unwrapped(&doc)
    };
    Ok(found.first().map(|v| (*v).clone()))
}

/// The JSON function `name` (upper case) over its argument expressions,
/// or `None` when it is not one understudy evaluates.
pub(crate) fn call(name: &str, args: &[Expr], row: &dyn Row) -> Option<Result<Value, EvalError>> {
    const NAMES: &[&str] = &[
        "JSON_EXTRACT",
        "JSON_UNQUOTE",
        "JSON_QUOTE",
        "JSON_OBJECT",
        "JSON_ARRAY",
        "JSON_TYPE",
        "JSON_VALID",
        "JSON_LENGTH",
        "JSON_DEPTH",
        "JSON_KEYS",
        "JSON_CONTAINS",
        "JSON_CONTAINS_PATH",
        "JSON_SET",
        "JSON_INSERT",
        "JSON_REPLACE",
        "JSON_REMOVE",
        "JSON_ARRAY_APPEND",
        "JSON_ARRAY_INSERT",
        "JSON_MERGE_PATCH",
        "JSON_MERGE_PRESERVE",
        "JSON_MERGE",
    ];
    if !name.starts_with("JSON_") {
        return None;
    }
    if !row.context().source_is_mysql() {
        return super::maria::in_expression(name, args, row);
    }
    if !NAMES.contains(&name) {
        return None;
    }
    Some(evaluate(name, args, row))
}

fn evaluate(name: &str, args: &[Expr], row: &dyn Row) -> Result<Value, EvalError> {
    let lower = name.to_ascii_lowercase();
    let count = |n: std::ops::RangeInclusive<usize>| param_count(name, args.len(), n);
    // JSON_OBJECT and JSON_ARRAY keep booleans, so they see expressions.
    match name {
        "JSON_OBJECT" => {
            if args.len() % 2 == 1 {
                return count(0..=0).map(|()| Value::Null);
            }
            let mut members: Vec<(Vec<u8>, JsonDoc)> = Vec::new();
            for pair in args.chunks(2) {
                let key = key_of(eval(&pair[0], row)?)?;
                let value = from_sql(eval(&pair[1], row)?, is_boolean(&pair[1]))?;
                match members.binary_search_by(|(k, _)| key_order(k, &key)) {
                    Ok(i) => members[i].1 = value,
                    Err(i) => members.insert(i, (key, value)),
                }
            }
            return check_depth(JsonDoc::Object(members));
        }
        "JSON_ARRAY" => {
            let mut items = Vec::with_capacity(args.len());
            for a in args {
                items.push(from_sql(eval(a, row)?, is_boolean(a))?);
            }
            return check_depth(JsonDoc::Array(items));
        }
        "JSON_SET" | "JSON_INSERT" | "JSON_REPLACE" | "JSON_ARRAY_APPEND" | "JSON_ARRAY_INSERT" => {
            if args.len() < 3 || args.len().is_multiple_of(2) {
                return count(0..=0).map(|()| Value::Null);
            }
            let Some(mut doc) = doc_arg(eval(&args[0], row)?, 1, &lower)? else {
                return Ok(Value::Null);
            };
            for pair in args[1..].chunks(2) {
                let Some(path) = path_arg(&eval(&pair[0], row)?)? else {
                    return Ok(Value::Null);
                };
                no_wildcards(&path)?;
                let value = from_sql(eval(&pair[1], row)?, is_boolean(&pair[1]))?;
                match name {
                    "JSON_SET" => {
                        modify::change(&mut doc, &path.legs, value, Change::Set, Keys::Sorted)
                    }
                    "JSON_INSERT" => {
                        modify::change(&mut doc, &path.legs, value, Change::Insert, Keys::Sorted)
                    }
                    "JSON_REPLACE" => {
                        modify::change(&mut doc, &path.legs, value, Change::Replace, Keys::Sorted)
                    }
                    "JSON_ARRAY_APPEND" => modify::array_append(&mut doc, &path.legs, value),
                    _ => modify::array_insert(&mut doc, &path.legs, value)?,
                }
            }
            return check_depth(doc);
        }
        _ => {}
    }
    let v = args
        .iter()
        .map(|a| eval(a, row))
        .collect::<Result<Vec<_>, _>>()?;
    match name {
        "JSON_EXTRACT" => {
            if v.len() < 2 {
                return count(2..=2).map(|()| Value::Null);
            }
            let mut v = v;
            let doc = v.remove(0);
            extract(doc, &v)
        }
        "JSON_UNQUOTE" => {
            count(1..=1)?;
            unquote_value(v.into_iter().next().unwrap_or(Value::Null))
        }
        "JSON_QUOTE" => {
            count(1..=1)?;
            match v.into_iter().next() {
                Some(Value::Str(b, Text::Collated(_)) | Value::Member(b, ..))
                    if std::str::from_utf8(&b).is_ok() =>
                {
                    Ok(Value::Str(
                        render(&JsonDoc::String(b)).into_bytes(),
                        FUNCTION_TEXT,
                    ))
                }
                Some(Value::Null) | None => Ok(Value::Null),
                Some(Value::Str(..)) => {
                    Err(EvalError::unsupported("JSON_QUOTE of a binary string"))
                }
                Some(_) => Err(sql(
                    3064,
                    "Incorrect type for argument 1 in function json_quote.".into(),
                )),
            }
        }
        "JSON_VALID" => {
            count(1..=1)?;
            Ok(match v.into_iter().next().unwrap_or(Value::Null) {
                Value::Null => Value::Null,
                Value::Json(_) => Value::Int(1),
                Value::Str(b, Text::Collated(_)) | Value::Member(b, ..) => {
                    Value::Int(i64::from(parse_text(&b).is_ok()))
                }
                Value::Str(..) => {
                    return Err(EvalError::unsupported("JSON_VALID of a binary string"));
                }
                _ => Value::Int(0),
            })
        }
        "JSON_TYPE" => {
            count(1..=1)?;
            let Some(doc) = doc_arg(v.into_iter().next().unwrap_or(Value::Null), 1, &lower)? else {
                return Ok(Value::Null);
            };
            Ok(Value::Str(
                type_name(&doc)?.as_bytes().to_vec(),
                FUNCTION_TEXT,
            ))
        }
        "JSON_DEPTH" => {
            count(1..=1)?;
            let doc = doc_arg(v.into_iter().next().unwrap_or(Value::Null), 1, &lower)?;
            Ok(doc.map_or(Value::Null, |d| Value::Int(super::depth(&d) as i64)))
        }
        "JSON_LENGTH" | "JSON_KEYS" => {
            count(1..=2)?;
            let mut it = v.into_iter();
            let Some(doc) = doc_arg(it.next().unwrap_or(Value::Null), 1, &lower)? else {
                return Ok(Value::Null);
            };
            let path = it.next();
            if name == "JSON_LENGTH"
                && let Some(Some(p)) = path.as_ref().map(path_arg).transpose()?
                && p.is_wild()
            {
                return Err(EvalError::unsupported("JSON_LENGTH with a wildcard path"));
            }
            let Some(target) = at_path(doc, path.as_ref(), name == "JSON_LENGTH")? else {
                return Ok(Value::Null);
            };
            Ok(match (name, target) {
                ("JSON_LENGTH", JsonDoc::Array(a)) => Value::Int(a.len() as i64),
                ("JSON_LENGTH", JsonDoc::Object(m)) => Value::Int(m.len() as i64),
                ("JSON_LENGTH", _) => Value::Int(1),
                (_, JsonDoc::Object(m)) => Value::Json(Box::new(JsonDoc::Array(
                    m.into_iter().map(|(k, _)| JsonDoc::String(k)).collect(),
                ))),
                _ => Value::Null,
            })
        }
        "JSON_CONTAINS" => {
            count(2..=3)?;
            let mut it = v.into_iter();
            let target = doc_arg(it.next().unwrap_or(Value::Null), 1, &lower)?;
            let candidate = doc_arg(it.next().unwrap_or(Value::Null), 2, &lower)?;
            let path = it.next();
            let (Some(target), Some(candidate)) = (target, candidate) else {
                return Ok(Value::Null);
            };
            let Some(target) = at_path(target, path.as_ref(), true)? else {
                return Ok(Value::Null);
            };
            Ok(Value::Int(i64::from(contains(&target, &candidate)?)))
        }
        "JSON_CONTAINS_PATH" => {
            if v.len() < 3 {
                return count(3..=3).map(|()| Value::Null);
            }
            let mut it = v.into_iter();
            let Some(doc) = doc_arg(it.next().unwrap_or(Value::Null), 1, &lower)? else {
                return Ok(Value::Null);
            };
            let all = match it.next().unwrap_or(Value::Null) {
                Value::Null => return Ok(Value::Null),
                Value::Str(b, _) if b.eq_ignore_ascii_case(b"one") => false,
                Value::Str(b, _) if b.eq_ignore_ascii_case(b"all") => true,
                _ => {
                    return Err(sql(
                        3154,
                        "The oneOrAll argument to json_contains_path may take these values: 'one' or 'all'.".into(),
                    ));
                }
            };
            let Some(paths) = paths_arg(&it.collect::<Vec<_>>())? else {
                return Ok(Value::Null);
            };
            let mut hits = paths.iter().map(|p| !p.find(&doc).is_empty());
            Ok(Value::Int(i64::from(if all {
                hits.all(|h| h)
            } else {
                hits.any(|h| h)
            })))
        }
        "JSON_REMOVE" => {
            if v.len() < 2 {
                return count(2..=2).map(|()| Value::Null);
            }
            let mut it = v.into_iter();
            let Some(mut doc) = doc_arg(it.next().unwrap_or(Value::Null), 1, &lower)? else {
                return Ok(Value::Null);
            };
            for p in it {
                let Some(p) = path_arg(&p)? else {
                    return Ok(Value::Null);
                };
                no_wildcards(&p)?;
                if p.legs.is_empty() {
                    return Err(sql(
                        3153,
                        "The path expression '$' is not allowed in this context.".into(),
                    ));
                }
                modify::remove(&mut doc, &p.legs);
            }
            Ok(Value::Json(Box::new(doc)))
        }
        "JSON_MERGE_PATCH" | "JSON_MERGE_PRESERVE" | "JSON_MERGE" => {
            if v.len() < 2 {
                return count(2..=2).map(|()| Value::Null);
            }
            let mut docs = Vec::with_capacity(v.len());
            for (i, x) in v.into_iter().enumerate() {
                docs.push(doc_arg(x, i + 1, &lower)?);
            }
            let merged = if name == "JSON_MERGE_PATCH" {
                docs.into_iter()
                    .reduce(|acc, next| match (acc, next) {
                        (_, Some(n)) if !matches!(n, JsonDoc::Object(_)) => Some(n),
                        (Some(a), Some(n)) => Some(modify::merge_patch(a, n)),
                        _ => None,
                    })
                    .flatten()
            } else {
                docs.into_iter()
                    .collect::<Option<Vec<_>>>()
                    .and_then(|d| d.into_iter().reduce(modify::merge_preserve))
            };
            merged.map_or(Ok(Value::Null), check_depth)
        }
        _ => Err(EvalError::unsupported(format!("the function {name}"))),
    }
}
