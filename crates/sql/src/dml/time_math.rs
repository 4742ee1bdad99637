//! TIMEDIFF, ADDTIME, SUBTIME and TIME(), on TIME and DATETIME values
//! and on strings and numbers read as them, as MySQL 9.7 and MariaDB
//! 10.11 evaluate them (checked on the servers): the result shows as
//! many fraction digits as its arguments have (a string's as written),
//! but for ADDTIME and SUBTIME (see [`moved`]). A result past TIME's
//! range (which the source clamps with a warning) or past the years
//! 1–9999 is not evaluated.

use super::eval::{EvalError, param_count};
use super::temporal::{Temporal, at_micros, day_number};
use super::time::{MAX_MICROS, TimeValue, parse_time};
use super::value::{Text, Value};

const DAY: i128 = 86_400_000_000;

/// A TIME (signed microseconds) or a DATETIME.
#[derive(Clone, Copy)]
enum Moment {
    Time(i128),
    DateTime(Temporal),
}

/// An argument read: the moment, its fraction digits, and whether it was
/// a string (or number) rather than a typed value.
struct Arg {
    moment: Moment,
    fsp: u8,
    string: bool,
}

fn refuse(name: &str, why: &str) -> EvalError {
    EvalError::unsupported(format!("{name} {why}"))
}

/// Text read as a DATETIME (a date with a time) or else as a TIME.
fn from_text(name: &str, s: &str) -> Result<Arg, EvalError> {
    if let Some(t) = Temporal::parse(s) {
        if t.date {
            return Err(refuse(name, "of a date without a time"));
        }
        return Ok(Arg {
            moment: Moment::DateTime(t),
            fsp: t.fsp,
            string: true,
        });
    }
    let p = parse_time(s).ok_or_else(|| refuse(name, "of text that is not a time"))?;
    if p.fraction.len() > 6 {
        return Err(refuse(name, "of a time with more than six fraction digits"));
    }
    let micros = i128::from(p.micros(6, true));
    Ok(Arg {
        moment: Moment::Time(if p.negative { -micros } else { micros }),
        fsp: p.fraction.len() as u8,
        string: true,
    })
}

fn read(name: &str, v: &Value) -> Result<Option<Arg>, EvalError> {
    let arg = read_any_year(name, v)?;
    if let Some(Arg {
        moment: Moment::DateTime(t),
        ..
    }) = &arg
        && t.year == 0
    {
        // MySQL's year 0 is not the proleptic Gregorian one.
        return Err(refuse(name, "in the year 0"));
    }
    Ok(arg)
}

fn read_any_year(name: &str, v: &Value) -> Result<Option<Arg>, EvalError> {
    Ok(Some(match v {
        Value::Null => return Ok(None),
        Value::Time(t) => Arg {
            moment: Moment::Time(t.signed()),
            fsp: t.fsp,
            string: false,
        },
        Value::Temporal(t) if !t.date => Arg {
            moment: Moment::DateTime(*t),
            fsp: t.fsp,
            string: false,
        },
        Value::Str(b, Text::Collated(_)) => {
            let s = std::str::from_utf8(b).map_err(|_| refuse(name, "of text not UTF-8"))?;
            from_text(name, s)?
        }
        Value::Int(_) | Value::UInt(_) | Value::Decimal(_) => {
            let s = match v {
                Value::Int(i) => i.to_string(),
                Value::UInt(u) => u.to_string(),
                Value::Decimal(d) => d.to_string(),
                _ => String::new(),
            };
            from_text(name, &s)?
        }
        _ => return Err(refuse(name, "of a value that is not a time")),
    }))
}

/// Microseconds since MySQL's day 0 of a DATETIME.
fn micros_of(t: &Temporal) -> i128 {
    let day = day_number(i64::from(t.year), i64::from(t.month), i64::from(t.day));
    let clock = ((i128::from(t.hour) * 60 + i128::from(t.minute)) * 60 + i128::from(t.second))
        * 1_000_000
        + i128::from(t.micros);
    i128::from(day) * DAY + clock
}

fn datetime_of(name: &str, m: i128, fsp: u8) -> Result<Value, EvalError> {
    let day = i64::try_from(m.div_euclid(DAY)).unwrap_or(i64::MAX);
    at_micros(day, m.rem_euclid(DAY) as i64, false, fsp)
        .map(Value::Temporal)
        .ok_or_else(|| refuse(name, "past the years 1 to 9999"))
}

fn time_of(name: &str, m: i128, fsp: u8) -> Result<Value, EvalError> {
    let micros = u64::try_from(m.unsigned_abs())
        .ok()
        .filter(|&u| u <= MAX_MICROS)
        .ok_or_else(|| refuse(name, "past 838:59:59"))?;
    Ok(Value::Time(TimeValue {
        negative: m < 0,
        micros,
        fsp,
    }))
}

/// A function of this module by name, on evaluated arguments; `None`
/// when the name is not one of these.
pub fn call(name: &str, a: &[Value]) -> Option<Result<Value, EvalError>> {
    let f = match name {
        "TIMEDIFF" => timediff,
        "TIME" => time,
        _ => return None,
    };
    Some(f(name, a))
}

fn time(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    param_count(name, a.len(), 1..=1)?;
    let Some(x) = read(name, &a[0])? else {
        return Ok(Value::Null);
    };
    match x.moment {
        Moment::Time(m) => time_of(name, m, x.fsp),
        Moment::DateTime(t) => time_of(name, micros_of(&t).rem_euclid(DAY), x.fsp),
    }
}

/// Two arguments read (`None`: one is NULL).
fn two(name: &str, a: &[Value]) -> Result<Option<(Arg, Arg)>, EvalError> {
    param_count(name, a.len(), 2..=2)?;
    Ok(match (read(name, &a[0])?, read(name, &a[1])?) {
        (Some(x), Some(y)) => Some((x, y)),
        _ => None,
    })
}

/// TIMEDIFF: two times or two datetimes apart, as a TIME; NULL for one
/// of each.
fn timediff(name: &str, a: &[Value]) -> Result<Value, EvalError> {
    let Some((x, y)) = two(name, a)? else {
        return Ok(Value::Null);
    };
    let fsp = x.fsp.max(y.fsp);
    match (x.moment, y.moment) {
        (Moment::Time(a), Moment::Time(b)) => time_of(name, a - b, fsp),
        (Moment::DateTime(a), Moment::DateTime(b)) => {
            time_of(name, micros_of(&a) - micros_of(&b), fsp)
        }
        _ => Ok(Value::Null),
    }
}

/// ADDTIME and SUBTIME: a time or datetime moved by a time. As text,
/// MySQL's result shows six fraction digits when its fraction is not
/// zero and none when it is (checked in CONCAT and on its own), and
/// MariaDB's as many as its arguments have; MariaDB's of a string or
/// number with a fraction follows rules of its own, not followed.
pub fn moved(name: &str, a: &[Value], mysql: bool) -> Result<Value, EvalError> {
    let Some((x, y)) = two(name, a)? else {
        return Ok(Value::Null);
    };
    let Moment::Time(by) = y.moment else {
        return Err(refuse(name, "of a datetime as the time to add"));
    };
    let by = if name == "SUBTIME" { -by } else { by };
    if !mysql && x.string && x.fsp.max(y.fsp) > 0 {
        return Err(refuse(name, "of a string or number with a fraction"));
    }
    let fsp = |m: i128| match mysql {
        true if m.rem_euclid(1_000_000) != 0 => 6,
        true => 0,
        false => x.fsp.max(y.fsp),
    };
    match x.moment {
        Moment::Time(m) => time_of(name, m + by, fsp(m + by)),
        Moment::DateTime(t) => {
            let m = micros_of(&t) + by;
            datetime_of(name, m, fsp(m))
        }
    }
}
