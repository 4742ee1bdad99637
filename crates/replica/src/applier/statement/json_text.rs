//! JSON text stored into a MySQL JSON column as the server stores it:
//! parsed (numbers as integers when they are, doubles otherwise; a
//! repeated key's last value), object keys sorted by length and then
//! bytewise, and written in MySQL's binary format.

use understudy_binlog::value::json::{JsonValue, MAX_DEPTH, encode_json};
use understudy_sql::dml::eval::EvalError;

fn invalid(message: String) -> EvalError {
    EvalError::Sql {
        errno: 3140,
        message: format!("Invalid JSON text: {message}"),
    }
}

/// The binary document of JSON text.
pub(super) fn json_from_text(text: &str) -> Result<Vec<u8>, EvalError> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let doc = borrow(&v, 0)?;
    encode_json(&doc).map_err(|e| EvalError::unsupported(format!("a JSON value: {e}")))
}

fn borrow(v: &serde_json::Value, depth: usize) -> Result<JsonValue<'_>, EvalError> {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return Err(invalid("the document is nested too deeply".into()));
    }
    Ok(match v {
        J::Null => JsonValue::Null,
        J::Bool(b) => JsonValue::Bool(*b),
        J::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => JsonValue::Int(i),
            (None, Some(u), _) => JsonValue::UInt(u),
            (None, None, Some(f)) => JsonValue::Double(f),
            _ => return Err(invalid(format!("the number {n}"))),
        },
        J::String(s) => JsonValue::String(s.as_bytes()),
        J::Array(a) => JsonValue::Array(
            a.iter()
                .map(|x| borrow(x, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        J::Object(m) => {
            let mut members = m
                .iter()
                .map(|(k, x)| Ok((k.as_bytes(), borrow(x, depth + 1)?)))
                .collect::<Result<Vec<_>, EvalError>>()?;
            members.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then(a.0.cmp(b.0)));
            JsonValue::Object(members)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use understudy_binlog::value::json::{parse_json, render_json};

    #[test]
    fn documents_as_mysql_stores_them() {
        let text = |s: &str| render_json(&parse_json(&json_from_text(s).unwrap()).unwrap());
        assert_eq!(
            text(r#"{"bb": 1, "a": [true, null, 1.5, -2], "b": "x", "a": 3}"#),
            r#"{"a": 3, "b": "x", "bb": 1}"#
        );
        assert_eq!(text("1e2"), "100.0");
        assert_eq!(text("18446744073709551615"), "18446744073709551615");
        assert!(matches!(
            json_from_text("{bad}"),
            Err(EvalError::Sql { errno: 3140, .. })
        ));
    }
}
