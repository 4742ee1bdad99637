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
    /// A decimal number, without `core::fmt` (the dumper's hot path):
    /// eight digits at a time, each group computed in one register and
    /// stored with one fixed-size write.
    #[inline]
    pub fn u64(&mut self, n: u64) {
        const E8: u64 = 100_000_000;
        if n < 10 {
            self.0.push(b'0' + n as u8);
        } else if n < E8 {
            self.lead(n as u32);
        } else if n < E8 * E8 {
            self.lead((n / E8) as u32);
            self.0
                .extend_from_slice(&eight_digits((n % E8) as u32).to_le_bytes());
        } else {
            let rest = n % (E8 * E8);
            self.lead((n / (E8 * E8)) as u32);
            self.0
                .extend_from_slice(&eight_digits((rest / E8) as u32).to_le_bytes());
            self.0
                .extend_from_slice(&eight_digits((rest % E8) as u32).to_le_bytes());
        }
    }

    pub fn i64(&mut self, n: i64) {
        if n < 0 {
            self.0.push(b'-');
        }
        self.u64(n.unsigned_abs());
    }

    /// `v` (below 10^8) without leading zeros.
    #[inline]
    fn lead(&mut self, v: u32) {
        let len = v.checked_ilog10().unwrap_or(0) as usize + 1;
        let digits = eight_digits(v) >> (8 * (8 - len));
        let end = self.0.len() + len;
        self.0.extend_from_slice(&digits.to_le_bytes());
        self.0.truncate(end);
    }

    /// `n` in exactly `width` digits, zero-padded; `n` must fit.
    #[inline]
    pub fn zpad(&mut self, n: u64, width: usize) {
        if width == 0 {
        } else if width <= 8 && n < 100_000_000 {
            let digits = eight_digits(n as u32) >> (8 * (8 - width));
            let end = self.0.len() + width;
            self.0.extend_from_slice(&digits.to_le_bytes());
            self.0.truncate(end);
        } else {
            let start = self.0.len();
            self.0.resize(start + width, b'0');
            let mut n = n;
            for d in self.0[start..].iter_mut().rev() {
                *d = b'0' + (n % 10) as u8;
                n /= 10;
            }
        }
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

/// `v` (below 10^8) as eight ASCII digits, zero-padded, the first digit
/// in the lowest byte: the two four-digit halves, then the four two-digit
/// quarters, then the eight digits are split side by side in one `u64`
/// (x / 100 as x * 10486 >> 20 for x < 10^4, x / 10 as x * 103 >> 10 for
/// x < 100).
#[inline]
fn eight_digits(v: u32) -> u64 {
    let v = u64::from(v);
    let halves = (v / 10_000) | ((v % 10_000) << 32);
    let hundreds = ((halves * 10_486) >> 20) & ((0x7f << 32) | 0x7f);
    let quarters = ((halves - 100 * hundreds) << 16) | hundreds;
    let tens = ((quarters * 103) >> 10) & 0x000f_000f_000f_000f;
    let digits = tens | ((quarters - 10 * tens) << 8);
    digits + 0x3030_3030_3030_3030
}

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

    /// The register arithmetic against `format!`, on every number below
    /// 10^5 and a spread of larger ones, in every width.
    #[test]
    fn digit_groups_like_format() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let spread = (0..200_000).map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed >> (seed % 64)
        });
        let mut b = Buf::default();
        for n in (0..100_000u64).chain(spread) {
            b.0.clear();
            b.u64(n);
            assert_eq!(b.0, n.to_string().into_bytes());
            let width = (n % 10) as usize + 1;
            let fit = n % 10u64.pow(width as u32);
            b.0.clear();
            b.zpad(fit, width);
            assert_eq!(
                b.0,
                format!("{fit:0width$}").into_bytes(),
                "{fit} in {width}"
            );
        }
    }
}
