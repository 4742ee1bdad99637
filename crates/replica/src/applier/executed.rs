//! What the applier has executed: the GTIDs of a MySQL source, or the
//! per-domain positions of a MariaDB one, as the store keeps them.

use understudy_binlog::gtid::{GtidSet, MariaGtidList};

use super::apply::TxnGtid;

/// What the applier has executed: MySQL GTIDs or MariaDB's per-domain
/// positions (one of them stays empty).
#[derive(Debug, Clone, Default)]
pub(crate) struct Executed {
    mysql: GtidSet,
    mariadb: MariaGtidList,
}

impl Executed {
    /// The store's executed set (MySQL's or MariaDB's text form).
    pub(crate) fn parse(text: &str) -> Option<Executed> {
        let mut e = Executed::default();
        if text.is_empty() {
            return Some(e);
        }
        if let Ok(s) = text.parse::<GtidSet>() {
            e.mysql = s;
        } else {
            e.mariadb = text.parse::<MariaGtidList>().ok()?;
        }
        Some(e)
    }

    pub(crate) fn add(&mut self, g: TxnGtid) {
        match g {
            TxnGtid::MySql(u, t, n) => {
                let _ = self.mysql.add(u, t, n);
            }
            TxnGtid::MariaDb(m) => self.mariadb.update(m),
            TxnGtid::None => {}
        }
    }

    /// Whether a transaction with this GTID was applied already (MySQL
    /// skips such transactions).
    pub(crate) fn contains(&self, g: &TxnGtid) -> bool {
        match g {
            TxnGtid::MySql(u, t, n) => self.mysql.contains(*u, *t, *n),
            // Only a repeat from the same server: a lower sequence number
            // from another one is a new transaction after a failover
            // (gtid_strict_mode off).
            TxnGtid::MariaDb(m) => self
                .mariadb
                .get(m.domain_id)
                .is_some_and(|e| e.server_id == m.server_id && e.seq_no >= m.seq_no),
            TxnGtid::None => false,
        }
    }

    /// Whether every GTID of `until` is executed (for MariaDB: each
    /// domain at or past its sequence number).
    pub(crate) fn reached(&self, until: &Executed) -> bool {
        until.mysql.is_subset(&self.mysql)
            && until.mariadb.iter().all(|u| {
                self.mariadb
                    .get(u.domain_id)
                    .is_some_and(|e| e.seq_no >= u.seq_no)
            })
    }

    /// Whether some GTID of `set` is executed (for MariaDB: some domain
    /// at or past its sequence number).
    pub(crate) fn meets(&self, set: &Executed) -> bool {
        !set.mysql.intersection(&self.mysql).is_empty()
            || set.mariadb.iter().any(|u| {
                self.mariadb
                    .get(u.domain_id)
                    .is_some_and(|e| e.seq_no >= u.seq_no)
            })
    }

    /// Whether `g` is one of this set's GTIDs (for MariaDB: in a listed
    /// domain, at or past its sequence number).
    pub(crate) fn covers(&self, g: &TxnGtid) -> bool {
        match g {
            TxnGtid::MySql(u, t, n) => self.mysql.contains(*u, *t, *n),
            TxnGtid::MariaDb(m) => self
                .mariadb
                .get(m.domain_id)
                .is_some_and(|e| m.seq_no >= e.seq_no),
            TxnGtid::None => false,
        }
    }

    pub(crate) fn text(&self) -> String {
        if !self.mariadb.is_empty() {
            self.mariadb.to_string()
        } else {
            self.mysql.to_string()
        }
    }
}
