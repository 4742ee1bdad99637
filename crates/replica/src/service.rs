//! The replica process around the tasks: its data directory (pid file,
//! `auto.cnf` with the replica's UUID, master.info, relay log, status),
//! start-up recovery, and a clean stop.
//!
//! The I/O task runs on the async runtime; the applier on a thread of its
//! own (RocksDB blocks), woken by the relay log's watch.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::watch;

use crate::applier::status::SharedSqlStatus;
use crate::applier::{self, ApplierConfig};

use crate::error::{ReplicaError, Result};
use crate::io::{self, IoConfig, StartFrom};
use crate::master_info::{MasterInfo, write_atomically};
use crate::progress::Progress;
use crate::relay_log::{RelayLog, RelayLogOptions};
use crate::relay_watch::RelayWatch;
use crate::status::{IoStatus, Running, SharedStatus};

pub const STATUS_FILE: &str = "replica-status";
pub const PID_FILE: &str = "understudy.pid";
pub const MASTER_INFO: &str = "master.info";

/// Which of the replica's threads run (`START REPLICA IO_THREAD` /
/// `SQL_THREAD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Threads {
    #[default]
    Both,
    /// Only fetch into the relay log.
    Io,
    /// Only apply the relay log there is (no connection to the source).
    Sql,
}

#[derive(Debug, Clone)]
pub struct ReplicaConfig {
    pub data_dir: PathBuf,
    pub io: IoConfig,
    /// `relay_log`: files are `<relay_log>-relay-bin.NNNNNN`.
    pub relay_log_name: String,
    pub max_relay_log_size: u64,
    pub sync_relay_log: u64,
    /// `relay_log_purge`.
    pub relay_log_purge: bool,
    /// `relay_log_space_limit` (0: none).
    pub relay_log_space_limit: u64,
    /// The applier's commit durability.
    pub durability: understudy_store::Durability,
    /// Filters, skipped errors, exec mode.
    pub policy: crate::applier::policy::ApplyPolicy,
    /// `sql_replica_skip_counter` at start.
    pub skip_counter: u64,
    pub threads: Threads,
    /// See [`ApplierConfig::large_transaction_bytes`].
    pub large_transaction_bytes: usize,
    /// `START REPLICA SQL_THREAD UNTIL …` for the first start.
    pub until: Option<crate::applier::Until>,
    /// `SOURCE_DELAY` in seconds (0: none).
    pub delay: u64,
}

/// The replica's UUID from `auto.cnf` (`[auto]` / `server-uuid=`),
/// created on first start as MySQL does.
pub fn replica_uuid(data_dir: &Path) -> Result<String> {
    fs::create_dir_all(data_dir).map_err(|e| ReplicaError::io(data_dir, e))?;
    let path = data_dir.join("auto.cnf");
    if let Ok(text) = fs::read_to_string(&path)
        && let Some(u) = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("server-uuid="))
    {
        return Ok(u.trim().to_owned());
    }
    let mut b = [0u8; 16];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| ReplicaError::io(Path::new("/dev/urandom"), e))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    );
    write_atomically(
        &path,
        format!("[auto]\nserver-uuid={uuid}\n").as_bytes(),
        0o644,
    )?;
    Ok(uuid)
}

/// Whether a process holds the data directory's pid file.
pub fn running_pid(data_dir: &Path) -> Option<u32> {
    let pid: u32 = fs::read_to_string(data_dir.join(PID_FILE))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Path::new(&format!("/proc/{pid}")).exists().then_some(pid)
}

/// Takes the data directory for this process (created if missing): its
/// pid file, unless another live process holds it. Returns the pid
/// file's path.
fn claim(dir: &Path) -> Result<PathBuf> {
    fs::create_dir_all(dir).map_err(|e| ReplicaError::io(dir, e))?;
    if let Some(pid) = running_pid(dir)
        && pid != std::process::id()
    {
        return Err(ReplicaError::Config(format!(
            "{} is in use by process {pid}",
            dir.display()
        )));
    }
    let pid_path = dir.join(PID_FILE);
    fs::write(&pid_path, format!("{}\n", std::process::id()))
        .map_err(|e| ReplicaError::io(&pid_path, e))?;
    Ok(pid_path)
}

/// Runs the replica until `stop` turns true or the I/O task stops with an
/// error.
pub async fn run(mut cfg: ReplicaConfig, stop: watch::Receiver<bool>) -> Result<()> {
    let dir = cfg.data_dir.clone();
    let pid_path = claim(&dir)?;
    cfg.io.master_info_path = dir.join(MASTER_INFO);
    if cfg.threads == Threads::Sql {
        // The applier alone: the relay log is read as it is (the I/O
        // side's start-up recovery is not needed), the I/O status is left
        // as the last run left it.
        let status_path = dir.join(STATUS_FILE);
        if !status_path.exists() {
            SharedStatus::new(&status_path, IoStatus::default()).persist()?;
        }
        let watch = RelayWatch::new();
        let applier_stop = Arc::new(AtomicBool::new(false));
        let applier = spawn_applier(&cfg, &dir, &watch, &applier_stop)?;
        wait_applier_or_stop(Some(&applier), stop).await;
        applier_stop.store(true, Ordering::SeqCst);
        watch.close();
        let applied = applier
            .join()
            .unwrap_or_else(|_| Err(ReplicaError::Config("the applier thread panicked".into())));
        let _ = fs::remove_file(&pid_path);
        if let Err(e) = &applied {
            tracing::error!("{e}");
        }
        return applied;
    }
    let (relay, progress, status) = open_io(&cfg, &dir)?;
    let watch = relay.watch();
    let applier_stop = Arc::new(AtomicBool::new(false));
    let applier = if cfg.threads == Threads::Io {
        None
    } else {
        Some(spawn_applier(&cfg, &dir, &watch, &applier_stop)?)
    };
    let r = io::run(cfg.io, relay, progress, status.clone(), stop).await;
    applier_stop.store(true, Ordering::SeqCst);
    watch.close();
    let applied = match applier {
        Some(a) => a
            .join()
            .unwrap_or_else(|_| Err(ReplicaError::Config("the applier thread panicked".into()))),
        None => Ok(()),
    };
    let _ = fs::remove_file(&pid_path);
    if let Err(e) = &applied {
        tracing::error!("{e}");
    }
    r.and(applied)
}

/// Runs the replica under operator control (the endpoint's START/STOP
/// REPLICA): the tasks `cfg.threads` names are started, and the process
/// runs until `stop` turns true whatever becomes of them.
pub async fn run_controlled(
    control: Arc<crate::control::Control>,
    mut stop: watch::Receiver<bool>,
    threads: Threads,
) -> Result<()> {
    let dir = control.data_dir().to_owned();
    let pid_path = claim(&dir)?;
    let status_path = dir.join(STATUS_FILE);
    if !status_path.exists() {
        SharedStatus::new(&status_path, IoStatus::default()).persist()?;
    }
    let started = async {
        if threads != Threads::Sql {
            control.start_io().await?;
        }
        if threads != Threads::Io {
            // The run's own UNTIL (a flag) holds for its first start.
            control.start_sql_until(control.initial_until())?;
        }
        Ok::<(), ReplicaError>(())
    }
    .await;
    if started.is_ok() {
        while !*stop.borrow() {
            if stop.changed().await.is_err() {
                break;
            }
        }
    }
    control.shutdown().await;
    let _ = fs::remove_file(&pid_path);
    started
}

/// The I/O side's start-up: the relay log opened (a torn tail cut), where
/// the source's binlog is to be read from, and the status (persisted).
pub(crate) fn open_io(
    cfg: &ReplicaConfig,
    dir: &Path,
) -> Result<(RelayLog, Progress, SharedStatus)> {
    let (relay, recovered) = RelayLog::open(RelayLogOptions {
        dir: dir.to_owned(),
        basename: format!("{}-relay-bin", cfg.relay_log_name),
        max_size: cfg.max_relay_log_size,
        sync_every: cfg.sync_relay_log,
        server_id: cfg.io.server_id,
        purge: cfg.relay_log_purge,
        space_limit: cfg.relay_log_space_limit,
    })?;
    if recovered.truncated > 0 {
        tracing::warn!(
            bytes = recovered.truncated,
            "relay log: cut an incomplete tail at start-up"
        );
    }
    // Where the relay log's last file leaves off; when it names no source
    // binlog (none yet, or a file begun inside one), master.info's
    // position — unless a position was asked for explicitly.
    let fallback = match MasterInfo::load(&cfg.io.master_info_path)? {
        Some(mi)
            if !mi.source_log_file.is_empty()
                && !matches!(cfg.io.start, StartFrom::Position { .. }) =>
        {
            Some((mi.source_log_file, mi.read_source_log_pos))
        }
        _ => None,
    };
    let mut progress = Progress::resume(&recovered.scan, fallback);
    progress.committed.relay_offset = relay.current_pos();
    let c = &cfg.io.connect;
    let status = SharedStatus::new(
        &dir.join(STATUS_FILE),
        IoStatus {
            source_host: c.host.clone(),
            source_user: c.user.clone(),
            source_port: c.port,
            connect_retry: cfg.io.connect_retry.as_secs(),
            source_log_file: progress.committed.source_file.clone(),
            read_source_log_pos: progress.committed.source_pos,
            relay_log_file: relay.current_file().unwrap_or_default().to_owned(),
            relay_log_pos: relay.current_pos(),
            relay_log_space: relay.space(),
            retrieved_gtid_set: progress.retrieved_text(),
            auto_position: cfg.io.start == StartFrom::AutoPosition,
            source_retry_count: cfg.io.retry_count,
            running: Running::Connecting,
            ..IoStatus::default()
        },
    );
    status.persist()?;
    Ok((relay, progress, status))
}

/// Starts the applier on a thread of its own.
pub(crate) fn spawn_applier(
    cfg: &ReplicaConfig,
    dir: &Path,
    watch: &RelayWatch,
    stop: &Arc<AtomicBool>,
) -> Result<std::thread::JoinHandle<Result<()>>> {
    let acfg = ApplierConfig {
        data_dir: dir.to_owned(),
        relay_basename: format!("{}-relay-bin", cfg.relay_log_name),
        durability: cfg.durability,
        policy: cfg.policy.clone(),
        skip_counter: cfg.skip_counter,
        until: cfg.until.clone(),
        delay: cfg.delay,
        large_transaction_bytes: cfg.large_transaction_bytes,
    };
    let (watch, stop, st) = (watch.clone(), stop.clone(), SharedSqlStatus::new(dir));
    // START returns with the thread shown running, as MySQL's does: the
    // last status, its error cleared, with this start's UNTIL (the
    // applier fills in the rest once its store is open).
    let before = crate::applier::status::read_sql_status(dir).unwrap_or_default();
    st.update(|s| {
        let (until_file, until_pos) = acfg
            .until
            .as_ref()
            .map_or(("", 0), crate::applier::Until::log_position);
        *s = crate::applier::status::SqlStatus {
            running: true,
            state: String::new(),
            skip_counter: acfg.skip_counter,
            last_errno: 0,
            last_error: String::new(),
            last_error_timestamp: String::new(),
            seconds_behind: None,
            until: acfg
                .until
                .as_ref()
                .map_or("", crate::applier::Until::condition)
                .to_owned(),
            until_log_file: until_file.to_owned(),
            until_log_pos: until_pos,
            sql_delay: acfg.delay,
            remaining_delay: None,
            ..before
        };
    });
    std::thread::Builder::new()
        .name("applier".into())
        .spawn(move || applier::run(acfg, watch, stop, st))
        .map_err(|e| ReplicaError::io(dir, e))
}

/// Waits until the applier thread ends or `stop` turns true.
async fn wait_applier_or_stop(
    applier: Option<&std::thread::JoinHandle<Result<()>>>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() || applier.is_none_or(|a| a.is_finished()) {
            return;
        }
        tokio::select! {
            _ = stop.changed() => {}
            _ = tokio::time::sleep(std::time::Duration::from_millis(20)) => {}
        }
    }
}
