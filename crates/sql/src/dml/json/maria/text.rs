//! MariaDB's JSON is text: its functions read a document's text and write
//! new text, keeping each scalar as it was written (`1.50e0` stays
//! `1.50e0`, `"\u00e9"` keeps its escape) and members in written order,
//! repeated keys included. A document is held here as a [`JsonDoc`] whose
//! scalars keep their text — numbers as [`JsonDoc::Opaque`]`(`[`NUMBER`]`,
//! text)`, strings as [`JsonDoc::String`] of the text between the quotes,
//! escapes and all — so MySQL's path walking serves for both.

use understudy_binlog::value::json::JsonDoc;

use crate::dml::eval::EvalError;

/// The tag of a number kept as its text.
pub(super) const NUMBER: u8 = 0;

/// MariaDB's `JSON_DEPTH_LIMIT`; deeper documents are not read here.
const DEPTH_LIMIT: usize = 32;

/// Text that is not a JSON document: MariaDB's functions answer NULL
/// (with a warning).
#[derive(Debug)]
pub(super) struct Invalid;

/// Why a document is not read: not JSON, or JSON this reader does not
/// hold exactly as MariaDB would (then the applier stops).
#[derive(Debug)]
pub(super) enum ReadError {
    Invalid,
    Unsupported(&'static str),
}

impl From<Invalid> for ReadError {
    fn from(_: Invalid) -> ReadError {
        ReadError::Invalid
    }
}

impl ReadError {
    /// `Ok(None)` (NULL) for invalid text, the refusal otherwise.
    pub(super) fn null_or_refusal<T>(self) -> Result<Option<T>, EvalError> {
        match self {
            ReadError::Invalid => Ok(None),
            ReadError::Unsupported(what) => Err(EvalError::unsupported(format!(
                "MariaDB's JSON functions on {what}"
            ))),
        }
    }
}

struct Reader<'a> {
    s: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn spaces(&mut self) {
        while matches!(self.s.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.spaces();
        let hit = self.s.get(self.at) == Some(&c);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn word(&mut self, w: &[u8]) -> Result<(), ReadError> {
        if self.s[self.at..].starts_with(w) {
            self.at += w.len();
            Ok(())
        } else {
            Err(ReadError::Invalid)
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.s.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<JsonDoc, ReadError> {
        let start = self.at;
        self.eat_byte(b'-');
        match self.s.get(self.at) {
            Some(b'0') => {
                self.at += 1;
                if self.s.get(self.at).is_some_and(u8::is_ascii_digit) {
                    return Err(ReadError::Unsupported("a number with a leading zero"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(ReadError::Invalid),
        }
        if self.eat_byte(b'.') && self.digits() == 0 {
            return Err(ReadError::Invalid);
        }
        if self.eat_byte(b'e') || self.eat_byte(b'E') {
            let _ = self.eat_byte(b'+') || self.eat_byte(b'-');
            if self.digits() == 0 {
                return Err(ReadError::Invalid);
            }
        }
        if self.s.get(self.at).is_some_and(u8::is_ascii_alphanumeric) {
            return Err(ReadError::Unsupported("a number run into other text"));
        }
        Ok(JsonDoc::Opaque(NUMBER, self.s[start..self.at].to_vec()))
    }

    fn eat_byte(&mut self, c: u8) -> bool {
        let hit = self.s.get(self.at) == Some(&c);
        if hit {
            self.at += 1;
        }
        hit
    }

    /// A string's text between its quotes (the opening one read).
    fn string(&mut self) -> Result<Vec<u8>, ReadError> {
        let start = self.at;
        loop {
            match self.s.get(self.at) {
                None => return Err(ReadError::Invalid),
                Some(b'"') => break,
                Some(b'\\') => {
                    match self.s.get(self.at + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
                        Some(b'u')
                            if self
                                .s
                                .get(self.at + 2..self.at + 6)
                                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) =>
                        {
                            self.at += 4;
                        }
                        _ => return Err(ReadError::Unsupported("an unusual escape in a string")),
                    }
                    self.at += 2;
                }
                Some(c) if *c < 0x20 => {
                    return Err(ReadError::Unsupported("a control character in a string"));
                }
                Some(_) => self.at += 1,
            }
        }
        let text = self.s[start..self.at].to_vec();
        self.at += 1;
        if std::str::from_utf8(&text).is_err() {
            return Err(ReadError::Unsupported("text that is not UTF-8"));
        }
        Ok(text)
    }

    fn value(&mut self, depth: usize) -> Result<JsonDoc, ReadError> {
        if depth > DEPTH_LIMIT {
            return Err(ReadError::Unsupported("a document nested past 32 levels"));
        }
        self.spaces();
        let Some(&c) = self.s.get(self.at) else {
            return Err(ReadError::Invalid);
        };
        Ok(match c {
            b'{' => {
                self.at += 1;
                let mut members = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        if !self.eat(b'"') {
                            return Err(ReadError::Invalid);
                        }
                        let key = self.string()?;
                        if key.contains(&b'\\') {
                            return Err(ReadError::Unsupported("a key written with escapes"));
                        }
                        if !self.eat(b':') {
                            return Err(ReadError::Invalid);
                        }
                        let v = self.value(depth + 1)?;
                        // MariaDB keeps a repeated key, and its paths
                        // name one or all of them by rules of their own.
                        if members.iter().any(|(k, _)| *k == key) {
                            return Err(ReadError::Unsupported("a document with a repeated key"));
                        }
                        members.push((key, v));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(ReadError::Invalid);
                        }
                    }
                }
                JsonDoc::Object(members)
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(ReadError::Invalid);
                        }
                    }
                }
                JsonDoc::Array(items)
            }
            b'"' => {
                self.at += 1;
                JsonDoc::String(self.string()?)
            }
            b't' => self.word(b"true").map(|()| JsonDoc::Bool(true))?,
            b'f' => self.word(b"false").map(|()| JsonDoc::Bool(false))?,
            b'n' => self.word(b"null").map(|()| JsonDoc::Null)?,
            _ => self.number()?,
        })
    }
}

/// A document's text read as MariaDB reads it.
pub(super) fn parse(text: &[u8]) -> Result<JsonDoc, ReadError> {
    let mut r = Reader { s: text, at: 0 };
    let doc = r.value(0)?;
    r.spaces();
    if r.at == text.len() {
        Ok(doc)
    } else {
        Err(ReadError::Invalid)
    }
}

/// How a document is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    /// `{"a": 1, "b": [1, 2]}`: what MariaDB's functions write.
    Spaced,
    /// `{"a":1,"b":[1,2]}`: JSON_COMPACT.
    Compact,
}

/// A document's text.
pub(super) fn write(doc: &JsonDoc, style: Style, out: &mut Vec<u8>) {
    let (comma, colon): (&[u8], &[u8]) = match style {
        Style::Spaced => (b", ", b": "),
        Style::Compact => (b",", b":"),
    };
    match doc {
        JsonDoc::Null => out.extend_from_slice(b"null"),
        JsonDoc::Bool(true) => out.extend_from_slice(b"true"),
        JsonDoc::Bool(false) => out.extend_from_slice(b"false"),
        JsonDoc::String(s) => {
            out.push(b'"');
            out.extend_from_slice(s);
            out.push(b'"');
        }
        JsonDoc::Array(items) => {
            out.push(b'[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(comma);
                }
                write(x, style, out);
            }
            out.push(b']');
        }
        JsonDoc::Object(members) => {
            out.push(b'{');
            for (i, (k, x)) in members.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(comma);
                }
                out.push(b'"');
                out.extend_from_slice(k);
                out.push(b'"');
                out.extend_from_slice(colon);
                write(x, style, out);
            }
            out.push(b'}');
        }
        // Numbers (the only opaque values here) as written; the integers
        // and doubles of MySQL's documents do not occur.
        JsonDoc::Opaque(_, text) => out.extend_from_slice(text),
        JsonDoc::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        JsonDoc::UInt(u) => out.extend_from_slice(u.to_string().as_bytes()),
        JsonDoc::Double(d) => out.extend_from_slice(d.to_string().as_bytes()),
    }
}

/// A document's text in `style`.
pub(super) fn text(doc: &JsonDoc, style: Style) -> Vec<u8> {
    let mut out = Vec::new();
    write(doc, style, &mut out);
    out
}

/// A string's text between quotes, escaped as MariaDB escapes it.
pub(super) fn escape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 2);
    for &c in s {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            c if c < 0x20 => out.extend_from_slice(format!("\\u{c:04X}").as_bytes()),
            c => out.push(c),
        }
    }
    out
}

/// A double as MariaDB writes it (read off MariaDB 10.11): the shortest
/// digits that read back as the same double, written out in full from
/// 1e-15 up to below 1e15 (`0.0000000000000015`, `123456789012345.6`)
/// and as `d.ddde±x` outside (`1e15`, `3.3333333333333336e-16`); zero
/// without a sign. `None` for infinities and NaN.
pub(super) fn double(f: f64) -> Option<Vec<u8>> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        return Some(b"0".to_vec());
    }
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e')?;
    let x: i32 = exp.parse().ok()?;
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let n = i32::try_from(digits.len()).ok()?;
    let mut out = String::new();
    if f < 0.0 {
        out.push('-');
    }
    if !(-15..15).contains(&x) {
        out.push_str(mantissa);
        out.push('e');
        out.push_str(&x.to_string());
    } else if x < 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-x - 1) as usize));
        out.push_str(&digits);
    } else if n > x + 1 {
        let (int, frac) = digits.split_at((x + 1) as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (x + 1 - n) as usize));
    }
    Some(out.into_bytes())
}

/// A string's value from its text between quotes (escapes decoded).
pub(super) fn unescape(s: &[u8]) -> Result<Vec<u8>, EvalError> {
    let bad = || EvalError::unsupported("a JSON string with a lone surrogate escape");
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    let hex = |at: usize| -> Option<u32> {
        std::str::from_utf8(s.get(at..at + 4)?)
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    while i < s.len() {
        if s[i] != b'\\' {
            out.push(s[i]);
            i += 1;
            continue;
        }
        let c = s.get(i + 1).copied().unwrap_or(b'\\');
        i += 2;
        match c {
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'u' => {
                let mut code = hex(i).ok_or_else(bad)?;
                i += 4;
                if (0xd800..0xdc00).contains(&code) {
                    let low = (s.get(i) == Some(&b'\\') && s.get(i + 1) == Some(&b'u'))
                        .then(|| hex(i + 2))
                        .flatten()
                        .filter(|l| (0xdc00..0xe000).contains(l))
                        .ok_or_else(bad)?;
                    i += 6;
                    code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                }
                let ch = char::from_u32(code).ok_or_else(bad)?;
                let mut buf = [0; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_keep_their_scalars_and_order() {
        let doc = parse(br#" { "b" : 1.50e0, "a":["x\u00e9", true, null], "c": {} } "#).unwrap();
        assert_eq!(
            text(&doc, Style::Spaced),
            br#"{"b": 1.50e0, "a": ["x\u00e9", true, null], "c": {}}"#
        );
        assert_eq!(
            text(&doc, Style::Compact),
            br#"{"b":1.50e0,"a":["x\u00e9",true,null],"c":{}}"#
        );
        assert!(matches!(
            parse(br#"{"a": 1, "a": 2}"#),
            Err(ReadError::Unsupported(_))
        ));
        for bad in ["", "{bad", "[1,]", "1.", "[1 2]", "{\"a\"}", "\"abc", "tru"] {
            assert!(
                matches!(parse(bad.as_bytes()), Err(ReadError::Invalid)),
                "{bad}"
            );
        }
        assert_eq!(
            unescape(br#"a\u00e9\n\ud83d\ude00"#).unwrap(),
            "aé\n😀".as_bytes()
        );
        assert_eq!(escape(b"q\"\\\n\x01/"), br#"q\"\\\n\u0001/"#);
        let d = |f: f64| String::from_utf8(double(f).unwrap()).unwrap();
        assert_eq!(d(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(d(1e15), "1e15");
        assert_eq!(d(-1.234567890123456e15), "-1.234567890123456e15");
        assert_eq!(d(123456789012345.6), "123456789012345.6");
        assert_eq!(d(1.5e-15), "0.0000000000000015");
        assert_eq!(d(1e-16), "1e-16");
        assert_eq!(d(-0.0), "0");
        assert_eq!(d(100.0), "100");
    }
}
