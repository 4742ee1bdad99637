//! What `scripts/testbed/provision.sh` installed: the server kinds, and the
//! paths of their binaries as read from `$UNDERSTUDY_CACHE/testbed.env`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::TestbedError;

/// A server version the testbed can start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServerKind {
    /// Oracle MySQL 9.7 (Debian sid packages in a private prefix).
    Mysql97,
    /// MariaDB 10.11 (Debian bookworm packages).
    Mariadb1011,
    /// MariaDB 11.8 (Debian sid packages in a private prefix); optional.
    Mariadb118,
}

impl ServerKind {
    /// Every kind, provisioned or not.
    pub const ALL: [ServerKind; 3] = [
        ServerKind::Mysql97,
        ServerKind::Mariadb1011,
        ServerKind::Mariadb118,
    ];

    /// A short name usable in file names: `mysql97`, `mariadb1011`, `mariadb118`.
    pub fn name(&self) -> &'static str {
        match self {
            ServerKind::Mysql97 => "mysql97",
            ServerKind::Mariadb1011 => "mariadb1011",
            ServerKind::Mariadb118 => "mariadb118",
        }
    }

    /// True for the MariaDB kinds.
    pub fn is_mariadb(&self) -> bool {
        !matches!(self, ServerKind::Mysql97)
    }

    /// The kinds to test on this machine: MySQL 9.7 and MariaDB 10.11
    /// always (starting them fails loudly if they are missing), MariaDB 11.8
    /// only when it was provisioned. Fails when `testbed.env` is missing.
    pub fn all_available() -> Result<Vec<ServerKind>, TestbedError> {
        Ok(Testbed::load()?.available_kinds())
    }

    fn keys(&self) -> Keys {
        match self {
            ServerKind::Mysql97 => Keys {
                server: "UNDERSTUDY_MYSQL97_MYSQLD",
                install_db: None,
                client: "UNDERSTUDY_MYSQL97_CLIENT",
                dumper: "UNDERSTUDY_MYSQL97_BINLOG",
                basedir: Some("UNDERSTUDY_MYSQL97_BASEDIR"),
            },
            ServerKind::Mariadb1011 => Keys {
                server: "UNDERSTUDY_MARIADB1011_MARIADBD",
                install_db: Some("UNDERSTUDY_MARIADB1011_INSTALL_DB"),
                client: "UNDERSTUDY_MARIADB1011_CLIENT",
                dumper: "UNDERSTUDY_MARIADB1011_BINLOG",
                basedir: None,
            },
            ServerKind::Mariadb118 => Keys {
                server: "UNDERSTUDY_MARIADB118_MARIADBD",
                install_db: Some("UNDERSTUDY_MARIADB118_INSTALL_DB"),
                client: "UNDERSTUDY_MARIADB118_CLIENT",
                dumper: "UNDERSTUDY_MARIADB118_BINLOG",
                basedir: Some("UNDERSTUDY_MARIADB118_BASEDIR"),
            },
        }
    }
}

impl fmt::Display for ServerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ServerKind::Mysql97 => "MySQL 9.7",
            ServerKind::Mariadb1011 => "MariaDB 10.11",
            ServerKind::Mariadb118 => "MariaDB 11.8",
        })
    }
}

/// The `testbed.env` keys of one kind.
struct Keys {
    server: &'static str,
    install_db: Option<&'static str>,
    client: &'static str,
    dumper: &'static str,
    basedir: Option<&'static str>,
}

/// The binaries of one provisioned kind; every path was checked to exist.
#[derive(Debug, Clone)]
pub struct Binaries {
    pub kind: ServerKind,
    /// `mysqld` or `mariadbd`.
    pub server: PathBuf,
    /// `mariadb-install-db`; MySQL initialises with the server itself.
    pub install_db: Option<PathBuf>,
    /// `mysql` or `mariadb`.
    pub client: PathBuf,
    /// The reference dumper: `mysqlbinlog` 9.7 or `mariadb-binlog` of the
    /// same version as the server.
    pub dumper: PathBuf,
    /// `--basedir` for the unpacked servers.
    pub basedir: Option<PathBuf>,
}

/// The parsed `testbed.env`.
#[derive(Debug, Clone)]
pub struct Testbed {
    path: PathBuf,
    cache_dir: PathBuf,
    vars: BTreeMap<String, String>,
}

impl Testbed {
    /// The cache directory: `$UNDERSTUDY_CACHE`, else `$HOME/.cache/understudy`.
    pub fn default_cache_dir() -> PathBuf {
        match std::env::var_os("UNDERSTUDY_CACHE") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => {
                let home = std::env::var_os("HOME").unwrap_or_default();
                Path::new(&home).join(".cache").join("understudy")
            }
        }
    }

    /// Reads `testbed.env` from the default cache directory.
    pub fn load() -> Result<Testbed, TestbedError> {
        Testbed::load_from(&Testbed::default_cache_dir().join("testbed.env"))
    }

    /// Reads a `testbed.env`; its directory is the cache directory.
    pub fn load_from(path: &Path) -> Result<Testbed, TestbedError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| TestbedError::NotProvisioned {
                path: path.to_path_buf(),
                source,
            })?;
        let cache_dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Ok(Testbed {
            path: path.to_path_buf(),
            cache_dir,
            vars: parse_env(&text),
        })
    }

    /// The file this was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where cached state (pristine data directories) is kept.
    pub fn cache_dir(&self) -> &Path {
        &self.cache_dir
    }

    /// The raw value of a key, if present.
    pub fn var(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }

    /// See [`ServerKind::all_available`].
    pub fn available_kinds(&self) -> Vec<ServerKind> {
        ServerKind::ALL
            .into_iter()
            .filter(|kind| {
                *kind != ServerKind::Mariadb118 || self.var(kind.keys().server).is_some()
            })
            .collect()
    }

    /// The binaries of `kind`; a missing key or file is an error that says
    /// how to provision.
    pub fn binaries(&self, kind: ServerKind) -> Result<Binaries, TestbedError> {
        let keys = kind.keys();
        let path_of = |key: &'static str| -> Result<PathBuf, TestbedError> {
            let value = self.var(key).ok_or_else(|| TestbedError::MissingKey {
                kind,
                key,
                path: self.path.clone(),
            })?;
            let path = PathBuf::from(value);
            if !path.exists() {
                return Err(TestbedError::MissingBinary { kind, key, path });
            }
            Ok(path)
        };
        Ok(Binaries {
            kind,
            server: path_of(keys.server)?,
            install_db: keys.install_db.map(path_of).transpose()?,
            client: path_of(keys.client)?,
            dumper: path_of(keys.dumper)?,
            basedir: keys.basedir.map(path_of).transpose()?,
        })
    }
}

/// `KEY=VALUE` lines; blank lines and `#` comments are skipped, and one pair
/// of surrounding double quotes is removed.
fn parse_env(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            (key.trim().to_string(), value.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_env_lines() {
        let vars = parse_env("# comment\n\nA=/x/y\n B = \"/q\" \nbroken\n");
        assert_eq!(vars.get("A").map(String::as_str), Some("/x/y"));
        assert_eq!(vars.get("B").map(String::as_str), Some("/q"));
        assert_eq!(vars.len(), 2);
    }

    #[test]
    fn missing_env_says_how_to_fix() {
        let err = Testbed::load_from(Path::new("/nonexistent/testbed.env"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("make testbed"), "{err}");
        assert!(err.contains("scripts/testbed/provision.sh"), "{err}");
    }

    #[test]
    fn mariadb118_only_when_provisioned() {
        let tb = Testbed {
            path: PathBuf::from("t.env"),
            cache_dir: PathBuf::from("."),
            vars: parse_env("UNDERSTUDY_MYSQL97_MYSQLD=/x\n"),
        };
        assert_eq!(
            tb.available_kinds(),
            vec![ServerKind::Mysql97, ServerKind::Mariadb1011]
        );
        let err = tb
            .binaries(ServerKind::Mysql97)
            .err()
            .map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("make testbed"));
    }
}
