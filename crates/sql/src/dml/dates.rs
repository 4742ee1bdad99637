//! Date arithmetic and date functions as MySQL evaluates them: `d ±
//! INTERVAL n unit`, DATE_ADD/DATE_SUB, DATE(), YEAR() and its kin,
//! DATEDIFF, TO_DAYS and LAST_DAY, on DATE and DATETIME values (a
//! string is read as one; anything else is not evaluated here).

use sqlparser::ast::{DateTimeField, Interval};

use super::eval::{EvalError, Row, eval, param_count};
use super::temporal::{Temporal, at_micros, civil, day_number};
use super::value::{Text, Value};

/// An interval: whole months (YEAR, QUARTER, MONTH) or microseconds
/// (WEEK down to MICROSECOND); `fraction`: it reaches below seconds.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    months: i64,
    micros: i64,
    /// It has a time part (a DATE plus it is a DATETIME).
    timed: bool,
    fraction: bool,
}

/// `INTERVAL n unit` with an integer n.
pub fn interval(i: &Interval, row: &dyn Row) -> Result<Option<Span>, EvalError> {
    let unsupported = || EvalError::unsupported(format!("the interval {i}"));
    if i.last_field.is_some() || i.leading_precision.is_some() {
        return Err(unsupported());
    }
    let n = match eval(&i.value, row)? {
        Value::Null => return Ok(None),
        Value::Int(n) => n,
        Value::UInt(u) => i64::try_from(u).map_err(|_| unsupported())?,
        Value::Str(b, Text::Collated(_)) => std::str::from_utf8(&b)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(unsupported)?,
        _ => return Err(unsupported()),
    };
    let field = i.leading_field.as_ref().ok_or_else(unsupported)?;
    span(field, n).map(Some).ok_or_else(unsupported)
}

/// `n` units of `field` (`None`: a unit not followed, or past i64).
pub fn span(field: &DateTimeField, n: i64) -> Option<Span> {
    let months = |per: i64| {
        n.checked_mul(per).map(|months| Span {
            months,
            micros: 0,
            timed: false,
            fraction: false,
        })
    };
    let micro = |per: i64, fraction| {
        n.checked_mul(per).map(|micros| Span {
            months: 0,
            micros,
            timed: per < 86_400_000_000,
            fraction,
        })
    };
    match field {
        DateTimeField::Year => months(12),
        DateTimeField::Quarter => months(3),
        DateTimeField::Month => months(1),
        DateTimeField::Week(None) => micro(7 * 86_400_000_000, false),
        DateTimeField::Day => micro(86_400_000_000, false),
        DateTimeField::Hour => micro(3_600_000_000, false),
        DateTimeField::Minute => micro(60_000_000, false),
        DateTimeField::Second => micro(1_000_000, false),
        DateTimeField::Microsecond => micro(1, true),
        _ => None,
    }
}

/// A value as a date or datetime (`None`: NULL).
pub(super) fn temporal(v: &Value, what: &str) -> Result<Option<Temporal>, EvalError> {
    let t = temporal_any_year(v, what)?;
    if t.is_some_and(|t| t.year == 0) {
        // MySQL's year 0 is not the proleptic Gregorian one.
        return Err(EvalError::unsupported(format!("{what} in the year 0")));
    }
    Ok(t)
}

fn temporal_any_year(v: &Value, what: &str) -> Result<Option<Temporal>, EvalError> {
    match v {
        Value::Null => Ok(None),
        Value::Temporal(t) => Ok(Some(*t)),
        // A string becomes a DATETIME(6) when it has a fraction.
        Value::Str(b, Text::Collated(_)) => std::str::from_utf8(b)
            .ok()
            .and_then(Temporal::parse)
            .map(|t| {
                Some(Temporal {
                    fsp: if t.fsp > 0 { 6 } else { 0 },
                    ..t
                })
            })
            .ok_or_else(|| EvalError::unsupported(format!("{what} of a value that is not a date"))),
        _ => Err(EvalError::unsupported(format!(
            "{what} of a value that is not a date"
        ))),
    }
}

fn days_in_month(y: i64, m: i64) -> i64 {
    day_number(y + i64::from(m == 12), m % 12 + 1, 1) - day_number(y, m, 1)
}

/// `t + span` (`sign` −1: minus); NULL past the years 0–9999, as MySQL
/// gives (with a warning).
/// `mysql`: the source is MySQL, where a string with a fraction is a
/// DATETIME(6); MariaDB keeps the digits the string has.
pub fn add(v: &Value, span: Option<Span>, sign: i64, mysql: bool) -> Result<Value, EvalError> {
    let (Some(mut t), Some(s)) = (temporal(v, "date arithmetic")?, span) else {
        return Ok(Value::Null);
    };
    if let (false, Value::Str(b, _)) = (mysql, v) {
        t.fsp = std::str::from_utf8(b)
            .ok()
            .and_then(Temporal::parse)
            .map_or(t.fsp, |p| p.fsp);
    }
    let (mut y, mut m, mut d) = (i64::from(t.year), i64::from(t.month), i64::from(t.day));
    // Past i64 is past year 9999 too: NULL, as MySQL gives.
    if s.months != 0 {
        let Some(total) = s
            .months
            .checked_mul(sign)
            .and_then(|k| (y * 12 + m - 1).checked_add(k))
        else {
            return Ok(Value::Null);
        };
        y = total.div_euclid(12);
        m = total.rem_euclid(12) + 1;
        if !(0..=9999).contains(&y) {
            return Ok(Value::Null);
        }
        d = d.min(days_in_month(y, m));
    }
    let day_micros = 86_400_000_000i64;
    let clock = ((i64::from(t.hour) * 60 + i64::from(t.minute)) * 60 + i64::from(t.second))
        * 1_000_000
        + i64::from(t.micros);
    let Some(at) = s
        .micros
        .checked_mul(sign)
        .and_then(|k| (day_number(y, m, d) * day_micros + clock).checked_add(k))
    else {
        return Ok(Value::Null);
    };
    let (y, _, _) = civil(at.div_euclid(day_micros));
    if !(0..=9999).contains(&y) {
        return Ok(Value::Null);
    }
    if y == 0 {
        return Err(EvalError::unsupported(
            "date arithmetic reaching the year 0",
        ));
    }
    let (date, fsp) = (t.date && !s.timed, if s.fraction { 6 } else { t.fsp });
    let at = at_micros(
        at.div_euclid(day_micros),
        at.rem_euclid(day_micros),
        date,
        fsp,
    );
    Ok(at.map_or(Value::Null, Value::Temporal))
}

/// A date function by name on evaluated arguments; `None` when the name
/// is not one of these (DATE_ADD and DATE_SUB take an interval: see
/// [`eval`]).
pub fn call(name: &str, a: &[Value]) -> Option<Result<Value, EvalError>> {
    let one = |f: fn(&Temporal) -> Value| -> Result<Value, EvalError> {
        param_count(name, a.len(), 1..=1)?;
        Ok(temporal(&a[0], name)?.map_or(Value::Null, |t| f(&t)))
    };
    Some(match name {
        "DATE" => one(|t| Value::Temporal(Temporal::date(t.year, t.month, t.day))),
        "YEAR" => one(|t| Value::Int(i64::from(t.year))),
        "MONTH" => one(|t| Value::Int(i64::from(t.month))),
        "DAY" | "DAYOFMONTH" => one(|t| Value::Int(i64::from(t.day))),
        // These read a date alone as a TIME ('2024-01-31' is 20:24:…).
        "HOUR" | "MINUTE" | "SECOND" => param_count(name, a.len(), 1..=1).and_then(|()| {
            let Some(t) = temporal(&a[0], name)? else {
                return Ok(Value::Null);
            };
            if t.date {
                return Err(EvalError::unsupported(format!("{name} of a date")));
            }
            Ok(Value::Int(i64::from(match name {
                "HOUR" => t.hour,
                "MINUTE" => t.minute,
                _ => t.second,
            })))
        }),
        "TO_DAYS" => one(|t| {
            // MySQL counts 0001-01-01 as day 366 (its year 0 has 365
            // days); years from 1 on are Gregorian.
            let n = day_number(i64::from(t.year), i64::from(t.month), i64::from(t.day));
            Value::Int(n - day_number(0, 1, 1))
        }),
        "LAST_DAY" => one(|t| {
            let last = days_in_month(i64::from(t.year), i64::from(t.month));
            Value::Temporal(Temporal::date(t.year, t.month, last as u8))
        }),
        "DATE_FORMAT" => param_count(name, a.len(), 2..=2).and_then(|()| {
            let (Some(t), Value::Str(f, _)) = (temporal(&a[0], name)?, &a[1]) else {
                return match &a[1] {
                    Value::Null | Value::Str(..) => Ok(Value::Null),
                    _ => Err(EvalError::unsupported(
                        "DATE_FORMAT with a format that is not a string",
                    )),
                };
            };
            if f.is_empty() {
                // (An empty format gives NULL, as in MySQL 9.7.)
                return Ok(Value::Null);
            }
            Ok(Value::Str(super::format::date_format(&t, f)?, Text::TEXT))
        }),
        "DATEDIFF" => param_count(name, a.len(), 2..=2).and_then(|()| {
            let (Some(x), Some(y)) = (temporal(&a[0], name)?, temporal(&a[1], name)?) else {
                return Ok(Value::Null);
            };
            let days =
                |t: Temporal| day_number(i64::from(t.year), i64::from(t.month), i64::from(t.day));
            Ok(Value::Int(days(x) - days(y)))
        }),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        for n in [-1000, 0, 59, 60, 365, 730_000, 3_000_000] {
            let (y, m, d) = civil(n);
            assert_eq!(day_number(y, m, d), n);
        }
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2024, 12), 31);
    }

    /// Intervals at the edges of i64 give NULL, never an overflow.
    #[test]
    fn huge_intervals_do_not_overflow() {
        let d = Value::Str(b"2024-01-01".to_vec(), Text::TEXT);
        let span = |months, micros| {
            Some(Span {
                months,
                micros,
                timed: micros != 0,
                fraction: false,
            })
        };
        for (months, micros, sign) in [
            (i64::MAX, 0, 1),
            (i64::MIN, 0, -1),
            (i64::MIN, 0, 1),
            (0, i64::MIN, -1),
            (0, i64::MAX, 1),
        ] {
            assert_eq!(
                add(&d, span(months, micros), sign, true).unwrap(),
                Value::Null,
                "{months} {micros} {sign}"
            );
        }
    }
}
