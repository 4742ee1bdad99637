//! The dumper's `--read-from-remote-server`: a live server's binlogs
//! fetched with the replication client and written as raw binlog files
//! (mysqlbinlog's `--raw`), one per source binlog, named after it behind a
//! prefix. With `stop_never` it keeps waiting for new events and, when the
//! connection breaks, reconnects and resumes where the files end (binlog
//! backup mode); without it, the server ends the dump at its last event
//! (`BINLOG_DUMP_NON_BLOCK`).

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::watch;
use understudy_binlog::event::rotate_event::RotateEvent;
use understudy_binlog::event_type::{
    FORMAT_DESCRIPTION_EVENT, HEARTBEAT_LOG_EVENT, HEARTBEAT_LOG_EVENT_V2, ROTATE_EVENT,
};
use understudy_binlog::format_description_event::FormatDescription;
use understudy_binlog::header::LOG_EVENT_ARTIFICIAL_F;
use understudy_binlog::reader::EventReader;
use understudy_mysql_proto::command;

use crate::client::{ClientError, Conn, ConnectOptions, DumpPacket};
use crate::error::{ReplicaError, Result};

/// COM_BINLOG_DUMP flag: end the dump at the last event instead of waiting.
const BINLOG_DUMP_NON_BLOCK: u16 = 1;
/// MariaDB: send Annotate_rows events too.
const SEND_ANNOTATE_ROWS: u16 = 2;
const BINLOG_MAGIC: &[u8; 4] = b"\xfebin";

#[derive(Debug, Clone)]
pub struct RemoteOptions {
    pub connect: ConnectOptions,
    /// `--connection-server-id`.
    pub server_id: u32,
    /// The binlog to start from.
    pub first_file: String,
    /// `--start-position` in the first file.
    pub start_pos: u64,
    /// Keep waiting for events; reconnect when the connection breaks.
    pub stop_never: bool,
    /// Go on past the first file to the server's last binlog.
    pub to_last_log: bool,
    /// Wait between reconnects under `stop_never`.
    pub retry: Duration,
}

/// Raw binlog files `<prefix><source binlog name>`, as mysqlbinlog
/// `--raw --result-file=<prefix>` writes them.
#[derive(Debug)]
pub struct RawFiles {
    prefix: String,
    current: Option<Current>,
    /// Every file written, in order.
    pub written: Vec<PathBuf>,
}

#[derive(Debug)]
struct Current {
    name: String,
    path: PathBuf,
    out: BufWriter<File>,
    /// Bytes in the file.
    len: u64,
}

impl RawFiles {
    pub fn new(prefix: &str) -> Self {
        RawFiles {
            prefix: prefix.to_owned(),
            current: None,
            written: Vec::new(),
        }
    }

    /// Starts writing the file of source binlog `name` (kept when it is the
    /// one being written: a resume).
    fn open(&mut self, name: &str) -> Result<()> {
        if self.current.as_ref().is_some_and(|c| c.name == name) {
            return Ok(());
        }
        self.flush()?;
        let path = PathBuf::from(format!("{}{name}", self.prefix));
        let mut file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&path)
            .map_err(|e| ReplicaError::io(&path, e))?;
        file.write_all(BINLOG_MAGIC)
            .map_err(|e| ReplicaError::io(&path, e))?;
        self.written.push(path.clone());
        self.current = Some(Current {
            name: name.to_owned(),
            path,
            out: BufWriter::with_capacity(1 << 20, file),
            len: 4,
        });
        Ok(())
    }

    /// Whether the file being written holds more than the magic number.
    fn has_events(&self) -> bool {
        self.current.as_ref().is_some_and(|c| c.len > 4)
    }

    fn write(&mut self, event: &[u8]) -> Result<()> {
        let Some(c) = self.current.as_mut() else {
            return Err(ReplicaError::Config(
                "the server sent an event before naming its binlog (no rotate event)".into(),
            ));
        };
        c.out
            .write_all(event)
            .map_err(|e| ReplicaError::io(&c.path, e))?;
        c.len += event.len() as u64;
        Ok(())
    }

    pub fn flush(&mut self) -> Result<()> {
        if let Some(c) = self.current.as_mut() {
            c.out.flush().map_err(|e| ReplicaError::io(&c.path, e))?;
        }
        Ok(())
    }

    /// Flushes, and cuts the file being written back to the whole events
    /// counted (nothing else can be in it; this is a guard).
    fn settle(&mut self) -> Result<()> {
        self.flush()?;
        let Some(c) = self.current.as_mut() else {
            return Ok(());
        };
        let f = c.out.get_mut();
        f.set_len(c.len)
            .and_then(|()| f.seek(SeekFrom::Start(c.len)).map(|_| ()))
            .map_err(|e| ReplicaError::io(&c.path, e))
    }
}

/// How a session ended.
enum End {
    /// The dump is complete (or `stop` was asked).
    Done,
    /// The connection broke: resume under `stop_never`.
    Lost(ClientError),
}

/// Fetches into `out` until the dump ends, `stop` turns true, or an error.
pub async fn fetch(
    opts: &RemoteOptions,
    out: &mut RawFiles,
    mut stop: watch::Receiver<bool>,
) -> Result<()> {
    // Where the next event is in the source's binlog.
    let mut file = opts.first_file.clone();
    let mut pos = opts.start_pos.max(4);
    loop {
        let end = session(opts, &mut file, &mut pos, out, &mut stop).await;
        out.settle()?;
        match end? {
            End::Done => return Ok(()),
            End::Lost(e) if opts.stop_never => {
                tracing::warn!("lost the server at {file}:{pos}: {e}; reconnecting");
                tokio::select! {
                    _ = tokio::time::sleep(opts.retry) => {}
                    _ = stop.changed() => return Ok(()),
                }
            }
            End::Lost(e) => return Err(ReplicaError::Client(e)),
        }
    }
}

/// A client error: the server's own errors end the dump, the rest
/// (refused, closed, timed out) is a lost connection.
fn lost(e: ClientError) -> Result<End> {
    if e.server_error().is_some() {
        Err(ReplicaError::Client(e))
    } else {
        Ok(End::Lost(e))
    }
}

async fn session(
    opts: &RemoteOptions,
    file: &mut String,
    pos: &mut u64,
    out: &mut RawFiles,
    stop: &mut watch::Receiver<bool>,
) -> Result<End> {
    let mut conn = tokio::select! {
        c = Conn::connect(&opts.connect) => match c {
            Ok(c) => c,
            Err(e) => return lost(e),
        },
        _ = stop.changed() => return Ok(End::Done),
    };
    let mariadb = conn.is_mariadb();
    let mut sets = vec!["SET @master_binlog_checksum = @@global.binlog_checksum"];
    if mariadb {
        sets.push("SET @mariadb_slave_capability = 4");
    } else {
        sets.push("SET @source_binlog_checksum = @@global.binlog_checksum");
    }
    if opts.stop_never {
        // Heartbeats every 30 s keep a quiet connection checked.
        sets.push("SET @master_heartbeat_period = 30000000000");
        if !mariadb {
            sets.push("SET @source_heartbeat_period = 30000000000");
        }
    }
    for s in sets {
        if let Err(e) = conn.query(s).await {
            return lost(e);
        }
    }
    let crc = match conn.query("SELECT @master_binlog_checksum").await {
        Ok(r) => r.scalar().is_some_and(|a| a.eq_ignore_ascii_case("CRC32")),
        Err(e) => return lost(e),
    };
    let mut flags = if opts.stop_never {
        0
    } else {
        BINLOG_DUMP_NON_BLOCK
    };
    if mariadb {
        flags |= SEND_ANNOTATE_ROWS;
    }
    // COM_BINLOG_DUMP carries a 4-byte position: past 4 GiB in one binlog
    // the request cannot be made, and a wrong one must not be.
    let start = u32::try_from(*pos).map_err(|_| ReplicaError::Corrupt {
        path: PathBuf::from(&*file),
        detail: format!("cannot ask for position {pos}: COM_BINLOG_DUMP positions end at 4 GiB"),
    })?;
    let dump = command::binlog_dump(opts.server_id, file, start, flags);
    if let Err(e) = conn.command(&dump).await {
        return lost(e);
    }
    if opts.stop_never {
        conn.set_read_timeout(Some(Duration::from_secs(90)));
    }
    let mut fde = FormatDescription::default_v4();
    fde.checksum_alg = Some(u8::from(crc));
    let mut first_rotate = true;
    loop {
        if !conn.has_buffered_packet() {
            out.flush()?;
        }
        let packet = tokio::select! {
            p = conn.read_dump_packet() => p,
            _ = stop.changed() => {
                conn.quit().await;
                return Ok(End::Done);
            }
        };
        let ev = match packet {
            Ok(DumpPacket::Event(ev)) => ev,
            Ok(DumpPacket::Eof) => return Ok(End::Done),
            Err(e) => return lost(e),
        };
        let mut reader = EventReader::at(ev, 0, *pos, fde).verify_checksums(true);
        let raw = match reader.next_event() {
            Some(Ok(raw)) if raw.raw.len() == ev.len() => raw,
            Some(Ok(_)) | None => return Err(bad(file, *pos, "a packet that is not one event")),
            Some(Err(e)) => return Err(bad(file, *pos, &e.to_string())),
        };
        // Made-up events (the fake rotate naming the file, MariaDB's
        // Gtid_list at a GTID start) are flagged artificial; a fake rotate
        // also has log position 0, which no rotate in a binlog has.
        let artificial = raw.header.flags & LOG_EVENT_ARTIFICIAL_F != 0
            || (raw.type_code == ROTATE_EVENT && raw.header.log_pos == 0);
        let type_code = raw.type_code;
        match type_code {
            HEARTBEAT_LOG_EVENT | HEARTBEAT_LOG_EVENT_V2 => {}
            ROTATE_EVENT if artificial => {
                let post = reader.fde().post_header_len(ROTATE_EVENT).unwrap_or(8);
                let r = RotateEvent::parse(raw.body, post)
                    .map_err(|e| bad(file, *pos, &e.to_string()))?;
                let name = String::from_utf8_lossy(r.next_log).into_owned();
                if !first_rotate && name != *file && !opts.to_last_log && !opts.stop_never {
                    return Ok(End::Done);
                }
                first_rotate = false;
                out.open(&name)?;
                *file = name;
                *pos = r.position;
            }
            // Sent again at every connection that starts inside a file: it
            // is not at `pos` in the source's binlog. Kept at the head of a
            // file begun at --start-position, as mysqlbinlog keeps it.
            FORMAT_DESCRIPTION_EVENT if *pos > 4 => {
                if !out.has_events() {
                    out.write(raw.raw)?;
                }
            }
            FORMAT_DESCRIPTION_EVENT => {
                out.write(raw.raw)?;
                *pos += raw.raw.len() as u64;
            }
            _ if artificial => {}
            _ => {
                out.write(raw.raw)?;
                *pos += raw.raw.len() as u64;
                if type_code == ROTATE_EVENT && !opts.to_last_log && !opts.stop_never {
                    return Ok(End::Done);
                }
            }
        }
        fde = reader.into_fde();
    }
}

fn bad(file: &str, pos: u64, what: &str) -> ReplicaError {
    ReplicaError::Corrupt {
        path: PathBuf::from(file),
        detail: format!("bad event from the server at offset {pos}: {what}"),
    }
}
