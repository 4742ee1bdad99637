//! TIME columns stored from a statement's values, as MySQL reads them
//! (checked on MySQL 9.7 and MariaDB 10.11): `[-][D ]H:M[:S[.f]]`,
//! `D H`, digits read from the right as `[[HH]MM]SS[.f]` (strings and
//! numbers alike: `'112'` is 00:01:12, `10.5` is 00:00:10.5), and the
//! time of a datetime. Fraction digits past the column's are rounded
//! (MySQL) or cut (MariaDB), carrying into the seconds. Anything else —
//! minutes or seconds past 59, other shapes, more than 838:59:59 — is
//! not stored: in strict mode the source failed the statement (1292),
//! otherwise it stored something understudy does not guess.

use understudy_sql::Column;
use understudy_sql::dml::eval::EvalError;
use understudy_sql::dml::temporal::Temporal;
use understudy_sql::dml::value::{Text, Value};
use understudy_store::Cell;

use super::cast::{Fraction, StoreRules};

/// 838:59:59, the largest TIME, in microseconds.
const MAX_MICROS: u64 = (838 * 3600 + 59 * 60 + 59) * 1_000_000;

/// A time read from text: sign, whole seconds and the fraction digits.
struct Parsed {
    negative: bool,
    seconds: u64,
    fraction: String,
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

fn parse(text: &str) -> Option<Parsed> {
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
    Some(Parsed {
        negative,
        seconds,
        fraction: fraction.to_owned(),
    })
}

/// The time of a value: text and numbers as above, a datetime's time.
fn parsed(v: &Value) -> Option<Parsed> {
    match v {
        Value::Str(b, Text::Collated(_)) => {
            let s = std::str::from_utf8(b).ok()?;
            parse(s).or_else(|| {
                // A datetime string: its time (not a date alone).
                let t = Temporal::parse(s).filter(|t| !t.date)?;
                of_temporal(&t)
            })
        }
        Value::Int(i) => parse(&i.to_string()),
        Value::UInt(u) => parse(&u.to_string()),
        Value::Decimal(d) => parse(&d.to_string()),
        Value::Temporal(t) if !t.date => of_temporal(t),
        _ => None,
    }
}

fn of_temporal(t: &Temporal) -> Option<Parsed> {
    Some(Parsed {
        negative: false,
        seconds: (u64::from(t.hour) * 60 + u64::from(t.minute)) * 60 + u64::from(t.second),
        fraction: format!("{:06}", t.micros),
    })
}

/// Microseconds at `fsp` fraction digits: rounded half up, or cut.
fn micros(p: &Parsed, fsp: u8, cut: bool) -> u64 {
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

/// The TIME(`fsp`) cell for `v`.
pub(super) fn time_cell(
    v: &Value,
    col: &Column,
    fsp: u8,
    rules: StoreRules<'_>,
) -> Result<Cell, EvalError> {
    let not_stored = || {
        EvalError::unsupported(format!(
            "storing this value into TIME column {} (without strict mode the source \
             stores what understudy does not guess)",
            col.name
        ))
    };
    let Some(p) = parsed(v) else {
        return Err(if rules.strict {
            EvalError::Sql {
                errno: 1292,
                message: format!(
                    "Incorrect time value for column '{}' at row {}",
                    col.name, rules.row
                ),
            }
        } else {
            not_stored()
        });
    };
    let us = match rules.fraction {
        Fraction::Round => micros(&p, fsp, false),
        Fraction::Truncate => micros(&p, fsp, true),
        Fraction::Unknown if micros(&p, fsp, false) == micros(&p, fsp, true) => {
            micros(&p, fsp, true)
        }
        Fraction::Unknown => return Err(not_stored()),
    };
    if us > MAX_MICROS {
        return Err(if rules.strict {
            EvalError::Sql {
                errno: 1292,
                message: format!(
                    "Incorrect time value for column '{}' at row {}",
                    col.name, rules.row
                ),
            }
        } else {
            not_stored()
        });
    }
    let seconds = us / 1_000_000;
    Ok(Cell::Time {
        negative: p.negative && us > 0,
        hours: (seconds / 3600) as u32,
        minutes: (seconds / 60 % 60) as u8,
        seconds: (seconds % 60) as u8,
        micros: (us % 1_000_000) as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `HH:MM:SS.ffffff` of a parsed value at `fsp`, rounded.
    fn shown(s: &str, fsp: u8) -> Option<String> {
        let p = parse(s)?;
        let us = micros(&p, fsp, false);
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
