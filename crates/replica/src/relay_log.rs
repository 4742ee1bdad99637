//! The relay log on disk: `<name>-relay-bin.NNNNNN` files listed in
//! `<name>-relay-bin.index`, each starting with the replica's own format
//! description (and, for MySQL, a Previous_gtids event with the GTIDs
//! received before it), then the source's events verbatim, and a Rotate to
//! the next file when it is closed. (For a MariaDB source the GTIDs come
//! in a Gtid_list event of the replica's: MariaDB's own replicas keep them
//! in a table.) Files change at `max_relay_log_size`
//! and only between transactions. Writes are buffered and reach the file
//! at transaction ends (or when the buffer is large); `sync_relay_log`
//! says after how many events an fsync follows (0: the OS decides).
//!
//! At start-up the last file is read back: a torn tail (an event cut short
//! or with a bad checksum) and a partial transaction are cut off, so the
//! relay log ends at a transaction boundary and the I/O task resumes from
//! there.

use std::fs::{self, File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use understudy_binlog::event_type::FORMAT_DESCRIPTION_EVENT;
use understudy_binlog::format_description_event::Flavor;
use understudy_binlog::header::LOG_EVENT_RELAY_LOG_F;
use understudy_binlog::relay::{self, RelayTailScanner, TailScan};
use understudy_binlog::stream::each_event;

use crate::error::{ReplicaError, Result};
use crate::progress::Progress;
use crate::relay_watch::RelayWatch;

#[derive(Debug, Clone)]
pub struct RelayLogOptions {
    pub dir: PathBuf,
    /// `<name>-relay-bin`.
    pub basename: String,
    /// `max_relay_log_size` (bytes; MySQL's default, from
    /// `max_binlog_size`, is 1 GiB).
    pub max_size: u64,
    /// `sync_relay_log`: fsync after this many events (0: never forced).
    pub sync_every: u64,
    pub server_id: u32,
    /// `relay_log_purge`: delete files once the applier is done with them.
    pub purge: bool,
    /// `relay_log_space_limit` (bytes; 0: none): the I/O task waits at a
    /// transaction boundary while the relay log is larger.
    pub space_limit: u64,
}

#[derive(Debug)]
struct Current {
    name: String,
    path: PathBuf,
    file: File,
    /// Bytes in the file plus the buffer.
    len: u64,
    /// Where the replica's own header ends: never cut below.
    header_len: u64,
    flavor: Flavor,
}

#[derive(Debug)]
pub struct RelayLog {
    opts: RelayLogOptions,
    index_path: PathBuf,
    files: Vec<String>,
    current: Option<Current>,
    buf: Vec<u8>,
    unsynced_events: u64,
    /// Sizes of the closed files (for Relay_Log_Space).
    closed_space: u64,
    /// The source's last format description event, repeated at the start
    /// of a relay file that begins inside a source binlog.
    source_fde: Option<Vec<u8>>,
    watch: RelayWatch,
}

/// What start-up found in the relay log.
#[derive(Debug)]
pub struct Recovered {
    /// The scan of the last relay file (its GTIDs, source position and
    /// last complete transaction); empty when there is none.
    pub scan: TailScan,
    /// Bytes cut off the last file (torn tail and partial transaction).
    pub truncated: u64,
}

const FLUSH_AT: usize = 1 << 20;

impl RelayLog {
    /// Opens the relay log in `opts.dir` (creating nothing yet), reading the
    /// last file back and cutting it after its last complete transaction.
    pub fn open(opts: RelayLogOptions) -> Result<(RelayLog, Recovered)> {
        let index_path = opts.dir.join(format!("{}.index", opts.basename));
        let files: Vec<String> = match fs::read_to_string(&index_path) {
            Ok(t) => relay::parse_index(&t)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(ReplicaError::io(&index_path, e)),
        };
        let mut log = RelayLog {
            opts,
            index_path,
            files,
            current: None,
            buf: Vec::new(),
            unsynced_events: 0,
            closed_space: 0,
            source_fde: None,
            watch: RelayWatch::new(),
        };
        let mut recovered = Recovered {
            scan: RelayTailScanner::new().finish(None),
            truncated: 0,
        };
        let mut dropped = false;
        loop {
            let Some(last) = log.files.last().cloned() else {
                return Ok((log, recovered));
            };
            let path = log.opts.dir.join(&last);
            let (scan, flavor, len) = log.scan_file(&path)?;
            // The replica's format description, then the GTIDs received
            // before the file (Previous_gtids / Gtid_list).
            let header_whole = scan.replica_server_id.is_some()
                && match flavor {
                    Flavor::MySql => scan.previous_gtids.is_some(),
                    Flavor::MariaDb => scan.previous_mariadb_gtids.is_some(),
                };
            if !header_whole && dropped {
                // Only the file being written can be torn.
                return Err(ReplicaError::Corrupt {
                    path,
                    detail: "a closed relay log file without the replica's header".into(),
                });
            }
            if !header_whole {
                dropped = true;
                // Only a storage failure tears a header (it is written and
                // synced before the file enters the index); nothing after
                // it can be read. Drop the file and take the previous one.
                tracing::warn!(file = %path.display(), "relay log file with a torn header removed");
                log.files.pop();
                log.write_index()?;
                fs::remove_file(&path).map_err(|e| ReplicaError::io(&path, e))?;
                continue;
            }
            for f in &log.files[..log.files.len() - 1] {
                let p = log.opts.dir.join(f);
                log.closed_space += fs::metadata(&p).map_err(|e| ReplicaError::io(&p, e))?.len();
            }
            if scan.next_relay_file.is_some() || scan.stopped {
                // Closed (a rotate to a file that is gone, or a stop): the
                // next event goes to a new file.
                log.closed_space += len;
                recovered.scan = scan;
                return Ok((log, recovered));
            }
            let keep = scan.resume_len;
            recovered.truncated = len - keep;
            let mut file = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| ReplicaError::io(&path, e))?;
            if recovered.truncated > 0 {
                file.set_len(keep)
                    .and_then(|_| file.sync_all())
                    .map_err(|e| ReplicaError::io(&path, e))?;
            }
            file.seek(SeekFrom::Start(keep))
                .map_err(|e| ReplicaError::io(&path, e))?;
            log.current = Some(Current {
                name: last,
                path,
                file,
                len: keep,
                header_len: keep,
                flavor,
            });
            recovered.scan = scan;
            return Ok((log, recovered));
        }
    }

    /// Reads a relay file back with checksums verified. A framing or
    /// checksum error is the torn tail (the scan stops before it); an
    /// event that is whole but cannot be read is an error naming it.
    fn scan_file(&mut self, path: &Path) -> Result<(TailScan, Flavor, u64)> {
        let mut f = File::open(path).map_err(|e| ReplicaError::io(path, e))?;
        let len = f.metadata().map_err(|e| ReplicaError::io(path, e))?.len();
        let mut flavor = None;
        let mut scanner = RelayTailScanner::new();
        let mut source_fde = None;
        let err = each_event(&mut f, true, |raw, fde| {
            flavor.get_or_insert(fde.flavor);
            if raw.type_code == FORMAT_DESCRIPTION_EVENT
                && raw.header.flags & LOG_EVENT_RELAY_LOG_F == 0
            {
                source_fde = Some(raw.raw.to_vec());
            }
            scanner.event(raw, fde);
            ControlFlow::Continue(())
        })
        .map_err(|e| ReplicaError::io(path, e))?;
        let scan = scanner.finish(err);
        if let Some(e) = &scan.decode_error {
            return Err(ReplicaError::Corrupt {
                path: path.to_owned(),
                detail: e.to_string(),
            });
        }
        if let Some(e) = &scan.framing_error {
            tracing::warn!(file = %path.display(), "relay log tail cut off: {e}");
        }
        if source_fde.is_some() {
            self.source_fde = source_fde;
        }
        Ok((scan, flavor.unwrap_or(Flavor::MySql), len))
    }

    pub fn current_file(&self) -> Option<&str> {
        self.current.as_ref().map(|c| c.name.as_str())
    }

    /// Bytes in the current file (written or buffered).
    pub fn current_pos(&self) -> u64 {
        self.current.as_ref().map_or(0, |c| c.len)
    }

    pub fn flavor(&self) -> Option<Flavor> {
        self.current.as_ref().map(|c| c.flavor)
    }

    /// `Relay_Log_Space`: the size of all relay files.
    pub fn space(&self) -> u64 {
        self.closed_space + self.current_pos()
    }

    /// Starts a new relay file when there is none or when it must change
    /// (another flavor of source). `version` goes into its FDE.
    pub fn ensure_file(
        &mut self,
        version: &str,
        flavor: Flavor,
        progress: &Progress,
    ) -> Result<()> {
        match &self.current {
            Some(c) if c.flavor == flavor => Ok(()),
            _ => self.new_file(version, flavor, progress),
        }
    }

    fn next_name(&self) -> String {
        let n = self
            .files
            .last()
            .and_then(|f| f.rsplit('.').next())
            .and_then(|s| s.parse::<u32>().ok())
            .unwrap_or(0);
        format!("{}.{:06}", self.opts.basename, n + 1)
    }

    /// Closes the current file with a Rotate to the next and opens it.
    fn new_file(&mut self, version: &str, flavor: Flavor, progress: &Progress) -> Result<()> {
        let name = self.next_name();
        let now = now();
        let id = self.opts.server_id;
        if let Some(mut cur) = self.current.take() {
            let rotate = relay::rotate_event(&name, 4, id, now, 0, LOG_EVENT_RELAY_LOG_F, true);
            let end = cur.len + rotate.len() as u64;
            let rotate =
                relay::rotate_event(&name, 4, id, now, end as u32, LOG_EVENT_RELAY_LOG_F, true);
            self.buf.extend_from_slice(&rotate);
            cur.len = end;
            self.write_out(&mut cur, true)?;
            self.closed_space += cur.len;
        }
        let mut header = match flavor {
            Flavor::MySql => {
                relay::mysql_relay_file_header(version, now, id, &progress.mysql_gtids(), true)
            }
            Flavor::MariaDb => {
                relay::mariadb_relay_file_header(version, now, id, &progress.maria_gtids(), true)
            }
        };
        // Inside a source binlog: repeat its format description so that the
        // file can be read alone, and say where in that binlog the file
        // begins with a server-id-0 rotate (MySQL writes one after the
        // source's format description too), so that the file names its
        // own start whatever happens to master.info or the file's tail.
        let c = &progress.committed;
        if c.source_pos > 4
            && !c.source_file.is_empty()
            && let Some(fde) = self.source_fde.as_deref()
            && let Some((copy, checksum)) = artificial_copy(fde)
        {
            header.extend_from_slice(&copy);
            header.extend_from_slice(&relay::rotate_event(
                &c.source_file,
                c.source_pos,
                0,
                now,
                0,
                0,
                checksum,
            ));
        }
        let path = self.opts.dir.join(&name);
        // A file of that name not in the index is a leftover of a crash
        // before the index was written: it held nothing received.
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .map_err(|e| ReplicaError::io(&path, e))?;
        file.write_all(&header)
            .map_err(|e| ReplicaError::io(&path, e))?;
        file.sync_all().map_err(|e| ReplicaError::io(&path, e))?;
        self.files.push(name.clone());
        self.write_index()?;
        self.watch.wrote();
        self.current = Some(Current {
            name,
            path,
            file,
            len: header.len() as u64,
            header_len: header.len() as u64,
            flavor,
        });
        Ok(())
    }

    fn write_index(&self) -> Result<()> {
        let text: String = self.files.iter().map(|f| relay::index_line(f)).collect();
        crate::master_info::write_atomically(&self.index_path, text.as_bytes(), 0o644)
    }

    /// Appends one source event; returns the relay offset of its end.
    pub fn append(&mut self, event: &[u8], is_fde: bool) -> Result<u64> {
        let Some(cur) = self.current.as_mut() else {
            return Err(ReplicaError::Config(
                "relay log written before it was opened".into(),
            ));
        };
        self.buf.extend_from_slice(event);
        cur.len += event.len() as u64;
        let len = cur.len;
        if is_fde {
            self.source_fde = Some(event.to_vec());
        }
        self.unsynced_events += 1;
        if self.buf.len() >= FLUSH_AT {
            // A large transaction goes to the file as it comes.
            let mut cur = self
                .current
                .take()
                .ok_or_else(|| ReplicaError::Config("relay log closed while written".into()))?;
            let r = self.write_out(&mut cur, false);
            self.current = Some(cur);
            r?;
        }
        Ok(len)
    }

    /// At a transaction boundary: writes the buffer out when large (or
    /// `force`), fsyncs per `sync_relay_log`, and changes files past
    /// `max_relay_log_size`.
    pub fn at_boundary(&mut self, force: bool, version: &str, progress: &Progress) -> Result<()> {
        let Some(mut cur) = self.current.take() else {
            return Ok(());
        };
        let sync = self.opts.sync_every > 0 && self.unsynced_events >= self.opts.sync_every;
        let r = if force || sync || self.buf.len() >= FLUSH_AT {
            self.write_out(&mut cur, sync)
        } else {
            Ok(())
        };
        let full = cur.len >= self.opts.max_size;
        let flavor = cur.flavor;
        self.current = Some(cur);
        r?;
        if full {
            self.new_file(version, flavor, progress)?;
        }
        Ok(())
    }

    fn write_out(&mut self, cur: &mut Current, sync: bool) -> Result<()> {
        if !self.buf.is_empty() {
            cur.file
                .write_all(&self.buf)
                .map_err(|e| ReplicaError::io(&cur.path, e))?;
            self.buf.clear();
            self.watch.wrote();
        }
        if sync {
            cur.file
                .sync_data()
                .map_err(|e| ReplicaError::io(&cur.path, e))?;
            self.unsynced_events = 0;
        }
        Ok(())
    }

    /// Writes out and fsyncs everything (before master.info, at shutdown).
    pub fn sync(&mut self) -> Result<()> {
        if let Some(mut cur) = self.current.take() {
            let r = self.write_out(&mut cur, true);
            self.current = Some(cur);
            r?;
        }
        Ok(())
    }

    /// Drops what follows the last complete transaction (a connection
    /// lost mid-transaction).
    pub fn cut_to(&mut self, relay_offset: u64) -> Result<()> {
        let Some(cur) = self.current.as_mut() else {
            return Ok(());
        };
        let relay_offset = relay_offset.max(cur.header_len);
        if relay_offset >= cur.len {
            return Ok(());
        }
        tracing::info!(
            "relay log: dropped {} bytes of a partial transaction at {}:{relay_offset}",
            cur.len - relay_offset,
            cur.path.display()
        );
        let on_disk = cur.len - self.buf.len() as u64;
        if relay_offset >= on_disk {
            self.buf.truncate((relay_offset - on_disk) as usize);
        } else {
            self.buf.clear();
            self.watch.cutting();
            cur.file
                .set_len(relay_offset)
                .and_then(|_| cur.file.seek(SeekFrom::Start(relay_offset)).map(|_| ()))
                .map_err(|e| ReplicaError::io(&cur.path, e))?;
        }
        cur.len = relay_offset;
        Ok(())
    }

    /// `relay_log_purge`: deletes the files the applier is done with
    /// (every file before the one it reads, applied and durably
    /// committed; never the file being written) and takes them out of the
    /// index first. Returns the bytes freed.
    pub fn purge_applied(&mut self) -> Result<u64> {
        if !self.opts.purge {
            return Ok(0);
        }
        let Some(before) = self.watch.applied_before() else {
            return Ok(0);
        };
        let Some(mut n) = self.files.iter().position(|f| *f == before) else {
            return Ok(0);
        };
        if self.current.is_some() {
            n = n.min(self.files.len().saturating_sub(1));
        }
        if n == 0 {
            return Ok(0);
        }
        let gone: Vec<String> = self.files.drain(..n).collect();
        // The index first: a crash in between leaves a stray file, never
        // an index line naming a file that is gone.
        self.write_index()?;
        let mut freed = 0;
        for f in gone {
            let path = self.opts.dir.join(&f);
            freed += fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(ReplicaError::io(&path, e)),
            }
            tracing::debug!(file = %path.display(), "relay log purged");
        }
        self.closed_space = self.closed_space.saturating_sub(freed);
        Ok(freed)
    }

    /// Whether the relay log is over `relay_log_space_limit`.
    pub fn over_space_limit(&self) -> bool {
        self.opts.space_limit > 0 && self.space() > self.opts.space_limit
    }

    /// Whether the applier reads the file being written (nothing older
    /// is left to purge: only a new file lets it free space).
    pub fn applier_in_current_file(&self) -> bool {
        self.current_file().is_some()
            && self.watch.applied_before().as_deref() == self.current_file()
    }

    /// Starts a new file now (the space limit needs the applier to leave
    /// the current one), unless the current one holds no source events.
    pub fn rotate(&mut self, version: &str, progress: &Progress) -> Result<bool> {
        let Some(cur) = &self.current else {
            return Ok(false);
        };
        if cur.len <= cur.header_len {
            return Ok(false);
        }
        let flavor = cur.flavor;
        self.sync()?;
        self.new_file(version, flavor, progress)?;
        Ok(true)
    }

    /// The watch the applier waits on.
    pub fn watch(&self) -> RelayWatch {
        self.watch.clone()
    }

    /// Notifies `watch` from now on (an applier that outlives this I/O
    /// task keeps waiting on the same one).
    pub fn set_watch(&mut self, watch: RelayWatch) {
        self.watch = watch;
    }

    pub fn index_path(&self) -> &Path {
        &self.index_path
    }

    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Whether the relay log holds any file with source events.
    pub fn is_empty(&self) -> bool {
        self.current.is_none()
    }
}

/// The source's format description as a replica repeats it at the start
/// of a relay file (log_pos 0, flagged artificial, checksum recomputed),
/// and whether the source's events carry checksums.
fn artificial_copy(fde: &[u8]) -> Option<(Vec<u8>, bool)> {
    use understudy_binlog::format_description_event::FormatDescription;
    use understudy_binlog::header::{FLAGS_OFFSET, LOG_EVENT_ARTIFICIAL_F};
    let parsed = FormatDescription::parse(fde.get(19..)?).ok()?;
    let mut v = fde.to_vec();
    v[13..17].copy_from_slice(&0u32.to_le_bytes());
    let flags = u16::from_le_bytes([v[FLAGS_OFFSET], v[FLAGS_OFFSET + 1]]) | LOG_EVENT_ARTIFICIAL_F;
    v[FLAGS_OFFSET..FLAGS_OFFSET + 2].copy_from_slice(&flags.to_le_bytes());
    if parsed.has_checksum() {
        let n = v.len() - 4;
        let crc = understudy_binlog::reader::event_crc32(&v[..n], true);
        v[n..].copy_from_slice(&crc.to_le_bytes());
    }
    Some((v, parsed.has_checksum()))
}

fn now() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as u32)
        .unwrap_or(0)
}
