//! `SOURCE_DELAY`: the applier applies a transaction only once it is that
//! many seconds older than when the source committed it (its GTID event's
//! immediate commit timestamp, or else its first event's timestamp), the
//! protection a delayed replica gives against a mistaken DROP on the
//! source. The delay is kept in relay-log.info (its `Sql_delay` line), as
//! MySQL keeps it.

use std::path::Path;

use understudy_binlog::RawEvent;
use understudy_binlog::event::gtid_event::GtidEvent;
use understudy_binlog::event_type::{
    ANONYMOUS_GTID_LOG_EVENT, GTID_LOG_EVENT, GTID_TAGGED_LOG_EVENT,
};

use super::RELAY_LOG_INFO;

/// The SQL thread's state while it waits, as MySQL names it.
pub const WAITING: &str = "Waiting until SOURCE_DELAY seconds after source executed event";

/// When the source committed the transaction that starts with `raw`
/// (seconds since the epoch).
pub(crate) fn executed_at(raw: &RawEvent<'_>) -> u64 {
    let gtid = match raw.type_code {
        GTID_LOG_EVENT => GtidEvent::parse(raw.body, false).ok(),
        ANONYMOUS_GTID_LOG_EVENT => GtidEvent::parse(raw.body, true).ok(),
        GTID_TAGGED_LOG_EVENT => GtidEvent::parse_tagged(raw.body).ok(),
        _ => None,
    };
    gtid.and_then(|g| g.immediate_commit_timestamp)
        .map_or(u64::from(raw.header.timestamp), |us| us / 1_000_000)
}

/// The delay relay-log.info in `dir` holds (0 when there is none).
pub fn stored(dir: &Path) -> u64 {
    std::fs::read_to_string(dir.join(RELAY_LOG_INFO))
        .ok()
        .and_then(|t| t.lines().nth(5).and_then(|l| l.trim().parse().ok()))
        .unwrap_or(0)
}

/// Writes `delay` into relay-log.info in `dir` (a file with the position
/// lines empty when there is none yet).
pub fn store(dir: &Path, delay: u64) -> crate::error::Result<()> {
    let text = std::fs::read_to_string(dir.join(RELAY_LOG_INFO)).unwrap_or_default();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.len() < 8 {
        lines = vec![
            "7".into(),
            String::new(),
            "0".into(),
            String::new(),
            "0".into(),
            "0".into(),
            "0".into(),
            "1".into(),
        ];
    }
    lines[5] = delay.to_string();
    crate::status::write_status(&dir.join(RELAY_LOG_INFO), &(lines.join("\n") + "\n"))
}
