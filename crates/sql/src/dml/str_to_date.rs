//! `STR_TO_DATE(text, format)` as MySQL reads a date with DATE_FORMAT's
//! specifiers: numbers of one or two digits (four for `%Y`, six for
//! `%f`), English month names, AM/PM. Text the format does not read
//! whole, a date without its month or day, or one the calendar does
//! not have is not evaluated: MySQL gives NULL with a warning that a
//! strict statement makes an error, or a zero date.

use super::eval::EvalError;
use super::format::MONTHS;
use super::temporal::Temporal;
use super::time::TimeValue;
use super::value::Value;

/// What the format read.
#[derive(Default)]
struct Fields {
    year: Option<u16>,
    month: Option<u8>,
    day: Option<u8>,
    hour: Option<u8>,
    twelve: bool,
    pm: Option<bool>,
    minute: Option<u8>,
    second: Option<u8>,
    micros: Option<u32>,
}

fn refuse(why: &str) -> EvalError {
    EvalError::unsupported(format!("STR_TO_DATE {why}"))
}

/// Up to `max` digits at `at` (at least one).
fn digits(s: &[u8], at: &mut usize, max: usize) -> Result<u32, EvalError> {
    let start = *at;
    while *at < s.len() && *at - start < max && s[*at].is_ascii_digit() {
        *at += 1;
    }
    if *at == start {
        return Err(refuse("of text without a number where the format has one"));
    }
    std::str::from_utf8(&s[start..*at])
        .ok()
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| refuse("of a number out of range"))
}

/// The word of `names` (case-insensitive; `short`: its first three
/// letters) at `at`, as its index.
fn name(s: &[u8], at: &mut usize, short: bool) -> Result<usize, EvalError> {
    for (i, n) in MONTHS.iter().enumerate() {
        let n = if short { &n[..3] } else { n };
        if s.len() >= *at + n.len() && s[*at..*at + n.len()].eq_ignore_ascii_case(n.as_bytes()) {
            *at += n.len();
            return Ok(i);
        }
    }
    Err(refuse(
        "of text without a month's name where the format has one",
    ))
}

fn small(v: u32, max: u32) -> Result<u8, EvalError> {
    u8::try_from(v)
        .ok()
        .filter(|&v| u32::from(v) <= max)
        .ok_or_else(|| refuse("of a field out of range"))
}

/// STR_TO_DATE of evaluated arguments.
pub fn str_to_date(s: &[u8], format: &[u8]) -> Result<Value, EvalError> {
    let mut f = Fields::default();
    // Spaces before the text are skipped.
    let mut at = s.iter().take_while(|c| c.is_ascii_whitespace()).count();
    let mut it = format.iter();
    while let Some(&c) = it.next() {
        if c != b'%' {
            if c.is_ascii_whitespace() {
                // A space in the format skips any spaces in the text.
                while s.get(at).is_some_and(u8::is_ascii_whitespace) {
                    at += 1;
                }
            } else if s.get(at) == Some(&c) {
                at += 1;
            } else {
                return Err(refuse("of text that does not match its format"));
            }
            continue;
        }
        let Some(&spec) = it.next() else {
            return Err(refuse("with a format ending in %"));
        };
        match spec {
            b'Y' => f.year = Some(digits(s, &mut at, 4)? as u16),
            b'y' => {
                let y = digits(s, &mut at, 2)?;
                f.year = Some((if y < 70 { 2000 + y } else { 1900 + y }) as u16);
            }
            b'm' | b'c' => f.month = Some(small(digits(s, &mut at, 2)?, 12)?),
            b'd' | b'e' => f.day = Some(small(digits(s, &mut at, 2)?, 31)?),
            b'H' | b'k' => f.hour = Some(small(digits(s, &mut at, 2)?, 23)?),
            b'h' | b'I' | b'l' => {
                f.hour = Some(small(digits(s, &mut at, 2)?, 12)?);
                f.twelve = true;
            }
            b'i' => f.minute = Some(small(digits(s, &mut at, 2)?, 59)?),
            b's' | b'S' => f.second = Some(small(digits(s, &mut at, 2)?, 59)?),
            b'f' => {
                let start = at;
                let v = digits(s, &mut at, 6)?;
                f.micros = Some(v * 10u32.pow(6 - (at - start) as u32));
            }
            b'M' => f.month = Some(name(s, &mut at, false)? as u8 + 1),
            b'b' => f.month = Some(name(s, &mut at, true)? as u8 + 1),
            b'p' => {
                let w = s.get(at..at + 2).map(<[u8]>::to_ascii_uppercase);
                f.pm = Some(match w.as_deref() {
                    Some(b"AM") => false,
                    Some(b"PM") => true,
                    _ => return Err(refuse("of text without AM or PM where the format has it")),
                });
                at += 2;
            }
            b'T' => {
                f.hour = Some(small(digits(s, &mut at, 2)?, 23)?);
                for field in [&mut f.minute, &mut f.second] {
                    if s.get(at) != Some(&b':') {
                        return Err(refuse("of text that does not match %T"));
                    }
                    at += 1;
                    *field = Some(small(digits(s, &mut at, 2)?, 59)?);
                }
            }
            b'%' if s.get(at) == Some(&b'%') => at += 1,
            other => {
                return Err(refuse(&format!(
                    "with the specifier %{} (not evaluated yet)",
                    char::from(other)
                )));
            }
        }
    }
    if at != s.len() {
        return Err(refuse("of text longer than its format reads"));
    }
    build(&f)
}

/// The value the fields make: a DATE, DATETIME or TIME, as the format
/// has date parts, time parts or both.
fn build(f: &Fields) -> Result<Value, EvalError> {
    if f.pm.is_some() != f.twelve {
        return Err(refuse("with a 12-hour clock and no AM/PM, or the reverse"));
    }
    let hour = match (f.hour, f.pm) {
        (Some(h), Some(pm)) => {
            if h == 0 {
                return Err(refuse("of hour 0 on a 12-hour clock"));
            }
            Some(h % 12 + if pm { 12 } else { 0 })
        }
        (h, _) => h,
    };
    let timed = hour.is_some() || f.minute.is_some() || f.second.is_some() || f.micros.is_some();
    let dated = f.year.is_some() || f.month.is_some() || f.day.is_some();
    let fsp = if f.micros.is_some() { 6 } else { 0 };
    let (h, mi, s, us) = (
        hour.unwrap_or(0),
        f.minute.unwrap_or(0),
        f.second.unwrap_or(0),
        f.micros.unwrap_or(0),
    );
    if !dated {
        return Ok(Value::Time(TimeValue {
            negative: false,
            micros: ((u64::from(h) * 60 + u64::from(mi)) * 60 + u64::from(s)) * 1_000_000
                + u64::from(us),
            fsp,
        }));
    }
    let (Some(year), Some(month), Some(day)) = (f.year, f.month, f.day) else {
        return Err(refuse("of a date without its year, month or day"));
    };
    let text = format!("{year:04}-{month:02}-{day:02}");
    let Some(date) = Temporal::parse(&text).filter(|t| t.year > 0) else {
        return Err(refuse(&format!(
            "of the date {text}, which the calendar does not have"
        )));
    };
    Ok(Value::Temporal(if timed {
        Temporal {
            hour: h,
            minute: mi,
            second: s,
            micros: us,
            date: false,
            fsp,
            ..date
        }
    } else {
        date
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(s: &str, f: &str) -> Option<String> {
        match str_to_date(s.as_bytes(), f.as_bytes()).ok()? {
            Value::Temporal(t) => Some(t.to_string()),
            Value::Time(t) => Some(t.to_string()),
            other => Some(format!("{other:?}")),
        }
    }

    #[test]
    fn reads_dates_as_the_format_says() {
        assert_eq!(
            shown("01/02/2024", "%m/%d/%Y").as_deref(),
            Some("2024-01-02")
        );
        assert_eq!(
            shown("March 5 24 1:07 PM", "%M %e %y %l:%i %p").as_deref(),
            Some("2024-03-05 13:07:00")
        );
        assert_eq!(
            shown("2024-02-29 23:59:58.5", "%Y-%m-%d %T.%f").as_deref(),
            Some("2024-02-29 23:59:58.500000")
        );
        assert_eq!(shown("10:30", "%H:%i").as_deref(), Some("10:30:00"));
        for (s, f) in [
            ("2023-02-29", "%Y-%m-%d"),
            ("2024-01", "%Y-%m"),
            ("2024-01-01x", "%Y-%m-%d"),
            ("12:00", "%h:%i"),
            ("2024-01-01", "%Y-%m-%d %H"),
        ] {
            assert_eq!(shown(s, f), None, "{s} {f}");
        }
    }
}
