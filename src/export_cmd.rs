//! `understudy export`: a replicated table's rows in primary-key order, as
//! `mysql --batch --skip-column-names` prints `SELECT * … ORDER BY <pk>`
//! (tsv), as CSV, or as SQL that reloads into MySQL. The store is read as
//! it stands, also while the replica runs.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use understudy_replica::applier::STORE_DIR;
use understudy_store::export::{Exporter, Format};
use understudy_store::{Store, decode_row};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The replica's data directory (the replica may be running).
    #[arg(long)]
    data_dir: PathBuf,
    /// DB.TABLE
    #[arg(long)]
    table: String,
    /// tsv (mysql --batch), csv (with a header line) or sql (CREATE TABLE
    /// and INSERTs that reload into MySQL).
    #[arg(long, default_value = "tsv")]
    format: Format,
}

pub fn run(args: ExportArgs) -> ExitCode {
    match export(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("understudy export: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Opens a replica's store for reading (a secondary instance in a
/// scratch directory that lives as long as the returned guard).
pub fn open_store(data_dir: &std::path::Path) -> Result<(Store, tempfile::TempDir), String> {
    let scratch = tempfile::tempdir().map_err(|e| format!("scratch directory: {e}"))?;
    let store =
        Store::open_reader(&data_dir.join(STORE_DIR), scratch.path()).map_err(|e| e.to_string())?;
    Ok((store, scratch))
}

fn export(args: &ExportArgs) -> Result<(), String> {
    let (db, name) = args
        .table
        .split_once('.')
        .ok_or("--table must be DB.TABLE")?;
    let (store, _scratch) = open_store(&args.data_dir)?;
    let entry = store
        .table(None, db, name)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("Table '{db}.{name}' doesn't exist"))?;
    let pos = store
        .position()
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    let comment = format!(
        "replica position: relay log {}:{}, source log {}:{}, executed GTIDs '{}'",
        pos.relay_file, pos.relay_pos, pos.source_file, pos.source_pos, pos.gtid_executed
    );
    let out = std::io::stdout();
    let out = std::io::BufWriter::with_capacity(1 << 16, out.lock());
    let mut ex = Exporter::begin(out, args.format, &entry.name, &entry.schema, &comment)
        .map_err(|e| e.to_string())?;
    for item in store.table_rows(entry.id).map_err(|e| e.to_string())? {
        let (_, v) = item.map_err(|e| e.to_string())?;
        let (_, cells) = decode_row(&v).map_err(|e| e.to_string())?;
        ex.row(&cells).map_err(|e| e.to_string())?;
    }
    ex.finish().map_err(|e| e.to_string())?;
    std::io::stdout().flush().map_err(|e| e.to_string())
}
