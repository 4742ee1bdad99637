//! A column's bytes in UTF-8, as the `mysql` client receives strings
//! (`character_set_results=utf8mb4`): what `export` prints. The replica
//! stores strings in the column's own character set, as the row events
//! carry them.
//!
//! Converted: the UTF-8 family and ascii (as they are), binary (as it is),
//! latin1 (MySQL's latin1 is Windows-1252, with 0x81, 0x8D, 0x8F, 0x90
//! and 0x9D passed through as U+0081…), ucs2/utf16 (big-endian),
//! utf16le and utf32. Other character sets are not converted
//! ([`supported`] says which).

use std::borrow::Cow;

/// Windows-1252 0x80..=0x9F (MySQL's latin1).
const CP1252_HIGH: [u16; 32] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Same,
    Latin1,
    Utf16Be,
    Utf16Le,
    Utf32Be,
    Other,
}

fn kind(charset: Option<&str>) -> Kind {
    match charset.map(str::to_ascii_lowercase).as_deref() {
        None | Some("utf8mb4" | "utf8mb3" | "utf8" | "ascii" | "binary") => Kind::Same,
        Some("latin1") => Kind::Latin1,
        Some("ucs2" | "utf16") => Kind::Utf16Be,
        Some("utf16le") => Kind::Utf16Le,
        Some("utf32") => Kind::Utf32Be,
        Some(_) => Kind::Other,
    }
}

/// Whether strings of this character set can be shown in UTF-8.
pub fn supported(charset: Option<&str>) -> bool {
    kind(charset) != Kind::Other
}

fn push_char(out: &mut Vec<u8>, c: u32) {
    let ch = char::from_u32(c).unwrap_or('?');
    let mut buf = [0u8; 4];
    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
}

/// `bytes` of a column in `charset`, in UTF-8 (unconvertible sequences
/// become `?`, as MySQL converts them).
pub fn to_utf8<'a>(charset: Option<&str>, bytes: &'a [u8]) -> Cow<'a, [u8]> {
    match kind(charset) {
        Kind::Same | Kind::Other => Cow::Borrowed(bytes),
        Kind::Latin1 if bytes.is_ascii() => Cow::Borrowed(bytes),
        Kind::Latin1 => {
            let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 2);
            for &b in bytes {
                let c = match b {
                    0x80..=0x9F => u32::from(CP1252_HIGH[usize::from(b - 0x80)]),
                    _ => u32::from(b),
                };
                push_char(&mut out, c);
            }
            Cow::Owned(out)
        }
        Kind::Utf16Be | Kind::Utf16Le => {
            let be = kind(charset) == Kind::Utf16Be;
            let units = bytes.chunks(2).map(|c| match c {
                [a, b] if be => u16::from_be_bytes([*a, *b]),
                [a, b] => u16::from_le_bytes([*a, *b]),
                _ => u16::from(b'?'),
            });
            let mut out = Vec::with_capacity(bytes.len());
            for r in char::decode_utf16(units) {
                push_char(&mut out, r.map_or(u32::from('?'), u32::from));
            }
            Cow::Owned(out)
        }
        Kind::Utf32Be => {
            let mut out = Vec::with_capacity(bytes.len());
            for c in bytes.chunks(4) {
                match c {
                    [a, b, c2, d] => push_char(&mut out, u32::from_be_bytes([*a, *b, *c2, *d])),
                    _ => out.push(b'?'),
                }
            }
            Cow::Owned(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(&*to_utf8(Some("latin1"), b"caf\xe9"), "café".as_bytes());
        assert_eq!(
            &*to_utf8(Some("LATIN1"), b"\x80\x81\x9f"),
            "€\u{81}Ÿ".as_bytes()
        );
        assert_eq!(
            &*to_utf8(Some("utf8mb4"), "日本".as_bytes()),
            "日本".as_bytes()
        );
        assert_eq!(&*to_utf8(None, b"\xff"), b"\xff");
        assert_eq!(&*to_utf8(Some("utf16"), b"\x00a\x65\xe5"), "a日".as_bytes());
        assert_eq!(&*to_utf8(Some("utf16le"), b"a\x00"), b"a");
        assert_eq!(
            &*to_utf8(Some("utf32"), b"\x00\x01\xf6\x00"),
            "😀".as_bytes()
        );
        assert!(supported(Some("ucs2")) && supported(None) && !supported(Some("gbk")));
    }
}
