//! A bounds-checked reader over a complete byte slice.
//!
//! The binlog is little-endian except where noted (DECIMAL and the
//! TIME2/DATETIME2/TIMESTAMP2 row formats, which `value::temporal` and
//! `value::decimal` read big-endian themselves). Every read names what it
//! reads so that a short slice becomes a precise `DecodeError::Truncated`.

use crate::error::{DecodeError, Result};

#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    #[inline]
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Cursor { buf, pos: 0 }
    }

    #[inline]
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    #[inline]
    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// Everything not read yet, without consuming it.
    #[inline]
    pub(crate) fn peek_rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    /// Everything not read yet; the cursor is then empty.
    #[inline]
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let r = &self.buf[self.pos..];
        self.pos = self.buf.len();
        r
    }

    #[inline]
    pub(crate) fn bytes(&mut self, n: usize, what: &'static str) -> Result<&'a [u8]> {
        match self.buf.get(self.pos..self.pos.saturating_add(n)) {
            Some(r) => {
                self.pos += n;
                Ok(r)
            }
            None => Err(self.truncated(n, what)),
        }
    }

    /// The error for a read of `n` bytes past the end (kept out of the
    /// way of the reads that succeed).
    #[cold]
    #[inline(never)]
    fn truncated(&self, n: usize, what: &'static str) -> DecodeError {
        DecodeError::Truncated {
            what,
            need: n,
            have: self.remaining(),
        }
    }

    #[inline]
    pub(crate) fn skip(&mut self, n: usize, what: &'static str) -> Result<()> {
        self.bytes(n, what).map(|_| ())
    }

    #[inline]
    pub(crate) fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N]> {
        let b = self.bytes(N, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(b);
        Ok(a)
    }

    #[inline]
    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8> {
        Ok(self.bytes(1, what)?[0])
    }

    #[inline]
    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    #[inline]
    pub(crate) fn u24(&mut self, what: &'static str) -> Result<u32> {
        let b = self.bytes(3, what)?;
        Ok(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
    }

    #[inline]
    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    /// An unsigned little-endian integer of `n` (≤ 8) bytes.
    #[inline]
    pub(crate) fn uint_n(&mut self, n: usize, what: &'static str) -> Result<u64> {
        let b = self.bytes(n, what)?;
        Ok(le_uint(b))
    }

    #[inline]
    pub(crate) fn u64(&mut self, what: &'static str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    /// MySQL's length-encoded ("packed") integer: one byte < 251, or 0xfc +
    /// 2 bytes, 0xfd + 3 bytes, 0xfe + 8 bytes. 0xfb (NULL) and 0xff are
    /// invalid here.
    #[inline]
    pub(crate) fn packed(&mut self, what: &'static str) -> Result<u64> {
        let first = self.u8(what)?;
        match first {
            0..=250 => Ok(u64::from(first)),
            0xfc => self.uint_n(2, what),
            0xfd => self.uint_n(3, what),
            0xfe => self.u64(what),
            _ => Err(DecodeError::invalid(
                what,
                format!("bad length-encoded integer prefix {first:#04x}"),
            )),
        }
    }

    /// A packed integer used as a length within this slice.
    #[inline]
    pub(crate) fn packed_len(&mut self, what: &'static str) -> Result<usize> {
        let v = self.packed(what)?;
        usize::try_from(v).map_err(|_| DecodeError::invalid(what, format!("length {v} too large")))
    }

    /// A string prefixed by a one-byte length.
    #[inline]
    pub(crate) fn str_u8(&mut self, what: &'static str) -> Result<&'a [u8]> {
        let n = self.u8(what)? as usize;
        self.bytes(n, what)
    }

    /// Bytes up to (not including) the next NUL; the NUL is consumed.
    pub(crate) fn cstr(&mut self, what: &'static str) -> Result<&'a [u8]> {
        let rest = self.peek_rest();
        match rest.iter().position(|&b| b == 0) {
            Some(n) => {
                self.pos += n + 1;
                Ok(&rest[..n])
            }
            None => Err(DecodeError::Truncated {
                what,
                need: rest.len() + 1,
                have: rest.len(),
            }),
        }
    }

    /// Fails unless every byte was read.
    pub(crate) fn finish(&self, what: &'static str) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::invalid(
                what,
                format!("{} unexpected trailing byte(s)", self.remaining()),
            ))
        }
    }
}

/// Little-endian unsigned integer of up to 8 bytes.
#[inline]
pub(crate) fn le_uint(b: &[u8]) -> u64 {
    b.iter().rev().fold(0u64, |acc, &x| acc << 8 | u64::from(x))
}

/// Big-endian unsigned integer of up to 8 bytes.
pub(crate) fn be_uint(b: &[u8]) -> u64 {
    b.iter().fold(0u64, |acc, &x| acc << 8 | u64::from(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_integers() {
        let mut c = Cursor::new(&[
            5, 0xfc, 0x34, 0x12, 0xfd, 1, 2, 3, 0xfe, 1, 0, 0, 0, 0, 0, 0, 0x80,
        ]);
        assert_eq!(c.packed("a").unwrap(), 5);
        assert_eq!(c.packed("b").unwrap(), 0x1234);
        assert_eq!(c.packed("c").unwrap(), 0x030201);
        assert_eq!(c.packed("d").unwrap(), 0x8000_0000_0000_0001);
        assert!(c.is_empty());
        assert!(matches!(
            Cursor::new(&[0xfb]).packed("e"),
            Err(DecodeError::Invalid { .. })
        ));
        assert!(matches!(
            Cursor::new(&[0xfc, 1]).packed("f"),
            Err(DecodeError::Truncated {
                need: 2,
                have: 1,
                ..
            })
        ));
    }

    #[test]
    fn cstr_needs_nul() {
        let mut c = Cursor::new(b"ab\0cd");
        assert_eq!(c.cstr("s").unwrap(), b"ab");
        assert!(c.cstr("t").is_err());
    }
}
