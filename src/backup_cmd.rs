//! `understudy backup`: a consistent copy of a replica's data directory,
//! taken while it runs, that `understudy run --data-dir COPY` continues
//! from: the store at one commit boundary, a manifest with the source
//! position and GTID set it holds, and the master.info (that position,
//! the source's address) and relay-log.info to continue. The copy is
//! built beside its target and renamed into place when whole; with
//! `--compress` it becomes one `.tar.zst` archive instead.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use understudy_replica::applier::{STORE_DIR, delay, write_relay_log_info};
use understudy_replica::clone::plan::Plan;
use understudy_replica::master_info::MasterInfo;
use understudy_replica::service::MASTER_INFO;

use crate::export_cmd::open_store;

/// The manifest's file name in a backup.
pub const MANIFEST: &str = "backup-manifest.json";

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The replica's data directory (it may be running).
    #[arg(long)]
    data_dir: PathBuf,
    /// The new directory (must not exist), or with --compress the
    /// archive file to write.
    #[arg(long)]
    to: PathBuf,
    /// Write one zstd-compressed tar archive instead of a directory.
    #[arg(long)]
    compress: bool,
}

pub fn run(args: BackupArgs) -> ExitCode {
    match backup(&args) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("understudy backup: {e}");
            ExitCode::FAILURE
        }
    }
}

fn sibling(p: &Path, suffix: &str) -> PathBuf {
    let mut name = p.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    p.with_file_name(name)
}

fn backup(args: &BackupArgs) -> Result<String, String> {
    if args.to.exists() {
        return Err(format!("{} already exists", args.to.display()));
    }
    let mi = MasterInfo::load(&args.data_dir.join(MASTER_INFO))
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!(
                "{}: no master.info (is it a replica's data directory?)",
                args.data_dir.display()
            )
        })?;
    let (store, _scratch) = open_store(&args.data_dir)?;
    store.catch_up().map_err(|e| e.to_string())?;
    if Plan::load(&store).map_err(|e| e.to_string())?.is_some() {
        return Err(format!(
            "{}: a clone into it did not finish; there is nothing consistent to back up",
            args.data_dir.display()
        ));
    }
    let dir = if args.compress {
        sibling(&args.to, ".dir.partial")
    } else {
        sibling(&args.to, ".partial")
    };
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let started = std::time::Instant::now();
    let stats = store
        .copy_to(&dir.join(STORE_DIR), &dir.join("tables.partial"))
        .map_err(|e| e.to_string())?;
    let p = &stats.position;
    if p.source_file.is_empty() {
        return Err(format!(
            "{}: the replica has applied nothing yet",
            args.data_dir.display()
        ));
    }
    // Streaming goes on from the copy's position (the relay log stays
    // behind; the copy gets a server UUID of its own at its first run).
    let mi = MasterInfo {
        source_log_file: p.source_file.clone(),
        read_source_log_pos: p.source_pos,
        ..mi
    };
    mi.store(&dir.join(MASTER_INFO))
        .map_err(|e| e.to_string())?;
    write_relay_log_info(&dir, p, delay::stored(&args.data_dir)).map_err(|e| e.to_string())?;
    let manifest = serde_json::json!({
        "source_log_file": p.source_file,
        "source_log_pos": p.source_pos,
        "gtid_executed": p.gtid_executed,
        "source_host": mi.host,
        "source_port": mi.port,
        "keys": stats.keys,
        "bytes": stats.bytes,
        "taken_at_unix": std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        "from": args.data_dir.display().to_string(),
    });
    std::fs::write(
        dir.join(MANIFEST),
        serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
    )
    .map_err(|e| format!("{}: {e}", dir.display()))?;
    if args.compress {
        archive(&dir, &args.to)?;
        std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    } else {
        std::fs::rename(&dir, &args.to).map_err(|e| format!("{}: {e}", args.to.display()))?;
    }
    let gtids = if p.gtid_executed.is_empty() {
        String::new()
    } else {
        format!(", GTIDs {}", p.gtid_executed)
    };
    Ok(format!(
        "backup of {} to {}: {} keys, {:.1} MB in {:.1} s; source position {}:{}{gtids}",
        args.data_dir.display(),
        args.to.display(),
        stats.keys,
        stats.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        p.source_file,
        p.source_pos
    ))
}

/// `dir`'s files into a zstd-compressed tar archive at `to` (written
/// beside it and renamed when whole); paths in it start with `to`'s name
/// without `.tar.zst`.
fn archive(dir: &Path, to: &Path) -> Result<(), String> {
    let partial = sibling(to, ".partial");
    let err = |e: std::io::Error| format!("{}: {e}", partial.display());
    let file = std::fs::File::create(&partial).map_err(err)?;
    let zst = zstd::Encoder::new(file, 3).map_err(err)?;
    let mut tar = tar::Builder::new(zst);
    let name = to
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".into());
    let root = name
        .strip_suffix(".tar.zst")
        .or_else(|| name.strip_suffix(".tzst"))
        .unwrap_or(&name)
        .to_owned();
    tar.append_dir_all(&root, dir).map_err(err)?;
    let zst = tar.into_inner().map_err(err)?;
    let file = zst.finish().map_err(err)?;
    file.sync_all().map_err(err)?;
    std::fs::rename(&partial, to).map_err(|e| format!("{}: {e}", to.display()))
}
