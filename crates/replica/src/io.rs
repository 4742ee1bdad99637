//! The I/O task (MySQL's replication receiver thread): connects to the
//! source, registers, asks for the binlog from the configured position,
//! and appends every event verbatim to the relay log. On a lost
//! connection it drops the partial transaction at the relay log's tail
//! and reconnects after `connect_retry`, up to `retry_count` times, from
//! the last complete transaction (file and position, or GTIDs). Errors are
//! shown with MySQL's numbers and texts in `Last_IO_Errno`/`Last_IO_Error`.

use std::time::{Duration, Instant};

use tokio::sync::watch;
use understudy_binlog::ReadError;
use understudy_binlog::event_type::{HEARTBEAT_LOG_EVENT, HEARTBEAT_LOG_EVENT_V2};
use understudy_binlog::format_description_event::{Flavor, FormatDescription};
use understudy_binlog::reader::EventReader;
use understudy_mysql_proto::command::{self, RegisterReplica};

use crate::client::{ClientError, Conn, ConnectOptions, DumpPacket};
use crate::error::{ReplicaError, Result};
use crate::master_info::MasterInfo;
use crate::progress::Progress;
use crate::relay_log::RelayLog;
use crate::status::{Running, SharedStatus, io_state};

/// ER_SERVER_SOURCE_FATAL_ERROR_READING_BINLOG.
pub const ER_SOURCE_FATAL_ERROR_READING_BINLOG: u32 = 13114;
/// ER_REPLICA_FATAL_ERROR: equal server ids.
pub const ER_REPLICA_FATAL_ERROR: u32 = 13117;
/// ER_REPLICA_RELAY_LOG_WRITE_FAILURE.
pub const ER_REPLICA_RELAY_LOG_WRITE_FAILURE: u32 = 13121;
/// ER_NETWORK_READ_EVENT_CHECKSUM_FAILURE.
pub const ER_NETWORK_READ_EVENT_CHECKSUM_FAILURE: u32 = 13122;

/// Where replication starts when the relay log holds nothing yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartFrom {
    /// The beginning of the source's oldest binlog (as MySQL does without
    /// a position).
    Oldest,
    Position {
        file: String,
        pos: u64,
    },
    /// MySQL GTID auto-positioning / MariaDB `@slave_connect_state`.
    AutoPosition,
}

#[derive(Debug, Clone)]
pub struct IoConfig {
    pub connect: ConnectOptions,
    pub server_id: u32,
    pub replica_uuid: String,
    pub report_host: String,
    pub report_port: u16,
    /// `SOURCE_CONNECT_RETRY`.
    pub connect_retry: Duration,
    /// `SOURCE_RETRY_COUNT`: how many attempts in a row may fail before
    /// the task stops; 0 means no limit.
    pub retry_count: u64,
    /// `SOURCE_HEARTBEAT_PERIOD`; zero disables heartbeats.
    pub heartbeat_period: Duration,
    /// `replica_net_timeout`.
    pub net_timeout: Duration,
    pub start: StartFrom,
    /// Where master.info lives.
    pub master_info_path: std::path::PathBuf,
    /// Keep the password in master.info (it was given in clear).
    pub store_password: bool,
}

impl IoConfig {
    fn auto_position(&self) -> bool {
        self.start == StartFrom::AutoPosition
    }
}

/// Why a session ended.
#[derive(Debug)]
enum SessionError {
    /// Could not connect or register: retried.
    Connect(ClientError),
    /// The stream broke: reconnect.
    Read(ClientError),
    /// Stop the task with this error (MySQL's number and text).
    Fatal(u32, String),
    /// A local failure (relay log, files).
    Local(ReplicaError),
}

impl From<ReplicaError> for SessionError {
    fn from(e: ReplicaError) -> Self {
        SessionError::Local(e)
    }
}

/// Runs until stopped (`stop` turns true) or a fatal error. The error is
/// in the status too; it is returned for the caller's exit code.
pub async fn run(
    cfg: IoConfig,
    mut relay: RelayLog,
    mut progress: Progress,
    status: SharedStatus,
    mut stop: watch::Receiver<bool>,
) -> Result<()> {
    let mut attempts: u64 = 0;
    let mut reconnecting = false;
    loop {
        if *stop.borrow() {
            break;
        }
        status.update(true, |s| {
            s.running = Running::Connecting;
            s.state = if reconnecting {
                io_state::RECONNECTING_READ
            } else {
                io_state::CONNECTING
            }
            .into();
        })?;
        let r = session(
            &cfg,
            &mut relay,
            &mut progress,
            &status,
            &mut stop,
            &mut attempts,
        )
        .await;
        // Whatever happened, the relay log ends at a transaction boundary.
        // If that fails, the failure is what the status shows.
        let cleanup = relay
            .cut_to(progress.committed.relay_offset)
            .and_then(|()| {
                progress.rewind();
                relay.sync()
            })
            .and_then(|()| store_master_info(&cfg, &progress, &status));
        let r = match (r, cleanup) {
            (r, Ok(())) => r,
            (_, Err(e)) => Err(SessionError::Local(e)),
        };
        let (errno, message, wait_state) = match r {
            Ok(()) => break,
            Err(SessionError::Fatal(errno, message)) => {
                return stop_with(&status, errno, message);
            }
            Err(SessionError::Local(e)) => {
                let msg = format!("Relay log write failure: {e}");
                // The status may be unwritable too; the error is returned
                // either way.
                let _ = stop_with(&status, ER_REPLICA_RELAY_LOG_WRITE_FAILURE, msg);
                return Err(e);
            }
            Err(SessionError::Connect(e)) => {
                attempts += 1;
                let msg = format!(
                    "Error connecting to source '{}@{}'. This was attempt {}/{}, with a delay of {} seconds between attempts. Message: {}",
                    cfg.connect.user,
                    cfg.connect.address(),
                    attempts,
                    cfg.retry_count,
                    cfg.connect_retry.as_secs(),
                    message_of(&e)
                );
                (
                    u32::from(e.errno()),
                    msg,
                    io_state::WAITING_TO_RECONNECT_REGISTRATION,
                )
            }
            // As MySQL: the first reconnect after a broken stream is
            // immediate and not counted; failed reconnects are.
            Err(SessionError::Read(e)) => {
                reconnecting = true;
                let msg = format!(
                    "Error reading packet from server for channel '': {} (server_errno={})",
                    message_of(&e),
                    e.errno()
                );
                (
                    u32::from(e.errno()),
                    msg,
                    io_state::WAITING_TO_RECONNECT_READ,
                )
            }
        };
        tracing::warn!(errno, "{message}");
        // As MySQL: `retry_count` attempts in all (the message says
        // "attempt n/N"), and 0 means no limit.
        if cfg.retry_count != 0 && attempts >= cfg.retry_count {
            return stop_with(&status, errno, message);
        }
        status.update(true, |s| {
            s.state = wait_state.into();
            set_error(s, errno, &message);
        })?;
        if attempts > 0 {
            tokio::select! {
                _ = tokio::time::sleep(cfg.connect_retry) => {}
                _ = stop.changed() => {}
            }
        }
    }
    status.update(true, |s| {
        s.running = Running::No;
        s.state = String::new();
    })?;
    Ok(())
}

fn message_of(e: &ClientError) -> String {
    match e.server_error() {
        Some(s) => s.message.clone(),
        None => e.to_string(),
    }
}

fn set_error(s: &mut crate::status::IoStatus, errno: u32, message: &str) {
    s.last_io_errno = errno;
    s.last_io_error = message.to_owned();
    s.last_io_error_timestamp = crate::status::timestamp_now();
}

/// Shows the error in the status and returns it: the task stops.
fn stop_with(status: &SharedStatus, errno: u32, message: String) -> Result<()> {
    status.update(true, |s| {
        s.running = Running::No;
        s.state = String::new();
        set_error(s, errno, &message);
    })?;
    Err(ReplicaError::IoStopped { errno, message })
}

fn store_master_info(cfg: &IoConfig, progress: &Progress, status: &SharedStatus) -> Result<()> {
    let c = &cfg.connect;
    let st = status.snapshot();
    let mi = MasterInfo {
        source_log_file: progress.committed.source_file.clone(),
        read_source_log_pos: progress.committed.source_pos,
        host: c.host.clone(),
        user: c.user.clone(),
        password: if cfg.store_password {
            String::from_utf8_lossy(&c.password).into_owned()
        } else {
            String::new()
        },
        port: c.port,
        connect_retry: cfg.connect_retry.as_secs(),
        ssl_enabled: c.ssl.mode != crate::client::SslMode::Disabled,
        ssl_ca: path_text(&c.ssl.ca),
        ssl_cert: path_text(&c.ssl.cert),
        ssl_key: path_text(&c.ssl.key),
        ssl_verify_server_cert: c.ssl.mode == crate::client::SslMode::VerifyIdentity,
        heartbeat_period: cfg.heartbeat_period.as_secs_f64(),
        source_uuid: st.source_uuid,
        retry_count: cfg.retry_count,
        auto_position: cfg.auto_position(),
        public_key_path: path_text(&c.public_key_path),
        get_public_key: c.get_public_key,
        compression_algorithm: c
            .compression
            .map(|a| a.name().to_owned())
            .unwrap_or_default(),
        zstd_level: match c.compression {
            Some(understudy_mysql_proto::compress::Algorithm::Zstd(l)) => l as u32,
            _ => 3,
        },
    };
    mi.store(&cfg.master_info_path)
}

fn path_text(p: &Option<std::path::PathBuf>) -> String {
    p.as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// One connection: prepare, register, dump, then read until it breaks.
async fn session(
    cfg: &IoConfig,
    relay: &mut RelayLog,
    progress: &mut Progress,
    status: &SharedStatus,
    stop: &mut watch::Receiver<bool>,
    attempts: &mut u64,
) -> std::result::Result<(), SessionError> {
    let mut conn = tokio::select! {
        c = Conn::connect(&cfg.connect) => c.map_err(SessionError::Connect)?,
        _ = stop.changed() => return Ok(()),
    };
    status.update(true, |s| s.state = io_state::CHECKING_VERSION.into())?;
    let mariadb = conn.is_mariadb();
    let version = conn.server_version().to_owned();
    tracing::info!(
        "connected to source {}@{} (server {version}, TLS: {}, compression: {}, auth: {:?})",
        cfg.connect.user,
        cfg.connect.address(),
        if conn.is_tls() { "yes" } else { "no" },
        conn.compression().map_or("none", |a| a.name()),
        conn.auth_path(),
    );
    let crc = prepare(cfg, &mut conn, progress, status).await?;
    status.update(true, |s| s.state = io_state::REGISTERING.into())?;
    conn.register_replica(&RegisterReplica {
        server_id: cfg.server_id,
        report_host: &cfg.report_host,
        report_user: "",
        report_password: "",
        report_port: cfg.report_port,
    })
    .await
    .map_err(SessionError::Connect)?;
    let flavor = if mariadb {
        Flavor::MariaDb
    } else {
        Flavor::MySql
    };
    let relay_version = format!("{version}-understudy");
    relay.ensure_file(&relay_version, flavor, progress)?;
    // The relay log ends at a boundary here (a new file, or one cut back).
    progress.committed.relay_offset = relay.current_pos();
    status.update(true, |s| s.state = io_state::REQUESTING_DUMP.into())?;
    let dump = dump_command(cfg, progress, mariadb);
    conn.command(&dump).await.map_err(SessionError::Connect)?;
    let net_timeout = cfg.net_timeout;
    conn.set_read_timeout(Some(net_timeout));
    *attempts = 0;
    status.update(true, |s| {
        s.running = Running::Yes;
        s.last_io_errno = 0;
        s.last_io_error.clear();
        s.last_io_error_timestamp.clear();
        s.source_version = version.clone();
    })?;
    // Until the source's own format description arrives (the fake rotate
    // comes first), events carry the checksum agreed in `prepare`.
    let mut fde = FormatDescription::default_v4();
    fde.checksum_alg = Some(u8::from(crc));
    let mut last_persist = Instant::now();
    let mut last_master_info = Instant::now();
    let mut dirty = true;
    loop {
        if dirty && !conn.has_buffered_packet() {
            // About to wait on the network: everything read is written,
            // and the status says where we are.
            if !progress.in_transaction() {
                relay.at_boundary(true, &relay_version, progress)?;
            }
            relay.purge_applied()?;
            status.update(false, |s| s.state = io_state::WAITING_FOR_EVENT.into())?;
            persist_positions(relay, progress, status)?;
            last_persist = Instant::now();
            dirty = false;
        }
        let packet = tokio::select! {
            p = conn.read_dump_packet() => p,
            _ = stop.changed() => {
                conn.quit().await;
                return Ok(());
            }
        };
        let ev = match packet {
            Ok(DumpPacket::Event(ev)) => ev,
            Ok(DumpPacket::Eof) => {
                return Err(SessionError::Read(ClientError::Lost(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the source ended the binlog dump",
                ))));
            }
            Err(e) => return Err(classify_read_error(e)),
        };
        // Framed at its offset in the relay file, so that the scanner's
        // resume points are relay offsets.
        let at = relay.current_pos();
        let mut reader = EventReader::at(ev, 0, at, fde).verify_checksums(true);
        let framed = reader.next_event();
        let here = |p: &Progress| {
            let (f, pos) = p.source_position();
            format!("{f}:{pos}")
        };
        let raw = match framed {
            Some(Ok(raw)) if raw.raw.len() == ev.len() => raw,
            Some(Ok(raw)) => {
                return Err(SessionError::Fatal(
                    ER_SOURCE_FATAL_ERROR_READING_BINLOG,
                    format!(
                        "a packet from the source after {} holds {} bytes, its event {}",
                        here(progress),
                        ev.len(),
                        raw.raw.len()
                    ),
                ));
            }
            Some(Err(ReadError::Checksum { .. })) => {
                return Err(SessionError::Fatal(
                    ER_NETWORK_READ_EVENT_CHECKSUM_FAILURE,
                    format!(
                        "Replication event checksum verification failed while reading from network (after {}).",
                        here(progress)
                    ),
                ));
            }
            Some(Err(e)) => {
                return Err(SessionError::Fatal(
                    ER_SOURCE_FATAL_ERROR_READING_BINLOG,
                    format!(
                        "malformed event from the source after {}: {e}",
                        here(progress)
                    ),
                ));
            }
            None => {
                return Err(SessionError::Fatal(
                    ER_SOURCE_FATAL_ERROR_READING_BINLOG,
                    format!("empty event from the source after {}", here(progress)),
                ));
            }
        };
        if raw.type_code == HEARTBEAT_LOG_EVENT || raw.type_code == HEARTBEAT_LOG_EVENT_V2 {
            fde = reader.into_fde();
            if relay.purge_applied()? > 0 {
                persist_positions(relay, progress, status)?;
            }
            continue;
        }
        dirty = true;
        // Understood before it is written: nothing undecodable reaches the
        // relay log.
        let boundary = match progress.on_event(&raw, reader.fde()) {
            Ok(b) => b,
            Err(e) => {
                return Err(SessionError::Fatal(
                    ER_SOURCE_FATAL_ERROR_READING_BINLOG,
                    format!("could not read the event after {}: {e}", here(progress)),
                ));
            }
        };
        let is_fde = raw.type_code == understudy_binlog::event_type::FORMAT_DESCRIPTION_EVENT;
        relay.append(raw.raw, is_fde)?;
        crate::counters::received(raw.raw.len());
        fde = reader.into_fde();
        if boundary {
            let files = relay.files().last().cloned();
            relay.at_boundary(false, &relay_version, progress)?;
            if relay.over_space_limit()
                && !wait_for_space(relay, progress, status, &relay_version, stop).await?
            {
                conn.quit().await;
                return Ok(());
            }
            progress.committed.relay_offset = relay.current_pos();
            if relay.files().last() != files.as_ref() {
                // A new relay file names no source binlog: master.info
                // does, for start-up (see `Progress::resume`).
                relay.sync()?;
                store_master_info(cfg, progress, status)?;
                last_master_info = Instant::now();
            }
            let now = Instant::now();
            if now.duration_since(last_persist) >= Duration::from_millis(200) {
                last_persist = now;
                persist_positions(relay, progress, status)?;
            }
            if now.duration_since(last_master_info) >= Duration::from_secs(1) {
                last_master_info = now;
                relay.sync()?;
                store_master_info(cfg, progress, status)?;
            }
        }
    }
}

/// `relay_log_space_limit`: at a transaction boundary, waits until the
/// applier's purges bring the relay log under the limit. When the applier
/// reads the file being written (nothing older is left to purge), a new
/// file is begun so that it can finish that one, as MySQL rotates. False
/// when asked to stop while waiting.
async fn wait_for_space(
    relay: &mut RelayLog,
    progress: &Progress,
    status: &SharedStatus,
    version: &str,
    stop: &mut watch::Receiver<bool>,
) -> Result<bool> {
    let mut waiting = false;
    loop {
        relay.purge_applied()?;
        if !relay.over_space_limit() {
            if waiting {
                persist_positions(relay, progress, status)?;
            }
            return Ok(true);
        }
        if relay.applier_in_current_file() {
            relay.rotate(version, progress)?;
        }
        if !waiting {
            waiting = true;
            tracing::debug!(space = relay.space(), "relay log space limit reached");
            status.update(true, |s| {
                s.state = io_state::WAITING_FOR_SPACE.into();
                s.relay_log_space = relay.space();
            })?;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(50)) => {}
            _ = stop.changed() => return Ok(false),
        }
    }
}

fn persist_positions(relay: &RelayLog, progress: &Progress, status: &SharedStatus) -> Result<()> {
    status.update(true, |s| {
        let (file, pos) = progress.source_position();
        s.source_log_file = file;
        s.read_source_log_pos = pos;
        s.relay_log_file = relay.current_file().unwrap_or_default().to_owned();
        s.relay_log_pos = relay.current_pos();
        s.relay_log_space = relay.space();
        s.retrieved_gtid_set = progress.retrieved_text();
    })
}

/// Server errors during the dump stop the task, as in MySQL (the source
/// will not send what we asked for); a killed connection, a shutdown or
/// a network failure is retried.
fn classify_read_error(e: ClientError) -> SessionError {
    const RETRIED: [u16; 5] = [1053, 1077, 1317, 1927, 2013];
    match e.server_error() {
        Some(s) if !RETRIED.contains(&s.code) => SessionError::Fatal(
            ER_SOURCE_FATAL_ERROR_READING_BINLOG,
            format!(
                "Got fatal error {} from source when reading data from binary log: '{}'",
                s.code, s.message
            ),
        ),
        _ => SessionError::Read(e),
    }
}

async fn prepare(
    cfg: &IoConfig,
    conn: &mut Conn,
    progress: &Progress,
    status: &SharedStatus,
) -> std::result::Result<bool, SessionError> {
    let q = |e| SessionError::Connect(e);
    let id = conn.query("SELECT @@GLOBAL.SERVER_ID").await.map_err(q)?;
    let source_id: u32 = id.scalar().and_then(|s| s.parse().ok()).unwrap_or(0);
    if source_id == cfg.server_id {
        return Err(SessionError::Fatal(
            ER_REPLICA_FATAL_ERROR,
            "Fatal error: The replica I/O thread stops because source and replica have equal MySQL server ids; these ids must be different for replication to work (or the --replicate-same-server-id option must be used on replica but this does not always make sense; please check the manual before using it).".into(),
        ));
    }
    let mut uuid = String::new();
    if !conn.is_mariadb() {
        let r = conn.query("SELECT @@GLOBAL.SERVER_UUID").await.map_err(q)?;
        uuid = r.scalar().unwrap_or_default();
    }
    status.update(true, |s| {
        s.source_server_id = source_id;
        s.source_uuid = uuid;
    })?;
    let mut sets = vec![
        "SET @master_binlog_checksum = @@global.binlog_checksum".to_owned(),
        format!(
            "SET @master_heartbeat_period = {}",
            cfg.heartbeat_period.as_nanos()
        ),
    ];
    if conn.is_mariadb() {
        sets.push("SET @mariadb_slave_capability = 4".into());
        if cfg.auto_position() {
            sets.push(format!(
                "SET @slave_connect_state = '{}'",
                progress.maria_gtids()
            ));
            sets.push("SET @slave_gtid_strict_mode = 0".into());
            sets.push("SET @slave_gtid_ignore_duplicates = 0".into());
        }
    } else {
        sets.push("SET @source_binlog_checksum = @@global.binlog_checksum".into());
        sets.push(format!(
            "SET @source_heartbeat_period = {}",
            cfg.heartbeat_period.as_nanos()
        ));
        sets.push(format!("SET @slave_uuid = '{}'", cfg.replica_uuid));
        sets.push(format!("SET @replica_uuid = '{}'", cfg.replica_uuid));
    }
    for s in sets {
        conn.query(&s).await.map_err(q)?;
    }
    // Events before the source's format description (the fake rotate)
    // carry the checksum agreed here.
    let alg = conn
        .query("SELECT @master_binlog_checksum")
        .await
        .map_err(q)?
        .scalar()
        .unwrap_or_default();
    Ok(alg.eq_ignore_ascii_case("CRC32"))
}

fn dump_command(cfg: &IoConfig, progress: &Progress, mariadb: bool) -> Vec<u8> {
    let resume = !progress.committed.source_file.is_empty();
    if cfg.auto_position() {
        if mariadb {
            return command::binlog_dump(cfg.server_id, "", 4, SEND_ANNOTATE_ROWS);
        }
        let set = progress.mysql_gtids().encode_binary();
        return command::binlog_dump_gtid(cfg.server_id, "", 4, 0, &set);
    }
    let (file, pos) = if resume {
        (
            progress.committed.source_file.clone(),
            progress.committed.source_pos.max(4),
        )
    } else {
        match &cfg.start {
            StartFrom::Position { file, pos } => (file.clone(), (*pos).max(4)),
            _ => (String::new(), 4),
        }
    };
    let flags = if mariadb { SEND_ANNOTATE_ROWS } else { 0 };
    command::binlog_dump(cfg.server_id, &file, pos as u32, flags)
}

/// MariaDB's BINLOG_SEND_ANNOTATE_ROWS_EVENT dump flag: send the
/// Annotate_rows events too, so that the relay log holds every event.
const SEND_ANNOTATE_ROWS: u16 = 2;
