//! The values statement evaluation works on, and MySQL's rules for
//! comparing and combining them: exact integers and decimals, doubles,
//! strings compared as the column's collation would compare them — and
//! an error, never a guess, where understudy cannot be sure of the
//! primary's answer.

use std::cmp::Ordering;

use super::decimal::Decimal;
use super::eval::EvalError;
use super::json::{self, JsonDoc};
use super::temporal::Temporal;
use super::time::{TimeValue, parse_time};
use crate::collation::Collation;

/// What kind of string a value is, for comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// Binary strings (BINARY, VARBINARY, BLOB, `_binary'…'`): bytes.
    Binary,
    /// A character string and its collation. Under a collation
    /// understudy does not know, a comparison is answered only when every
    /// usual collation (`_bin` with and without PAD SPACE,
    /// case-insensitive with and without) gives the same answer.
    Collated(Coll),
    /// A hexadecimal literal, which MySQL reads as a number in numbers'
    /// places.
    Hex,
}

/// A string's collation and how strongly it holds it (MySQL's
/// coercibility: the stronger side of a comparison decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coll {
    pub collation: Collation,
    pub derivation: Derivation,
}

/// MySQL's coercibility, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Derivation {
    /// `COLLATE x`.
    Explicit,
    /// A column or a user variable.
    Implicit,
    /// A string literal (the connection's collation).
    Coercible,
    /// A number or date as text.
    Numeric,
}

impl Coll {
    /// Text whose collation is not known, holding it weakest.
    pub const UNKNOWN: Coll = Coll {
        collation: Collation::Unknown,
        derivation: Derivation::Numeric,
    };

    pub fn new(collation: Collation, derivation: Derivation) -> Coll {
        Coll {
            collation,
            derivation,
        }
    }

    /// The collation two strings meet under: the stronger one's; at equal
    /// strength with different collations, none understudy follows (the
    /// source refuses most such mixes) — except MySQL's rule that a
    /// `_bin` collation wins over another of its character set, applied
    /// where both are surely utf8mb4: a literal under a 0900 collation
    /// and utf8mb4_bin text as coercible (JSON_UNQUOTE's, `->>`'s).
    pub fn with(self, other: Coll) -> Coll {
        use Collation::{Uca0900AiCi, Utf8Bin, Utf8NoPadBin};
        match self.derivation.cmp(&other.derivation) {
            Ordering::Less => self,
            Ordering::Greater => other,
            Ordering::Equal if self.collation == other.collation => self,
            Ordering::Equal
                if self.derivation == Derivation::Coercible
                    && matches!(
                        (self.collation, other.collation),
                        (Utf8Bin, Uca0900AiCi | Utf8NoPadBin)
                            | (Uca0900AiCi | Utf8NoPadBin, Utf8Bin)
                    ) =>
            {
                Coll::new(Utf8Bin, Derivation::Coercible)
            }
            Ordering::Equal => Coll::new(Collation::Unknown, self.derivation),
        }
    }
}

impl Text {
    /// Character text whose collation is not known.
    pub const TEXT: Text = Text::Collated(Coll::UNKNOWN);

    pub fn is_collated(self) -> bool {
        matches!(self, Text::Collated(_))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    UInt(u64),
    Decimal(Decimal),
    Double(f64),
    Str(Vec<u8>, Text),
    /// A DATE or DATETIME (from a column).
    Temporal(Temporal),
    /// An ENUM or SET column's value: its members' text where a string
    /// is wanted (and compared with strings), its ENUM index or SET bit
    /// mask where a number is (arithmetic, truth, compared with numbers),
    /// as MySQL reads it. Two of them compared (MySQL sorts them by
    /// index, compares them as text) are not evaluated.
    Member(Vec<u8>, Coll, u64),
    /// A MySQL JSON value (a JSON column's, a JSON function's result).
    Json(Box<JsonDoc>),
    /// A TIME column's value: text where a string is wanted, compared
    /// with times and with strings read as times.
    Time(TimeValue),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A number from its exact value: an integer when it fits one.
    pub fn from_i128(v: i128) -> Value {
        if let Ok(i) = i64::try_from(v) {
            Value::Int(i)
        } else if let Ok(u) = u64::try_from(v) {
            Value::UInt(u)
        } else {
            Value::Decimal(Decimal::from_i128(v))
        }
    }

    /// A numeric literal as MySQL types it: integer, DECIMAL (with a
    /// point), DOUBLE (with an exponent).
    pub fn number_literal(s: &str) -> Option<Value> {
        if s.contains(['e', 'E']) {
            return s.parse().ok().map(Value::Double);
        }
        if !s.contains('.')
            && let Ok(v) = s.parse::<i128>()
        {
            return Some(Value::from_i128(v));
        }
        Decimal::parse(s).map(Value::Decimal)
    }

    /// The value as a double (strings by their numeric prefix, as MySQL
    /// converts them).
    pub fn to_f64(&self) -> Result<Option<f64>, EvalError> {
        Ok(Some(match self {
            Value::Null => return Ok(None),
            Value::Int(i) => *i as f64,
            Value::UInt(u) => *u as f64,
            Value::Decimal(d) => d.to_f64(),
            Value::Double(f) => *f,
            Value::Str(_, Text::Hex) => {
                return Err(EvalError::unsupported(
                    "a hexadecimal literal used as a number",
                ));
            }
            Value::Temporal(_) => {
                return Err(EvalError::unsupported("a date or time used as a number"));
            }
            Value::Member(_, _, n) => *n as f64,
            Value::Json(doc) => json::as_double(doc)?,
            Value::Time(_) => {
                return Err(EvalError::unsupported("a TIME value used as a number"));
            }
            Value::Str(b, _) => str_prefix_f64(b),
        }))
    }

    /// An exact number (integer or decimal) as a decimal.
    fn exact(&self) -> Option<Decimal> {
        match self {
            Value::Int(i) => Some(Decimal::from_i128(i128::from(*i))),
            Value::UInt(u) => Some(Decimal::from_i128(i128::from(*u))),
            Value::Decimal(d) => Some(*d),
            Value::Member(_, _, n) => Some(Decimal::from_i128(i128::from(*n))),
            _ => None,
        }
    }

    fn int(&self) -> Option<i128> {
        match self {
            Value::Int(i) => Some(i128::from(*i)),
            Value::UInt(u) => Some(i128::from(*u)),
            Value::Member(_, _, n) => Some(i128::from(*n)),
            // A hexadecimal or bit-value literal (or a BIT column's value)
            // as a number: its bytes, big-endian, unsigned.
            Value::Str(b, Text::Hex) if b.len() <= 8 => {
                Some(b.iter().fold(0i128, |a, &x| (a << 8) | i128::from(x)))
            }
            _ => None,
        }
    }

    /// MySQL's truth of a value in AND/OR/NOT/WHERE: `None` for NULL.
    pub fn truth(&self) -> Result<Option<bool>, EvalError> {
        Ok(match self {
            Value::Null => None,
            Value::Int(i) => Some(*i != 0),
            Value::UInt(u) => Some(*u != 0),
            Value::Decimal(d) => Some(!d.is_zero()),
            Value::Str(_, Text::Hex) if self.int().is_some() => self.int().map(|i| i != 0),
            other => other.to_f64()?.map(|f| f != 0.0),
        })
    }

    pub fn from_bool(b: Option<bool>) -> Value {
        match b {
            None => Value::Null,
            Some(b) => Value::Int(i64::from(b)),
        }
    }
}

fn member_as_number() -> EvalError {
    EvalError::unsupported(
        "an ENUM or SET value compared with another, or with a value that is neither a string \
         nor a number",
    )
}

/// The numeric prefix of a string as a double (`'12abc'` → 12, `'x'` →
/// 0), as MySQL reads a string in a number's place.
pub fn str_prefix_f64(b: &[u8]) -> f64 {
    numeric_prefix(b).map_or(0.0, |p| p.parse().unwrap_or(0.0))
}

/// The number a string starts with, as text (`None`: none).
fn numeric_prefix(b: &[u8]) -> Option<String> {
    let s = String::from_utf8_lossy(b);
    let t = s.trim_start_matches([' ', '\t', '\n', '\r']);
    let bytes = t.as_bytes();
    let mut end = 0;
    let mut seen_digit = false;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        end = 1;
    }
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
        seen_digit = true;
    }
    if end < bytes.len() && bytes[end] == b'.' {
        end += 1;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
            seen_digit = true;
        }
    }
    if seen_digit && end < bytes.len() && matches!(bytes[end], b'e' | b'E') {
        let mut e = end + 1;
        if matches!(bytes.get(e), Some(b'-' | b'+')) {
            e += 1;
        }
        if bytes.get(e).is_some_and(u8::is_ascii_digit) {
            while e < bytes.len() && bytes[e].is_ascii_digit() {
                e += 1;
            }
            end = e;
        }
    }
    seen_digit.then(|| t[..end].to_owned())
}

/// A string as the number MySQL reads from it where one is wanted and
/// the string is not one as a whole: its numeric prefix (`'3abc'` → 3,
/// `'abc'` → 0), as an exact decimal.
pub fn text_number(b: &[u8]) -> Result<Decimal, EvalError> {
    as_decimal(&Value::Str(b.to_vec(), Text::TEXT))?
        .ok_or_else(|| EvalError::unsupported("a string as a number"))
}

/// A value as an exact decimal, as MySQL reads the operands of `DIV`:
/// doubles by their shortest text, strings by their numeric prefix.
fn as_decimal(v: &Value) -> Result<Option<Decimal>, EvalError> {
    let too_long = || EvalError::unsupported(format!("{v:?} as a DECIMAL"));
    let via_text = |t: &str| -> Result<Option<Decimal>, EvalError> {
        let text = if t.contains(['e', 'E']) {
            format!("{}", t.parse::<f64>().map_err(|_| too_long())?)
        } else {
            t.to_owned()
        };
        Decimal::parse(&text).map(Some).ok_or_else(too_long)
    };
    match v {
        Value::Null => Ok(None),
        Value::Double(f) if f.is_finite() => via_text(&format!("{f}")),
        Value::Str(b, Text::Collated(_) | Text::Binary) => match numeric_prefix(b) {
            Some(p) => via_text(&p),
            None => Ok(Some(Decimal::from_i128(0))),
        },
        other => match other.exact() {
            Some(d) => Ok(Some(d)),
            None => Err(too_long()),
        },
    }
}

/// How two non-NULL values compare, by MySQL's rules: exact numbers
/// exactly, a double on either side as doubles, two strings by
/// collation, a string and a number as doubles.
pub fn compare(a: &Value, b: &Value) -> Result<Ordering, EvalError> {
    // An ENUM or SET value with a string: their text, by collation.
    match (a, b) {
        (Value::Member(x, cx, _), Value::Str(y, ty @ (Text::Collated(_) | Text::Binary))) => {
            return compare_text(x, Text::Collated(*cx), y, *ty);
        }
        (Value::Str(x, tx @ (Text::Collated(_) | Text::Binary)), Value::Member(y, cy, _)) => {
            return compare_text(x, *tx, y, Text::Collated(*cy));
        }
        (Value::Member(..), Value::Member(..)) => return Err(member_as_number()),
        (Value::Member(..), o) | (o, Value::Member(..))
            if !matches!(
                o,
                Value::Int(_) | Value::UInt(_) | Value::Decimal(_) | Value::Double(_)
            ) =>
        {
            return Err(member_as_number());
        }
        (Value::Json(x), Value::Json(y)) => return json::compare_json(x, y),
        (Value::Time(_), _) | (_, Value::Time(_)) => return compare_times(a, b),
        (Value::Json(x), y) => return json::compare_with_sql(x, y),
        (x, Value::Json(y)) => return json::compare_with_sql(y, x).map(Ordering::reverse),
        _ => {}
    }
    if let (Some(x), Some(y)) = (a.int(), b.int()) {
        return Ok(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (a.exact(), b.exact()) {
        return x
            .checked_cmp(&y)
            .ok_or_else(|| EvalError::unsupported("a comparison of decimals past 38 digits"));
    }
    if let (Value::Str(x, tx), Value::Str(y, ty)) = (a, b) {
        return compare_text(x, *tx, y, *ty);
    }
    // A date with a date, or with a string read as one (MySQL compares
    // a temporal column with a constant as temporal values).
    if let Some((x, y)) = temporal_pair(a, b)? {
        return Ok(x.key().cmp(&y.key()));
    }
    let (x, y) = (a.to_f64()?, b.to_f64()?);
    match (x, y) {
        (Some(x), Some(y)) => x
            .partial_cmp(&y)
            .ok_or_else(|| EvalError::unsupported("a comparison with NaN")),
        _ => Err(EvalError::unsupported("a comparison with NULL")),
    }
}

/// A TIME with a TIME, or with a string read as one (MySQL compares a
/// TIME column with a constant as times); anything else is refused.
fn compare_times(a: &Value, b: &Value) -> Result<Ordering, EvalError> {
    let as_time = |v: &Value| -> Result<i128, EvalError> {
        match v {
            Value::Time(t) => Ok(t.signed()),
            Value::Str(s, Text::Collated(_) | Text::Binary) => std::str::from_utf8(s)
                .ok()
                .and_then(parse_time)
                .map(|p| {
                    let m = i128::from(p.micros(6, true));
                    if p.negative { -m } else { m }
                })
                .ok_or_else(|| {
                    EvalError::unsupported(format!(
                        "comparing a TIME with '{}'",
                        String::from_utf8_lossy(s)
                    ))
                }),
            _ => Err(EvalError::unsupported(
                "comparing a TIME with a value that is not a time or a string",
            )),
        }
    };
    Ok(as_time(a)?.cmp(&as_time(b)?))
}

/// Both sides as temporal values when either is one: `None` when
/// neither is; an error when the other side is not a date string.
fn temporal_pair(a: &Value, b: &Value) -> Result<Option<(Temporal, Temporal)>, EvalError> {
    let as_temporal = |v: &Value| -> Result<Temporal, EvalError> {
        match v {
            Value::Temporal(t) => Ok(*t),
            Value::Str(s, Text::Collated(_) | Text::Binary) => std::str::from_utf8(s)
                .ok()
                .and_then(Temporal::parse)
                .ok_or_else(|| {
                    EvalError::unsupported(format!(
                        "comparing a date with '{}'",
                        String::from_utf8_lossy(s)
                    ))
                }),
            other => Err(EvalError::unsupported(format!(
                "comparing a date with {other:?}"
            ))),
        }
    };
    if !matches!(a, Value::Temporal(_)) && !matches!(b, Value::Temporal(_)) {
        return Ok(None);
    }
    Ok(Some((as_temporal(a)?, as_temporal(b)?)))
}

fn trim_spaces(b: &[u8]) -> &[u8] {
    let n = b.iter().rposition(|&c| c != b' ').map_or(0, |i| i + 1);
    &b[..n]
}

/// Two strings compared: bytes if either is binary; otherwise by the
/// collation they meet under when understudy knows it, else the one
/// answer every usual collation gives, or an error naming both.
fn compare_text(a: &[u8], ta: Text, b: &[u8], tb: Text) -> Result<Ordering, EvalError> {
    let (Text::Collated(ca), Text::Collated(cb)) = (ta, tb) else {
        return Ok(a.cmp(b));
    };
    if let Some(o) = ca.with(cb).collation.compare(a, b) {
        return Ok(o);
    }
    if a == b {
        return Ok(Ordering::Equal);
    }
    let simple = |s: &[u8]| s.iter().all(|c| c.is_ascii_alphanumeric() || *c == b' ');
    let upper = |s: &[u8]| s.to_ascii_uppercase();
    let answers = [
        a.cmp(b),
        trim_spaces(a).cmp(trim_spaces(b)),
        upper(a).cmp(&upper(b)),
        upper(trim_spaces(a)).cmp(&upper(trim_spaces(b))),
    ];
    // An order only between letters, digits and spaces (UCA puts
    // punctuation before digits, bytes do not).
    if answers.iter().all(|o| *o == answers[0]) && simple(a) && simple(b) {
        return Ok(answers[0]);
    }
    let ambiguous = format!(
        "comparing '{}' with '{}' depends on the column's collation, which understudy \
         does not evaluate yet",
        String::from_utf8_lossy(a),
        String::from_utf8_lossy(b)
    );
    if certainly_unequal(a, b) {
        Err(EvalError::Order(ambiguous))
    } else {
        Err(EvalError::Unsupported(ambiguous))
    }
}

/// Whether two strings differ under every usual collation: compared
/// from the start with case folded, control characters (ignorable in
/// UCA) dropped and trailing spaces trimmed, they differ at an ASCII
/// character before any non-ASCII one (accents and expansions such as
/// `ß` = `ss` arise only there).
fn certainly_unequal(a: &[u8], b: &[u8]) -> bool {
    let skeleton = |s: &[u8]| -> Vec<u8> {
        let kept: Vec<u8> = s
            .iter()
            .filter(|&&c| c >= 0x20 && c != 0x7f)
            .map(u8::to_ascii_uppercase)
            .collect();
        trim_spaces(&kept).to_vec()
    };
    let (x, y) = (skeleton(a), skeleton(b));
    for (p, q) in x.iter().zip(&y) {
        if !p.is_ascii() || !q.is_ascii() {
            return false;
        }
        if p != q {
            return true;
        }
    }
    let rest = if x.len() > y.len() {
        &x[y.len()..]
    } else {
        &y[x.len()..]
    };
    // The longer one goes on with spaces, then a character: ASCII
    // differs from the shorter one's padding or end.
    rest.iter().find(|&&c| c != b' ').is_some_and(u8::is_ascii)
}

/// `a = b` for IN and equality: like [`compare`], but two printable ASCII
/// strings that differ under every usual collation are just unequal.
pub fn equal(a: &Value, b: &Value) -> Result<Option<bool>, EvalError> {
    if a.is_null() || b.is_null() {
        return Ok(None);
    }
    match compare(a, b) {
        Ok(o) => Ok(Some(o.is_eq())),
        Err(EvalError::Order(_)) => Ok(Some(false)),
        Err(e) => Err(e),
    }
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    IntDiv,
    Rem,
}

impl Arith {
    fn symbol(self) -> &'static str {
        match self {
            Arith::Add => "+",
            Arith::Sub => "-",
            Arith::Mul => "*",
            Arith::Div => "/",
            Arith::IntDiv => "DIV",
            Arith::Rem => "%",
        }
    }
}

fn out_of_range(unsigned: bool, a: &Value, op: Arith, b: &Value) -> EvalError {
    let show = |v: &Value| match v {
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Decimal(d) => d.to_string(),
        Value::Double(f) => f.to_string(),
        Value::Str(s, _) | Value::Member(s, ..) => format!("'{}'", String::from_utf8_lossy(s)),
        Value::Temporal(t) => format!("'{t}'"),
        Value::Json(doc) => format!("'{}'", json::render(doc)),
        Value::Time(t) => format!("'{t}'"),
        Value::Null => "NULL".into(),
    };
    EvalError::Sql {
        errno: 1690,
        message: format!(
            "{} value is out of range in '({} {} {})'",
            if unsigned {
                "BIGINT UNSIGNED"
            } else {
                "BIGINT"
            },
            show(a),
            op.symbol(),
            show(b)
        ),
    }
}

/// `a op b` with MySQL's result types: integers stay integers (BIGINT
/// overflow is error 1690, UNSIGNED if either side is), decimals stay
/// exact, a double or a string on either side makes a double; `/` of
/// exact numbers is a DECIMAL; a zero divisor gives NULL.
pub fn arith(a: &Value, op: Arith, b: &Value) -> Result<Value, EvalError> {
    if a.is_null() || b.is_null() {
        return Ok(Value::Null);
    }
    let too_long = || EvalError::unsupported("decimal arithmetic past 38 digits");
    if let (Some(x), Some(y)) = (a.int(), b.int())
        && op != Arith::Div
    {
        // (A hexadecimal literal's value is unsigned, but it does not
        // make the result unsigned: b'11111111' * -1 is -255.)
        let unsigned = matches!(a, Value::UInt(_)) || matches!(b, Value::UInt(_));
        let r = match op {
            Arith::Add => x + y,
            Arith::Sub => x - y,
            Arith::Mul => x
                .checked_mul(y)
                .ok_or_else(|| out_of_range(unsigned, a, op, b))?,
            Arith::IntDiv | Arith::Rem | Arith::Div if y == 0 => return Ok(Value::Null),
            // (`/` of integers is a decimal: the branch below takes it.)
            Arith::IntDiv | Arith::Div => x / y,
            Arith::Rem => x % y,
        };
        return if unsigned && op != Arith::Rem {
            u64::try_from(r)
                .map(Value::UInt)
                .map_err(|_| out_of_range(true, a, op, b))
        } else if unsigned {
            Ok(Value::from_i128(r))
        } else {
            i64::try_from(r)
                .map(Value::Int)
                .map_err(|_| out_of_range(false, a, op, b))
        };
    }
    if let (Some(x), Some(y)) = (a.exact(), b.exact()) {
        let r = match op {
            Arith::Add => x.checked_add(y),
            Arith::Sub => x.checked_sub(y),
            Arith::Mul => x.checked_mul(y),
            Arith::Div | Arith::IntDiv | Arith::Rem if y.is_zero() => return Ok(Value::Null),
            Arith::Div => x.checked_div(y),
            Arith::Rem => x.checked_rem(y),
            Arith::IntDiv => return int_div(a, b),
        };
        return r.map(Value::Decimal).ok_or_else(too_long);
    }
    if op == Arith::IntDiv {
        return int_div(a, b);
    }
    let (Some(x), Some(y)) = (a.to_f64()?, b.to_f64()?) else {
        return Ok(Value::Null);
    };
    let r = match op {
        Arith::Add => x + y,
        Arith::Sub => x - y,
        Arith::Mul => x * y,
        Arith::Div | Arith::IntDiv | Arith::Rem if y == 0.0 => return Ok(Value::Null),
        Arith::Div => x / y,
        Arith::Rem => x % y,
        // (Taken above, in decimals.)
        Arith::IntDiv => return int_div(a, b),
    };
    if r.is_finite() {
        Ok(Value::Double(r))
    } else {
        Err(EvalError::Sql {
            errno: 1690,
            message: format!(
                "DOUBLE value is out of range in '({x} {} {y})'",
                op.symbol()
            ),
        })
    }
}

/// `a DIV b` of operands that are not both integers: in exact decimals
/// (strings and doubles too), the quotient truncated, a BIGINT —
/// UNSIGNED when either side is — or error 1690.
fn int_div(a: &Value, b: &Value) -> Result<Value, EvalError> {
    let (Some(x), Some(y)) = (as_decimal(a)?, as_decimal(b)?) else {
        return Ok(Value::Null);
    };
    if y.is_zero() {
        return Ok(Value::Null);
    }
    let q = x
        .div_trunc(y)
        .ok_or_else(|| EvalError::unsupported("DIV past 38 digits"))?;
    let unsigned = matches!(a, Value::UInt(_)) || matches!(b, Value::UInt(_));
    if unsigned {
        u64::try_from(q)
            .map(Value::UInt)
            .map_err(|_| out_of_range(true, a, Arith::IntDiv, b))
    } else {
        i64::try_from(q)
            .map(Value::Int)
            .map_err(|_| out_of_range(false, a, Arith::IntDiv, b))
    }
}

/// `-v`.
pub fn negate(v: &Value) -> Result<Value, EvalError> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Int(i) => match i.checked_neg() {
            Some(n) => Value::Int(n),
            None => {
                return Err(EvalError::Sql {
                    errno: 1690,
                    message: format!("BIGINT value is out of range in '-({i})'"),
                });
            }
        },
        Value::UInt(u) => Value::from_i128(-i128::from(*u)),
        Value::Decimal(d) => Value::Decimal(
            d.checked_neg()
                .ok_or_else(|| EvalError::unsupported("decimal arithmetic past 38 digits"))?,
        ),
        other => match other.to_f64()? {
            Some(f) => Value::Double(-f),
            None => Value::Null,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::Str(x.as_bytes().to_vec(), Text::TEXT)
    }

    #[test]
    fn integer_arithmetic_and_overflow() {
        assert_eq!(
            arith(&Value::Int(7), Arith::Add, &Value::Int(5)).unwrap(),
            Value::Int(12)
        );
        assert_eq!(
            arith(&Value::Int(7), Arith::IntDiv, &Value::Int(2)).unwrap(),
            Value::Int(3)
        );
        assert_eq!(
            arith(&Value::Int(-7), Arith::Rem, &Value::Int(2)).unwrap(),
            Value::Int(-1)
        );
        assert_eq!(
            arith(&Value::Int(7), Arith::Rem, &Value::Int(0)).unwrap(),
            Value::Null
        );
        assert_eq!(
            arith(&Value::Int(7), Arith::Div, &Value::Int(2)).unwrap(),
            Value::Decimal(Decimal::parse("3.5000").unwrap())
        );
        let e = arith(&Value::Int(i64::MAX), Arith::Add, &Value::Int(1)).unwrap_err();
        assert!(e.to_string().contains("1690"), "{e}");
        let e = arith(&Value::UInt(1), Arith::Sub, &Value::Int(2)).unwrap_err();
        assert!(e.to_string().contains("BIGINT UNSIGNED"), "{e}");
        assert_eq!(
            arith(&Value::Int(1), Arith::Add, &s("2.5x")).unwrap(),
            Value::Double(3.5)
        );
    }

    #[test]
    fn comparisons_follow_mysql_types() {
        assert_eq!(compare(&Value::Int(2), &s("10")).unwrap(), Ordering::Less);
        assert_eq!(compare(&s("2"), &s("10")).unwrap(), Ordering::Greater);
        assert_eq!(
            compare(&Value::UInt(u64::MAX), &Value::Int(-1)).unwrap(),
            Ordering::Greater
        );
        assert_eq!(equal(&s("abc"), &s("abd")).unwrap(), Some(false));
        assert_eq!(equal(&s("a_c"), &s("a-d")).unwrap(), Some(false));
        assert_eq!(equal(&s("tab\there"), &s("gamma")).unwrap(), Some(false));
        assert_eq!(equal(&s("café"), &s("gamma")).unwrap(), Some(false));
        assert!(equal(&s("café"), &s("cafe x")).is_err());
        assert!(equal(&s("café"), &s("cafe")).is_err());
        assert!(equal(&s("a\u{1}b"), &s("ab")).is_err());
        assert_eq!(equal(&s("abc"), &s("abc d")).unwrap(), Some(false));
        assert_eq!(equal(&s("x"), &Value::Null).unwrap(), None);
        // Case and trailing spaces depend on the collation.
        assert!(compare(&s("abc"), &s("ABC")).is_err());
        assert!(compare(&s("abc"), &s("abc ")).is_err());
        assert!(compare(&s("é"), &s("e")).is_err());
        assert_eq!(compare(&s("abc"), &s("abd")).unwrap(), Ordering::Less);
        assert!(compare(&s("a_"), &s("a1")).is_err());
        let bin = |x: &str| Value::Str(x.as_bytes().to_vec(), Text::Binary);
        assert_eq!(compare(&bin("abc"), &s("ABC")).unwrap(), Ordering::Greater);
    }

    #[test]
    fn members_compare_as_text_with_strings_only() {
        let general = Coll::new(Collation::GeneralCi, Derivation::Implicit);
        let m = Value::Member(b"Active".to_vec(), general, 2);
        assert_eq!(compare(&m, &s("ACTIVE")).unwrap(), Ordering::Equal);
        assert_eq!(compare(&s("b"), &m).unwrap(), Ordering::Greater);
        // With numbers, MySQL reads the index; two ENUMs in an ORDER BY
        // sort by index: not evaluated.
        assert_eq!(compare(&m, &Value::Int(2)).unwrap(), Ordering::Equal);
        assert_eq!(compare(&Value::Double(2.5), &m).unwrap(), Ordering::Greater);
        assert!(compare(&m, &m.clone()).is_err());
        assert_eq!(m.truth().unwrap(), Some(true));
        assert_eq!(
            arith(&m, Arith::Add, &Value::Int(0)).unwrap(),
            Value::Int(2)
        );
    }

    #[test]
    fn dates_compare_with_date_strings() {
        let d = Value::Temporal(Temporal::parse("2024-01-05").unwrap());
        assert_eq!(
            compare(&d, &s("2024-01-05 00:00:00")).unwrap(),
            Ordering::Equal
        );
        assert_eq!(compare(&s("2024-1-6"), &d).unwrap(), Ordering::Greater);
        assert!(compare(&d, &s("yesterday")).is_err());
        assert!(compare(&d, &Value::Int(20240105)).is_err());
        assert!(arith(&d, Arith::Add, &Value::Int(1)).is_err());
    }

    #[test]
    fn strings_read_as_numbers_by_prefix() {
        assert_eq!(str_prefix_f64(b" 12abc"), 12.0);
        assert_eq!(str_prefix_f64(b"-1.5e2x"), -150.0);
        assert_eq!(str_prefix_f64(b"abc"), 0.0);
        assert_eq!(str_prefix_f64(b"1e"), 1.0);
    }
}
