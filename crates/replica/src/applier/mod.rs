//! The applier (MySQL's SQL thread): reads the relay log as the I/O task
//! writes it, cuts it into source transactions with the same rules as the
//! relay log's recovery scan, and applies each to the store in one write
//! batch together with the position after it. Consecutive transactions
//! that are already in the relay log share one batch (and, with `sync`,
//! one fsync): every crash state is still a transaction boundary.
//!
//! The position in the store is the truth; `relay-log.info` (MySQL's line
//! layout) is rewritten after each commit as a mirror for people.

pub mod apply;
mod charsets;
mod column_compression;
pub mod convert;
pub mod ddl;
pub mod delay;
mod executed;
mod foreign;
mod hash_scan;
pub mod json_diff;
pub mod policy;
mod query;
pub mod reader;
mod rows;
pub mod statement;
pub mod status;
mod table_cache;
mod table_check;
pub mod temporary;
pub(crate) mod until;

pub use until::Until;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use understudy_binlog::relay::{self, RelayTailScanner};
use understudy_store::{Durability, Position, Savepoint, Store, Txn};

use crate::error::{ReplicaError, Result};
use crate::relay_watch::RelayWatch;
use apply::{SqlError, TxnApply, TxnContext, Where};
use executed::Executed;
use policy::ApplyPolicy;
use reader::{FileFollower, Unit};
use status::{SharedSqlStatus, sql_state};

pub const RELAY_LOG_INFO: &str = "relay-log.info";
pub const STORE_DIR: &str = "store";

#[derive(Debug, Clone)]
pub struct ApplierConfig {
    pub data_dir: PathBuf,
    /// `<name>-relay-bin`.
    pub relay_basename: String,
    pub durability: Durability,
    /// Filters, skipped errors, exec mode.
    pub policy: ApplyPolicy,
    /// `sql_replica_skip_counter`: events to skip at start (whole
    /// transactions: the one holding the last skipped event is skipped
    /// to its end, as MySQL does).
    pub skip_counter: u64,
    /// `START REPLICA SQL_THREAD UNTIL …`: where this run stops.
    pub until: Option<Until>,
    /// `SOURCE_DELAY` in seconds (0: none).
    pub delay: u64,
    /// A transaction whose changes pass this many bytes is applied as a
    /// large one: through a scratch store, in bounded memory, and
    /// committed by ingesting table files.
    pub large_transaction_bytes: usize,
}

/// The default of [`ApplierConfig::large_transaction_bytes`].
pub const LARGE_TRANSACTION_BYTES: usize = 32 << 20;

/// At most this many source transactions share a batch.
const GROUP_MAX_TXNS: usize = 20_000;
/// A batch is committed once it holds this many changes.
const GROUP_MAX_CHANGES: usize = 200_000;
/// A batch is committed once it has been open this long: what a crash can
/// make the applier do again, and how stale its position can look, stay
/// small when transactions are slow to apply.
const GROUP_MAX_AGE: Duration = Duration::from_millis(200);

struct Applier {
    cfg: ApplierConfig,
    store: Store,
    watch: RelayWatch,
    stop: Arc<AtomicBool>,
    status: SharedSqlStatus,
    executed: Executed,
    /// The position after the last transaction taken into `group`.
    pos: Position,

    group: Txn,
    group_txns: usize,
    /// Events and relay bytes of the transactions in `group` (counted as
    /// applied once committed).
    group_events: u64,
    group_bytes: u64,
    /// When the first transaction of `group` was taken.
    group_opened: Instant,
    last_sync: Instant,
    /// Commits since the last fsync (`relaxed`).
    unsynced: bool,
    /// Events `sql_replica_skip_counter` still skips.
    skip_counter: u64,
    until: Option<until::Check>,
    tables: table_cache::TableCache,
    /// The relay offset where a transaction starts that is to be applied
    /// as a large one (it outgrew memory and is being read again).
    large_at: Option<(String, u64)>,
    /// A resumed clone's catch-up window, and the policy inside it.
    window: Option<(crate::clone::window::Window, ApplyPolicy)>,
}

/// Runs the applier until `stop` is set (Ok) or an error stops it (the
/// error is in the status too, as MySQL's Last_SQL_Errno/Last_SQL_Error).
pub fn run(
    cfg: ApplierConfig,
    watch: RelayWatch,
    stop: Arc<AtomicBool>,
    status: SharedSqlStatus,
) -> Result<()> {
    let store_path = cfg.data_dir.join(STORE_DIR);
    let opened = Instant::now();
    let store = Store::open(&store_path, cfg.durability)
        .map_err(|e| ReplicaError::Config(e.to_string()))?;
    if crate::clone::plan::Plan::load(&store)?.is_some() {
        return Err(ReplicaError::Config(format!(
            "{}: a clone into this data directory did not finish; run `understudy clone` again to finish it",
            cfg.data_dir.display()
        )));
    }
    let pos = store
        .position()
        .map_err(|e| ReplicaError::Config(e.to_string()))?
        .unwrap_or_default();
    let window = crate::clone::window::Window::for_applier(&store, &cfg.policy)?;
    tracing::info!(
        "applier: store opened in {} ms; resuming after relay log {}:{} (source {}:{})",
        opened.elapsed().as_millis(),
        pos.relay_file,
        pos.relay_pos,
        pos.source_file,
        pos.source_pos
    );
    let executed = Executed::parse(&pos.gtid_executed).ok_or_else(|| ReplicaError::Corrupt {
        path: store_path.clone(),
        detail: format!("unreadable executed GTID set '{}'", pos.gtid_executed),
    })?;
    let mut a = Applier {
        executed,
        cfg,
        store,
        watch,
        stop,
        status,
        pos,
        group: Txn::default(),
        group_txns: 0,
        group_events: 0,
        group_bytes: 0,
        group_opened: Instant::now(),
        last_sync: Instant::now(),
        unsynced: false,
        skip_counter: 0,
        until: None,
        tables: table_cache::TableCache::default(),
        large_at: None,
        window,
    };
    a.skip_counter = a.cfg.skip_counter;
    if let Some(u) = &a.cfg.until {
        a.until = Some(until::Check::new(u).ok_or_else(|| {
            ReplicaError::Config(format!("UNTIL {}: unreadable GTID set", u.condition()))
        })?);
    }
    a.status.update(|s| {
        s.running = true;
        s.exec_gtid = a.executed.text();
        s.relay_log_file = a.pos.relay_file.clone();
        s.relay_log_pos = a.pos.relay_pos;
        s.relay_source_log_file = a.pos.source_file.clone();
        s.exec_source_log_pos = a.pos.source_pos;
        s.skip_counter = a.skip_counter;
        let (file, pos) = a.cfg.until.as_ref().map_or(("", 0), Until::log_position);
        s.until = a.cfg.until.as_ref().map_or("", Until::condition).to_owned();
        s.until_log_file = file.to_owned();
        s.until_log_pos = pos;
        s.sql_delay = a.cfg.delay;
        s.filters = a
            .cfg
            .policy
            .filters
            .status_fields()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
    });
    // The complete transactions before a failed one are committed (the
    // failed one's writes were rolled back).
    let r = a.main();
    let flushed = a
        .commit_group()
        .and_then(|()| a.relaxed_sync(true))
        .and_then(|()| {
            // A clean stop leaves no log to replay at the next start.
            a.store
                .flush()
                .map_err(|e| ReplicaError::Config(e.to_string()))
        });
    let r = r.and(flushed);
    a.status.update(|s| {
        s.running = false;
        s.state = String::new();
        let failed = match &r {
            Ok(()) => None,
            Err(ReplicaError::Applier { errno, message }) => Some((*errno, message.clone())),
            Err(e) => Some((13121, format!("Relay log read failure: {e}"))),
        };
        if let Some((errno, message)) = failed {
            s.last_errno = errno;
            s.last_error = message;
            s.last_error_timestamp = crate::status::timestamp_now();
        }
    });
    r
}

impl Applier {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn relay_files(&self) -> Result<Vec<String>> {
        let index = self
            .cfg
            .data_dir
            .join(format!("{}.index", self.cfg.relay_basename));
        match std::fs::read_to_string(&index) {
            Ok(t) => Ok(relay::parse_index(&t)
                .into_iter()
                .map(str::to_owned)
                .collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(ReplicaError::io(&index, e)),
        }
    }

    /// The relay file to start in: the stored position's, or the first.
    fn first_file(&mut self) -> Result<Option<String>> {
        loop {
            let files = self.relay_files()?;
            if !self.pos.relay_file.is_empty() {
                if files.contains(&self.pos.relay_file) {
                    return Ok(Some(self.pos.relay_file.clone()));
                }
                if !files.is_empty() {
                    return Err(ReplicaError::Applier {
                        errno: 13121,
                        message: format!(
                            "Relay log read failure: the applier's relay log {} is not in the index any more",
                            self.pos.relay_file
                        ),
                    });
                }
            } else if let Some(f) = files.first() {
                return Ok(Some(f.clone()));
            }
            if self.stopped() {
                return Ok(None);
            }
            self.status
                .update(|s| s.state = sql_state::WAITING_FOR_MORE.into());
            let seen = self.watch.counters();
            self.watch.wait_change(seen, Duration::from_millis(500));
        }
    }

    /// Whether the UNTIL condition holds at the current position.
    fn until_reached(&self) -> bool {
        self.until.as_ref().is_some_and(|u| {
            u.reached(
                &self.executed,
                &until::At {
                    source_file: &self.pos.source_file,
                    source_pos: self.pos.source_pos,
                    relay_file: &self.pos.relay_file,
                    relay_pos: self.pos.relay_pos,
                },
            )
        })
    }

    fn main(&mut self) -> Result<()> {
        if self.until_reached() {
            tracing::info!(
                "the UNTIL condition holds already at relay log {}:{} (source {}:{}): the applier stops",
                self.pos.relay_file,
                self.pos.relay_pos,
                self.pos.source_file,
                self.pos.source_pos
            );
            return Ok(());
        }
        let Some(mut name) = self.first_file()? else {
            return Ok(());
        };
        // Where applying resumes in the first file (events before it are
        // scanned for the file's state, not applied).
        let mut skip_until = if name == self.pos.relay_file {
            self.pos.relay_pos
        } else {
            0
        };
        let mut carried: (Option<String>, Option<u64>) = (None, None);
        // The store's position is durable: files before it are done.
        self.watch.set_applied_before(&name);
        loop {
            match self.follow_file(&name, skip_until, carried.clone())? {
                None => return Ok(()),
                Some((next, source)) => {
                    // Everything in `name` is committed; made durable
                    // before the relay log may purge the file.
                    if self.cfg.durability != Durability::Sync {
                        self.store
                            .sync()
                            .map_err(|e| ReplicaError::Config(e.to_string()))?;
                        self.unsynced = false;
                    }
                    self.watch.set_applied_before(&next);
                    name = next;
                    carried = source;
                    skip_until = 0;
                }
            }
        }
    }

    /// Opens relay file `name`. The rotate event that ends the file
    /// before names it before the I/O task has created it (its header
    /// synced, then the index written): until the index holds it, a
    /// missing or empty file is waited for. `None`: stopped meanwhile.
    fn open_file(&self, name: &str) -> Result<Option<FileFollower>> {
        loop {
            let seen = self.watch.counters();
            match FileFollower::open(&self.cfg.data_dir, name) {
                Ok(f) => return Ok(Some(f)),
                // In the index, the file is whole: open it again (it may
                // have come in just now); a failure now is real.
                Err(_) if self.relay_files()?.iter().any(|f| f == name) => {
                    return FileFollower::open(&self.cfg.data_dir, name).map(Some);
                }
                Err(_) if self.stopped() => return Ok(None),
                Err(_) => {
                    self.watch.wait_change(seen, Duration::from_millis(100));
                }
            }
        }
    }

    /// The scanner's state at `offset` of a file: the file read again up
    /// to there (after a cut, which is rare: a connection lost in the
    /// middle of a transaction).
    fn rescan(
        &self,
        name: &str,
        offset: u64,
        carried: &(Option<String>, Option<u64>),
    ) -> Result<RelayTailScanner> {
        let mut f = FileFollower::open(&self.cfg.data_dir, name)?;
        let mut scanner = RelayTailScanner::new().with_source(carried.0.clone(), carried.1);
        let mut unit = Unit::default();
        while f.offset() < offset && f.next_into(&mut unit)? {
            if let Some((raw, e)) = unit.last_framed() {
                scanner.event(&raw, &e.fde);
            }
            unit.clear();
        }
        Ok(scanner)
    }

    /// Applies one relay file to its end; returns the next file's name and
    /// the source position at the end (None when stopped). Events are
    /// applied as they are read; a transaction is committed (with the
    /// others of its batch) only once its last event is in.
    #[allow(clippy::type_complexity)]
    fn follow_file(
        &mut self,
        name: &str,
        skip_until: u64,
        carried: (Option<String>, Option<u64>),
    ) -> Result<Option<(String, (Option<String>, Option<u64>))>> {
        let Some(mut f) = self.open_file(name)? else {
            return Ok(None);
        };
        let mut scanner = RelayTailScanner::new().with_source(carried.0.clone(), carried.1);
        // The event being applied (its buffers reused).
        let mut unit = Unit::default();
        // The transaction under way, and where it began (to go back to
        // after a cut).
        let mut current: Option<(Savepoint, u64)> = None;
        // The transaction's state (its buffers reused from one to the
        // next).
        let mut t = TxnApply::new(false);
        let mut txn_start = (f.offset(), f.fde().clone());
        let mut seen = self.watch.counters();
        let mut last_ts = 0u32;
        loop {
            if self.stopped() {
                return Ok(None);
            }
            let got = f.next_into(&mut unit)?;
            let now = self.watch.counters();
            if now.cuts != seen.cuts {
                // Bytes past the last boundary were cut off (and may be
                // written anew): read them again.
                seen = now;
                if let Some((sp, _)) = current.take() {
                    self.group.rollback_to_savepoint(sp);
                    self.tables.clear();
                }
                f.rewind(txn_start.0, txn_start.1.clone())?;
                scanner = self.rescan(name, txn_start.0, &carried)?;
                unit.clear();
                continue;
            }
            if !got {
                if current.is_none() {
                    self.commit_group()?;
                    self.relaxed_sync(false)?;
                    if let Some(next) = scanner.state().next_relay_file.clone() {
                        let (file, pos) = scanner.source();
                        return Ok(Some((next, (file.map(str::to_owned), pos))));
                    }
                    self.status.update(|s| {
                        s.state = sql_state::WAITING_FOR_MORE.into();
                        s.seconds_behind = Some(0);
                    });
                }
                seen = self.watch.wait_change(now, Duration::from_millis(500));
                // A cut seen while waiting is handled above on the next
                // turn: keep the old count until then.
                seen.cuts = now.cuts;
                continue;
            }
            let (boundary, first_type, executed_at) = {
                let Some((raw, e)) = unit.last_framed() else {
                    return Err(ReplicaError::Corrupt {
                        path: f.path().to_owned(),
                        detail: format!("the event before {} cannot be framed again", f.offset()),
                    });
                };
                last_ts = raw.header.timestamp.max(last_ts);
                let at =
                    (self.cfg.delay > 0 && current.is_none()).then(|| delay::executed_at(&raw));
                (scanner.event(&raw, &e.fde), raw.type_code, at)
            };
            if let Some(e) = scanner.state().decode_error.clone() {
                return Err(ReplicaError::Corrupt {
                    path: f.path().to_owned(),
                    detail: e.to_string(),
                });
            }
            let end = f.offset();
            if end <= skip_until {
                // Before the stored position: read for the file's state
                // only.
                unit.clear();
                if boundary {
                    txn_start = (end, f.fde().clone());
                }
                continue;
            }
            let (sfile, spos) = scanner.source();
            let at = Where {
                file: sfile.unwrap_or_default(),
                pos: spos.unwrap_or(0),
            };
            if let Some(at) = executed_at.filter(|_| !is_framing_type(first_type))
                && !self.wait_delay(at + self.cfg.delay)?
            {
                // Stopped while waiting: the transaction is read again at
                // the next start.
                return Ok(None);
            }
            if current.is_none() {
                // A transaction's first event. Framing (format
                // descriptions, rotates…) stands alone and is not counted
                // by the skip counter.
                let skip = self.skip_counter > 0 && !is_framing_type(first_type);
                if self.group_txns == 0 {
                    self.group_opened = Instant::now();
                }
                if self.large_at.as_ref() == Some(&(f.name.clone(), txn_start.0)) {
                    tracing::info!(
                        "a transaction of more than {} bytes: applied as a large transaction from relay log {}:{}",
                        self.cfg.large_transaction_bytes,
                        f.name,
                        txn_start.0
                    );
                    self.store
                        .begin_large(&mut self.group, self.cfg.large_transaction_bytes / 2)
                        .map_err(|e| ReplicaError::Config(e.to_string()))?;
                }
                // A transaction that fails leaves nothing in the batch.
                t.reset(skip);
                current = Some((self.group.savepoint(), 0));
            }
            let Some((_, events)) = current.as_mut() else {
                continue;
            };
            *events += 1;
            let executed = &self.executed;
            let ctx = TxnContext {
                at,
                executed: &|g| executed.contains(g),
                policy: match &self.window {
                    Some((w, p)) if w.covers(&self.pos) => p,
                    _ => &self.cfg.policy,
                },
            };
            let r = match unit.iter().next() {
                Some((bytes, e)) => t.event(
                    &self.store,
                    &mut self.group,
                    bytes,
                    e.offset,
                    &e.fde,
                    &ctx,
                    &mut self.tables,
                ),
                None => Ok(()),
            };
            unit.clear();
            if let Err(e) = r {
                if let Some((sp, _)) = current.take() {
                    self.group.rollback_to_savepoint(sp);
                }
                self.tables.clear();
                return Err(self.sql_error(e, f.name.as_str(), end));
            }
            if *events == 1
                && let (Some(u), Some(g)) = (&self.until, &t.out.gtid)
                && u.stops_before(g)
            {
                // UNTIL SQL_BEFORE_GTIDS: this transaction is not applied
                // (its GTID event wrote nothing).
                if let Some((sp, _)) = current.take() {
                    self.group.rollback_to_savepoint(sp);
                }
                self.tables.clear();
                self.commit_group()?;
                self.relaxed_sync(true)?;
                tracing::info!(
                    "UNTIL SQL_BEFORE_GTIDS: the applier stops in front of {g:?} at {at}"
                );
                return Ok(None);
            }
            if !self.group.is_large() && self.group.bytes() > self.cfg.large_transaction_bytes {
                // Too large for memory: the complete transactions of the
                // batch are committed without it, and it is read again
                // from its start — alone in a batch, or, when it was
                // alone already, as a large transaction.
                if let Some((sp, _)) = current.take() {
                    self.group.rollback_to_savepoint(sp);
                }
                self.tables.clear();
                let alone = self.group_txns == 0;
                self.commit_group()?;
                if alone {
                    self.large_at = Some((f.name.clone(), txn_start.0));
                }
                f.rewind(txn_start.0, txn_start.1.clone())?;
                scanner = self.rescan(name, txn_start.0, &carried)?;
                continue;
            }
            if !boundary {
                continue;
            }
            // The transaction is complete.
            let Some((sp, events)) = current.take() else {
                continue;
            };
            self.group.release_savepoint(sp);
            self.group_events += events;
            self.group_bytes += end.saturating_sub(txn_start.0);
            txn_start = (end, f.fde().clone());
            let skip_taken = t.skip_taken();
            let outcome = std::mem::take(&mut t.out);
            if skip_taken {
                self.skip_counter = self.skip_counter.saturating_sub(events);
                let left = self.skip_counter;
                tracing::info!(
                    events,
                    left,
                    "sql_replica_skip_counter: skipped the transaction ending at {at}"
                );
                self.status.update(|s| s.skip_counter = left);
            }
            if outcome.skipped {
                tracing::info!(
                    "a transaction executed before was skipped (GTID {:?}), ending at {at}",
                    outcome.gtid
                );
            }
            if let Some(g) = outcome.gtid {
                self.executed.add(g);
            }
            // The position after it (its strings copied only when they
            // change).
            if self.pos.relay_file != f.name {
                self.pos.relay_file = f.name.clone();
            }
            if self.pos.source_file != at.file {
                self.pos.source_file = at.file.to_owned();
            }
            self.pos.relay_pos = end;
            self.pos.source_pos = at.pos;
            self.group_txns += 1;
            let until_reached = self.until_reached();
            let behind = now_secs().saturating_sub(u64::from(last_ts));
            self.status.update(|s| {
                if s.state != sql_state::READING_EVENT {
                    s.state = sql_state::READING_EVENT.into();
                }
                s.seconds_behind = Some(behind);
            });
            if until_reached
                || self.group.is_large()
                || !f.has_buffered_event()
                || self.group_txns >= GROUP_MAX_TXNS
                || self.group.len() >= GROUP_MAX_CHANGES
                || self.group.bytes() >= self.cfg.large_transaction_bytes / 2
                || self.group_opened.elapsed() >= GROUP_MAX_AGE
            {
                self.commit_group()?;
            }
            if until_reached {
                tracing::info!(
                    "UNTIL condition reached at {at} (relay log {}:{end}): the applier stops",
                    f.name
                );
                self.relaxed_sync(true)?;
                return Ok(None);
            }
        }
    }

    /// SOURCE_DELAY: waits until `due` (seconds since the epoch), the
    /// transactions before committed; false when stopped meanwhile.
    fn wait_delay(&mut self, due: u64) -> Result<bool> {
        let mut waited = false;
        loop {
            let now = now_secs();
            if now >= due {
                break;
            }
            if !waited {
                self.commit_group()?;
                self.relaxed_sync(true)?;
                waited = true;
            }
            if self.stopped() {
                return Ok(false);
            }
            self.status.update(|s| {
                s.state = delay::WAITING.into();
                s.remaining_delay = Some(due - now);
            });
            let seen = self.watch.counters();
            self.watch.wait_change(seen, Duration::from_millis(200));
        }
        if waited {
            self.status.update(|s| s.remaining_delay = None);
        }
        Ok(true)
    }

    fn sql_error(&self, e: SqlError, relay_file: &str, relay_pos: u64) -> ReplicaError {
        tracing::error!(
            errno = e.errno,
            relay_file,
            relay_pos,
            "applier stopped: {}",
            e.message
        );
        ReplicaError::Applier {
            errno: e.errno,
            message: e.message,
        }
    }

    /// Commits the open batch with the position after its last
    /// transaction, then mirrors the position to relay-log.info.
    /// `relaxed`: fsyncs the commits made since the last one, once a
    /// second (or now, with `force`) — also when no more come.
    fn relaxed_sync(&mut self, force: bool) -> Result<()> {
        if self.unsynced && (force || self.last_sync.elapsed() >= Duration::from_secs(1)) {
            self.store
                .sync()
                .map_err(|e| ReplicaError::Config(e.to_string()))?;
            self.last_sync = Instant::now();
            self.unsynced = false;
        }
        Ok(())
    }

    fn commit_group(&mut self) -> Result<()> {
        if self.group_txns == 0 {
            return Ok(());
        }
        let large = self.group.is_large();
        self.large_at = None;
        self.pos.gtid_executed = self.executed.text();
        let txn = std::mem::take(&mut self.group);
        let txns = std::mem::take(&mut self.group_txns) as u64;
        let (events, bytes) = (
            std::mem::take(&mut self.group_events),
            std::mem::take(&mut self.group_bytes),
        );
        self.store
            .commit(txn, &self.pos)
            .map_err(|e| ReplicaError::Config(e.to_string()))?;
        crate::counters::applied(txns, events, bytes);
        if let Some((w, _)) = &self.window
            && !w.covers(&self.pos)
        {
            crate::clone::window::Window::clear(&self.store)?;
            self.window = None;
        }
        if large {
            tracing::info!(
                "large transaction committed: {} bytes of table files ingested, at relay log {}:{}",
                self.store.last_large_bytes(),
                self.pos.relay_file,
                self.pos.relay_pos
            );
        }
        self.unsynced = self.cfg.durability == Durability::Relaxed;
        self.relaxed_sync(false)?;
        write_relay_log_info(&self.cfg.data_dir, &self.pos, self.cfg.delay)?;
        let p = self.pos.clone();
        self.status.update(|s| {
            s.relay_log_file = p.relay_file.clone();
            s.relay_log_pos = p.relay_pos;
            s.relay_source_log_file = p.source_file.clone();
            s.exec_source_log_pos = p.source_pos;
            s.exec_gtid = p.gtid_executed.clone();
        });
        Ok(())
    }
}

/// Whether an event is framing (format description, rotate, previous
/// GTIDs, heartbeat, stop): it stands alone, and the skip counter does not
/// count it.
fn is_framing_type(t: u8) -> bool {
    use understudy_binlog::event_type as et;
    matches!(
        t,
        et::FORMAT_DESCRIPTION_EVENT
            | et::ROTATE_EVENT
            | et::PREVIOUS_GTIDS_LOG_EVENT
            | et::HEARTBEAT_LOG_EVENT
            | et::HEARTBEAT_LOG_EVENT_V2
            | et::STOP_EVENT
            | et::GTID_LIST_EVENT
            | et::BINLOG_CHECKPOINT_EVENT
            | et::START_EVENT_V3
    )
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// relay-log.info as MySQL 5.7 writes it: the line count, then relay log
/// name, relay log position, source log name, executed source position,
/// SQL_Delay, number of workers, id.
pub fn write_relay_log_info(dir: &Path, p: &Position, sql_delay: u64) -> Result<()> {
    let text = format!(
        "7\n./{}\n{}\n{}\n{}\n{sql_delay}\n0\n1\n",
        p.relay_file, p.relay_pos, p.source_file, p.source_pos
    );
    crate::status::write_status(&dir.join(RELAY_LOG_INFO), &text)
}
