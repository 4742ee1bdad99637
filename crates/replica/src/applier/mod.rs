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
pub mod convert;
pub mod ddl;
pub mod json_diff;
pub mod policy;
pub mod reader;
pub mod status;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use understudy_binlog::gtid::{GtidSet, MariaGtidList};
use understudy_binlog::reader::EventReader;
use understudy_binlog::relay::{self, RelayTailScanner};
use understudy_store::{Durability, Position, Store, Txn};

use crate::error::{ReplicaError, Result};
use crate::relay_watch::RelayWatch;
use apply::{SqlError, TxnContext, TxnGtid, apply_events};
use policy::ApplyPolicy;
use reader::{FileFollower, OwnedEvent};
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
    /// `START REPLICA SQL_THREAD UNTIL SQL_AFTER_GTIDS`: stop once these
    /// are executed (a MySQL GTID set, or MariaDB positions).
    pub until_gtids: Option<String>,
}

/// At most this many source transactions share a batch.
const GROUP_MAX_TXNS: usize = 2000;
/// A batch is committed once it holds this many changes.
const GROUP_MAX_CHANGES: usize = 200_000;

/// What the applier has executed: MySQL GTIDs or MariaDB's per-domain
/// positions (one of them stays empty).
#[derive(Debug, Clone, Default)]
struct Executed {
    mysql: GtidSet,
    mariadb: MariaGtidList,
}

impl Executed {
    /// The store's executed set (MySQL's or MariaDB's text form).
    fn parse(text: &str) -> Option<Executed> {
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

    fn add(&mut self, g: TxnGtid) {
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
    fn contains(&self, g: &TxnGtid) -> bool {
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
    fn reached(&self, until: &Executed) -> bool {
        until.mysql.is_subset(&self.mysql)
            && until.mariadb.iter().all(|u| {
                self.mariadb
                    .get(u.domain_id)
                    .is_some_and(|e| e.seq_no >= u.seq_no)
            })
    }

    fn text(&self) -> String {
        if !self.mariadb.is_empty() {
            self.mariadb.to_string()
        } else {
            self.mysql.to_string()
        }
    }
}

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
    last_sync: Instant,
    /// Commits since the last fsync (`relaxed`).
    unsynced: bool,
    /// Events `sql_replica_skip_counter` still skips.
    skip_counter: u64,
    until: Option<Executed>,
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
    let store = Store::open(&store_path, cfg.durability)
        .map_err(|e| ReplicaError::Config(e.to_string()))?;
    let pos = store
        .position()
        .map_err(|e| ReplicaError::Config(e.to_string()))?
        .unwrap_or_default();
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
        last_sync: Instant::now(),
        unsynced: false,
        skip_counter: 0,
        until: None,
    };
    a.skip_counter = a.cfg.skip_counter;
    if let Some(u) = &a.cfg.until_gtids {
        a.until = Some(Executed::parse(u).ok_or_else(|| {
            ReplicaError::Config(format!("UNTIL SQL_AFTER_GTIDS: unreadable GTID set '{u}'"))
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
    let flushed = a.commit_group().and_then(|()| a.relaxed_sync(true));
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

    fn main(&mut self) -> Result<()> {
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

    /// Applies one relay file to its end; returns the next file's name and
    /// the source position at the end (None when stopped).
    #[allow(clippy::type_complexity)]
    fn follow_file(
        &mut self,
        name: &str,
        skip_until: u64,
        carried: (Option<String>, Option<u64>),
    ) -> Result<Option<(String, (Option<String>, Option<u64>))>> {
        let dir = self.cfg.data_dir.clone();
        let mut f = FileFollower::open(&dir, name)?;
        let mut scanner = RelayTailScanner::new().with_source(carried.0, carried.1);
        let mut unit: Vec<OwnedEvent> = Vec::new();
        // The boundary the unit starts at, to go back to after a cut.
        let mut unit_start = (f.offset(), f.fde().clone(), scanner.clone());
        let mut seen = self.watch.counters();
        let mut last_ts = 0u32;
        loop {
            if self.stopped() {
                return Ok(None);
            }
            let ev = f.next_event()?;
            let now = self.watch.counters();
            if now.cuts != seen.cuts {
                // Bytes past the last boundary were cut off (and may be
                // written anew): read them again.
                seen = now;
                f.rewind(unit_start.0, unit_start.1.clone())?;
                scanner = unit_start.2.clone();
                unit.clear();
                continue;
            }
            let Some(ev) = ev else {
                self.commit_group()?;
                self.relaxed_sync(false)?;
                if unit.is_empty()
                    && let Some(next) = scanner.state().next_relay_file.clone()
                {
                    let (file, pos) = scanner.source();
                    return Ok(Some((next, (file.map(str::to_owned), pos))));
                }
                self.status.update(|s| {
                    s.state = sql_state::WAITING_FOR_MORE.into();
                    s.seconds_behind = Some(0);
                });
                seen = self.watch.wait_change(now, Duration::from_millis(500));
                // A cut seen while waiting is handled above on the next
                // turn: keep the old count until then.
                seen.cuts = now.cuts;
                continue;
            };
            let boundary = {
                let mut r = EventReader::at(&ev.bytes, 0, ev.offset, ev.fde.clone());
                let Some(Ok(raw)) = r.next_event() else {
                    return Err(ReplicaError::Corrupt {
                        path: f.path().to_owned(),
                        detail: format!("event at {} cannot be framed again", ev.offset),
                    });
                };
                last_ts = raw.header.timestamp.max(last_ts);
                scanner.event(&raw, &ev.fde)
            };
            if let Some(e) = scanner.state().decode_error.clone() {
                return Err(ReplicaError::Corrupt {
                    path: f.path().to_owned(),
                    detail: e.to_string(),
                });
            }
            let end = f.offset();
            unit.push(ev);
            if !boundary {
                continue;
            }
            let events = std::mem::take(&mut unit);
            unit_start = (end, f.fde().clone(), scanner.clone());
            if end <= skip_until {
                continue;
            }
            let (sfile, spos) = scanner.source();
            let source_file = sfile.unwrap_or_default().to_owned();
            let source_pos = spos.unwrap_or(0);
            self.status
                .update(|s| s.state = sql_state::READING_EVENT.into());
            let where_ = format!("the event's source log {source_file}, end_log_pos {source_pos}");
            let skip = self.skip_counter > 0 && !is_framing(&events);
            let executed = &self.executed;
            let ctx = TxnContext {
                where_: &where_,
                executed: &|g| executed.contains(g),
                policy: &self.cfg.policy,
                skip,
            };
            // A transaction that fails leaves nothing in the batch.
            let sp = self.group.savepoint();
            let outcome = match apply_events(&self.store, &mut self.group, &events, &ctx) {
                Ok(o) => {
                    self.group.release_savepoint(sp);
                    o
                }
                Err(e) => {
                    self.group.rollback_to_savepoint(sp);
                    return Err(self.sql_error(e, f.name.as_str(), end));
                }
            };
            if skip {
                self.skip_counter = self.skip_counter.saturating_sub(events.len() as u64);
                let left = self.skip_counter;
                tracing::info!(
                    events = events.len(),
                    left,
                    "sql_replica_skip_counter: skipped the transaction ending at {where_}"
                );
                self.status.update(|s| s.skip_counter = left);
            }
            if outcome.skipped {
                tracing::info!(
                    "a transaction executed before was skipped (GTID {:?}), ending at {where_}",
                    outcome.gtid
                );
            }
            if let Some(g) = outcome.gtid {
                self.executed.add(g);
            }
            let until_reached = self
                .until
                .as_ref()
                .is_some_and(|u| self.executed.reached(u));
            self.pos = Position {
                relay_file: f.name.clone(),
                relay_pos: end,
                source_file,
                source_pos,
                gtid_executed: self.pos.gtid_executed.clone(),
            };
            self.group_txns += 1;
            let behind = now_secs().saturating_sub(u64::from(last_ts));
            self.status.update(|s| s.seconds_behind = Some(behind));
            if until_reached
                || !f.has_buffered_event()
                || self.group_txns >= GROUP_MAX_TXNS
                || self.group.len() >= GROUP_MAX_CHANGES
            {
                self.commit_group()?;
            }
            if until_reached {
                tracing::info!("UNTIL SQL_AFTER_GTIDS reached at {where_}: the applier stops");
                self.relaxed_sync(true)?;
                return Ok(None);
            }
        }
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
        self.pos.gtid_executed = self.executed.text();
        let txn = std::mem::take(&mut self.group);
        self.group_txns = 0;
        self.store
            .commit(txn, &self.pos)
            .map_err(|e| ReplicaError::Config(e.to_string()))?;
        self.unsynced = self.cfg.durability == Durability::Relaxed;
        self.relaxed_sync(false)?;
        write_relay_log_info(&self.cfg.data_dir, &self.pos)?;
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

/// Whether a unit of the relay log is only framing (format description,
/// rotate, previous GTIDs, heartbeat, stop): events the skip counter does
/// not count.
fn is_framing(events: &[OwnedEvent]) -> bool {
    use understudy_binlog::event_type as et;
    events.iter().all(|e| {
        matches!(
            e.bytes.get(4).copied(),
            Some(
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
        )
    })
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
pub fn write_relay_log_info(dir: &Path, p: &Position) -> Result<()> {
    let text = format!(
        "7\n./{}\n{}\n{}\n{}\n0\n0\n1\n",
        p.relay_file, p.relay_pos, p.source_file, p.source_pos
    );
    crate::status::write_status(&dir.join(RELAY_LOG_INFO), &text)
}
