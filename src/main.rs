//! The `understudy` command: a clean-room MySQL replica and its tools.
//! This binary is thin: argument parsing, files and exit codes; the work
//! is in the crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The applier allocates and frees a few small buffers per row; mimalloc
/// does that in about half the time of glibc's allocator (measured on the
/// apply bench).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod backup_cmd;
mod binlog_cmd;
mod binlog_remote;
mod clone_cmd;
mod endpoint_cmd;
mod export_cmd;
mod run_cmd;
mod verify_cmd;

#[derive(Debug, Parser)]
#[command(
    name = "understudy",
    version,
    about = "A clean-room MySQL replica and binlog toolkit"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print binary logs and relay logs like mysqlbinlog / mariadb-binlog.
    Binlog(Box<binlog_cmd::BinlogArgs>),
    /// Run the replica: stream the source's binlog into the relay log.
    Run(Box<run_cmd::RunArgs>),
    /// Fill a new replica's data directory from a live source (a
    /// consistent snapshot copied in parallel), ready for `run`.
    Clone(Box<clone_cmd::CloneArgs>),
    /// Print the replica's status like SHOW REPLICA STATUS\G.
    Status(run_cmd::StatusArgs),
    /// Print a replicated table's rows (tsv like mysql --batch, csv, sql).
    Export(export_cmd::ExportArgs),
    /// A consistent copy of a replica's data directory while it runs,
    /// that `run` continues from (`--compress`: one .tar.zst archive).
    Backup(backup_cmd::BackupArgs),
    /// Compare every replicated table with the source (row count and
    /// checksum); exit 1 on any difference.
    Verify(verify_cmd::VerifyArgs),
    /// Read a password (first line of stdin) and print the hashes an
    /// endpoint `[[account]]` takes in the config file.
    HashPassword,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Binlog(args) => binlog_cmd::run(*args),
        Command::Run(args) => {
            init_logging();
            run_cmd::run(*args)
        }
        Command::Clone(args) => {
            init_logging();
            clone_cmd::run(*args)
        }
        Command::Status(args) => run_cmd::status(args),
        Command::Export(args) => export_cmd::run(args),
        Command::Verify(args) => verify_cmd::run(args),
        Command::Backup(args) => backup_cmd::run(args),
        Command::HashPassword => endpoint_cmd::hash_password(),
    }
}

/// Logs to stderr; `RUST_LOG` filters (default `info`); colours only on a
/// terminal.
pub(crate) fn init_logging() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
