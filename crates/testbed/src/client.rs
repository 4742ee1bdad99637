//! SQL through the server's own command-line client (`mysql` / `mariadb`),
//! as password-less `root` over TCP, in batch mode.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::thread;

use crate::error::TestbedError;
use crate::server::Server;

impl Server {
    /// The client connected as password-less `root` over TCP, in batch mode
    /// without column names (`-N -B`); add a database or `-e` as needed.
    pub fn client_command(&self) -> Command {
        let mut cmd = Command::new(&self.bins.client);
        cmd.arg("--no-defaults")
            .arg("-uroot")
            .arg("-h127.0.0.1")
            .arg(format!("-P{}", self.port()))
            .arg("--connect-timeout=10")
            .args(["-N", "-B"]);
        cmd
    }

    /// Runs `sql` through the client and returns its stdout: one line per
    /// row, columns separated by tabs. Stops at the first failing statement.
    pub fn sql(&self, sql: &str) -> Result<String, TestbedError> {
        let mut child = self
            .client_command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| TestbedError::io(format!("running {}", self.bins.client.display()), e))?;
        let writer = child.stdin.take().map(|mut stdin| {
            let sql = sql.to_owned();
            // A thread, so that a large result cannot block a large script.
            thread::spawn(move || stdin.write_all(sql.as_bytes()))
        });
        let output = child
            .wait_with_output()
            .map_err(|e| TestbedError::io(format!("running {}", self.bins.client.display()), e))?;
        let written = writer.map(|w| w.join());
        self.client_result(output, written)
    }

    /// Runs the SQL script at `path` through the client, like [`Server::sql`].
    pub fn sql_file(&self, path: &Path) -> Result<String, TestbedError> {
        let file = File::open(path)
            .map_err(|e| TestbedError::io(format!("opening {}", path.display()), e))?;
        let output =
            self.client_command().stdin(file).output().map_err(|e| {
                TestbedError::io(format!("running {}", self.bins.client.display()), e)
            })?;
        self.client_result(output, None)
    }

    fn client_result(
        &self,
        output: Output,
        written: Option<thread::Result<std::io::Result<()>>>,
    ) -> Result<String, TestbedError> {
        let failure = if !output.status.success() {
            Some(String::from_utf8_lossy(&output.stderr).trim().to_string())
        } else {
            match written {
                Some(Ok(Err(e))) => Some(format!("writing the statements to the client: {e}")),
                Some(Err(_)) => Some("the thread writing to the client panicked".into()),
                _ => None,
            }
        };
        match failure {
            None => Ok(String::from_utf8_lossy(&output.stdout).into_owned()),
            Some(stderr) => Err(TestbedError::Sql {
                kind: self.kind(),
                port: self.port(),
                status: output.status.to_string(),
                stderr,
            }),
        }
    }
}
