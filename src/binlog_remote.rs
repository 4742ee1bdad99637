//! `understudy binlog --read-from-remote-server`: mysqlbinlog's flags for
//! reading a live server's binlogs. With `--raw` the files are written as
//! the server holds them (`--result-file` is their name prefix); without,
//! they are fetched into a temporary directory and printed as text.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use understudy_replica::client::{ConnectOptions, SslOptions};
use understudy_replica::remote::{self, RawFiles, RemoteOptions};

use crate::run_cmd::{compression, ssl_mode, stop_on_signals};

/// Environment variable with the password, as mysqlbinlog reads it.
const MYSQL_PWD: &str = "MYSQL_PWD";

#[derive(Debug, Args)]
pub struct RemoteArgs {
    /// Read the binlogs named by FILES from a server instead of local files.
    #[arg(short = 'R', long = "read-from-remote-server")]
    pub read_from_remote_server: bool,
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    #[arg(short = 'P', long, default_value_t = 3306)]
    port: u16,
    #[arg(short = 'u', long)]
    user: Option<String>,
    /// The password (or MYSQL_PWD, or --password-file).
    #[arg(short = 'p', long)]
    password: Option<String>,
    /// A file holding the password (first line).
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// Write the binlogs as binary files (named after the server's, behind
    /// the --result-file prefix) instead of text.
    #[arg(long, requires = "read_from_remote_server")]
    pub raw: bool,
    /// Keep waiting for new events, reconnecting when the connection breaks
    /// (implies --to-last-log).
    #[arg(long, requires = "read_from_remote_server")]
    stop_never: bool,
    /// Go on past the named binlog to the server's last one.
    #[arg(long, requires = "read_from_remote_server")]
    to_last_log: bool,
    /// The server id this dump announces (default 0, or 1 with --stop-never).
    #[arg(long)]
    connection_server_id: Option<u32>,
    /// disabled, preferred, required, verify_ca, verify_identity.
    #[arg(long)]
    ssl_mode: Option<String>,
    #[arg(long)]
    ssl_ca: Option<PathBuf>,
    #[arg(long)]
    ssl_cert: Option<PathBuf>,
    #[arg(long)]
    ssl_key: Option<PathBuf>,
    /// uncompressed, zlib or zstd.
    #[arg(long)]
    compression_algorithms: Option<String>,
    #[arg(long)]
    zstd_compression_level: Option<i32>,
    /// Ask the server for its RSA key (caching_sha2 without TLS).
    #[arg(long)]
    get_server_public_key: bool,
    #[arg(long)]
    server_public_key_path: Option<PathBuf>,
}

impl RemoteArgs {
    fn connect(&self) -> Result<ConnectOptions, String> {
        let user = self.user.clone().unwrap_or_else(|| "root".into());
        let mut c = ConnectOptions::new(&self.host, self.port, &user);
        let password = if let Some(f) = &self.password_file {
            let t = std::fs::read_to_string(f)
                .map_err(|e| format!("cannot read password file {}: {e}", f.display()))?;
            t.lines().next().unwrap_or("").to_owned()
        } else if let Some(p) = &self.password {
            p.clone()
        } else {
            std::env::var(MYSQL_PWD).unwrap_or_default()
        };
        c.password = password.into_bytes();
        c.ssl = SslOptions {
            mode: ssl_mode(self.ssl_mode.as_deref())?,
            ca: self.ssl_ca.clone(),
            cert: self.ssl_cert.clone(),
            key: self.ssl_key.clone(),
        };
        c.compression = compression(
            self.compression_algorithms.as_deref(),
            self.zstd_compression_level,
        )?;
        c.get_public_key = self.get_server_public_key;
        c.public_key_path = self.server_public_key_path.clone();
        c.program_name = "understudy binlog".into();
        Ok(c)
    }
}

/// Fetches the named binlogs (with `--to-last-log`, from the first to the
/// last) into files behind `prefix`; returns them in order.
pub fn fetch(
    args: &RemoteArgs,
    names: &[String],
    start_pos: Option<u64>,
    prefix: &str,
) -> Result<Vec<PathBuf>, String> {
    let to_last_log = args.to_last_log || args.stop_never;
    let names = if to_last_log { &names[..1] } else { names };
    let connect = args.connect()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let mut out = RawFiles::new(prefix);
    rt.block_on(async {
        let rx = stop_on_signals();
        for (i, name) in names.iter().enumerate() {
            let opts = RemoteOptions {
                connect: connect.clone(),
                server_id: args
                    .connection_server_id
                    .unwrap_or(u32::from(args.stop_never)),
                first_file: name.clone(),
                start_pos: if i == 0 { start_pos.unwrap_or(4) } else { 4 },
                stop_never: args.stop_never,
                to_last_log,
                retry: Duration::from_secs(1),
            };
            remote::fetch(&opts, &mut out, rx.clone())
                .await
                .map_err(|e| e.to_string())?;
            if *rx.borrow() {
                break;
            }
        }
        Ok::<(), String>(())
    })?;
    Ok(out.written)
}
