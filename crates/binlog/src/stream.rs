//! A binlog read from any `Read` in pieces: the file is never held whole
//! in memory, and the same buffer is reused from piece to piece (reading a
//! large file whole costs more in page faults than decoding it).
//!
//! Events are framed by `EventReader` over the bytes at hand; an event cut
//! by the end of the buffer is carried over to the next read (the buffer
//! grows for an event larger than itself). A truncated event is an error
//! only at the end of the input.

use std::io::{self, Read};
use std::ops::ControlFlow;

use crate::error::ReadError;
use crate::format_description_event::FormatDescription;
use crate::reader::{BINLOG_MAGIC, EventReader, RawEvent};

/// Bytes read at a time: small enough that what the kernel copied in is
/// still in the cache when it is decoded (2 MiB measured faster than 8).
const CHUNK: usize = 2 << 20;

/// Reads a binlog or relay log from `input` (positioned at the file's
/// start) and calls `f` for each framed event with the format description
/// in force, until the end of the input, a framing error (returned, with
/// its file offset), or `f` breaks. Fails only when reading does.
pub fn each_event<R: Read + ?Sized>(
    input: &mut R,
    verify_checksums: bool,
    f: impl FnMut(&RawEvent<'_>, &FormatDescription) -> ControlFlow<()>,
) -> io::Result<Option<ReadError>> {
    each_event_in(input, verify_checksums, CHUNK, f)
}

/// `each_event` reading `chunk` bytes at a time (at least 4; a buffer
/// grows for an event larger than it). For tests and fuzzing of the
/// pieces' seams.
pub fn each_event_in<R: Read + ?Sized>(
    input: &mut R,
    verify_checksums: bool,
    chunk: usize,
    mut f: impl FnMut(&RawEvent<'_>, &FormatDescription) -> ControlFlow<()>,
) -> io::Result<Option<ReadError>> {
    let mut buf = vec![0u8; chunk.max(BINLOG_MAGIC.len())];
    let mut filled = 0;
    let mut eof = false;
    fill(input, &mut buf, &mut filled, &mut eof, BINLOG_MAGIC.len())?;
    if filled < BINLOG_MAGIC.len() || buf[..4] != BINLOG_MAGIC {
        return Ok(Some(ReadError::BadMagic));
    }
    // File offset of buf[0], and where the next event starts in buf.
    let (mut base, mut pos) = (0u64, BINLOG_MAGIC.len());
    let mut fde = FormatDescription::default_v4();
    loop {
        let want = buf.len();
        fill(input, &mut buf, &mut filled, &mut eof, want)?;
        let mut reader =
            EventReader::at(&buf[..filled], pos, base, fde).verify_checksums(verify_checksums);
        let mut need = 0;
        while let Some(next) = reader.next_event() {
            match next {
                Ok(raw) => {
                    if f(&raw, reader.fde()).is_break() {
                        return Ok(None);
                    }
                }
                Err(ReadError::TruncatedEvent { event_size, .. }) if !eof => {
                    need = event_size as usize;
                    break;
                }
                Err(ReadError::TruncatedHeader { need: n, .. }) if !eof => {
                    need = n;
                    break;
                }
                Err(e) => return Ok(Some(e)),
            }
        }
        let consumed = (reader.position() - base) as usize;
        fde = reader.fde().clone();
        if eof && consumed == filled {
            return Ok(None);
        }
        // Keep the unread tail, at the front.
        buf.copy_within(consumed..filled, 0);
        filled -= consumed;
        base += consumed as u64;
        pos = 0;
        if consumed == 0 && filled == buf.len() {
            // An event larger than the buffer: grow it, at most doubling
            // (a corrupt size is found out at the end of the input, not by
            // allocating what it claims).
            let grown = need.clamp(buf.len() + 1, buf.len() * 2);
            buf.resize(grown, 0);
        }
    }
}

/// Reads until `buf[..want]` is filled or the input ends.
fn fill<R: Read + ?Sized>(
    input: &mut R,
    buf: &mut [u8],
    filled: &mut usize,
    eof: &mut bool,
    want: usize,
) -> io::Result<()> {
    while !*eof && *filled < want {
        match input.read(&mut buf[*filled..]) {
            Ok(0) => *eof = true,
            Ok(n) => *filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per read.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn event(type_code: u8, body_len: usize) -> Vec<u8> {
        let size = 19 + body_len;
        let mut e = vec![0u8; 19];
        e[4] = type_code;
        e[9..13].copy_from_slice(&(size as u32).to_le_bytes());
        e.extend(std::iter::repeat_n(0xab, body_len));
        e
    }

    fn offsets(file: &[u8], step: usize) -> (Vec<(u64, usize)>, Option<ReadError>) {
        offsets_in(file, step, CHUNK)
    }

    fn offsets_in(
        file: &[u8],
        step: usize,
        chunk: usize,
    ) -> (Vec<(u64, usize)>, Option<ReadError>) {
        let mut seen = Vec::new();
        let err = each_event_in(&mut Trickle { data: file, step }, false, chunk, |raw, _| {
            seen.push((raw.offset, raw.raw.len()));
            ControlFlow::Continue(())
        })
        .unwrap();
        (seen, err)
    }

    /// Whatever the piece size, the events and the error are those of a
    /// reader over the whole file.
    #[test]
    fn any_piece_size_frames_like_the_whole_file() {
        let mut file = BINLOG_MAGIC.to_vec();
        for n in [0, 1, 40, 7, 300, 2] {
            file.extend(event(3, n));
        }
        let whole = |file: &[u8]| {
            let mut r = EventReader::new(file).unwrap();
            let mut seen = Vec::new();
            let mut err = None;
            while let Some(next) = r.next_event() {
                match next {
                    Ok(raw) => seen.push((raw.offset, raw.raw.len())),
                    Err(e) => err = Some(e),
                }
            }
            (seen, err)
        };
        for cut in [file.len(), file.len() - 1, file.len() - 200, 30, 10] {
            let f = &file[..cut];
            for chunk in [1, 4, 5, 18, 19, 20, 64, 333] {
                assert_eq!(offsets_in(f, 7, chunk), whole(f), "cut {cut} chunk {chunk}");
            }
        }
    }

    /// A size field claiming gigabytes does not make the reader allocate
    /// them: the input ends first.
    #[test]
    fn a_huge_claimed_size_is_a_truncation_not_an_allocation() {
        let mut file = BINLOG_MAGIC.to_vec();
        let mut e = event(3, 100);
        e[9..13].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
        file.extend(e);
        match offsets_in(&file, 1 << 20, 64).1 {
            Some(ReadError::TruncatedEvent { offset: 4, .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn events_cut_by_reads_and_larger_than_the_buffer_are_whole() {
        let mut file = BINLOG_MAGIC.to_vec();
        let sizes = [10, CHUNK + 1000, 3, 2 * CHUNK, 0];
        for &n in &sizes {
            // STOP_EVENT (3) carries no decoded body; any length frames.
            file.extend(event(3, n));
        }
        for step in [1 << 20, 7_777_777, usize::MAX] {
            let (seen, err) = offsets(&file, step);
            assert!(err.is_none(), "{err:?}");
            let mut at = 4u64;
            let want: Vec<_> = sizes
                .iter()
                .map(|&n| {
                    let e = (at, 19 + n);
                    at += 19 + n as u64;
                    e
                })
                .collect();
            assert_eq!(seen, want);
        }
    }

    #[test]
    fn a_truncated_last_event_is_an_error_with_its_offset() {
        let mut file = BINLOG_MAGIC.to_vec();
        file.extend(event(3, 100));
        let whole = file.len();
        file.extend(&event(3, CHUNK)[..CHUNK / 2]);
        let (seen, err) = offsets(&file, 1 << 20);
        assert_eq!(seen, vec![(4, 119)]);
        match err {
            Some(ReadError::TruncatedEvent { offset, .. }) => assert_eq!(offset, whole as u64),
            other => panic!("{other:?}"),
        }
        assert!(matches!(offsets(b"\xfebi", 1).1, Some(ReadError::BadMagic)));
    }
}
