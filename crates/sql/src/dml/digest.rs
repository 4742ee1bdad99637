//! MD5(), SHA1()/SHA() and SHA2(): the digest of a string's bytes (a
//! number's text) as lowercase hexadecimal, as MySQL returns it.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use super::eval::{EvalError, param_count};
use super::value::{Text, Value};

fn hex(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .flat_map(|b| format!("{b:02x}").into_bytes())
        .collect()
}

/// The bytes a digest reads from a value (`None`: NULL).
fn input(v: &Value, name: &str) -> Result<Option<Vec<u8>>, EvalError> {
    Ok(match v {
        Value::Null => None,
        Value::Str(b, _) | Value::Member(b, ..) => Some(b.clone()),
        Value::Json(doc) => Some(crate::dml::json::render(doc).into_bytes()),
        Value::Time(t) => Some(t.to_string().into_bytes()),
        Value::Int(i) => Some(i.to_string().into_bytes()),
        Value::UInt(u) => Some(u.to_string().into_bytes()),
        Value::Decimal(d) => Some(d.to_string().into_bytes()),
        Value::Double(_) | Value::Temporal(_) => {
            return Err(EvalError::unsupported(format!(
                "{name} of a floating-point or temporal value"
            )));
        }
    })
}

/// A digest function by name; `None` when the name is not one.
pub fn call(name: &str, a: &[Value]) -> Option<Result<Value, EvalError>> {
    let digest = |bits: u64, b: &[u8]| -> Option<Vec<u8>> {
        Some(hex(&match bits {
            128 => Md5::digest(b).to_vec(),
            160 => Sha1::digest(b).to_vec(),
            224 => Sha224::digest(b).to_vec(),
            0 | 256 => Sha256::digest(b).to_vec(),
            384 => Sha384::digest(b).to_vec(),
            512 => Sha512::digest(b).to_vec(),
            _ => return None,
        }))
    };
    let bits = match name {
        "MD5" => Some(128),
        "SHA1" | "SHA" => Some(160),
        "SHA2" => None,
        _ => return None,
    };
    Some((|| {
        let arity = if bits.is_some() { 1..=1 } else { 2..=2 };
        param_count(name, a.len(), arity)?;
        let Some(b) = input(&a[0], name)? else {
            return Ok(Value::Null);
        };
        let bits = match (bits, a.get(1)) {
            (Some(b), _) => b,
            (None, Some(Value::Int(n))) => u64::try_from(*n).unwrap_or(1),
            (None, Some(Value::UInt(n))) => *n,
            (None, Some(Value::Null)) => return Ok(Value::Null),
            _ => {
                return Err(EvalError::unsupported(
                    "SHA2 with a length that is not an integer",
                ));
            }
        };
        // (SHA2 of an unknown length is NULL.)
        Ok(digest(bits, &b).map_or(Value::Null, |h| Value::Str(h, Text::TEXT)))
    })())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_in_hex() {
        let s = |x: &str| Value::Str(x.as_bytes().to_vec(), Text::TEXT);
        let text = |v: Value| match v {
            Value::Str(b, _) => String::from_utf8(b).unwrap(),
            other => format!("{other:?}"),
        };
        let run = |name: &str, a: &[Value]| text(call(name, a).unwrap().unwrap());
        assert_eq!(run("MD5", &[s("abc")]), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            run("SHA1", &[s("abc")]),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            run("SHA2", &[s("abc"), Value::Int(224)]),
            "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"
        );
        assert_eq!(run("SHA2", &[s("abc"), Value::Int(7)]), "Null");
        assert!(call("UPPER", &[]).is_none());
    }
}
