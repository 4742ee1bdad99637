//! One private server: started on a free loopback port in its own temporary
//! directory, driven through the real command-line client, stopped by pid.
//!
//! Layout of the directory: `data/` (the data directory; MySQL's binlogs
//! live here), `tmp/` (`--tmpdir`: servers delete all `#sql*` files in
//! theirs at start-up, so it cannot be shared), `error.log` (the server's
//! stdout and stderr), `sock`, `pid`, and MariaDB's `mariadb-bin.*`.

use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::error::TestbedError;
use crate::init::prepare_data_dir;
use crate::options::ServerOptions;
use crate::process::{free_port, kill_and_reap, log_tail, terminate, wait_for_exit};
use crate::testbed::{Binaries, ServerKind, Testbed};

/// How many ports to try when another process takes ours first.
const START_ATTEMPTS: usize = 4;
/// How long [`Server::stop`] waits after SIGTERM before SIGKILL.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);
/// Lines of the error log quoted in start-up errors.
const LOG_TAIL_LINES: usize = 40;
/// Set to `1` to keep data directories (and stop gracefully) on drop.
pub const KEEP_ENV: &str = "UNDERSTUDY_KEEP_SERVERS";

/// A running server. Dropping it SIGKILLs its pid and removes its directory.
#[derive(Debug)]
pub struct Server {
    kind: ServerKind,
    port: u16,
    pid: u32,
    child: Option<Child>,
    dir: Option<TempDir>,
    root: PathBuf,
    data_dir: PathBuf,
    pub(crate) bins: Binaries,
    log_bin_index: Option<PathBuf>,
    opts: ServerOptions,
    keep: bool,
}

impl Server {
    /// Starts a server of `kind` with the binaries named in `testbed.env`.
    pub fn start(kind: ServerKind, opts: ServerOptions) -> Result<Server, TestbedError> {
        Server::start_with(&Testbed::load()?, kind, opts)
    }

    /// Starts a server of `kind` with the binaries of `testbed`. A server
    /// that loses its port to another process is retried on a new port.
    pub fn start_with(
        testbed: &Testbed,
        kind: ServerKind,
        opts: ServerOptions,
    ) -> Result<Server, TestbedError> {
        let bins = testbed.binaries(kind)?;
        let mut attempt = 1;
        loop {
            match Server::launch(testbed, &bins, &opts) {
                Err(err) if attempt < START_ATTEMPTS && lost_port_race(&err) => attempt += 1,
                result => return result,
            }
        }
    }

    fn launch(
        testbed: &Testbed,
        bins: &Binaries,
        opts: &ServerOptions,
    ) -> Result<Server, TestbedError> {
        let kind = bins.kind;
        let dir = tempfile::Builder::new()
            .prefix(&format!("understudy-{}-", kind.name()))
            .tempdir_in(std::env::temp_dir())
            .map_err(|e| TestbedError::io("creating a temporary directory", e))?;
        let root = dir
            .path()
            .canonicalize()
            .map_err(|e| TestbedError::io(format!("resolving {}", dir.path().display()), e))?;
        let data_dir = root.join("data");
        let tmp_dir = root.join("tmp");
        fs::create_dir(&tmp_dir)
            .map_err(|e| TestbedError::io(format!("creating {}", tmp_dir.display()), e))?;
        prepare_data_dir(testbed, bins, &data_dir, &tmp_dir)?;

        let port = free_port()?;
        let log_path = root.join("error.log");
        let log = File::create(&log_path)
            .map_err(|e| TestbedError::io(format!("creating {}", log_path.display()), e))?;
        let log_err = log
            .try_clone()
            .map_err(|e| TestbedError::io(format!("duplicating {}", log_path.display()), e))?;
        let child = Command::new(&bins.server)
            .args(server_args(bins, &root, &data_dir, port, opts))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| TestbedError::io(format!("starting {}", bins.server.display()), e))?;
        let mut server = Server {
            kind,
            port,
            pid: child.id(),
            child: Some(child),
            dir: Some(dir),
            root,
            data_dir,
            bins: bins.clone(),
            log_bin_index: None,
            opts: opts.clone(),
            keep: std::env::var(KEEP_ENV).is_ok_and(|v| v == "1"),
        };
        server.wait_ready(opts.start_timeout)?;
        Ok(server)
    }

    /// Polls a TCP connect and then `SELECT @@datadir` through the client;
    /// the data directory proves that the answer came from our process.
    fn wait_ready(&mut self, timeout: Duration) -> Result<(), TestbedError> {
        let deadline = Instant::now() + timeout;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let want = self.data_dir.to_string_lossy().into_owned();
        loop {
            if let Some(child) = self.child.as_mut() {
                let status = child
                    .try_wait()
                    .map_err(|e| TestbedError::io(format!("waiting for pid {}", self.pid), e))?;
                if let Some(status) = status {
                    return Err(TestbedError::Exited {
                        kind: self.kind,
                        port: self.port,
                        status: status.to_string(),
                        log_tail: log_tail(&self.error_log(), LOG_TAIL_LINES),
                    });
                }
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok()
                && let Ok(out) = self.sql("SELECT @@datadir, @@log_bin_index")
                && let Some((datadir, index)) = out.trim_end_matches('\n').split_once('\t')
                && datadir.trim_end_matches('/') == want
            {
                self.log_bin_index = match index {
                    "" | "NULL" => None,
                    index => Some(self.data_dir.join(index)),
                };
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(TestbedError::StartTimeout {
                    kind: self.kind,
                    port: self.port,
                    secs: timeout.as_secs(),
                    log_tail: log_tail(&self.error_log(), LOG_TAIL_LINES),
                });
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Which server this is.
    pub fn kind(&self) -> ServerKind {
        self.kind
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The data directory (`--datadir`).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The server's private directory, parent of the data directory.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    /// The file that receives the server's stdout and stderr.
    pub fn error_log(&self) -> PathBuf {
        self.root.join("error.log")
    }

    /// The pid of the server process.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// `mysql` or `mariadb` of the server's version.
    pub fn client_path(&self) -> PathBuf {
        self.bins.client.clone()
    }

    /// `mysqlbinlog` 9.7 for MySQL, `mariadb-binlog` of the same version
    /// for MariaDB.
    pub fn reference_dumper(&self) -> PathBuf {
        self.bins.dumper.clone()
    }

    /// The binary log files named by the server's index file, in order, as
    /// absolute paths.
    pub fn binlog_files(&self) -> Result<Vec<PathBuf>, TestbedError> {
        let index = self.log_bin_index.as_ref().ok_or(TestbedError::NoBinlog {
            kind: self.kind,
            port: self.port,
        })?;
        let text = fs::read_to_string(index)
            .map_err(|e| TestbedError::io(format!("reading {}", index.display()), e))?;
        Ok(text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(|line| self.data_dir.join(line.strip_prefix("./").unwrap_or(line)))
            .collect())
    }

    /// Stops the server gracefully: SIGTERM, up to 30 s, then SIGKILL. The
    /// directory is removed unless `UNDERSTUDY_KEEP_SERVERS=1`.
    pub fn stop(mut self) -> Result<(), TestbedError> {
        self.shutdown(true)
    }

    /// Stops the server (gracefully, or by SIGKILL when `graceful` is
    /// false, as a crash) and starts it again on the same data directory and
    /// port with the same options.
    pub fn restart(&mut self, graceful: bool) -> Result<(), TestbedError> {
        self.shutdown(graceful)?;
        let log_path = self.error_log();
        let log = File::options()
            .append(true)
            .open(&log_path)
            .map_err(|e| TestbedError::io(format!("opening {}", log_path.display()), e))?;
        let log_err = log
            .try_clone()
            .map_err(|e| TestbedError::io(format!("duplicating {}", log_path.display()), e))?;
        let child = Command::new(&self.bins.server)
            .args(server_args(
                &self.bins,
                &self.root,
                &self.data_dir,
                self.port,
                &self.opts,
            ))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| TestbedError::io(format!("starting {}", self.bins.server.display()), e))?;
        self.pid = child.id();
        self.child = Some(child);
        self.wait_ready(self.opts.start_timeout)
    }

    fn shutdown(&mut self, graceful: bool) -> Result<(), TestbedError> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let stopped = if graceful {
            terminate(&mut child).and_then(|()| wait_for_exit(&mut child, STOP_TIMEOUT))
        } else {
            Ok(false)
        };
        match stopped {
            Ok(true) => Ok(()),
            Ok(false) => kill_and_reap(&mut child),
            Err(e) => kill_and_reap(&mut child).and(Err(e)),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown(self.keep) {
            eprintln!(
                "understudy-testbed: stopping {} pid {}: {e}",
                self.kind, self.pid
            );
        }
        let Some(dir) = self.dir.take() else { return };
        if self.keep {
            let path = dir.keep();
            eprintln!(
                "understudy-testbed: kept {} data in {}",
                self.kind,
                path.display()
            );
        } else if let Err(e) = dir.close() {
            eprintln!("understudy-testbed: removing {}: {e}", self.root.display());
        }
    }
}

/// The command line of one server; `opts.extra_args` come last so they win.
fn server_args(
    bins: &Binaries,
    root: &Path,
    data_dir: &Path,
    port: u16,
    opts: &ServerOptions,
) -> Vec<String> {
    let mut args = vec!["--no-defaults".to_string()];
    if let Some(basedir) = &bins.basedir {
        args.push(format!("--basedir={}", basedir.display()));
    }
    args.push(format!("--datadir={}", data_dir.display()));
    if !bins.kind.is_mariadb()
        && let Some(basedir) = &bins.basedir
    {
        let messages = basedir.join("share").join("mysql");
        args.push(format!("--lc-messages-dir={}", messages.display()));
    }
    args.extend([
        "--user=root".to_string(),
        format!("--port={port}"),
        "--bind-address=127.0.0.1".to_string(),
        format!("--socket={}", root.join("sock").display()),
        format!("--pid-file={}", root.join("pid").display()),
        format!("--tmpdir={}", root.join("tmp").display()),
        format!("--server-id={}", opts.server_id),
        "--innodb-buffer-pool-size=64M".to_string(),
    ]);
    if bins.kind.is_mariadb() {
        args.push(format!("--log-bin={}", root.join("mariadb-bin").display()));
    } else {
        args.extend(
            [
                "--log-bin=binlog",
                "--mysqlx=OFF",
                "--secure-file-priv=",
                "--performance-schema=OFF",
            ]
            .map(String::from),
        );
    }
    args.extend(opts.extra_args.iter().cloned());
    args
}

/// Whether the server died because another process bound its port first.
fn lost_port_race(err: &TestbedError) -> bool {
    matches!(err, TestbedError::Exited { log_tail, .. }
        if log_tail.contains("Bind on TCP/IP port") || log_tail.contains("Address already in use"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mysql() -> Binaries {
        Binaries {
            kind: ServerKind::Mysql97,
            server: "/p/mysqld".into(),
            install_db: None,
            client: "/p/mysql".into(),
            dumper: "/p/mysqlbinlog".into(),
            basedir: Some("/p/usr".into()),
        }
    }

    #[test]
    fn extra_args_come_last() {
        let opts = ServerOptions::new().server_id(3).arg("--log-bin=other");
        let args = server_args(&mysql(), Path::new("/r"), Path::new("/r/data"), 4000, &opts);
        assert_eq!(args[0], "--no-defaults");
        assert!(args.contains(&"--port=4000".to_string()));
        assert!(args.contains(&"--server-id=3".to_string()));
        assert!(args.contains(&"--lc-messages-dir=/p/usr/share/mysql".to_string()));
        assert_eq!(args.last().map(String::as_str), Some("--log-bin=other"));
    }

    #[test]
    fn recognises_a_lost_port_race() {
        let exited = |log_tail: &str| TestbedError::Exited {
            kind: ServerKind::Mariadb1011,
            port: 1,
            status: "exit status: 1".into(),
            log_tail: log_tail.into(),
        };
        let mysql = "[ERROR] [MY-010262] [Server] Can't start server: Bind on TCP/IP port: Address already in use";
        assert!(lost_port_race(&exited(mysql)));
        assert!(!lost_port_race(&exited("unknown option '--x'")));
    }
}
