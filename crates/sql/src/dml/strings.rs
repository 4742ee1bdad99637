//! String functions and LIKE, as MySQL evaluates them on UTF-8 text.
//!
//! A collated string's result may depend on its collation (case and
//! accents), which understudy does not know for every value: such a
//! function answers only when every collation MySQL ships gives the
//! same answer (ASCII text tested both case-sensitively and not), and
//! says it does not evaluate it otherwise.

use super::eval::EvalError;
use super::value::{Text, Value};
use crate::collation::Collation;

/// A string argument: its bytes and kind (numbers as their text).
pub(super) fn text(v: &Value, function: &str) -> Result<Option<(Vec<u8>, Text)>, EvalError> {
    Ok(match v {
        Value::Null => None,
        Value::Str(b, t) => Some((b.clone(), if *t == Text::Hex { Text::Binary } else { *t })),
        Value::Member(b, c, _) => Some((b.clone(), Text::Collated(*c))),
        Value::Json(doc) => match super::json::as_text(doc) {
            Value::Str(b, t) => Some((b, t)),
            _ => None,
        },
        Value::Int(i) => Some((i.to_string().into_bytes(), Text::TEXT)),
        Value::UInt(u) => Some((u.to_string().into_bytes(), Text::TEXT)),
        Value::Decimal(d) => Some((d.to_string().into_bytes(), Text::TEXT)),
        Value::Temporal(t) => Some((t.to_string().into_bytes(), Text::TEXT)),
        Value::Time(t) => Some((t.to_string().into_bytes(), Text::TEXT)),
        Value::Double(_) => {
            return Err(EvalError::unsupported(format!(
                "{function} of a floating-point value"
            )));
        }
    })
}

/// Collated text as characters (not UTF-8: not evaluated).
pub(super) fn chars(b: &[u8], function: &str) -> Result<Vec<char>, EvalError> {
    std::str::from_utf8(b)
        .map(|s| s.chars().collect())
        .map_err(|_| EvalError::unsupported(format!("{function} of text that is not UTF-8")))
}

/// The units a function counts in: characters of collated text, bytes
/// of binary strings.
pub(super) enum Units {
    Chars(Vec<char>),
    Bytes(Vec<u8>),
}

impl Units {
    pub(super) fn of(b: Vec<u8>, t: Text, function: &str) -> Result<Units, EvalError> {
        Ok(match t {
            Text::Collated(_) => Units::Chars(chars(&b, function)?),
            _ => Units::Bytes(b),
        })
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Units::Chars(c) => c.len(),
            Units::Bytes(b) => b.len(),
        }
    }

    /// Units `from..to` as a value of kind `t`.
    pub(super) fn slice(&self, from: usize, to: usize, t: Text) -> Value {
        let (from, to) = (from.min(self.len()), to.min(self.len()));
        let bytes = match self {
            Units::Chars(c) => c[from..to.max(from)]
                .iter()
                .collect::<String>()
                .into_bytes(),
            Units::Bytes(b) => b[from..to.max(from)].to_vec(),
        };
        Value::Str(bytes, t)
    }
}

/// An integer argument (NULL: `None`); others are not evaluated.
pub(super) fn integer(v: &Value, function: &str) -> Result<Option<i64>, EvalError> {
    match v {
        Value::Null => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        Value::UInt(u) => Ok(Some(i64::try_from(*u).unwrap_or(i64::MAX))),
        _ => Err(EvalError::unsupported(format!(
            "{function} with a position or length that is not an integer"
        ))),
    }
}

/// `subject LIKE pattern ESCAPE escape`.
pub fn like(subject: &Value, pattern: &Value, escape: char) -> Result<Value, EvalError> {
    let (Some((s, st)), Some((p, pt))) = (text(subject, "LIKE")?, text(pattern, "LIKE")?) else {
        return Ok(Value::Null);
    };
    let (Text::Collated(sc), Text::Collated(pc)) = (st, pt) else {
        // A binary string compares bytes, one `_` a byte.
        let s: Vec<char> = s.iter().map(|&b| char::from(b)).collect();
        let p: Vec<char> = p.iter().map(|&b| char::from(b)).collect();
        let m = matches(&s, &p, escape, |a, b| Some(a == b));
        return Ok(Value::from_bool(Some(m == Ok(true))));
    };
    let collation = sc.with(pc).collation;
    if collation != Collation::Unknown {
        let (Ok(s), Ok(p)) = (std::str::from_utf8(&s), std::str::from_utf8(&p)) else {
            return Err(EvalError::unsupported("LIKE on text that is not UTF-8"));
        };
        let (s, p): (Vec<char>, Vec<char>) = (s.chars().collect(), p.chars().collect());
        return match matches(&s, &p, escape, |a, b| collation.same_char(a, b)) {
            Ok(m) => Ok(Value::from_bool(Some(m))),
            Err(()) => Err(EvalError::unsupported(
                "LIKE on characters the collation's tables do not answer for",
            )),
        };
    }
    if !s.is_ascii() || !p.is_ascii() {
        return Err(EvalError::unsupported(
            "LIKE on text beyond ASCII (its collation decides accents and case)",
        ));
    }
    let same = |a: char, b: char| Some(a == b);
    let exact = matches(&chars(&s, "LIKE")?, &chars(&p, "LIKE")?, escape, same);
    let folded = matches(
        &chars(&s.to_ascii_lowercase(), "LIKE")?,
        &chars(&p.to_ascii_lowercase(), "LIKE")?,
        escape.to_ascii_lowercase(),
        same,
    );
    let (Ok(exact), Ok(folded)) = (exact, folded) else {
        return Err(EvalError::unsupported("LIKE"));
    };
    if exact != folded {
        return Err(EvalError::unsupported(
            "a LIKE whose result depends on the collation's case rules",
        ));
    }
    Ok(Value::from_bool(Some(exact)))
}

/// LIKE's matching: `%` any run, `_` one unit, `escape` quoting the next;
/// `same` tells whether two units match (`None`: not known, `Err`).
fn matches(
    s: &[char],
    p: &[char],
    escape: char,
    same: impl Fn(char, char) -> Option<bool>,
) -> Result<bool, ()> {
    // Positions in s after matching p's prefix (a set, as a bitmap).
    let mut at = vec![false; s.len() + 1];
    at[0] = true;
    let mut i = 0;
    while i < p.len() {
        let mut next = vec![false; s.len() + 1];
        match p[i] {
            '%' => {
                let first = at.iter().position(|&b| b);
                if let Some(f) = first {
                    next[f..].iter_mut().for_each(|b| *b = true);
                }
            }
            '_' => {
                next[1..].copy_from_slice(&at[..s.len()]);
            }
            c => {
                let lit = if c == escape && i + 1 < p.len() {
                    i += 1;
                    p[i]
                } else {
                    c
                };
                for k in 0..s.len() {
                    next[k + 1] = at[k] && same(s[k], lit).ok_or(())?;
                }
            }
        }
        at = next;
        i += 1;
    }
    Ok(at[s.len()])
}

/// A string function by name, on evaluated arguments; `None` when the
/// name is not one of these.
pub fn call(name: &str, a: &[Value]) -> Option<Result<Value, EvalError>> {
    let f = match name {
        "CHAR_LENGTH" | "CHARACTER_LENGTH" => char_length,
        "UPPER" | "UCASE" => upper,
        "LOWER" | "LCASE" => lower,
        "SUBSTRING" | "SUBSTR" | "MID" => substring,
        "LEFT" => left,
        "RIGHT" => right,
        "TRIM" => trim_both,
        "LTRIM" => ltrim,
        "RTRIM" => rtrim,
        "REPLACE" => replace,
        "CONCAT_WS" => concat_ws,
        "REVERSE" => reverse,
        _ => return None,
    };
    Some(f(name, a))
}

pub(super) fn count(
    name: &str,
    a: &[Value],
    n: std::ops::RangeInclusive<usize>,
) -> Result<(), EvalError> {
    super::eval::param_count(name, a.len(), n)
}

fn char_length(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    Ok(match text(&a[0], name)? {
        None => Value::Null,
        Some((b, t)) => Value::Int(Units::of(b, t, name)?.len() as i64),
    })
}

fn case(name: &str, a: &[Value], up: bool) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    Ok(match text(&a[0], name)? {
        None => Value::Null,
        // Binary strings have no case.
        Some((b, Text::Binary)) => Value::Str(b, Text::Binary),
        Some((b, Text::Collated(c))) if c.collation != Collation::Unknown => {
            let s = std::str::from_utf8(&b)
                .map_err(|_| EvalError::unsupported(format!("{name} of text that is not UTF-8")))?;
            match c.collation.change_case(s, up) {
                Some(out) => Value::Str(out.into_bytes(), Text::Collated(c)),
                None => {
                    return Err(EvalError::unsupported(format!(
                        "{name} of characters the collation's tables do not answer for"
                    )));
                }
            }
        }
        // ASCII maps alike under every collation but the Turkic ones
        // (`i` and `I`).
        Some((b, t)) if b.is_ascii() && !b.iter().any(|c| matches!(c, b'i' | b'I')) => Value::Str(
            if up {
                b.to_ascii_uppercase()
            } else {
                b.to_ascii_lowercase()
            },
            t,
        ),
        Some(_) => {
            return Err(EvalError::unsupported(format!(
                "{name} of text beyond ASCII (its collation's case mapping)"
            )));
        }
    })
}

fn upper(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    case(name, a, true)
}

fn lower(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    case(name, a, false)
}

pub fn substring(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 2..=3)?;
    let Some((b, t)) = text(&a[0], name)? else {
        return Ok(Value::Null);
    };
    let Some(pos) = integer(&a[1], name)? else {
        return Ok(Value::Null);
    };
    let len = match a.get(2) {
        None => None,
        Some(v) => match integer(v, name)? {
            None => return Ok(Value::Null),
            Some(n) => Some(n),
        },
    };
    let u = Units::of(b, t, name)?;
    let n = u.len() as i64;
    // 1-based; negative counts from the end; 0 or past the end: ''.
    let start = match pos {
        0 => return Ok(Value::Str(Vec::new(), t)),
        p if p > 0 => p - 1,
        p => n + p,
    };
    if start < 0 || start >= n {
        return Ok(Value::Str(Vec::new(), t));
    }
    let end = match len {
        None => n,
        Some(l) if l <= 0 => return Ok(Value::Str(Vec::new(), t)),
        Some(l) => start.saturating_add(l).min(n),
    };
    Ok(u.slice(start as usize, end as usize, t))
}

fn left(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 2..=2)?;
    let (Some((b, t)), Some(n)) = (text(&a[0], name)?, integer(&a[1], name)?) else {
        return Ok(Value::Null);
    };
    let u = Units::of(b, t, name)?;
    Ok(u.slice(0, n.max(0) as usize, t))
}

fn right(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 2..=2)?;
    let (Some((b, t)), Some(n)) = (text(&a[0], name)?, integer(&a[1], name)?) else {
        return Ok(Value::Null);
    };
    let u = Units::of(b, t, name)?;
    let from = u.len().saturating_sub(n.max(0) as usize);
    Ok(u.slice(from, u.len(), t))
}

/// TRIM and its kin take spaces only (TRIM(x FROM y) is not read).
fn trim(name: &str, a: &[Value], lead: bool, trail: bool) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    Ok(match text(&a[0], name)? {
        None => Value::Null,
        Some((b, t)) => {
            let start = if lead {
                b.iter().position(|&c| c != b' ').unwrap_or(b.len())
            } else {
                0
            };
            let end = if trail {
                b.iter().rposition(|&c| c != b' ').map_or(start, |i| i + 1)
            } else {
                b.len()
            };
            Value::Str(b[start..end.max(start)].to_vec(), t)
        }
    })
}

pub fn trim_both(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    trim(name, a, true, true)
}

fn ltrim(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    trim(name, a, true, false)
}

fn rtrim(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    trim(name, a, false, true)
}

/// Kind of a result made of several strings: binary if any is, else
/// the collation they meet under.
pub(super) fn joined(kinds: &[Text]) -> Text {
    let mut out = None;
    for &t in kinds {
        out = Some(match (out, t) {
            (_, Text::Binary | Text::Hex) | (Some(Text::Binary), _) => Text::Binary,
            (Some(Text::Collated(a)), Text::Collated(b)) => Text::Collated(a.with(b)),
            (_, t) => t,
        });
    }
    out.unwrap_or(Text::TEXT)
}

/// REPLACE matches case-sensitively under every collation.
fn replace(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 3..=3)?;
    let (Some((s, st)), Some((from, ft)), Some((to, tt))) =
        (text(&a[0], name)?, text(&a[1], name)?, text(&a[2], name)?)
    else {
        return Ok(Value::Null);
    };
    let t = joined(&[st, ft, tt]);
    if from.is_empty() {
        return Ok(Value::Str(s, t));
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i..].starts_with(&from) {
            out.extend_from_slice(&to);
            i += from.len();
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    Ok(Value::Str(out, t))
}

fn concat_ws(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    if a.len() < 2 {
        return count(name, a, 2..=usize::MAX).map(|()| Value::Null);
    }
    let Some((sep, st)) = text(&a[0], name)? else {
        return Ok(Value::Null);
    };
    let mut kinds = vec![st];
    let mut parts = Vec::new();
    for v in &a[1..] {
        // NULLs after the separator are skipped.
        if let Some((b, t)) = text(v, name)? {
            kinds.push(t);
            parts.push(b);
        }
    }
    Ok(Value::Str(parts.join(sep.as_slice()), joined(&kinds)))
}

fn reverse(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    Ok(match text(&a[0], name)? {
        None => Value::Null,
        Some((b, t)) => match Units::of(b, t, name)? {
            Units::Chars(c) => Value::Str(c.iter().rev().collect::<String>().into_bytes(), t),
            Units::Bytes(mut b) => {
                b.reverse();
                Value::Str(b, t)
            }
        },
    })
}
