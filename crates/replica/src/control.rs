//! The replica run by its operators, as MySQL's statements run one: START
//! and STOP REPLICA [IO_THREAD | SQL_THREAD] start and stop the I/O task
//! and the applier each on its own, CHANGE REPLICATION SOURCE TO changes
//! the source while the task it concerns is stopped (persisted to
//! master.info), and `sql_replica_skip_counter` is taken by the next
//! applier start. The process runs until it is told to stop, whatever
//! the tasks do, as a MySQL server stays up with its replica stopped.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;
use understudy_binlog::relay::parse_index;
use understudy_mysql_proto::compress::Algorithm;
use understudy_store::{Durability, Store};

use crate::applier::STORE_DIR;
use crate::client::SslMode;
use crate::error::{ReplicaError, Result};
use crate::io::{self, StartFrom};
use crate::master_info::MasterInfo;
use crate::relay_watch::RelayWatch;
use crate::service::{ReplicaConfig, open_io, spawn_applier};

struct IoTask {
    stop: watch::Sender<bool>,
    handle: tokio::task::JoinHandle<Result<()>>,
}

struct SqlTask {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Result<()>>,
}

/// What a START or STOP did: MySQL answers a thread already in that
/// state with a note (3083 / 3084), not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    AlreadyRunning,
    AlreadyStopped,
}

/// Why a CHANGE REPLICATION SOURCE TO was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeError {
    /// ER_REPLICA_CHANNEL_IO_THREAD_MUST_STOP (3021).
    IoRunning,
    /// ER_REPLICA_SQL_THREAD_MUST_STOP (3017): a new source position
    /// discards the relay log, which the applier must not be reading.
    SqlRunning,
    /// ER_BAD_REPLICA_AUTO_POSITION (1776).
    PositionWithAutoPosition,
    /// ER_REPLICA_CHANNEL_MUST_STOP (3081): RESET REPLICA.
    ThreadsRunning,
    /// ER_REPLICA_NOT_CONFIGURED (1200): after RESET REPLICA ALL.
    NotConfigured,
    /// ER_CHANGE_RPL_SRC_WRONG_COMPRESSION_ALGORITHM_CLIENT (3920).
    BadCompression(String),
    Other(String),
}

/// The options of CHANGE REPLICATION SOURCE TO that understudy takes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceChange {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub log_file: Option<String>,
    pub log_pos: Option<u64>,
    pub auto_position: Option<bool>,
    pub connect_retry: Option<u64>,
    pub retry_count: Option<u64>,
    pub heartbeat_period: Option<f64>,
    pub ssl: Option<bool>,
    pub ssl_ca: Option<String>,
    pub ssl_cert: Option<String>,
    pub ssl_key: Option<String>,
    pub ssl_verify_server_cert: Option<bool>,
    pub get_public_key: Option<bool>,
    pub public_key_path: Option<String>,
    /// `SOURCE_COMPRESSION_ALGORITHMS`: a list of zlib, zstd and
    /// uncompressed (zstd is taken when listed, then zlib).
    pub compression_algorithms: Option<String>,
    pub zstd_level: Option<i32>,
    /// `SOURCE_DELAY` in seconds.
    pub delay: Option<u64>,
}

impl SourceChange {
    fn touches_position(&self) -> bool {
        self.log_file.is_some() || self.log_pos.is_some()
    }

    /// Whether only the applier's options change (the I/O task may run).
    fn applier_only(&self) -> bool {
        self.delay.is_some()
            && SourceChange {
                delay: None,
                ..self.clone()
            } == SourceChange::default()
    }
}

pub struct Control {
    dir: PathBuf,
    cfg: Mutex<ReplicaConfig>,
    /// Shared by every I/O task and applier of this process.
    watch: RelayWatch,
    io: tokio::sync::Mutex<Option<IoTask>>,
    sql: Mutex<Option<SqlTask>>,
    skip_counter: AtomicU64,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control").field("dir", &self.dir).finish()
    }
}

impl Control {
    pub fn new(cfg: ReplicaConfig) -> Arc<Control> {
        Arc::new(Control {
            dir: cfg.data_dir.clone(),
            skip_counter: AtomicU64::new(cfg.skip_counter),
            cfg: Mutex::new(cfg),
            watch: RelayWatch::new(),
            io: tokio::sync::Mutex::new(None),
            sql: Mutex::new(None),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    fn config(&self) -> ReplicaConfig {
        self.cfg.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub async fn io_running(&self) -> bool {
        self.io
            .lock()
            .await
            .as_ref()
            .is_some_and(|t| !t.handle.is_finished())
    }

    pub fn sql_running(&self) -> bool {
        self.sql
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .is_some_and(|t| !t.thread.is_finished())
    }

    /// START REPLICA IO_THREAD.
    pub async fn start_io(&self) -> Result<Outcome> {
        let mut g = self.io.lock().await;
        if g.as_ref().is_some_and(|t| !t.handle.is_finished()) {
            return Ok(Outcome::AlreadyRunning);
        }
        if let Some(old) = g.take()
            && let Ok(Err(e)) = old.handle.await
        {
            tracing::info!("the I/O task had stopped: {e}");
        }
        let cfg = self.config();
        let (mut relay, progress, status) = open_io(&cfg, &self.dir)?;
        relay.set_watch(self.watch.clone());
        let (tx, rx) = watch::channel(false);
        let handle = tokio::spawn(async move {
            let r = io::run(cfg.io, relay, progress, status, rx).await;
            if let Err(e) = &r {
                tracing::error!("replica I/O task stopped: {e}");
            }
            r
        });
        *g = Some(IoTask { stop: tx, handle });
        Ok(Outcome::Done)
    }

    /// STOP REPLICA IO_THREAD: waits for the task to end.
    pub async fn stop_io(&self) -> Result<Outcome> {
        let Some(t) = self.io.lock().await.take() else {
            return Ok(Outcome::AlreadyStopped);
        };
        let was_running = !t.handle.is_finished();
        let _ = t.stop.send(true);
        match t.handle.await {
            Ok(Ok(())) | Ok(Err(_)) => {}
            Err(e) => return Err(ReplicaError::Config(format!("the I/O task failed: {e}"))),
        }
        Ok(if was_running {
            Outcome::Done
        } else {
            Outcome::AlreadyStopped
        })
    }

    /// START REPLICA SQL_THREAD; takes `sql_replica_skip_counter`.
    pub fn start_sql(&self) -> Result<Outcome> {
        self.start_sql_until(None)
    }

    /// The relay log's index file.
    pub fn relay_index(&self) -> std::path::PathBuf {
        self.dir
            .join(format!("{}-relay-bin.index", self.config().relay_log_name))
    }

    /// The UNTIL condition the process was started with.
    pub fn initial_until(&self) -> Option<crate::applier::Until> {
        self.config().until
    }

    /// START REPLICA SQL_THREAD [UNTIL …]: the applier stops where
    /// `until` says (this start only).
    pub fn start_sql_until(&self, until: Option<crate::applier::Until>) -> Result<Outcome> {
        let mut g = self.sql.lock().unwrap_or_else(|p| p.into_inner());
        if g.as_ref().is_some_and(|t| !t.thread.is_finished()) {
            return Ok(Outcome::AlreadyRunning);
        }
        if let Some(old) = g.take() {
            let _ = old.thread.join();
        }
        let mut cfg = self.config();
        cfg.skip_counter = self.skip_counter.swap(0, Ordering::SeqCst);
        cfg.until = until;
        let stop = Arc::new(AtomicBool::new(false));
        let thread = spawn_applier(&cfg, &self.dir, &self.watch, &stop)?;
        *g = Some(SqlTask { stop, thread });
        Ok(Outcome::Done)
    }

    /// STOP REPLICA SQL_THREAD: the applier commits what it has applied
    /// and ends (this blocks until it has).
    pub fn stop_sql(&self) -> Result<Outcome> {
        let Some(t) = self.sql.lock().unwrap_or_else(|p| p.into_inner()).take() else {
            return Ok(Outcome::AlreadyStopped);
        };
        let was_running = !t.thread.is_finished();
        t.stop.store(true, Ordering::SeqCst);
        self.watch.poke();
        let _ = t.thread.join();
        Ok(if was_running {
            Outcome::Done
        } else {
            Outcome::AlreadyStopped
        })
    }

    /// `SET GLOBAL sql_replica_skip_counter = n`.
    pub fn set_skip_counter(&self, n: u64) {
        self.skip_counter.store(n, Ordering::SeqCst);
    }

    pub fn skip_counter(&self) -> u64 {
        self.skip_counter.load(Ordering::SeqCst)
    }

    /// CHANGE REPLICATION SOURCE TO. Connection options need the I/O task
    /// stopped; a source position also the applier, since the relay log
    /// is discarded (the applier's executed GTIDs stay).
    pub async fn change_source(&self, ch: &SourceChange) -> std::result::Result<(), ChangeError> {
        if !ch.applier_only() && self.io_running().await {
            return Err(ChangeError::IoRunning);
        }
        if (ch.touches_position() || ch.delay.is_some()) && self.sql_running() {
            return Err(ChangeError::SqlRunning);
        }
        let mut cfg = self.config();
        let auto = ch
            .auto_position
            .unwrap_or(cfg.io.start == StartFrom::AutoPosition);
        if auto && ch.touches_position() {
            return Err(ChangeError::PositionWithAutoPosition);
        }
        let c = &mut cfg.io.connect;
        if let Some(v) = &ch.host {
            c.host = v.clone();
        }
        if let Some(v) = ch.port {
            c.port = v;
        }
        if let Some(v) = &ch.user {
            c.user = v.clone();
        }
        if let Some(v) = &ch.password {
            c.password = v.clone().into_bytes();
            cfg.io.store_password = true;
        }
        if let Some(v) = &ch.ssl_ca {
            c.ssl.ca = Some(v.into());
        }
        if let Some(v) = &ch.ssl_cert {
            c.ssl.cert = Some(v.into());
        }
        if let Some(v) = &ch.ssl_key {
            c.ssl.key = Some(v.into());
        }
        match (ch.ssl, ch.ssl_verify_server_cert) {
            (_, Some(true)) => c.ssl.mode = SslMode::VerifyIdentity,
            (Some(true), _) => c.ssl.mode = SslMode::Required,
            (Some(false), _) => c.ssl.mode = SslMode::Preferred,
            _ => {}
        }
        if let Some(v) = ch.get_public_key {
            c.get_public_key = v;
        }
        if let Some(v) = &ch.public_key_path {
            c.public_key_path = (!v.is_empty()).then(|| v.into());
        }
        if let Some(v) = ch.connect_retry {
            cfg.io.connect_retry = std::time::Duration::from_secs(v);
        }
        if let Some(v) = ch.retry_count {
            cfg.io.retry_count = v;
        }
        if let Some(v) = ch.heartbeat_period {
            cfg.io.heartbeat_period = std::time::Duration::from_secs_f64(v.max(0.0));
        }
        if let Some(list) = &ch.compression_algorithms {
            let names: Vec<String> = list
                .split(',')
                .map(|n| n.trim().to_ascii_lowercase())
                .collect();
            if let Some(bad) = names
                .iter()
                .find(|n| !matches!(n.as_str(), "zlib" | "zstd" | "uncompressed"))
            {
                return Err(ChangeError::BadCompression(bad.clone()));
            }
            let level = match cfg.io.connect.compression {
                Some(Algorithm::Zstd(l)) => l,
                _ => 3,
            };
            cfg.io.connect.compression = if names.iter().any(|n| n == "zstd") {
                Some(Algorithm::Zstd(level))
            } else if names.iter().any(|n| n == "zlib") {
                Some(Algorithm::Zlib)
            } else {
                None
            };
        }
        if let (Some(l), Some(Algorithm::Zstd(_))) = (ch.zstd_level, cfg.io.connect.compression) {
            // zstd's levels, as MySQL takes them.
            cfg.io.connect.compression = Some(Algorithm::Zstd(l.clamp(1, 22)));
        }
        if let Some(v) = ch.delay {
            crate::applier::delay::store(&self.dir, v)
                .map_err(|e| ChangeError::Other(e.to_string()))?;
            cfg.delay = v;
        }
        if ch.touches_position() {
            let file = ch.log_file.clone().unwrap_or_default();
            let pos = ch.log_pos.unwrap_or(4).max(4);
            self.discard_relay_log(&cfg)
                .map_err(|e| ChangeError::Other(e.to_string()))?;
            cfg.io.start = StartFrom::Position { file, pos };
        } else if auto {
            cfg.io.start = StartFrom::AutoPosition;
        } else if ch.auto_position == Some(false) && cfg.io.start == StartFrom::AutoPosition {
            cfg.io.start = StartFrom::Oldest;
        }
        self.persist(&cfg)
            .map_err(|e| ChangeError::Other(e.to_string()))?;
        *self.cfg.lock().unwrap_or_else(|p| p.into_inner()) = cfg;
        Ok(())
    }

    /// master.info with the changed source (MySQL persists CHANGE at once).
    fn persist(&self, cfg: &ReplicaConfig) -> Result<()> {
        let path = &cfg.io.master_info_path;
        let mut mi = MasterInfo::load(path)?.unwrap_or_default();
        let c = &cfg.io.connect;
        mi.host = c.host.clone();
        mi.port = c.port;
        mi.user = c.user.clone();
        mi.password = if cfg.io.store_password {
            String::from_utf8_lossy(&c.password).into_owned()
        } else {
            String::new()
        };
        mi.connect_retry = cfg.io.connect_retry.as_secs();
        mi.retry_count = cfg.io.retry_count;
        mi.heartbeat_period = cfg.io.heartbeat_period.as_secs_f64();
        mi.auto_position = cfg.io.start == StartFrom::AutoPosition;
        mi.get_public_key = c.get_public_key;
        mi.compression_algorithm = c
            .compression
            .map(|a| a.name().to_owned())
            .unwrap_or_default();
        if let Some(Algorithm::Zstd(l)) = c.compression {
            mi.zstd_level = u32::try_from(l).unwrap_or(3);
        }
        if let StartFrom::Position { file, pos } = &cfg.io.start {
            mi.source_log_file = file.clone();
            mi.read_source_log_pos = *pos;
        }
        mi.store(path)
    }

    /// Deletes the relay log and points the applier at the start of the
    /// next one (its executed GTIDs and source position stay).
    fn discard_relay_log(&self, cfg: &ReplicaConfig) -> Result<()> {
        let base = format!("{}-relay-bin", cfg.relay_log_name);
        let index = self.dir.join(format!("{base}.index"));
        if let Ok(text) = fs::read_to_string(&index) {
            for f in parse_index(&text) {
                let p = self.dir.join(f);
                match fs::remove_file(&p) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(ReplicaError::io(&p, e)),
                }
            }
            fs::remove_file(&index).map_err(|e| ReplicaError::io(&index, e))?;
        }
        let store_dir = self.dir.join(STORE_DIR);
        if store_dir.join("CURRENT").exists() {
            let store = Store::open(&store_dir, Durability::Sync)
                .map_err(|e| ReplicaError::Config(e.to_string()))?;
            if let Some(mut pos) = store
                .position()
                .map_err(|e| ReplicaError::Config(e.to_string()))?
            {
                pos.relay_file = String::new();
                pos.relay_pos = 0;
                store
                    .commit(store.txn(), &pos)
                    .map_err(|e| ReplicaError::Config(e.to_string()))?;
            }
        }
        self.watch.cutting();
        Ok(())
    }

    /// Whether a source is configured (RESET REPLICA ALL forgets it).
    pub fn configured(&self) -> bool {
        !self
            .cfg
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .io
            .connect
            .host
            .is_empty()
    }

    /// RESET REPLICA [ALL]: both tasks stopped, the relay log deleted and
    /// the source position forgotten (the next start reads the source
    /// from its first binlog, or by GTID auto-positioning); ALL forgets
    /// the source too. The applied data and executed GTIDs stay, as in
    /// MySQL.
    pub async fn reset(&self, all: bool) -> std::result::Result<(), ChangeError> {
        if self.io_running().await || self.sql_running() {
            return Err(ChangeError::ThreadsRunning);
        }
        let other = |e: ReplicaError| ChangeError::Other(e.to_string());
        let mut cfg = self.config();
        self.discard_relay_log(&cfg).map_err(other)?;
        if cfg.io.start != StartFrom::AutoPosition {
            cfg.io.start = StartFrom::Oldest;
        }
        let remove = |p: &Path| match fs::remove_file(p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(ChangeError::Other(format!("{}: {e}", p.display())))
            }
            _ => Ok(()),
        };
        remove(&self.dir.join(crate::applier::status::APPLIER_STATUS_FILE))?;
        if all {
            remove(&cfg.io.master_info_path)?;
            remove(&self.dir.join(crate::service::STATUS_FILE))?;
            cfg.io.connect.host = String::new();
            cfg.io.start = StartFrom::Oldest;
        } else {
            let mut mi = MasterInfo::load(&cfg.io.master_info_path)
                .map_err(other)?
                .unwrap_or_default();
            mi.source_log_file = String::new();
            mi.read_source_log_pos = 4;
            mi.store(&cfg.io.master_info_path).map_err(other)?;
            let c = &cfg.io.connect;
            crate::status::SharedStatus::new(
                &self.dir.join(crate::service::STATUS_FILE),
                crate::status::IoStatus {
                    source_host: c.host.clone(),
                    source_user: c.user.clone(),
                    source_port: c.port,
                    connect_retry: cfg.io.connect_retry.as_secs(),
                    read_source_log_pos: 4,
                    auto_position: cfg.io.start == StartFrom::AutoPosition,
                    source_retry_count: cfg.io.retry_count,
                    ..Default::default()
                },
            )
            .persist()
            .map_err(other)?;
        }
        *self.cfg.lock().unwrap_or_else(|p| p.into_inner()) = cfg;
        Ok(())
    }

    /// Stops both tasks (process shutdown).
    pub async fn shutdown(self: &Arc<Self>) {
        if let Err(e) = self.stop_io().await {
            tracing::error!("{e}");
        }
        // Joining the applier blocks: off the async workers (works on any
        // runtime, where block_in_place panics on a current-thread one).
        let c = self.clone();
        match tokio::task::spawn_blocking(move || c.stop_sql()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!("{e}"),
            Err(e) => tracing::error!("stopping the applier: {e}"),
        }
    }
}
