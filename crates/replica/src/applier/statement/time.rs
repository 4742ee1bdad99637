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
use understudy_sql::dml::time::{MAX_MICROS, ParsedTime, TimeValue, parse_time};
use understudy_sql::dml::value::{Text, Value};
use understudy_store::Cell;

use super::cast::{Fraction, StoreRules};

/// The time of a value: text and numbers as above, a datetime's time.
fn parsed(v: &Value) -> Option<ParsedTime> {
    match v {
        Value::Str(b, Text::Collated(_)) => {
            let s = std::str::from_utf8(b).ok()?;
            parse_time(s).or_else(|| {
                // A datetime string: its time (not a date alone).
                let t = Temporal::parse(s).filter(|t| !t.date)?;
                of_temporal(&t)
            })
        }
        Value::Int(i) => parse_time(&i.to_string()),
        Value::UInt(u) => parse_time(&u.to_string()),
        Value::Decimal(d) => parse_time(&d.to_string()),
        Value::Time(t) => Some(ParsedTime {
            negative: t.negative,
            seconds: t.micros / 1_000_000,
            fraction: format!("{:06}", t.micros % 1_000_000),
        }),
        Value::Temporal(t) if !t.date => of_temporal(t),
        _ => None,
    }
}

fn of_temporal(t: &Temporal) -> Option<ParsedTime> {
    Some(ParsedTime {
        negative: false,
        seconds: (u64::from(t.hour) * 60 + u64::from(t.minute)) * 60 + u64::from(t.second),
        fraction: format!("{:06}", t.micros),
    })
}

/// A TIME column's cell as a value.
pub(super) fn time_value(cell: &Cell, fsp: u8) -> Value {
    match cell {
        Cell::Time {
            negative,
            hours,
            minutes,
            seconds,
            micros,
        } => Value::Time(TimeValue {
            negative: *negative,
            micros: ((u64::from(*hours) * 60 + u64::from(*minutes)) * 60 + u64::from(*seconds))
                * 1_000_000
                + u64::from(*micros),
            fsp,
        }),
        _ => Value::Null,
    }
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
    // In strict mode the source failed the statement.
    let refused = || {
        if rules.strict {
            EvalError::Sql {
                errno: 1292,
                message: format!(
                    "Incorrect time value for column '{}' at row {}",
                    col.name, rules.row
                ),
            }
        } else {
            not_stored()
        }
    };
    let Some(p) = parsed(v) else {
        return Err(refused());
    };
    let us = match rules.fraction {
        Fraction::Round => p.micros(fsp, false),
        Fraction::Truncate => p.micros(fsp, true),
        Fraction::Unknown if p.micros(fsp, false) == p.micros(fsp, true) => p.micros(fsp, true),
        Fraction::Unknown => return Err(not_stored()),
    };
    if us > MAX_MICROS {
        return Err(refused());
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
