//! System variables as clients and tools read them (`SELECT @@name`,
//! `SHOW VARIABLES`) and as drivers set them on connect (`SET NAMES`,
//! `SET autocommit`): MySQL's names and defaults, with the replica's own
//! values where it has them (read_only is ON: the endpoint takes no
//! writes).

use std::collections::BTreeMap;

/// The version the endpoint announces (a MySQL 9.7 replica's features;
/// the suffix says what it is).
pub const SERVER_VERSION: &str = "9.7.0-understudy";
pub const VERSION_COMMENT: &str = "understudy: clean-room MySQL replica";

/// A variable's value. Booleans read as 1/0 in `SELECT @@x` and as
/// ON/OFF in `SHOW VARIABLES`, as in MySQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Bool(bool),
    Int(i64),
    Str(String),
}

impl Val {
    pub fn select_text(&self) -> String {
        match self {
            Val::Bool(b) => u8::from(*b).to_string(),
            Val::Int(n) => n.to_string(),
            Val::Str(s) => s.clone(),
        }
    }

    pub fn show_text(&self) -> String {
        match self {
            Val::Bool(true) => "ON".into(),
            Val::Bool(false) => "OFF".into(),
            other => other.select_text(),
        }
    }

    pub fn is_number(&self) -> bool {
        !matches!(self, Val::Str(_))
    }

    /// A value given in `SET`, in the type of the variable it replaces.
    pub fn parse_like(&self, given: &str) -> Option<Val> {
        match self {
            Val::Bool(_) => match given.to_ascii_uppercase().as_str() {
                "1" | "ON" | "TRUE" => Some(Val::Bool(true)),
                "0" | "OFF" | "FALSE" => Some(Val::Bool(false)),
                _ => None,
            },
            Val::Int(_) => given.parse().ok().map(Val::Int),
            Val::Str(_) => Some(Val::Str(given.to_owned())),
        }
    }
}

/// What the variables say about this replica.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    pub server_id: u32,
    pub server_uuid: String,
    pub hostname: String,
    pub port: u16,
    pub datadir: String,
}

/// Every variable's global value, by name.
pub fn globals(id: &Identity) -> BTreeMap<String, Val> {
    let s = |v: &str| Val::Str(v.to_owned());
    let mut m: BTreeMap<String, Val> = [
        ("auto_increment_increment", Val::Int(1)),
        ("auto_increment_offset", Val::Int(1)),
        ("autocommit", Val::Bool(true)),
        ("character_set_client", s("utf8mb4")),
        ("character_set_connection", s("utf8mb4")),
        ("character_set_database", s("utf8mb4")),
        ("character_set_filesystem", s("binary")),
        ("character_set_results", s("utf8mb4")),
        ("character_set_server", s("utf8mb4")),
        ("character_set_system", s("utf8mb3")),
        ("collation_connection", s("utf8mb4_0900_ai_ci")),
        ("collation_database", s("utf8mb4_0900_ai_ci")),
        ("collation_server", s("utf8mb4_0900_ai_ci")),
        ("default_storage_engine", s("RocksDB")),
        ("default_week_format", Val::Int(0)),
        ("div_precision_increment", Val::Int(4)),
        ("group_concat_max_len", Val::Int(1024)),
        ("have_ssl", s("YES")),
        ("init_connect", s("")),
        ("interactive_timeout", Val::Int(28800)),
        ("license", s("MIT OR Apache-2.0")),
        ("log_bin", Val::Bool(false)),
        ("lower_case_table_names", Val::Int(0)),
        ("max_allowed_packet", Val::Int(67_108_864)),
        ("max_execution_time", Val::Int(0)),
        ("net_buffer_length", Val::Int(16384)),
        ("net_read_timeout", Val::Int(30)),
        ("net_write_timeout", Val::Int(60)),
        ("performance_schema", Val::Bool(false)),
        ("protocol_version", Val::Int(10)),
        ("read_only", Val::Bool(true)),
        ("require_secure_transport", Val::Bool(false)),
        ("sql_mode", s("ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION")),
        ("sql_replica_skip_counter", Val::Int(0)),
        ("sql_select_limit", Val::Int(i64::MAX)),
        ("sql_slave_skip_counter", Val::Int(0)),
        ("super_read_only", Val::Bool(true)),
        ("system_time_zone", s("UTC")),
        ("time_zone", s("SYSTEM")),
        ("transaction_isolation", s("REPEATABLE-READ")),
        ("transaction_read_only", Val::Bool(false)),
        ("tx_isolation", s("REPEATABLE-READ")),
        ("tx_read_only", Val::Bool(false)),
        ("version", s(SERVER_VERSION)),
        ("version_comment", s(VERSION_COMMENT)),
        ("version_compile_machine", s(std::env::consts::ARCH)),
        ("version_compile_os", s("Linux")),
        ("wait_timeout", Val::Int(28800)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    m.insert("server_id".into(), Val::Int(i64::from(id.server_id)));
    m.insert("server_uuid".into(), s(&id.server_uuid));
    m.insert("hostname".into(), s(&id.hostname));
    m.insert("port".into(), Val::Int(i64::from(id.port)));
    m.insert("datadir".into(), s(&id.datadir));
    m
}

/// `@@session.x`, `@@global.x`, `@@local.x` or `@@x`: (global?, name).
pub fn scoped(name: &str) -> (bool, String) {
    let lower = name.to_ascii_lowercase();
    for (prefix, global) in [("global.", true), ("session.", false), ("local.", false)] {
        if let Some(n) = lower.strip_prefix(prefix) {
            return (global, n.to_owned());
        }
    }
    (false, lower)
}

/// The variables `SET NAMES cs [COLLATE c]` sets.
pub fn names(charset: &str, collation: Option<&str>) -> Vec<(&'static str, Val)> {
    let cs = charset.to_ascii_lowercase();
    let coll = collation.map_or_else(
        || match cs.as_str() {
            "utf8mb4" => "utf8mb4_0900_ai_ci".to_owned(),
            "binary" => "binary".to_owned(),
            other => format!("{other}_general_ci"),
        },
        str::to_ascii_lowercase,
    );
    vec![
        ("character_set_client", Val::Str(cs.clone())),
        ("character_set_connection", Val::Str(cs.clone())),
        ("character_set_results", Val::Str(cs)),
        ("collation_connection", Val::Str(coll)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_read_as_mysql_shows_them() {
        let g = globals(&Identity::default());
        assert_eq!(g["read_only"].select_text(), "1");
        assert_eq!(g["read_only"].show_text(), "ON");
        assert_eq!(g["autocommit"].parse_like("off"), Some(Val::Bool(false)));
        assert_eq!(g["wait_timeout"].parse_like("x"), None);
        assert_eq!(scoped("SESSION.Sql_Mode"), (false, "sql_mode".into()));
        assert_eq!(scoped("global.read_only"), (true, "read_only".into()));
    }
}
