//! Reads a relay file as the I/O task writes it: whole, checksum-valid
//! events one at a time, or "nothing yet" when the file ends in the middle
//! of one (the rest is still coming). Events are gathered into a [`Unit`]
//! (a transaction, or an event that stands alone) whose buffers are
//! reused: reading allocates nothing per event.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use understudy_binlog::error::ReadError;
use understudy_binlog::format_description_event::FormatDescription;
use understudy_binlog::reader::{BINLOG_MAGIC, RawEvent, frame_at};

use crate::error::{ReplicaError, Result};

/// One event of a unit: where its bytes are in the unit, its file offset
/// and the format description in force for it.
#[derive(Debug, Clone)]
pub struct UnitEvent {
    start: usize,
    len: usize,
    pub offset: u64,
    pub fde: Arc<FormatDescription>,
}

/// The events read since the last boundary, back to back.
#[derive(Debug, Default)]
pub struct Unit {
    bytes: Vec<u8>,
    events: Vec<UnitEvent>,
}

impl Unit {
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.events.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    fn push(&mut self, raw: &[u8], offset: u64, fde: &Arc<FormatDescription>) {
        self.events.push(UnitEvent {
            start: self.bytes.len(),
            len: raw.len(),
            offset,
            fde: fde.clone(),
        });
        self.bytes.extend_from_slice(raw);
    }

    /// Each event's bytes and facts, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &UnitEvent)> + '_ {
        self.events
            .iter()
            .map(|e| (&self.bytes[e.start..e.start + e.len], e))
    }

    /// The event added last, framed again (no checksum check: it was
    /// checked when read).
    pub fn last_framed(&self) -> Option<(RawEvent<'_>, &UnitEvent)> {
        let e = self.events.last()?;
        let bytes = &self.bytes[e.start..e.start + e.len];
        let (raw, _) = frame_at(bytes, 0, e.offset, &e.fde, false).ok()?;
        Some((raw, e))
    }

    /// The stored type codes of the events (byte 4 of each header).
    pub fn type_codes(&self) -> impl Iterator<Item = u8> + '_ {
        self.events
            .iter()
            .map(|e| self.bytes.get(e.start + 4).copied().unwrap_or(0))
    }
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
    fde: Arc<FormatDescription>,
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
            buf: Vec::with_capacity(2 * READ_AT_LEAST),
            start: 0,
            base: BINLOG_MAGIC.len() as u64,
            fde: Arc::new(FormatDescription::default_v4()),
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
    pub fn rewind(&mut self, offset: u64, fde: Arc<FormatDescription>) -> Result<()> {
        self.buf.clear();
        self.start = 0;
        self.base = offset;
        self.fde = fde;
        self.file
            .seek(SeekFrom::Start(offset))
            .map_err(|e| ReplicaError::io(&self.path, e))?;
        Ok(())
    }

    pub fn fde(&self) -> &Arc<FormatDescription> {
        &self.fde
    }

    /// Adds the next whole event to `unit`; false when the file holds no
    /// whole event more yet.
    pub fn next_into(&mut self, unit: &mut Unit) -> Result<bool> {
        loop {
            if self.take(unit)? {
                return Ok(true);
            }
            if !self.fill()? {
                return Ok(false);
            }
        }
    }

    /// Whether a whole event is already buffered (no read needed).
    pub fn has_buffered_event(&self) -> bool {
        let b = &self.buf[self.start..];
        b.len() >= 19 && b.len() >= u32::from_le_bytes([b[9], b[10], b[11], b[12]]) as usize
    }

    fn take(&mut self, unit: &mut Unit) -> Result<bool> {
        if self.start == self.buf.len() {
            return Ok(false);
        }
        match frame_at(&self.buf, self.start, self.base, &self.fde, true) {
            Ok((raw, new_fde)) => {
                let n = raw.raw.len();
                // The event is read under the format description before
                // it (a format description event under the old one).
                unit.push(raw.raw, raw.offset, &self.fde);
                if let Some(f) = new_fde {
                    self.fde = Arc::new(f);
                }
                self.start += n;
                self.base += n as u64;
                Ok(true)
            }
            Err(ReadError::TruncatedEvent { .. } | ReadError::TruncatedHeader { .. }) => Ok(false),
            Err(e) => Err(ReplicaError::Corrupt {
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
