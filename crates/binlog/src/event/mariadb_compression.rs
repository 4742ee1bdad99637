//! MariaDB's compressed events (log_bin_compress): QUERY_COMPRESSED_EVENT and
//! the *_ROWS_COMPRESSED_EVENT types carry a zlib stream after a small
//! header: `algo_and_len:1` (high bit set; low 3 bits = how many bytes
//! follow for the uncompressed length; bits 4..6 = algorithm, 0 = zlib),
//! then the uncompressed length big-endian in that many bytes, then the
//! zlib data.

use std::io::Read;

use crate::error::{DecodeError, Result};

/// Largest uncompressed size accepted (MariaDB's limit for a packet).
const MAX_UNCOMPRESSED: usize = 1 << 30;

pub fn uncompress(src: &[u8]) -> Result<Vec<u8>> {
    let Some((&head, rest)) = src.split_first() else {
        return Err(DecodeError::Truncated {
            what: "compressed event header",
            need: 1,
            have: 0,
        });
    };
    let lenlen = usize::from(head & 0x07);
    let algo = (head >> 4) & 0x07;
    if head & 0x80 == 0 || algo != 0 || lenlen == 0 || lenlen > 4 {
        return Err(DecodeError::invalid(
            "compressed event header",
            format!("{head:#04x}"),
        ));
    }
    if rest.len() < lenlen {
        return Err(DecodeError::Truncated {
            what: "compressed event length",
            need: lenlen,
            have: rest.len(),
        });
    }
    let len = rest[..lenlen]
        .iter()
        .fold(0usize, |a, &b| a << 8 | usize::from(b));
    if len > MAX_UNCOMPRESSED {
        return Err(DecodeError::invalid(
            "compressed event length",
            format!("{len} bytes"),
        ));
    }
    // The length is untrusted until the data is there: reserve a bounded part.
    let mut out = Vec::with_capacity(len.min(16 << 20));
    flate2::read::ZlibDecoder::new(&rest[lenlen..])
        .take(len as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::invalid("compressed event data", e.to_string()))?;
    if out.len() != len {
        return Err(DecodeError::invalid(
            "compressed event data",
            format!("{} bytes after decompression, header says {len}", out.len()),
        ));
    }
    Ok(out)
}
