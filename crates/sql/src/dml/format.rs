//! `DATE_FORMAT(d, format)` as MySQL formats a date in the `en_US`
//! locale (`lc_time_names`' default; another locale's names are not
//! followed); the week specifiers (`%U %u %V %v %X %x`) in WEEK()'s
//! modes.

use super::calendar::week;
use super::eval::EvalError;
use super::temporal::{Temporal, day_number};

pub(super) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(super) const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// `t` formatted by `format` (bytes, as MySQL reads the format).
pub fn date_format(t: &Temporal, format: &[u8]) -> Result<Vec<u8>, EvalError> {
    let (y, mo, d) = (i64::from(t.year), i64::from(t.month), i64::from(t.day));
    let day = day_number(y, mo, d);
    // 1970-01-01 was a Thursday (4; Sunday is 0).
    let weekday = (day - day_number(1970, 1, 1) + 4).rem_euclid(7) as usize;
    let month = usize::from(t.month.clamp(1, 12)) - 1;
    let hour12 = match t.hour % 12 {
        0 => 12,
        h => h,
    };
    let mut out = Vec::with_capacity(format.len() * 2);
    let mut it = format.iter();
    while let Some(&c) = it.next() {
        if c != b'%' {
            out.push(c);
            continue;
        }
        let Some(&spec) = it.next() else {
            // A lone `%` at the end stays.
            out.push(b'%');
            break;
        };
        let text = match spec {
            b'a' => DAYS[weekday][..3].to_owned(),
            b'b' => MONTHS[month][..3].to_owned(),
            b'c' => t.month.to_string(),
            b'D' => {
                let suffix = match (t.day % 10, t.day % 100) {
                    (_, 11..=13) => "th",
                    (1, _) => "st",
                    (2, _) => "nd",
                    (3, _) => "rd",
                    _ => "th",
                };
                format!("{}{suffix}", t.day)
            }
            b'd' => format!("{:02}", t.day),
            b'e' => t.day.to_string(),
            b'f' => format!("{:06}", t.micros),
            b'H' => format!("{:02}", t.hour),
            b'h' | b'I' => format!("{hour12:02}"),
            b'i' => format!("{:02}", t.minute),
            b'j' => format!("{:03}", day - day_number(y, 1, 1) + 1),
            b'k' => t.hour.to_string(),
            b'l' => hour12.to_string(),
            b'M' => MONTHS[month].to_owned(),
            b'm' => format!("{:02}", t.month),
            b'p' => (if t.hour < 12 { "AM" } else { "PM" }).to_owned(),
            b'r' => format!(
                "{hour12:02}:{:02}:{:02} {}",
                t.minute,
                t.second,
                if t.hour < 12 { "AM" } else { "PM" }
            ),
            b'S' | b's' => format!("{:02}", t.second),
            b'T' => format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second),
            b'W' => DAYS[weekday].to_owned(),
            b'w' => weekday.to_string(),
            b'Y' => format!("{:04}", t.year),
            b'y' => format!("{:02}", t.year % 100),
            // Weeks in WEEK()'s modes 0 to 3, and the years of 2 and 3.
            b'U' => format!("{:02}", week(t, 0).1),
            b'u' => format!("{:02}", week(t, 1).1),
            b'V' => format!("{:02}", week(t, 2).1),
            b'v' => format!("{:02}", week(t, 3).1),
            b'X' => format!("{:04}", week(t, 2).0),
            b'x' => format!("{:04}", week(t, 3).0),
            // `%%` and `%x` for any other x: the character.
            other => {
                out.push(other);
                continue;
            }
        };
        out.extend_from_slice(text.as_bytes());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_mysql_does() {
        let t = Temporal::parse("2024-03-01 13:05:09.000123").unwrap();
        let f = |fmt: &str| String::from_utf8(date_format(&t, fmt.as_bytes()).unwrap()).unwrap();
        assert_eq!(f("%Y-%m-%d %H:%i:%s"), "2024-03-01 13:05:09");
        assert_eq!(
            f("%W %M %D %y, %a %b %e %c %j"),
            "Friday March 1st 24, Fri Mar 1 3 061"
        );
        assert_eq!(
            f("%r|%T|%h %l %k %p %f|%w %%|%q"),
            "01:05:09 PM|13:05:09|01 1 13 PM 000123|5 %|q"
        );
        // 2024-03-01 is in week 8 in modes 0 and 2, 9 in 1 and 3.
        assert_eq!(f("%U %u %V %v %X %x"), "08 09 08 09 2024 2024");
    }
}
