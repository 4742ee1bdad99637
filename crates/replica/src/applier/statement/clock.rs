//! A statement's time and time zone: NOW() and the CURRENT_TIMESTAMP
//! defaults from its event's timestamp and microseconds, and TIMESTAMP
//! columns read and written in its session's `time_zone`.
//!
//! `SYSTEM` is this host's time zone, as a MySQL replica reads it with
//! its own: the source and the replica must agree on it (the README
//! says so). Named zones come from the system's time zone database, as
//! the source's come from its time zone tables.

use std::cell::OnceCell;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use understudy_sql::dml::eval::EvalError;
use understudy_sql::dml::temporal::{Clock, Temporal};

/// The session's `time_zone`, resolved when a statement first needs it.
#[derive(Debug, Clone, Default)]
pub struct Zone {
    /// The query event's `time_zone` (`None`: it logged none, as when
    /// the statement used no time zone).
    name: Option<String>,
    resolved: OnceCell<Result<TimeZone, String>>,
}

impl Zone {
    pub fn new(name: Option<&[u8]>) -> Self {
        Zone {
            name: name.map(|n| String::from_utf8_lossy(n).into_owned()),
            resolved: OnceCell::new(),
        }
    }

    pub fn get(&self) -> Result<&TimeZone, EvalError> {
        self.resolved
            .get_or_init(|| resolve(self.name.as_deref()))
            .as_ref()
            .map_err(|m| EvalError::unsupported(m.clone()))
    }
}

fn resolve(name: Option<&str>) -> Result<TimeZone, String> {
    let name = name.unwrap_or("SYSTEM");
    if name.eq_ignore_ascii_case("SYSTEM") {
        return TimeZone::try_system()
            .map_err(|e| format!("time_zone SYSTEM: this host's time zone is not known ({e})"));
    }
    if let Some(offset) = fixed_offset(name) {
        return Ok(TimeZone::fixed(offset));
    }
    TimeZone::get(name).map_err(|e| format!("time_zone '{name}' is not known here ({e})"))
}

/// `+hh:mm` / `-hh:mm`, as MySQL writes a fixed offset.
fn fixed_offset(s: &str) -> Option<Offset> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

fn temporal(dt: DateTime, fsp: u8) -> Temporal {
    Temporal {
        year: dt.year() as u16,
        month: dt.month() as u8,
        day: dt.day() as u8,
        hour: dt.hour() as u8,
        minute: dt.minute() as u8,
        second: dt.second() as u8,
        micros: (dt.subsec_nanosecond() / 1000) as u32,
        date: false,
        fsp,
    }
}

/// The clock of a statement logged at `secs` (and `micros`) in `zone`.
pub fn clock(zone: &TimeZone, secs: u32, micros: u32) -> Result<Clock, EvalError> {
    let ts = Timestamp::new(i64::from(secs), (micros.min(999_999) * 1000) as i32)
        .map_err(|e| EvalError::unsupported(format!("the statement's time: {e}")))?;
    Ok(Clock {
        local: temporal(zone.to_datetime(ts), 6),
        utc: temporal(TimeZone::UTC.to_datetime(ts), 6),
        unix: i64::from(secs),
    })
}

/// A TIMESTAMP cell's value in the session's zone.
pub fn local(zone: &TimeZone, seconds: u32, micros: u32, fsp: u8) -> Result<Temporal, EvalError> {
    let ts = Timestamp::new(i64::from(seconds), (micros.min(999_999) * 1000) as i32)
        .map_err(|e| EvalError::unsupported(format!("a TIMESTAMP value: {e}")))?;
    Ok(temporal(zone.to_datetime(ts), fsp))
}

/// A time in the session's zone as a TIMESTAMP: seconds since the epoch
/// and microseconds; `None` outside TIMESTAMP's range. A local time the
/// zone skips or repeats (a daylight-saving change) is refused rather
/// than guessed.
pub fn epoch(zone: &TimeZone, t: &Temporal) -> Result<Option<(u32, u32)>, EvalError> {
    let dt = DateTime::new(
        t.year as i16,
        t.month as i8,
        t.day as i8,
        t.hour as i8,
        t.minute as i8,
        t.second as i8,
        (t.micros * 1000) as i32,
    )
    .map_err(|e| EvalError::unsupported(format!("the time {t}: {e}")))?;
    let offset = match zone.to_ambiguous_zoned(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset,
        _ => {
            return Err(EvalError::unsupported(format!(
                "the local time {t} that a daylight-saving change skips or repeats"
            )));
        }
    };
    let secs = dt
        .to_zoned(TimeZone::fixed(offset))
        .map_err(|e| EvalError::unsupported(format!("the time {t}: {e}")))?
        .timestamp()
        .as_second();
    // '1970-01-01 00:00:01' to '2038-01-19 03:14:07' UTC.
    Ok((1..=i64::from(i32::MAX))
        .contains(&secs)
        .then_some((secs as u32, t.micros)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_clocks_and_timestamps() {
        let plus2 = Zone::new(Some(b"+02:00"));
        let z = plus2.get().unwrap();
        let c = clock(z, 1_709_251_198, 123_456).unwrap();
        assert_eq!(c.local.to_string(), "2024-03-01 01:59:58.123456");
        assert_eq!(c.utc.to_string(), "2024-02-29 23:59:58.123456");
        let t = Temporal::parse("2024-03-01 01:59:58").unwrap();
        assert_eq!(epoch(z, &t).unwrap(), Some((1_709_251_198, 0)));
        assert_eq!(
            local(z, 1_709_251_198, 500_000, 1).unwrap().to_string(),
            "2024-03-01 01:59:58.5"
        );
        let early = Temporal::parse("1970-01-01 01:00:00").unwrap();
        assert_eq!(epoch(z, &early).unwrap(), None);
        let minus = Zone::new(Some(b"-05:30"));
        let t = Temporal::parse("2038-01-18 21:44:07").unwrap();
        assert_eq!(
            epoch(minus.get().unwrap(), &t).unwrap(),
            Some((i32::MAX as u32, 0))
        );
        assert!(Zone::new(Some(b"Nowhere/Atlantis")).get().is_err());
        assert!(fixed_offset("+2").is_none());
    }
}
