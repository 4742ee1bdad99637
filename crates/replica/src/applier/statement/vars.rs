//! What the events before a statement carry for it besides INSERT_ID:
//! its user variables (User_var events), RAND()'s seeds (Rand event)
//! and LAST_INSERT_ID() (the INTVAR LAST_INSERT_ID event).

use std::cell::Cell;

use understudy_binlog::event::user_var_event::{
    DECIMAL_RESULT, INT_RESULT, REAL_RESULT, STRING_RESULT, UNSIGNED_F, UserVarEvent,
};
use understudy_binlog::value::decimal::decode_decimal;
use understudy_sql::dml::decimal::Decimal;
use understudy_sql::dml::eval::EvalError;
use understudy_sql::dml::value::{Text, Value};

/// A user variable's value, or why it is not one understudy reads.
pub type VarValue = Result<Value, String>;

#[derive(Debug, Clone, Default)]
pub struct Vars {
    /// `@name` (lowercase) and value.
    pub user: Vec<(String, VarValue)>,
    /// RAND()'s state: the seeds, advanced by each call.
    pub rand: Cell<Option<(u64, u64)>>,
    pub last_insert_id: Option<u64>,
}

/// MySQL's RAND() generator: the seeds step as
/// `s1 = (3·s1 + s2) mod M`, `s2 = (s1 + s2 + 33) mod M` with
/// `M = 2^30 − 1`, and each value is `s1 / M`.
const RAND_MAX: u64 = 0x3FFF_FFFF;

impl Vars {
    pub fn variable(&self, name: &str) -> Result<Value, EvalError> {
        match self.user.iter().find(|(n, _)| n == name) {
            Some((_, Ok(v))) => Ok(v.clone()),
            Some((_, Err(why))) => Err(EvalError::unsupported(why.clone())),
            // A variable never set: the source logged it as NULL, so
            // one missing from the events is not known.
            None => Err(EvalError::unsupported(format!(
                "the user variable @{name} without its User_var event"
            ))),
        }
    }

    pub fn rand(&self) -> Result<f64, EvalError> {
        let (s1, s2) = self
            .rand
            .get()
            .ok_or_else(|| EvalError::unsupported("RAND() without the seeds of its statement"))?;
        // Seeds are below M; a bad event's are brought there first.
        let (s1, s2) = (s1 % RAND_MAX, s2 % RAND_MAX);
        let s1 = (s1 * 3 + s2) % RAND_MAX;
        let s2 = (s1 + s2 + 33) % RAND_MAX;
        self.rand.set(Some((s1, s2)));
        Ok(s1 as f64 / RAND_MAX as f64)
    }
}

/// A User_var event's name and value; `charset` names a collation id's
/// character set.
pub fn user_var(
    u: &UserVarEvent<'_>,
    charset: impl Fn(u32) -> Option<String>,
) -> (String, VarValue) {
    let name = String::from_utf8_lossy(u.name).to_ascii_lowercase();
    let Some(v) = &u.value else {
        return (name, Ok(Value::Null));
    };
    let fixed = |b: &[u8]| -> Option<[u8; 8]> { b.try_into().ok() };
    let value = match v.value_type {
        STRING_RESULT => match charset(v.charset).as_deref() {
            Some("binary") => Ok(Value::Str(v.value.to_vec(), Text::Binary)),
            Some("utf8mb4" | "utf8mb3" | "utf8" | "ascii") => {
                Ok(Value::Str(v.value.to_vec(), Text::TEXT))
            }
            _ if v.value.is_ascii() => Ok(Value::Str(v.value.to_vec(), Text::TEXT)),
            cs => Err(format!(
                "the user variable @{name} in character set {}",
                cs.unwrap_or("unknown")
            )),
        },
        REAL_RESULT => fixed(v.value)
            .map(|b| Value::Double(f64::from_le_bytes(b)))
            .ok_or_else(|| format!("the user variable @{name}: a bad REAL value")),
        INT_RESULT => fixed(v.value)
            .map(|b| {
                let i = i64::from_le_bytes(b);
                if v.flags.unwrap_or(0) & UNSIGNED_F != 0 {
                    Value::UInt(i as u64)
                } else {
                    Value::Int(i)
                }
            })
            .ok_or_else(|| format!("the user variable @{name}: a bad INT value")),
        DECIMAL_RESULT => match v.value {
            [precision, scale, rest @ ..] => decode_decimal(rest, *precision, *scale)
                .ok()
                .and_then(|(d, _)| Decimal::parse(&d.to_string()))
                .map(Value::Decimal)
                .ok_or_else(|| format!("the user variable @{name}: a bad DECIMAL value")),
            _ => Err(format!("the user variable @{name}: a bad DECIMAL value")),
        },
        t => Err(format!("the user variable @{name} of type {t}")),
    };
    (name, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rand_follows_the_logged_seeds() {
        let v = Vars {
            rand: Cell::new(Some((1, 2))),
            ..Vars::default()
        };
        // s1 = 5, s2 = 40; then s1 = 55, s2 = 128.
        assert_eq!(v.rand().unwrap(), 5.0 / RAND_MAX as f64);
        assert_eq!(v.rand().unwrap(), 55.0 / RAND_MAX as f64);
        assert!(Vars::default().rand().is_err());
        // Seeds a bad event could carry: no overflow.
        let huge = Vars {
            rand: Cell::new(Some((u64::MAX, u64::MAX))),
            ..Vars::default()
        };
        assert!((0.0..1.0).contains(&huge.rand().unwrap()));
    }
}
