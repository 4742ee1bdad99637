//! Reads a relay file as the I/O task writes it: whole, checksum-valid
//! events one at a time, or "nothing yet" when the file ends in the middle
//! of one (the rest is still coming).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use understudy_binlog::error::ReadError;
use understudy_binlog::format_description_event::FormatDescription;
use understudy_binlog::reader::{BINLOG_MAGIC, EventReader};

use crate::error::{ReplicaError, Result};

/// One event read: its bytes, file offset, and the format description in
/// force for it.
#[derive(Debug, Clone)]
pub struct OwnedEvent {
    pub bytes: Vec<u8>,
    pub offset: u64,
    pub fde: FormatDescription,
}

#[derive(Debug)]
pub struct FileFollower {
    pub name: String,
    path: PathBuf,
    file: File,
    /// Bytes read from `base` on, not yet taken.
    buf: Vec<u8>,
    /// Where in `buf` the next event starts (at file offset `base`).
    start: usize,
    base: u64,
    fde: FormatDescription,
}

const READ_AT_LEAST: usize = 1 << 20;

impl FileFollower {
    /// Opens a relay file at its start (after the magic, which must be
    /// there).
    pub fn open(dir: &Path, name: &str) -> Result<Self> {
        let path = dir.join(name);
        let mut file = File::open(&path).map_err(|e| ReplicaError::io(&path, e))?;
        let mut magic = [0u8; 4];
        file.read_exact(&mut magic)
            .map_err(|e| ReplicaError::io(&path, e))?;
        if magic != BINLOG_MAGIC {
            return Err(ReplicaError::Corrupt {
                path,
                detail: "not a binlog or relay log file (bad magic)".into(),
            });
        }
        Ok(FileFollower {
            name: name.to_owned(),
            path,
            file,
            buf: Vec::new(),
            start: 0,
            base: BINLOG_MAGIC.len() as u64,
            fde: FormatDescription::default_v4(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The offset of the next event to take.
    pub fn offset(&self) -> u64 {
        self.base
    }

    /// Forgets what was read past `offset` and reads from there again
    /// (bytes past it were cut off and may be rewritten), with `fde` in
    /// force.
    pub fn rewind(&mut self, offset: u64, fde: FormatDescription) -> Result<()> {
        self.buf.clear();
        self.start = 0;
        self.base = offset;
        self.fde = fde;
        self.file
            .seek(SeekFrom::Start(offset))
            .map_err(|e| ReplicaError::io(&self.path, e))?;
        Ok(())
    }

    pub fn fde(&self) -> &FormatDescription {
        &self.fde
    }

    /// The next whole event, or `None` when the file holds no whole event
    /// more yet.
    pub fn next_event(&mut self) -> Result<Option<OwnedEvent>> {
        loop {
            if let Some(ev) = self.take()? {
                return Ok(Some(ev));
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    /// Whether a whole event is already buffered (no read needed).
    pub fn has_buffered_event(&self) -> bool {
        let b = &self.buf[self.start..];
        b.len() >= 19 && b.len() >= u32::from_le_bytes([b[9], b[10], b[11], b[12]]) as usize
    }

    fn take(&mut self) -> Result<Option<OwnedEvent>> {
        if self.start == self.buf.len() {
            return Ok(None);
        }
        let mut reader = EventReader::at(&self.buf[self.start..], 0, self.base, self.fde.clone())
            .verify_checksums(true);
        match reader.next_event() {
            None => Ok(None),
            Some(Ok(raw)) => {
                let n = raw.raw.len();
                let ev = OwnedEvent {
                    bytes: raw.raw.to_vec(),
                    offset: raw.offset,
                    fde: self.fde.clone(),
                };
                self.fde = reader.fde().clone();
                self.start += n;
                self.base += n as u64;
                Ok(Some(ev))
            }
            Some(Err(ReadError::TruncatedEvent { .. } | ReadError::TruncatedHeader { .. })) => {
                Ok(None)
            }
            Some(Err(e)) => Err(ReplicaError::Corrupt {
                path: self.path.clone(),
                detail: format!("relay log event at {}: {e}", self.base),
            }),
        }
    }

    /// Reads what the file has past the buffer; false when nothing.
    fn fill(&mut self) -> Result<bool> {
        self.buf.drain(..self.start);
        self.start = 0;
        let old = self.buf.len();
        self.buf.resize(old + READ_AT_LEAST, 0);
        let mut got = 0;
        loop {
            match self.file.read(&mut self.buf[old + got..]) {
                Ok(0) => break,
                Ok(n) => {
                    got += n;
                    if old + got == self.buf.len() {
                        break;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(ReplicaError::io(&self.path, e));
                }
            }
        }
        self.buf.truncate(old + got);
        Ok(got > 0)
    }
}
