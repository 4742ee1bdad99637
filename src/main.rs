//! The `understudy` command: a clean-room MySQL replica and its tools.
//! This binary is thin: argument parsing, files and exit codes; the work
//! is in the crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod binlog_cmd;

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
    Binlog(binlog_cmd::BinlogArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Binlog(args) => binlog_cmd::run(args),
    }
}
