//! What the endpoint tests share: the real `mysql` client against a
//! port, and reading its output.

use std::process::{Command, Output};

use understudy_testbed::Server;

use super::Replica;

pub const ADMIN_PW: &str = "admin-pw";
pub const READER_PW: &str = "reader-pw";

/// A free loopback port for the endpoint.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The real `mysql` client against the endpoint, local commands (`\G`)
/// on; the statements go in on stdin.
pub fn client(
    server: &Server,
    port: u16,
    user: &str,
    pw: &str,
    extra: &[&str],
    sql: &str,
) -> Output {
    use std::io::Write;
    let mut child = Command::new(server.client_path())
        .arg("--no-defaults")
        .arg("--commands")
        .arg(format!("-u{user}"))
        .args((!pw.is_empty()).then(|| format!("-p{pw}")))
        .arg("-h127.0.0.1")
        .arg(format!("-P{port}"))
        .args(extra)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sql.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// [`client`] as the endpoint's `admin` account.
pub fn admin(server: &Server, port: u16, extra: &[&str], sql: &str) -> Output {
    client(server, port, "admin", ADMIN_PW, extra, sql)
}

pub fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "client failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn err(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `Name: value` lines of `\G` output.
pub fn vertical(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.starts_with("***"))
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((
                k.trim().to_owned(),
                v.strip_prefix(' ').unwrap_or(v).to_owned(),
            ))
        })
        .collect()
}

/// `--column-type-info`'s (name, type, flags) per column.
pub fn column_types(text: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(String, String, String)> = None;
    for l in text.lines() {
        if let Some(rest) = l.strip_prefix("Field ") {
            if let Some(c) = cur.take() {
                out.push(c);
            }
            let name = rest.split('`').nth(1).unwrap_or_default().to_owned();
            cur = Some((name, String::new(), String::new()));
        } else if let Some(c) = cur.as_mut() {
            if let Some(t) = l.strip_prefix("Type:") {
                c.1 = t.trim().to_owned();
            } else if let Some(f) = l.strip_prefix("Flags:") {
                c.2 = f.trim().to_owned();
            }
        }
    }
    out.extend(cur);
    out
}

/// `understudy run` following `server` with the endpoint on a free port
/// (account `admin`, [`ADMIN_PW`]) and `extra` flags: the replica and
/// the endpoint's port.
pub fn start_replica(dir: &std::path::Path, server: &Server, extra: &[&str]) -> (Replica, u16) {
    let port = free_port();
    let apw = dir.join("admin-pw");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(&apw, format!("{ADMIN_PW}\n")).unwrap();
    let mut args = vec![
        "--listen".to_owned(),
        format!("127.0.0.1:{port}"),
        "--admin-password-file".to_owned(),
        apw.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let replica = Replica::start(dir, server, &args);
    // Returns once the endpoint listens.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the endpoint never listened on {port}: {}",
            replica.stderr()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (replica, port)
}
