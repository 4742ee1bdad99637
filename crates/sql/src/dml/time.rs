//! TIME values: the shapes MySQL reads a TIME from (checked on MySQL 9.7
//! and MariaDB 10.11) — `[-][D ]H:M[:S[.f]]`, `D H`, and digits read from
//! the right as `[[HH]MM]SS[.f]` (`'112'` is 00:01:12, `10.5` is
//! 00:00:10.5) — and a TIME column's value in expressions ([`TimeValue`]).

use std::fmt;

/// 838:59:59, the largest TIME, in microseconds.
pub const MAX_MICROS: u64 = (838 * 3600 + 59 * 60 + 59) * 1_000_000;

/// A time read from text: sign, whole seconds and the fraction digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedTime {
    pub negative: bool,
    pub seconds: u64,
    /// The fraction's digits, as written.
    pub fraction: String,
}

fn digits(s: &str) -> Option<u64> {
    (!s.is_empty() && s.len() <= 3 && s.bytes().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn under_60(s: &str) -> Option<u64> {
    digits(s).filter(|&n| n < 60 && s.len() <= 2)
}

/// `H:M[:S]` (H up to three digits), after the fraction is split off.
fn clock(s: &str) -> Option<u64> {
    let mut p = s.split(':');
    let h = digits(p.next()?)?;
    let m = under_60(p.next()?)?;
    let sec = match p.next() {
        Some(x) => under_60(x)?,
        None => 0,
    };
    p.next().is_none().then_some((h * 60 + m) * 60 + sec)
}

/// The time `text` gives a TIME column, if it has one of the shapes.
pub fn parse_time(text: &str) -> Option<ParsedTime> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (whole, fraction) = t.split_once('.').unwrap_or((t, ""));
    if !fraction.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let seconds = if let Some((days, rest)) = whole.split_once(' ') {
        let days = digits(days)?;
        let rest = rest.trim_start();
        let time = if rest.contains(':') {
            clock(rest)?
        } else if fraction.is_empty() {
            digits(rest).filter(|&h| rest.len() <= 2 && h < 24)? * 3600
        } else {
            return None;
        };
        days * 86_400 + time
    } else if whole.contains(':') {
        // `H:M` is `H:M:00`, and takes no fraction.
        if whole.matches(':').count() == 1 && !fraction.is_empty() {
            return None;
        }
        clock(whole)?
    } else {
        if whole.is_empty() || whole.len() > 6 || !whole.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n: u64 = whole.parse().ok()?;
        let (h, m, s) = (n / 10_000, n / 100 % 100, n % 100);
        if m >= 60 || s >= 60 {
            return None;
        }
        (h * 60 + m) * 60 + s
    };
    Some(ParsedTime {
        negative,
        seconds,
        fraction: fraction.to_owned(),
    })
}

impl ParsedTime {
    /// Microseconds at `fsp` fraction digits: rounded half up (the
    /// digit after them decides), or cut.
    pub fn micros(&self, fsp: u8, cut: bool) -> u64 {
        let p = self;
        let fsp = fsp.min(6);
        let keep = usize::from(fsp);
        let mut kept: String = p.fraction.chars().take(keep).collect();
        while kept.len() < 6 {
            kept.push('0');
        }
        let mut us = p.seconds * 1_000_000 + kept.parse::<u64>().unwrap_or(0);
        let next = p.fraction.as_bytes().get(keep).copied();
        if !cut && next.is_some_and(|d| d >= b'5') {
            us += 10u64.pow(6 - u32::from(fsp));
        }
        us
    }
}

/// A TIME column's value: its sign, magnitude and fraction digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeValue {
    pub negative: bool,
    pub micros: u64,
    pub fsp: u8,
}

impl TimeValue {
    /// Signed microseconds, for comparisons.
    pub fn signed(&self) -> i128 {
        let m = i128::from(self.micros);
        if self.negative { -m } else { m }
    }
}

impl fmt::Display for TimeValue {
    /// MySQL's text: `[-]HH:MM:SS` and `fsp` fraction digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.micros / 1_000_000;
        let sign = if self.negative && self.micros > 0 {
            "-"
        } else {
            ""
        };
        write!(f, "{sign}{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)?;
        if self.fsp > 0 {
            let frac = format!("{:06}", self.micros % 1_000_000);
            write!(f, ".{}", &frac[..usize::from(self.fsp.min(6))])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `HH:MM:SS.ffffff` of a parsed value at `fsp`, rounded.
    fn shown(s: &str, fsp: u8) -> Option<String> {
        let p = parse_time(s)?;
        let us = p.micros(fsp, false);
        let sec = us / 1_000_000;
        let sign = if p.negative && us > 0 { "-" } else { "" };
        Some(format!(
            "{sign}{:02}:{:02}:{:02}.{:06}",
            sec / 3600,
            sec / 60 % 60,
            sec % 60,
            us % 1_000_000
        ))
    }

    #[test]
    fn times_read_as_mysql_reads_them() {
        // Recorded on MySQL 9.7 (TIME and TIME(3) columns).
        assert_eq!(shown("10:30:00", 0).as_deref(), Some("10:30:00.000000"));
        assert_eq!(
            shown("10:30:00.1235", 3).as_deref(),
            Some("10:30:00.124000")
        );
        assert_eq!(shown("1:2:3", 0).as_deref(), Some("01:02:03.000000"));
        assert_eq!(shown("-1:2:3.9999", 3).as_deref(), Some("-01:02:04.000000"));
        assert_eq!(shown("2 10:00", 0).as_deref(), Some("58:00:00.000000"));
        assert_eq!(shown("2 10", 3).as_deref(), Some("58:00:00.000000"));
        assert_eq!(shown("103000", 0).as_deref(), Some("10:30:00.000000"));
        assert_eq!(shown("1030", 3).as_deref(), Some("00:10:30.000000"));
        assert_eq!(shown("112", 0).as_deref(), Some("00:01:12.000000"));
        assert_eq!(shown("10.5", 0).as_deref(), Some("00:00:11.000000"));
        assert_eq!(
            shown("00:00:59.9995", 3).as_deref(),
            Some("00:01:00.000000")
        );
        assert_eq!(shown("-00:00:00", 0).as_deref(), Some("00:00:00.000000"));
        assert_eq!(shown("123456.4567", 3).as_deref(), Some("12:34:56.457000"));
        assert_eq!(shown("3 23:59:59", 0).as_deref(), Some("95:59:59.000000"));
        for bad in [
            "10:60:00",
            "1:2.5",
            "abc",
            "1234567",
            "1 2 3",
            "10:30:00:00",
            "",
        ] {
            assert_eq!(shown(bad, 0), None, "{bad}");
        }
    }
}
