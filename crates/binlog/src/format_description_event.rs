//! FORMAT_DESCRIPTION_EVENT (binlog v4) and START_EVENT_V3 (v1/v3), and what
//! they imply for every later event: header length, post-header lengths per
//! type, checksum algorithm, server flavour and version.
//!
//! Body layout (v4): `binlog_version:2 server_version:50 create_timestamp:4
//! header_length:1 post_header_len:[n]` and, for servers that know binlog
//! checksums (MySQL ≥ 5.6.1, MariaDB ≥ 5.3), `checksum_alg:1 crc:4` at the
//! very end. The FDE's own CRC is computed with LOG_EVENT_BINLOG_IN_USE_F
//! cleared (the server sets that flag in place while the log is open).

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};
use crate::event_type::*;
use crate::header::{LOG_EVENT_HEADER_LEN, OLD_HEADER_LEN};

pub const BINLOG_CHECKSUM_ALG_OFF: u8 = 0;
pub const BINLOG_CHECKSUM_ALG_CRC32: u8 = 1;
pub const BINLOG_CHECKSUM_ALG_UNDEF: u8 = 255;
/// Bytes taken by a CRC32 at the end of every event.
pub const BINLOG_CHECKSUM_LEN: usize = 4;
const SERVER_VERSION_LEN: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    MySql,
    MariaDb,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatDescription {
    pub binlog_version: u16,
    /// As stored: up to 50 bytes, NUL padding removed.
    pub server_version: String,
    pub create_timestamp: u32,
    pub header_length: u8,
    /// Index `t - 1` holds the post-header length of event type `t`, in
    /// the file's own numbering.
    pub post_header_lengths: Vec<u8>,
    /// `None` for servers that predate checksums (no algorithm byte).
    pub checksum_alg: Option<u8>,
    pub flavor: Flavor,
    /// (major, minor, patch) parsed from `server_version`.
    pub version: (u32, u32, u32),
    /// Some("a_drop…") development trees numbered types 16..22 differently.
    permuted: bool,
}

impl FormatDescription {
    /// Parses a FORMAT_DESCRIPTION_EVENT body (after the common header),
    /// including the trailing checksum algorithm byte and CRC when present.
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        let binlog_version = c.u16("FDE binlog_version")?;
        let sv = c.bytes(SERVER_VERSION_LEN, "FDE server_version")?;
        let server_version = version_string(sv);
        let create_timestamp = c.u32("FDE create_timestamp")?;
        let header_length = c.u8("FDE header_length")?;
        if usize::from(header_length) < LOG_EVENT_HEADER_LEN {
            return Err(DecodeError::invalid(
                "FDE header_length",
                format!("{header_length} < 19"),
            ));
        }
        let version = parse_version(&server_version);
        let flavor = if server_version.contains("MariaDB") {
            Flavor::MariaDb
        } else {
            Flavor::MySql
        };
        let rest = c.rest();
        let checksum_capable = match flavor {
            Flavor::MySql => version >= (5, 6, 1),
            Flavor::MariaDb => version >= (5, 3, 0),
        };
        let (post_header_lengths, checksum_alg) =
            if checksum_capable && rest.len() > BINLOG_CHECKSUM_LEN {
                let n = rest.len() - 1 - BINLOG_CHECKSUM_LEN;
                (rest[..n].to_vec(), Some(rest[n]))
            } else {
                (rest.to_vec(), None)
            };
        let permuted = server_version.contains("a_drop5p") || server_version.contains("a_drop6p");
        Ok(FormatDescription {
            binlog_version,
            server_version,
            create_timestamp,
            header_length,
            post_header_lengths,
            checksum_alg,
            flavor,
            version,
            permuted,
        })
    }

    /// The description implied by a START_EVENT_V3 at the start of a v1 or
    /// v3 binlog (MySQL 3.23–4.1): fixed header and post-header lengths.
    pub fn for_old_binlog(
        binlog_version: u16,
        server_version: String,
        create_timestamp: u32,
    ) -> Self {
        let header_length = if binlog_version == 1 {
            OLD_HEADER_LEN
        } else {
            LOG_EVENT_HEADER_LEN
        } as u8;
        let mut post = vec![0u8; 13];
        post[usize::from(START_EVENT_V3 - 1)] = 56;
        post[usize::from(QUERY_EVENT - 1)] = 11;
        post[usize::from(ROTATE_EVENT - 1)] = if binlog_version == 1 { 0 } else { 8 };
        post[usize::from(LOAD_EVENT - 1)] = 18;
        post[usize::from(CREATE_FILE_EVENT - 1)] = 4;
        post[usize::from(APPEND_BLOCK_EVENT - 1)] = 4;
        post[usize::from(EXEC_LOAD_EVENT - 1)] = 4;
        post[usize::from(DELETE_FILE_EVENT - 1)] = 4;
        post[usize::from(NEW_LOAD_EVENT - 1)] = 18;
        let version = parse_version(&server_version);
        FormatDescription {
            binlog_version,
            server_version,
            create_timestamp,
            header_length,
            post_header_lengths: post,
            checksum_alg: None,
            flavor: Flavor::MySql,
            version,
            permuted: false,
        }
    }

    /// A default v4 description, used before a file's own FDE is read.
    pub fn default_v4() -> Self {
        FormatDescription {
            binlog_version: 4,
            server_version: String::new(),
            create_timestamp: 0,
            header_length: LOG_EVENT_HEADER_LEN as u8,
            post_header_lengths: Vec::new(),
            checksum_alg: None,
            flavor: Flavor::MySql,
            version: (0, 0, 0),
            permuted: false,
        }
    }

    /// True when events carry a trailing CRC32.
    pub fn has_checksum(&self) -> bool {
        self.checksum_alg == Some(BINLOG_CHECKSUM_ALG_CRC32)
    }

    /// Maps a stored type code to MySQL's mainline numbering.
    pub fn canonical_type(&self, stored: u8) -> u8 {
        if !self.permuted {
            return stored;
        }
        match stored {
            16 => TABLE_MAP_EVENT,
            17 => PRE_GA_WRITE_ROWS_EVENT,
            18 => PRE_GA_UPDATE_ROWS_EVENT,
            19 => PRE_GA_DELETE_ROWS_EVENT,
            20 => XID_EVENT,
            21 => BEGIN_LOAD_QUERY_EVENT,
            22 => EXECUTE_LOAD_QUERY_EVENT,
            other => other,
        }
    }

    /// Post-header length of a (canonical) event type, if the FDE lists it.
    pub fn post_header_len(&self, canonical: u8) -> Option<usize> {
        let stored = if self.permuted {
            match canonical {
                TABLE_MAP_EVENT => 16,
                PRE_GA_WRITE_ROWS_EVENT => 17,
                PRE_GA_UPDATE_ROWS_EVENT => 18,
                PRE_GA_DELETE_ROWS_EVENT => 19,
                XID_EVENT => 20,
                BEGIN_LOAD_QUERY_EVENT => 21,
                EXECUTE_LOAD_QUERY_EVENT => 22,
                other => other,
            }
        } else {
            canonical
        };
        let i = usize::from(stored).checked_sub(1)?;
        self.post_header_lengths.get(i).map(|&n| usize::from(n))
    }

    /// True for MariaDB servers at or after `v`, or MySQL ones at or after `v`.
    pub fn is_at_least(&self, flavor: Flavor, v: (u32, u32, u32)) -> bool {
        self.flavor == flavor && self.version >= v
    }
}

fn version_string(raw: &[u8]) -> String {
    let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
    String::from_utf8_lossy(&raw[..end]).into_owned()
}

/// Parses the leading "X.Y.Z" of a server version string; missing parts are 0.
pub fn parse_version(s: &str) -> (u32, u32, u32) {
    let mut parts = [0u32; 3];
    let mut rest = s;
    for (i, part) in parts.iter_mut().enumerate() {
        let digits: usize = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            break;
        }
        *part = rest[..digits].parse().unwrap_or(0);
        rest = &rest[digits..];
        if i < 2 {
            match rest.strip_prefix('.') {
                Some(r) => rest = r,
                None => break,
            }
        }
    }
    (parts[0], parts[1], parts[2])
}

/// START_EVENT_V3: `binlog_version:2 server_version:50 create_timestamp:4`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartEventV3 {
    pub binlog_version: u16,
    pub server_version: String,
    pub create_timestamp: u32,
}

impl StartEventV3 {
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut c = Cursor::new(body);
        let binlog_version = c.u16("Start_v3 binlog_version")?;
        let server_version =
            version_string(c.bytes(SERVER_VERSION_LEN, "Start_v3 server_version")?);
        let create_timestamp = c.u32("Start_v3 create_timestamp")?;
        Ok(StartEventV3 {
            binlog_version,
            server_version,
            create_timestamp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(parse_version("5.6.4-m7-debug-log"), (5, 6, 4));
        assert_eq!(
            parse_version("10.5.15-MariaDB-1:10.5.15+maria~focal-log"),
            (10, 5, 15)
        );
        assert_eq!(parse_version("9.7.4-2"), (9, 7, 4));
        assert_eq!(parse_version("8.0"), (8, 0, 0));
        assert_eq!(parse_version("x"), (0, 0, 0));
    }
}
