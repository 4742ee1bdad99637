//! Small formatting helpers shared by the printers: an output buffer of
//! raw bytes (query texts are not always UTF-8), times, base64, hex.

use std::fmt;

/// Output bytes. `write!` works on it; it cannot fail.
#[derive(Debug, Default)]
pub struct Buf(pub Vec<u8>);

impl fmt::Write for Buf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

impl Buf {
    #[inline]
    pub fn s(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }
    #[inline]
    pub fn raw(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
    #[inline]
    pub fn ch(&mut self, c: u8) {
        self.0.push(c);
    }
    /// A decimal number, without `core::fmt` (the dumper's hot path).
    /// Twenty bytes are appended with one fixed-size store (a
    /// variable-length copy is a call to `memcpy`), the digits written in
    /// place in groups of eight that do not wait on each other, and the
    /// rest cut off again.
    #[inline]
    pub fn u64(&mut self, n: u64) {
        const E8: u64 = 100_000_000;
        let start = self.0.len();
        self.0.extend_from_slice(&[0u8; 20]);
        let dst = &mut self.0[start..start + 20];
        let len = if n < E8 {
            lead_digits(dst, n as u32)
        } else if n < E8 * E8 {
            let k = lead_digits(dst, (n / E8) as u32);
            eight_digits(&mut dst[k..k + 8], (n % E8) as u32);
            k + 8
        } else {
            let k = lead_digits(dst, (n / (E8 * E8)) as u32);
            let rest = n % (E8 * E8);
            eight_digits(&mut dst[k..k + 8], (rest / E8) as u32);
            eight_digits(&mut dst[k + 8..k + 16], (rest % E8) as u32);
            k + 16
        };
        self.0.truncate(start + len);
    }

    /// Appends the first `len` bytes of `tmp` (see `u64`).
    #[inline]
    fn fixed<const N: usize>(&mut self, tmp: &[u8; N], len: usize) {
        let end = self.0.len() + len;
        self.0.extend_from_slice(tmp);
        self.0.truncate(end);
    }

    pub fn i64(&mut self, n: i64) {
        if n < 0 {
            self.0.push(b'-');
        }
        self.u64(n.unsigned_abs());
    }
    /// `n` in exactly `width` digits (at most 20), zero-padded; `n` must
    /// fit.
    #[inline]
    pub fn zpad(&mut self, n: u64, width: usize) {
        let mut tmp = [b'0'; 20];
        let width = width.min(20);
        let mut n = n;
        for i in (0..width).rev() {
            tmp[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        self.fixed(&tmp, width);
    }
    /// Two lower-case hex digits.
    pub fn hex8(&mut self, b: u8) {
        const H: &[u8; 16] = b"0123456789abcdef";
        self.0
            .extend_from_slice(&[H[usize::from(b >> 4)], H[usize::from(b & 15)]]);
    }
    pub fn hex32(&mut self, n: u32) {
        const H: &[u8; 16] = b"0123456789abcdef";
        let mut tmp = [0u8; 8];
        for (i, d) in tmp.iter_mut().enumerate() {
            *d = H[(n >> ((7 - i) * 4)) as usize & 15];
        }
        self.0.extend_from_slice(&tmp);
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `v` without leading zeros at the start of `dst`; returns its length.
#[inline]
fn lead_digits(dst: &mut [u8], v: u32) -> usize {
    let len = v.checked_ilog10().unwrap_or(0) as usize + 1;
    let mut i = len;
    let mut v = v as usize;
    while v >= 100 {
        i -= 2;
        dst[i..i + 2].copy_from_slice(&DIGIT_PAIRS[v % 100 * 2..v % 100 * 2 + 2]);
        v /= 100;
    }
    if v >= 10 {
        dst[..2].copy_from_slice(&DIGIT_PAIRS[v * 2..v * 2 + 2]);
    } else {
        dst[0] = b'0' + v as u8;
    }
    len
}

/// `v` (below 10^8) as exactly eight digits.
#[inline]
fn eight_digits(dst: &mut [u8], v: u32) {
    let (hi, lo) = ((v / 10_000) as usize, (v % 10_000) as usize);
    for (k, pair) in [hi / 100, hi % 100, lo / 100, lo % 100]
        .into_iter()
        .enumerate()
    {
        dst[2 * k..2 * k + 2].copy_from_slice(&DIGIT_PAIRS[pair * 2..pair * 2 + 2]);
    }
}

const DIGIT_PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// `write!` into a `Buf`, ignoring the (infallible) result.
#[macro_export]
macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{ let _ = ::std::fmt::Write::write_fmt($dst, format_args!($($arg)*)); }};
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Broken-down time of a Unix timestamp shifted by `offset` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tm {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

pub fn tm(ts: i64, offset: i32) -> Tm {
    let t = ts + i64::from(offset);
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    Tm {
        year,
        month,
        day,
        hour: secs / 3600,
        minute: secs / 60 % 60,
        second: secs % 60,
    }
}

/// mysqlbinlog's short event time: `YYMMDD HH:MM:SS` with the hour
/// space-padded (`%02d%02d%02d %2d:%02d:%02d`).
pub fn short_time(out: &mut Buf, t: &Tm) {
    out.zpad(t.year.rem_euclid(100) as u64, 2);
    out.zpad(u64::from(t.month), 2);
    out.zpad(u64::from(t.day), 2);
    out.ch(b' ');
    if t.hour < 10 {
        out.ch(b' ');
    }
    out.u64(u64::from(t.hour));
    out.ch(b':');
    out.zpad(u64::from(t.minute), 2);
    out.ch(b':');
    out.zpad(u64::from(t.second), 2);
}

/// A UUID in its 8-4-4-4-12 lower-case form.
pub fn uuid(out: &mut Buf, u: &[u8; 16]) {
    for (i, &b) in u.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.ch(b'-');
        }
        out.hex8(b);
    }
}

/// Standard base64 with padding.
pub fn base64(out: &mut Vec<u8>, data: &[u8]) {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.reserve(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        out.push(A[(n >> 18) as usize & 63]);
        out.push(A[(n >> 12) as usize & 63]);
        out.push(if chunk.len() > 1 {
            A[(n >> 6) as usize & 63]
        } else {
            b'='
        });
        out.push(if chunk.len() > 2 {
            A[n as usize & 63]
        } else {
            b'='
        });
    }
}

/// Base64 broken into lines of 76 characters, each ending in '\n'.
pub fn base64_lines(out: &mut Buf, data: &[u8]) {
    let mut s = Vec::new();
    base64(&mut s, data);
    for line in s.chunks(76) {
        out.raw(line);
        out.ch(b'\n');
    }
}

pub fn hex_upper(out: &mut Buf, data: &[u8]) {
    const H: &[u8; 16] = b"0123456789ABCDEF";
    for &b in data {
        out.ch(H[usize::from(b >> 4)]);
        out.ch(H[usize::from(b & 15)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_like_display() {
        for n in [0u64, 7, 10, 99, 100, 12345, u64::MAX] {
            let mut b = Buf::default();
            b.u64(n);
            assert_eq!(b.0, n.to_string().into_bytes());
        }
        for n in [0i64, -1, i64::MIN, i64::MAX] {
            let mut b = Buf::default();
            b.i64(n);
            assert_eq!(b.0, n.to_string().into_bytes());
        }
        let mut b = Buf::default();
        b.zpad(7, 3);
        b.hex32(0xab);
        b.zpad(123_456, 6);
        b.zpad(5, 1);
        assert_eq!(b.0, b"007000000ab1234565".to_vec());
        let mut b = Buf::default();
        for n in (0..20)
            .map(|k| 10u64.pow(k))
            .flat_map(|p| [p - 1, p, p + 1])
        {
            b.0.clear();
            b.u64(n);
            assert_eq!(b.0, n.to_string().into_bytes());
        }
    }
}
