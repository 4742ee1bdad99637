//! `SHOW REPLICA STATUS` as MySQL 9.7 shows it: its 60 columns in its
//! order, filled from the I/O task's and the applier's status, and the
//! names MySQL 8.0 gave them under `SHOW SLAVE STATUS`. `understudy
//! status` prints it vertically; the endpoint sends it as a result set.

use std::path::Path;

use crate::applier::status::{SqlStatus, read_sql_status};
use crate::service::{MASTER_INFO, STATUS_FILE, running_pid};
use crate::status::{IoStatus, Running, read_status};

/// What a column holds, as MySQL 9.7 types it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// An unsigned `LONG`.
    Long,
    /// An unsigned `LONGLONG`.
    LongLong,
}

/// MySQL 9.7's columns, in order.
pub const COLUMNS: &[(&str, Kind)] = &[
    ("Replica_IO_State", Kind::Text),
    ("Source_Host", Kind::Text),
    ("Source_User", Kind::Text),
    ("Source_Port", Kind::Long),
    ("Connect_Retry", Kind::Long),
    ("Source_Log_File", Kind::Text),
    ("Read_Source_Log_Pos", Kind::LongLong),
    ("Relay_Log_File", Kind::Text),
    ("Relay_Log_Pos", Kind::LongLong),
    ("Relay_Source_Log_File", Kind::Text),
    ("Replica_IO_Running", Kind::Text),
    ("Replica_SQL_Running", Kind::Text),
    ("Replicate_Do_DB", Kind::Text),
    ("Replicate_Ignore_DB", Kind::Text),
    ("Replicate_Do_Table", Kind::Text),
    ("Replicate_Ignore_Table", Kind::Text),
    ("Replicate_Wild_Do_Table", Kind::Text),
    ("Replicate_Wild_Ignore_Table", Kind::Text),
    ("Last_Errno", Kind::Long),
    ("Last_Error", Kind::Text),
    ("Skip_Counter", Kind::Long),
    ("Exec_Source_Log_Pos", Kind::LongLong),
    ("Relay_Log_Space", Kind::LongLong),
    ("Until_Condition", Kind::Text),
    ("Until_Log_File", Kind::Text),
    ("Until_Log_Pos", Kind::LongLong),
    ("Source_SSL_Allowed", Kind::Text),
    ("Source_SSL_CA_File", Kind::Text),
    ("Source_SSL_CA_Path", Kind::Text),
    ("Source_SSL_Cert", Kind::Text),
    ("Source_SSL_Cipher", Kind::Text),
    ("Source_SSL_Key", Kind::Text),
    ("Seconds_Behind_Source", Kind::LongLong),
    ("Source_SSL_Verify_Server_Cert", Kind::Text),
    ("Last_IO_Errno", Kind::Long),
    ("Last_IO_Error", Kind::Text),
    ("Last_SQL_Errno", Kind::Long),
    ("Last_SQL_Error", Kind::Text),
    ("Replicate_Ignore_Server_Ids", Kind::Text),
    ("Source_Server_Id", Kind::Long),
    ("Source_UUID", Kind::Text),
    ("Source_Info_File", Kind::Text),
    ("SQL_Delay", Kind::Long),
    ("SQL_Remaining_Delay", Kind::Long),
    ("Replica_SQL_Running_State", Kind::Text),
    ("Source_Retry_Count", Kind::LongLong),
    ("Source_Bind", Kind::Text),
    ("Last_IO_Error_Timestamp", Kind::Text),
    ("Last_SQL_Error_Timestamp", Kind::Text),
    ("Source_SSL_Crl", Kind::Text),
    ("Source_SSL_Crlpath", Kind::Text),
    ("Retrieved_Gtid_Set", Kind::Text),
    ("Executed_Gtid_Set", Kind::Text),
    ("Auto_Position", Kind::Long),
    ("Replicate_Rewrite_DB", Kind::Text),
    ("Channel_Name", Kind::Text),
    ("Source_TLS_Version", Kind::Text),
    ("Source_public_key_path", Kind::Text),
    ("Get_Source_public_key", Kind::Long),
    ("Network_Namespace", Kind::Text),
];

/// One column of the report; `None` is SQL NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: Option<String>,
    pub kind: Kind,
}

/// The name MySQL 8.0's `SHOW SLAVE STATUS` gave a column.
pub fn old_name(name: &str) -> String {
    match name {
        "Get_Source_public_key" => "Get_master_public_key".into(),
        n => n.replace("Replica", "Slave").replace("Source", "Master"),
    }
}

/// The report of the replica in `dir` (running or not); `None` when no
/// replica ever ran there.
pub fn report(dir: &Path) -> Option<Vec<Field>> {
    let mut io = read_status(&dir.join(STATUS_FILE)).ok()??;
    let running = running_pid(dir).is_some();
    if !running {
        io.running = Running::No;
        io.state = String::new();
    }
    let mut sql = read_sql_status(dir);
    if let Some(s) = sql.as_mut().filter(|_| !running) {
        s.running = false;
        s.state = String::new();
    }
    Some(fields(dir, &io, sql.as_ref()))
}

/// The I/O task's fields with the applier's (the applier's relay log
/// position wins), every MySQL column present, in MySQL's order; for a
/// MariaDB source, MariaDB's three GTID columns after them.
pub fn fields(dir: &Path, io: &IoStatus, sql: Option<&SqlStatus>) -> Vec<Field> {
    let mut known: Vec<(String, String)> = io
        .fields()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let mut set = |k: &str, v: String| match known.iter_mut().find(|(f, _)| f == k) {
        Some(f) => f.1 = v,
        None => known.push((k.to_owned(), v)),
    };
    if let Some(sql) = sql {
        for line in sql.to_text().lines() {
            let (k, v) = line
                .split_once(": ")
                .unwrap_or((line.trim_end_matches(':'), ""));
            set(k, v.to_owned());
        }
        // MySQL's Last_Errno / Last_Error repeat the SQL thread's.
        set("Last_Errno", sql.last_errno.to_string());
        set("Last_Error", sql.last_error.replace('\n', " "));
    }
    set(
        "Source_Info_File",
        dir.join(MASTER_INFO).display().to_string(),
    );
    let get = |k: &str| known.iter().find(|(f, _)| f == k).map(|f| f.1.clone());
    let mut out: Vec<Field> = COLUMNS
        .iter()
        .map(|&(name, kind)| {
            let numeric = kind != Kind::Text;
            let value = match (get(name), name) {
                (Some(v), _) if numeric && v == "NULL" => None,
                (Some(v), _) => Some(v),
                (None, "Seconds_Behind_Source" | "SQL_Remaining_Delay") => None,
                (None, "Until_Condition") => Some("None".into()),
                (None, "Source_SSL_Allowed" | "Source_SSL_Verify_Server_Cert") => Some("No".into()),
                (None, _) if numeric => Some("0".into()),
                (None, _) => Some(String::new()),
            };
            Field {
                name: name.to_owned(),
                value,
                kind,
            }
        })
        .collect();
    let (retrieved, executed) = (
        get("Retrieved_Gtid_Set").unwrap_or_default(),
        get("Executed_Gtid_Set").unwrap_or_default(),
    );
    let mariadb = |v: &str| !v.is_empty() && !v.contains(':');
    if mariadb(&retrieved) || mariadb(&executed) {
        let using = if io.auto_position { "Slave_Pos" } else { "No" };
        for (name, v) in [
            ("Using_Gtid", using.to_owned()),
            ("Gtid_IO_Pos", retrieved),
            ("Gtid_Slave_Pos", executed),
        ] {
            out.push(Field {
                name: name.into(),
                value: Some(v),
                kind: Kind::Text,
            });
        }
    }
    out
}

/// Like the mysql client's `\G`: names right-aligned, NULL as `NULL`.
pub fn vertical(fields: &[Field]) -> String {
    let w = fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
    let mut s = String::from("*************************** 1. row ***************************\n");
    for f in fields {
        let v = f.value.as_deref().unwrap_or("NULL");
        s.push_str(&format!("{:>w$}: {v}\n", f.name));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mysql_column_in_order_with_nulls() {
        let io = IoStatus {
            source_host: "db1".into(),
            source_port: 3306,
            running: Running::Yes,
            ..IoStatus::default()
        };
        let sql = SqlStatus {
            running: true,
            last_errno: 1032,
            last_error: "Could not execute".into(),
            seconds_behind: None,
            ..SqlStatus::default()
        };
        let f = fields(Path::new("/d"), &io, Some(&sql));
        assert_eq!(f.len(), 60);
        let names: Vec<&str> = f.iter().map(|f| f.name.as_str()).collect();
        let want: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
        assert_eq!(names, want);
        let v = |n: &str| f.iter().find(|f| f.name == n).unwrap().value.clone();
        assert_eq!(v("Source_Host").as_deref(), Some("db1"));
        assert_eq!(v("Last_Errno").as_deref(), Some("1032"));
        assert_eq!(v("Last_SQL_Errno").as_deref(), Some("1032"));
        assert_eq!(v("Seconds_Behind_Source"), None);
        assert_eq!(v("Source_Info_File").as_deref(), Some("/d/master.info"));
        assert_eq!(v("Until_Condition").as_deref(), Some("None"));
        assert!(vertical(&f).contains("\n        Seconds_Behind_Source: NULL\n"));
    }

    #[test]
    fn old_names_as_mysql_8_0_gave_them() {
        assert_eq!(old_name("Replica_IO_State"), "Slave_IO_State");
        assert_eq!(old_name("Relay_Source_Log_File"), "Relay_Master_Log_File");
        assert_eq!(old_name("Seconds_Behind_Source"), "Seconds_Behind_Master");
        assert_eq!(old_name("Source_public_key_path"), "Master_public_key_path");
        assert_eq!(old_name("Get_Source_public_key"), "Get_master_public_key");
        assert_eq!(old_name("Last_SQL_Errno"), "Last_SQL_Errno");
    }
}
