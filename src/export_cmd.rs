//! `understudy export`: a replicated table's rows in primary-key order, as
//! `mysql --batch --skip-column-names` prints `SELECT * … ORDER BY <pk>`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use understudy_replica::applier::STORE_DIR;
use understudy_store::text::{batch_field, cell_text};
use understudy_store::{Durability, Store, decode_row};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The replica's data directory (the replica must be stopped).
    #[arg(long)]
    data_dir: PathBuf,
    /// DB.TABLE
    #[arg(long)]
    table: String,
    /// Output format: tsv (mysql --batch).
    #[arg(long, default_value = "tsv")]
    format: String,
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

fn export(args: &ExportArgs) -> Result<(), String> {
    if args.format != "tsv" {
        return Err(format!(
            "format {} is not supported yet (tsv is)",
            args.format
        ));
    }
    let (db, name) = args
        .table
        .split_once('.')
        .ok_or("--table must be DB.TABLE")?;
    let store =
        Store::open(&args.data_dir.join(STORE_DIR), Durability::None).map_err(|e| e.to_string())?;
    let entry = store
        .table(None, db, name)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("Table '{db}.{name}' doesn't exist"))?;
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let mut line = Vec::new();
    for (_, v) in store.scan_table(entry.id).map_err(|e| e.to_string())? {
        let (_, cells) = decode_row(&v).map_err(|e| e.to_string())?;
        line.clear();
        // SELECT * leaves invisible columns out.
        let visible = cells
            .iter()
            .zip(&entry.schema.columns)
            .filter(|(_, col)| !col.invisible);
        for (i, (c, col)) in visible.enumerate() {
            if i > 0 {
                line.push(b'\t');
            }
            batch_field(&mut line, cell_text(c, &col.ty).as_deref());
        }
        line.push(b'\n');
        out.write_all(&line).map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}
