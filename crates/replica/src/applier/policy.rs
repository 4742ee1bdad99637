//! What the applier does with a transaction besides applying it, as
//! MySQL's settings say: the replication filters, `replica_skip_errors`
//! and `replica_exec_mode`.

use std::collections::BTreeSet;

use crate::filters::Filters;

/// `replica_skip_errors`: errors that skip the failing statement (or the
/// rest of the failing row event) instead of stopping the applier.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SkipErrors {
    #[default]
    Off,
    All,
    Codes(BTreeSet<u32>),
}

/// MySQL's `ddl_exist_errors` shorthand (NDB's list, accepted by MySQL).
const DDL_EXIST_ERRORS: [u32; 10] = [1007, 1008, 1050, 1051, 1054, 1060, 1061, 1068, 1091, 1146];

impl SkipErrors {
    /// `OFF`, `all`, `ddl_exist_errors`, or a comma-separated list of
    /// error numbers (as `--replica-skip-errors` takes them).
    pub fn parse(s: &str) -> Result<SkipErrors, String> {
        let s = s.trim();
        if s.is_empty() || s.eq_ignore_ascii_case("off") {
            return Ok(SkipErrors::Off);
        }
        if s.eq_ignore_ascii_case("all") {
            return Ok(SkipErrors::All);
        }
        let mut codes = BTreeSet::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part.eq_ignore_ascii_case("ddl_exist_errors") {
                codes.extend(DDL_EXIST_ERRORS);
            } else {
                codes.insert(part.parse::<u32>().map_err(|_| {
                    format!(
                        "--replica-skip-errors: '{part}' is not an error number (OFF, all, ddl_exist_errors or a list like 1032,1062)"
                    )
                })?);
            }
        }
        Ok(SkipErrors::Codes(codes))
    }

    pub fn skips(&self, errno: u32) -> bool {
        match self {
            SkipErrors::Off => false,
            SkipErrors::All => true,
            SkipErrors::Codes(c) => c.contains(&errno),
        }
    }
}

/// `replica_exec_mode`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExecMode {
    /// Row events must find their rows (1032) and not collide (1062).
    #[default]
    Strict,
    /// A written row replaces one with the same key; an update or delete
    /// whose row is missing, or an update that would collide, is skipped
    /// (MySQL's IDEMPOTENT, for replicas fed from several sources or
    /// re-fed after a restore).
    Idempotent,
    /// A resumed clone's catch-up window (not a setting): as IDEMPOTENT,
    /// but an update that would collide writes over the row in its way,
    /// so that every row ends as its last change left it.
    Converge,
}

impl ExecMode {
    pub fn parse(s: &str) -> Result<ExecMode, String> {
        match s.trim().to_ascii_uppercase().as_str() {
            "STRICT" => Ok(ExecMode::Strict),
            "IDEMPOTENT" => Ok(ExecMode::Idempotent),
            _ => Err(format!(
                "--replica-exec-mode {s}: expected STRICT or IDEMPOTENT"
            )),
        }
    }
}

/// The applier's settings for what it applies.
#[derive(Debug, Clone, Default)]
pub struct ApplyPolicy {
    pub filters: Filters,
    pub skip_errors: SkipErrors,
    pub exec_mode: ExecMode,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_errors_parse() {
        assert_eq!(SkipErrors::parse("OFF"), Ok(SkipErrors::Off));
        assert_eq!(SkipErrors::parse(""), Ok(SkipErrors::Off));
        assert_eq!(SkipErrors::parse("all"), Ok(SkipErrors::All));
        let s = SkipErrors::parse("1032, 1062").unwrap_or_default();
        assert!(s.skips(1032) && s.skips(1062) && !s.skips(1146));
        let d = SkipErrors::parse("ddl_exist_errors,1032").unwrap_or_default();
        assert!(d.skips(1050) && d.skips(1146) && d.skips(1032) && !d.skips(1062));
        assert!(SkipErrors::parse("1032,x").is_err());
        assert!(SkipErrors::All.skips(1));
        assert!(!SkipErrors::Off.skips(1032));
    }

    #[test]
    fn exec_mode_parse() {
        assert_eq!(ExecMode::parse("idempotent"), Ok(ExecMode::Idempotent));
        assert_eq!(ExecMode::parse("STRICT"), Ok(ExecMode::Strict));
        assert!(ExecMode::parse("lenient").is_err());
    }
}
