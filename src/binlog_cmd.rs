//! `understudy binlog`: flags named as mysqlbinlog's, output identical to
//! the reference tool for the file's server (see understudy-dumper).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use jiff::{Timestamp, civil, tz::TimeZone};
use understudy_binlog::gtid::GtidSet;
use understudy_dumper::{Base64Output, Dialect, Options, TzOffset};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Base64Arg {
    #[value(name = "AUTO", alias = "auto")]
    Auto,
    #[value(name = "NEVER", alias = "never")]
    Never,
    #[value(name = "DECODE-ROWS", alias = "decode-rows")]
    DecodeRows,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DialectArg {
    Auto,
    Mysql,
    Mariadb,
}

#[derive(Debug, Args)]
pub struct BinlogArgs {
    /// Binlog or relay-log files (with --read-from-remote-server, the
    /// server's binlog names).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    remote: crate::binlog_remote::RemoteArgs,
    /// Reconstruct row events as commented SQL; twice adds column types.
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count)]
    verbose: u8,
    /// When to print BINLOG statements.
    #[arg(
        long = "base64-output",
        value_enum,
        default_value = "AUTO",
        ignore_case = true
    )]
    base64_output: Base64Arg,
    /// Start at the event at this file offset.
    #[arg(short = 'j', long = "start-position")]
    start_position: Option<u64>,
    /// Stop at the first event at or after this file offset.
    #[arg(long = "stop-position")]
    stop_position: Option<u64>,
    /// Start at the first event at or after this time ("YYYY-MM-DD hh:mm:ss", local time).
    #[arg(long = "start-datetime")]
    start_datetime: Option<String>,
    /// Stop at the first event at or after this time.
    #[arg(long = "stop-datetime")]
    stop_datetime: Option<String>,
    /// Print only transactions in this GTID set.
    #[arg(long = "include-gtids")]
    include_gtids: Option<String>,
    /// Skip transactions in this GTID set.
    #[arg(long = "exclude-gtids")]
    exclude_gtids: Option<String>,
    /// Print only events of this default database.
    #[arg(short = 'd', long = "database")]
    database: Option<String>,
    /// Add a hex dump of each event.
    #[arg(short = 'H', long = "hexdump")]
    hexdump: bool,
    /// Write output to this file instead of standard output.
    #[arg(short = 'r', long = "result-file")]
    result_file: Option<PathBuf>,
    /// Verify each event's CRC32.
    #[arg(short = 'c', long = "verify-binlog-checksum")]
    verify_binlog_checksum: bool,
    /// Keep going after errors: print what can be printed, exit 0.
    #[arg(short = 'f', long = "force-read")]
    force_read: bool,
    /// Print only the statements.
    #[arg(short = 's', long = "short-form")]
    short_form: bool,
    /// text (like mysqlbinlog) or json (one object per event).
    #[arg(long = "format", value_enum, default_value = "text")]
    format: FormatArg,
    /// Which reference tool to reproduce (auto: by the file's server).
    #[arg(long = "dialect", value_enum, default_value = "auto")]
    dialect: DialectArg,
    /// Directory for the data files of LOAD DATA statements (default: the
    /// temporary directory), as mysqlbinlog writes them.
    #[arg(short = 'l', long = "local-load")]
    local_load: Option<PathBuf>,
}

/// Writes LOAD DATA files as mysqlbinlog does: `SQL_LOAD_MB-<file id>-<n>`
/// in the local-load directory, `n` the first number not taken yet.
struct LoadDir {
    dir: PathBuf,
    /// Files that could not be written (each is a LOAD DATA a replay of
    /// the output would miss).
    errors: Vec<String>,
}

impl understudy_dumper::load::LoadSink for LoadDir {
    fn store(&mut self, file_id: u32, data: &[u8]) -> String {
        for n in 0u32..100_000 {
            let path = self.dir.join(format!("SQL_LOAD_MB-{file_id}-{n}"));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    if let Err(e) = f.write_all(data) {
                        self.errors.push(format!("writing {}: {e}", path.display()));
                    }
                    return path.display().to_string();
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    self.errors
                        .push(format!("creating {}: {e}", path.display()));
                    return path.display().to_string();
                }
            }
        }
        self.errors.push(format!(
            "no free SQL_LOAD_MB-{file_id}-<n> name in {}",
            self.dir.display()
        ));
        String::new()
    }
}

fn parse_gtids(flag: &str, s: &Option<String>) -> Result<Option<GtidSet>, String> {
    match s {
        None => Ok(None),
        Some(s) => s
            .parse::<GtidSet>()
            .map(Some)
            .map_err(|e| format!("--{flag}: {e}")),
    }
}

/// "YYYY-MM-DD hh:mm:ss" in the local time zone (as mysqlbinlog reads it)
/// → seconds since the epoch.
fn parse_datetime(flag: &str, s: &Option<String>, tz: &TimeZone) -> Result<Option<i64>, String> {
    let Some(s) = s else { return Ok(None) };
    let text = s.trim();
    let dt: civil::DateTime = text
        .parse()
        .or_else(|_| {
            text.parse::<civil::Date>()
                .map(|d| d.to_datetime(civil::Time::midnight()))
        })
        .map_err(|e| format!("--{flag}: expected 'YYYY-MM-DD hh:mm:ss', got '{s}': {e}"))?;
    let zoned = dt
        .to_zoned(tz.clone())
        .map_err(|e| format!("--{flag}: {e}"))?;
    Ok(Some(zoned.timestamp().as_second()))
}

fn options(a: &BinlogArgs) -> Result<Options, String> {
    // The local time zone (TZ, else /etc/localtime), as mysqlbinlog uses.
    let tz = TimeZone::try_system().unwrap_or(TimeZone::UTC);
    Ok(Options {
        verbose: a.verbose,
        base64_output: match a.base64_output {
            Base64Arg::Auto => Base64Output::Auto,
            Base64Arg::Never => Base64Output::Never,
            Base64Arg::DecodeRows => Base64Output::DecodeRows,
        },
        start_position: a.start_position,
        stop_position: a.stop_position,
        start_datetime: parse_datetime("start-datetime", &a.start_datetime, &tz)?,
        stop_datetime: parse_datetime("stop-datetime", &a.stop_datetime, &tz)?,
        include_gtids: parse_gtids("include-gtids", &a.include_gtids)?,
        exclude_gtids: parse_gtids("exclude-gtids", &a.exclude_gtids)?,
        database: a.database.clone(),
        hexdump: a.hexdump,
        short_form: a.short_form,
        force_read: a.force_read,
        verify_checksum: a.verify_binlog_checksum,
        dialect: match a.dialect {
            DialectArg::Auto => Dialect::Auto,
            DialectArg::Mysql => Dialect::MySql,
            DialectArg::Mariadb => Dialect::MariaDb,
        },
        tz_offset: Some(TzOffset(std::sync::Arc::new(
            move |ts| match Timestamp::from_second(ts) {
                Ok(t) => {
                    let info = tz.to_offset_info(t);
                    (info.offset().seconds(), info.abbreviation().to_string())
                }
                Err(_) => (0, "UTC".to_string()),
            },
        ))),
    })
}

pub fn run(mut args: BinlogArgs) -> ExitCode {
    let mut opts = match options(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("ERROR: {e}");
            return ExitCode::from(1);
        }
    };
    // From a server: fetched as raw files first (kept with --raw, else in
    // a temporary directory and printed below).
    let _fetched_dir;
    if args.remote.read_from_remote_server {
        crate::init_logging();
        let names: Vec<String> = args
            .files
            .iter()
            .map(|f| f.to_string_lossy().into_owned())
            .collect();
        let prefix = if args.remote.raw {
            args.result_file
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            if args.start_position.is_some() {
                eprintln!("ERROR: --start-position with --read-from-remote-server needs --raw");
                return ExitCode::from(1);
            }
            match tempfile::tempdir() {
                Ok(d) => {
                    let p = format!("{}/", d.path().display());
                    _fetched_dir = d;
                    p
                }
                Err(e) => {
                    eprintln!("ERROR: cannot create a temporary directory: {e}");
                    return ExitCode::from(1);
                }
            }
        };
        match crate::binlog_remote::fetch(&args.remote, &names, args.start_position, &prefix) {
            Ok(_) if args.remote.raw => return ExitCode::SUCCESS,
            Ok(files) => {
                args.files = files;
                opts.start_position = None;
            }
            Err(e) => {
                eprintln!("ERROR: {e}");
                return ExitCode::from(1);
            }
        }
    }
    let mut out: Box<dyn Write> = match &args.result_file {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("ERROR: cannot create {}: {e}", p.display());
                return ExitCode::from(1);
            }
        },
        None => Box::new(std::io::BufWriter::with_capacity(
            1 << 20,
            std::io::stdout().lock(),
        )),
    };
    let mut failed = false;
    let mut load_failed = false;
    for path in &args.files {
        let mut file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("ERROR: Could not open log file '{}': {e}", path.display());
                failed = true;
                continue;
            }
        };
        let mut load = LoadDir {
            dir: args.local_load.clone().unwrap_or_else(std::env::temp_dir),
            errors: Vec::new(),
        };
        let written = match args.format {
            FormatArg::Text => understudy_dumper::dump_to(&mut file, &opts, &mut load, &mut out),
            FormatArg::Json => understudy_dumper::dump_json_to(&mut file, &opts, &mut out),
        };
        let outcome = match written {
            Ok(o) => o,
            Err(e) => {
                let _ = out.flush();
                eprintln!("ERROR: {}: {e}", path.display());
                return ExitCode::from(1);
            }
        };
        // A LOAD DATA file not written fails the run, --force-read or not.
        for e in &load.errors {
            eprintln!("ERROR: {e}");
            load_failed = true;
        }
        for line in &outcome.stderr {
            eprintln!("{line}");
        }
        if let Some(err) = outcome.error {
            eprintln!("ERROR: {}: {err}", path.display());
            failed = true;
        }
    }
    if let Err(e) = out.flush() {
        eprintln!("ERROR: writing output: {e}");
        return ExitCode::from(1);
    }
    if load_failed || (failed && !args.force_read) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
