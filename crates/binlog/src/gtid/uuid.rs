//! Server UUIDs (MySQL's `server_uuid`, the "source id" of a GTID).
//!
//! Binary layout: the 16 bytes in the order they are written in text (no
//! byte swapping), as in the Gtid and Previous_gtids events.
//!
//! Text: MySQL prints `8-4-4-4-12` lowercase hex. It parses that form in
//! any case, the same 32 digits without dashes, and the dashed form in
//! braces (`{...}`); checked against `GTID_SUBTRACT` on MySQL 9.7, which
//! rejects dashes in only some places and braces around the undashed form.

use std::fmt;
use std::str::FromStr;

use super::text::GtidParseError;

/// A 16-byte server UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Uuid(pub [u8; 16]);

/// Digits in each dash-separated group of the text form.
const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];

impl Uuid {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Parses a UUID at the start of `s`. Returns it and the bytes used, or
    /// the offset of the first byte that does not fit and what was expected.
    pub(crate) fn parse_prefix(s: &[u8]) -> Result<(Uuid, usize), (usize, &'static str)> {
        let mut out = [0u8; 16];
        if s.first() == Some(&b'{') {
            let end = parse_dashed(s, 1, &mut out)?;
            return match s.get(end) {
                Some(b'}') => Ok((Uuid(out), end + 1)),
                _ => Err((end, "'}'")),
            };
        }
        // Eight digits, then a dash decides between the two forms.
        if s.get(8) == Some(&b'-') {
            let end = parse_dashed(s, 0, &mut out)?;
            return Ok((Uuid(out), end));
        }
        hex_run(s, 0, 32, &mut out, 0)?;
        Ok((Uuid(out), 32))
    }
}

/// Parses `8-4-4-4-12` starting at `at`; returns the offset after it.
fn parse_dashed(
    s: &[u8],
    mut at: usize,
    out: &mut [u8; 16],
) -> Result<usize, (usize, &'static str)> {
    let mut digit = 0;
    for (i, &len) in GROUPS.iter().enumerate() {
        if i > 0 {
            if s.get(at) != Some(&b'-') {
                return Err((at, "'-'"));
            }
            at += 1;
        }
        hex_run(s, at, len, out, digit)?;
        at += len;
        digit += len;
    }
    Ok(at)
}

/// Reads `len` hex digits from `s[at..]` into `out`, starting at nibble
/// `digit` of the UUID.
fn hex_run(
    s: &[u8],
    at: usize,
    len: usize,
    out: &mut [u8; 16],
    digit: usize,
) -> Result<(), (usize, &'static str)> {
    for k in 0..len {
        let pos = at + k;
        let nibble = s
            .get(pos)
            .and_then(|&c| (c as char).to_digit(16))
            .ok_or((pos, "hex digit"))? as u8;
        let d = digit + k;
        out[d / 2] |= if d.is_multiple_of(2) {
            nibble << 4
        } else {
            nibble
        };
    }
    Ok(())
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.0;
        for (i, byte) in b.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl FromStr for Uuid {
    type Err = GtidParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (uuid, used) = Uuid::parse_prefix(s.as_bytes())
            .map_err(|(offset, expected)| GtidParseError::Syntax { offset, expected })?;
        if used != s.len() {
            return Err(GtidParseError::Syntax {
                offset: used,
                expected: "end of UUID",
            });
        }
        Ok(uuid)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TEXT: &str = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    const BYTES: [u8; 16] = [
        0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95,
        0x62,
    ];

    #[test]
    fn display_and_parse() {
        assert_eq!(Uuid(BYTES).to_string(), TEXT);
        for s in [
            TEXT,
            "3E11FA47-71CA-11E1-9E33-C80AA9429562",
            "3e11fa4771ca11e19e33c80aa9429562",
            "{3e11fa47-71ca-11e1-9e33-c80aa9429562}",
        ] {
            assert_eq!(s.parse::<Uuid>().unwrap(), Uuid(BYTES), "{s}");
        }
    }

    #[test]
    fn rejects_what_mysql_rejects() {
        for (s, offset) in [
            ("", 0),
            ("3e11fa47-71ca-11e1-9e33-c80aa942956", 35),
            ("3e11fa47-71ca11e1-9e33-c80aa9429562", 13),
            ("{3e11fa4771ca11e19e33c80aa9429562}", 9),
            ("{3e11fa47-71ca-11e1-9e33-c80aa9429562", 37),
            ("3e11fa47-71ca-11e1-9e33-c80aa9429562-", 36),
            ("3e11fa47-71ca-11e1-9e33-c80aa94295é2", 34),
            ("g e11fa47", 0),
        ] {
            match s.parse::<Uuid>() {
                Err(GtidParseError::Syntax { offset: o, .. }) => assert_eq!(o, offset, "{s}"),
                other => panic!("{s}: {other:?}"),
            }
        }
    }

    proptest! {
        #[test]
        fn round_trip(b in any::<[u8; 16]>()) {
            let u = Uuid(b);
            prop_assert_eq!(u.to_string().parse::<Uuid>().unwrap(), u);
            prop_assert_eq!(u.to_string().to_uppercase().parse::<Uuid>().unwrap(), u);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = s.parse::<Uuid>();
        }
    }
}
