//! String functions that find, pick or pad: INSTR, LOCATE (and
//! `POSITION(x IN y)`), SUBSTRING_INDEX, FIND_IN_SET, FIELD, ELT,
//! LPAD, RPAD, SPACE, INSERT and NULLIF, as MySQL evaluates them.
//!
//! Finding text under a collation is answered where understudy knows
//! what the source matches: in binary strings byte by byte, under the
//! `_bin` collations character by character, in printable ASCII with
//! case folded (what every usual collation does there); beyond ASCII,
//! on MySQL, by each character's weight where every character has
//! exactly one (MySQL also finds `ss` in `ß` by their expansions, and
//! MariaDB compares byte windows: those are not evaluated).

use super::eval::EvalError;
use super::strings::{Units, count, integer, joined, text};
use super::value::{Text, Value, equal};
use crate::collation::Collation;

/// REPEAT's limit: results past the smallest `max_allowed_packet`
/// default (MariaDB's 16 MiB) are NULL on some sources, not others.
const MAX_RESULT: usize = 16 << 20;

/// A function of this module by name, on evaluated arguments; `None`
/// when the name is not one of these. `mysql`: the source is MySQL.
pub fn call(name: &str, a: &[Value], mysql: bool) -> Option<Result<Value, EvalError>> {
    let f = match name {
        "INSTR" => return Some(instr(name, a, mysql)),
        "LOCATE" => return Some(locate(name, a, mysql)),
        "SUBSTRING_INDEX" => substring_index,
        "FIND_IN_SET" => find_in_set,
        "FIELD" => field,
        "ELT" => elt,
        "LPAD" | "RPAD" => pad,
        "SPACE" => space,
        "INSERT" => insert,
        "NULLIF" => nullif,
        _ => return None,
    };
    Some(f(name, a))
}

/// `POSITION(needle IN hay)`: LOCATE with two arguments.
pub fn position(needle: &Value, hay: &Value, mysql: bool) -> Result<Value, EvalError> {
    locate("POSITION", &[needle.clone(), hay.clone()], mysql)
}

fn instr(name: &str, a: &[Value], mysql: bool) -> Result<Value, EvalError> {
    count(name, a, 2..=2)?;
    find(name, &a[0], &a[1], 1, mysql)
}

fn locate(name: &str, a: &[Value], mysql: bool) -> Result<Value, EvalError> {
    count(name, a, 2..=3)?;
    let from = match a.get(2) {
        None => 1,
        Some(v) => match integer(v, name)? {
            None => return Ok(Value::Null),
            Some(p) => p,
        },
    };
    find(name, &a[1], &a[0], from, mysql)
}

/// The 1-based place of `needle` in `hay` from unit `from` on; 0 where
/// it is not found or `from` is outside the string.
fn find(
    name: &str,
    hay: &Value,
    needle: &Value,
    from: i64,
    mysql: bool,
) -> Result<Value, EvalError> {
    let (Some((h, ht)), Some((n, nt))) = (text(hay, name)?, text(needle, name)?) else {
        return Ok(Value::Null);
    };
    let t = joined(&[ht, nt]);
    let (h, n) = (Units::of(h, t, name)?, Units::of(n, t, name)?);
    if from < 1 || from > h.len() as i64 + 1 {
        return Ok(Value::Int(0));
    }
    if n.len() == 0 && from > h.len() as i64 {
        // (MySQL finds '' at the end of the string, MariaDB does not.)
        return Err(EvalError::unsupported(format!(
            "{name} of '' past the string's last character"
        )));
    }
    let start = (from - 1) as usize;
    let place = |same: &dyn Fn(u32, u32) -> bool| {
        (start..=h.len().saturating_sub(n.len()))
            .find(|&i| i + n.len() <= h.len() && (0..n.len()).all(|k| same(h.at(i + k), n.at(k))))
            .map_or(0, |i| i as i64 + 1)
    };
    let exact = |a: u32, b: u32| a == b;
    let fold = |u: u32| char::from_u32(u).map_or(u, |c| u32::from(c.to_ascii_lowercase()));
    let folded = |a: u32, b: u32| fold(a) == fold(b);
    let Text::Collated(c) = t else {
        return Ok(Value::Int(place(&exact)));
    };
    if matches!(c.collation, Collation::Utf8Bin | Collation::Utf8NoPadBin) {
        return Ok(Value::Int(place(&exact)));
    }
    let printable = |u: &Units| (0..u.len()).all(|i| (0x20..0x7f).contains(&u.at(i)));
    if !printable(&h) || !printable(&n) {
        // MySQL compares characters by their weights; MariaDB compares
        // byte windows, not followed.
        let weight = |u: u32| char::from_u32(u).and_then(|x| c.collation.single_weight(x));
        let all = |u: &Units| (0..u.len()).all(|i| weight(u.at(i)).is_some());
        if !mysql || !all(&h) || !all(&n) {
            return Err(EvalError::unsupported(format!(
                "{name} in text beyond printable ASCII (its collation decides what matches)"
            )));
        }
        return Ok(Value::Int(place(&|a, b| weight(a) == weight(b))));
    }
    // Printable ASCII: the ci collations fold case and nothing else.
    let found = place(&folded);
    if c.collation == Collation::Unknown && place(&exact) != found {
        return Err(EvalError::unsupported(format!(
            "{name} where the collation's case rules decide"
        )));
    }
    Ok(Value::Int(found))
}

impl Units {
    /// Unit `i` as a number (a character's code point, a byte).
    fn at(&self, i: usize) -> u32 {
        match self {
            Units::Chars(c) => u32::from(c[i]),
            Units::Bytes(b) => u32::from(b[i]),
        }
    }
}

/// SUBSTRING_INDEX matches the delimiter byte for byte under every
/// collation.
fn substring_index(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 3..=3)?;
    let (Some((s, st)), Some((d, dt)), Some(n)) = (
        text(&a[0], name)?,
        text(&a[1], name)?,
        integer(&a[2], name)?,
    ) else {
        return Ok(Value::Null);
    };
    let t = joined(&[st, dt]);
    if d.is_empty() || n == 0 {
        return Ok(Value::Str(Vec::new(), t));
    }
    // Non-overlapping occurrences, from the left.
    let mut at = Vec::new();
    let mut i = 0;
    while i + d.len() <= s.len() {
        if s[i..].starts_with(&d) {
            at.push(i);
            i += d.len();
        } else {
            i += 1;
        }
    }
    let k = n.unsigned_abs();
    let out = if n > 0 {
        match usize::try_from(k - 1).ok().and_then(|k| at.get(k)) {
            Some(&end) => s[..end].to_vec(),
            None => s,
        }
    } else {
        match usize::try_from(k)
            .ok()
            .and_then(|k| at.len().checked_sub(k))
            .map(|k| at[k])
        {
            Some(begin) => s[begin + d.len()..].to_vec(),
            None => s,
        }
    };
    Ok(Value::Str(out, t))
}

/// FIND_IN_SET: the 1-based place of `s` among the comma-separated
/// members of the list, compared under their collation.
fn find_in_set(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 2..=2)?;
    let (Some((s, st)), Some((list, lt))) = (text(&a[0], name)?, text(&a[1], name)?) else {
        return Ok(Value::Null);
    };
    if s.contains(&b',') {
        return Ok(Value::Int(0));
    }
    if s.ends_with(b" ") || list.windows(2).any(|w| w == b" ,") || list.ends_with(b" ") {
        return Err(EvalError::unsupported(format!(
            "{name} with trailing spaces (the collation's padding decides)"
        )));
    }
    let t = joined(&[st, lt]);
    if list.is_empty() {
        return Ok(Value::Int(0));
    }
    let needle = Value::Str(s, t);
    for (i, member) in list.split(|&b| b == b',').enumerate() {
        if equal(&needle, &Value::Str(member.to_vec(), t))? == Some(true) {
            return Ok(Value::Int(i as i64 + 1));
        }
    }
    Ok(Value::Int(0))
}

/// FIELD: the 1-based place of the first argument among the others;
/// compared as strings when all are strings, as numbers when all are
/// numbers, as doubles otherwise (MySQL's rule).
fn field(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 2..=usize::MAX)?;
    if a[0].is_null() {
        return Ok(Value::Int(0));
    }
    let is_str = |v: &Value| matches!(v, Value::Str(..) | Value::Null);
    let is_num = |v: &Value| {
        matches!(
            v,
            Value::Int(_) | Value::UInt(_) | Value::Decimal(_) | Value::Double(_) | Value::Null
        )
    };
    if !a.iter().all(|v| is_str(v) || is_num(v)) {
        return Err(EvalError::unsupported(format!(
            "{name} of values that are neither strings nor numbers"
        )));
    }
    let mixed = !a.iter().all(is_str) && !a.iter().all(is_num);
    for (i, v) in a.iter().enumerate().skip(1) {
        let same = if mixed {
            match (a[0].to_f64()?, v.to_f64()?) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            }
        } else {
            equal(&a[0], v)? == Some(true)
        };
        if same {
            return Ok(Value::Int(i as i64));
        }
    }
    Ok(Value::Int(0))
}

/// ELT(n, s1, s2, …): the n-th string, NULL past the list.
fn elt(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 2..=usize::MAX)?;
    let Some(n) = integer(&a[0], name)? else {
        return Ok(Value::Null);
    };
    let pick = usize::try_from(n)
        .ok()
        .filter(|&n| n >= 1)
        .and_then(|n| a.get(n));
    Ok(match pick {
        None => Value::Null,
        Some(v) => text(v, name)?.map_or(Value::Null, |(b, t)| Value::Str(b, t)),
    })
}

/// LPAD and RPAD: to `len` units, cut when longer; NULL when `len` is
/// negative.
fn pad(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 3..=3)?;
    let (Some((s, st)), Some(len), Some((p, pt))) = (
        text(&a[0], name)?,
        integer(&a[1], name)?,
        text(&a[2], name)?,
    ) else {
        return Ok(Value::Null);
    };
    let t = joined(&[st, pt]);
    let Ok(len) = usize::try_from(len) else {
        return Ok(Value::Null);
    };
    let (s, p) = (Units::of(s, t, name)?, Units::of(p, t, name)?);
    if len <= s.len() {
        return Ok(s.slice(0, len, t));
    }
    if p.len() == 0 {
        return Err(EvalError::unsupported(format!(
            "{name} with an empty pad (MySQL keeps the string, MariaDB gives NULL)"
        )));
    }
    if len.saturating_mul(4) > MAX_RESULT {
        return Err(EvalError::unsupported(format!(
            "{name} past 4 MiB (the source's max_allowed_packet decides)"
        )));
    }
    let fill: Vec<u32> = (0..len - s.len()).map(|i| p.at(i % p.len())).collect();
    let body: Vec<u32> = (0..s.len()).map(|i| s.at(i)).collect();
    let units = if name == "LPAD" {
        [fill, body].concat()
    } else {
        [body, fill].concat()
    };
    Ok(Value::Str(encode(&units, t), t))
}

/// Units back to bytes: characters as UTF-8, bytes as they are.
fn encode(units: &[u32], t: Text) -> Vec<u8> {
    match t {
        Text::Collated(_) => units
            .iter()
            .filter_map(|&u| char::from_u32(u))
            .collect::<String>()
            .into_bytes(),
        _ => units.iter().map(|&u| u as u8).collect(),
    }
}

fn space(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    let Some(n) = integer(&a[0], name)? else {
        return Ok(Value::Null);
    };
    let n = usize::try_from(n).unwrap_or(0);
    if n > MAX_RESULT / 4 {
        return Err(EvalError::unsupported(format!(
            "{name} past 4 MiB (the source's max_allowed_packet decides)"
        )));
    }
    Ok(Value::Str(vec![b' '; n], Text::TEXT))
}

/// INSERT(s, pos, len, new): `len` units from `pos` replaced by `new`;
/// `s` itself when `pos` is outside it.
fn insert(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 4..=4)?;
    let (Some((s, st)), Some(pos), Some(len), Some((n, nt))) = (
        text(&a[0], name)?,
        integer(&a[1], name)?,
        integer(&a[2], name)?,
        text(&a[3], name)?,
    ) else {
        return Ok(Value::Null);
    };
    let t = joined(&[st, nt]);
    let (s, n) = (Units::of(s, t, name)?, Units::of(n, t, name)?);
    let Some(start) = usize::try_from(pos - 1).ok().filter(|&p| p < s.len()) else {
        return Ok(s.slice(0, s.len(), t));
    };
    let end = match usize::try_from(len) {
        Ok(l) if l <= s.len() - start => start + l,
        _ => s.len(),
    };
    let units: Vec<u32> = (0..start)
        .map(|i| s.at(i))
        .chain((0..n.len()).map(|i| n.at(i)))
        .chain((end..s.len()).map(|i| s.at(i)))
        .collect();
    Ok(Value::Str(encode(&units, t), t))
}

/// NULLIF(a, b): NULL when a = b, else a.
fn nullif(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 2..=2)?;
    Ok(match equal(&a[0], &a[1])? {
        Some(true) => Value::Null,
        _ => a[0].clone(),
    })
}
