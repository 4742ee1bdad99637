//! `master.info`: what the I/O task has received, in MySQL's line layout
//! (the columns of `mysql.slave_master_info`, one per line, the first line
//! the number of lines). Written atomically: a temporary file, fsync,
//! rename, fsync of the directory; mode 0600.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use crate::error::{ReplicaError, Result};

/// The fields understudy keeps; the others are written as MySQL writes
/// their defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MasterInfo {
    pub source_log_file: String,
    pub read_source_log_pos: u64,
    pub host: String,
    pub user: String,
    /// Written only when it was given in clear (not from a file or the
    /// environment, which are read again at start-up).
    pub password: String,
    pub port: u16,
    pub connect_retry: u64,
    pub ssl_enabled: bool,
    pub ssl_ca: String,
    pub ssl_cert: String,
    pub ssl_key: String,
    pub ssl_verify_server_cert: bool,
    pub heartbeat_period: f64,
    pub source_uuid: String,
    pub retry_count: u64,
    pub auto_position: bool,
    pub public_key_path: String,
    pub get_public_key: bool,
    pub compression_algorithm: String,
    pub zstd_level: u32,
}

/// Lines in MySQL 8.0+'s layout.
const LINES: usize = 33;

impl MasterInfo {
    pub fn to_text(&self) -> String {
        let b = |v: bool| if v { "1" } else { "0" };
        let lines: [String; LINES] = [
            LINES.to_string(),
            self.source_log_file.clone(),
            self.read_source_log_pos.to_string(),
            self.host.clone(),
            self.user.clone(),
            self.password.clone(),
            self.port.to_string(),
            self.connect_retry.to_string(),
            b(self.ssl_enabled).into(),
            self.ssl_ca.clone(),
            String::new(), // Ssl_capath
            self.ssl_cert.clone(),
            String::new(), // Ssl_cipher
            self.ssl_key.clone(),
            b(self.ssl_verify_server_cert).into(),
            format!("{:.3}", self.heartbeat_period),
            String::new(), // Bind
            "0".into(),    // Ignored_server_ids: none
            self.source_uuid.clone(),
            self.retry_count.to_string(),
            String::new(), // Ssl_crl
            String::new(), // Ssl_crlpath
            b(self.auto_position).into(),
            String::new(), // Channel_name: the default channel
            String::new(), // Tls_version
            self.public_key_path.clone(),
            b(self.get_public_key).into(),
            String::new(), // Network_namespace
            if self.compression_algorithm.is_empty() {
                "uncompressed".into()
            } else {
                self.compression_algorithm.clone()
            },
            self.zstd_level.to_string(),
            String::new(), // Tls_ciphersuites
            "0".into(),    // Source_connection_auto_failover
            "0".into(),    // Gtid_only
        ];
        let mut s = lines.join("\n");
        s.push('\n');
        s
    }

    /// Reads the layout written by [`MasterInfo::to_text`] (or an older,
    /// shorter one: missing lines keep their defaults).
    pub fn parse(text: &str, path: &Path) -> Result<MasterInfo> {
        let lines: Vec<&str> = text.lines().collect();
        let bad = |what: &str| ReplicaError::Corrupt {
            path: path.to_owned(),
            detail: format!("master.info: {what}"),
        };
        let count: usize = lines
            .first()
            .and_then(|l| l.trim().parse().ok())
            .ok_or_else(|| bad("the first line is not a line count"))?;
        if count < 7 || count > lines.len() {
            return Err(bad(&format!(
                "says it has {count} lines but has {}",
                lines.len()
            )));
        }
        let get = |i: usize| lines.get(i).copied().filter(|_| i < count).unwrap_or("");
        let num = |i: usize, what: &str| -> Result<u64> {
            let v = get(i).trim();
            if v.is_empty() {
                return Ok(0);
            }
            v.parse()
                .map_err(|_| bad(&format!("{what} '{v}' is not a number")))
        };
        Ok(MasterInfo {
            source_log_file: get(1).to_owned(),
            read_source_log_pos: num(2, "the position")?,
            host: get(3).to_owned(),
            user: get(4).to_owned(),
            password: get(5).to_owned(),
            port: u16::try_from(num(6, "the port")?).map_err(|_| bad("port out of range"))?,
            connect_retry: num(7, "connect retry")?,
            ssl_enabled: get(8) == "1",
            ssl_ca: get(9).to_owned(),
            ssl_cert: get(11).to_owned(),
            ssl_key: get(13).to_owned(),
            ssl_verify_server_cert: get(14) == "1",
            heartbeat_period: get(15).trim().parse().unwrap_or(0.0),
            source_uuid: get(18).to_owned(),
            retry_count: num(19, "retry count")?,
            auto_position: get(22) == "1",
            public_key_path: get(25).to_owned(),
            get_public_key: get(26) == "1",
            compression_algorithm: get(28).to_owned(),
            zstd_level: u32::try_from(num(29, "zstd level")?).unwrap_or(3),
        })
    }

    pub fn load(path: &Path) -> Result<Option<MasterInfo>> {
        match fs::read_to_string(path) {
            Ok(t) => MasterInfo::parse(&t, path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ReplicaError::io(path, e)),
        }
    }

    pub fn store(&self, path: &Path) -> Result<()> {
        write_atomically(path, self.to_text().as_bytes(), 0o600)
    }
}

/// Replaces `path` with `data` so that a crash leaves either the old or
/// the new contents: temporary file, fsync, rename, fsync of the directory.
pub fn write_atomically(path: &Path, data: &[u8], mode: u32) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&tmp)
        .map_err(|e| ReplicaError::io(&tmp, e))?;
    // An existing file keeps its mode through open(): set it.
    f.set_permissions(fs::Permissions::from_mode(mode))
        .and_then(|_| f.write_all(data))
        .and_then(|_| f.sync_all())
        .map_err(|e| ReplicaError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| ReplicaError::io(path, e))?;
    if let Some(dir) = path.parent() {
        let d = fs::File::open(dir).map_err(|e| ReplicaError::io(dir, e))?;
        d.sync_all().map_err(|e| ReplicaError::io(dir, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.info");
        let mi = MasterInfo {
            source_log_file: "binlog.000003".into(),
            read_source_log_pos: 1234,
            host: "127.0.0.1".into(),
            user: "repl".into(),
            port: 3306,
            connect_retry: 60,
            heartbeat_period: 30.0,
            source_uuid: "3e11fa47-71ca-11e1-9e33-c80aa9429562".into(),
            retry_count: 10,
            auto_position: true,
            compression_algorithm: "uncompressed".into(),
            zstd_level: 3,
            ..MasterInfo::default()
        };
        mi.store(&path).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 33);
        assert_eq!(
            &lines[..8],
            [
                "33",
                "binlog.000003",
                "1234",
                "127.0.0.1",
                "repl",
                "",
                "3306",
                "60"
            ]
        );
        assert_eq!(lines[15], "30.000");
        assert_eq!(lines[22], "1");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(MasterInfo::load(&path).unwrap().unwrap(), mi);
        // The old 14-line layout of the DBA notes reads too.
        let old = "14\nmysql-bin.000024\n98\n10.99.99.202\nrepl\nsecret\n3306\n60\n0\n\n\n\n\n\n";
        let m = MasterInfo::parse(old, &path).unwrap();
        assert_eq!(
            (m.source_log_file.as_str(), m.read_source_log_pos),
            ("mysql-bin.000024", 98)
        );
        assert!(MasterInfo::parse("x\n", &path).is_err());
        assert!(MasterInfo::parse("40\na\n", &path).is_err());
    }
}
