//! Command payloads the client sends (the first byte names the command).

use crate::wire::{put_u8_prefixed, put_u16, put_u32};

pub const COM_QUIT: u8 = 0x01;
pub const COM_QUERY: u8 = 0x03;
pub const COM_PING: u8 = 0x0e;
pub const COM_BINLOG_DUMP: u8 = 0x12;
pub const COM_REGISTER_SLAVE: u8 = 0x15;
pub const COM_BINLOG_DUMP_GTID: u8 = 0x1e;

/// COM_BINLOG_DUMP flag: answer EOF at the end instead of waiting.
pub const BINLOG_DUMP_NON_BLOCK: u16 = 0x01;
/// COM_BINLOG_DUMP_GTID flag: a GTID set follows.
pub const BINLOG_THROUGH_GTID: u16 = 0x04;

pub fn query(sql: &str) -> Vec<u8> {
    let mut p = Vec::with_capacity(sql.len() + 1);
    p.push(COM_QUERY);
    p.extend_from_slice(sql.as_bytes());
    p
}

pub fn ping() -> Vec<u8> {
    vec![COM_PING]
}

pub fn quit() -> Vec<u8> {
    vec![COM_QUIT]
}

/// COM_REGISTER_SLAVE: what `SHOW REPLICAS` on the source shows of us.
#[derive(Debug, Clone, Default)]
pub struct RegisterReplica<'a> {
    pub server_id: u32,
    pub report_host: &'a str,
    pub report_user: &'a str,
    pub report_password: &'a str,
    pub report_port: u16,
}

impl RegisterReplica<'_> {
    pub fn encode(&self) -> Vec<u8> {
        let mut p = vec![COM_REGISTER_SLAVE];
        put_u32(&mut p, self.server_id);
        put_u8_prefixed(&mut p, self.report_host.as_bytes());
        put_u8_prefixed(&mut p, self.report_user.as_bytes());
        put_u8_prefixed(&mut p, self.report_password.as_bytes());
        put_u16(&mut p, self.report_port);
        put_u32(&mut p, 0); // replication rank (unused)
        put_u32(&mut p, 0); // source id (filled in by the source)
        p
    }
}

/// COM_BINLOG_DUMP from a file and position (file "" with MariaDB GTID
/// positioning: the source reads `@slave_connect_state`).
pub fn binlog_dump(server_id: u32, file: &str, position: u32, flags: u16) -> Vec<u8> {
    let mut p = vec![COM_BINLOG_DUMP];
    put_u32(&mut p, position);
    put_u16(&mut p, flags);
    put_u32(&mut p, server_id);
    p.extend_from_slice(file.as_bytes());
    p
}

/// COM_BINLOG_DUMP_GTID: stream every transaction not in `gtid_set`
/// (encoded as in a Previous_gtids event).
pub fn binlog_dump_gtid(
    server_id: u32,
    file: &str,
    position: u64,
    flags: u16,
    gtid_set: &[u8],
) -> Vec<u8> {
    let mut p = vec![COM_BINLOG_DUMP_GTID];
    put_u16(&mut p, flags | BINLOG_THROUGH_GTID);
    put_u32(&mut p, server_id);
    put_u32(&mut p, file.len() as u32);
    p.extend_from_slice(file.as_bytes());
    p.extend_from_slice(&position.to_le_bytes());
    put_u32(&mut p, gtid_set.len() as u32);
    p.extend_from_slice(gtid_set);
    p
}

/// The statement that shows a server's current binlog file and position
/// (and its executed GTIDs on MySQL): `SHOW BINARY LOG STATUS` on MySQL
/// 8.2 and later (8.4 removed `SHOW MASTER STATUS`), `SHOW MASTER STATUS`
/// on older MySQL and on MariaDB. `server_version` is the handshake's.
pub fn binary_log_status_statement(server_version: &str) -> &'static str {
    if server_version.contains("MariaDB") {
        return "SHOW MASTER STATUS";
    }
    let mut parts = server_version
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if (major, minor) >= (8, 2) {
        "SHOW BINARY LOG STATUS"
    } else {
        "SHOW MASTER STATUS"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_log_status_by_version() {
        for (v, want) in [
            ("9.7.4-2", "SHOW BINARY LOG STATUS"),
            ("8.4.3", "SHOW BINARY LOG STATUS"),
            ("8.2.0", "SHOW BINARY LOG STATUS"),
            ("8.0.36-0ubuntu0.22.04.1", "SHOW MASTER STATUS"),
            ("5.7.44-log", "SHOW MASTER STATUS"),
            ("5.5.5-10.11.6-MariaDB-0+deb12u1-log", "SHOW MASTER STATUS"),
            ("11.8.9-MariaDB-4", "SHOW MASTER STATUS"),
        ] {
            assert_eq!(binary_log_status_statement(v), want, "{v}");
        }
    }

    #[test]
    fn layouts() {
        assert_eq!(
            binlog_dump(7, "b.000001", 4, 0),
            [&[0x12, 4, 0, 0, 0, 0, 0, 7, 0, 0, 0][..], b"b.000001"].concat()
        );
        let g = binlog_dump_gtid(7, "", 4, 0, &[9, 9]);
        assert_eq!(
            g,
            [
                0x1e, 4, 0, 7, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 9, 9
            ]
        );
        let r = RegisterReplica {
            server_id: 2,
            report_host: "h",
            report_port: 3306,
            ..RegisterReplica::default()
        }
        .encode();
        assert_eq!(
            r,
            [
                0x15, 2, 0, 0, 0, 1, b'h', 0, 0, 0xea, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0
            ]
        );
    }
}
