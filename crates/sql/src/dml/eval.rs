//! Expressions of statement-based DML evaluated as MySQL evaluates them,
//! over one row. What is not implemented is an error naming it: the
//! applier stops rather than guessing.

use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, UnaryOperator,
    Value as Literal,
};

use super::temporal::{Clock, Temporal};
use super::value::{Arith, Coll, Derivation, Text, Value, arith, compare, equal, negate};
use super::{calendar, dates, digest, encode, json, math, search, strings};
use crate::collation::Collation;

#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    /// Something understudy does not evaluate (yet).
    Unsupported(String),
    /// Two strings certainly unequal whose order depends on the
    /// collation (an equality test can still use them).
    Order(String),
    /// An error MySQL raises for the statement.
    Sql { errno: u32, message: String },
}

impl EvalError {
    pub fn unsupported(what: impl Into<String>) -> EvalError {
        EvalError::Unsupported(what.into())
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Unsupported(w) => write!(f, "{w} is not supported by understudy yet"),
            EvalError::Order(w) => f.write_str(w),
            EvalError::Sql { errno, message } => write!(f, "{message} (error {errno})"),
        }
    }
}

impl std::error::Error for EvalError {}

/// What a statement's session gives its expressions, the same for every
/// row: what the query event and the events before it logged.
pub trait Context {
    /// The statement's time (NOW() and its kin).
    fn clock(&self) -> Result<Clock, EvalError> {
        Err(EvalError::unsupported(
            "NOW() without the time of its statement",
        ))
    }

    /// User variable `@name` (lowercase), as the source logged it.
    fn variable(&self, name: &str) -> Result<Value, EvalError> {
        Err(EvalError::unsupported(format!("the user variable @{name}")))
    }

    /// RAND()'s next value, from the seeds the source logged.
    fn rand(&self) -> Result<f64, EvalError> {
        Err(EvalError::unsupported(
            "RAND() without the seeds of its statement",
        ))
    }

    /// LAST_INSERT_ID(), as the source logged it.
    fn last_insert_id(&self) -> Result<Value, EvalError> {
        Err(EvalError::unsupported(
            "LAST_INSERT_ID() without its logged value",
        ))
    }

    /// `collation_connection`: string literals' collation.
    fn connection_collation(&self) -> Collation {
        Collation::Unknown
    }

    /// `lc_time_names` (MySQL's locale number; 0 is `en_US`), when known.
    fn lc_time_names(&self) -> Option<u16> {
        None
    }

    /// Whether the source is MySQL (else MariaDB, or not known): JSON
    /// and a few functions follow each server's own rules.
    fn source_is_mysql(&self) -> bool {
        false
    }

    /// A moment (seconds since the epoch, microseconds) as a time in the
    /// session's `time_zone`, with `fsp` fraction digits.
    fn local_time(&self, _secs: u32, _micros: u32, _fsp: u8) -> Result<Temporal, EvalError> {
        Err(EvalError::unsupported(
            "FROM_UNIXTIME without the session's time zone",
        ))
    }

    /// A time in the session's `time_zone` as seconds since the epoch and
    /// microseconds; `None` outside TIMESTAMP's range.
    fn epoch_of(&self, _t: &Temporal) -> Result<Option<(u32, u32)>, EvalError> {
        Err(EvalError::unsupported(
            "UNIX_TIMESTAMP(d) without the session's time zone",
        ))
    }
}

/// A session that logged nothing.
#[derive(Debug)]
pub struct NoContext;

impl Context for NoContext {}

/// The columns an expression can name: the row being inserted, updated
/// or tested.
pub trait Row {
    /// The value of column `name` (`table` when the statement qualifies
    /// it), or an error when there is no such column (MySQL's 1054).
    fn column(&self, table: Option<&str>, name: &str) -> Result<Value, EvalError>;

    /// `VALUES(name)`: in ON DUPLICATE KEY UPDATE, the value the row
    /// would have had if it had been inserted.
    fn inserted(&self, name: &str) -> Result<Value, EvalError> {
        Err(EvalError::unsupported(format!(
            "VALUES({name}) outside ON DUPLICATE KEY UPDATE"
        )))
    }

    /// The statement's session.
    fn context(&self) -> &dyn Context {
        &NoContext
    }
}

/// A row with no columns (INSERT … VALUES without column references).
#[derive(Debug)]
pub struct NoRow;

impl Row for NoRow {
    fn column(&self, _: Option<&str>, name: &str) -> Result<Value, EvalError> {
        Err(EvalError::Sql {
            errno: 1054,
            message: format!("Unknown column '{name}' in 'field list'"),
        })
    }
}

/// A literal's value.
pub fn literal(v: &Literal) -> Result<Value, EvalError> {
    Ok(match v {
        Literal::Null => Value::Null,
        Literal::Boolean(b) => Value::Int(i64::from(*b)),
        Literal::Number(n, _) => Value::number_literal(n)
            .ok_or_else(|| EvalError::unsupported(format!("the number {n}")))?,
        Literal::SingleQuotedString(s) | Literal::DoubleQuotedString(s) => {
            Value::Str(s.as_bytes().to_vec(), Text::TEXT)
        }
        Literal::HexStringLiteral(h) => Value::Str(unhex(h)?, Text::Hex),
        // b'0101': a bit-value literal, a binary string that is a number
        // in numbers' places, as a hexadecimal one.
        Literal::SingleQuotedByteStringLiteral(bits) => Value::Str(unbit(bits)?, Text::Hex),
        other => return Err(EvalError::unsupported(format!("the literal {other}"))),
    })
}

fn unbit(bits: &str) -> Result<Vec<u8>, EvalError> {
    if !bits.bytes().all(|c| c == b'0' || c == b'1') {
        return Err(EvalError::unsupported(format!("the bit literal b'{bits}'")));
    }
    let mut out = vec![0u8; bits.len().div_ceil(8)];
    for (i, c) in bits.bytes().rev().enumerate() {
        if c == b'1' {
            let n = out.len();
            out[n - 1 - i / 8] |= 1 << (i % 8);
        }
    }
    Ok(out)
}

fn unhex(h: &str) -> Result<Vec<u8>, EvalError> {
    let digits: Vec<u8> = h
        .bytes()
        .map(|c| match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(EvalError::unsupported(format!("the hex literal X'{h}'"))),
        })
        .collect::<Result<_, _>>()?;
    // An odd number of digits: a leading 0 (X'abc' is 0x0abc).
    let pad = digits.len() % 2;
    let mut out = Vec::with_capacity(digits.len() / 2 + 1);
    let mut iter = std::iter::repeat_n(0, pad).chain(digits);
    while let (Some(hi), Some(lo)) = (iter.next(), iter.next()) {
        out.push(hi << 4 | lo);
    }
    Ok(out)
}

/// `expr`'s value where it is stored or passed on as it is: a column's
/// new value, an inserted or selected value. The same as [`eval`], but
/// for MariaDB's JSON functions that give JSON text, which are evaluated
/// only here (as operands MariaDB reads them by rules of their own).
pub fn eval_value(expr: &Expr, row: &dyn Row) -> Result<Value, EvalError> {
    if !row.context().source_is_mysql()
        && let Some(v) = json::mariadb_value(expr, row)
    {
        return v;
    }
    eval(expr, row)
}

/// `expr`'s value for `row`.
pub fn eval(expr: &Expr, row: &dyn Row) -> Result<Value, EvalError> {
    match expr {
        Expr::Value(v) => Ok(match literal(&v.value)? {
            Value::Str(b, Text::Collated(_)) => Value::Str(
                b,
                Text::Collated(Coll::new(
                    row.context().connection_collation(),
                    Derivation::Coercible,
                )),
            ),
            other => other,
        }),
        Expr::Collate { expr: e, collation } => match eval(e, row)? {
            Value::Str(b, Text::Collated(_)) => {
                let name = collation.to_string().replace('`', "");
                let c = Collation::named(name.rsplit('.').next().unwrap_or(&name));
                Ok(Value::Str(
                    b,
                    Text::Collated(Coll::new(c, Derivation::Explicit)),
                ))
            }
            Value::Null => Ok(Value::Null),
            _ => Err(EvalError::unsupported(format!("{expr}"))),
        },
        Expr::Identifier(i) if i.quote_style.is_none() && i.value.starts_with('@') => {
            match i.value[1..].strip_prefix('@') {
                Some(_) => Err(EvalError::unsupported(format!(
                    "the system variable {}",
                    i.value
                ))),
                None => row.context().variable(&i.value[1..].to_ascii_lowercase()),
            }
        }
        Expr::Identifier(i) => row.column(None, &i.value),
        Expr::CompoundIdentifier(parts) => match parts.as_slice() {
            [t, c] => row.column(Some(&t.value), &c.value),
            [_db, t, c] => row.column(Some(&t.value), &c.value),
            _ => Err(EvalError::unsupported(format!("the column name {expr}"))),
        },
        Expr::Nested(e) => eval(e, row),
        Expr::Prefixed { prefix, value } => {
            let v = eval(value, row)?;
            match (prefix.value.to_ascii_lowercase().as_str(), v) {
                ("_binary", Value::Str(b, _)) => Ok(Value::Str(b, Text::Binary)),
                (p, Value::Str(b, _)) if p.starts_with("_utf8") => {
                    // (The character set's default collation, which
                    // depends on the source: not followed.)
                    Ok(Value::Str(
                        b,
                        Text::Collated(Coll::new(Collation::Unknown, Derivation::Coercible)),
                    ))
                }
                _ => Err(EvalError::unsupported(format!("the introducer in {expr}"))),
            }
        }
        Expr::UnaryOp { op, expr: e } => {
            let v = eval(e, row)?;
            match op {
                UnaryOperator::Minus => negate(&v),
                UnaryOperator::Plus => Ok(v),
                UnaryOperator::Not => Ok(Value::from_bool(v.truth()?.map(|b| !b))),
                other => Err(EvalError::unsupported(format!("the operator {other}"))),
            }
        }
        Expr::BinaryOp { left, op, right } => binary(expr, left, op, right, row),
        Expr::IsNull(e) => Ok(Value::Int(i64::from(eval(e, row)?.is_null()))),
        Expr::IsNotNull(e) => Ok(Value::Int(i64::from(!eval(e, row)?.is_null()))),
        Expr::IsTrue(e) => Ok(Value::Int(i64::from(eval(e, row)?.truth()? == Some(true)))),
        Expr::IsFalse(e) => Ok(Value::Int(i64::from(eval(e, row)?.truth()? == Some(false)))),
        Expr::InList {
            expr: e,
            list,
            negated,
        } => {
            let v = eval(e, row)?;
            let mut result = Some(false);
            for item in list {
                let x = eval(item, row)?;
                // (Against JSON, TRUE and comparisons are booleans.)
                let x = match v {
                    Value::Json(_) => json::json_operand(x, item)?,
                    _ => x,
                };
                match equal(&v, &x)? {
                    Some(true) => {
                        result = Some(true);
                        break;
                    }
                    None => result = None,
                    Some(false) => {}
                }
            }
            Ok(Value::from_bool(result.map(|r| r != *negated)))
        }
        Expr::Between {
            expr: e,
            negated,
            low,
            high,
        } => {
            let v = eval(e, row)?;
            let ge = order_test(&v, &eval(low, row)?, |o| o.is_ge())?;
            let le = order_test(&v, &eval(high, row)?, |o| o.is_le())?;
            let inside = and(ge, le);
            Ok(Value::from_bool(inside.map(|r| r != *negated)))
        }
        Expr::Function(f) => function(expr, f, row),
        Expr::Cast {
            kind: sqlparser::ast::CastKind::Cast,
            expr: e,
            data_type: sqlparser::ast::DataType::JSON,
            format: None,
        } => json::cast(eval(e, row)?, e, row.context()),
        Expr::Like {
            negated,
            any: false,
            expr: e,
            pattern,
            escape_char,
        } => {
            let escape = match escape_char {
                None => '\\',
                Some(x) => match eval(x, row)? {
                    Value::Str(b, _) if b.len() == 1 => char::from(b[0]),
                    _ => return Err(EvalError::unsupported(format!("the ESCAPE of {expr}"))),
                },
            };
            let v = strings::like(&eval(e, row)?, &eval(pattern, row)?, escape)?;
            Ok(if *negated {
                Value::from_bool(v.truth()?.map(|b| !b))
            } else {
                v
            })
        }
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => math::case(operand.as_deref(), conditions, else_result.as_deref(), row),
        Expr::Substring {
            expr: e,
            substring_from,
            substring_for,
            ..
        } => {
            let mut a = vec![eval(e, row)?];
            for x in [substring_from, substring_for].into_iter().flatten() {
                a.push(eval(x, row)?);
            }
            strings::substring("SUBSTRING", &a)
        }
        Expr::Trim {
            trim_where: None,
            trim_what: None,
            expr: e,
            trim_characters: None,
        } => strings::trim_both("TRIM", &[eval(e, row)?]),
        Expr::Floor { expr: e, field } | Expr::Ceil { expr: e, field }
            if matches!(
                field,
                sqlparser::ast::CeilFloorKind::DateTimeField(
                    sqlparser::ast::DateTimeField::NoDateTime
                )
            ) =>
        {
            math::floor_ceil(&eval(e, row)?, matches!(expr, Expr::Ceil { .. }))
        }
        Expr::Position { expr: e, r#in } => search::position(
            &eval(e, row)?,
            &eval(r#in, row)?,
            row.context().source_is_mysql(),
        ),
        Expr::Extract { field, expr: e, .. } => calendar::extract(field, &eval(e, row)?),
        other => Err(EvalError::unsupported(format!("the expression {other}"))),
    }
}

fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn order_test(
    a: &Value,
    b: &Value,
    test: impl Fn(std::cmp::Ordering) -> bool,
) -> Result<Option<bool>, EvalError> {
    if a.is_null() || b.is_null() {
        return Ok(None);
    }
    compare(a, b).map(|o| Some(test(o)))
}

fn binary(
    whole: &Expr,
    left: &Expr,
    op: &BinaryOperator,
    right: &Expr,
    row: &dyn Row,
) -> Result<Value, EvalError> {
    use BinaryOperator as B;
    // Date arithmetic: `d ± INTERVAL n unit`, `INTERVAL n unit + d`.
    match (left, op, right) {
        (d, B::Plus | B::Minus, Expr::Interval(i)) => {
            let sign = if matches!(op, B::Minus) { -1 } else { 1 };
            let mysql = row.context().source_is_mysql();
            return dates::add(&eval(d, row)?, dates::interval(i, row)?, sign, mysql);
        }
        (Expr::Interval(i), B::Plus, d) => {
            let mysql = row.context().source_is_mysql();
            return dates::add(&eval(d, row)?, dates::interval(i, row)?, 1, mysql);
        }
        _ => {}
    }
    // AND / OR look at the right side only when the left does not decide.
    match op {
        B::And => {
            let l = eval(left, row)?.truth()?;
            if l == Some(false) {
                return Ok(Value::Int(0));
            }
            return Ok(Value::from_bool(and(l, eval(right, row)?.truth()?)));
        }
        B::Or => {
            let l = eval(left, row)?.truth()?;
            if l == Some(true) {
                return Ok(Value::Int(1));
            }
            return Ok(Value::from_bool(or(l, eval(right, row)?.truth()?)));
        }
        _ => {}
    }
    let l = eval(left, row)?;
    if l.is_null() && !matches!(op, B::Spaceship) {
        // MySQL does not evaluate the right side then (a user variable
        // there is not even logged).
        return match op {
            B::Plus
            | B::Minus
            | B::Multiply
            | B::Divide
            | B::MyIntegerDivide
            | B::Modulo
            | B::Eq
            | B::NotEq
            | B::Lt
            | B::LtEq
            | B::Gt
            | B::GtEq
            | B::Xor
            | B::Arrow
            | B::LongArrow => Ok(Value::Null),
            _ => Err(EvalError::unsupported(format!("the expression {whole}"))),
        };
    }
    let r = eval(right, row)?;
    if let B::Arrow | B::LongArrow = op {
        return json::arrow(l, r, matches!(op, B::LongArrow), row.context());
    }
    let arith_op = match op {
        B::Plus => Some(Arith::Add),
        B::Minus => Some(Arith::Sub),
        B::Multiply => Some(Arith::Mul),
        B::Divide => Some(Arith::Div),
        B::MyIntegerDivide => Some(Arith::IntDiv),
        B::Modulo => Some(Arith::Rem),
        _ => None,
    };
    if let Some(a) = arith_op {
        return arith(&l, a, &r);
    }
    // Compared with JSON, the other side is made JSON (booleans kept).
    let (l, r) = if matches!((&l, &r), (Value::Json(_), _) | (_, Value::Json(_))) {
        (json::json_operand(l, left)?, json::json_operand(r, right)?)
    } else {
        (l, r)
    };
    let truth = match op {
        B::Eq => equal(&l, &r)?,
        B::NotEq => equal(&l, &r)?.map(|e| !e),
        B::Spaceship => Some(match (l.is_null(), r.is_null()) {
            (true, true) => true,
            (false, false) => equal(&l, &r)? == Some(true),
            _ => false,
        }),
        B::Lt => order_test(&l, &r, |o| o.is_lt())?,
        B::LtEq => order_test(&l, &r, |o| o.is_le())?,
        B::Gt => order_test(&l, &r, |o| o.is_gt())?,
        B::GtEq => order_test(&l, &r, |o| o.is_ge())?,
        B::Xor => match (l.truth()?, r.truth()?) {
            (Some(a), Some(b)) => Some(a != b),
            _ => None,
        },
        _ => return Err(EvalError::unsupported(format!("the expression {whole}"))),
    };
    Ok(Value::from_bool(truth))
}

pub(super) fn args(whole: &Expr, f: &sqlparser::ast::Function) -> Result<Vec<Expr>, EvalError> {
    let FunctionArguments::List(list) = &f.args else {
        return match &f.args {
            FunctionArguments::None => Ok(Vec::new()),
            _ => Err(EvalError::unsupported(format!("the function call {whole}"))),
        };
    };
    if list.duplicate_treatment.is_some() || !list.clauses.is_empty() {
        return Err(EvalError::unsupported(format!("the function call {whole}")));
    }
    list.args
        .iter()
        .map(|a| match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Ok(e.clone()),
            _ => Err(EvalError::unsupported(format!("the function call {whole}"))),
        })
        .collect()
}

fn function(whole: &Expr, f: &sqlparser::ast::Function, row: &dyn Row) -> Result<Value, EvalError> {
    let name = f.name.to_string().to_ascii_uppercase();
    let a = args(whole, f)?;
    if let Some(v) = json::call(&name, &a, row).or_else(|| calendar::call_in_row(&name, &a, row)) {
        return v;
    }
    let arity = |n: usize| param_count(&name, a.len(), n..=n);
    match name.as_str() {
        "NOW" | "CURRENT_TIMESTAMP" | "LOCALTIME" | "LOCALTIMESTAMP" | "UTC_TIMESTAMP" => {
            let c = row.context().clock()?;
            let t = if name == "UTC_TIMESTAMP" {
                c.utc
            } else {
                c.local
            };
            let fsp = calendar::fsp_arg(&name, &a, row)?;
            // The fraction past `fsp` digits is cut, not rounded.
            let cut = 10u32.pow(6 - u32::from(fsp));
            Ok(Value::Temporal(Temporal {
                micros: t.micros / cut * cut,
                fsp,
                ..t
            }))
        }
        "CURDATE" | "CURRENT_DATE" | "UTC_DATE" => {
            arity(0)?;
            let c = row.context().clock()?;
            let t = if name == "UTC_DATE" { c.utc } else { c.local };
            Ok(Value::Temporal(Temporal::date(t.year, t.month, t.day)))
        }
        "RAND" => {
            if !a.is_empty() {
                return Err(EvalError::unsupported("RAND with a seed"));
            }
            Ok(Value::Double(row.context().rand()?))
        }
        "LAST_INSERT_ID" => match a.as_slice() {
            [] => row.context().last_insert_id(),
            // LAST_INSERT_ID(expr) is expr (it also sets the session's
            // value, which the next statement's INTVAR event carries).
            [x] => eval(x, row),
            _ => arity(1).map(|()| Value::Null),
        },
        "VALUES" => {
            arity(1)?;
            match &a[0] {
                Expr::Identifier(i) => row.inserted(&i.value),
                Expr::CompoundIdentifier(p) if p.len() > 1 => row.inserted(&p[p.len() - 1].value),
                other => Err(EvalError::unsupported(format!("VALUES({other})"))),
            }
        }
        "STRCMP" => {
            arity(2)?;
            let (x, y) = (eval(&a[0], row)?, eval(&a[1], row)?);
            match (&x, &y) {
                (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
                (Value::Str(..), Value::Str(..)) => Ok(Value::Int(match compare(&x, &y)? {
                    std::cmp::Ordering::Less => -1,
                    std::cmp::Ordering::Equal => 0,
                    std::cmp::Ordering::Greater => 1,
                })),
                _ => Err(EvalError::unsupported(
                    "STRCMP of values that are not strings",
                )),
            }
        }
        "IFNULL" => {
            arity(2)?;
            let v = eval(&a[0], row)?;
            if v.is_null() { eval(&a[1], row) } else { Ok(v) }
        }
        "COALESCE" => {
            for e in &a {
                let v = eval(e, row)?;
                if !v.is_null() {
                    return Ok(v);
                }
            }
            Ok(Value::Null)
        }
        "IF" => {
            arity(3)?;
            if eval(&a[0], row)?.truth()? == Some(true) {
                eval(&a[1], row)
            } else {
                eval(&a[2], row)
            }
        }
        "CONCAT" => {
            let mut out = Vec::new();
            let mut text = None;
            for e in &a {
                match as_text(eval(e, row)?) {
                    Value::Null => return Ok(Value::Null),
                    Value::Str(b, t) => {
                        text = Some(match (text, t) {
                            (Some(Text::Binary), _) | (_, Text::Binary | Text::Hex) => Text::Binary,
                            (Some(Text::Collated(x)), Text::Collated(y)) => {
                                Text::Collated(x.with(y))
                            }
                            (_, t) => t,
                        });
                        out.extend_from_slice(&b);
                    }
                    v => out.extend_from_slice(&exact_text(&v, &name)?),
                }
            }
            Ok(Value::Str(out, text.unwrap_or(Text::TEXT)))
        }
        "REPEAT" => {
            arity(2)?;
            let (s, n) = (as_text(eval(&a[0], row)?), eval(&a[1], row)?);
            let n = match n {
                Value::Null => return Ok(Value::Null),
                Value::Int(i) => i.max(0) as u64,
                Value::UInt(u) => u,
                _ => {
                    return Err(EvalError::unsupported(
                        "REPEAT with a count that is not an integer",
                    ));
                }
            };
            let (b, t) = match s {
                Value::Null => return Ok(Value::Null),
                Value::Str(b, t) => (b, if t == Text::Hex { Text::Binary } else { t }),
                v => (exact_text(&v, &name)?, Text::TEXT),
            };
            if (b.len() as u64).saturating_mul(n) > MAX_ALLOWED_PACKET {
                return Err(EvalError::unsupported(
                    "REPEAT past max_allowed_packet (NULL on the source)",
                ));
            }
            Ok(Value::Str(b.repeat(n as usize), t))
        }
        "LENGTH" | "OCTET_LENGTH" => {
            arity(1)?;
            Ok(match as_text(eval(&a[0], row)?) {
                Value::Null => Value::Null,
                Value::Str(b, _) => Value::Int(b.len() as i64),
                v => Value::Int(exact_text(&v, &name)?.len() as i64),
            })
        }
        "ABS" => {
            arity(1)?;
            let v = eval(&a[0], row)?;
            let negative = match &v {
                Value::Int(i) => *i < 0,
                Value::Decimal(d) => d.mantissa < 0,
                Value::Double(f) => *f < 0.0,
                Value::Null | Value::UInt(_) => false,
                Value::Str(..)
                | Value::Temporal(_)
                | Value::Member(..)
                | Value::Json(_)
                | Value::Time(_) => {
                    return Ok(Value::Double(v.to_f64()?.unwrap_or(0.0).abs()));
                }
            };
            if negative { negate(&v) } else { Ok(v) }
        }
        "DATE_ADD" | "ADDDATE" | "DATE_SUB" | "SUBDATE" => {
            arity(2)?;
            let Expr::Interval(i) = &a[1] else {
                return Err(EvalError::unsupported(format!(
                    "{name} without an INTERVAL"
                )));
            };
            let sign = if name.ends_with("SUB") || name == "SUBDATE" {
                -1
            } else {
                1
            };
            let mysql = row.context().source_is_mysql();
            dates::add(&eval(&a[0], row)?, dates::interval(i, row)?, sign, mysql)
        }
        "FLOOR" | "CEIL" | "CEILING" => {
            arity(1)?;
            math::floor_ceil(&eval(&a[0], row)?, name != "FLOOR")
        }
        "DATE_FORMAT" | "DAYNAME" | "MONTHNAME" | "STR_TO_DATE"
            if row.context().lc_time_names() != Some(0) =>
        {
            Err(EvalError::unsupported(format!(
                "{name} in a locale other than en_US (lc_time_names)"
            )))
        }
        other => {
            let values = a
                .iter()
                .map(|x| eval(x, row))
                .collect::<Result<Vec<_>, _>>()?;
            strings::call(other, &values)
                .or_else(|| math::call(other, &values))
                .or_else(|| dates::call(other, &values))
                .or_else(|| digest::call(other, &values))
                .or_else(|| search::call(other, &values, row.context().source_is_mysql()))
                .or_else(|| encode::call(other, &values))
                .or_else(|| calendar::call(other, &values))
                .unwrap_or_else(|| Err(EvalError::unsupported(format!("the function {name}"))))
        }
    }
}

/// MySQL's 1582 unless a function got `n` arguments.
pub(super) fn param_count(
    name: &str,
    given: usize,
    n: std::ops::RangeInclusive<usize>,
) -> Result<(), EvalError> {
    if n.contains(&given) {
        Ok(())
    } else {
        Err(EvalError::Sql {
            errno: 1582,
            message: format!("Incorrect parameter count in the call to native function '{name}'"),
        })
    }
}

/// REPEAT past the source's `max_allowed_packet` is NULL there; that
/// setting is not in the binlog, so results past the smallest default
/// (MariaDB's 16 MiB) are refused.
const MAX_ALLOWED_PACKET: u64 = 16 << 20;

/// An exact number's text, as a string function takes it.
/// An ENUM or SET value as the string its members make.
fn as_text(v: Value) -> Value {
    match v {
        Value::Member(b, c, _) => Value::Str(b, Text::Collated(c)),
        Value::Json(doc) => json::as_text(&doc),
        Value::Time(t) => Value::Str(t.to_string().into_bytes(), Text::TEXT),
        v => v,
    }
}

fn exact_text(v: &Value, function: &str) -> Result<Vec<u8>, EvalError> {
    Ok(match v {
        Value::Int(i) => i.to_string().into_bytes(),
        Value::UInt(u) => u.to_string().into_bytes(),
        Value::Decimal(d) => d.to_string().into_bytes(),
        Value::Temporal(_) => return Err(EvalError::unsupported(format!("{function} of a date"))),
        _ => {
            return Err(EvalError::unsupported(format!(
                "{function} of a floating-point value"
            )));
        }
    })
}

#[cfg(test)]
#[path = "eval_tests.rs"]
mod tests;
