//! Numeric functions (ROUND, TRUNCATE, FLOOR, CEIL, SIGN, MOD,
//! GREATEST, LEAST) and the result type of expressions choosing among
//! values (CASE): MySQL's integer / DECIMAL / DOUBLE rules.

use std::cmp::Ordering;

use super::decimal::Decimal;
use super::eval::{EvalError, Row, eval};
use super::value::equal;
use super::value::{Arith, Value, arith, compare};
use sqlparser::ast::Expr;

/// What a value of several possible ones becomes (CASE, GREATEST).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    /// Exact, with this many fraction digits.
    Decimal(u8),
    Double,
    Other,
}

fn kind(v: &Value) -> Option<Kind> {
    match v {
        Value::Null => None,
        Value::Int(_) | Value::UInt(_) => Some(Kind::Integer),
        Value::Decimal(d) => Some(Kind::Decimal(d.scale)),
        Value::Double(_) => Some(Kind::Double),
        Value::Str(..)
        | Value::Temporal(_)
        | Value::Member(..)
        | Value::Json(_)
        | Value::Time(_) => Some(Kind::Other),
    }
}

/// The common type of `values` (NULLs aside): integers and decimals
/// make a decimal of the widest scale, any double a double. Strings and
/// temporals must all be of one variant; mixes with numbers are not
/// evaluated.
fn common(values: &[Value]) -> Result<Option<Kind>, EvalError> {
    let mut out: Option<Kind> = None;
    for k in values.iter().filter_map(kind) {
        out = Some(match (out, k) {
            (None, k) => k,
            (Some(Kind::Other), Kind::Other) => Kind::Other,
            (Some(Kind::Other), _) | (Some(_), Kind::Other) => {
                return Err(EvalError::unsupported(
                    "a choice between strings and numbers (its result type)",
                ));
            }
            (Some(Kind::Double), _) | (_, Kind::Double) => Kind::Double,
            (Some(Kind::Decimal(a)), Kind::Decimal(b)) => Kind::Decimal(a.max(b)),
            (Some(Kind::Decimal(a)), Kind::Integer) | (Some(Kind::Integer), Kind::Decimal(a)) => {
                Kind::Decimal(a)
            }
            (Some(Kind::Integer), Kind::Integer) => Kind::Integer,
        });
    }
    if out == Some(Kind::Other) {
        let first = values.iter().find(|v| !v.is_null());
        let same = values.iter().filter(|v| !v.is_null()).all(|v| {
            matches!(
                (first, v),
                (Some(Value::Str(_, a)), Value::Str(_, b)) if a == b
            ) || matches!((first, v), (Some(Value::Temporal(_)), Value::Temporal(_)))
        });
        if !same {
            return Err(EvalError::unsupported(
                "a choice between values of different kinds (its result type)",
            ));
        }
    }
    Ok(out)
}

/// `chosen` as the common type of `all`. `rescale`: an exact number
/// takes the widest scale (GREATEST, LEAST); CASE keeps its own, as
/// MySQL 9.7 shows it.
pub fn as_common(chosen: Value, all: &[Value], rescale: bool) -> Result<Value, EvalError> {
    let to_decimal = |v: &Value, scale: u8| -> Result<Value, EvalError> {
        let d = match v {
            Value::Int(i) => Decimal::from_i128(i128::from(*i)),
            Value::UInt(u) => Decimal::from_i128(i128::from(*u)),
            Value::Decimal(d) => *d,
            _ => return Err(EvalError::unsupported("a decimal result")),
        };
        d.round(scale)
            .map(Value::Decimal)
            .ok_or_else(|| EvalError::unsupported("decimals past 38 digits"))
    };
    Ok(match (common(all)?, &chosen) {
        (_, Value::Null) | (None | Some(Kind::Integer | Kind::Other), _) => chosen,
        (Some(Kind::Decimal(s)), v) if rescale => to_decimal(v, s)?,
        (Some(Kind::Decimal(_)), _) => chosen,
        (Some(Kind::Double), v) => Value::Double(v.to_f64()?.unwrap_or(0.0)),
    })
}

fn count(name: &str, a: &[Value], n: std::ops::RangeInclusive<usize>) -> Result<(), EvalError> {
    super::eval::param_count(name, a.len(), n)
}

/// A numeric function by name, on evaluated arguments; `None` when the
/// name is not one of these.
pub fn call(name: &str, a: &[Value]) -> Option<Result<Value, EvalError>> {
    Some(match name {
        "ROUND" => count(name, a, 1..=2).and_then(|()| round(a, false)),
        "TRUNCATE" => count(name, a, 2..=2).and_then(|()| round(a, true)),
        "SIGN" => count(name, a, 1..=1).and_then(|()| sign(&a[0])),
        "MOD" => count(name, a, 2..=2).and_then(|()| arith(&a[0], Arith::Rem, &a[1])),
        "GREATEST" => count(name, a, 2..=usize::MAX).and_then(|()| extreme(a, Ordering::Greater)),
        "LEAST" => count(name, a, 2..=usize::MAX).and_then(|()| extreme(a, Ordering::Less)),
        "POW" | "POWER" | "SQRT" | "EXP" | "LN" | "LOG" | "LOG2" | "LOG10" => real(name, a),
        _ => return None,
    })
}

/// POW, SQRT, EXP and the logarithms, on doubles: NULL where MySQL
/// gives NULL (roots of negatives, logarithms of non-positives or to
/// base 1), 1690 where the result is not a finite double.
fn real(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    let two = matches!(name, "POW" | "POWER") || (name == "LOG" && a.len() == 2);
    let n = if name == "LOG" {
        1..=2
    } else if two {
        2..=2
    } else {
        1..=1
    };
    count(name, a, n)?;
    let mut x = Vec::with_capacity(a.len());
    for v in a {
        match v.to_f64()? {
            None => return Ok(Value::Null),
            Some(f) => x.push(f),
        }
    }
    let r = match (name, x.as_slice()) {
        ("POW" | "POWER", &[b, e]) => b.powf(e),
        ("SQRT", &[v]) if v < 0.0 => return Ok(Value::Null),
        ("SQRT", &[v]) => v.sqrt(),
        ("EXP", &[v]) => v.exp(),
        (_, &[v]) if v <= 0.0 => return Ok(Value::Null),
        ("LN" | "LOG", &[v]) => v.ln(),
        // (MySQL's log2, MariaDB's ln(x)/ln(2): answered where they agree.)
        ("LOG2", &[v]) if v.log2() == v.ln() / 2f64.ln() => v.log2(),
        ("LOG2", _) => {
            return Err(EvalError::unsupported(
                "LOG2 where MySQL's and MariaDB's rounding differ",
            ));
        }
        ("LOG10", &[v]) => v.log10(),
        ("LOG", &[b, v]) if b <= 0.0 || b == 1.0 || v <= 0.0 => return Ok(Value::Null),
        ("LOG", &[b, v]) => v.ln() / b.ln(),
        _ => return Err(EvalError::unsupported(format!("the function {name}"))),
    };
    if !r.is_finite() {
        return Err(EvalError::Sql {
            errno: 1690,
            message: format!("DOUBLE value is out of range in '{name}'"),
        });
    }
    Ok(Value::Double(r))
}

/// FLOOR (`up` false) or CEIL of `v`.
pub fn floor_ceil(v: &Value, up: bool) -> Result<Value, EvalError> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Int(_) | Value::UInt(_) => v.clone(),
        Value::Decimal(d) => {
            let whole = truncated(d);
            let exact = d.mantissa % 10i128.pow(u32::from(d.scale.min(38))) == 0;
            Value::from_i128(match (exact, up, d.mantissa < 0) {
                (false, true, false) => whole + 1,
                (false, false, true) => whole - 1,
                _ => whole,
            })
        }
        Value::Double(f) => Value::Double(if up { f.ceil() } else { f.floor() }),
        other => {
            let f = other.to_f64()?.unwrap_or(0.0);
            Value::Double(if up { f.ceil() } else { f.floor() })
        }
    })
}

/// The integer part of `d` (toward zero).
fn truncated(d: &Decimal) -> i128 {
    d.mantissa / 10i128.pow(u32::from(d.scale.min(38)))
}

/// ROUND(x[, d]) half away from zero, or TRUNCATE(x, d) toward zero, of
/// an exact number (doubles round by the C library's rules: not
/// evaluated).
fn round(a: &[Value], truncate: bool) -> Result<Value, EvalError> {
    let digits = match a.get(1) {
        None => 0,
        Some(Value::Null) => return Ok(Value::Null),
        Some(Value::Int(i)) => *i,
        Some(Value::UInt(u)) => i64::try_from(*u).unwrap_or(i64::MAX),
        Some(_) => {
            return Err(EvalError::unsupported(
                "ROUND or TRUNCATE to digits that are not an integer",
            ));
        }
    };
    // Past ±100 digits every answer is the same (nothing cut, or zero).
    let digits = digits.clamp(-100, 100);
    let x = match &a[0] {
        Value::Null => return Ok(Value::Null),
        Value::Int(i) => Decimal::from_i128(i128::from(*i)),
        Value::UInt(u) => Decimal::from_i128(i128::from(*u)),
        Value::Decimal(d) => *d,
        _ => {
            return Err(EvalError::unsupported(
                "ROUND or TRUNCATE of a floating-point value",
            ));
        }
    };
    let integer = matches!(a[0], Value::Int(_) | Value::UInt(_));
    if digits >= i64::from(x.scale) {
        return Ok(a[0].clone());
    }
    let too_long = || EvalError::unsupported("decimals past 38 digits");
    // Digits kept: down to 10^-digits (digits may be negative).
    let drop = i64::from(x.scale) - digits;
    if drop > 38 {
        return Ok(if integer {
            Value::Int(0)
        } else {
            Value::Decimal(Decimal {
                mantissa: 0,
                scale: digits.max(0) as u8,
            })
        });
    }
    let p = 10i128.checked_pow(drop as u32).ok_or_else(too_long)?;
    let (q, r) = (x.mantissa / p, x.mantissa % p);
    let q = if !truncate && r.abs() * 2 >= p {
        q + x.mantissa.signum()
    } else {
        q
    };
    // Back to 10^-digits units, kept at scale max(digits, 0).
    let scale = digits.max(0) as u8;
    let mantissa = if digits < 0 {
        q.checked_mul(10i128.checked_pow((-digits) as u32).ok_or_else(too_long)?)
            .ok_or_else(too_long)?
    } else {
        q
    };
    if integer {
        // The argument's type: BIGINT or BIGINT UNSIGNED (1690 past it).
        let fits = match a[0] {
            Value::Int(_) => i64::try_from(mantissa).map(Value::Int).ok(),
            _ => u64::try_from(mantissa).map(Value::UInt).ok(),
        };
        return fits.ok_or_else(|| EvalError::Sql {
            errno: 1690,
            message: format!(
                "BIGINT value is out of range in '{}({}, {digits})'",
                if truncate { "truncate" } else { "round" },
                x.mantissa
            ),
        });
    }
    Ok(Value::Decimal(Decimal { mantissa, scale }))
}

fn sign(v: &Value) -> Result<Value, EvalError> {
    let o = match v {
        Value::Null => return Ok(Value::Null),
        Value::Int(i) => i.cmp(&0),
        Value::UInt(u) => u.cmp(&0),
        Value::Decimal(d) => d.mantissa.cmp(&0),
        other => other
            .to_f64()?
            .unwrap_or(0.0)
            .partial_cmp(&0.0)
            .unwrap_or(Ordering::Equal),
    };
    Ok(Value::Int(o as i64))
}

/// GREATEST (`want` Greater) or LEAST: NULL if any argument is.
fn extreme(a: &[Value], want: Ordering) -> Result<Value, EvalError> {
    if a.iter().any(Value::is_null) {
        return Ok(Value::Null);
    }
    let mut best = &a[0];
    for v in &a[1..] {
        if compare(v, best)? == want {
            best = v;
        }
    }
    as_common(best.clone(), a, true)
}

/// CASE [operand] WHEN … THEN … [ELSE …] END: the first matching
/// branch's value, as the type of all the branches.
pub(super) fn case(
    operand: Option<&Expr>,
    conditions: &[sqlparser::ast::CaseWhen],
    else_result: Option<&Expr>,
    row: &dyn Row,
) -> Result<Value, EvalError> {
    let op = operand.map(|o| eval(o, row)).transpose()?;
    let mut chosen = None;
    for w in conditions {
        let hit = match &op {
            Some(v) => equal(v, &eval(&w.condition, row)?)? == Some(true),
            None => eval(&w.condition, row)?.truth()? == Some(true),
        };
        if hit {
            chosen = Some(&w.result);
            break;
        }
    }
    let value = match chosen.or(else_result) {
        Some(x) => eval(x, row)?,
        None => Value::Null,
    };
    // The result's type comes from every branch; one that cannot be
    // evaluated leaves it unknown.
    let mut all = Vec::with_capacity(conditions.len() + 1);
    for x in conditions.iter().map(|w| &w.result).chain(else_result) {
        all.push(eval(x, row).map_err(|_| {
            EvalError::unsupported("a CASE with a branch understudy does not evaluate")
        })?);
    }
    as_common(value, &all, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Digits at the edges of i64 round like ±100 digits, with no
    /// overflow.
    #[test]
    fn extreme_digits() {
        let x = Value::Decimal(Decimal::parse("12.345").unwrap());
        assert_eq!(round(&[x.clone(), Value::Int(i64::MIN)], false).unwrap(), {
            Value::Decimal(Decimal {
                mantissa: 0,
                scale: 0,
            })
        });
        assert_eq!(round(&[x.clone(), Value::Int(i64::MAX)], true).unwrap(), x);
        assert_eq!(
            round(&[Value::Int(-7), Value::Int(i64::MIN)], false).unwrap(),
            Value::Int(0)
        );
    }
}
