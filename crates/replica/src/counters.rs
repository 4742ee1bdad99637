//! Process-wide counters for the metrics endpoint: events and bytes the
//! I/O task wrote to the relay log, and transactions, events and bytes
//! the applier committed. Relaxed atomics: one add per event or commit.

use std::sync::atomic::{AtomicU64, Ordering};

static EVENTS_RECEIVED: AtomicU64 = AtomicU64::new(0);
static BYTES_RECEIVED: AtomicU64 = AtomicU64::new(0);
static TRANSACTIONS_APPLIED: AtomicU64 = AtomicU64::new(0);
static EVENTS_APPLIED: AtomicU64 = AtomicU64::new(0);
static BYTES_APPLIED: AtomicU64 = AtomicU64::new(0);

/// An event written to the relay log.
pub fn received(bytes: usize) {
    EVENTS_RECEIVED.fetch_add(1, Ordering::Relaxed);
    BYTES_RECEIVED.fetch_add(bytes as u64, Ordering::Relaxed);
}

/// Transactions committed to the store (their events and relay bytes).
pub fn applied(transactions: u64, events: u64, bytes: u64) {
    TRANSACTIONS_APPLIED.fetch_add(transactions, Ordering::Relaxed);
    EVENTS_APPLIED.fetch_add(events, Ordering::Relaxed);
    BYTES_APPLIED.fetch_add(bytes, Ordering::Relaxed);
}

/// The counters since the process started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    pub events_received: u64,
    pub bytes_received: u64,
    pub transactions_applied: u64,
    pub events_applied: u64,
    pub bytes_applied: u64,
}

pub fn snapshot() -> Counters {
    Counters {
        events_received: EVENTS_RECEIVED.load(Ordering::Relaxed),
        bytes_received: BYTES_RECEIVED.load(Ordering::Relaxed),
        transactions_applied: TRANSACTIONS_APPLIED.load(Ordering::Relaxed),
        events_applied: EVENTS_APPLIED.load(Ordering::Relaxed),
        bytes_applied: BYTES_APPLIED.load(Ordering::Relaxed),
    }
}
