//! `understudy run` and `understudy status`: flags, an optional TOML
//! config file with the same keys (flags win), the password from a file
//! or the environment, signals. The service is in understudy-replica.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use serde::Deserialize;
use understudy_mysql_proto::compress::Algorithm;
use understudy_replica::applier::Until;
use understudy_replica::applier::policy::{ApplyPolicy, ExecMode, SkipErrors};
use understudy_replica::client::{ConnectOptions, SslMode, SslOptions};
use understudy_replica::control::Control;
use understudy_replica::filters::Filters;
use understudy_replica::io::{IoConfig, StartFrom};
use understudy_replica::service::{self, ReplicaConfig, Threads};
use understudy_store::Durability;

use crate::endpoint_cmd::EndpointConfig;

/// Environment variable with the source password.
pub const PASSWORD_ENV: &str = "UNDERSTUDY_SOURCE_PASSWORD";

/// The settings of `run`, from flags or from the config file (`--config`,
/// keys as the flags with `_` or `-`).
#[derive(Debug, Args, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RunArgs {
    /// Clone the source first (`understudy clone`) when the data
    /// directory holds no replica yet, or a clone that did not finish.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    bootstrap: Option<bool>,
    /// A TOML file with any of these settings; flags override it.
    #[arg(long)]
    #[serde(skip)]
    config: Option<PathBuf>,
    /// Where the relay log, master.info and status live.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// The source: mysql://USER[:PASSWORD]@HOST[:PORT].
    #[arg(long)]
    source: Option<String>,
    /// A file holding the source password (first line).
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// This replica's server_id (must differ from the source's).
    #[arg(long)]
    server_id: Option<u32>,
    /// SOURCE_LOG_FILE: the source binlog to start from.
    #[arg(long, requires = "source_log_pos")]
    source_log_file: Option<String>,
    /// SOURCE_LOG_POS.
    #[arg(long, requires = "source_log_file")]
    source_log_pos: Option<u64>,
    /// SOURCE_AUTO_POSITION: MySQL GTID auto-positioning, MariaDB GTID
    /// positioning (@slave_connect_state).
    #[arg(long, conflicts_with = "source_log_file")]
    auto_position: Option<bool>,
    /// disabled, preferred, required, verify_ca, verify_identity.
    #[arg(long)]
    ssl_mode: Option<String>,
    #[arg(long)]
    ssl_ca: Option<PathBuf>,
    #[arg(long)]
    ssl_cert: Option<PathBuf>,
    #[arg(long)]
    ssl_key: Option<PathBuf>,
    /// SOURCE_PUBLIC_KEY_PATH (caching_sha2 / sha256 without TLS).
    #[arg(long)]
    source_public_key_path: Option<PathBuf>,
    /// GET_SOURCE_PUBLIC_KEY: ask the source for its RSA key.
    #[arg(long)]
    get_source_public_key: Option<bool>,
    /// SOURCE_COMPRESSION_ALGORITHMS: uncompressed, zlib or zstd.
    #[arg(long)]
    compression: Option<String>,
    /// SOURCE_ZSTD_COMPRESSION_LEVEL (1-22).
    #[arg(long)]
    zstd_level: Option<i32>,
    /// SOURCE_CONNECT_RETRY in seconds (default 60).
    #[arg(long)]
    connect_retry: Option<u64>,
    /// SOURCE_RETRY_COUNT: failed attempts in a row before the I/O task
    /// stops (default 10; 0 = no limit).
    #[arg(long)]
    retry_count: Option<u64>,
    /// SOURCE_HEARTBEAT_PERIOD in seconds (default: half of net-timeout).
    #[arg(long)]
    heartbeat_period: Option<f64>,
    /// replica_net_timeout in seconds (default 60).
    #[arg(long)]
    net_timeout: Option<u64>,
    /// max_relay_log_size in bytes (default 1 GiB).
    #[arg(long)]
    max_relay_log_size: Option<u64>,
    /// sync_relay_log: fsync after this many events (default 10000; 0: never).
    #[arg(long)]
    sync_relay_log: Option<u64>,
    /// relay_log_purge: delete relay files once applied (default true).
    #[arg(long)]
    relay_log_purge: Option<bool>,
    /// relay_log_space_limit in bytes: the I/O task waits while the relay
    /// log is larger (default 0: no limit).
    #[arg(long)]
    relay_log_space_limit: Option<u64>,
    /// relay_log base name: files are NAME-relay-bin.NNNNNN (default understudy).
    #[arg(long)]
    relay_log: Option<String>,
    /// The applier's commit durability: sync (default), relaxed (fsync
    /// about once a second) or none (catch-up mode).
    #[arg(long)]
    durability: Option<String>,
    /// report_host / report_port given to the source (SHOW REPLICAS).
    #[arg(long)]
    report_host: Option<String>,
    #[arg(long)]
    report_port: Option<u16>,
    /// replicate-do-db (repeat for several databases).
    #[arg(long)]
    replicate_do_db: Option<Vec<String>>,
    /// replicate-ignore-db.
    #[arg(long)]
    replicate_ignore_db: Option<Vec<String>>,
    /// replicate-do-table=DB.TABLE.
    #[arg(long)]
    replicate_do_table: Option<Vec<String>>,
    /// replicate-ignore-table=DB.TABLE.
    #[arg(long)]
    replicate_ignore_table: Option<Vec<String>>,
    /// replicate-wild-do-table=DB_PATTERN.TABLE_PATTERN (LIKE patterns).
    #[arg(long)]
    replicate_wild_do_table: Option<Vec<String>>,
    /// replicate-wild-ignore-table=DB_PATTERN.TABLE_PATTERN.
    #[arg(long)]
    replicate_wild_ignore_table: Option<Vec<String>>,
    /// replicate-rewrite-db=FROM->TO.
    #[arg(long)]
    replicate_rewrite_db: Option<Vec<String>>,
    /// replica_skip_errors: OFF, all, ddl_exist_errors or error numbers
    /// (1032,1062).
    #[arg(long)]
    replica_skip_errors: Option<String>,
    /// replica_exec_mode: STRICT (default) or IDEMPOTENT.
    #[arg(long)]
    replica_exec_mode: Option<String>,
    /// sql_replica_skip_counter: events the applier skips when it starts
    /// (the transaction holding the last one is skipped whole).
    #[arg(long)]
    sql_replica_skip_counter: Option<u64>,
    /// Which threads run, as START REPLICA [IO_THREAD | SQL_THREAD]: both
    /// (default), io (fetch only) or sql (apply the relay log there is;
    /// no source needed).
    #[arg(long)]
    threads: Option<String>,
    /// START REPLICA SQL_THREAD UNTIL SQL_AFTER_GTIDS: the applier stops
    /// once it has executed these GTIDs (MySQL set, or MariaDB positions
    /// like 0-1-100); with --threads sql the run then ends.
    #[arg(long, conflicts_with = "until_sql_before_gtids")]
    until_sql_after_gtids: Option<String>,
    /// SOURCE_DELAY: each transaction is applied only this many seconds
    /// after the source committed it (default: what relay-log.info holds,
    /// as CHANGE REPLICATION SOURCE TO SOURCE_DELAY left it; else 0).
    #[arg(long)]
    delay: Option<u64>,
    /// START REPLICA SQL_THREAD UNTIL SQL_BEFORE_GTIDS: the applier stops
    /// in front of the first transaction with one of these GTIDs (the
    /// point-in-time recovery of a delayed replica).
    #[arg(long)]
    until_sql_before_gtids: Option<String>,
    /// A source transaction whose changes pass this many bytes is applied
    /// through a scratch store beside the data (memory stays bounded) and
    /// committed in one step (default 32 MiB).
    #[arg(long)]
    large_transaction_bytes: Option<usize>,
    /// The MySQL-protocol endpoint's address (default 127.0.0.1:3307 when
    /// it has an account).
    #[arg(long)]
    listen: Option<String>,
    /// A file holding the password of the endpoint's `admin` account
    /// (first line); turns the endpoint on.
    #[arg(long)]
    admin_password_file: Option<PathBuf>,
    /// The endpoint's accounts (config file only: `[[account]]` with
    /// name, role, password-native and password-sha2 from `understudy
    /// hash-password`).
    #[arg(skip)]
    account: Option<Vec<crate::endpoint_cmd::AccountConfig>>,
    /// Serve metrics for Prometheus on this address (GET /metrics).
    #[arg(long)]
    metrics: Option<String>,
    /// The endpoint's TLS certificate (PEM chain) and key; without them
    /// one is generated into DATA_DIR/endpoint-tls, as MySQL does.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

impl RunArgs {
    /// Flags over the config file's values.
    fn merged(self) -> Result<RunArgs, String> {
        let Some(path) = self.config.clone() else {
            return Ok(self);
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let table: toml::Table =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let table: toml::Table = table
            .into_iter()
            .map(|(k, v)| (k.replace('_', "-"), v))
            .collect();
        let file: RunArgs = toml::Value::Table(table)
            .try_into()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        macro_rules! pick {
            ($($f:ident),*) => { RunArgs { config: self.config, $($f: self.$f.or(file.$f)),* } };
        }
        Ok(pick!(
            data_dir,
            source,
            password_file,
            server_id,
            source_log_file,
            source_log_pos,
            auto_position,
            ssl_mode,
            ssl_ca,
            ssl_cert,
            ssl_key,
            source_public_key_path,
            get_source_public_key,
            compression,
            zstd_level,
            connect_retry,
            retry_count,
            heartbeat_period,
            net_timeout,
            max_relay_log_size,
            sync_relay_log,
            relay_log_purge,
            relay_log_space_limit,
            relay_log,
            report_host,
            report_port,
            durability,
            replicate_do_db,
            replicate_ignore_db,
            replicate_do_table,
            replicate_ignore_table,
            replicate_wild_do_table,
            replicate_wild_ignore_table,
            replicate_rewrite_db,
            replica_skip_errors,
            replica_exec_mode,
            sql_replica_skip_counter,
            threads,
            until_sql_after_gtids,
            until_sql_before_gtids,
            delay,
            large_transaction_bytes,
            listen,
            admin_password_file,
            account,
            metrics,
            tls_cert,
            tls_key,
            bootstrap
        ))
    }
}

/// mysql://USER[:PASSWORD]@HOST[:PORT]
pub(crate) fn parse_source(url: &str) -> Result<(String, Option<String>, String, u16), String> {
    let rest = url
        .strip_prefix("mysql://")
        .ok_or_else(|| format!("--source must look like mysql://USER@HOST:PORT, not '{url}'"))?;
    let rest = rest.trim_end_matches('/');
    let (userinfo, hostport) = rest
        .rsplit_once('@')
        .ok_or_else(|| "--source needs a user: mysql://USER@HOST:PORT".to_owned())?;
    let (user, password) = match userinfo.split_once(':') {
        Some((u, p)) => (u.to_owned(), Some(p.to_owned())),
        None => (userinfo.to_owned(), None),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
            h.trim_matches(|c| c == '[' || c == ']').to_owned(),
            p.parse()
                .map_err(|_| format!("bad port in --source: '{p}'"))?,
        ),
        _ => (hostport.to_owned(), 3306),
    };
    if user.is_empty() || host.is_empty() {
        return Err("--source needs a user and a host".into());
    }
    Ok((user, password, host, port))
}

/// How to reach the source from `--source`, `--password-file` (or
/// UNDERSTUDY_SOURCE_PASSWORD, or the URL's password) and the TLS flags;
/// true when the password was given in clear (in the URL).
pub(crate) fn source_options(
    source: &str,
    password_file: Option<&std::path::Path>,
    ssl: SslOptions,
) -> Result<(ConnectOptions, bool), String> {
    let (user, url_password, host, port) = parse_source(source)?;
    let (password, clear) = if let Some(f) = password_file {
        let t = std::fs::read_to_string(f)
            .map_err(|e| format!("cannot read password file {}: {e}", f.display()))?;
        (t.lines().next().unwrap_or("").to_owned(), false)
    } else if let Ok(p) = std::env::var(PASSWORD_ENV) {
        (p, false)
    } else if let Some(p) = url_password {
        (p, true)
    } else {
        (String::new(), false)
    };
    let mut connect = ConnectOptions::new(&host, port, &user);
    connect.password = password.into_bytes();
    connect.ssl = ssl;
    Ok((connect, clear))
}

/// The replication filters from their options' values.
pub(crate) fn build_filters(options: &[(&str, &Option<Vec<String>>)]) -> Result<Filters, String> {
    let mut filters = Filters::default();
    for (option, values) in options {
        for v in values.iter().flatten() {
            filters.add(option, v)?;
        }
    }
    Ok(filters)
}

/// `--ssl-mode` (MySQL's names; `preferred` when absent).
pub fn ssl_mode(mode: Option<&str>) -> Result<SslMode, String> {
    mode.map_or(Ok(SslMode::Preferred), str::parse)
}

/// A compression algorithm by MySQL's name, and the zstd level.
pub fn compression(
    name: Option<&str>,
    zstd_level: Option<i32>,
) -> Result<Option<Algorithm>, String> {
    match name {
        None | Some("uncompressed") => Ok(None),
        Some("zlib") => Ok(Some(Algorithm::Zlib)),
        Some("zstd") => Ok(Some(Algorithm::Zstd(zstd_level.unwrap_or(3)))),
        Some(o) => Err(format!(
            "unknown compression '{o}' (uncompressed, zlib, zstd)"
        )),
    }
}

/// What `run` serves besides replicating.
struct Serving {
    endpoint: Option<EndpointConfig>,
    metrics: Option<std::net::SocketAddr>,
    bootstrap: bool,
}

fn build(args: RunArgs) -> Result<(ReplicaConfig, Serving), String> {
    let args = args.merged()?;
    let bootstrap = args.bootstrap.unwrap_or(false);
    let metrics = args
        .metrics
        .as_deref()
        .map(|a| {
            a.parse()
                .map_err(|_| format!("--metrics {a}: expected HOST:PORT with an IP address"))
        })
        .transpose()?;
    let endpoint = crate::endpoint_cmd::config(
        args.listen.as_deref(),
        args.admin_password_file.as_deref(),
        args.account.as_deref().unwrap_or_default(),
        args.tls_cert.zip(args.tls_key),
    )?;
    let data_dir = args.data_dir.ok_or("--data-dir is required")?;
    let threads = match args.threads.as_deref() {
        None | Some("both") => Threads::Both,
        Some("io") => Threads::Io,
        Some("sql") => Threads::Sql,
        Some(t) => return Err(format!("--threads {t}: expected both, io or sql")),
    };
    // The applier alone needs no source.
    let source = match (args.source, threads) {
        (Some(s), _) => s,
        (None, Threads::Sql) => "mysql://none@localhost".to_owned(),
        (None, _) => return Err("--source is required".into()),
    };
    let (mut connect, store_password) = source_options(
        &source,
        args.password_file.as_deref(),
        SslOptions {
            mode: ssl_mode(args.ssl_mode.as_deref())?,
            ca: args.ssl_ca,
            cert: args.ssl_cert,
            key: args.ssl_key,
        },
    )?;
    connect.compression = compression(args.compression.as_deref(), args.zstd_level)?;
    connect.public_key_path = args.source_public_key_path;
    connect.get_public_key = args.get_source_public_key.unwrap_or(false);
    let net_timeout = Duration::from_secs(args.net_timeout.unwrap_or(60).max(1));
    let heartbeat = match args.heartbeat_period {
        Some(s) if s >= 0.0 => Duration::from_secs_f64(s),
        Some(_) => return Err("--heartbeat-period must not be negative".into()),
        None => net_timeout / 2,
    };
    let start = match (
        args.source_log_file,
        args.source_log_pos,
        args.auto_position,
    ) {
        (Some(file), Some(pos), _) => StartFrom::Position { file, pos },
        (_, _, Some(true)) => StartFrom::AutoPosition,
        _ => StartFrom::Oldest,
    };
    let server_id = args.server_id.unwrap_or(2);
    if server_id == 0 {
        return Err("--server-id must not be 0".into());
    }
    let filters = build_filters(&[
        ("replicate-do-db", &args.replicate_do_db),
        ("replicate-ignore-db", &args.replicate_ignore_db),
        ("replicate-do-table", &args.replicate_do_table),
        ("replicate-ignore-table", &args.replicate_ignore_table),
        ("replicate-wild-do-table", &args.replicate_wild_do_table),
        (
            "replicate-wild-ignore-table",
            &args.replicate_wild_ignore_table,
        ),
        ("replicate-rewrite-db", &args.replicate_rewrite_db),
    ])?;
    let policy = ApplyPolicy {
        filters,
        skip_errors: SkipErrors::parse(args.replica_skip_errors.as_deref().unwrap_or("OFF"))?,
        exec_mode: ExecMode::parse(args.replica_exec_mode.as_deref().unwrap_or("STRICT"))?,
    };
    let replica_uuid = service::replica_uuid(&data_dir).map_err(|e| e.to_string())?;
    let delay = args
        .delay
        .unwrap_or_else(|| understudy_replica::applier::delay::stored(&data_dir));
    let config = ReplicaConfig {
        io: IoConfig {
            connect,
            server_id,
            replica_uuid,
            report_host: args.report_host.unwrap_or_default(),
            report_port: args.report_port.unwrap_or(0),
            connect_retry: Duration::from_secs(args.connect_retry.unwrap_or(60)),
            retry_count: args.retry_count.unwrap_or(10),
            heartbeat_period: heartbeat,
            net_timeout,
            start,
            master_info_path: data_dir.join(service::MASTER_INFO),
            store_password,
        },
        data_dir,
        relay_log_name: args.relay_log.unwrap_or_else(|| "understudy".into()),
        max_relay_log_size: args.max_relay_log_size.unwrap_or(1 << 30).max(4096),
        sync_relay_log: args.sync_relay_log.unwrap_or(10_000),
        relay_log_purge: args.relay_log_purge.unwrap_or(true),
        relay_log_space_limit: args.relay_log_space_limit.unwrap_or(0),
        durability: match args.durability.as_deref() {
            None | Some("sync") => Durability::Sync,
            Some("relaxed") => Durability::Relaxed,
            Some("none") => Durability::None,
            Some(d) => return Err(format!("--durability {d}: expected sync, relaxed or none")),
        },
        policy,
        skip_counter: args.sql_replica_skip_counter.unwrap_or(0),
        threads,
        until: match (args.until_sql_after_gtids, args.until_sql_before_gtids) {
            (Some(s), _) => Some(Until::SqlAfterGtids(s)),
            (None, Some(s)) => Some(Until::SqlBeforeGtids(s)),
            (None, None) => None,
        },
        delay,
        large_transaction_bytes: args
            .large_transaction_bytes
            .unwrap_or(understudy_replica::applier::LARGE_TRANSACTION_BYTES)
            .max(1 << 20),
    };
    Ok((
        config,
        Serving {
            endpoint,
            metrics,
            bootstrap,
        },
    ))
}

/// Turns true on SIGTERM or SIGINT. Called inside the runtime.
pub fn stop_on_signals() -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        tracing::info!("stopping on signal");
        let _ = tx.send(true);
    });
    rx
}

pub fn run(args: RunArgs) -> ExitCode {
    let (cfg, serving) = match build(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("understudy run: {e}");
            return ExitCode::from(2);
        }
    };
    if serving.bootstrap
        && let Err(e) = crate::clone_cmd::bootstrap(&cfg)
    {
        eprintln!("understudy run: --bootstrap: {e}");
        return ExitCode::FAILURE;
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("understudy run: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async move {
        let stop = stop_on_signals();
        if let Some(addr) = serving.metrics {
            let l = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
                understudy_replica::ReplicaError::Config(format!("cannot listen on {addr}: {e}"))
            })?;
            tracing::info!(address = %addr, "metrics for Prometheus at /metrics");
            tokio::spawn(understudy_server::metrics::serve(
                l,
                cfg.data_dir.clone(),
                stop.clone(),
            ));
        }
        let Some(e) = serving.endpoint else {
            return service::run(cfg, stop).await;
        };
        // With the endpoint, operators start and stop the tasks; the
        // process runs until it is told to stop.
        let control = Control::new(cfg.clone());
        crate::endpoint_cmd::start(e, &cfg, control.clone(), stop.clone())
            .await
            .map_err(understudy_replica::ReplicaError::Config)?;
        service::run_controlled(control, stop, cfg.threads).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("understudy run: {e}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(long)]
    data_dir: PathBuf,
}

pub fn status(args: StatusArgs) -> ExitCode {
    match understudy_replica::status_report::report(&args.data_dir) {
        Some(fields) => {
            print!("{}", understudy_replica::status_report::vertical(&fields));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!(
                "understudy status: no replica in {} (no readable {})",
                args.data_dir.display(),
                service::STATUS_FILE
            );
            ExitCode::FAILURE
        }
    }
}
