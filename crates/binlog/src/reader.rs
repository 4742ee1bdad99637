//! Walks a binlog or relay-log file held in memory, event by event.
//!
//! A file is `\xfebin` followed by events, each framed by the `event_size`
//! of its common header. The reader tracks the format description in force
//! (a relay log carries the replica's own FDE, then the source's), strips
//! and optionally verifies each event's CRC32, and maps stored type codes
//! to MySQL's numbering. It never allocates per event.

use crate::error::ReadError;
use crate::event_type::{self, FORMAT_DESCRIPTION_EVENT, START_EVENT_V3};
use crate::format_description_event::{BINLOG_CHECKSUM_LEN, FormatDescription, StartEventV3};
use crate::header::{
    EVENT_LEN_OFFSET, EventHeader, FLAGS_OFFSET, LOG_EVENT_BINLOG_IN_USE_F, LOG_EVENT_HEADER_LEN,
    OLD_HEADER_LEN,
};

/// The four bytes every binlog and relay log starts with.
pub const BINLOG_MAGIC: [u8; 4] = [0xfe, b'b', b'i', b'n'];

/// One framed event, borrowed from the file's bytes.
#[derive(Debug, Clone, Copy)]
pub struct RawEvent<'a> {
    /// File offset of the event's first byte.
    pub offset: u64,
    pub header: EventHeader,
    /// The type in MySQL's mainline numbering (see `FormatDescription::canonical_type`).
    pub type_code: u8,
    /// The whole event as stored, header and checksum included.
    pub raw: &'a [u8],
    /// The bytes after the common header, without the checksum.
    pub body: &'a [u8],
    /// The stored CRC32, when the format description says there is one.
    pub checksum: Option<u32>,
}

impl RawEvent<'_> {
    pub fn end_offset(&self) -> u64 {
        self.offset + self.raw.len() as u64
    }
}

/// CRC32 of an event as the server computed it: for a format description,
/// with LOG_EVENT_BINLOG_IN_USE_F cleared.
pub fn event_crc32(raw_without_checksum: &[u8], is_fde: bool) -> u32 {
    let mut h = crc32fast::Hasher::new();
    if is_fde && raw_without_checksum.len() > FLAGS_OFFSET {
        let (a, b) = raw_without_checksum.split_at(FLAGS_OFFSET);
        h.update(a);
        h.update(&[b[0] & !(LOG_EVENT_BINLOG_IN_USE_F as u8)]);
        h.update(&b[1..]);
    } else {
        h.update(raw_without_checksum);
    }
    h.finalize()
}

#[derive(Debug, Clone)]
pub struct EventReader<'a> {
    data: &'a [u8],
    pos: usize,
    /// File offset of `data[0]`.
    base: u64,
    fde: FormatDescription,
    verify_checksums: bool,
    stopped: bool,
}

impl<'a> EventReader<'a> {
    /// A reader over a whole file: checks the magic and starts after it.
    pub fn new(file: &'a [u8]) -> Result<Self, ReadError> {
        if file.len() < BINLOG_MAGIC.len() || file[..4] != BINLOG_MAGIC {
            return Err(ReadError::BadMagic);
        }
        Ok(Self::at(file, 4, 0, FormatDescription::default_v4()))
    }

    /// A reader over `data`, whose first byte is at file offset `base`,
    /// starting at `data[pos]`, with a known format description (e.g. the
    /// events inside a transaction payload, or a stream from a server).
    pub fn at(data: &'a [u8], pos: usize, base: u64, fde: FormatDescription) -> Self {
        EventReader {
            data,
            pos,
            base,
            fde,
            verify_checksums: false,
            stopped: false,
        }
    }

    /// Verify every event's CRC32 (`--verify-binlog-checksum`).
    pub fn verify_checksums(mut self, yes: bool) -> Self {
        self.verify_checksums = yes;
        self
    }

    /// The format description in force for the event last returned.
    pub fn fde(&self) -> &FormatDescription {
        &self.fde
    }

    /// Replaces the format description in force (used by callers that
    /// position the reader in the middle of a file).
    pub fn set_fde(&mut self, fde: FormatDescription) {
        self.fde = fde;
    }

    /// The format description in force, taken back (a reader made per
    /// event, as for a network stream, hands it to the next one).
    pub fn into_fde(self) -> FormatDescription {
        self.fde
    }

    /// File offset of the next event.
    pub fn position(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Moves to a file offset (the caller is responsible for it being an
    /// event boundary).
    pub fn seek(&mut self, offset: u64) {
        self.pos = offset.saturating_sub(self.base).min(self.data.len() as u64) as usize;
        self.stopped = false;
    }

    #[inline]
    pub fn next_event(&mut self) -> Option<Result<RawEvent<'a>, ReadError>> {
        if self.stopped || self.pos >= self.data.len() {
            return None;
        }
        let r = self.frame();
        if r.is_err() {
            self.stopped = true;
        }
        Some(r)
    }

    #[inline]
    fn frame(&mut self) -> Result<RawEvent<'a>, ReadError> {
        let (ev, fde) = frame_at(
            self.data,
            self.pos,
            self.base,
            &self.fde,
            self.verify_checksums,
        )?;
        if let Some(fde) = fde {
            self.fde = fde;
        }
        self.pos += ev.raw.len();
        Ok(ev)
    }
}

/// Frames the event at `data[pos..]` (`base`: the file offset of
/// `data[0]`) under the format description `fde`, without owning or
/// copying anything: the event, and the new format description when the
/// event is one (a FORMAT_DESCRIPTION_EVENT, or the START_EVENT_V3 of an
/// old binlog). For readers that keep their format description shared.
#[inline]
pub fn frame_at<'a>(
    data: &'a [u8],
    pos: usize,
    base: u64,
    fde: &FormatDescription,
    verify_checksums: bool,
) -> Result<(RawEvent<'a>, Option<FormatDescription>), ReadError> {
    let offset = base + pos as u64;
    let rest = data.get(pos..).unwrap_or_default();
    let hlen_min = OLD_HEADER_LEN;
    if rest.len() < hlen_min.max(EVENT_LEN_OFFSET + 4) {
        return Err(ReadError::TruncatedHeader {
            offset,
            have: rest.len(),
            need: LOG_EVENT_HEADER_LEN,
        });
    }
    let stored_type = rest[4];
    let event_size = u32::from_le_bytes([rest[9], rest[10], rest[11], rest[12]]);
    // A START_EVENT_V3 of 69 bytes is a v1 binlog (13-byte headers).
    let v1_start = stored_type == START_EVENT_V3 && event_size == (OLD_HEADER_LEN + 56) as u32;
    let header_len = if v1_start {
        OLD_HEADER_LEN
    } else if stored_type == FORMAT_DESCRIPTION_EVENT || stored_type == START_EVENT_V3 {
        LOG_EVENT_HEADER_LEN
    } else {
        usize::from(fde.header_length)
    };
    if rest.len() < header_len {
        return Err(ReadError::TruncatedHeader {
            offset,
            have: rest.len(),
            need: header_len,
        });
    }
    let header = EventHeader::parse(&rest[..header_len], header_len).map_err(|source| {
        ReadError::Decode {
            offset,
            type_name: "event header",
            source,
        }
    })?;
    let size = event_size as usize;
    if size < header_len {
        return Err(ReadError::BadEventSize {
            offset,
            event_size,
            min: header_len,
        });
    }
    let type_code = if stored_type == FORMAT_DESCRIPTION_EVENT {
        FORMAT_DESCRIPTION_EVENT
    } else {
        fde.canonical_type(stored_type)
    };
    // Named only when something is wrong.
    let type_name = || event_type::type_name(type_code);
    if rest.len() < size {
        return Err(ReadError::TruncatedEvent {
            offset,
            type_name: type_name(),
            event_size,
            have: rest.len(),
        });
    }
    let raw = &rest[..size];

    let mut new_fde = None;
    if type_code == FORMAT_DESCRIPTION_EVENT {
        let f =
            FormatDescription::parse(&raw[header_len..]).map_err(|source| ReadError::Decode {
                offset,
                type_name: type_name(),
                source,
            })?;
        new_fde = Some(f);
    } else if type_code == START_EVENT_V3 && (offset == 4 || v1_start) {
        let s = StartEventV3::parse(&raw[header_len..]).map_err(|source| ReadError::Decode {
            offset,
            type_name: type_name(),
            source,
        })?;
        new_fde = Some(FormatDescription::for_old_binlog(
            s.binlog_version,
            s.server_version,
            s.create_timestamp,
        ));
    }
    let in_force = new_fde.as_ref().unwrap_or(fde);

    let (body, checksum) = if in_force.has_checksum() {
        if size < header_len + BINLOG_CHECKSUM_LEN {
            return Err(ReadError::BadEventSize {
                offset,
                event_size,
                min: header_len + BINLOG_CHECKSUM_LEN,
            });
        }
        let (without, crc) = raw.split_at(size - BINLOG_CHECKSUM_LEN);
        let stored = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
        if verify_checksums {
            let computed = event_crc32(without, type_code == FORMAT_DESCRIPTION_EVENT);
            if computed != stored {
                return Err(ReadError::Checksum {
                    offset,
                    type_name: type_name(),
                    stored,
                    computed,
                });
            }
        }
        (&without[header_len..], Some(stored))
    } else {
        (&raw[header_len..], None)
    };
    Ok((
        RawEvent {
            offset,
            header,
            type_code,
            raw,
            body,
            checksum,
        },
        new_fde,
    ))
}

impl<'a> Iterator for EventReader<'a> {
    type Item = Result<RawEvent<'a>, ReadError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_event()
    }
}
