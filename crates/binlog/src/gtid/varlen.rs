//! The variable-length integers of MySQL's serialization library
//! (`mysql::serialization`, MySQL 8.3+), used by tagged GTID events and by
//! the tagged GTID set format.
//!
//! Byte layout of an unsigned value: 1 to 9 bytes, little-endian. The
//! number of trailing 1-bits of the first byte, plus one, is the number of
//! bytes `n`; the value is the little-endian integer of those `n` bytes
//! shifted right by `n`. So one byte holds 7 bits, two bytes 14 bits, ...,
//! eight bytes 56 bits; a first byte of `0xff` is followed by the value as a
//! plain 8-byte little-endian integer.
//!
//! ```text
//! 5       -> 0a               (5 << 1 | 0b0)
//! 300     -> b1 04            (300 << 2 | 0b01)
//! 65535   -> fb ff 07         (65535 << 3 | 0b011)
//! 2^56    -> ff 00 00 00 00 00 00 00 01
//! ```
//!
//! Signed values are zigzag-mapped first: `x >= 0` becomes `x << 1`, `x < 0`
//! becomes `(-(x + 1)) << 1 | 1`.

use crate::cursor::{Cursor, le_uint};
use crate::error::{DecodeError, Result};

/// Reads an unsigned varlen integer from the start of `buf`; returns the
/// value and the number of bytes it took.
///
/// A value written in more bytes than needed is accepted.
pub fn read_varlen_u64(buf: &[u8], what: &'static str) -> Result<(u64, usize)> {
    let Some(&first) = buf.first() else {
        return Err(DecodeError::Truncated {
            what,
            need: 1,
            have: 0,
        });
    };
    let n = first.trailing_ones() as usize + 1;
    if n == 9 {
        let Some(raw) = buf.get(1..9) else {
            return Err(DecodeError::Truncated {
                what,
                need: 9,
                have: buf.len(),
            });
        };
        return Ok((le_uint(raw), 9));
    }
    let Some(raw) = buf.get(..n) else {
        return Err(DecodeError::Truncated {
            what,
            need: n,
            have: buf.len(),
        });
    };
    Ok((le_uint(raw) >> n, n))
}

/// Appends `v` as an unsigned varlen integer in the fewest bytes.
pub fn write_varlen_u64(out: &mut Vec<u8>, v: u64) {
    // 7 payload bits per byte, up to 8 bytes (56 bits).
    let bits = 64 - v.leading_zeros() as usize;
    let n = bits.div_ceil(7).max(1);
    if n > 8 {
        out.push(0xff);
        out.extend_from_slice(&v.to_le_bytes());
        return;
    }
    // n - 1 trailing ones, then a zero, then the value.
    let marker = (1u64 << (n - 1)) - 1;
    let word = v << n | marker;
    out.extend_from_slice(&word.to_le_bytes()[..n]);
}

/// Reads a signed (zigzag) varlen integer; returns the value and its length.
pub fn read_varlen_i64(buf: &[u8], what: &'static str) -> Result<(i64, usize)> {
    let (u, n) = read_varlen_u64(buf, what)?;
    Ok((unzigzag(u), n))
}

/// Appends `v` as a signed (zigzag) varlen integer.
pub fn write_varlen_i64(out: &mut Vec<u8>, v: i64) {
    write_varlen_u64(out, zigzag(v));
}

/// Reads an unsigned varlen integer at the cursor.
pub(crate) fn varlen_u64(c: &mut Cursor<'_>, what: &'static str) -> Result<u64> {
    let (v, n) = read_varlen_u64(c.peek_rest(), what)?;
    c.skip(n, what)?;
    Ok(v)
}

/// Reads a signed (zigzag) varlen integer at the cursor.
#[allow(dead_code)] // for the tagged GTID event decoder
pub(crate) fn varlen_i64(c: &mut Cursor<'_>, what: &'static str) -> Result<i64> {
    Ok(unzigzag(varlen_u64(c, what)?))
}

fn zigzag(v: i64) -> u64 {
    if v >= 0 {
        (v as u64) << 1
    } else {
        ((-(v + 1)) as u64) << 1 | 1
    }
}

fn unzigzag(u: u64) -> i64 {
    let half = (u >> 1) as i64;
    if u & 1 == 0 { half } else { -half - 1 }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn enc(v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        write_varlen_u64(&mut out, v);
        out
    }

    #[test]
    fn known_encodings() {
        assert_eq!(enc(0), [0x00]);
        assert_eq!(enc(5), [0x0a]);
        assert_eq!(enc(127), [0xfe]);
        assert_eq!(enc(128), [0x01, 0x02]);
        assert_eq!(enc(300), [0xb1, 0x04]);
        assert_eq!(enc(65535), [0xfb, 0xff, 0x07]);
        assert_eq!(
            enc((1 << 56) - 1),
            [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
        assert_eq!(enc(1 << 56), [0xff, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(enc(u64::MAX).len(), 9);
        assert_eq!(read_varlen_u64(&[0x0a, 0x99], "t").unwrap(), (5, 1));
        assert_eq!(
            read_varlen_u64(&[0xfb, 0xff, 0x07], "t").unwrap(),
            (65535, 3)
        );
    }

    #[test]
    fn non_minimal_encoding_is_accepted() {
        // 5 in two bytes: 5 << 2 | 0b01.
        assert_eq!(read_varlen_u64(&[0x15, 0x00], "t").unwrap(), (5, 2));
    }

    #[test]
    fn truncated() {
        assert!(matches!(
            read_varlen_u64(&[], "t"),
            Err(DecodeError::Truncated {
                need: 1,
                have: 0,
                ..
            })
        ));
        assert!(matches!(
            read_varlen_u64(&[0x03, 0], "t"),
            Err(DecodeError::Truncated {
                need: 3,
                have: 2,
                ..
            })
        ));
        assert!(matches!(
            read_varlen_u64(&[0xff, 1, 2], "t"),
            Err(DecodeError::Truncated {
                need: 9,
                have: 3,
                ..
            })
        ));
    }

    #[test]
    fn zigzag_edges() {
        for (v, z) in [
            (0i64, 0u64),
            (-1, 1),
            (1, 2),
            (-2, 3),
            (i64::MAX, u64::MAX - 1),
            (i64::MIN, u64::MAX),
        ] {
            assert_eq!(zigzag(v), z, "{v}");
            assert_eq!(unzigzag(z), v, "{z}");
        }
    }

    #[test]
    fn cursor_reads() {
        let mut c = Cursor::new(&[0x0a, 0x03, 0x00, 0x00, 0x06]);
        assert_eq!(varlen_u64(&mut c, "a").unwrap(), 5);
        assert_eq!(varlen_u64(&mut c, "b").unwrap(), 0);
        assert_eq!(varlen_i64(&mut c, "c").unwrap(), -2);
        assert!(c.is_empty());
    }

    proptest! {
        #[test]
        fn unsigned_round_trip(v in any::<u64>(), tail in proptest::collection::vec(any::<u8>(), 0..4)) {
            let mut b = enc(v);
            let n = b.len();
            b.extend_from_slice(&tail);
            prop_assert_eq!(read_varlen_u64(&b, "t").unwrap(), (v, n));
        }

        #[test]
        fn signed_round_trip(v in any::<i64>()) {
            let mut b = Vec::new();
            write_varlen_i64(&mut b, v);
            prop_assert_eq!(read_varlen_i64(&b, "t").unwrap(), (v, b.len()));
        }

        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..12)) {
            let _ = read_varlen_u64(&b, "t");
        }
    }
}
