//! Packet framing: a 3-byte little-endian payload length and a 1-byte
//! sequence id before every payload. A payload of 16 MiB − 1 bytes or more
//! travels as several packets, each full one (0xffffff bytes) followed by
//! the next, the last shorter (possibly empty).

use crate::error::{ProtoError, Result};

/// The largest payload one packet carries.
pub const MAX_PACKET: usize = 0xff_ffff;
pub const HEADER_LEN: usize = 4;

/// Appends `payload` framed as packets numbered from `seq`; returns the
/// sequence id the next packet gets.
pub fn write_packets(out: &mut Vec<u8>, payload: &[u8], mut seq: u8) -> u8 {
    let mut rest = payload;
    loop {
        let n = rest.len().min(MAX_PACKET);
        out.extend_from_slice(&(n as u32).to_le_bytes()[..3]);
        out.push(seq);
        out.extend_from_slice(&rest[..n]);
        seq = seq.wrapping_add(1);
        rest = &rest[n..];
        if n < MAX_PACKET {
            return seq;
        }
    }
}

/// What the decoder found at the front of the bytes it was given.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// No whole payload yet: drop the first `consumed` bytes (parts of a
    /// split payload the decoder kept) and call again with more.
    NeedMore { consumed: usize },
    /// A payload that fit in one packet: `buf[start..end]`. The caller
    /// drops `end` bytes once done with it.
    Single { start: usize, end: usize, seq: u8 },
    /// A payload joined from several packets; drop `consumed` bytes.
    Joined {
        consumed: usize,
        seq: u8,
        payload: Vec<u8>,
    },
}

/// Joins packets into payloads. Payloads that fit in one packet are
/// returned in place (no copy): the binlog stream is a packet per event.
#[derive(Debug, Default)]
pub struct PacketDecoder {
    /// Parts of a payload split over several packets.
    partial: Option<Vec<u8>>,
    /// A payload may not grow past this (a corrupt or hostile peer).
    max_payload: usize,
}

impl PacketDecoder {
    /// A decoder accepting payloads up to `max_payload` bytes (like
    /// `max_allowed_packet`; MySQL's own maximum is 1 GiB).
    pub fn new(max_payload: usize) -> Self {
        PacketDecoder {
            partial: None,
            max_payload,
        }
    }

    /// Forgets a half-received split payload (after a reconnect).
    pub fn reset(&mut self) {
        self.partial = None;
    }

    pub fn next(&mut self, buf: &[u8]) -> Result<Frame> {
        let mut pos = 0;
        loop {
            let Some(h) = buf.get(pos..pos + HEADER_LEN) else {
                return Ok(Frame::NeedMore { consumed: pos });
            };
            let len = u32::from_le_bytes([h[0], h[1], h[2], 0]) as usize;
            let seq = h[3];
            let start = pos + HEADER_LEN;
            if buf.len() - start < len {
                return Ok(Frame::NeedMore { consumed: pos });
            }
            let end = start + len;
            let so_far = self.partial.as_ref().map_or(0, Vec::len);
            if so_far + len > self.max_payload {
                return Err(ProtoError::invalid(
                    "packet",
                    format!(
                        "payload of more than {} bytes (max_allowed_packet)",
                        self.max_payload
                    ),
                ));
            }
            match (self.partial.take(), len == MAX_PACKET) {
                (None, false) => return Ok(Frame::Single { start, end, seq }),
                (Some(mut p), false) => {
                    p.extend_from_slice(&buf[start..end]);
                    return Ok(Frame::Joined {
                        consumed: end,
                        seq,
                        payload: p,
                    });
                }
                (p, true) => {
                    let mut p = p.unwrap_or_default();
                    p.extend_from_slice(&buf[start..end]);
                    self.partial = Some(p);
                    pos = end;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8], step: usize) -> Vec<(u8, Vec<u8>)> {
        let mut d = PacketDecoder::new(64 << 20);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        let mut fed = 0;
        loop {
            match d.next(&buf).unwrap() {
                Frame::NeedMore { consumed } => {
                    buf.drain(..consumed);
                    if fed == bytes.len() {
                        assert!(buf.is_empty());
                        return out;
                    }
                    let n = step.min(bytes.len() - fed);
                    buf.extend_from_slice(&bytes[fed..fed + n]);
                    fed += n;
                }
                Frame::Single { start, end, seq } => {
                    out.push((seq, buf[start..end].to_vec()));
                    buf.drain(..end);
                }
                Frame::Joined {
                    consumed,
                    seq,
                    payload,
                } => {
                    out.push((seq, payload));
                    buf.drain(..consumed);
                }
            }
        }
    }

    #[test]
    fn payloads_of_16_mib_and_more_split_and_join() {
        for len in [
            0,
            1,
            MAX_PACKET - 1,
            MAX_PACKET,
            MAX_PACKET + 1,
            2 * MAX_PACKET,
        ] {
            let payload: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut wire = Vec::new();
            let next = write_packets(&mut wire, &payload, 3);
            let packets = len / MAX_PACKET + 1;
            assert_eq!(wire.len(), len + 4 * packets);
            assert_eq!(next, 3 + packets as u8);
            write_packets(&mut wire, b"after", next);
            let got = decode_all(&wire, 1 << 20);
            assert_eq!(got.len(), 2);
            assert_eq!(got[0].1, payload, "length {len}");
            assert_eq!(got[0].0, 3 + packets as u8 - 1);
            assert_eq!(got[1], (next, b"after".to_vec()));
        }
    }

    #[test]
    fn byte_at_a_time() {
        let mut wire = Vec::new();
        let s = write_packets(&mut wire, b"hello", 0);
        write_packets(&mut wire, b"", s);
        assert_eq!(
            decode_all(&wire, 1),
            vec![(0, b"hello".to_vec()), (1, Vec::new())]
        );
    }

    #[test]
    fn oversized_payloads_are_refused() {
        let mut d = PacketDecoder::new(10);
        let mut wire = Vec::new();
        write_packets(&mut wire, &[0; 11], 0);
        assert!(d.next(&wire).is_err());
    }
}
