//! MariaDB 10.11's JSON functions. MariaDB's JSON is text (a JSON column
//! is LONGTEXT checked by JSON_VALID), and its functions read and write
//! text by rules of their own (`text.rs`): what they write is the
//! document again with `", "` and `": "` between members, scalars as
//! written. Checked against MariaDB 10.11 (`testdata/expressions`).
//!
//! A JSON function's result is JSON to another JSON function (embedded,
//! not quoted) and is compared and converted by MariaDB with rules of its
//! own (`JSON_EXTRACT(…) = 'x'` compares the unquoted value): so the
//! functions that give JSON are evaluated where their value is stored or
//! passed to another JSON function ([`value`]), and refused as operands.

mod text;

use sqlparser::ast::Expr;
use understudy_binlog::value::json::JsonDoc;

use super::modify::{self, Change, Keys};
use super::path::{Index, Leg, Path, preorder};
use super::{is_boolean, mariadb};
use crate::collation::Collation;
use crate::dml::eval::{EvalError, Row, eval, param_count};
use crate::dml::value::{Coll, Derivation, Text, Value};
use text::{ReadError, Style};

/// The functions whose result is JSON text.
const GIVE_JSON: &[&str] = &[
    "JSON_EXTRACT",
    "JSON_QUERY",
    "JSON_OBJECT",
    "JSON_ARRAY",
    "JSON_SET",
    "JSON_INSERT",
    "JSON_REPLACE",
    "JSON_REMOVE",
    "JSON_ARRAY_APPEND",
    "JSON_ARRAY_INSERT",
    "JSON_COMPACT",
];

/// The functions whose result is a plain string or number.
const GIVE_SCALAR: &[&str] = &[
    "JSON_VALUE",
    "JSON_UNQUOTE",
    "JSON_QUOTE",
    "JSON_TYPE",
    "JSON_VALID",
    "JSON_LENGTH",
    "JSON_DEPTH",
    "JSON_EXISTS",
    "JSON_CONTAINS_PATH",
    // A string: JSON_ARRAY(JSON_KEYS(…)) holds it quoted.
    "JSON_KEYS",
];

/// The upper-case name of a JSON function `e` calls, if it is one.
fn json_call(e: &Expr) -> Option<(String, &sqlparser::ast::Function)> {
    match e {
        Expr::Nested(x) => json_call(x),
        Expr::Function(f) => {
            let name = f.name.to_string().to_ascii_uppercase();
            name.starts_with("JSON_").then_some((name, f))
        }
        _ => None,
    }
}

/// A JSON function met as an operand: the scalar ones are evaluated,
/// the ones giving JSON refused; `None` for other names.
pub(crate) fn in_expression(
    name: &str,
    args: &[Expr],
    row: &dyn Row,
) -> Option<Result<Value, EvalError>> {
    if GIVE_SCALAR.contains(&name) {
        Some(call(name, args, row))
    } else if GIVE_JSON.contains(&name) {
        Some(Err(EvalError::unsupported(format!(
            "MariaDB's {name} used as an operand (MariaDB compares and converts its JSON by \
             rules of its own)"
        ))))
    } else {
        Some(Err(mariadb(name)))
    }
}

/// `e`'s value where it is stored or passed on as it is (a JSON function
/// giving JSON is evaluated there); `None` when `e` is no JSON function.
pub(crate) fn value(e: &Expr, row: &dyn Row) -> Option<Result<Value, EvalError>> {
    let (name, f) = json_call(e)?;
    if !GIVE_JSON.contains(&name.as_str()) {
        return None;
    }
    Some(crate::dml::eval::args(e, f).and_then(|a| call(&name, &a, row)))
}

/// An argument's value: a JSON function's text, or the expression's.
/// (JSON_COMPACT passes its argument's text on to another JSON function,
/// not its own: not followed.)
fn arg(e: &Expr, row: &dyn Row) -> Result<Value, EvalError> {
    if json_call(e).is_some_and(|(n, _)| n == "JSON_COMPACT") {
        return Err(EvalError::unsupported(
            "MariaDB's JSON_COMPACT inside another JSON function",
        ));
    }
    value(e, row).unwrap_or_else(|| eval(e, row))
}

/// Text in the collation MariaDB gives it (checked with COLLATION() and
/// COERCIBILITY() on MariaDB 10.11): a function of a document has the
/// document's; JSON_OBJECT and JSON_ARRAY their arguments' (the
/// connection's for literals and numbers).
fn result(bytes: Vec<u8>, coll: Coll) -> Value {
    Value::Str(bytes, Text::Collated(coll))
}

/// JSON_UNQUOTE's, JSON_QUOTE's: utf8mb4_bin (`JSON_UNQUOTE('"x"') = 'X'`
/// is 0), as coercible as a literal.
const BIN: Coll = Coll {
    collation: Collation::Utf8Bin,
    derivation: Derivation::Coercible,
};

/// JSON_TYPE's: utf8mb3_general_ci, as coercible as a literal.
const TYPE_NAME: Coll = Coll {
    collation: Collation::GeneralCi,
    derivation: Derivation::Coercible,
};

/// The connection's collation, as coercible as a literal.
fn connection(row: &dyn Row) -> Coll {
    Coll::new(row.context().connection_collation(), Derivation::Coercible)
}

/// A value's collation where it is text; `None` for numbers.
fn coll_of(v: &Value) -> Option<Coll> {
    match v {
        Value::Str(_, Text::Collated(c)) | Value::Member(_, c, _) => Some(*c),
        _ => None,
    }
}

/// The collation of text made of `parts`: the strongest, the
/// connection's when none is text; two different ones as strong as a
/// column's are refused.
fn aggregate(parts: &[Coll], row: &dyn Row) -> Result<Coll, EvalError> {
    let Some(strongest) = parts.iter().map(|c| c.derivation).min() else {
        return Ok(connection(row));
    };
    let mut at: Vec<Coll> = parts
        .iter()
        .copied()
        .filter(|c| c.derivation == strongest)
        .collect();
    at.dedup();
    match at.as_slice() {
        [one] => Ok(*one),
        _ if strongest == Derivation::Coercible => Ok(connection(row)),
        _ => Err(EvalError::unsupported(
            "MariaDB's JSON_OBJECT or JSON_ARRAY of text in different collations",
        )),
    }
}

/// A string argument's bytes (`None` for NULL); numbers as their text.
fn text_of(v: &Value, what: &str) -> Result<Option<Vec<u8>>, EvalError> {
    Ok(Some(match v {
        Value::Null => return Ok(None),
        Value::Str(b, Text::Collated(_)) | Value::Member(b, ..) => b.clone(),
        Value::Int(i) => i.to_string().into_bytes(),
        Value::UInt(u) => u.to_string().into_bytes(),
        Value::Decimal(d) => d.to_string().into_bytes(),
        _ => {
            return Err(EvalError::unsupported(format!(
                "MariaDB's JSON functions on {what} of this type"
            )));
        }
    }))
}

/// A document argument: what it holds, its text and its collation.
struct Doc {
    doc: JsonDoc,
    text: Vec<u8>,
    coll: Coll,
}

/// The document argument: `None` for NULL. Text that is not JSON is
/// refused: MariaDB reads a document only as far as a function needs
/// (`JSON_EXISTS('{bad', '$')` is 1), and answers NULL past an error.
fn doc_arg(e: &Expr, row: &dyn Row) -> Result<Option<Doc>, EvalError> {
    let v = arg(e, row)?;
    let coll = coll_of(&v).unwrap_or_else(|| connection(row));
    let Some(text) = text_of(&v, "a document")? else {
        return Ok(None);
    };
    match text::parse(&text) {
        Ok(doc) => Ok(Some(Doc { doc, text, coll })),
        Err(ReadError::Invalid) => Err(EvalError::unsupported(
            "MariaDB's JSON functions on text that is not JSON",
        )),
        Err(e) => e.null_or_refusal(),
    }
}

/// A path argument: `None` for NULL and for text that is not a path
/// (NULL, with a warning). MariaDB reads paths MySQL's reader does not
/// (`$[-1]`, `lax`): those are refused.
fn path_arg(e: &Expr, row: &dyn Row) -> Result<Option<Path>, EvalError> {
    let Some(t) = text_of(&arg(e, row)?, "a path")? else {
        return Ok(None);
    };
    match Path::parse(&t) {
        // MariaDB's `last` counts differently on non-arrays and in
        // JSON_ARRAY_INSERT: not followed.
        Ok(p)
            if p.legs.iter().any(|l| {
                matches!(
                    l,
                    Leg::Cell(Index::Last(_))
                        | Leg::Range(Index::Last(_), _)
                        | Leg::Range(_, Index::Last(_))
                )
            }) =>
        {
            Err(EvalError::unsupported("a JSON path with `last` on MariaDB"))
        }
        Ok(p) => Ok(Some(p)),
        Err(_) if !t.trim_ascii_start().starts_with(b"$") => Ok(None),
        Err(_) => Err(EvalError::unsupported(format!(
            "the JSON path '{}' on MariaDB",
            String::from_utf8_lossy(&t)
        ))),
    }
}

/// An SQL value as a piece of JSON text (JSON_OBJECT's and JSON_ARRAY's
/// arguments, JSON_SET's values): JSON functions' results as they are,
/// booleans (TRUE, comparisons) as `true`/`false`, numbers as their
/// text, anything else as a string.
fn piece(e: &Expr, row: &dyn Row) -> Result<Vec<u8>, EvalError> {
    piece_and_coll(e, row).map(|(p, _)| p)
}

/// [`piece`] and the collation of the value it came from, if text.
fn piece_and_coll(e: &Expr, row: &dyn Row) -> Result<(Vec<u8>, Option<Coll>), EvalError> {
    if json_call(e).is_some_and(|(n, _)| GIVE_JSON.contains(&n.as_str())) {
        return match arg(e, row)? {
            Value::Null => Ok((b"null".to_vec(), None)),
            Value::Str(b, Text::Collated(c)) => Ok((b, Some(c))),
            _ => Err(EvalError::unsupported(
                "a JSON function's value that is not text",
            )),
        };
    }
    let v = eval(e, row)?;
    let coll = coll_of(&v);
    if matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
        && matches!(&v, Value::Str(_, Text::Collated(c))
            if c.collation == Collation::Utf8Bin
                && c.derivation == Derivation::Implicit)
    {
        // A JSON column (utf8mb4_bin text) is JSON to MariaDB: which one
        // it is, is not known here.
        return Err(EvalError::unsupported(
            "a utf8mb4_bin column (perhaps JSON) in MariaDB's JSON functions",
        ));
    }
    let text = match v {
        Value::Null => b"null".to_vec(),
        Value::Int(i) if boolean(e)? => {
            let word: &[u8] = if i != 0 { b"true" } else { b"false" };
            word.to_vec()
        }
        Value::Int(i) => i.to_string().into_bytes(),
        Value::UInt(u) => u.to_string().into_bytes(),
        Value::Decimal(d) => d.to_string().into_bytes(),
        Value::Double(f) => text::double(f)
            .ok_or_else(|| EvalError::unsupported("an infinite double in MariaDB's JSON"))?,
        Value::Str(b, Text::Collated(_)) | Value::Member(b, ..)
            if std::str::from_utf8(&b).is_ok() =>
        {
            quoted(&b)
        }
        Value::Temporal(t) => quoted(t.to_string().as_bytes()),
        Value::Time(t) => quoted(t.to_string().as_bytes()),
        _ => {
            return Err(EvalError::unsupported(
                "this value in MariaDB's JSON functions (binary or not UTF-8)",
            ));
        }
    };
    Ok((text, coll))
}

/// Whether MariaDB types `e` as a boolean (TRUE, comparisons, and IF,
/// IFNULL, COALESCE, CASE of booleans); refused when its branches mix.
fn boolean(e: &Expr) -> Result<bool, EvalError> {
    if is_boolean(e) {
        return Ok(true);
    }
    let branches: Vec<&Expr> = match e {
        Expr::Nested(x) => return boolean(x),
        Expr::Case {
            conditions,
            else_result,
            ..
        } => conditions
            .iter()
            .map(|w| &w.result)
            .chain(else_result.as_deref())
            .collect(),
        Expr::Function(f) => {
            let name = f.name.to_string().to_ascii_uppercase();
            let Ok(a) = crate::dml::eval::args(e, f) else {
                return Ok(false);
            };
            match name.as_str() {
                "IF" if a.len() == 3 => return both(&a[1..]),
                "IFNULL" | "COALESCE" | "NULLIF" => return both(&a),
                _ => return Ok(false),
            }
        }
        _ => return Ok(false),
    };
    both_refs(&branches)
}

fn both(exprs: &[Expr]) -> Result<bool, EvalError> {
    both_refs(&exprs.iter().collect::<Vec<_>>())
}

fn both_refs(exprs: &[&Expr]) -> Result<bool, EvalError> {
    let kinds = exprs
        .iter()
        .filter(|x| !matches!(x, Expr::Value(v) if v.value == sqlparser::ast::Value::Null))
        .map(|x| boolean(x))
        .collect::<Result<Vec<_>, _>>()?;
    match (kinds.iter().all(|k| *k), kinds.iter().any(|k| *k)) {
        (true, _) => Ok(!kinds.is_empty()),
        (false, false) => Ok(false),
        (false, true) => Err(EvalError::unsupported(
            "booleans and numbers mixed in one value of MariaDB's JSON functions",
        )),
    }
}

fn quoted(s: &[u8]) -> Vec<u8> {
    let mut out = vec![b'"'];
    out.extend(text::escape(s));
    out.push(b'"');
    out
}

/// A piece of JSON text as a document (to put into one).
fn piece_doc(e: &Expr, row: &dyn Row) -> Result<JsonDoc, EvalError> {
    text::parse(&piece(e, row)?).or_else(|e| match e {
        ReadError::Invalid => Err(EvalError::unsupported(
            "text that is not JSON given to MariaDB's JSON functions as JSON",
        )),
        e => e.null_or_refusal().map(|_: Option<()>| JsonDoc::Null),
    })
}

/// The values `path` selects in `doc`.
fn find<'d>(doc: &'d JsonDoc, path: &Path) -> Vec<&'d JsonDoc> {
    path.find(doc)
}

/// A path that may select more than one value is refused where MariaDB
/// takes one (it reads ranges and wildcards by rules of its own there).
fn plain(p: Path, name: &str) -> Result<Path, EvalError> {
    if p.is_wild() {
        Err(EvalError::unsupported(format!(
            "MariaDB's {name} with a wildcard or range path"
        )))
    } else {
        Ok(p)
    }
}

/// A scalar as the text JSON_VALUE gives (`None` for null, objects and
/// arrays).
fn scalar_text(v: &JsonDoc) -> Result<Option<Vec<u8>>, EvalError> {
    Ok(match v {
        JsonDoc::String(s) => Some(text::unescape(s)?),
        JsonDoc::Opaque(_, t) => Some(t.clone()),
        JsonDoc::Bool(b) => Some(vec![if *b { b'1' } else { b'0' }]),
        _ => None,
    })
}

fn int(i: usize) -> Value {
    Value::Int(i64::try_from(i).unwrap_or(i64::MAX))
}

fn depth(v: &JsonDoc) -> usize {
    1 + match v {
        JsonDoc::Array(a) => a.iter().map(depth).max().unwrap_or(0),
        JsonDoc::Object(m) => m.iter().map(|(_, x)| depth(x)).max().unwrap_or(0),
        _ => 0,
    }
}

/// Evaluates the JSON function `name` (upper case) on MariaDB.
fn call(name: &str, args: &[Expr], row: &dyn Row) -> Result<Value, EvalError> {
    let count = |n: std::ops::RangeInclusive<usize>| param_count(name, args.len(), n);
    let spaced = |d: &JsonDoc, coll: Coll| Ok(result(text::text(d, Style::Spaced), coll));
    match name {
        "JSON_OBJECT" | "JSON_ARRAY" => {
            let object = name == "JSON_OBJECT";
            if object && args.len() % 2 == 1 {
                return count(0..=0).map(|()| Value::Null);
            }
            let mut out = vec![if object { b'{' } else { b'[' }];
            let mut colls = Vec::new();
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(if object && i % 2 == 1 { b": " } else { b", " });
                }
                if object && i % 2 == 0 {
                    let k = arg(a, row)?;
                    colls.extend(coll_of(&k));
                    match text_of(&k, "a key")? {
                        None => out.extend_from_slice(b"\"\""),
                        Some(k) if std::str::from_utf8(&k).is_ok() => out.extend(quoted(&k)),
                        _ => return Err(EvalError::unsupported("this JSON_OBJECT key")),
                    }
                } else {
                    let (p, coll) = piece_and_coll(a, row)?;
                    out.extend(p);
                    colls.extend(coll);
                }
            }
            out.push(if object { b'}' } else { b']' });
            Ok(result(out, aggregate(&colls, row)?))
        }
        "JSON_QUOTE" => {
            count(1..=1)?;
            match arg(&args[0], row)? {
                Value::Null => Ok(Value::Null),
                Value::Str(b, Text::Collated(_)) if std::str::from_utf8(&b).is_ok() => {
                    Ok(result(quoted(&b), BIN))
                }
                Value::Int(_) | Value::UInt(_) | Value::Decimal(_) => Ok(Value::Null),
                _ => Err(EvalError::unsupported("JSON_QUOTE of this value")),
            }
        }
        "JSON_UNQUOTE" => {
            count(1..=1)?;
            let Some(t) = text_of(&arg(&args[0], row)?, "JSON_UNQUOTE's argument")? else {
                return Ok(Value::Null);
            };
            // A JSON string (spaces around it too) is unquoted; any other
            // text is given back as it is.
            let out = match text::parse(&t) {
                Ok(JsonDoc::String(s)) => text::unescape(&s)?,
                Ok(_) | Err(ReadError::Invalid) => t,
                Err(e) => return e.null_or_refusal().map(|_: Option<()>| Value::Null),
            };
            Ok(result(out, BIN))
        }
        "JSON_VALID" => {
            count(1..=1)?;
            let Some(t) = text_of(&arg(&args[0], row)?, "JSON_VALID's argument")? else {
                return Ok(Value::Null);
            };
            match text::parse(&t) {
                Ok(_) => Ok(Value::Int(1)),
                Err(ReadError::Invalid) => Ok(Value::Int(0)),
                Err(e) => e.null_or_refusal().map(|_: Option<()>| Value::Null),
            }
        }
        "JSON_COMPACT" => {
            count(1..=1)?;
            Ok(match doc_arg(&args[0], row)? {
                Some(d) => result(text::text(&d.doc, Style::Compact), d.coll),
                None => Value::Null,
            })
        }
        "JSON_TYPE" | "JSON_DEPTH" => {
            count(1..=1)?;
            let Some(d) = doc_arg(&args[0], row)? else {
                return Ok(Value::Null);
            };
            if name == "JSON_DEPTH" {
                return Ok(int(depth(&d.doc)));
            }
            let t: &[u8] = match &d.doc {
                JsonDoc::Object(_) => b"OBJECT",
                JsonDoc::Array(_) => b"ARRAY",
                JsonDoc::String(_) => b"STRING",
                JsonDoc::Bool(_) => b"BOOLEAN",
                JsonDoc::Opaque(_, t) if t.contains(&b'.') => b"DOUBLE",
                JsonDoc::Opaque(..) => b"INTEGER",
                _ => b"NULL",
            };
            Ok(result(t.to_vec(), TYPE_NAME))
        }
        "JSON_LENGTH" | "JSON_KEYS" => {
            count(1..=2)?;
            let Some(d) = doc_arg(&args[0], row)? else {
                return Ok(Value::Null);
            };
            let target = match args.get(1) {
                None => Some(&d.doc),
                Some(p) => match path_arg(p, row)? {
                    None => return Ok(Value::Null),
                    // A wildcard or range: NULL (with a warning).
                    Some(p) if p.is_wild() => return Ok(Value::Null),
                    Some(p) => find(&d.doc, &p).into_iter().next(),
                },
            };
            Ok(match (name, target) {
                (_, None) => Value::Null,
                ("JSON_LENGTH", Some(JsonDoc::Array(a))) => int(a.len()),
                ("JSON_LENGTH", Some(JsonDoc::Object(m))) => int(m.len()),
                ("JSON_LENGTH", Some(_)) => Value::Int(1),
                (_, Some(JsonDoc::Object(m))) => {
                    let mut keys: Vec<JsonDoc> = Vec::new();
                    for (k, _) in m {
                        if !keys
                            .iter()
                            .any(|x| matches!(x, JsonDoc::String(s) if s == k))
                        {
                            keys.push(JsonDoc::String(k.clone()));
                        }
                    }
                    return spaced(&JsonDoc::Array(keys), d.coll);
                }
                (_, Some(_)) => Value::Null,
            })
        }
        "JSON_EXTRACT" => {
            if args.len() < 2 {
                return count(2..=2).map(|()| Value::Null);
            }
            let Some(d) = doc_arg(&args[0], row)? else {
                return Ok(Value::Null);
            };
            // Values in document order, a value as often as paths name it.
            let mut order = Vec::new();
            preorder(&d.doc, &mut order);
            let mut found: Vec<(usize, &JsonDoc)> = Vec::new();
            let mut wrap = args.len() > 2;
            for p in &args[1..] {
                let Some(p) = path_arg(p, row)? else {
                    return Ok(Value::Null);
                };
                wrap |= p.is_wild();
                for v in find(&d.doc, &p) {
                    let at = order.iter().position(|x| std::ptr::eq(*x, v)).unwrap_or(0);
                    found.push((at, v));
                }
            }
            found.sort_by_key(|(at, _)| *at);
            let found: Vec<JsonDoc> = found.into_iter().map(|(_, v)| v.clone()).collect();
            match (wrap, found.len()) {
                (_, 0) => Ok(Value::Null),
                (false, _) => spaced(&found[0], d.coll),
                (true, _) => spaced(&JsonDoc::Array(found), d.coll),
            }
        }
        "JSON_VALUE" | "JSON_QUERY" | "JSON_EXISTS" => {
            count(2..=2)?;
            let (Some(d), Some(p)) = (doc_arg(&args[0], row)?, path_arg(&args[1], row)?) else {
                return Ok(Value::Null);
            };
            let first = find(&d.doc, &plain(p, name)?).into_iter().next();
            // JSON_QUERY gives the value's text as the document wrote it:
            // answered when that is the text written here.
            if name == "JSON_QUERY" && text::text(&d.doc, Style::Spaced) != d.text {
                return Err(EvalError::unsupported(
                    "MariaDB's JSON_QUERY of a document not written as MariaDB writes JSON",
                ));
            }
            Ok(match (name, first) {
                ("JSON_EXISTS", x) => Value::Int(i64::from(x.is_some())),
                (_, None) => Value::Null,
                ("JSON_QUERY", Some(x @ (JsonDoc::Object(_) | JsonDoc::Array(_)))) => {
                    return spaced(x, d.coll);
                }
                ("JSON_QUERY", Some(_)) => Value::Null,
                (_, Some(x)) => scalar_text(x)?.map_or(Value::Null, |t| result(t, d.coll)),
            })
        }
        "JSON_CONTAINS_PATH" => {
            if args.len() < 3 {
                return count(3..=3).map(|()| Value::Null);
            }
            let Some(d) = doc_arg(&args[0], row)? else {
                return Ok(Value::Null);
            };
            let all = match text_of(&arg(&args[1], row)?, "a mode")? {
                Some(m) if m.eq_ignore_ascii_case(b"all") => true,
                Some(m) if m.eq_ignore_ascii_case(b"one") => false,
                _ => return Ok(Value::Null),
            };
            let mut hits = Vec::new();
            for p in &args[2..] {
                let Some(p) = path_arg(p, row)? else {
                    return Ok(Value::Null);
                };
                hits.push(!find(&d.doc, &p).is_empty());
            }
            let hit = if all {
                hits.iter().all(|h| *h)
            } else {
                hits.iter().any(|h| *h)
            };
            Ok(Value::Int(i64::from(hit)))
        }
        "JSON_SET" | "JSON_INSERT" | "JSON_REPLACE" | "JSON_ARRAY_APPEND" | "JSON_ARRAY_INSERT" => {
            if args.len() < 3 || args.len().is_multiple_of(2) {
                return count(3..=3).map(|()| Value::Null);
            }
            let Some(Doc {
                doc: mut d, coll, ..
            }) = doc_arg(&args[0], row)?
            else {
                return Ok(Value::Null);
            };
            for pair in args[1..].chunks(2) {
                let Some(p) = path_arg(&pair[0], row)? else {
                    return Ok(Value::Null);
                };
                if p.is_wild() {
                    return Ok(Value::Null);
                }
                let v = piece_doc(&pair[1], row)?;
                match name {
                    "JSON_SET" => modify::change(&mut d, &p.legs, v, Change::Set, Keys::Written),
                    "JSON_INSERT" => {
                        modify::change(&mut d, &p.legs, v, Change::Insert, Keys::Written)
                    }
                    "JSON_REPLACE" => {
                        modify::change(&mut d, &p.legs, v, Change::Replace, Keys::Written)
                    }
                    "JSON_ARRAY_APPEND" => {
                        // A path to nothing: NULL.
                        if find(&d, &p).is_empty() {
                            return Ok(Value::Null);
                        }
                        modify::array_append(&mut d, &p.legs, v)
                    }
                    _ => {
                        if !matches!(p.legs.last(), Some(Leg::Cell(_))) {
                            return Ok(Value::Null);
                        }
                        modify::array_insert(&mut d, &p.legs, v)?;
                    }
                }
            }
            spaced(&d, coll)
        }
        "JSON_REMOVE" => {
            if args.len() < 2 {
                return count(2..=2).map(|()| Value::Null);
            }
            let Some(Doc {
                doc: mut d, coll, ..
            }) = doc_arg(&args[0], row)?
            else {
                return Ok(Value::Null);
            };
            for p in &args[1..] {
                let Some(p) = path_arg(p, row)? else {
                    return Ok(Value::Null);
                };
                if p.is_wild() || p.legs.is_empty() {
                    return Ok(Value::Null);
                }
                remove(&mut d, &p.legs);
            }
            spaced(&d, coll)
        }
        _ => Err(mariadb(name)),
    }
}

/// JSON_REMOVE of one path: MariaDB does not read a cell of a
/// non-array as the value itself here.
fn remove(doc: &mut JsonDoc, legs: &[Leg]) {
    let mut cur = doc;
    for (i, leg) in legs.iter().enumerate() {
        let last = i + 1 == legs.len();
        cur = match (cur, leg) {
            (JsonDoc::Object(m), Leg::Member(k)) => {
                let Some(at) = m.iter().position(|(mk, _)| mk == k) else {
                    return;
                };
                if last {
                    m.remove(at);
                    return;
                }
                &mut m[at].1
            }
            (JsonDoc::Array(a), Leg::Cell(Index::At(at))) => {
                if *at >= a.len() {
                    return;
                }
                if last {
                    a.remove(*at);
                    return;
                }
                &mut a[*at]
            }
            _ => return,
        };
    }
}
