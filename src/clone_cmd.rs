//! `understudy clone` (and `run --bootstrap`): a new replica's data
//! directory filled from a live source, with a progress bar on a
//! terminal and log lines otherwise.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::Args;
use understudy_replica::client::SslOptions;
use understudy_replica::clone::report::{CloneProgress, eta};
use understudy_replica::clone::{self, CloneConfig, Cloned};
use understudy_replica::service::ReplicaConfig;

use crate::run_cmd::{build_filters, source_options, ssl_mode};

#[derive(Debug, Args)]
pub struct CloneArgs {
    /// The source: mysql://USER[:PASSWORD]@HOST[:PORT] (REPLICATION SLAVE,
    /// REPLICATION CLIENT, SELECT, and RELOAD or BACKUP_ADMIN).
    #[arg(long)]
    source: String,
    /// A file holding the password (first line); or UNDERSTUDY_SOURCE_PASSWORD.
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// The new replica's data directory (empty, or holding a clone that
    /// did not finish).
    #[arg(long)]
    data_dir: PathBuf,
    /// Only these databases (comma-separated).
    #[arg(long, value_delimiter = ',')]
    databases: Vec<String>,
    /// Copy connections (each with its own snapshot, all taken at one
    /// instant).
    #[arg(long, default_value_t = 4)]
    parallel: usize,
    /// Rows per chunk of a table with an integer primary key.
    #[arg(long, default_value_t = 100_000)]
    chunk_rows: u64,
    #[arg(long)]
    ssl_mode: Option<String>,
    #[arg(long)]
    ssl_ca: Option<PathBuf>,
    /// The replication filters the replica will run with (as `run`).
    #[arg(long)]
    replicate_do_db: Option<Vec<String>>,
    #[arg(long)]
    replicate_ignore_db: Option<Vec<String>>,
    #[arg(long)]
    replicate_do_table: Option<Vec<String>>,
    #[arg(long)]
    replicate_ignore_table: Option<Vec<String>>,
    #[arg(long)]
    replicate_wild_do_table: Option<Vec<String>>,
    #[arg(long)]
    replicate_wild_ignore_table: Option<Vec<String>>,
    #[arg(long)]
    replicate_rewrite_db: Option<Vec<String>>,
    /// Progress as a bar (bar), as log lines (log), or bar on a terminal
    /// (auto).
    #[arg(long, default_value = "auto")]
    progress: String,
}

fn config(a: &CloneArgs) -> Result<CloneConfig, String> {
    let (connect, store_password) = source_options(
        &a.source,
        a.password_file.as_deref(),
        SslOptions {
            mode: ssl_mode(a.ssl_mode.as_deref())?,
            ca: a.ssl_ca.clone(),
            cert: None,
            key: None,
        },
    )?;
    let filters = build_filters(&[
        ("replicate-do-db", &a.replicate_do_db),
        ("replicate-ignore-db", &a.replicate_ignore_db),
        ("replicate-do-table", &a.replicate_do_table),
        ("replicate-ignore-table", &a.replicate_ignore_table),
        ("replicate-wild-do-table", &a.replicate_wild_do_table),
        (
            "replicate-wild-ignore-table",
            &a.replicate_wild_ignore_table,
        ),
        ("replicate-rewrite-db", &a.replicate_rewrite_db),
    ])?;
    if a.parallel == 0 || a.chunk_rows == 0 {
        return Err("--parallel and --chunk-rows must be at least 1".into());
    }
    Ok(CloneConfig {
        connect,
        data_dir: a.data_dir.clone(),
        databases: a.databases.clone(),
        filters,
        parallel: a.parallel,
        chunk_rows: a.chunk_rows,
        store_password,
    })
}

pub fn run(args: CloneArgs) -> ExitCode {
    let cfg = match config(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("understudy clone: {e}");
            return ExitCode::from(2);
        }
    };
    let bar = match args.progress.as_str() {
        "bar" => true,
        "log" => false,
        "auto" => std::io::stderr().is_terminal(),
        p => {
            eprintln!("understudy clone: --progress {p}: expected auto, bar or log");
            return ExitCode::from(2);
        }
    };
    match clone_blocking(&cfg, bar) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("understudy clone: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `run --bootstrap`: a clone into the replica's data directory with its
/// source and filters, when it holds no replica yet.
pub fn bootstrap(cfg: &ReplicaConfig) -> Result<(), String> {
    if !clone::needs_bootstrap(&cfg.data_dir).map_err(|e| e.to_string())? {
        tracing::info!("--bootstrap: the data directory holds a replica already; no clone");
        return Ok(());
    }
    tracing::info!(
        "--bootstrap: cloning the source into {}",
        cfg.data_dir.display()
    );
    let c = CloneConfig {
        connect: cfg.io.connect.clone(),
        data_dir: cfg.data_dir.clone(),
        databases: Vec::new(),
        filters: cfg.policy.filters.clone(),
        parallel: 4,
        chunk_rows: 100_000,
        store_password: cfg.io.store_password,
    };
    clone_blocking(&c, std::io::stderr().is_terminal()).map(|_| ())
}

/// Runs a clone on a runtime of its own, showing progress.
pub fn clone_blocking(cfg: &CloneConfig, bar: bool) -> Result<Cloned, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cfg.parallel.clamp(2, 16))
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let progress = Arc::new(CloneProgress::default());
    let done = Arc::new(AtomicBool::new(false));
    let shower = {
        let (p, d) = (progress.clone(), done.clone());
        std::thread::spawn(move || show(&p, &d, bar))
    };
    let r = rt.block_on(clone::clone(cfg, progress.clone()));
    done.store(true, Ordering::SeqCst);
    let _ = shower.join();
    let c = r.map_err(|e| e.to_string())?;
    let secs = progress.started.elapsed().as_secs_f64();
    let gtids = if c.position.gtids.is_empty() {
        String::new()
    } else {
        format!(", GTIDs {}", c.position.gtids)
    };
    eprintln!(
        "understudy clone: {} rows of {} tables in {secs:.1} s ({:.0} rows/s); source position {}:{}{gtids}; commits held {} ms",
        c.rows,
        c.tables,
        c.rows as f64 / secs.max(0.001),
        c.position.file,
        c.position.pos,
        c.lock_held.as_millis()
    );
    Ok(c)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// The progress, every 200 ms as a bar redrawn in place, or every 10 s
/// as a log line, until `done`.
fn show(p: &CloneProgress, done: &AtomicBool, bar: bool) {
    let tick = if bar {
        Duration::from_millis(200)
    } else {
        Duration::from_secs(10)
    };
    let mut waited = Duration::ZERO;
    let mut shown: Vec<bool> = Vec::new();
    let mut err = std::io::stderr();
    while !done.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(100));
        waited += Duration::from_millis(100);
        let tables = p.tables();
        let t = p.totals();
        let secs = p.started.elapsed().as_secs_f64().max(0.001);
        let rate = t.rows as f64 / secs;
        let left = t.est_rows.saturating_sub(t.rows);
        if !bar {
            // A line for each table as it finishes.
            shown.resize(tables.len(), false);
            for (x, seen) in tables.iter().zip(shown.iter_mut()) {
                if *seen || !x.done() {
                    continue;
                }
                *seen = true;
                let _ = writeln!(
                    err,
                    "clone: {} done: {} rows, {:.1} MB",
                    x.name,
                    x.rows.load(Ordering::Relaxed),
                    mb(x.bytes.load(Ordering::Relaxed))
                );
            }
        }
        if waited < tick {
            continue;
        }
        waited = Duration::ZERO;
        let pct = if t.est_rows > 0 {
            (t.rows as f64 * 100.0 / t.est_rows as f64).min(100.0)
        } else {
            0.0
        };
        if bar {
            let width = 30usize;
            let filled = (pct / 100.0 * width as f64) as usize;
            let current = tables
                .iter()
                .find(|x| !x.done() && x.rows.load(Ordering::Relaxed) > 0)
                .map(|x| {
                    let r = x.rows.load(Ordering::Relaxed);
                    format!(
                        " | {} {}/{} rows, ETA {}",
                        x.name,
                        r,
                        x.est_rows,
                        eta(x.est_rows.saturating_sub(r), rate)
                    )
                })
                .unwrap_or_default();
            let _ = write!(
                err,
                "\r\x1b[2K[{}{}] {pct:5.1}% {}/{} tables, {} rows, {:.1} MB, {rate:.0} rows/s, ETA {}{current}",
                "#".repeat(filled),
                " ".repeat(width - filled),
                t.tables_done,
                t.tables,
                t.rows,
                mb(t.bytes),
                eta(left, rate)
            );
            let _ = err.flush();
        } else {
            let _ = writeln!(
                err,
                "clone: {}: {}/{} tables, {} rows of about {} ({pct:.1}%), {:.1} MB, {rate:.0} rows/s, ETA {}",
                p.phase(),
                t.tables_done,
                t.tables,
                t.rows,
                t.est_rows,
                mb(t.bytes),
                eta(left, rate)
            );
        }
    }
    if bar {
        let _ = writeln!(err);
    }
}
