//! Metrics for Prometheus (`GET /metrics`, text format 0.0.4): lag,
//! events and bytes received and applied, relay log space, the I/O and
//! SQL threads' running flags and states, their last errors. A minimal
//! HTTP/1.x responder: one request per connection.

use std::path::{Path, PathBuf};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::watch;
use understudy_replica::counters;
use understudy_replica::status_report;

/// A label value with `\`, `"` and newlines escaped.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn metric(out: &mut String, name: &str, kind: &str, help: &str, samples: &[(String, String)]) {
    out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
    for (labels, v) in samples {
        out.push_str(&format!("{name}{labels} {v}\n"));
    }
}

/// The metrics text for the replica in `dir`.
pub fn render(dir: &Path) -> String {
    let fields = status_report::report(dir).unwrap_or_default();
    let get = |n: &str| {
        fields
            .iter()
            .find(|f| f.name == n)
            .and_then(|f| f.value.clone())
    };
    let num = |n: &str| get(n).unwrap_or_else(|| "0".into());
    let one = |v: String| vec![(String::new(), v)];
    let mut out = String::new();
    if let Some(lag) = get("Seconds_Behind_Source") {
        metric(
            &mut out,
            "understudy_replica_lag_seconds",
            "gauge",
            "Seconds_Behind_Source (absent while the applier is stopped).",
            &one(lag),
        );
    }
    let c = counters::snapshot();
    for (name, help, v) in [
        (
            "understudy_events_received_total",
            "Events the I/O task wrote to the relay log.",
            c.events_received,
        ),
        (
            "understudy_bytes_received_total",
            "Bytes the I/O task wrote to the relay log.",
            c.bytes_received,
        ),
        (
            "understudy_transactions_applied_total",
            "Source transactions the applier committed.",
            c.transactions_applied,
        ),
        (
            "understudy_events_applied_total",
            "Events of the transactions the applier committed.",
            c.events_applied,
        ),
        (
            "understudy_bytes_applied_total",
            "Relay log bytes of the transactions the applier committed.",
            c.bytes_applied,
        ),
    ] {
        metric(&mut out, name, "counter", help, &one(v.to_string()));
    }
    for (name, field, help) in [
        (
            "understudy_relay_log_space_bytes",
            "Relay_Log_Space",
            "Relay_Log_Space.",
        ),
        (
            "understudy_read_source_log_pos",
            "Read_Source_Log_Pos",
            "Read_Source_Log_Pos.",
        ),
        (
            "understudy_exec_source_log_pos",
            "Exec_Source_Log_Pos",
            "Exec_Source_Log_Pos.",
        ),
        (
            "understudy_last_io_errno",
            "Last_IO_Errno",
            "Last_IO_Errno (0: none).",
        ),
        (
            "understudy_last_sql_errno",
            "Last_SQL_Errno",
            "Last_SQL_Errno (0: none).",
        ),
    ] {
        metric(&mut out, name, "gauge", help, &one(num(field)));
    }
    for (thread, running, state) in [
        ("io", "Replica_IO_Running", "Replica_IO_State"),
        ("sql", "Replica_SQL_Running", "Replica_SQL_Running_State"),
    ] {
        let yes = get(running).as_deref() == Some("Yes");
        metric(
            &mut out,
            &format!("understudy_{thread}_running"),
            "gauge",
            &format!("{running}: 1 for Yes, 0 otherwise."),
            &one(u8::from(yes).to_string()),
        );
        metric(
            &mut out,
            &format!("understudy_{thread}_state"),
            "gauge",
            &format!("{state}, as a label."),
            &[(
                format!("{{state=\"{}\"}}", label(&get(state).unwrap_or_default())),
                "1".into(),
            )],
        );
    }
    out
}

/// Serves `GET /metrics` until `stop` turns true.
pub async fn serve(listener: TcpListener, dir: PathBuf, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stop.changed() => {
                if *stop.borrow() {
                    return;
                }
            }
            accepted = listener.accept() => {
                let Ok((mut stream, _)) = accepted else {
                    continue;
                };
                let dir = dir.clone();
                tokio::spawn(async move {
                    let mut req = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !req.windows(4).any(|w| w == b"\r\n\r\n") && req.len() < 8192 {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => req.extend_from_slice(&buf[..n]),
                        }
                    }
                    let line = String::from_utf8_lossy(&req);
                    let path = line.split_whitespace().nth(1).unwrap_or("");
                    let (status, body) = match path {
                        "/metrics" => ("200 OK", render(&dir)),
                        _ => ("404 Not Found", "see /metrics\n".to_owned()),
                    };
                    let resp = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(resp.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        let text = render(Path::new("/nonexistent"));
        assert!(text.contains("# TYPE understudy_events_received_total counter\n"));
        assert!(text.contains("understudy_io_running 0\n"));
        assert!(!text.contains("understudy_replica_lag_seconds"));
    }
}
