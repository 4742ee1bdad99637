//! One client connection's state: who it is, its current database, and
//! the session variables and user variables it set.

use std::collections::BTreeMap;

use crate::accounts::Role;
use crate::vars::Val;

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
        }
    }

    /// `USER()`: `name@host`.
    pub fn user_at_host(&self) -> String {
        format!("{}@{}", self.user, self.host)
    }
}
