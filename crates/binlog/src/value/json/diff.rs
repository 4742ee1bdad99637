//! JSON partial-update diffs (`binlog_row_value_options=PARTIAL_JSON`) and
//! how `mysqlbinlog -v` prints them.
//!
//! In a PARTIAL_UPDATE_ROWS_EVENT after-image, a JSON column whose bit is
//! set in the partial-columns bitmap holds, after the usual 4-byte
//! little-endian length, a list of diffs instead of a document (MySQL
//! source documentation, `sql/json_diff.h`, `Json_diff::write_binary`;
//! layout checked on MySQL 8.0.22 and 9.7.4 binlogs). This module takes the
//! bytes after that length:
//!
//! ```text
//! diffs     ::= diff*                 -- until the bytes end; may be empty
//! diff      ::= operation path-len path [value-len value]
//! operation ::= 0x00 REPLACE | 0x01 INSERT | 0x02 REMOVE
//! path-len, value-len ::= length-encoded ("packed") integer
//! path      ::= the JSON path as text, e.g. $.a, $[3], $."a b"
//! value     ::= a binary JSON document (absent for REMOVE)
//! ```
//!
//! `mysqlbinlog -v` (9.7.4) prints the list as nested SQL calls: runs of
//! consecutive diffs calling the same function share one call, each run
//! wraps the previous one, and every call after the innermost starts a new
//! `###      ` line (see [`render_json_diffs`]).

use super::binary::{JsonValue, parse_json};
use super::text::{render_json, render_json_unquoted, sql_quote};
use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};

/// `enum_json_diff_operation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonDiffOperation {
    /// Replace the value at the path (0).
    Replace,
    /// Insert a member or an array element at the path (1).
    Insert,
    /// Remove the value at the path (2).
    Remove,
}

impl JsonDiffOperation {
    pub fn from_u8(b: u8) -> Option<Self> {
        match b {
            0 => Some(Self::Replace),
            1 => Some(Self::Insert),
            2 => Some(Self::Remove),
            _ => None,
        }
    }

    pub fn to_u8(self) -> u8 {
        match self {
            Self::Replace => 0,
            Self::Insert => 1,
            Self::Remove => 2,
        }
    }
}

/// One logical change to a JSON column.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonDiff<'a> {
    pub operation: JsonDiffOperation,
    /// The path as MySQL wrote it (`$.a`, `$.b[1]`, `$."it's"`).
    pub path: &'a [u8],
    /// The new value; `None` exactly for REMOVE.
    pub value: Option<JsonValue<'a>>,
}

/// Decodes a JSON column's diff list (the bytes after its 4-byte length).
pub fn parse_json_diffs(bytes: &[u8]) -> Result<Vec<JsonDiff<'_>>> {
    let mut c = Cursor::new(bytes);
    let mut diffs = Vec::new();
    while !c.is_empty() {
        let op = c.u8("JSON diff operation")?;
        let operation = JsonDiffOperation::from_u8(op).ok_or_else(|| {
            DecodeError::invalid("JSON diff operation", format!("unknown operation {op}"))
        })?;
        let n = c.packed_len("JSON diff path length")?;
        let path = c.bytes(n, "JSON diff path")?;
        let value = if operation == JsonDiffOperation::Remove {
            None
        } else {
            let n = c.packed_len("JSON diff value length")?;
            Some(parse_json(c.bytes(n, "JSON diff value")?)?)
        };
        diffs.push(JsonDiff {
            operation,
            path,
            value,
        });
    }
    Ok(diffs)
}

/// Line break plus the prefix `mysqlbinlog` gives continuation lines.
const CONTINUATION: &str = ",\n###      ";

/// What `mysqlbinlog -v` prints after `@N=` for a partially updated JSON
/// column; `column_ref` is the column as it is named there (`"@2"`).
///
/// * No diffs: the column itself (`@2`).
/// * INSERT is `JSON_ARRAY_INSERT` when the path ends in an array index
///   (`]`), `JSON_INSERT` otherwise; REPLACE is `JSON_REPLACE`, REMOVE is
///   `JSON_REMOVE`.
/// * Arguments are the path as a quoted string, then (not for REMOVE) the
///   value: numbers, decimals, `true`, `false` and `null` bare; strings and
///   string-like opaque values (dates, times, base64) as quoted strings of
///   their unquoted text; objects and arrays as `CAST('<json>' AS JSON)`.
///   Quoting is `mysqlbinlog`'s string quoting ([`sql_quote`]).
/// * One diff: `JSON_REPLACE(@2, '$.a', 5)`. Several: runs of the same
///   function are merged, outer calls open on their own line, and each
///   argument pair after the first starts a continuation line:
///
/// ```text
/// JSON_INSERT(
/// ###      JSON_REPLACE(@2, '$.a', 7,
/// ###      '$.b', 'x'),
/// ###      '$.z', 2)
/// ```
pub fn render_json_diffs(diffs: &[JsonDiff<'_>], column_ref: &str) -> String {
    let mut runs: Vec<(&str, &[JsonDiff<'_>])> = Vec::new();
    let mut start = 0;
    for i in 1..=diffs.len() {
        if i == diffs.len() || function_name(&diffs[i]) != function_name(&diffs[start]) {
            runs.push((function_name(&diffs[start]), &diffs[start..i]));
            start = i;
        }
    }
    let Some(((inner_name, inner), outer)) = runs.split_first() else {
        return column_ref.to_string();
    };
    let mut out = String::new();
    for (name, _) in outer.iter().rev() {
        out.push_str(name);
        out.push_str("(\n###      ");
    }
    out.push_str(inner_name);
    out.push('(');
    out.push_str(column_ref);
    for (i, d) in inner.iter().enumerate() {
        out.push_str(if i == 0 { ", " } else { CONTINUATION });
        arguments(d, &mut out);
    }
    out.push(')');
    for (_, run) in outer {
        for d in run.iter() {
            out.push_str(CONTINUATION);
            arguments(d, &mut out);
        }
        out.push(')');
    }
    out
}

fn function_name(d: &JsonDiff<'_>) -> &'static str {
    match d.operation {
        JsonDiffOperation::Replace => "JSON_REPLACE",
        JsonDiffOperation::Remove => "JSON_REMOVE",
        JsonDiffOperation::Insert if d.path.ends_with(b"]") => "JSON_ARRAY_INSERT",
        JsonDiffOperation::Insert => "JSON_INSERT",
    }
}

fn arguments(d: &JsonDiff<'_>, out: &mut String) {
    sql_quote(d.path, out);
    if let Some(value) = &d.value {
        out.push_str(", ");
        match value {
            JsonValue::Object(_) | JsonValue::Array(_) => {
                out.push_str("CAST(");
                sql_quote(render_json(value).as_bytes(), out);
                out.push_str(" AS JSON)");
            }
            JsonValue::String(_) | JsonValue::Opaque { .. } => {
                let text = render_json(value);
                if text.starts_with('"') {
                    sql_quote(render_json_unquoted(value).as_bytes(), out);
                } else {
                    out.push_str(&text);
                }
            }
            scalar => out.push_str(&render_json(scalar)),
        }
    }
}
