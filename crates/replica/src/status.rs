//! The I/O task's status, with the names and states of MySQL's
//! `SHOW REPLICA STATUS` and I/O thread (MySQL manual, "Replication I/O
//! (Receiver) Thread States"). The running task keeps it in memory and
//! mirrors it to `DATA_DIR/replica-status` for `understudy status`.

use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::error::{ReplicaError, Result};

/// I/O thread states, as MySQL 8.0.26+ names them.
pub mod io_state {
    pub const CONNECTING: &str = "Connecting to source";
    pub const CHECKING_VERSION: &str = "Checking source version";
    pub const REGISTERING: &str = "Registering replica on source";
    pub const REQUESTING_DUMP: &str = "Requesting binlog dump";
    pub const WAITING_TO_RECONNECT_DUMP: &str =
        "Waiting to reconnect after a failed binlog dump request";
    pub const RECONNECTING_DUMP: &str = "Reconnecting after a failed binlog dump request";
    pub const WAITING_FOR_EVENT: &str = "Waiting for source to send event";
    pub const QUEUEING: &str = "Queueing source event to the relay log";
    pub const WAITING_TO_RECONNECT_READ: &str =
        "Waiting to reconnect after a failed source event read";
    pub const RECONNECTING_READ: &str = "Reconnecting after a failed source event read";
    pub const WAITING_TO_RECONNECT_REGISTRATION: &str =
        "Waiting to reconnect after a failed registration on source";
    pub const EXITING: &str = "Waiting for replica mutex on exit";
    pub const WAITING_FOR_SPACE: &str =
        "Waiting for the replica SQL thread to free relay log space";
}

/// `Replica_IO_Running`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Running {
    #[default]
    No,
    Connecting,
    Yes,
}

impl Running {
    pub fn as_str(self) -> &'static str {
        match self {
            Running::No => "No",
            Running::Connecting => "Connecting",
            Running::Yes => "Yes",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IoStatus {
    pub state: String,
    pub source_host: String,
    pub source_user: String,
    pub source_port: u16,
    pub connect_retry: u64,
    pub source_log_file: String,
    pub read_source_log_pos: u64,
    pub relay_log_file: String,
    pub relay_log_pos: u64,
    pub running: Running,
    pub last_io_errno: u32,
    pub last_io_error: String,
    pub last_io_error_timestamp: String,
    pub source_server_id: u32,
    pub source_uuid: String,
    pub retrieved_gtid_set: String,
    pub relay_log_space: u64,
    pub auto_position: bool,
    pub source_retry_count: u64,
    /// The source's flavor and version, e.g. `9.7.4-2`.
    pub source_version: String,
}

impl IoStatus {
    /// The fields in `SHOW REPLICA STATUS` order (I/O side only).
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("Replica_IO_State", self.state.clone()),
            ("Source_Host", self.source_host.clone()),
            ("Source_User", self.source_user.clone()),
            ("Source_Port", self.source_port.to_string()),
            ("Connect_Retry", self.connect_retry.to_string()),
            ("Source_Log_File", self.source_log_file.clone()),
            ("Read_Source_Log_Pos", self.read_source_log_pos.to_string()),
            ("Relay_Log_File", self.relay_log_file.clone()),
            ("Relay_Log_Pos", self.relay_log_pos.to_string()),
            ("Replica_IO_Running", self.running.as_str().to_owned()),
            ("Relay_Log_Space", self.relay_log_space.to_string()),
            ("Last_IO_Errno", self.last_io_errno.to_string()),
            ("Last_IO_Error", self.last_io_error.clone()),
            ("Source_Server_Id", self.source_server_id.to_string()),
            ("Source_UUID", self.source_uuid.clone()),
            ("Source_Retry_Count", self.source_retry_count.to_string()),
            (
                "Last_IO_Error_Timestamp",
                self.last_io_error_timestamp.clone(),
            ),
            ("Retrieved_Gtid_Set", self.retrieved_gtid_set.clone()),
            ("Auto_Position", u8::from(self.auto_position).to_string()),
        ]
    }

    /// One `Name: value` line per field (values never hold newlines).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for (k, v) in self.fields() {
            s.push_str(k);
            s.push_str(": ");
            s.push_str(&v.replace('\n', " "));
            s.push('\n');
        }
        s
    }

    pub fn parse(text: &str) -> IoStatus {
        let mut st = IoStatus::default();
        for (k, v) in status_lines(text) {
            let v = v.to_owned();
            let n = |v: &str| v.parse::<u64>().unwrap_or(0);
            match k {
                "Replica_IO_State" => st.state = v,
                "Source_Host" => st.source_host = v,
                "Source_User" => st.source_user = v,
                "Source_Port" => st.source_port = n(&v) as u16,
                "Connect_Retry" => st.connect_retry = n(&v),
                "Source_Log_File" => st.source_log_file = v,
                "Read_Source_Log_Pos" => st.read_source_log_pos = n(&v),
                "Relay_Log_File" => st.relay_log_file = v,
                "Relay_Log_Pos" => st.relay_log_pos = n(&v),
                "Replica_IO_Running" => {
                    st.running = match v.as_str() {
                        "Yes" => Running::Yes,
                        "Connecting" => Running::Connecting,
                        _ => Running::No,
                    }
                }
                "Relay_Log_Space" => st.relay_log_space = n(&v),
                "Last_IO_Errno" => st.last_io_errno = n(&v) as u32,
                "Last_IO_Error" => st.last_io_error = v,
                "Source_Server_Id" => st.source_server_id = n(&v) as u32,
                "Source_UUID" => st.source_uuid = v,
                "Source_Retry_Count" => st.source_retry_count = n(&v),
                "Last_IO_Error_Timestamp" => st.last_io_error_timestamp = v,
                "Retrieved_Gtid_Set" => st.retrieved_gtid_set = v,
                "Auto_Position" => st.auto_position = v == "1",
                _ => {}
            }
        }
        st
    }

    /// Like the mysql client's `\G`: names right-aligned.
    pub fn vertical(&self) -> String {
        let fields = self.fields();
        let w = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut s =
            String::from("*************************** 1. row ***************************\n");
        for (k, v) in fields {
            s.push_str(&format!("{k:>w$}: {v}\n"));
        }
        s
    }
}

/// `Last_IO_Error_Timestamp`'s format: `YYMMDD HH:MM:SS`, UTC.
pub fn timestamp_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format_timestamp(secs)
}

fn format_timestamp(secs: u64) -> String {
    let t = understudy_dumper::text::tm(secs as i64, 0);
    format!(
        "{:02}{:02}{:02} {:02}:{:02}:{:02}",
        t.year % 100,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second
    )
}

/// The status shared by the task and its readers, mirrored to a file.
#[derive(Debug, Clone)]
pub struct SharedStatus {
    inner: Arc<Mutex<IoStatus>>,
    path: std::path::PathBuf,
}

impl SharedStatus {
    pub fn new(path: &Path, initial: IoStatus) -> Self {
        SharedStatus {
            inner: Arc::new(Mutex::new(initial)),
            path: path.to_owned(),
        }
    }

    pub fn snapshot(&self) -> IoStatus {
        match self.inner.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Changes the status; `persist` also rewrites the file.
    pub fn update(&self, persist: bool, f: impl FnOnce(&mut IoStatus)) -> Result<()> {
        let text = {
            let mut g = match self.inner.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            f(&mut g);
            persist.then(|| g.to_text())
        };
        match text {
            Some(t) => write_status(&self.path, &t),
            None => Ok(()),
        }
    }

    pub fn persist(&self) -> Result<()> {
        let t = self.snapshot().to_text();
        write_status(&self.path, &t)
    }
}

/// The `Name: value` lines of a status mirror.
pub(crate) fn status_lines(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines().filter_map(|line| {
        line.split_once(": ")
            .or_else(|| line.strip_suffix(':').map(|k| (k, "")))
    })
}

/// A mirror file for readers (status, relay-log.info): replaced by
/// rename, not fsynced (it is rewritten from memory at every change, and
/// what it mirrors is durable elsewhere).
pub(crate) fn write_status(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(|e| ReplicaError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| ReplicaError::io(path, e))
}

/// Reads a status mirror written by a running (or stopped) replica.
pub fn read_status(path: &Path) -> Result<Option<IoStatus>> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(IoStatus::parse(&t))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ReplicaError::io(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_like_mysql() {
        assert_eq!(format_timestamp(0), "700101 00:00:00");
        assert_eq!(format_timestamp(1_795_250_339), "261121 08:38:59");
    }

    #[test]
    fn text_round_trip_and_vertical_layout() {
        let st = IoStatus {
            state: io_state::WAITING_FOR_EVENT.into(),
            source_host: "127.0.0.1".into(),
            source_port: 3306,
            running: Running::Yes,
            last_io_errno: 13114,
            last_io_error: "Got fatal error 1236 from source".into(),
            retrieved_gtid_set: "u:1-5".into(),
            ..IoStatus::default()
        };
        assert_eq!(IoStatus::parse(&st.to_text()), st);
        let v = st.vertical();
        assert!(
            v.contains("\n       Replica_IO_State: Waiting for source to send event\n"),
            "{v}"
        );
        assert!(v.contains("\n     Replica_IO_Running: Yes\n"), "{v}");
        assert!(v.contains("\n          Last_IO_Error: Got fatal error 1236 from source\n"));
    }
}
