//! MySQL's text form of a JSON value, and the way `mysqlbinlog -v` quotes
//! it on a row line.
//!
//! Rules, all checked against MySQL 9.7.4 (`SELECT CAST(j AS CHAR)` and
//! `mysqlbinlog -v`; golden cases in `testdata/json/`):
//!
//! * Containers: `[1, 2]`, `{"k": 1, "l": 2}` (", " and ": "), members in
//!   stored order; `[]` and `{}` when empty.
//! * Strings and keys: `"` and `\` are backslash-escaped, 0x08 0x09 0x0a
//!   0x0c 0x0d become `\b \t \n \f \r`, other bytes below 0x20 become
//!   `\u00xx` (lower-case hex); everything else, 0x7f and non-ASCII UTF-8
//!   included, is copied.
//! * Doubles: the shortest digits that read back as the same double (of
//!   two equally close candidates, the even one). Fixed notation when the
//!   decimal exponent (value = 0.DIGITS × 10^e) is in -14..=15, or when the
//!   digits reach past the point (17 digits, e = 16); `.0` is appended to
//!   integral values. Otherwise `DIGITS[0].RESTeEXP`: `1e15`, `1.5e-16`,
//!   `5e-324`. Zero is `0.0` or `-0.0`.
//! * Opaque DECIMAL prints as the decimal (`12.50`); DATE as `"2015-01-15"`,
//!   TIME as `"-838:59:59.000000"`, DATETIME and TIMESTAMP as
//!   `"2015-01-15 23:24:25.000000"` — always six fraction digits. Other
//!   opaque types print `"base64:typeN:..."` (MIME base64, a newline after
//!   every 76 characters).
//! * `mysqlbinlog -v` prints a row's JSON value as a quoted SQL string of
//!   the unquoted text: a top-level string or string-like opaque value goes
//!   in without JSON quotes or escapes (like `JSON_UNQUOTE`). The quoting is
//!   the one it uses for every string column: `'` → `\'`, `\` → `\\`,
//!   0x0a 0x09 0x0d 0x08 0x0c → `\n \t \r \b \f`, other bytes below 0x20 →
//!   `\xNN` (lower-case hex), all other bytes (0x7f, non-ASCII) copied.
//!
//! Strings that are not UTF-8 (MySQL never stores such) are rendered with
//! U+FFFD in place of the bad bytes.

use std::fmt::Write as _;

use super::binary::JsonValue;
use super::opaque::{OpaqueText, opaque_text};

/// The JSON text MySQL prints for `value` (`CAST(j AS CHAR)`).
pub fn render_json(value: &JsonValue<'_>) -> String {
    let mut out = String::new();
    render_json_into(value, &mut out);
    out
}

/// Appends the JSON text of `value` to `out`.
pub fn render_json_into(value: &JsonValue<'_>, out: &mut String) {
    match value {
        JsonValue::Null => out.push_str("null"),
        JsonValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JsonValue::Int(i) => {
            let _ = write!(out, "{i}");
        }
        JsonValue::UInt(u) => {
            let _ = write!(out, "{u}");
        }
        JsonValue::Double(d) => format_double(*d, out),
        JsonValue::String(s) => json_quote(s, out),
        JsonValue::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render_json_into(item, out);
            }
            out.push(']');
        }
        JsonValue::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                json_quote(key, out);
                out.push_str(": ");
                render_json_into(item, out);
            }
            out.push('}');
        }
        JsonValue::Opaque { field_type, data } => match opaque_text(*field_type, data) {
            OpaqueText::Number(t) => out.push_str(&t),
            OpaqueText::Text(t) => json_quote(t.as_bytes(), out),
        },
    }
}

/// The text of `value` with a top-level string (or string-like opaque
/// value) left unquoted and unescaped, as `JSON_UNQUOTE` and `mysqlbinlog`
/// give it. Containers and numbers are as [`render_json`].
pub fn render_json_unquoted(value: &JsonValue<'_>) -> String {
    match value {
        JsonValue::String(s) => String::from_utf8_lossy(s).into_owned(),
        JsonValue::Opaque { field_type, data } => match opaque_text(*field_type, data) {
            OpaqueText::Number(t) | OpaqueText::Text(t) => t,
        },
        other => render_json(other),
    }
}

/// What `mysqlbinlog -v` prints after `@N=` for a JSON column value:
/// `'{"a": 1}'`, `'hello'` for a top-level string (see the module comment).
pub fn render_json_row(value: &JsonValue<'_>) -> String {
    let mut out = String::new();
    sql_quote(render_json_unquoted(value).as_bytes(), &mut out);
    out
}

/// Appends `bytes` as `mysqlbinlog` prints a string value: in single quotes
/// with its escapes (see the module comment).
pub fn sql_quote(bytes: &[u8], out: &mut String) {
    quote(bytes, b'\'', out, |b, out| {
        let _ = write!(out, "\\x{b:02x}");
    });
}

/// Appends `bytes` as a JSON string literal with MySQL's escapes.
fn json_quote(bytes: &[u8], out: &mut String) {
    quote(bytes, b'"', out, |b, out| {
        let _ = write!(out, "\\u{b:04x}");
    });
}

/// `bytes` between `q`s, with `q`, the backslash and the control
/// characters that have one escaped C-style, and the other control
/// characters as `control` writes them.
fn quote(bytes: &[u8], q: u8, out: &mut String, control: impl Fn(u8, &mut String)) {
    out.push(char::from(q));
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let c_style = match b {
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\t' => Some("\\t"),
            b'\r' => Some("\\r"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            _ => None,
        };
        if b != q && b >= 0x20 && c_style.is_none() {
            continue;
        }
        out.push_str(&String::from_utf8_lossy(&bytes[run..i]));
        match c_style {
            Some(e) => out.push_str(e),
            None if b == q => {
                out.push('\\');
                out.push(char::from(q));
            }
            None => control(b, out),
        }
        run = i + 1;
    }
    out.push_str(&String::from_utf8_lossy(&bytes[run..]));
    out.push(char::from(q));
}

/// Appends a double the way MySQL prints it in JSON (see the module
/// comment for the rule and how it was found).
pub(crate) fn format_double(d: f64, out: &mut String) {
    if !d.is_finite() {
        // MySQL cannot store these in JSON; print something harmless.
        out.push_str(if d.is_nan() {
            "NaN"
        } else if d > 0.0 {
            "inf"
        } else {
            "-inf"
        });
        return;
    }
    if d.is_sign_negative() {
        out.push('-');
    }
    if d == 0.0 {
        out.push_str("0.0");
        return;
    }
    let (digits, exp) = shortest_digits(d.abs());
    let n = digits.len() as i32;
    let decpt = exp + 1;
    if (-14..=15).contains(&decpt) || (decpt > 15 && decpt < n) {
        if decpt <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-decpt) as usize));
            out.push_str(&digits);
        } else if decpt < n {
            out.push_str(&digits[..decpt as usize]);
            out.push('.');
            out.push_str(&digits[decpt as usize..]);
        } else {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', (decpt - n) as usize));
            out.push_str(".0");
        }
    } else {
        out.push_str(&digits[..1]);
        if n > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{exp}");
    }
}

/// The shortest digits that read back as `a` (> 0) and the decimal
/// exponent of the first one, as MySQL's `dtoa` (mode 0) picks them: when
/// two candidates are equally close, the even one (1000000000000000.25 is
/// `...0.2`, where Rust's shortest form says `...0.3`).
fn shortest_digits(a: f64) -> (String, i32) {
    let split = |sci: &str| -> (String, i32) {
        let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let digits = digits.trim_end_matches('0');
        let digits = if digits.is_empty() { "0" } else { digits };
        (digits.to_string(), exp.parse().unwrap_or(0))
    };
    let shortest = split(&format!("{a:e}"));
    // Rust's exact formatting rounds ties to even; prefer it when it has as
    // few digits and still reads back as `a`.
    let exact = format!("{a:.*e}", shortest.0.len() - 1);
    let rounded = split(&exact);
    if rounded != shortest && rounded.0.len() <= shortest.0.len() && exact.parse::<f64>() == Ok(a) {
        rounded
    } else {
        shortest
    }
}
