//! Reading and writing the protocol's basic types: fixed little-endian
//! integers, length-encoded integers and strings, NUL-terminated strings.

use crate::error::{ProtoError, Result};

/// A cursor over one payload. Every read names what it reads, so a short
/// payload is reported as e.g. "malformed handshake auth data: truncated".
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    pub fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    pub fn bytes(&mut self, n: usize, what: &'static str) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or(ProtoError::Truncated { what })?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    pub fn rest(&mut self) -> &'a [u8] {
        let s = &self.buf[self.pos..];
        self.pos = self.buf.len();
        s
    }

    pub fn u8(&mut self, what: &'static str) -> Result<u8> {
        Ok(self.bytes(1, what)?[0])
    }

    pub fn u16(&mut self, what: &'static str) -> Result<u16> {
        let b = self.bytes(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub fn u24(&mut self, what: &'static str) -> Result<u32> {
        let b = self.bytes(3, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], 0]))
    }

    pub fn u32(&mut self, what: &'static str) -> Result<u32> {
        let b = self.bytes(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u64(&mut self, what: &'static str) -> Result<u64> {
        let b = self.bytes(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// A length-encoded integer; `None` for the NULL marker 0xfb.
    pub fn lenenc_int(&mut self, what: &'static str) -> Result<Option<u64>> {
        match self.u8(what)? {
            n @ 0..=0xfa => Ok(Some(u64::from(n))),
            0xfb => Ok(None),
            0xfc => Ok(Some(u64::from(self.u16(what)?))),
            0xfd => Ok(Some(u64::from(self.u24(what)?))),
            0xfe => Ok(Some(self.u64(what)?)),
            _ => Err(ProtoError::invalid(what, "length-encoded integer 0xff")),
        }
    }

    /// A length-encoded string; `None` for NULL.
    pub fn lenenc_bytes(&mut self, what: &'static str) -> Result<Option<&'a [u8]>> {
        match self.lenenc_int(what)? {
            None => Ok(None),
            Some(n) => {
                let n = usize::try_from(n).map_err(|_| ProtoError::Truncated { what })?;
                self.bytes(n, what).map(Some)
            }
        }
    }

    /// Bytes up to a NUL (consumed, not returned); the rest when there is none.
    pub fn nul_terminated(&mut self, what: &'static str) -> Result<&'a [u8]> {
        let rest = &self.buf[self.pos..];
        match rest.iter().position(|&b| b == 0) {
            Some(n) => {
                self.pos += n + 1;
                Ok(&rest[..n])
            }
            None => Err(ProtoError::invalid(what, "no NUL terminator")),
        }
    }
}

pub fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub fn put_lenenc_int(out: &mut Vec<u8>, v: u64) {
    match v {
        0..=0xfa => out.push(v as u8),
        0xfb..=0xffff => {
            out.push(0xfc);
            out.extend_from_slice(&(v as u16).to_le_bytes());
        }
        0x1_0000..=0xff_ffff => {
            out.push(0xfd);
            out.extend_from_slice(&(v as u32).to_le_bytes()[..3]);
        }
        _ => {
            out.push(0xfe);
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}

pub fn put_lenenc_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_lenenc_int(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// A string whose length fits in one byte (COM_REGISTER_SLAVE's fields);
/// longer values are cut at 255 bytes.
pub fn put_u8_prefixed(out: &mut Vec<u8>, b: &[u8]) {
    let b = &b[..b.len().min(255)];
    out.push(b.len() as u8);
    out.extend_from_slice(b);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenenc_round_trip() {
        for v in [
            0u64,
            250,
            251,
            0xffff,
            0x1_0000,
            0xff_ffff,
            0x100_0000,
            u64::MAX,
        ] {
            let mut out = Vec::new();
            put_lenenc_int(&mut out, v);
            let mut r = Reader::new(&out);
            assert_eq!(r.lenenc_int("v").unwrap(), Some(v));
            assert!(r.is_empty());
        }
        assert_eq!(Reader::new(&[0xfb]).lenenc_int("v").unwrap(), None);
        assert!(Reader::new(&[0xff]).lenenc_int("v").is_err());
        assert!(Reader::new(&[0xfe, 1, 2]).lenenc_int("v").is_err());
    }

    #[test]
    fn nul_terminated_needs_its_nul() {
        let mut r = Reader::new(b"abc\0de");
        assert_eq!(r.nul_terminated("s").unwrap(), b"abc");
        assert!(r.nul_terminated("s").is_err());
    }
}
