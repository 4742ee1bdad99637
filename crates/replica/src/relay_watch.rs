//! How the applier learns that the relay log changed without polling: the
//! I/O task bumps `written` after bytes reach a relay file (or a new file
//! is begun) and `cuts` before it cuts bytes off a file (a transaction
//! left partial by a lost connection), and wakes the waiting applier.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    pub written: u64,
    pub cuts: u64,
    /// The I/O task stopped: nothing more will be written.
    pub closed: bool,
}

#[derive(Debug, Default, Clone)]
pub struct RelayWatch {
    inner: Arc<(Mutex<Counters>, Condvar)>,
    /// The relay file the applier reads, once every file before it is
    /// applied and durably committed: those may be purged.
    applied_before: Arc<Mutex<Option<String>>>,
}

impl RelayWatch {
    pub fn new() -> Self {
        Self::default()
    }

    fn change(&self, f: impl FnOnce(&mut Counters)) {
        let (m, c) = &*self.inner;
        let mut g = m.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut g);
        c.notify_all();
    }

    pub fn wrote(&self) {
        self.change(|c| c.written += 1);
    }

    /// Called before bytes that may have been read are cut off.
    pub fn cutting(&self) {
        self.change(|c| c.cuts += 1);
    }

    pub fn close(&self) {
        self.change(|c| c.closed = true);
    }

    /// Wakes waiters without a change (a stop request).
    pub fn poke(&self) {
        self.change(|_| {});
    }

    /// The applier no longer needs the files before `file`
    /// (`relay_log_purge`).
    pub fn set_applied_before(&self, file: &str) {
        *self
            .applied_before
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(file.to_owned());
    }

    /// The file before which the applier needs nothing.
    pub fn applied_before(&self) -> Option<String> {
        self.applied_before
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn counters(&self) -> Counters {
        *self.inner.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until the counters differ from `seen`, or `timeout`.
    pub fn wait_change(&self, seen: Counters, timeout: Duration) -> Counters {
        let (m, c) = &*self.inner;
        let g = m.lock().unwrap_or_else(|p| p.into_inner());
        let (g, _) = c
            .wait_timeout_while(g, timeout, |cur| *cur == seen)
            .unwrap_or_else(|p| p.into_inner());
        *g
    }
}
