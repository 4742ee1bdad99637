//! One client connection's state: who it is, its current database, and
//! the session variables and user variables it set.

use std::collections::BTreeMap;

use crate::accounts::Role;
use crate::vars::Val;

/// A note or warning of the last statement (SHOW WARNINGS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub level: &'static str,
    pub code: u16,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub connection_id: u32,
    pub user: String,
    pub host: String,
    pub role: Role,
    pub database: Option<String>,
    /// Session values that differ from the global ones.
    pub vars: BTreeMap<String, Val>,
    pub user_vars: BTreeMap<String, Option<String>>,
    /// The last statement's notes and warnings.
    pub warnings: Vec<Warning>,
}

impl Session {
    pub fn new(connection_id: u32, user: &str, host: &str, role: Role) -> Session {
        Session {
            connection_id,
            user: user.to_owned(),
            host: host.to_owned(),
            role,
            database: None,
            vars: BTreeMap::new(),
            user_vars: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    /// `USER()`: `name@host`.
    pub fn user_at_host(&self) -> String {
        format!("{}@{}", self.user, self.host)
    }
}
