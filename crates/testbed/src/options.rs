//! How to start one server: its `server_id`, extra command-line options and
//! how long to wait for it.

use std::time::Duration;

/// Options for [`crate::Server::start`]. `Default` gives `server_id = 1`,
/// no extra options and a 60 s start-up timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerOptions {
    /// Appended after the testbed's own options, so they win over them
    /// (`--binlog-format=STATEMENT`, `--gtid-mode=ON`, …).
    pub extra_args: Vec<String>,
    /// `--server-id`.
    pub server_id: u32,
    /// How long to wait for the server to answer `SELECT`.
    pub start_timeout: Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            extra_args: Vec::new(),
            server_id: 1,
            start_timeout: Duration::from_secs(60),
        }
    }
}

impl ServerOptions {
    /// The defaults.
    pub fn new() -> Self {
        ServerOptions::default()
    }

    /// Sets `--server-id`.
    pub fn server_id(mut self, id: u32) -> Self {
        self.server_id = id;
        self
    }

    /// Appends one server option, e.g. `--binlog-format=ROW`.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.extra_args.push(arg.into());
        self
    }

    /// Appends several server options.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.extra_args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets `--binlog-format` (`ROW`, `STATEMENT` or `MIXED`).
    pub fn binlog_format(self, format: &str) -> Self {
        self.arg(format!("--binlog-format={format}"))
    }

    /// MySQL only: `--gtid-mode=ON --enforce-gtid-consistency=ON`. MariaDB
    /// always writes GTIDs and rejects these options.
    pub fn mysql_gtid_mode(self) -> Self {
        self.args(["--gtid-mode=ON", "--enforce-gtid-consistency=ON"])
    }

    /// Sets the start-up timeout.
    pub fn start_timeout(mut self, timeout: Duration) -> Self {
        self.start_timeout = timeout;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_appends_in_order() {
        let opts = ServerOptions::new()
            .server_id(7)
            .binlog_format("STATEMENT")
            .arg("--log-slave-updates");
        assert_eq!(opts.server_id, 7);
        assert_eq!(
            opts.extra_args,
            ["--binlog-format=STATEMENT", "--log-slave-updates"]
        );
    }
}
