//! The catch-up window of a resumed clone. A clone that was interrupted
//! copies the chunks it had not done from a new snapshot, taken at a
//! later source position than the first. The store's position stays the
//! first snapshot's, and the transactions between the two positions are
//! applied over rows of which some already hold them:
//!
//! - tables copied wholly from the new snapshot are left out of the
//!   window (they hold every transaction of it);
//! - the other tables are applied as `replica_exec_mode=IDEMPOTENT`
//!   does (a row written over an existing one, a missing row skipped),
//!   and an updated row written over one in its way ([`ExecMode::Converge`]).
//!   With full row images (which the clone checks: `binlog_format=ROW`,
//!   `binlog_row_image=FULL`) each row ends as the last change of it
//!   left it, which is where the new snapshot found it.
//!
//! Past the window the applier applies as configured again.

use serde::{Deserialize, Serialize};
use understudy_store::{Family, Position, Store, Txn};

use crate::applier::policy::{ApplyPolicy, ExecMode};
use crate::applier::until::past;
use crate::error::{ReplicaError, Result};

const WINDOW_KEY: &[u8] = b"\0\0\0\0clone/window";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// The new snapshot's source position: the window ends there.
    pub end_file: String,
    pub end_pos: u64,
    /// `db.table` (replica names) copied wholly from the new snapshot.
    pub late: Vec<String>,
}

fn store_err(e: understudy_store::StoreError) -> ReplicaError {
    ReplicaError::Config(e.to_string())
}

impl Window {
    pub fn load(store: &Store) -> Result<Option<Window>> {
        match store
            .get(None, Family::Rows, WINDOW_KEY)
            .map_err(store_err)?
        {
            None => Ok(None),
            Some(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|e| ReplicaError::Config(format!("unreadable clone window: {e}"))),
        }
    }

    pub fn save(&self, store: &Store, txn: &mut Txn) -> Result<()> {
        let b = serde_json::to_vec(self)
            .map_err(|e| ReplicaError::Config(format!("clone window: {e}")))?;
        store
            .put(txn, Family::Rows, WINDOW_KEY, &b)
            .map_err(store_err)
    }

    /// The window the applier starts with, and its policy there.
    pub fn for_applier(store: &Store, base: &ApplyPolicy) -> Result<Option<(Window, ApplyPolicy)>> {
        let Some(w) = Window::load(store)? else {
            return Ok(None);
        };
        tracing::info!(
            "applier: a resumed clone's window up to source {}:{} (tables copied after the resume left out: {:?})",
            w.end_file,
            w.end_pos,
            w.late
        );
        let p = w.policy(base)?;
        Ok(Some((w, p)))
    }

    /// The window is over (the applier is past its end).
    pub fn clear(store: &Store) -> Result<()> {
        tracing::info!("applier: past the resumed clone's window");
        let mut txn = store.txn();
        store
            .delete(&mut txn, Family::Rows, WINDOW_KEY)
            .map_err(store_err)?;
        store.write(txn).map_err(store_err)
    }

    /// Whether a transaction that starts at `pos` is inside the window.
    pub fn covers(&self, pos: &Position) -> bool {
        !past(
            &pos.source_file,
            pos.source_pos,
            &self.end_file,
            self.end_pos,
        )
    }

    /// The policy inside the window.
    pub fn policy(&self, base: &ApplyPolicy) -> Result<ApplyPolicy> {
        let mut p = base.clone();
        p.exec_mode = ExecMode::Converge;
        for t in &self.late {
            p.filters
                .add("replicate-ignore-table", t)
                .map_err(ReplicaError::Config)?;
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_ends_at_the_new_snapshot() {
        let w = Window {
            end_file: "binlog.000003".into(),
            end_pos: 900,
            late: vec!["a.t".into()],
        };
        let at = |f: &str, p| Position {
            source_file: f.into(),
            source_pos: p,
            ..Position::default()
        };
        assert!(w.covers(&at("binlog.000002", 5000)));
        assert!(w.covers(&at("binlog.000003", 899)));
        assert!(!w.covers(&at("binlog.000003", 900)));
        assert!(!w.covers(&at("binlog.000010", 4)));
        let p = w.policy(&ApplyPolicy::default()).unwrap_or_default();
        assert_eq!(p.exec_mode, ExecMode::Converge);
        assert!(!p.filters.row_ok("a", "t"));
        assert!(p.filters.row_ok("a", "u"));
    }
}
