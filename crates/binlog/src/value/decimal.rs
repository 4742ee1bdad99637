//! MySQL's binary DECIMAL format (`decimal2bin`), big-endian.
//!
//! A DECIMAL(p, s) stores its integer digits (p - s) and fraction digits (s)
//! in groups of nine decimal digits per 4-byte word; a partial group takes
//! `DIG2BYTES[n]` bytes. Integer groups are right-aligned (the partial group
//! comes first), fraction groups left-aligned (the partial group comes
//! last). Every word is big-endian. The sign lives in the top bit of the
//! first byte, inverted (set = non-negative); a negative number also has
//! every byte inverted.

use crate::cursor::be_uint;
use crate::error::{DecodeError, Result};

const DIG_PER_WORD: usize = 9;
const DIG2BYTES: [usize; 10] = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];
/// MySQL's DECIMAL limits: at most 65 digits, at most 30 after the point.
pub const MAX_PRECISION: u8 = 65;
pub const MAX_SCALE: u8 = 30;

/// Bytes taken by a DECIMAL(precision, scale) value.
pub fn decimal_bin_size(precision: u8, scale: u8) -> usize {
    let intg = usize::from(precision.saturating_sub(scale));
    let frac = usize::from(scale);
    intg / DIG_PER_WORD * 4
        + DIG2BYTES[intg % DIG_PER_WORD]
        + frac / DIG_PER_WORD * 4
        + DIG2BYTES[frac % DIG_PER_WORD]
}

/// A decoded DECIMAL: its sign and its digits, as MySQL prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    pub negative: bool,
    /// Integer digits without leading zeros ("0" when there are none).
    pub int_digits: String,
    /// Exactly `scale` fraction digits.
    pub frac_digits: String,
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.negative {
            f.write_str("-")?;
        }
        f.write_str(&self.int_digits)?;
        if !self.frac_digits.is_empty() {
            f.write_str(".")?;
            f.write_str(&self.frac_digits)?;
        }
        Ok(())
    }
}

fn check_ps(precision: u8, scale: u8) -> Result<()> {
    if precision == 0 || precision > MAX_PRECISION || scale > MAX_SCALE || scale > precision {
        return Err(DecodeError::invalid(
            "DECIMAL metadata",
            format!("precision {precision}, scale {scale}"),
        ));
    }
    Ok(())
}

/// Decodes a DECIMAL(precision, scale) from the start of `bytes`; returns
/// the value and the number of bytes it took.
pub fn decode_decimal(bytes: &[u8], precision: u8, scale: u8) -> Result<(Decimal, usize)> {
    check_ps(precision, scale)?;
    let size = decimal_bin_size(precision, scale);
    if bytes.len() < size {
        return Err(DecodeError::Truncated {
            what: "DECIMAL value",
            need: size,
            have: bytes.len(),
        });
    }
    if size == 0 {
        return Err(DecodeError::invalid("DECIMAL value", "zero-length decimal"));
    }
    let mut buf = [0u8; 64];
    let b = &mut buf[..size];
    b.copy_from_slice(&bytes[..size]);
    let negative = b[0] & 0x80 == 0;
    b[0] ^= 0x80;
    if negative {
        b.iter_mut().for_each(|x| *x = !*x);
    }
    let intg = usize::from(precision - scale);
    let frac = usize::from(scale);
    let mut pos = 0;
    let mut int_digits = String::with_capacity(intg + 1);
    let push_group = |out: &mut String, bytes: &[u8], digits: usize| -> Result<()> {
        let v = be_uint(bytes);
        if v >= 10u64.pow(digits as u32) {
            return Err(DecodeError::invalid(
                "DECIMAL value",
                format!("digit group {v} exceeds {digits} digits"),
            ));
        }
        let s = format!("{v:0digits$}");
        out.push_str(&s);
        Ok(())
    };
    let lead = intg % DIG_PER_WORD;
    if lead > 0 {
        let n = DIG2BYTES[lead];
        push_group(&mut int_digits, &b[pos..pos + n], lead)?;
        pos += n;
    }
    for _ in 0..intg / DIG_PER_WORD {
        push_group(&mut int_digits, &b[pos..pos + 4], DIG_PER_WORD)?;
        pos += 4;
    }
    let mut frac_digits = String::with_capacity(frac);
    for _ in 0..frac / DIG_PER_WORD {
        push_group(&mut frac_digits, &b[pos..pos + 4], DIG_PER_WORD)?;
        pos += 4;
    }
    let trail = frac % DIG_PER_WORD;
    if trail > 0 {
        let n = DIG2BYTES[trail];
        push_group(&mut frac_digits, &b[pos..pos + n], trail)?;
        pos += n;
    }
    debug_assert_eq!(pos, size);
    let trimmed = int_digits.trim_start_matches('0');
    let int_digits = if trimmed.is_empty() {
        "0".to_string()
    } else {
        trimmed.to_string()
    };
    Ok((
        Decimal {
            negative,
            int_digits,
            frac_digits,
        },
        size,
    ))
}

/// Encodes a decimal given as an optional '-' and digits with an optional
/// '.' into DECIMAL(precision, scale) form (the inverse of `decode_decimal`;
/// used by tests and by writers of row images).
pub fn encode_decimal(text: &str, precision: u8, scale: u8) -> Result<Vec<u8>> {
    check_ps(precision, scale)?;
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    let valid = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    if !valid(int_part) || !valid(frac_part) {
        return Err(DecodeError::invalid("decimal text", text.to_string()));
    }
    let intg = usize::from(precision - scale);
    let frac = usize::from(scale);
    let int_part = int_part.trim_start_matches('0');
    if int_part.len() > intg || frac_part.len() > frac {
        return Err(DecodeError::invalid(
            "decimal text",
            format!("{text} does not fit DECIMAL({precision},{scale})"),
        ));
    }
    let int_padded = format!("{int_part:0>intg$}");
    let frac_padded = format!("{frac_part:0<frac$}");
    let mut out = Vec::with_capacity(decimal_bin_size(precision, scale));
    let put = |out: &mut Vec<u8>, digits: &str, nbytes: usize| {
        let v: u64 = if digits.is_empty() {
            0
        } else {
            digits.parse().unwrap_or(0)
        };
        out.extend_from_slice(&v.to_be_bytes()[8 - nbytes..]);
    };
    let lead = intg % DIG_PER_WORD;
    let mut i = 0;
    if lead > 0 {
        put(&mut out, &int_padded[..lead], DIG2BYTES[lead]);
        i = lead;
    }
    while i < intg {
        put(&mut out, &int_padded[i..i + DIG_PER_WORD], 4);
        i += DIG_PER_WORD;
    }
    let mut j = 0;
    while j + DIG_PER_WORD <= frac {
        put(&mut out, &frac_padded[j..j + DIG_PER_WORD], 4);
        j += DIG_PER_WORD;
    }
    if j < frac {
        put(&mut out, &frac_padded[j..], DIG2BYTES[frac - j]);
    }
    if negative {
        out.iter_mut().for_each(|x| *x = !*x);
    }
    out[0] ^= 0x80;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        // DECIMAL(5,2) 250.00 as written by MySQL 9.6.
        let (d, n) = decode_decimal(&[0x80, 0xfa, 0x00], 5, 2).unwrap();
        assert_eq!((d.to_string().as_str(), n), ("250.00", 3));
        let enc = encode_decimal("-1234.5", 10, 4).unwrap();
        assert_eq!(
            decode_decimal(&enc, 10, 4).unwrap().0.to_string(),
            "-1234.5000"
        );
        assert_eq!(
            decode_decimal(&encode_decimal("0", 4, 4).unwrap(), 4, 4)
                .unwrap()
                .0
                .to_string(),
            "0.0000"
        );
        assert!(decode_decimal(&[0x80], 5, 2).is_err());
        assert!(decode_decimal(&[0; 8], 0, 0).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(neg in any::<bool>(), precision in 1u8..=65, scale_seed in 0u8..=30, digits in "[0-9]{0,70}") {
            let scale = scale_seed.min(precision);
            let intg = usize::from(precision - scale);
            let int_part: String = digits.chars().take(intg).collect();
            let frac_part: String = digits.chars().skip(intg).take(usize::from(scale)).collect();
            let text = format!("{}{}.{}", if neg { "-" } else { "" }, int_part, frac_part);
            let enc = encode_decimal(&text, precision, scale).unwrap();
            prop_assert_eq!(enc.len(), decimal_bin_size(precision, scale));
            let (d, n) = decode_decimal(&enc, precision, scale).unwrap();
            prop_assert_eq!(n, enc.len());
            let t = int_part.trim_start_matches('0');
            prop_assert_eq!(&d.int_digits, if t.is_empty() { "0" } else { t });
            prop_assert_eq!(d.frac_digits, format!("{frac_part:0<width$}", width = usize::from(scale)));
            prop_assert_eq!(d.negative, neg);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40), p in 0u8..80, s in 0u8..40) {
            let _ = decode_decimal(&bytes, p, s);
        }
    }
}
