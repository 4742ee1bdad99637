//! DATE and DATETIME values in statements: read from MySQL's text forms
//! (`'2024-02-29'`, `'2024-02-29 10:11:12.5'`), compared field by field,
//! and rounded to a column's fractional digits. Text that is not a valid
//! calendar date is not read (`None`): the caller refuses it rather than
//! guessing what the source made of it.

/// A DATE (`date`: no time part) or DATETIME.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Temporal {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub micros: u32,
    pub date: bool,
    /// Fraction digits it shows (a DATETIME(fsp) column's, NOW(fsp)'s,
    /// the literal's).
    pub fsp: u8,
}

/// The time a statement ran, as its session saw it: what NOW() and the
/// CURRENT_TIMESTAMP defaults give (the query event's timestamp and
/// microseconds, in its session's time zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// In the session's time zone.
    pub local: Temporal,
    pub utc: Temporal,
    /// Seconds since the epoch.
    pub unix: i64,
}

/// Days since 0000-03-01 of the proleptic Gregorian calendar (a civil
/// date to a day number and back, by eras of 400 years).
pub(crate) fn day_number(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

pub(crate) fn civil(n: i64) -> (i64, i64, i64) {
    let era = n.div_euclid(146_097);
    let doe = n - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The date and time `micros` microseconds into day `day` (as
/// [`day_number`] counts), when its year is 1 to 9999.
pub(crate) fn at_micros(day: i64, micros: i64, date: bool, fsp: u8) -> Option<Temporal> {
    let (y, m, d) = civil(day);
    (1..=9999).contains(&y).then_some(Temporal {
        year: y as u16,
        month: m as u8,
        day: d as u8,
        hour: (micros / 3_600_000_000) as u8,
        minute: (micros / 60_000_000 % 60) as u8,
        second: (micros / 1_000_000 % 60) as u8,
        micros: (micros % 1_000_000) as u32,
        date,
        fsp,
    })
}

/// The civil date (year, month, day) of `days` since 1970-01-01.
pub fn date_of_unix_day(days: i64) -> (i64, i64, i64) {
    civil(days + 719_468)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

fn number<T: std::str::FromStr>(s: &str, max_len: usize) -> Option<T> {
    (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl Temporal {
    /// A DATE.
    pub fn date(year: u16, month: u8, day: u8) -> Temporal {
        Temporal {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            micros: 0,
            date: true,
            fsp: 0,
        }
    }

    /// The fields compared in order (a DATE is at midnight).
    pub fn key(&self) -> (u16, u8, u8, u8, u8, u8, u32) {
        (
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.micros,
        )
    }

    /// `YYYY-MM-DD` or `YYYY-MM-DD hh:mm:ss[.fraction]` (a `T` between
    /// them also), with one- or two-digit month, day and time fields.
    pub fn parse(s: &str) -> Option<Temporal> {
        let s = s.trim();
        let (date, time) = match s.split_once([' ', 'T']) {
            Some((d, t)) => (d, Some(t.trim_start())),
            None => (s, None),
        };
        let mut d = date.split('-');
        let (year, month, day) = (
            number::<u16>(d.next()?, 4)?,
            number::<u8>(d.next()?, 2)?,
            number::<u8>(d.next()?, 2)?,
        );
        if d.next().is_some()
            || date.split('-').next()?.len() != 4
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return None;
        }
        let mut t = Temporal {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            micros: 0,
            date: time.is_none(),
            fsp: 0,
        };
        if let Some(time) = time {
            let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
            let mut p = hms.split(':');
            t.hour = number(p.next()?, 2)?;
            t.minute = number(p.next()?, 2)?;
            // `hh:mm` is `hh:mm:00`.
            t.second = match p.next() {
                Some(sec) => number(sec, 2)?,
                None if frac.is_empty() => 0,
                None => return None,
            };
            if p.next().is_some() || t.hour > 23 || t.minute > 59 || t.second > 59 {
                return None;
            }
            if !frac.is_empty() {
                // Up to microseconds; more digits would be rounded by
                // the source in ways not worth guessing.
                let digits: u32 = number(frac, 6)?;
                t.micros = digits * 10u32.pow(6 - frac.len() as u32);
                t.fsp = frac.len() as u8;
            }
        }
        Some(t)
    }

    /// The value with `fsp` fraction digits: rounded half up as MySQL
    /// stores a DATETIME (carrying into the seconds, and on to the year),
    /// or cut as MariaDB does (`truncate`); `None` past year 9999.
    pub fn with_fsp(self, fsp: u8, truncate: bool) -> Option<Temporal> {
        let unit = 10u32.pow(6 - u32::from(fsp.min(6)));
        let half = if truncate { 0 } else { unit / 2 };
        let micros = (self.micros + half) / unit * unit;
        let fsp = fsp.min(6);
        if micros < 1_000_000 {
            return Some(Temporal {
                micros,
                fsp,
                ..self
            });
        }
        let mut t = Temporal {
            micros: 0,
            date: false,
            fsp,
            ..self
        };
        t.second += 1;
        if t.second == 60 {
            t.second = 0;
            t.minute += 1;
        }
        if t.minute == 60 {
            t.minute = 0;
            t.hour += 1;
        }
        if t.hour == 24 {
            t.hour = 0;
            t.day += 1;
        }
        if t.day > days_in_month(t.year, t.month) {
            t.day = 1;
            t.month += 1;
        }
        if t.month == 13 {
            t.month = 1;
            t.year += 1;
        }
        (t.year <= 9999).then_some(t)
    }
}

impl std::fmt::Display for Temporal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)?;
        if !self.date {
            write!(f, " {:02}:{:02}:{:02}", self.hour, self.minute, self.second)?;
            if self.fsp > 0 {
                let digits = u32::from(self.fsp.min(6));
                let shown = self.micros / 10u32.pow(6 - digits);
                write!(f, ".{shown:0width$}", width = digits as usize)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mysql_date_and_datetime_text() {
        let t = Temporal::parse("2024-02-29 7:08:09.5").unwrap();
        // The fraction digits as written.
        assert_eq!(t.to_string(), "2024-02-29 07:08:09.5");
        assert_eq!(
            Temporal::parse("2024-2-9").unwrap().to_string(),
            "2024-02-09"
        );
        assert!(Temporal::parse("2023-02-29").is_none());
        assert!(Temporal::parse("2024-13-01").is_none());
        assert!(Temporal::parse("0000-00-00").is_none());
        assert!(Temporal::parse("2024-01-01 24:00:00").is_none());
        assert!(Temporal::parse("24-01-01").is_none());
        assert_eq!(
            Temporal::parse("2024-01-01 12:30").unwrap().to_string(),
            "2024-01-01 12:30:00"
        );
        assert!(Temporal::parse("2024-01-01 12:30.5").is_none());
        assert!(Temporal::parse("2024-01-01 10:00:00.1234567").is_none());
        let d = Temporal::parse("2024-01-01").unwrap();
        let dt = Temporal::parse("2024-01-01 00:00:00").unwrap();
        assert_eq!(d.key(), dt.key());
        let fsp = |s: &str, fsp: u8, truncate: bool| {
            Temporal::parse(s)
                .unwrap()
                .with_fsp(fsp, truncate)
                .map(|t| t.to_string())
        };
        assert_eq!(
            fsp("2024-01-01 10:00:00.1235", 3, false).unwrap(),
            "2024-01-01 10:00:00.124"
        );
        assert_eq!(
            fsp("2024-01-01 10:00:00.1235", 3, true).unwrap(),
            "2024-01-01 10:00:00.123"
        );
        assert_eq!(
            fsp("2024-12-31 23:59:59.9999", 2, false).unwrap(),
            "2025-01-01 00:00:00.00"
        );
        assert_eq!(
            fsp("2024-02-28 23:59:59.6", 0, false).unwrap(),
            "2024-02-29 00:00:00"
        );
        assert!(fsp("9999-12-31 23:59:59.9", 0, false).is_none());
    }
}
