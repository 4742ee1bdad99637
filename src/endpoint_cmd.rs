//! The endpoint's settings on `understudy run` (`--listen`,
//! `--admin-password-file`, `[[account]]` in the config file) and
//! `understudy hash-password`, which prints an account's hashes for the
//! config file.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use serde::Deserialize;
use understudy_replica::control::Control;
use understudy_replica::service::ReplicaConfig;
use understudy_server::accounts::hashes_for_config;
use understudy_server::tls::TlsSource;
use understudy_server::vars::Identity;
use understudy_server::{Account, Accounts, Endpoint, Role};

/// The default address, as the issue of the endpoint asks: MySQL's port
/// plus one.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3307";

/// One `[[account]]` of the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AccountConfig {
    name: String,
    /// admin or read-only (default).
    role: Option<String>,
    password_native: String,
    password_sha2: String,
}

#[derive(Debug)]
pub struct EndpointConfig {
    listen: SocketAddr,
    accounts: Accounts,
    /// A configured certificate and key.
    tls_files: Option<(PathBuf, PathBuf)>,
}

/// The endpoint's configuration; `None` when it has no account (and no
/// address was asked for).
pub fn config(
    listen: Option<&str>,
    admin_password_file: Option<&Path>,
    accounts: &[AccountConfig],
    tls_files: Option<(PathBuf, PathBuf)>,
) -> Result<Option<EndpointConfig>, String> {
    let mut list = Vec::new();
    if let Some(f) = admin_password_file {
        let text = std::fs::read_to_string(f)
            .map_err(|e| format!("cannot read admin password file {}: {e}", f.display()))?;
        let pw = text.lines().next().unwrap_or("");
        list.push(Account::with_password("admin", Role::Admin, pw.as_bytes()));
    }
    for a in accounts {
        let role = match &a.role {
            Some(r) => r.parse()?,
            None => Role::ReadOnly,
        };
        if list.iter().any(|x: &Account| x.name == a.name) {
            return Err(format!("account '{}' is defined twice", a.name));
        }
        list.push(Account::from_hashes(
            &a.name,
            role,
            &a.password_native,
            &a.password_sha2,
        )?);
    }
    if list.is_empty() {
        return match listen {
            Some(_) => Err(
                "--listen needs an account: --admin-password-file FILE or [[account]] in the config file"
                    .into(),
            ),
            None => Ok(None),
        };
    }
    let addr = listen.unwrap_or(DEFAULT_LISTEN);
    let listen = addr
        .parse()
        .map_err(|_| format!("--listen {addr}: expected HOST:PORT with an IP address"))?;
    Ok(Some(EndpointConfig {
        listen,
        accounts: Accounts::new(list),
        tls_files,
    }))
}

/// Binds the address and serves clients until `stop`.
pub async fn start(
    e: EndpointConfig,
    replica: &ReplicaConfig,
    control: Arc<Control>,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Result<(), String> {
    let listener = understudy_server::bind(e.listen)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", e.listen))?;
    let identity = Identity {
        server_id: replica.io.server_id,
        server_uuid: replica.io.replica_uuid.clone(),
        hostname: std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_default(),
        port: e.listen.port(),
        datadir: replica.data_dir.display().to_string(),
    };
    let source = match e.tls_files {
        Some((cert, key)) => TlsSource::Files { cert, key },
        None => TlsSource::Generated(replica.data_dir.join("endpoint-tls")),
    };
    let mut ep = Endpoint::new(
        e.accounts,
        replica.data_dir.clone(),
        identity,
        Some(control),
    );
    ep.tls = Some(understudy_server::tls::acceptor(&source)?);
    let ep = Arc::new(ep);
    tracing::info!(address = %e.listen, "MySQL-protocol endpoint listening");
    tokio::spawn(understudy_server::serve(listener, ep, stop));
    Ok(())
}

/// `understudy hash-password`: reads a password (first line of stdin)
/// and prints the two lines an `[[account]]` takes.
pub fn hash_password() -> ExitCode {
    let mut line = String::new();
    if let Err(e) = std::io::stdin().lock().read_line(&mut line) {
        eprintln!("understudy hash-password: {e}");
        return ExitCode::FAILURE;
    }
    let pw = line.trim_end_matches(['\n', '\r']);
    print!("{}", hashes_for_config(pw.as_bytes()));
    ExitCode::SUCCESS
}
