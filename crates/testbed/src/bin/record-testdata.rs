//! `make testdata`: records binlogs and relay logs from real MySQL 9.7 and
//! MariaDB servers running the workloads in scripts/testdata/sql, and
//! beside each file the reference dumper's output for several flag sets.
//!
//! Layout: `testdata/<server>/<config>/<binlog file>` and, per variant,
//! `<binlog file>.<variant>.args` (the flags, one per line),
//! `<binlog file>.<variant>.out` (stdout) and `<binlog file>.<variant>.meta`
//! (exit code and stderr). Files over 32 KiB, binlogs included, are stored
//! gzipped with a `.gz` suffix. The golden test runs `understudy binlog`
//! with the same flags and compares.
//! Reference dumpers run with TZ=UTC.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use understudy_binlog::EventReader;
use understudy_binlog::event::{self, Event};
use understudy_binlog::event_type::*;
use understudy_binlog::gtid::Uuid;
use understudy_testbed::{Server, ServerKind, ServerOptions};

type Error = Box<dyn std::error::Error>;

const GTID: &[&str] = &["--gtid-mode=ON", "--enforce-gtid-consistency=ON"];

struct Config {
    kind: ServerKind,
    name: &'static str,
    args: Vec<&'static str>,
    sql: &'static [&'static str],
    /// Record the relay log of a replica of this server instead.
    relay: bool,
    /// Only the `-v --base64-output=decode-rows` variant (huge files).
    only_v: bool,
}

fn configs() -> Vec<Config> {
    use ServerKind::*;
    let c = |kind, name, args: &[&'static str], sql, relay, only_v| Config {
        kind,
        name,
        args: args.to_vec(),
        sql,
        relay,
        only_v,
    };
    let g =
        |more: &[&'static str]| -> Vec<&'static str> { GTID.iter().chain(more).copied().collect() };
    vec![
        c(
            Mysql97,
            "row_gtid",
            &g(&["--binlog-format=ROW"]),
            &["types", "txn", "xa", "mysql_extra", "mysql_tagged"],
            false,
            false,
        ),
        c(
            Mysql97,
            "statement",
            &[
                "--gtid-mode=OFF",
                "--enforce-gtid-consistency=OFF",
                "--binlog-format=STATEMENT",
            ],
            &["statement", "txn", "xa"],
            false,
            false,
        ),
        c(
            Mysql97,
            "mixed_gtid",
            &g(&["--binlog-format=MIXED"]),
            &["statement", "types"],
            false,
            false,
        ),
        c(
            Mysql97,
            "compressed",
            &g(&["--binlog-transaction-compression=ON"]),
            &["types", "txn", "mysql_extra"],
            false,
            false,
        ),
        c(
            Mysql97,
            "partial_json",
            &[
                "--binlog-row-image=MINIMAL",
                "--binlog-row-value-options=PARTIAL_JSON",
            ],
            &["mysql_json_partial", "types"],
            false,
            false,
        ),
        c(
            Mysql97,
            "noblob_full_metadata",
            &[
                "--binlog-row-image=NOBLOB",
                "--binlog-row-metadata=FULL",
                "--binlog-rows-query-log-events=ON",
            ],
            &["types", "mysql_extra"],
            false,
            false,
        ),
        c(
            Mysql97,
            "no_checksum",
            &["--gtid-mode=OFF", "--binlog-checksum=NONE"],
            &["txn", "xa"],
            false,
            false,
        ),
        c(
            Mysql97,
            "relay",
            &g(&["--binlog-format=ROW"]),
            &["txn", "types"],
            true,
            false,
        ),
        c(
            Mysql97,
            "big_row",
            &["--max-allowed-packet=64M"],
            &["big_row"],
            false,
            true,
        ),
        c(
            Mariadb1011,
            "row",
            &["--binlog-format=ROW"],
            &["types", "txn", "xa", "mariadb_extra"],
            false,
            false,
        ),
        c(
            Mariadb1011,
            "statement",
            &["--binlog-format=STATEMENT"],
            &["statement", "txn", "xa"],
            false,
            false,
        ),
        c(
            Mariadb1011,
            "mixed",
            &["--binlog-format=MIXED"],
            &["statement", "types"],
            false,
            false,
        ),
        c(
            Mariadb1011,
            "compressed",
            &["--binlog-format=MIXED", "--log-bin-compress=ON"],
            &["statement", "types"],
            false,
            false,
        ),
        c(
            Mariadb1011,
            "full_metadata",
            &[
                "--binlog-format=ROW",
                "--binlog-row-metadata=FULL",
                "--binlog-annotate-row-events=OFF",
            ],
            &["types"],
            false,
            false,
        ),
        c(
            Mariadb1011,
            "relay",
            &["--binlog-format=ROW"],
            &["txn", "types"],
            true,
            false,
        ),
        c(
            Mariadb118,
            "row",
            &["--binlog-format=ROW"],
            &["types", "txn", "xa", "mariadb_extra"],
            false,
            false,
        ),
        c(
            Mariadb118,
            "statement",
            &["--binlog-format=STATEMENT"],
            &["statement", "txn"],
            false,
            false,
        ),
    ]
}

fn main() -> Result<(), Error> {
    let root = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let only: Vec<String> = std::env::args().skip(2).collect();
    let sql_dir = root.join("scripts/testdata/sql");
    let out_root = root.join("testdata");
    let available = ServerKind::all_available()?;
    for cfg in configs() {
        let label = format!("{}/{}", cfg.kind.name(), cfg.name);
        if !only.is_empty() && !only.iter().any(|o| label.contains(o.as_str())) {
            continue;
        }
        if !available.contains(&cfg.kind) {
            return Err(format!("{} is not provisioned (run `make testbed`)", cfg.kind).into());
        }
        let started = Instant::now();
        // Recorded aside and put in place whole: a failed run leaves the
        // previous recording as it was.
        let dir = out_root.join(cfg.kind.name()).join(cfg.name);
        let fresh = out_root
            .join(cfg.kind.name())
            .join(format!(".{}.new", cfg.name));
        if fresh.exists() {
            fs::remove_dir_all(&fresh)?;
        }
        fs::create_dir_all(&fresh)?;
        let files = record(&cfg, &sql_dir, &fresh)?;
        for f in &files {
            write_references(&cfg, f)?;
        }
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::rename(&fresh, &dir)?;
        eprintln!(
            "recorded {label}: {} file(s) in {:.1?}",
            files.len(),
            started.elapsed()
        );
    }
    write_manifest(&out_root)
}

/// testdata/MANIFEST: every recorded case, `<binlog> <variant>`, which the
/// golden test checks against what it finds.
fn write_manifest(out_root: &Path) -> Result<(), Error> {
    let mut lines = Vec::new();
    for server in fs::read_dir(out_root)?.flatten() {
        let Ok(configs) = fs::read_dir(server.path()) else {
            continue;
        };
        for config in configs.flatten() {
            let Ok(files) = fs::read_dir(config.path()) else {
                continue;
            };
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                if let Some((binlog, variant)) =
                    name.strip_suffix(".args").and_then(|s| s.rsplit_once('.'))
                {
                    let rel = config.path().join(binlog);
                    let rel = rel.strip_prefix(out_root).unwrap_or(&rel).to_path_buf();
                    lines.push(format!("{} {variant}", rel.display()));
                }
            }
        }
    }
    lines.sort();
    let mut text = String::from("# Written by `make testdata`; tests/golden.rs checks it.\n");
    for l in lines {
        text.push_str(&l);
        text.push('\n');
    }
    fs::write(out_root.join("MANIFEST"), text)?;
    Ok(())
}

fn workload(cfg: &Config, sql_dir: &Path, scratch: &Path) -> Result<String, Error> {
    let datafile = scratch.join("words.txt");
    let mut words = String::new();
    for i in 0..300 {
        words.push_str(&format!("word{i:03},extra\n"));
    }
    fs::write(&datafile, words)?;
    let mut sql = String::new();
    for name in cfg.sql {
        let text = fs::read_to_string(sql_dir.join(format!("{name}.sql")))?;
        sql.push_str(&text.replace("@DATAFILE@", &datafile.display().to_string()));
        sql.push('\n');
    }
    Ok(sql)
}

fn record(cfg: &Config, sql_dir: &Path, dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let scratch = tempfile::tempdir()?;
    // The load file must be readable by the server: keep it in its tmpdir.
    let source = Server::start(
        cfg.kind,
        ServerOptions::new()
            .server_id(1)
            .args(cfg.args.iter().copied()),
    )?;
    let sql = workload(cfg, sql_dir, scratch.path())?;
    let mut copied = Vec::new();
    if cfg.relay {
        let replica = start_replica(cfg, &source)?;
        source.sql(&sql)?;
        wait_for_replica(cfg, &source, &replica)?;
        replica.sql(if cfg.kind.is_mariadb() {
            "STOP SLAVE;"
        } else {
            "STOP REPLICA;"
        })?;
        let mut relays: Vec<PathBuf> = fs::read_dir(replica.data_dir())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("relay-bin.0"))
            })
            .collect();
        relays.sort();
        for p in relays {
            let dest = dir.join(p.file_name().ok_or("relay log name")?);
            fs::copy(&p, &dest)?;
            copied.push(dest);
        }
        replica.stop()?;
    } else {
        source.sql(&sql)?;
    }
    source.sql("FLUSH BINARY LOGS;")?;
    if !cfg.relay {
        let files = source.binlog_files()?;
        // The last file is the fresh one FLUSH opened: empty but for its
        // header, and still in use.
        for p in &files[..files.len().saturating_sub(1)] {
            let dest = dir.join(p.file_name().ok_or("binlog name")?);
            fs::copy(p, &dest)?;
            copied.push(dest);
        }
    }
    source.stop()?;
    Ok(copied)
}

fn start_replica(cfg: &Config, source: &Server) -> Result<Server, Error> {
    let mut args = cfg.args.clone();
    args.push("--relay-log=relay-bin");
    let replica = Server::start(cfg.kind, ServerOptions::new().server_id(2).args(args))?;
    let port = source.port();
    if cfg.kind.is_mariadb() {
        replica.sql(&format!(
            "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={port}, MASTER_USER='root', MASTER_USE_GTID=slave_pos; START SLAVE;"
        ))?;
    } else {
        replica.sql(&format!(
            "CHANGE REPLICATION SOURCE TO SOURCE_HOST='127.0.0.1', SOURCE_PORT={port}, SOURCE_USER='root', SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1; START REPLICA;"
        ))?;
    }
    Ok(replica)
}

fn wait_for_replica(cfg: &Config, source: &Server, replica: &Server) -> Result<(), Error> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (s, r) = if cfg.kind.is_mariadb() {
            (
                source.sql("SELECT @@gtid_binlog_pos;")?,
                replica.sql("SELECT @@gtid_slave_pos;")?,
            )
        } else {
            (
                source.sql("SELECT @@GLOBAL.gtid_executed;")?,
                replica.sql("SELECT @@GLOBAL.gtid_executed;")?,
            )
        };
        if s.trim() == r.trim() && !s.trim().is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("replica did not catch up: source {s:?}, replica {r:?}").into());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Offsets, times and GTIDs of a file's events, to pick filter bounds.
struct Landmarks {
    /// Offsets where transactions start (GTID events, else BEGIN queries).
    starts: Vec<u64>,
    end: u64,
    /// Distinct event timestamps, in order.
    times: Vec<u32>,
    gtids: Vec<(Uuid, Vec<u8>, i64)>,
    databases: Vec<String>,
}

fn landmarks(bytes: &[u8]) -> Result<Landmarks, Error> {
    let mut r = EventReader::new(bytes)?;
    let mut l = Landmarks {
        starts: Vec::new(),
        end: 0,
        times: Vec::new(),
        gtids: Vec::new(),
        databases: Vec::new(),
    };
    let mut saw_gtid = false;
    while let Some(ev) = r.next_event() {
        let raw = ev?;
        l.end = raw.end_offset();
        if !l.times.contains(&raw.header.timestamp) && raw.header.timestamp != 0 {
            l.times.push(raw.header.timestamp);
        }
        match event::decode(&raw, r.fde())? {
            Event::Gtid(g) => {
                saw_gtid = true;
                l.starts.push(raw.offset);
                if !g.anonymous {
                    l.gtids.push((Uuid(g.uuid), g.tag.to_vec(), g.gno));
                }
            }
            Event::MariaGtid(_) => {
                saw_gtid = true;
                l.starts.push(raw.offset);
            }
            Event::Query(q) => {
                if !saw_gtid && (q.query.starts_with(b"BEGIN") || raw.type_code == QUERY_EVENT) {
                    l.starts.push(raw.offset);
                }
                let db = String::from_utf8_lossy(q.db).into_owned();
                if !db.is_empty() && !l.databases.contains(&db) {
                    l.databases.push(db);
                }
            }
            _ => {}
        }
    }
    l.times.sort_unstable();
    Ok(l)
}

fn datetime(ts: u32) -> String {
    let days = i64::from(ts) / 86_400;
    let secs = i64::from(ts) % 86_400;
    // Civil date from days since the epoch.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn variants(cfg: &Config, file: &Path) -> Result<Vec<(String, Vec<String>)>, Error> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut out = vec![("v".to_string(), s(&["-v", "--base64-output=decode-rows"]))];
    if cfg.only_v {
        return Ok(out);
    }
    out.push(("vv".into(), s(&["-vv"])));
    out.push(("hexdump".into(), s(&["--hexdump"])));
    out.push(("plain".into(), Vec::new()));
    out.push(("short".into(), s(&["--short-form"])));
    let l = landmarks(&fs::read(file)?)?;
    if l.starts.len() >= 4 {
        let a = l.starts[l.starts.len() / 4];
        let b = l.starts[l.starts.len() * 3 / 4];
        out.push((
            "pos".into(),
            vec![
                "-v".into(),
                format!("--start-position={a}"),
                format!("--stop-position={b}"),
            ],
        ));
        // A stop position inside a transaction.
        out.push((
            "pos_mid".into(),
            vec!["-v".into(), format!("--stop-position={}", b + 1)],
        ));
    }
    if l.times.len() >= 4 {
        let a = l.times[l.times.len() / 3];
        let b = l.times[l.times.len() * 2 / 3];
        out.push((
            "datetime".into(),
            vec![
                "-v".into(),
                format!("--start-datetime={}", datetime(a)),
                format!("--stop-datetime={}", datetime(b)),
            ],
        ));
    }
    if !cfg.kind.is_mariadb() && l.gtids.len() >= 6 {
        let (u, _, _) = &l.gtids[0];
        let untagged: Vec<i64> = l
            .gtids
            .iter()
            .filter(|g| g.0 == *u && g.1.is_empty())
            .map(|g| g.2)
            .collect();
        if untagged.len() >= 6 {
            let (a, b) = (untagged[1], untagged[untagged.len() / 2]);
            out.push((
                "exclude_gtids".into(),
                vec!["-v".into(), format!("--exclude-gtids={u}:{a}-{b}")],
            ));
            out.push((
                "include_gtids".into(),
                vec!["-v".into(), format!("--include-gtids={u}:{a}-{b}")],
            ));
        }
    }
    if let Some(db) = l.databases.iter().find(|d| d.starts_with("us_")) {
        out.push((
            "database".into(),
            vec!["-v".into(), format!("--database={db}")],
        ));
    }
    out.push((
        "verify".into(),
        s(&[
            "--verify-binlog-checksum",
            "-v",
            "--base64-output=decode-rows",
        ]),
    ));
    Ok(out)
}

fn write_references(cfg: &Config, file: &Path) -> Result<(), Error> {
    let testbed = understudy_testbed::Testbed::load()?;
    // MariaDB files are read with MariaDB 10.11's mariadb-binlog (11.8's
    // files too): one reference dialect per server family.
    let ref_kind = if cfg.kind.is_mariadb() {
        ServerKind::Mariadb1011
    } else {
        ServerKind::Mysql97
    };
    let dumper = testbed.binaries(ref_kind)?.dumper;
    let scratch = tempfile::tempdir()?;
    for (name, args) in variants(cfg, file)? {
        let output = Command::new(&dumper)
            .args(&args)
            .arg(format!("--local-load={}", scratch.path().display()))
            .arg(file)
            .env("TZ", "UTC")
            .output()?;
        let base = file.display().to_string();
        fs::write(format!("{base}.{name}.args"), args.join("\n") + "\n")?;
        let meta = format!(
            "rc={}\n{}",
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr)
        );
        fs::write(format!("{base}.{name}.meta"), meta)?;
        store(Path::new(&format!("{base}.{name}.out")), &output.stdout)?;
    }
    // The binlog itself, compressed too when large.
    let bytes = fs::read(file)?;
    if bytes.len() > GZIP_OVER {
        fs::remove_file(file)?;
        store(file, &bytes)?;
    }
    Ok(())
}

const GZIP_OVER: usize = 32 * 1024;

/// Writes `data` to `path`, or gzipped to `path.gz` when large.
fn store(path: &Path, data: &[u8]) -> Result<(), Error> {
    if data.len() > GZIP_OVER {
        let f = fs::File::create(format!("{}.gz", path.display()))?;
        let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::best());
        gz.write_all(data)?;
        gz.finish()?;
    } else {
        fs::write(path, data)?;
    }
    Ok(())
}
