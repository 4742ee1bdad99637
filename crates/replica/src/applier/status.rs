//! The applier's half of `SHOW REPLICA STATUS`, mirrored to
//! `DATA_DIR/applier-status` (at most every 200 ms while running, and at
//! every start, stop and error).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// SQL thread states, as MySQL 8.0.26+ names them.
pub mod sql_state {
    pub const READING_EVENT: &str = "Reading event from the relay log";
    pub const WAITING_FOR_MORE: &str = "Replica has read all relay log; waiting for more updates";
}

pub const APPLIER_STATUS_FILE: &str = "applier-status";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SqlStatus {
    pub running: bool,
    pub state: String,
    pub relay_log_file: String,
    pub relay_log_pos: u64,
    pub relay_source_log_file: String,
    pub exec_source_log_pos: u64,
    pub skip_counter: u64,
    pub last_errno: u32,
    pub last_error: String,
    pub last_error_timestamp: String,
    /// None: NULL (not running).
    pub seconds_behind: Option<u64>,
    pub exec_gtid: String,
    /// The `Replicate_*` fields (name, value), in MySQL's order.
    pub filters: Vec<(String, String)>,
    /// `Until_Condition` (empty: None).
    pub until: String,
    pub until_log_file: String,
    pub until_log_pos: u64,
    /// `SQL_Delay`: SOURCE_DELAY in seconds.
    pub sql_delay: u64,
    /// `SQL_Remaining_Delay`: while waiting for SOURCE_DELAY.
    pub remaining_delay: Option<u64>,
}

impl SqlStatus {
    pub fn to_text(&self) -> String {
        let behind = match (self.running, self.seconds_behind) {
            (true, Some(s)) => s.to_string(),
            _ => "NULL".into(),
        };
        [
            (
                "Replica_SQL_Running",
                if self.running { "Yes" } else { "No" }.to_owned(),
            ),
            ("Replica_SQL_Running_State", self.state.clone()),
            ("Relay_Log_File", self.relay_log_file.clone()),
            ("Relay_Log_Pos", self.relay_log_pos.to_string()),
            ("Relay_Source_Log_File", self.relay_source_log_file.clone()),
            ("Exec_Source_Log_Pos", self.exec_source_log_pos.to_string()),
            ("Skip_Counter", self.skip_counter.to_string()),
            ("Last_SQL_Errno", self.last_errno.to_string()),
            ("Last_SQL_Error", self.last_error.replace('\n', " ")),
            (
                "Last_SQL_Error_Timestamp",
                self.last_error_timestamp.clone(),
            ),
            ("Seconds_Behind_Source", behind),
            ("Executed_Gtid_Set", self.exec_gtid.clone()),
            (
                "Until_Condition",
                if self.until.is_empty() {
                    "None".to_owned()
                } else {
                    self.until.clone()
                },
            ),
            ("Until_Log_File", self.until_log_file.clone()),
            ("Until_Log_Pos", self.until_log_pos.to_string()),
            ("SQL_Delay", self.sql_delay.to_string()),
            (
                "SQL_Remaining_Delay",
                match (self.running, self.remaining_delay) {
                    (true, Some(s)) => s.to_string(),
                    _ => "NULL".into(),
                },
            ),
        ]
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .chain(self.filters.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map(|(k, v)| format!("{k}: {v}\n"))
        .collect()
    }

    pub fn parse(text: &str) -> SqlStatus {
        let mut s = SqlStatus::default();
        for (k, v) in crate::status::status_lines(text) {
            let n = || v.parse::<u64>().unwrap_or(0);
            match k {
                "Replica_SQL_Running" => s.running = v == "Yes",
                "Replica_SQL_Running_State" => s.state = v.into(),
                "Relay_Log_File" => s.relay_log_file = v.into(),
                "Relay_Log_Pos" => s.relay_log_pos = n(),
                "Relay_Source_Log_File" => s.relay_source_log_file = v.into(),
                "Exec_Source_Log_Pos" => s.exec_source_log_pos = n(),
                "Skip_Counter" => s.skip_counter = n(),
                "Last_SQL_Errno" => s.last_errno = n() as u32,
                "Last_SQL_Error" => s.last_error = v.into(),
                "Last_SQL_Error_Timestamp" => s.last_error_timestamp = v.into(),
                "Seconds_Behind_Source" => s.seconds_behind = v.parse().ok(),
                "Executed_Gtid_Set" => s.exec_gtid = v.into(),
                "Until_Condition" if v != "None" => s.until = v.into(),
                "Until_Log_File" => s.until_log_file = v.into(),
                "Until_Log_Pos" => s.until_log_pos = n(),
                "SQL_Delay" => s.sql_delay = n(),
                "SQL_Remaining_Delay" => s.remaining_delay = v.parse().ok(),
                k if k.starts_with("Replicate_") => s.filters.push((k.into(), v.into())),
                _ => {}
            }
        }
        s
    }
}

#[derive(Debug)]
struct Inner {
    status: SqlStatus,
    written: Option<Instant>,
}

#[derive(Debug, Clone)]
pub struct SharedSqlStatus {
    inner: Arc<Mutex<Inner>>,
    path: PathBuf,
}

impl SharedSqlStatus {
    pub fn new(dir: &Path) -> Self {
        SharedSqlStatus {
            inner: Arc::new(Mutex::new(Inner {
                status: SqlStatus::default(),
                written: None,
            })),
            path: dir.join(APPLIER_STATUS_FILE),
        }
    }

    pub fn snapshot(&self) -> SqlStatus {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .status
            .clone()
    }

    /// Changes the status; the mirror file follows when the running flag
    /// or the error changed, or 200 ms after it was last written.
    pub fn update(&self, f: impl FnOnce(&mut SqlStatus)) {
        let text = {
            let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            let before = (g.status.running, g.status.last_errno);
            f(&mut g.status);
            let due = g
                .written
                .is_none_or(|t| t.elapsed() >= Duration::from_millis(200));
            if due || before != (g.status.running, g.status.last_errno) {
                g.written = Some(Instant::now());
                Some(g.status.to_text())
            } else {
                None
            }
        };
        if let Some(t) = text
            && let Err(e) = crate::status::write_status(&self.path, &t)
        {
            // A mirror: the applier goes on; the store holds the truth.
            tracing::warn!("{e}");
        }
    }
}

/// Reads the mirror a running or stopped applier left.
pub fn read_sql_status(dir: &Path) -> Option<SqlStatus> {
    std::fs::read_to_string(dir.join(APPLIER_STATUS_FILE))
        .ok()
        .map(|t| SqlStatus::parse(&t))
}
