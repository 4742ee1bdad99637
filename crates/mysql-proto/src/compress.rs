//! The compressed protocol (CLIENT_COMPRESS with zlib, or
//! CLIENT_ZSTD_COMPRESSION_ALGORITHM): once negotiated, the stream of
//! ordinary packets is cut into compressed packets, each with a 7-byte
//! header — 3 bytes of compressed length, a sequence id of its own, and
//! 3 bytes of uncompressed length (0: the bytes are sent as they are).

use std::io::Write;

use crate::error::{ProtoError, Result};
use crate::packet::MAX_PACKET;

pub const COMPRESSED_HEADER_LEN: usize = 7;
/// Below this many bytes a compressed packet is sent uncompressed.
const MIN_COMPRESS_LEN: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Zlib,
    /// With the compression level (1–22; MySQL's default is 3).
    Zstd(i32),
}

impl Algorithm {
    /// MySQL's name, as in `SOURCE_COMPRESSION_ALGORITHMS`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Zlib => "zlib",
            Algorithm::Zstd(_) => "zstd",
        }
    }
}

/// Appends `plain` (one or more framed packets) as compressed packets
/// numbered from `seq`; returns the next compressed sequence id.
pub fn write_compressed(
    out: &mut Vec<u8>,
    plain: &[u8],
    mut seq: u8,
    alg: Algorithm,
) -> Result<u8> {
    for chunk in plain.chunks(MAX_PACKET) {
        let header_at = out.len();
        out.extend_from_slice(&[0; COMPRESSED_HEADER_LEN]);
        let uncompressed_len = if chunk.len() < MIN_COMPRESS_LEN {
            out.extend_from_slice(chunk);
            0
        } else {
            compress_into(out, chunk, alg)?;
            chunk.len()
        };
        let mut clen = out.len() - header_at - COMPRESSED_HEADER_LEN;
        // A compressed form larger than the packet limit: send it plain.
        if clen > MAX_PACKET {
            out.truncate(header_at + COMPRESSED_HEADER_LEN);
            out.extend_from_slice(chunk);
            clen = chunk.len();
            out[header_at + 4..header_at + 7].copy_from_slice(&[0, 0, 0]);
        } else {
            out[header_at + 4..header_at + 7]
                .copy_from_slice(&(uncompressed_len as u32).to_le_bytes()[..3]);
        }
        out[header_at..header_at + 3].copy_from_slice(&(clen as u32).to_le_bytes()[..3]);
        out[header_at + 3] = seq;
        seq = seq.wrapping_add(1);
    }
    if plain.is_empty() {
        out.extend_from_slice(&[0, 0, 0, seq, 0, 0, 0]);
        seq = seq.wrapping_add(1);
    }
    Ok(seq)
}

fn compress_into(out: &mut Vec<u8>, chunk: &[u8], alg: Algorithm) -> Result<()> {
    match alg {
        Algorithm::Zlib => {
            let mut e = flate2::write::ZlibEncoder::new(out, flate2::Compression::default());
            e.write_all(chunk)
                .and_then(|_| e.finish().map(|_| ()))
                .map_err(|e| ProtoError::Compression(e.to_string()))
        }
        Algorithm::Zstd(level) => {
            let v = zstd::bulk::compress(chunk, level)
                .map_err(|e| ProtoError::Compression(e.to_string()))?;
            out.extend_from_slice(&v);
            Ok(())
        }
    }
}

/// One compressed packet found at the front of a buffer.
#[derive(Debug, PartialEq, Eq)]
pub struct Compressed {
    /// Bytes of the buffer this packet took, header included.
    pub consumed: usize,
    pub seq: u8,
}

/// Takes one compressed packet off the front of `buf` and appends its
/// plain bytes to `plain`; `None` when the packet is not whole yet.
/// `max_len` bounds what one packet may inflate to.
pub fn read_compressed(
    buf: &[u8],
    plain: &mut Vec<u8>,
    alg: Algorithm,
) -> Result<Option<Compressed>> {
    let Some(h) = buf.get(..COMPRESSED_HEADER_LEN) else {
        return Ok(None);
    };
    let clen = u32::from_le_bytes([h[0], h[1], h[2], 0]) as usize;
    let seq = h[3];
    let ulen = u32::from_le_bytes([h[4], h[5], h[6], 0]) as usize;
    let Some(body) = buf.get(COMPRESSED_HEADER_LEN..COMPRESSED_HEADER_LEN + clen) else {
        return Ok(None);
    };
    if ulen == 0 {
        plain.extend_from_slice(body);
    } else {
        let before = plain.len();
        match alg {
            Algorithm::Zlib => {
                let mut d = flate2::write::ZlibDecoder::new(LimitedWriter {
                    out: &mut *plain,
                    left: ulen,
                });
                d.write_all(body)
                    .and_then(|_| d.finish().map(|_| ()))
                    .map_err(|e| ProtoError::Compression(format!("zlib: {e}")))?;
            }
            Algorithm::Zstd(_) => {
                plain.resize(before + ulen, 0);
                let n = zstd::bulk::decompress_to_buffer(body, &mut plain[before..])
                    .map_err(|e| ProtoError::Compression(format!("zstd: {e}")))?;
                plain.truncate(before + n);
            }
        }
        let got = plain.len() - before;
        if got != ulen {
            return Err(ProtoError::Compression(format!(
                "announced {ulen} uncompressed bytes, inflated to {got}"
            )));
        }
    }
    Ok(Some(Compressed {
        consumed: COMPRESSED_HEADER_LEN + clen,
        seq,
    }))
}

/// A writer that refuses to grow past what the header announced.
struct LimitedWriter<'a> {
    out: &'a mut Vec<u8>,
    left: usize,
}

impl Write for LimitedWriter<'_> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if b.len() > self.left {
            return Err(std::io::Error::other("inflates past its announced length"));
        }
        self.left -= b.len();
        self.out.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::write_packets;

    #[test]
    fn round_trip_both_algorithms() {
        for alg in [Algorithm::Zlib, Algorithm::Zstd(3)] {
            for len in [0usize, 10, 49, 50, 1000, MAX_PACKET + 10] {
                let payload: Vec<u8> = (0..len).map(|i| (i % 7) as u8).collect();
                let mut plain = Vec::new();
                write_packets(&mut plain, &payload, 0);
                let mut wire = Vec::new();
                let next = write_compressed(&mut wire, &plain, 5, alg).unwrap();
                let mut back = Vec::new();
                let mut pos = 0;
                let mut seqs = Vec::new();
                while pos < wire.len() {
                    let c = read_compressed(&wire[pos..], &mut back, alg)
                        .unwrap()
                        .unwrap();
                    seqs.push(c.seq);
                    pos += c.consumed;
                }
                assert_eq!(back, plain, "{alg:?} {len}");
                assert_eq!(next, 5 + seqs.len() as u8);
                if seqs.len() == 1 {
                    let cut = read_compressed(&wire[..wire.len() - 1], &mut Vec::new(), alg);
                    assert_eq!(cut.unwrap(), None);
                }
            }
        }
    }

    #[test]
    fn lying_lengths_are_errors() {
        let mut wire = Vec::new();
        write_compressed(&mut wire, &[7u8; 200], 0, Algorithm::Zlib).unwrap();
        wire[4] = wire[4].wrapping_sub(1);
        assert!(read_compressed(&wire, &mut Vec::new(), Algorithm::Zlib).is_err());
        let mut wire = Vec::new();
        write_compressed(&mut wire, &[7u8; 200], 0, Algorithm::Zstd(3)).unwrap();
        wire[4] = wire[4].wrapping_sub(1);
        assert!(read_compressed(&wire, &mut Vec::new(), Algorithm::Zstd(3)).is_err());
    }
}
