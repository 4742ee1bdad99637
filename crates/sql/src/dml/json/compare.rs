//! Comparing JSON values as MySQL does (manual, "Comparison and Ordering
//! of JSON Values"): values of different JSON types order by type —
//! NULL < numbers < strings < objects < arrays < booleans < DATE < TIME <
//! DATETIME — numbers by value, strings by their utf8mb4 bytes, arrays
//! cell by cell, objects only equal or not; a SQL value compared with
//! JSON is first made a JSON value (a string stays a string). And
//! JSON_CONTAINS's containment.

use std::cmp::Ordering;

use sqlparser::ast::Expr;
use understudy_binlog::value::json::{
    JsonDoc, MYSQL_TYPE_DATE, MYSQL_TYPE_DATETIME, MYSQL_TYPE_DECIMAL_NEW, MYSQL_TYPE_TIME,
    MYSQL_TYPE_TIMESTAMP,
};

use super::{as_number, from_sql, is_boolean};
use crate::dml::eval::EvalError;
use crate::dml::value::{Value, compare};

/// A JSON type's place in MySQL's order; `None` for opaque values
/// understudy does not order (binary strings, bits, geometry).
fn rank(v: &JsonDoc) -> Option<u8> {
    Some(match v {
        JsonDoc::Null => 0,
        JsonDoc::Int(_) | JsonDoc::UInt(_) | JsonDoc::Double(_) => 1,
        JsonDoc::Opaque(MYSQL_TYPE_DECIMAL_NEW, _) => 1,
        JsonDoc::String(_) => 2,
        JsonDoc::Object(_) => 3,
        JsonDoc::Array(_) => 4,
        JsonDoc::Bool(_) => 5,
        JsonDoc::Opaque(MYSQL_TYPE_DATE, _) => 6,
        JsonDoc::Opaque(MYSQL_TYPE_TIME, _) => 7,
        JsonDoc::Opaque(MYSQL_TYPE_DATETIME | MYSQL_TYPE_TIMESTAMP, _) => 8,
        JsonDoc::Opaque(..) => return None,
    })
}

/// The order of two JSON values; `EvalError::Order` for unequal objects
/// (MySQL orders them, but not by a documented rule).
pub(crate) fn compare_json(a: &JsonDoc, b: &JsonDoc) -> Result<Ordering, EvalError> {
    let (Some(ra), Some(rb)) = (rank(a), rank(b)) else {
        return Err(EvalError::unsupported("comparing opaque JSON values"));
    };
    if ra != rb {
        return Ok(ra.cmp(&rb));
    }
    Ok(match (a, b) {
        (JsonDoc::Null, JsonDoc::Null) => Ordering::Equal,
        (JsonDoc::String(x), JsonDoc::String(y)) => x.cmp(y),
        (JsonDoc::Bool(x), JsonDoc::Bool(y)) => x.cmp(y),
        (JsonDoc::Array(x), JsonDoc::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = compare_json(p, q)?;
                if o.is_ne() {
                    return Ok(o);
                }
            }
            x.len().cmp(&y.len())
        }
        (JsonDoc::Object(x), JsonDoc::Object(y)) => {
            let same = x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .try_fold(true, |all, ((kx, vx), (ky, vy))| {
                        Ok::<_, EvalError>(all && kx == ky && compare_json(vx, vy)?.is_eq())
                    })?;
            if !same {
                return Err(EvalError::Order("ordering JSON objects that differ".into()));
            }
            Ordering::Equal
        }
        (JsonDoc::Opaque(_, x), JsonDoc::Opaque(_, y)) if ra >= 6 => {
            let packed = |d: &[u8]| <[u8; 8]>::try_from(d).map(i64::from_le_bytes).ok();
            match (packed(x), packed(y)) {
                (Some(p), Some(q)) => p.cmp(&q),
                _ => return Err(EvalError::unsupported("a malformed JSON date or time")),
            }
        }
        _ => {
            let n = |v| {
                as_number(v).ok_or_else(|| EvalError::unsupported("a JSON DECIMAL past 38 digits"))
            };
            compare(&n(a)?, &n(b)?)?
        }
    })
}

/// One side of a comparison with a JSON value, as JSON: a boolean
/// expression's value is `true`/`false` (checked on MySQL 9.7:
/// `j = TRUE` holds for `true`, not for `1`).
pub(crate) fn json_operand(v: Value, e: &Expr) -> Result<Value, EvalError> {
    match v {
        Value::Null | Value::Json(_) => Ok(v),
        v => Ok(Value::Json(Box::new(from_sql(v, is_boolean(e))?))),
    }
}

/// The order of a JSON value and a SQL value that has not been through
/// [`json_operand`]: a JSON boolean against a number is refused, as the
/// number may have been MySQL's boolean.
pub(crate) fn compare_with_sql(json: &JsonDoc, other: &Value) -> Result<Ordering, EvalError> {
    if other.is_null() {
        return Err(EvalError::unsupported("a comparison with NULL"));
    }
    if matches!(json, JsonDoc::Bool(_))
        && matches!(other, Value::Int(_) | Value::UInt(_) | Value::Decimal(_))
    {
        return Err(EvalError::unsupported(
            "comparing a JSON boolean with a number outside a comparison operator",
        ));
    }
    compare_json(json, &from_sql(other.clone(), false)?)
}

/// JSON_CONTAINS: whether `target` contains `candidate` (MySQL manual:
/// scalars equal, every candidate cell in some target cell, every
/// candidate member in the target's member of that name).
pub(crate) fn contains(target: &JsonDoc, candidate: &JsonDoc) -> Result<bool, EvalError> {
    match (target, candidate) {
        (JsonDoc::Array(t), JsonDoc::Array(c)) => {
            for x in c {
                if !any_contains(t, x)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        (JsonDoc::Array(t), c) => any_contains(t, c),
        (JsonDoc::Object(t), JsonDoc::Object(c)) => {
            for (k, v) in c {
                match t.iter().find(|(tk, _)| tk == k) {
                    Some((_, tv)) if contains(tv, v)? => {}
                    _ => return Ok(false),
                }
            }
            Ok(true)
        }
        (JsonDoc::Object(_), _) | (_, JsonDoc::Object(_) | JsonDoc::Array(_)) => Ok(false),
        (t, c) => Ok(rank(t) == rank(c) && compare_json(t, c)?.is_eq()),
    }
}

/// Whether some cell of `cells` contains `candidate`.
fn any_contains(cells: &[JsonDoc], candidate: &JsonDoc) -> Result<bool, EvalError> {
    for x in cells {
        if contains(x, candidate)? {
            return Ok(true);
        }
    }
    Ok(false)
}
