//! [`JsonDoc`]: a JSON value that owns what it holds — what a program
//! builds or changes before encoding it (`encode.rs`) — and the opaque
//! scalars (DECIMAL, DATE, DATETIME) such a program makes, in the payload
//! layout `opaque.rs` reads.

use super::binary::{JsonValue, MYSQL_TYPE_DATE, MYSQL_TYPE_DECIMAL_NEW};
use crate::value::decimal::encode_decimal;

/// An owned JSON value; the same shape as [`JsonValue`].
#[derive(Debug, Clone, PartialEq)]
pub enum JsonDoc {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Double(f64),
    /// utf8mb4 bytes.
    String(Vec<u8>),
    /// Members in stored order (MySQL's: keys by length, then bytewise).
    Object(Vec<(Vec<u8>, JsonDoc)>),
    Array(Vec<JsonDoc>),
    /// A MySQL scalar without a JSON type: its `enum_field_types` code
    /// and payload.
    Opaque(u8, Vec<u8>),
}

impl JsonDoc {
    /// The owned copy of a decoded value.
    pub fn from_value(v: &JsonValue<'_>) -> JsonDoc {
        match v {
            JsonValue::Null => JsonDoc::Null,
            JsonValue::Bool(b) => JsonDoc::Bool(*b),
            JsonValue::Int(i) => JsonDoc::Int(*i),
            JsonValue::UInt(u) => JsonDoc::UInt(*u),
            JsonValue::Double(d) => JsonDoc::Double(*d),
            JsonValue::String(s) => JsonDoc::String(s.to_vec()),
            JsonValue::Object(m) => JsonDoc::Object(
                m.iter()
                    .map(|(k, v)| (k.to_vec(), JsonDoc::from_value(v)))
                    .collect(),
            ),
            JsonValue::Array(a) => JsonDoc::Array(a.iter().map(JsonDoc::from_value).collect()),
            JsonValue::Opaque { field_type, data } => JsonDoc::Opaque(*field_type, data.to_vec()),
        }
    }

    /// The value borrowing from `self` (to encode or render it).
    pub fn as_value(&self) -> JsonValue<'_> {
        match self {
            JsonDoc::Null => JsonValue::Null,
            JsonDoc::Bool(b) => JsonValue::Bool(*b),
            JsonDoc::Int(i) => JsonValue::Int(*i),
            JsonDoc::UInt(u) => JsonValue::UInt(*u),
            JsonDoc::Double(d) => JsonValue::Double(*d),
            JsonDoc::String(s) => JsonValue::String(s),
            JsonDoc::Object(m) => JsonValue::Object(
                m.iter()
                    .map(|(k, v)| (k.as_slice(), v.as_value()))
                    .collect(),
            ),
            JsonDoc::Array(a) => JsonValue::Array(a.iter().map(JsonDoc::as_value).collect()),
            JsonDoc::Opaque(t, d) => JsonValue::Opaque {
                field_type: *t,
                data: d,
            },
        }
    }

    /// An opaque DECIMAL from its text (`-12.50`): precision and scale
    /// are the text's own digits. `None` for text that is not a decimal
    /// or has more than 65 digits.
    pub fn decimal(text: &str) -> Option<JsonDoc> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
        let int_digits = int_part.trim_start_matches('0').len().max(1);
        let scale = u8::try_from(frac_part.len()).ok()?;
        let precision = u8::try_from(int_digits + frac_part.len()).ok()?;
        let bytes = encode_decimal(text, precision, scale).ok()?;
        let mut payload = vec![precision, scale];
        payload.extend_from_slice(&bytes);
        Some(JsonDoc::Opaque(MYSQL_TYPE_DECIMAL_NEW, payload))
    }

    /// An opaque DATE, DATETIME or TIMESTAMP (`field_type`) in MySQL's
    /// packed temporal form (`opaque.rs`); a DATE's time is zero.
    pub fn temporal(field_type: u8, date: [u32; 3], time: [u32; 3], micros: u32) -> JsonDoc {
        let [year, month, day] = date.map(u64::from);
        let [hour, minute, second] = if field_type == MYSQL_TYPE_DATE {
            [0; 3]
        } else {
            time.map(u64::from)
        };
        let ymd = ((year * 13 + month) << 5) | day;
        let hms = (hour << 12) | (minute << 6) | second;
        let micros = if field_type == MYSQL_TYPE_DATE {
            0
        } else {
            u64::from(micros)
        };
        let packed = (((ymd << 17) | hms) << 24) | micros;
        JsonDoc::Opaque(field_type, packed.to_le_bytes().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::json::{MYSQL_TYPE_DATETIME, encode_json, parse_json, render_json};

    #[test]
    fn owned_documents_round_trip_and_render() {
        let doc = JsonDoc::Object(vec![
            (
                b"a".to_vec(),
                JsonDoc::decimal("-12.50").unwrap_or(JsonDoc::Null),
            ),
            (
                b"d".to_vec(),
                JsonDoc::temporal(MYSQL_TYPE_DATE, [2024, 2, 29], [1, 2, 3], 4),
            ),
            (
                b"t".to_vec(),
                JsonDoc::temporal(MYSQL_TYPE_DATETIME, [2024, 2, 29], [23, 59, 58], 120),
            ),
            (
                b"z".to_vec(),
                JsonDoc::Array(vec![JsonDoc::decimal("0.001").unwrap_or(JsonDoc::Null)]),
            ),
        ]);
        let bytes = encode_json(&doc.as_value()).unwrap_or_default();
        let back = parse_json(&bytes).map(|v| JsonDoc::from_value(&v));
        assert_eq!(back.as_ref(), Ok(&doc));
        assert_eq!(
            render_json(&doc.as_value()),
            r#"{"a": -12.50, "d": "2024-02-29", "t": "2024-02-29 23:59:58.000120", "z": [0.001]}"#
        );
        assert_eq!(JsonDoc::decimal("1.2.3"), None);
    }
}
