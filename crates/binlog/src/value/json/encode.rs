//! Writing MySQL's binary JSON (the layout is drawn in `binary.rs`), as the
//! server's `json_binary::serialize` lays it out: integers in the smallest
//! type of their signedness, containers in the small format unless an
//! offset or size needs more than 16 bits (each container decides for
//! itself), key entries, then value entries, then keys, then values.
//!
//! Members are written in the order given. MySQL keeps object keys sorted by
//! length and then bytewise and without duplicates; a caller that wants
//! byte-identical output must pass them that way.

use super::binary::{
    JSONB_FALSE_LITERAL, JSONB_NULL_LITERAL, JSONB_TRUE_LITERAL, JSONB_TYPE_DOUBLE,
    JSONB_TYPE_INT16, JSONB_TYPE_INT32, JSONB_TYPE_INT64, JSONB_TYPE_LARGE_ARRAY,
    JSONB_TYPE_LARGE_OBJECT, JSONB_TYPE_LITERAL, JSONB_TYPE_OPAQUE, JSONB_TYPE_SMALL_ARRAY,
    JSONB_TYPE_SMALL_OBJECT, JSONB_TYPE_STRING, JSONB_TYPE_UINT16, JSONB_TYPE_UINT32,
    JSONB_TYPE_UINT64, JsonValue, inlined,
};

/// A value that MySQL's binary JSON cannot hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonEncodeError {
    /// Key lengths are 16-bit.
    #[error("JSON object key of {0} bytes is longer than 65535")]
    KeyTooLong(usize),
    /// Offsets and sizes are at most 32-bit.
    #[error("JSON container of {0} bytes is larger than 4 GiB")]
    TooLarge(usize),
}

/// Encodes `value` as a binary JSON document (type byte first).
pub fn encode_json(value: &JsonValue<'_>) -> Result<Vec<u8>, JsonEncodeError> {
    Encoder { force_large: false }.document(value)
}

/// Like [`encode_json`] but every container uses the large (32-bit)
/// format, which MySQL only writes for documents over 64 KiB.
#[cfg(test)]
pub(crate) fn encode_json_large(value: &JsonValue<'_>) -> Result<Vec<u8>, JsonEncodeError> {
    Encoder { force_large: true }.document(value)
}

/// MySQL's variable-length data length: 7 bits per byte, low group first.
pub(crate) fn write_varlen(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

struct Encoder {
    force_large: bool,
}

impl Encoder {
    fn document(&self, value: &JsonValue<'_>) -> Result<Vec<u8>, JsonEncodeError> {
        let (ty, body) = self.value(value)?;
        let mut out = Vec::with_capacity(1 + body.len());
        out.push(ty);
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// The type byte and the bytes that follow it.
    fn value(&self, value: &JsonValue<'_>) -> Result<(u8, Vec<u8>), JsonEncodeError> {
        Ok(match value {
            JsonValue::Null => (JSONB_TYPE_LITERAL, vec![JSONB_NULL_LITERAL]),
            JsonValue::Bool(true) => (JSONB_TYPE_LITERAL, vec![JSONB_TRUE_LITERAL]),
            JsonValue::Bool(false) => (JSONB_TYPE_LITERAL, vec![JSONB_FALSE_LITERAL]),
            &JsonValue::Int(i) => {
                if let Ok(v) = i16::try_from(i) {
                    (JSONB_TYPE_INT16, v.to_le_bytes().to_vec())
                } else if let Ok(v) = i32::try_from(i) {
                    (JSONB_TYPE_INT32, v.to_le_bytes().to_vec())
                } else {
                    (JSONB_TYPE_INT64, i.to_le_bytes().to_vec())
                }
            }
            &JsonValue::UInt(u) => {
                if let Ok(v) = u16::try_from(u) {
                    (JSONB_TYPE_UINT16, v.to_le_bytes().to_vec())
                } else if let Ok(v) = u32::try_from(u) {
                    (JSONB_TYPE_UINT32, v.to_le_bytes().to_vec())
                } else {
                    (JSONB_TYPE_UINT64, u.to_le_bytes().to_vec())
                }
            }
            JsonValue::Double(d) => (JSONB_TYPE_DOUBLE, d.to_bits().to_le_bytes().to_vec()),
            JsonValue::String(s) => {
                let mut out = Vec::with_capacity(s.len() + 5);
                write_varlen(s.len(), &mut out);
                out.extend_from_slice(s);
                (JSONB_TYPE_STRING, out)
            }
            JsonValue::Opaque { field_type, data } => {
                let mut out = Vec::with_capacity(data.len() + 6);
                out.push(*field_type);
                write_varlen(data.len(), &mut out);
                out.extend_from_slice(data);
                (JSONB_TYPE_OPAQUE, out)
            }
            JsonValue::Object(members) => {
                let keys: Vec<&[u8]> = members.iter().map(|(k, _)| *k).collect();
                let values: Vec<&JsonValue<'_>> = members.iter().map(|(_, v)| v).collect();
                self.container(
                    Some(&keys),
                    &values,
                    JSONB_TYPE_SMALL_OBJECT,
                    JSONB_TYPE_LARGE_OBJECT,
                )?
            }
            JsonValue::Array(items) => {
                let values: Vec<&JsonValue<'_>> = items.iter().collect();
                self.container(
                    None,
                    &values,
                    JSONB_TYPE_SMALL_ARRAY,
                    JSONB_TYPE_LARGE_ARRAY,
                )?
            }
        })
    }

    fn container(
        &self,
        keys: Option<&[&[u8]]>,
        values: &[&JsonValue<'_>],
        small: u8,
        large: u8,
    ) -> Result<(u8, Vec<u8>), JsonEncodeError> {
        if let Some(key) = keys
            .unwrap_or_default()
            .iter()
            .find(|k| k.len() > usize::from(u16::MAX))
        {
            return Err(JsonEncodeError::KeyTooLong(key.len()));
        }
        let encoded = values
            .iter()
            .map(|v| self.value(v))
            .collect::<Result<Vec<_>, _>>()?;
        if !self.force_large
            && let Ok(body) = layout(keys, &encoded, false)
        {
            return Ok((small, body));
        }
        let body = layout(keys, &encoded, true).map_err(JsonEncodeError::TooLarge)?;
        Ok((large, body))
    }
}

/// Lays out a container body; `Err(size)` when its size does not fit the
/// format's offsets. Keys must fit in 16 bits.
fn layout(keys: Option<&[&[u8]]>, values: &[(u8, Vec<u8>)], large: bool) -> Result<Vec<u8>, usize> {
    let w = if large { 4 } else { 2 };
    let key_entries = keys.map_or(0, |k| k.len() * (w + 2));
    let header = 2 * w + key_entries + values.len() * (1 + w);
    let keys_len: usize = keys.map_or(0, |k| k.iter().map(|k| k.len()).sum());
    let values_len: usize = values
        .iter()
        .filter(|(ty, _)| !inlined(*ty, large))
        .map(|(_, b)| b.len())
        .sum();
    let size = header + keys_len + values_len;
    let max = if large {
        u32::MAX as usize
    } else {
        usize::from(u16::MAX)
    };
    if size > max {
        return Err(size);
    }
    // Every count and offset is below `size`, so these casts are exact.
    let put = |out: &mut Vec<u8>, n: usize| {
        if large {
            out.extend_from_slice(&(n as u32).to_le_bytes());
        } else {
            out.extend_from_slice(&(n as u16).to_le_bytes());
        }
    };
    let mut out = Vec::with_capacity(size);
    put(&mut out, values.len());
    put(&mut out, size);
    let mut at = header;
    for key in keys.unwrap_or_default() {
        put(&mut out, at);
        out.extend_from_slice(&(key.len() as u16).to_le_bytes());
        at += key.len();
    }
    for (ty, bytes) in values {
        out.push(*ty);
        if inlined(*ty, large) {
            let mut slot = [0u8; 4];
            slot[..bytes.len()].copy_from_slice(bytes);
            if large && *ty == JSONB_TYPE_INT16 && bytes[1] & 0x80 != 0 {
                // MySQL sign-extends an int16 inlined in a 4-byte slot.
                slot[2..].fill(0xff);
            }
            out.extend_from_slice(&slot[..w]);
        } else {
            put(&mut out, at);
            at += bytes.len();
        }
    }
    for key in keys.unwrap_or_default() {
        out.extend_from_slice(key);
    }
    for (ty, bytes) in values {
        if !inlined(*ty, large) {
            out.extend_from_slice(bytes);
        }
    }
    debug_assert_eq!(out.len(), size);
    Ok(out)
}
