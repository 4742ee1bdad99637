//! TRANSACTION_PAYLOAD_EVENT (40): a whole transaction's events, usually
//! zstd-compressed (binlog_transaction_compression=ON, MySQL 8.0.20+).
//!
//! Body: header fields `type:packed length:packed value:[length]` until a
//! single 0 byte (end mark): 1 = payload size, 2 = compression type
//! (0 = ZSTD, 255 = NONE), 3 = uncompressed size; numeric values are
//! packed integers. Then the payload: complete events (with their own
//! headers and checksums) back to back.

use std::borrow::Cow;
use std::io::Read;

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};

pub const OTW_PAYLOAD_HEADER_END_MARK: u64 = 0;
pub const OTW_PAYLOAD_SIZE_FIELD: u64 = 1;
pub const OTW_PAYLOAD_COMPRESSION_TYPE_FIELD: u64 = 2;
pub const OTW_PAYLOAD_UNCOMPRESSED_SIZE_FIELD: u64 = 3;

pub const COMPRESSION_ZSTD: u64 = 0;
pub const COMPRESSION_NONE: u64 = 255;

/// Refuse to inflate a payload beyond this: this library's own limit on
/// one transaction held in memory.
const MAX_UNCOMPRESSED: u64 = 1 << 32;
/// Largest up-front reservation for the inflated payload.
const RESERVE_AT_MOST: usize = 16 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionPayloadEvent<'a> {
    pub payload_size: u64,
    pub compression_type: u64,
    pub uncompressed_size: u64,
    /// The payload as stored (compressed or not).
    pub payload: &'a [u8],
}

impl<'a> TransactionPayloadEvent<'a> {
    pub fn parse(body: &'a [u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        let mut ev = TransactionPayloadEvent {
            payload_size: 0,
            compression_type: COMPRESSION_NONE,
            uncompressed_size: 0,
            payload: &[],
        };
        loop {
            let t = c.packed("payload header field type")?;
            if t == OTW_PAYLOAD_HEADER_END_MARK {
                break;
            }
            let len = c.packed_len("payload header field length")?;
            let v = c.bytes(len, "payload header field")?;
            let mut vc = Cursor::new(v);
            match t {
                OTW_PAYLOAD_SIZE_FIELD => ev.payload_size = vc.packed("payload size")?,
                OTW_PAYLOAD_COMPRESSION_TYPE_FIELD => {
                    ev.compression_type = vc.packed("compression type")?
                }
                OTW_PAYLOAD_UNCOMPRESSED_SIZE_FIELD => {
                    ev.uncompressed_size = vc.packed("uncompressed size")?
                }
                _ => {} // newer fields are skippable by design
            }
        }
        ev.payload = c.rest();
        if ev.payload.len() as u64 != ev.payload_size {
            return Err(DecodeError::invalid(
                "transaction payload",
                format!(
                    "{} payload bytes, header says {}",
                    ev.payload.len(),
                    ev.payload_size
                ),
            ));
        }
        Ok(ev)
    }

    /// The inner events' bytes, decompressed.
    pub fn uncompressed(&self) -> Result<Cow<'a, [u8]>> {
        match self.compression_type {
            COMPRESSION_NONE => Ok(Cow::Borrowed(self.payload)),
            COMPRESSION_ZSTD => {
                if self.uncompressed_size > MAX_UNCOMPRESSED {
                    return Err(DecodeError::invalid(
                        "transaction payload",
                        format!("uncompressed size {} too large", self.uncompressed_size),
                    ));
                }
                // Reserve what the header claims only up to a bound: the
                // claim is untrusted until the data is there.
                let mut out =
                    Vec::with_capacity((self.uncompressed_size as usize).min(RESERVE_AT_MOST));
                let dec = zstd::stream::read::Decoder::new(self.payload)
                    .map_err(|e| DecodeError::invalid("zstd payload", e.to_string()))?;
                dec.take(self.uncompressed_size + 1)
                    .read_to_end(&mut out)
                    .map_err(|e| DecodeError::invalid("zstd payload", e.to_string()))?;
                if out.len() as u64 != self.uncompressed_size {
                    return Err(DecodeError::invalid(
                        "zstd payload",
                        format!(
                            "{} bytes after decompression, header says {}",
                            out.len(),
                            self.uncompressed_size
                        ),
                    ));
                }
                Ok(Cow::Owned(out))
            }
            other => Err(DecodeError::unsupported(
                "payload compression type",
                format!("{other}"),
            )),
        }
    }
}
