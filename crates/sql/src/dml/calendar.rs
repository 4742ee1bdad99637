//! Calendar functions as MySQL evaluates them: DAYOFWEEK, WEEKDAY,
//! DAYOFYEAR, QUARTER, DAYNAME, MONTHNAME, WEEK and YEARWEEK (MySQL's
//! eight week modes), MAKEDATE, FROM_DAYS, TIMESTAMPDIFF, TIMESTAMPADD,
//! `EXTRACT(unit FROM d)`, TIME_TO_SEC, SEC_TO_TIME, CURTIME,
//! UNIX_TIMESTAMP and FROM_UNIXTIME (in the session's time zone).

use sqlparser::ast::{DateTimeField, Expr};

use super::dates::{add, span, temporal};
use super::decimal::Decimal;
use super::eval::{EvalError, Row, eval, param_count};
use super::format::{DAYS, MONTHS};
use super::strings::integer;
use super::temporal::{Temporal, civil, day_number};
use super::time::{MAX_MICROS, TimeValue, parse_time};
use super::value::{Text, Value};

/// MySQL's day number (TO_DAYS): 0001-01-01 is day 366.
fn day(t: &Temporal) -> i64 {
    day_number(i64::from(t.year), i64::from(t.month), i64::from(t.day)) - day_number(0, 1, 1)
}

/// The date of MySQL's day number `n` (from 0001-01-01 on).
fn date_of(n: i64) -> Option<Temporal> {
    let (y, m, d) = civil(n.checked_add(day_number(0, 1, 1))?);
    (1..=9999)
        .contains(&y)
        .then(|| Temporal::date(y as u16, m as u8, d as u8))
}

/// 0 for Monday … 6 for Sunday.
fn weekday(n: i64) -> i64 {
    (n + 5).rem_euclid(7)
}

/// A function of this module by name, on evaluated arguments; `None`
/// when the name is not one of these.
pub fn call(name: &str, a: &[Value]) -> Option<Result<Value, EvalError>> {
    let one = |f: &dyn Fn(&Temporal) -> Value| -> Result<Value, EvalError> {
        param_count(name, a.len(), 1..=1)?;
        Ok(temporal(&a[0], name)?.map_or(Value::Null, |t| f(&t)))
    };
    Some(match name {
        "DAYOFWEEK" => one(&|t| Value::Int((weekday(day(t)) + 1) % 7 + 1)),
        "WEEKDAY" => one(&|t| Value::Int(weekday(day(t)))),
        "DAYOFYEAR" => one(&|t| Value::Int(day(t) - day(&Temporal::date(t.year, 1, 1)) + 1)),
        "QUARTER" => one(&|t| Value::Int((i64::from(t.month) + 2) / 3)),
        "DAYNAME" => one(&|t| name_of(DAYS[(weekday(day(t)) as usize + 1) % 7])),
        "MONTHNAME" => one(&|t| name_of(MONTHS[usize::from(t.month.max(1)) - 1])),
        "WEEK" | "YEARWEEK" => week_call(name, a),
        "MAKEDATE" => makedate(name, a),
        "FROM_DAYS" => from_days(name, a),
        "TIME_TO_SEC" => time_to_sec(name, a),
        "SEC_TO_TIME" => sec_to_time(name, a),
        "STR_TO_DATE" => param_count(name, a.len(), 2..=2).and_then(|()| match (&a[0], &a[1]) {
            (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
            (Value::Str(s, _), Value::Str(f, _)) => super::str_to_date::str_to_date(s, f),
            _ => Err(EvalError::unsupported(
                "STR_TO_DATE of values that are not strings",
            )),
        }),
        _ => return super::time_math::call(name, a),
    })
}

fn name_of(s: &str) -> Value {
    Value::Str(s.as_bytes().to_vec(), Text::TEXT)
}

/// WEEK(d, mode) and YEARWEEK(d[, mode]). WEEK's default mode is the
/// session's `default_week_format`, which the binlog does not carry:
/// WEEK(d) is not evaluated.
fn week_call(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    param_count(name, a.len(), 1..=2)?;
    let mode = match a.get(1) {
        None if name == "WEEK" => {
            return Err(EvalError::unsupported(
                "WEEK without a mode (the source's default_week_format decides)",
            ));
        }
        None => 0,
        Some(v) => match integer(v, name)? {
            None => {
                return Err(EvalError::unsupported(format!("{name} with the mode NULL")));
            }
            Some(m) => m.rem_euclid(8) as u8,
        },
    };
    let Some(t) = temporal(&a[0], name)? else {
        return Ok(Value::Null);
    };
    Ok(Value::Int(if name == "WEEK" {
        week(&t, mode).1
    } else {
        let (y, w) = week(&t, mode | 2);
        y * 100 + w
    }))
}

/// The year and week of `t` in MySQL's week `mode`: bit 1, weeks start
/// on Monday (else Sunday); bit 2, weeks 1–53, days before week 1 in the
/// previous year's last week (else weeks 0–53); week 1 is the first week
/// with four days in the year for modes 1, 3, 4 and 6, the first
/// starting in it for the others.
pub(super) fn week(t: &Temporal, mode: u8) -> (i64, i64) {
    let monday = mode & 1 != 0;
    let wrap = mode & 2 != 0;
    let four = matches!(mode, 1 | 3 | 4 | 6);
    // Days since the week's first day.
    let into = |n: i64| (weekday(n) + i64::from(!monday)) % 7;
    let first = |y: i64| {
        let j = day_number(y, 1, 1) - day_number(0, 1, 1);
        let w = into(j);
        if w == 0 || (four && w <= 3) {
            j - w
        } else {
            j + 7 - w
        }
    };
    let n = day(t);
    let y = i64::from(t.year);
    if wrap && four && n >= first(y + 1) {
        return (y + 1, 1);
    }
    let start = first(y);
    if n >= start {
        return (y, (n - start) / 7 + 1);
    }
    if wrap {
        (y - 1, (n - first(y - 1)) / 7 + 1)
    } else {
        (y, 0)
    }
}

/// MAKEDATE(year, day of year): years 0–69 are 2000–2069, 70–99 are
/// 1970–1999; NULL for a day below 1 or past 9999-12-31.
fn makedate(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    param_count(name, a.len(), 2..=2)?;
    let (Some(y), Some(d)) = (integer(&a[0], name)?, integer(&a[1], name)?) else {
        return Ok(Value::Null);
    };
    if d <= 0 || !(0..=9999).contains(&y) {
        return Ok(Value::Null);
    }
    let y = match y {
        0..=69 => y + 2000,
        70..=99 => y + 1900,
        y => y,
    };
    let first = day_number(y, 1, 1) - day_number(0, 1, 1);
    Ok(first
        .checked_add(d - 1)
        .and_then(date_of)
        .map_or(Value::Null, Value::Temporal))
}

/// FROM_DAYS(n), for days from 0001-01-01 to 9999-12-31 (MySQL's dates
/// of the days before are not the calendar's).
fn from_days(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    param_count(name, a.len(), 1..=1)?;
    let Some(n) = integer(&a[0], name)? else {
        return Ok(Value::Null);
    };
    date_of(n)
        .filter(|_| n >= 366)
        .map(Value::Temporal)
        .ok_or_else(|| EvalError::unsupported(format!("{name}({n})")))
}

/// The seconds of a time of day or TIME value; a fraction (which MySQL
/// drops and MariaDB keeps) is not evaluated.
fn time_to_sec(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    param_count(name, a.len(), 1..=1)?;
    let (negative, micros) = match &a[0] {
        Value::Null => return Ok(Value::Null),
        Value::Time(t) => (t.negative, t.micros),
        Value::Temporal(t) if !t.date => (false, clock_micros(t)),
        Value::Str(b, Text::Collated(_)) => {
            let s = std::str::from_utf8(b).unwrap_or("");
            match (parse_time(s), Temporal::parse(s)) {
                (Some(p), _) if p.fraction.bytes().all(|c| c == b'0') => {
                    (p.negative, p.seconds * 1_000_000)
                }
                (None, Some(t)) if !t.date => (false, clock_micros(&t)),
                _ => {
                    return Err(EvalError::unsupported(format!(
                        "{name} of a value that is not a time of whole seconds"
                    )));
                }
            }
        }
        _ => {
            return Err(EvalError::unsupported(format!(
                "{name} of a value that is not a time"
            )));
        }
    };
    if micros % 1_000_000 != 0 || micros > MAX_MICROS {
        return Err(EvalError::unsupported(format!(
            "{name} of a fraction of a second or past 838:59:59"
        )));
    }
    let s = (micros / 1_000_000) as i64;
    Ok(Value::Int(if negative { -s } else { s }))
}

fn clock_micros(t: &Temporal) -> u64 {
    ((u64::from(t.hour) * 60 + u64::from(t.minute)) * 60 + u64::from(t.second)) * 1_000_000
        + u64::from(t.micros)
}

/// SEC_TO_TIME of whole seconds within TIME's range (past it MySQL
/// clamps with a warning that strict statements make an error).
fn sec_to_time(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    param_count(name, a.len(), 1..=1)?;
    let Some(s) = integer(&a[0], name)? else {
        return Ok(Value::Null);
    };
    let micros = s.unsigned_abs().saturating_mul(1_000_000);
    if micros > MAX_MICROS {
        return Err(EvalError::unsupported(format!("{name} past 838:59:59")));
    }
    Ok(Value::Time(TimeValue {
        negative: s < 0,
        micros,
        fsp: 0,
    }))
}

/// A unit named as TIMESTAMPDIFF and TIMESTAMPADD name it.
fn unit(e: &Expr) -> Option<DateTimeField> {
    let Expr::Identifier(i) = e else {
        return None;
    };
    let n = i.value.to_ascii_uppercase();
    Some(match n.strip_prefix("SQL_TSI_").unwrap_or(&n) {
        "MICROSECOND" => DateTimeField::Microsecond,
        "SECOND" => DateTimeField::Second,
        "MINUTE" => DateTimeField::Minute,
        "HOUR" => DateTimeField::Hour,
        "DAY" => DateTimeField::Day,
        "WEEK" => DateTimeField::Week(None),
        "MONTH" => DateTimeField::Month,
        "QUARTER" => DateTimeField::Quarter,
        "YEAR" => DateTimeField::Year,
        _ => return None,
    })
}

/// NOW()'s and CURTIME()'s fraction digits (MySQL's 1426 past 6).
pub fn fsp_arg(name: &str, a: &[Expr], row: &dyn Row) -> Result<u8, EvalError> {
    param_count(name, a.len(), 0..=1)?;
    match a.first().map(|x| eval(x, row)).transpose()? {
        None => Ok(0),
        Some(Value::Int(n @ 0..=6)) => Ok(n as u8),
        Some(Value::UInt(n @ 0..=6)) => Ok(n as u8),
        _ => Err(EvalError::Sql {
            errno: 1426,
            message: format!("Too-big precision specified for '{name}'. Maximum is 6."),
        }),
    }
}

/// The functions that read their arguments unevaluated (TIMESTAMPDIFF
/// and TIMESTAMPADD, whose first is a unit), the statement's clock
/// (CURTIME and its kin), its time zone (UNIX_TIMESTAMP, FROM_UNIXTIME)
/// or its server (ADDTIME, SUBTIME); `None` for other names.
pub fn call_in_row(name: &str, a: &[Expr], row: &dyn Row) -> Option<Result<Value, EvalError>> {
    match name {
        "CURTIME" | "CURRENT_TIME" | "UTC_TIME" => return Some(curtime(name, a, row)),
        "UNIX_TIMESTAMP" => return Some(unix_timestamp(name, a, row)),
        "FROM_UNIXTIME" => return Some(from_unixtime(name, a, row)),
        "ADDTIME" | "SUBTIME" => {
            let values = a
                .iter()
                .map(|x| eval(x, row))
                .collect::<Result<Vec<_>, _>>();
            let mysql = row.context().source_is_mysql();
            return Some(values.and_then(|v| super::time_math::moved(name, &v, mysql)));
        }
        _ => {}
    }
    if !matches!(name, "TIMESTAMPDIFF" | "TIMESTAMPADD") {
        return None;
    }
    Some(param_count(name, a.len(), 3..=3).and_then(|()| {
        let u = unit(&a[0])
            .ok_or_else(|| EvalError::unsupported(format!("{name} with the unit {}", a[0])))?;
        let (x, y) = (eval(&a[1], row)?, eval(&a[2], row)?);
        if name == "TIMESTAMPADD" {
            let Some(n) = integer(&x, name)? else {
                return Ok(Value::Null);
            };
            let s = span(&u, n).ok_or_else(|| {
                EvalError::unsupported(format!("{name} past the years 0 to 9999"))
            })?;
            return add(&y, Some(s), 1, row.context().source_is_mysql());
        }
        let (Some(from), Some(to)) = (temporal(&x, name)?, temporal(&y, name)?) else {
            return Ok(Value::Null);
        };
        Ok(Value::Int(difference(&u, &from, &to)))
    }))
}

/// CURTIME(fsp): the statement's time of day, the fraction past `fsp`
/// digits cut (as NOW() cuts it).
fn curtime(name: &str, a: &[Expr], row: &dyn Row) -> Result<Value, EvalError> {
    let fsp = fsp_arg(name, a, row)?;
    let c = row.context().clock()?;
    let t = if name == "UTC_TIME" { c.utc } else { c.local };
    let cut = 10u64.pow(6 - u32::from(fsp));
    Ok(Value::Time(TimeValue {
        negative: false,
        micros: clock_micros(&t) / cut * cut,
        fsp,
    }))
}

/// UNIX_TIMESTAMP(): the statement's; UNIX_TIMESTAMP(d): `d` in the
/// session's time zone, 0 outside TIMESTAMP's range, with `d`'s fraction
/// digits (a string's fraction, which MySQL reads as six digits and
/// MariaDB as written, is not evaluated).
fn unix_timestamp(name: &str, a: &[Expr], row: &dyn Row) -> Result<Value, EvalError> {
    param_count(name, a.len(), 0..=1)?;
    let Some(x) = a.first() else {
        return Ok(Value::Int(row.context().clock()?.unix));
    };
    let v = eval(x, row)?;
    let Some(t) = temporal(&v, name)? else {
        return Ok(Value::Null);
    };
    if matches!(v, Value::Str(..)) && t.fsp > 0 {
        return Err(EvalError::unsupported(format!(
            "{name} of a string with a fraction"
        )));
    }
    let Some((secs, micros)) = row.context().epoch_of(&t)? else {
        if t.year >= 2038 {
            // (MySQL 8.0.28 and later reach the year 3001, MariaDB 10.11
            // gives 0.)
            return Err(EvalError::unsupported(format!("{name} past 2038-01-19")));
        }
        return Ok(Value::Int(0));
    };
    Ok(if t.fsp == 0 || t.date {
        Value::Int(i64::from(secs))
    } else {
        let scale = u32::from(t.fsp.min(6));
        let frac = i128::from(micros / 10u32.pow(6 - scale));
        Value::Decimal(Decimal {
            mantissa: i128::from(secs) * 10i128.pow(scale) + frac,
            scale: scale as u8,
        })
    })
}

/// FROM_UNIXTIME(n[, format]): the moment `n` (an integer, or a decimal
/// of up to six fraction digits, which the result shows) in the
/// session's time zone; NULL before the epoch; past 2038 (where MySQL
/// and MariaDB 10.11 part) not evaluated.
fn from_unixtime(name: &str, a: &[Expr], row: &dyn Row) -> Result<Value, EvalError> {
    param_count(name, a.len(), 1..=2)?;
    let (micros, fsp): (i128, u8) = match eval(&a[0], row)? {
        Value::Null => return Ok(Value::Null),
        Value::Int(i) => (i128::from(i) * 1_000_000, 0),
        Value::UInt(u) => (i128::from(u) * 1_000_000, 0),
        Value::Decimal(d) if d.scale <= 6 => {
            let m = d.round(6).map(|r| r.mantissa);
            let m = m.ok_or_else(|| EvalError::unsupported(format!("{name} of {d}")))?;
            (m, d.scale)
        }
        other => {
            return Err(EvalError::unsupported(format!(
                "{name} of a value that is not an exact number ({other:?})"
            )));
        }
    };
    if micros < 0 {
        return Ok(Value::Null);
    }
    let secs = u32::try_from(micros / 1_000_000)
        .ok()
        .filter(|&s| s <= i32::MAX as u32)
        .ok_or_else(|| EvalError::unsupported(format!("{name} past 2038-01-19")))?;
    let cut = 10i128.pow(6 - u32::from(fsp));
    let us = (micros % 1_000_000 / cut * cut) as u32;
    let t = row.context().local_time(secs, us, fsp)?;
    let Some(f) = a.get(1) else {
        return Ok(Value::Temporal(t));
    };
    if row.context().lc_time_names() != Some(0) {
        return Err(EvalError::unsupported(format!(
            "{name} in a locale other than en_US (lc_time_names)"
        )));
    }
    Ok(match eval(f, row)? {
        Value::Null => Value::Null,
        Value::Str(f, _) => Value::Str(super::format::date_format(&t, &f)?, Text::TEXT),
        _ => {
            return Err(EvalError::unsupported(format!(
                "{name} with a format that is not a string"
            )));
        }
    })
}

/// `to − from` in whole units, toward zero; months count only when the
/// day and time of the month are reached.
fn difference(u: &DateTimeField, from: &Temporal, to: &Temporal) -> i64 {
    let at = |t: &Temporal| day(t) * 86_400_000_000 + clock_micros(t) as i64;
    let per = match u {
        DateTimeField::Year | DateTimeField::Quarter | DateTimeField::Month => {
            let months = |t: &Temporal| i64::from(t.year) * 12 + i64::from(t.month);
            let rest = |t: &Temporal| (t.day, clock_micros(t));
            let mut m = months(to) - months(from);
            if at(to) >= at(from) && rest(to) < rest(from) {
                m -= 1;
            } else if at(to) < at(from) && rest(to) > rest(from) {
                m += 1;
            }
            return m / match u {
                DateTimeField::Year => 12,
                DateTimeField::Quarter => 3,
                _ => 1,
            };
        }
        DateTimeField::Week(_) => 7 * 86_400_000_000,
        DateTimeField::Day => 86_400_000_000,
        DateTimeField::Hour => 3_600_000_000,
        DateTimeField::Minute => 60_000_000,
        DateTimeField::Second => 1_000_000,
        _ => 1,
    };
    (at(to) - at(from)) / per
}

/// `EXTRACT(unit FROM v)` for the single units, reading `v` as a date
/// or datetime.
pub fn extract(u: &DateTimeField, v: &Value) -> Result<Value, EvalError> {
    let Some(t) = temporal(v, "EXTRACT")? else {
        return Ok(Value::Null);
    };
    Ok(Value::Int(match u {
        DateTimeField::Year => i64::from(t.year),
        DateTimeField::Quarter => (i64::from(t.month) + 2) / 3,
        DateTimeField::Month => i64::from(t.month),
        DateTimeField::Week(None) => week(&t, 0).1,
        DateTimeField::Day => i64::from(t.day),
        DateTimeField::Hour => i64::from(t.hour),
        DateTimeField::Minute => i64::from(t.minute),
        DateTimeField::Second => i64::from(t.second),
        DateTimeField::Microsecond => i64::from(t.micros),
        other => {
            return Err(EvalError::unsupported(format!(
                "EXTRACT of the unit {other}"
            )));
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_are_mysqls() {
        let t = Temporal::date(2024, 1, 1);
        assert_eq!(day(&t), 739_251);
        assert_eq!(weekday(day(&t)), 0);
        assert_eq!(date_of(739_251), Some(t));
        assert_eq!(date_of(366), Some(Temporal::date(1, 1, 1)));
        for n in [i64::MIN, i64::MAX, -1, 3_652_425] {
            assert_eq!(date_of(n), None, "{n}");
        }
    }

    #[test]
    fn weeks_at_the_turn_of_the_year() {
        // 2024-12-30 is a Monday; 2024-01-01 is a Monday too.
        let t = Temporal::date(2024, 12, 30);
        assert_eq!(week(&t, 2), (2024, 52));
        assert_eq!(week(&t, 3), (2025, 1));
        assert_eq!(week(&t, 1), (2024, 53));
        let jan = Temporal::date(2023, 1, 1); // a Sunday
        assert_eq!(week(&jan, 0), (2023, 1));
        assert_eq!(week(&jan, 1), (2023, 0));
        assert_eq!(week(&jan, 3), (2022, 52));
    }
}
