//! Functions over a string's bytes or a number's bits: HEX, UNHEX,
//! ASCII, ORD, BIT_LENGTH, CHAR, BIN, OCT, TO_BASE64, FROM_BASE64 and
//! CRC32, as MySQL evaluates them.

use super::eval::EvalError;
use super::strings::{count, integer, text};
use super::value::{Text, Value};

/// A function of this module by name, on evaluated arguments; `None`
/// when the name is not one of these.
pub fn call(name: &str, a: &[Value]) -> Option<Result<Value, EvalError>> {
    let f = match name {
        "HEX" => hex,
        "UNHEX" => unhex,
        "ASCII" => ascii,
        "ORD" => ord,
        "BIT_LENGTH" => bit_length,
        "CHAR" => char_bytes,
        "BIN" | "OCT" => radix,
        "TO_BASE64" => to_base64,
        "FROM_BASE64" => from_base64,
        "CRC32" => crc32,
        _ => return None,
    };
    Some(f(name, a))
}

/// HEX of a number: its 64-bit two's complement (decimals rounded half
/// away from zero; doubles' halves are not evaluated); of a
/// string: its bytes.
fn hex(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    let bits = match &a[0] {
        Value::Null => return Ok(Value::Null),
        Value::Int(i) => *i as u64,
        Value::UInt(u) => *u,
        Value::Decimal(d) => {
            let m = d.round(0).map(|r| r.mantissa);
            match m.and_then(|m| {
                i64::try_from(m)
                    .ok()
                    .map(|i| i as u64)
                    .or(u64::try_from(m).ok())
            }) {
                Some(b) => b,
                None => return Err(EvalError::unsupported(format!("{name} of {d}"))),
            }
        }
        Value::Double(f) => {
            // (Halves go to even on MySQL, away from zero on MariaDB.)
            let r = f.round_ties_even();
            if !(r > -9.2e18 && r < 1.8e19) || (f - f.trunc()).abs() == 0.5 {
                return Err(EvalError::unsupported(format!("{name} of {f}")));
            }
            if r < 0.0 { r as i64 as u64 } else { r as u64 }
        }
        Value::Str(b, _) => return Ok(Value::Str(hex_text(b).into_bytes(), Text::TEXT)),
        _ => {
            return Err(EvalError::unsupported(format!(
                "{name} of a value that is neither a string nor a number"
            )));
        }
    };
    Ok(Value::Str(format!("{bits:X}").into_bytes(), Text::TEXT))
}

fn hex_text(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// UNHEX: pairs of hexadecimal digits to bytes (an odd count as if led
/// by `0`); NULL when a character is not a digit.
fn unhex(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    let Some((s, _)) = text(&a[0], name)? else {
        return Ok(Value::Null);
    };
    let digit = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    let padded: Vec<u8> = if s.len() % 2 == 1 {
        std::iter::once(b'0').chain(s).collect()
    } else {
        s
    };
    let bytes: Option<Vec<u8>> = padded
        .chunks(2)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect();
    Ok(bytes.map_or(Value::Null, |b| Value::Str(b, Text::Binary)))
}

/// ASCII: the first byte's value (0 for '').
fn ascii(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    Ok(match text(&a[0], name)? {
        None => Value::Null,
        Some((b, _)) => Value::Int(i64::from(b.first().copied().unwrap_or(0))),
    })
}

/// ORD: the first character's bytes as a big-endian number (its first
/// byte in a binary string).
fn ord(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    let Some((b, t)) = text(&a[0], name)? else {
        return Ok(Value::Null);
    };
    let width = match (t, b.first()) {
        (_, None) => return Ok(Value::Int(0)),
        (Text::Collated(_), Some(&first)) => match first {
            0x00..=0x7f => 1,
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => {
                return Err(EvalError::unsupported(format!(
                    "{name} of text that is not UTF-8"
                )));
            }
        },
        _ => 1,
    };
    let Some(c) = b.get(..width) else {
        return Err(EvalError::unsupported(format!(
            "{name} of text that is not UTF-8"
        )));
    };
    Ok(Value::Int(
        c.iter().fold(0i64, |n, &x| (n << 8) | i64::from(x)),
    ))
}

fn bit_length(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    Ok(match text(&a[0], name)? {
        None => Value::Null,
        Some((b, _)) => Value::Int(b.len() as i64 * 8),
    })
}

/// CHAR(n, …): each number's bytes, big-endian without leading zero
/// bytes, as a binary string; NULLs skipped.
fn char_bytes(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 1..=usize::MAX)?;
    let mut out = Vec::new();
    for v in a {
        let Some(n) = integer(v, name)? else {
            continue;
        };
        let Ok(n) = u32::try_from(n) else {
            return Err(EvalError::unsupported(format!(
                "{name} of a number outside 0 to 4294967295"
            )));
        };
        let be = n.to_be_bytes();
        let skip = be.iter().take(3).take_while(|&&x| x == 0).count();
        out.extend_from_slice(&be[skip..]);
    }
    Ok(Value::Str(out, Text::Binary))
}

/// BIN and OCT of an integer's 64-bit two's complement.
fn radix(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    let bits = match &a[0] {
        Value::Null => return Ok(Value::Null),
        Value::Int(i) => *i as u64,
        Value::UInt(u) => *u,
        _ => {
            return Err(EvalError::unsupported(format!(
                "{name} of a value that is not an integer"
            )));
        }
    };
    let s = if name == "BIN" {
        format!("{bits:b}")
    } else {
        format!("{bits:o}")
    };
    Ok(Value::Str(s.into_bytes(), Text::TEXT))
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// TO_BASE64: `=`-padded, a newline after every 76 characters.
fn to_base64(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    let Some((b, _)) = text(&a[0], name)? else {
        return Ok(Value::Null);
    };
    let mut out = Vec::with_capacity(b.len() / 3 * 4 + 4);
    for (i, chunk) in b.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push(b'\n');
        }
        let n = chunk
            .iter()
            .chain(std::iter::repeat(&0))
            .take(3)
            .fold(0u32, |n, &x| (n << 8) | u32::from(x));
        for k in 0..4 {
            out.push(if k <= chunk.len() {
                BASE64[(n >> (18 - 6 * k) & 63) as usize]
            } else {
                b'='
            });
        }
    }
    Ok(Value::Str(out, Text::TEXT))
}

/// FROM_BASE64: NULL for text that is not base64 (whitespace aside).
fn from_base64(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    let Some((b, _)) = text(&a[0], name)? else {
        return Ok(Value::Null);
    };
    if b.iter().any(|c| c.is_ascii_whitespace()) {
        return Err(EvalError::unsupported(format!(
            "{name} of text with whitespace"
        )));
    }
    if b.len() % 4 != 0 {
        return Ok(Value::Null);
    }
    let pads = b.iter().rev().take_while(|&&c| c == b'=').count();
    if pads > 2 {
        return Ok(Value::Null);
    }
    let mut out = Vec::with_capacity(b.len() / 4 * 3);
    for chunk in b.chunks(4) {
        let mut n = 0u32;
        for &c in chunk {
            let d = match c {
                b'=' => 0,
                c => match BASE64.iter().position(|&x| x == c) {
                    Some(d) => d as u32,
                    None => return Ok(Value::Null),
                },
            };
            n = (n << 6) | d;
        }
        out.extend_from_slice(&n.to_be_bytes()[1..]);
    }
    if b[..b.len() - pads].contains(&b'=') {
        return Ok(Value::Null);
    }
    out.truncate(out.len() - pads);
    Ok(Value::Str(out, Text::Binary))
}

fn crc32(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    count(name, a, 1..=1)?;
    Ok(match text(&a[0], name)? {
        None => Value::Null,
        Some((b, _)) => Value::Int(i64::from(crc32fast::hash(&b))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::Str(x.as_bytes().to_vec(), Text::TEXT)
    }

    #[test]
    fn base64_round_trips() {
        for x in ["", "a", "ab", "abc", "abcd", "héllo wörld"] {
            let Value::Str(enc, _) = to_base64("TO_BASE64", &[s(x)]).unwrap() else {
                panic!("{x}");
            };
            let back = from_base64("FROM_BASE64", &[Value::Str(enc, Text::TEXT)]).unwrap();
            assert_eq!(back, Value::Str(x.as_bytes().to_vec(), Text::Binary), "{x}");
        }
        assert_eq!(
            to_base64("TO_BASE64", &[s("abc")]).unwrap(),
            Value::Str(b"YWJj".to_vec(), Text::TEXT)
        );
        assert_eq!(
            from_base64("FROM_BASE64", &[s("YW=j")]).unwrap(),
            Value::Null
        );
        assert_eq!(
            from_base64("FROM_BASE64", &[s("YWJ")]).unwrap(),
            Value::Null
        );
    }
}
