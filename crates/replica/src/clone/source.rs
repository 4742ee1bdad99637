//! The source side of a clone: the account's privileges, and one instant
//! at which the copy's read views and the binlog position are taken
//! together. Under a brief lock that stops commits — `FLUSH TABLES WITH
//! READ LOCK` (RELOAD), or on MySQL without RELOAD `LOCK INSTANCE FOR
//! BACKUP` with `LOCK TABLES … READ` on the copied tables (BACKUP_ADMIN,
//! LOCK TABLES) — every copy connection starts a consistent snapshot,
//! the binlog position and GTIDs are read, the schemas are read, and the
//! lock goes.

use std::time::{Duration, Instant};

use understudy_sql::TableName;

use super::cells::quote;
use crate::client::{Conn, ConnectOptions};
use crate::error::{ReplicaError, Result};

/// The source position the copy corresponds to.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourcePosition {
    pub file: String,
    pub pos: u64,
    /// MySQL's `gtid_executed`, or MariaDB's `gtid_binlog_pos`.
    pub gtids: String,
}

/// How commits are held while the snapshots open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    /// `FLUSH TABLES WITH READ LOCK`.
    GlobalRead,
    /// `LOCK INSTANCE FOR BACKUP` and `LOCK TABLES … READ`.
    BackupAndTables,
}

/// The global privileges `SHOW GRANTS` lists for the account (`ALL
/// PRIVILEGES` stands for every static one), and whether it has roles
/// (whose privileges the list does not show).
#[derive(Debug, Default)]
struct Grants {
    all: bool,
    names: Vec<String>,
    roles: bool,
}

impl Grants {
    fn parse(lines: &[String]) -> Grants {
        let mut g = Grants::default();
        for l in lines {
            let Some(rest) = l.strip_prefix("GRANT ") else {
                continue;
            };
            let Some((privs, on)) = rest.split_once(" ON ") else {
                g.roles = true;
                continue;
            };
            if !on.trim_start().starts_with("*.*") {
                continue;
            }
            for p in privs.split(',') {
                let p = p.trim().to_ascii_uppercase();
                if p == "ALL PRIVILEGES" || p == "ALL" {
                    g.all = true;
                }
                g.names.push(p);
            }
        }
        g
    }

    fn has(&self, p: &str) -> bool {
        self.names.iter().any(|n| n == p)
    }

    fn has_static(&self, p: &str) -> bool {
        self.all || self.has(p)
    }
}

/// Checks that the account can clone and then replicate, and picks the
/// lock: a missing privilege is named, with the GRANT that adds it.
pub async fn check_privileges(conn: &mut Conn, user: &str) -> Result<LockKind> {
    let r = conn.query("SHOW GRANTS").await?;
    let lines: Vec<String> = r
        .rows
        .iter()
        .filter_map(|row| row.first()?.as_deref())
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    let g = Grants::parse(&lines);
    let mariadb = conn.is_mariadb();
    let missing = |what: &str, why: &str| {
        ReplicaError::Config(format!(
            "the account '{user}' lacks the {what} privilege, which clone needs {why} \
             (GRANT {what} ON *.* TO …)"
        ))
    };
    let lock = if g.has_static("RELOAD") {
        LockKind::GlobalRead
    } else if !mariadb && g.has("BACKUP_ADMIN") && g.has_static("LOCK TABLES") {
        LockKind::BackupAndTables
    } else if g.roles {
        // Roles may hold it; FLUSH TABLES WITH READ LOCK will say.
        LockKind::GlobalRead
    } else if mariadb {
        return Err(missing(
            "RELOAD",
            "for FLUSH TABLES WITH READ LOCK, the instant the copy and the binlog position are taken at",
        ));
    } else {
        return Err(missing(
            "RELOAD",
            "for FLUSH TABLES WITH READ LOCK, the instant the copy and the binlog position are taken at \
             (or BACKUP_ADMIN with LOCK TABLES)",
        ));
    };
    if g.roles {
        return Ok(lock);
    }
    if !g.has_static("REPLICATION SLAVE") && !g.has("REPLICATION REPLICA") {
        return Err(missing(
            "REPLICATION SLAVE",
            "to stream the binlog after the copy",
        ));
    }
    let client = if mariadb {
        g.has_static("BINLOG MONITOR") || g.has("REPLICATION CLIENT") || g.has("SUPER")
    } else {
        g.has_static("REPLICATION CLIENT")
    };
    if !client {
        return Err(missing(
            if mariadb {
                "BINLOG MONITOR"
            } else {
                "REPLICATION CLIENT"
            },
            "to read the binlog position",
        ));
    }
    Ok(lock)
}

/// A copy connection's session: strings as stored, TIMESTAMP in UTC, no
/// statement timeout.
pub async fn prepare(conn: &mut Conn) -> Result<()> {
    let mut sets = vec![
        "SET NAMES binary",
        "SET time_zone = '+00:00'",
        "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "SET SESSION net_write_timeout = 3600",
    ];
    sets.push(if conn.is_mariadb() {
        "SET SESSION max_statement_time = 0"
    } else {
        "SET SESSION max_execution_time = 0"
    });
    for s in sets {
        conn.query(s).await?;
    }
    Ok(())
}

/// Everything taken at the instant.
#[derive(Debug)]
pub struct Snapshot {
    pub conns: Vec<Conn>,
    pub position: SourcePosition,
    /// `SHOW CREATE TABLE` of each table, in the order asked.
    pub creates: Vec<String>,
    /// How long commits were held.
    pub held: Duration,
}

/// Opens `n` copy connections with read views taken at one instant with
/// the position, and reads `tables`' schemas at that instant.
pub async fn take(
    opts: &ConnectOptions,
    ctl: &mut Conn,
    lock: LockKind,
    n: usize,
    tables: &[TableName],
) -> Result<Snapshot> {
    let mut conns = Vec::with_capacity(n);
    for _ in 0..n.max(1) {
        let mut c = Conn::connect(opts).await?;
        prepare(&mut c).await?;
        conns.push(c);
    }
    let names = tables
        .iter()
        .map(|t| format!("{}.{}", quote(&t.db), quote(&t.name)))
        .collect::<Vec<_>>();
    let started = Instant::now();
    match lock {
        LockKind::GlobalRead => {
            ctl.query("FLUSH TABLES WITH READ LOCK").await?;
        }
        LockKind::BackupAndTables => {
            ctl.query("LOCK INSTANCE FOR BACKUP").await?;
            if !names.is_empty() {
                let list = names
                    .iter()
                    .map(|n| format!("{n} READ"))
                    .collect::<Vec<_>>()
                    .join(", ");
                ctl.query(&format!("LOCK TABLES {list}")).await?;
            }
        }
    }
    let inside = async {
        for c in &mut conns {
            c.query("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
                .await?;
        }
        let (file, pos, mut gtids) = ctl.binary_log_status().await?;
        if ctl.is_mariadb() {
            gtids = ctl
                .query("SELECT @@GLOBAL.gtid_binlog_pos")
                .await?
                .scalar()
                .unwrap_or_default();
        }
        if file.is_empty() {
            return Err(ReplicaError::Config(
                "the source has no binary log (log_bin is OFF): there is nothing to replicate from"
                    .into(),
            ));
        }
        let mut creates = Vec::with_capacity(names.len());
        for n in &names {
            let r = ctl.query(&format!("SHOW CREATE TABLE {n}")).await?;
            creates.push(
                r.rows
                    .first()
                    .and_then(|row| row.get(1)?.as_deref())
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default(),
            );
        }
        Ok::<_, ReplicaError>((SourcePosition { file, pos, gtids }, creates))
    }
    .await;
    let unlock = async {
        ctl.query("UNLOCK TABLES").await?;
        if lock == LockKind::BackupAndTables {
            ctl.query("UNLOCK INSTANCE").await?;
        }
        Ok::<_, ReplicaError>(())
    }
    .await;
    let held = started.elapsed();
    let (position, creates) = inside?;
    unlock?;
    Ok(Snapshot {
        conns,
        position,
        creates,
        held,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_read_from_show_grants() {
        let g = Grants::parse(&[
            "GRANT SELECT, RELOAD, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `u`@`%`".into(),
            "GRANT BACKUP_ADMIN ON *.* TO `u`@`%`".into(),
            "GRANT INSERT ON `db`.* TO `u`@`%`".into(),
        ]);
        assert!(g.has_static("RELOAD") && g.has("BACKUP_ADMIN"));
        assert!(!g.has_static("INSERT"), "a database grant is not global");
        assert!(!g.roles);
        let all = Grants::parse(&[
            "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION".into(),
        ]);
        assert!(all.has_static("REPLICATION SLAVE") && !all.has("BACKUP_ADMIN"));
        let roles = Grants::parse(&["GRANT `r1`@`%` TO `u`@`%`".into()]);
        assert!(roles.roles);
    }
}
