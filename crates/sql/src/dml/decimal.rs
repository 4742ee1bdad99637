//! Exact decimals for statement evaluation: a signed mantissa and a
//! scale, as MySQL's DECIMAL arithmetic keeps them (sums and products
//! exact, quotients with `div_precision_increment` = 4 more digits,
//! rounding half away from zero). Up to 38 digits; a result that needs
//! more is refused (`None`) rather than approximated.

use std::cmp::Ordering;

/// The quotient's extra fraction digits (`div_precision_increment`).
pub const DIV_PRECISION_INCREMENT: u8 = 4;
/// MySQL's largest DECIMAL scale.
pub const MAX_SCALE: u8 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub mantissa: i128,
    pub scale: u8,
}

fn pow10(n: u8) -> Option<i128> {
    10i128.checked_pow(u32::from(n))
}

impl Decimal {
    pub fn from_i128(v: i128) -> Decimal {
        Decimal {
            mantissa: v,
            scale: 0,
        }
    }

    /// `-12.340`, `.5`, `7.` (no exponent: that is a DOUBLE literal).
    pub fn parse(s: &str) -> Option<Decimal> {
        let s = s.trim();
        let (neg, digits) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty() && frac.is_empty()
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let scale = u8::try_from(frac.len()).ok().filter(|&s| s <= MAX_SCALE)?;
        let mut m: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            m = m.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        Some(Decimal {
            mantissa: if neg { -m } else { m },
            scale,
        })
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// The same value with `scale` fraction digits, rounding half away
    /// from zero when digits go.
    pub fn round(self, scale: u8) -> Option<Decimal> {
        match scale.cmp(&self.scale) {
            Ordering::Equal => Some(self),
            Ordering::Greater => Some(Decimal {
                mantissa: self.mantissa.checked_mul(pow10(scale - self.scale)?)?,
                scale,
            }),
            Ordering::Less => {
                let d = pow10(self.scale - scale)?;
                let (q, r) = (self.mantissa / d, self.mantissa % d);
                let q = if r.abs() * 2 >= d {
                    q + self.mantissa.signum()
                } else {
                    q
                };
                Some(Decimal { mantissa: q, scale })
            }
        }
    }

    /// Digits before the point (0 for a value below 1).
    pub fn int_digits(&self) -> u32 {
        let Some(d) = pow10(self.scale) else {
            return 0;
        };
        let int = (self.mantissa / d).unsigned_abs();
        if int == 0 { 0 } else { int.ilog10() + 1 }
    }

    fn aligned(self, other: Decimal) -> Option<(i128, i128, u8)> {
        let s = self.scale.max(other.scale);
        Some((self.round(s)?.mantissa, other.round(s)?.mantissa, s))
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Decimal {
            mantissa: a.checked_add(b)?,
            scale,
        })
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Decimal {
            mantissa: a.checked_sub(b)?,
            scale,
        })
    }

    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.checked_add(other.scale)?.min(MAX_SCALE);
        let exact = Decimal {
            mantissa: self.mantissa.checked_mul(other.mantissa)?,
            scale: self.scale + other.scale,
        };
        exact.round(scale)
    }

    /// `self / other` with the dividend's scale plus
    /// [`DIV_PRECISION_INCREMENT`] digits; `None` also for a zero divisor
    /// (the caller decides what that is).
    pub fn checked_div(self, other: Decimal) -> Option<Decimal> {
        if other.is_zero() {
            return None;
        }
        let scale = (self.scale + DIV_PRECISION_INCREMENT).min(MAX_SCALE);
        // a/10^sa ÷ b/10^sb = (a·10^(scale+sb+1−sa) ÷ b) / 10^(scale+1),
        // one guard digit for the rounding.
        let shift = (scale + other.scale + 1).checked_sub(self.scale)?;
        let n = self.mantissa.checked_mul(pow10(shift)?)?;
        Decimal {
            mantissa: n / other.mantissa,
            scale: scale + 1,
        }
        .round(scale)
    }

    /// The quotient truncated toward zero (`None`: a zero divisor, or
    /// past 38 digits).
    pub fn div_trunc(self, other: Decimal) -> Option<i128> {
        let num = self.mantissa.checked_mul(pow10(other.scale)?)?;
        let den = other.mantissa.checked_mul(pow10(self.scale)?)?;
        num.checked_div(den)
    }

    /// The remainder with the sign of the dividend, as MySQL's `%`.
    pub fn checked_rem(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other)?;
        if b == 0 {
            return None;
        }
        Some(Decimal {
            mantissa: a % b,
            scale,
        })
    }

    pub fn checked_neg(self) -> Option<Decimal> {
        Some(Decimal {
            mantissa: self.mantissa.checked_neg()?,
            scale: self.scale,
        })
    }

    pub fn checked_cmp(&self, other: &Decimal) -> Option<Ordering> {
        let (a, b, _) = self.aligned(*other)?;
        Some(a.cmp(&b))
    }

    pub fn to_f64(&self) -> f64 {
        // Through the text: the nearest double, as MySQL converts.
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// The integer part after rounding half away from zero.
    pub fn to_i128_rounded(&self) -> Option<i128> {
        self.round(0).map(|d| d.mantissa)
    }
}

impl std::fmt::Display for Decimal {
    /// MySQL's text: exactly `scale` fraction digits, no `-0`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = usize::from(self.scale);
        let padded = if digits.len() <= scale {
            format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
        } else {
            digits
        };
        let (int, frac) = padded.split_at(padded.len() - scale);
        if self.mantissa < 0 {
            f.write_str("-")?;
        }
        f.write_str(int)?;
        if scale > 0 {
            write!(f, ".{frac}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn parses_and_prints_as_mysql() {
        assert_eq!(d("-12.340").to_string(), "-12.340");
        assert_eq!(d(".5").to_string(), "0.5");
        assert_eq!(d("7.").to_string(), "7");
        assert_eq!(d("-0.05").to_string(), "-0.05");
        assert_eq!(Decimal::parse("1e3"), None);
        assert_eq!(Decimal::parse("."), None);
        assert_eq!(d("99.5").int_digits(), 2);
        assert_eq!(d("0.5").int_digits(), 0);
    }

    #[test]
    fn arithmetic_keeps_mysql_scales() {
        assert_eq!(d("1.5").checked_add(d("2.25")).unwrap().to_string(), "3.75");
        assert_eq!(d("1.10").checked_mul(d("3")).unwrap().to_string(), "3.30");
        // SELECT 1/3 → 0.3333; SELECT 2.00/3 → 0.666667; SELECT 5/2 → 2.5000
        assert_eq!(d("1").checked_div(d("3")).unwrap().to_string(), "0.3333");
        assert_eq!(
            d("2.00").checked_div(d("3")).unwrap().to_string(),
            "0.666667"
        );
        assert_eq!(d("5").checked_div(d("2")).unwrap().to_string(), "2.5000");
        assert_eq!(d("-5").checked_div(d("3")).unwrap().to_string(), "-1.6667");
        assert_eq!(d("-7.5").checked_rem(d("2")).unwrap().to_string(), "-1.5");
        assert_eq!(d("1").checked_div(d("0")), None);
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(d("2.345").round(2).unwrap().to_string(), "2.35");
        assert_eq!(d("-2.345").round(2).unwrap().to_string(), "-2.35");
        assert_eq!(d("2.344").round(2).unwrap().to_string(), "2.34");
        assert_eq!(d("2.5").to_i128_rounded(), Some(3));
        assert_eq!(d("-0.4").round(0).unwrap().to_string(), "0");
        assert_eq!(d("1").checked_cmp(&d("1.000")), Some(Ordering::Equal));
    }
}
