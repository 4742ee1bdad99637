//! How far a clone is: rows and bytes per table, shared between the copy
//! workers and whoever shows progress (a bar on a terminal, log lines
//! otherwise).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

#[derive(Debug)]
pub struct TableProgress {
    /// `db.table` on the source.
    pub name: String,
    pub est_rows: u64,
    pub chunks: usize,
    pub chunks_done: AtomicUsize,
    pub rows: AtomicU64,
    /// Bytes of the rows' text as the source sent them.
    pub bytes: AtomicU64,
}

impl TableProgress {
    pub fn done(&self) -> bool {
        self.chunks_done.load(Ordering::Relaxed) >= self.chunks
    }
}

#[derive(Debug)]
pub struct CloneProgress {
    pub started: Instant,
    /// What the clone is doing ("copying", "catching up", …).
    pub phase: Mutex<String>,
    pub tables: Mutex<Vec<std::sync::Arc<TableProgress>>>,
}

impl Default for CloneProgress {
    fn default() -> Self {
        CloneProgress {
            started: Instant::now(),
            phase: Mutex::new("connecting".into()),
            tables: Mutex::new(Vec::new()),
        }
    }
}

/// A moment's totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub rows: u64,
    pub bytes: u64,
    pub est_rows: u64,
    pub tables: usize,
    pub tables_done: usize,
}

impl CloneProgress {
    pub fn set_phase(&self, p: &str) {
        if let Ok(mut g) = self.phase.lock() {
            *g = p.to_owned();
        }
    }

    pub fn phase(&self) -> String {
        self.phase.lock().map(|g| g.clone()).unwrap_or_default()
    }

    pub fn tables(&self) -> Vec<std::sync::Arc<TableProgress>> {
        self.tables.lock().map(|g| g.clone()).unwrap_or_default()
    }

    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for p in self.tables() {
            t.rows += p.rows.load(Ordering::Relaxed);
            t.bytes += p.bytes.load(Ordering::Relaxed);
            t.est_rows += p.est_rows;
            t.tables += 1;
            t.tables_done += usize::from(p.done());
        }
        t
    }
}

/// Seconds left at `rate` rows/s for `left` rows, as `1h02m`, `3m05s`, `12s`.
pub fn eta(left: u64, rate: f64) -> String {
    if rate <= 0.0 {
        return "?".into();
    }
    let s = (left as f64 / rate).round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}
