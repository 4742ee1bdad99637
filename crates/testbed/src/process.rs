//! Process plumbing: free loopback ports, signals to one pid we spawned, and
//! the tail of a server's error log.

use std::collections::HashSet;
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::TestbedError;

/// Ports this process has handed out; never handed out twice, so that two
/// threads cannot race for the same port between its release and the
/// server's bind. Races with other processes are left to the caller's retry.
static HANDED_OUT: Mutex<Option<HashSet<u16>>> = Mutex::new(None);

/// A loopback port that was free a moment ago.
pub(crate) fn free_port() -> Result<u16, TestbedError> {
    for _ in 0..32 {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|e| TestbedError::io("binding 127.0.0.1:0 to find a free port", e))?;
        let port = listener
            .local_addr()
            .map_err(|e| TestbedError::io("reading the port of 127.0.0.1:0", e))?
            .port();
        drop(listener);
        let mut handed_out = HANDED_OUT.lock().unwrap_or_else(PoisonError::into_inner);
        if handed_out.get_or_insert_with(HashSet::new).insert(port) {
            return Ok(port);
        }
    }
    Err(TestbedError::io(
        "finding a free port",
        std::io::Error::other("the kernel kept returning ports already handed out"),
    ))
}

/// Sends SIGTERM to `child` by running `kill`, unless it was already
/// reaped: only an unreaped child's pid is sure not to have been reused.
pub(crate) fn terminate(child: &mut Child) -> Result<(), TestbedError> {
    let pid = child.id();
    let exited = child
        .try_wait()
        .map_err(|e| TestbedError::io(format!("waiting for pid {pid}"), e))?;
    if exited.is_some() {
        return Ok(());
    }
    let output = Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| TestbedError::Signal {
            pid,
            signal: "TERM",
            detail: format!("running kill: {e}"),
        })?;
    if output.status.success() {
        return Ok(());
    }
    Err(TestbedError::Signal {
        pid,
        signal: "TERM",
        detail: String::from_utf8_lossy(&output.stderr).trim().to_string(),
    })
}

/// Waits up to `timeout` for `child` to exit and reaps it; true if it did.
pub(crate) fn wait_for_exit(child: &mut Child, timeout: Duration) -> Result<bool, TestbedError> {
    let deadline = Instant::now() + timeout;
    loop {
        let status = child
            .try_wait()
            .map_err(|e| TestbedError::io(format!("waiting for pid {}", child.id()), e))?;
        if status.is_some() {
            return Ok(true);
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// SIGKILLs `child` (std sends exactly that signal to exactly this pid)
/// unless it already exited, and reaps it.
pub(crate) fn kill_and_reap(child: &mut Child) -> Result<(), TestbedError> {
    let pid = child.id();
    if child
        .try_wait()
        .map_err(|e| TestbedError::io(format!("waiting for pid {pid}"), e))?
        .is_none()
    {
        child.kill().map_err(|e| TestbedError::Signal {
            pid,
            signal: "KILL",
            detail: e.to_string(),
        })?;
    }
    child
        .wait()
        .map_err(|e| TestbedError::io(format!("reaping pid {pid}"), e))?;
    Ok(())
}

/// The last `lines` lines of a log file, or why it could not be read.
pub(crate) fn log_tail(path: &Path, lines: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_not_handed_out_twice() -> Result<(), TestbedError> {
        let ports: HashSet<u16> = (0..20).map(|_| free_port()).collect::<Result<_, _>>()?;
        assert_eq!(ports.len(), 20);
        Ok(())
    }
}
