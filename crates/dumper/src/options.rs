//! Dump options, named after mysqlbinlog's flags.

use understudy_binlog::gtid::GtidSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Base64Output {
    /// Print BINLOG statements where needed (mysqlbinlog's default).
    #[default]
    Auto,
    /// Never print BINLOG statements; fail on events that need them.
    Never,
    /// Decode row events into comments instead of BINLOG statements.
    DecodeRows,
}

/// Which reference tool's output to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// By the file: MySQL 9.7 mysqlbinlog for MySQL files, MariaDB's
    /// mariadb-binlog for MariaDB files and for MySQL files with v1 row
    /// events (which mysqlbinlog 9.7 no longer reads).
    #[default]
    Auto,
    MySql,
    MariaDb,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `-v` count: 1 = pseudo-SQL for rows, 2 = also column types.
    pub verbose: u8,
    pub base64_output: Base64Output,
    pub start_position: Option<u64>,
    pub stop_position: Option<u64>,
    /// Seconds since the epoch (already converted from local time).
    pub start_datetime: Option<i64>,
    pub stop_datetime: Option<i64>,
    pub include_gtids: Option<GtidSet>,
    pub exclude_gtids: Option<GtidSet>,
    pub database: Option<String>,
    pub hexdump: bool,
    pub short_form: bool,
    pub force_read: bool,
    pub verify_checksum: bool,
    pub dialect: Dialect,
    /// Offset from UTC, in seconds, at a Unix timestamp: the caller's time
    /// zone (mysqlbinlog prints local time). UTC when absent.
    pub tz_offset: Option<TzOffset>,
}

impl Options {
    /// The event at `offset`, written at `timestamp`, is at or past
    /// `--stop-position` / `--stop-datetime`: the dump ends before it.
    pub(crate) fn past_stop(&self, offset: u64, timestamp: u32) -> bool {
        self.stop_position.is_some_and(|s| offset >= s)
            || self
                .stop_datetime
                .is_some_and(|s| i64::from(timestamp) >= s)
    }
}

/// The caller's time zone: at a Unix time, the offset from UTC in seconds
/// and the zone's abbreviation ("UTC", "JST", "EST").
#[derive(Clone)]
pub struct TzOffset(pub std::sync::Arc<dyn Fn(i64) -> (i32, String) + Send + Sync>);

impl std::fmt::Debug for TzOffset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TzOffset")
    }
}
