//! MariaDB's compressed columns (`COMPRESSED`): a row image carries the
//! value as the engine stores it. One header byte: 0 when the value is
//! stored as it is (shorter than `column_compression_threshold`, or not
//! smaller compressed); otherwise bit 7 set, bits 0–2 the number of
//! bytes (big-endian) of the original length that follow, then zlib's
//! stream: raw deflate with bit 3 set, with zlib's header and checksum
//! (`column_compression_zlib_wrap`) with it clear. Bits 4–6, never seen
//! set, would be another method.

use std::io::Read;

use flate2::read::{DeflateDecoder, ZlibDecoder};

/// The value a compressed column's stored bytes `b` hold.
pub fn decompress(b: &[u8]) -> Result<Vec<u8>, String> {
    let Some((&header, rest)) = b.split_first() else {
        return Ok(Vec::new());
    };
    if header == 0 {
        return Ok(rest.to_vec());
    }
    let len_bytes = usize::from(header & 0x07);
    if header & 0x80 == 0 || len_bytes == 0 || len_bytes > 4 || rest.len() < len_bytes {
        return Err(format!(
            "compressed column value with header byte {header:#04x} ({} bytes)",
            b.len()
        ));
    }
    if header & 0x70 != 0 {
        return Err(format!(
            "compressed column value by an unknown method (header byte {header:#04x})"
        ));
    }
    let raw = header & 0x08 != 0;
    let (len, data) = rest.split_at(len_bytes);
    let len = len.iter().fold(0usize, |a, &x| (a << 8) | usize::from(x));
    let mut out = Vec::with_capacity(len.min(1 << 26));
    let read = if raw {
        DeflateDecoder::new(data)
            .take(len as u64 + 1)
            .read_to_end(&mut out)
    } else {
        ZlibDecoder::new(data)
            .take(len as u64 + 1)
            .read_to_end(&mut out)
    };
    read.map_err(|e| format!("compressed column value: {e}"))?;
    if out.len() != len {
        return Err(format!(
            "compressed column value of {} bytes where its header says {len}",
            out.len()
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::{DeflateEncoder, ZlibEncoder};

    use super::*;

    #[test]
    fn stored_raw_deflate_and_zlib() {
        assert_eq!(decompress(b"").unwrap(), b"");
        assert_eq!(decompress(b"\0short").unwrap(), b"short");
        // As MariaDB 10.11 wrote `REPEAT('blob ', 20)` into a BLOB
        // COMPRESSED column (testdata/mariadb1011/row).
        let seen = [
            0x89, 0x64, 0x4b, 0xca, 0xc9, 0x4f, 0x52, 0x48, 0xa2, 0x2d, 0x01, 0x00,
        ];
        assert_eq!(decompress(&seen).unwrap(), "blob ".repeat(20).as_bytes());
        let value = "x".repeat(300);
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(value.as_bytes()).unwrap();
        let mut b = vec![0x82, 0x01, 0x2c];
        b.extend(z.finish().unwrap());
        assert_eq!(decompress(&b).unwrap(), value.as_bytes());
        let mut d = DeflateEncoder::new(Vec::new(), Compression::default());
        d.write_all(value.as_bytes()).unwrap();
        let mut b = vec![0x8a, 0x01, 0x2d];
        b.extend(d.finish().unwrap());
        assert!(
            decompress(&b)
                .unwrap_err()
                .contains("where its header says 301")
        );
        assert!(decompress(&[0x81]).is_err());
        assert!(
            decompress(&[0x91, 1, 0])
                .unwrap_err()
                .contains("unknown method")
        );
    }
}
