//! The server's side of the protocol: the greeting it sends, the client's
//! handshake response it reads, password checks against stored hashes,
//! and the packets of its answers (OK, ERR, EOF, column definitions,
//! text rows). The client side of the same packets is in `handshake` and
//! `response`; each is tested against the other.

use sha1::{Digest, Sha1};
use sha2::Sha256;

use crate::error::{ProtoError, Result};
use crate::handshake::caps;
use crate::wire::{Reader, put_lenenc_bytes, put_lenenc_int, put_u16, put_u32};

/// `SERVER_STATUS_AUTOCOMMIT`.
pub const STATUS_AUTOCOMMIT: u16 = 0x0002;

/// The server's Handshake v10.
#[derive(Debug, Clone)]
pub struct Greeting<'a> {
    pub server_version: &'a str,
    pub connection_id: u32,
    /// 20 bytes, none of them NUL.
    pub scramble: &'a [u8; 20],
    pub capabilities: u32,
    pub collation: u8,
    pub status: u16,
    pub auth_plugin: &'a str,
}

impl Greeting<'_> {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(96);
        out.push(10);
        out.extend_from_slice(self.server_version.as_bytes());
        out.push(0);
        put_u32(&mut out, self.connection_id);
        out.extend_from_slice(&self.scramble[..8]);
        out.push(0);
        put_u16(&mut out, self.capabilities as u16);
        out.push(self.collation);
        put_u16(&mut out, self.status);
        put_u16(&mut out, (self.capabilities >> 16) as u16);
        out.push(21);
        out.extend_from_slice(&[0; 10]);
        out.extend_from_slice(&self.scramble[8..]);
        out.push(0);
        out.extend_from_slice(self.auth_plugin.as_bytes());
        out.push(0);
        out
    }
}

/// What the client sent after the greeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hello {
    /// The 32-byte SSL request: TLS comes next, then the full response.
    SslRequest {
        capabilities: u32,
    },
    Response(ClientResponse),
}

/// HandshakeResponse41.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientResponse {
    pub capabilities: u32,
    pub max_packet: u32,
    pub collation: u8,
    pub user: String,
    pub auth_response: Vec<u8>,
    pub database: Option<String>,
    /// The plugin the client answered with (none: the greeting's).
    pub auth_plugin: Option<String>,
    pub attributes: Vec<(String, String)>,
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Reads the client's answer to the greeting. Clients older than
/// protocol 4.1 are refused.
pub fn parse_hello(payload: &[u8]) -> Result<Hello> {
    let mut r = Reader::new(payload);
    let capabilities = r.u32("handshake response capabilities")?;
    if capabilities & caps::PROTOCOL_41 == 0 {
        return Err(ProtoError::invalid(
            "handshake response",
            "client does not speak protocol 4.1",
        ));
    }
    let max_packet = r.u32("handshake response max packet")?;
    let collation = r.u8("handshake response collation")?;
    r.bytes(23, "handshake response filler")?;
    if r.is_empty() && capabilities & caps::SSL != 0 {
        return Ok(Hello::SslRequest { capabilities });
    }
    let user = text(r.nul_terminated("handshake response user")?);
    let auth_response = if capabilities & caps::PLUGIN_AUTH_LENENC_CLIENT_DATA != 0 {
        r.lenenc_bytes("handshake response auth data")?
            .unwrap_or_default()
    } else {
        let n = r.u8("handshake response auth data length")?;
        r.bytes(usize::from(n), "handshake response auth data")?
    }
    .to_vec();
    let mut database = None;
    if capabilities & caps::CONNECT_WITH_DB != 0 && !r.is_empty() {
        let db = r.nul_terminated("handshake response database")?;
        if !db.is_empty() {
            database = Some(text(db));
        }
    }
    let mut auth_plugin = None;
    if capabilities & caps::PLUGIN_AUTH != 0 && !r.is_empty() {
        auth_plugin = Some(text(r.nul_terminated("handshake response auth plugin")?));
    }
    let mut attributes = Vec::new();
    if capabilities & caps::CONNECT_ATTRS != 0 && !r.is_empty() {
        let all = r.lenenc_bytes("connection attributes")?.unwrap_or_default();
        let mut a = Reader::new(all);
        while !a.is_empty() {
            let k = a.lenenc_bytes("attribute name")?.unwrap_or_default();
            let v = a.lenenc_bytes("attribute value")?.unwrap_or_default();
            attributes.push((text(k), text(v)));
        }
    }
    Ok(Hello::Response(ClientResponse {
        capabilities,
        max_packet,
        collation,
        user,
        auth_response,
        database,
        auth_plugin,
        attributes,
    }))
}

/// What the server keeps of a password: SHA1(SHA1(p)) for
/// mysql_native_password (MySQL's `*HEX` form without the star) and
/// SHA256(SHA256(p)) for caching_sha2_password's fast path. Neither lets
/// the password be sent back, both let a scramble be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPassword {
    pub native: [u8; 20],
    pub sha2: [u8; 32],
}

impl StoredPassword {
    pub fn hash(password: &[u8]) -> StoredPassword {
        StoredPassword {
            native: Sha1::digest(Sha1::digest(password)).into(),
            sha2: Sha256::digest(Sha256::digest(password)).into(),
        }
    }

    /// The client's mysql_native_password answer: SHA1(p) XOR
    /// SHA1(scramble ‖ SHA1(SHA1(p))); SHA1 of the recovered SHA1(p) must
    /// be the stored hash.
    pub fn check_native(&self, scramble: &[u8], response: &[u8]) -> bool {
        let Ok(response) = <[u8; 20]>::try_from(response) else {
            return false;
        };
        let mut h = Sha1::new();
        h.update(scramble);
        h.update(self.native);
        let mask = h.finalize();
        let candidate: Vec<u8> = response.iter().zip(mask).map(|(a, b)| a ^ b).collect();
        constant_eq(&Sha1::digest(candidate), &self.native)
    }

    /// The client's caching_sha2_password answer: SHA256(p) XOR
    /// SHA256(SHA256(SHA256(p)) ‖ scramble).
    pub fn check_sha2(&self, scramble: &[u8], response: &[u8]) -> bool {
        let Ok(response) = <[u8; 32]>::try_from(response) else {
            return false;
        };
        let mut h = Sha256::new();
        h.update(self.sha2);
        h.update(scramble);
        let mask = h.finalize();
        let candidate: Vec<u8> = response.iter().zip(mask).map(|(a, b)| a ^ b).collect();
        constant_eq(&Sha256::digest(candidate), &self.sha2)
    }

    /// A clear-text password (after TLS, or an RSA-decrypted one).
    pub fn check_clear(&self, password: &[u8]) -> bool {
        constant_eq(&StoredPassword::hash(password).sha2, &self.sha2)
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// caching_sha2_password's "fast authentication succeeded" (AuthMoreData).
pub const FAST_AUTH_OK: [u8; 2] = [0x01, 0x03];

/// AuthSwitchRequest: the client is to answer with `plugin` on `scramble`.
pub fn auth_switch(plugin: &str, scramble: &[u8]) -> Vec<u8> {
    let mut out = vec![0xfe];
    out.extend_from_slice(plugin.as_bytes());
    out.push(0);
    out.extend_from_slice(scramble);
    out.push(0);
    out
}

/// An OK packet; `eof` gives the 0xfe header that ends a result set under
/// CLIENT_DEPRECATE_EOF.
pub fn ok(affected: u64, last_insert_id: u64, status: u16, warnings: u16, eof: bool) -> Vec<u8> {
    let mut out = vec![if eof { 0xfe } else { 0x00 }];
    put_lenenc_int(&mut out, affected);
    put_lenenc_int(&mut out, last_insert_id);
    put_u16(&mut out, status);
    put_u16(&mut out, warnings);
    out
}

/// An ERR packet with its SQLSTATE.
pub fn err(code: u16, sqlstate: &str, message: &str) -> Vec<u8> {
    let mut out = vec![0xff];
    put_u16(&mut out, code);
    out.push(b'#');
    let state = sqlstate.as_bytes();
    out.extend_from_slice(&state[..state.len().min(5)]);
    out.extend(std::iter::repeat_n(
        b'0',
        5usize.saturating_sub(state.len()),
    ));
    out.extend_from_slice(message.as_bytes());
    out
}

/// The EOF packet of the protocol before CLIENT_DEPRECATE_EOF.
pub fn eof(warnings: u16, status: u16) -> Vec<u8> {
    let mut out = vec![0xfe];
    put_u16(&mut out, warnings);
    put_u16(&mut out, status);
    out
}

/// Column types (`enum_field_types`).
pub mod types {
    pub const DECIMAL: u8 = 0;
    pub const TINY: u8 = 1;
    pub const SHORT: u8 = 2;
    pub const LONG: u8 = 3;
    pub const FLOAT: u8 = 4;
    pub const DOUBLE: u8 = 5;
    pub const NULL: u8 = 6;
    pub const TIMESTAMP: u8 = 7;
    pub const LONGLONG: u8 = 8;
    pub const INT24: u8 = 9;
    pub const DATE: u8 = 10;
    pub const TIME: u8 = 11;
    pub const DATETIME: u8 = 12;
    pub const YEAR: u8 = 13;
    pub const VARCHAR: u8 = 15;
    pub const BIT: u8 = 16;
    pub const JSON: u8 = 245;
    pub const NEWDECIMAL: u8 = 246;
    pub const ENUM: u8 = 247;
    pub const SET: u8 = 248;
    pub const BLOB: u8 = 252;
    pub const VAR_STRING: u8 = 253;
    pub const STRING: u8 = 254;
    pub const GEOMETRY: u8 = 255;
}

/// Column flags.
pub mod flags {
    pub const NOT_NULL: u16 = 1;
    pub const PRI_KEY: u16 = 2;
    pub const UNIQUE_KEY: u16 = 4;
    pub const MULTIPLE_KEY: u16 = 8;
    pub const BLOB: u16 = 16;
    pub const UNSIGNED: u16 = 32;
    pub const ZEROFILL: u16 = 64;
    pub const BINARY: u16 = 128;
    pub const ENUM: u16 = 256;
    pub const AUTO_INCREMENT: u16 = 512;
    pub const TIMESTAMP: u16 = 1024;
    pub const SET: u16 = 2048;
    pub const NO_DEFAULT_VALUE: u16 = 4096;
    pub const NUM: u16 = 32768;
}

/// `binary` (63) and `utf8mb4_0900_ai_ci` (255).
pub const BINARY_COLLATION: u16 = 63;
pub const UTF8MB4_0900_AI_CI: u16 = 255;

/// A ColumnDefinition41.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Column {
    pub schema: String,
    pub table: String,
    pub org_table: String,
    pub name: String,
    pub org_name: String,
    pub collation: u16,
    pub length: u32,
    pub column_type: u8,
    pub flags: u16,
    pub decimals: u8,
}

impl Column {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(48 + self.name.len() * 2);
        put_lenenc_bytes(&mut out, b"def");
        for s in [
            &self.schema,
            &self.table,
            &self.org_table,
            &self.name,
            &self.org_name,
        ] {
            put_lenenc_bytes(&mut out, s.as_bytes());
        }
        out.push(0x0c);
        put_u16(&mut out, self.collation);
        put_u32(&mut out, self.length);
        out.push(self.column_type);
        put_u16(&mut out, self.flags);
        out.push(self.decimals);
        out.extend_from_slice(&[0, 0]);
        out
    }
}

/// A text-protocol row: each value length-encoded, NULL as 0xfb.
pub fn text_row<'a>(values: impl IntoIterator<Item = Option<&'a [u8]>>) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        match v {
            Some(b) => put_lenenc_bytes(&mut out, b),
            None => out.push(0xfb),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{caching_sha2_scramble, native_scramble};
    use crate::handshake::{Handshake, HandshakeResponse};
    use crate::response::{parse_err, parse_ok};

    const SCRAMBLE: &[u8; 20] = b"abcdefghij0123456789";

    #[test]
    fn the_client_reads_our_greeting() {
        let g = Greeting {
            server_version: "9.7.0-understudy",
            connection_id: 7,
            scramble: SCRAMBLE,
            capabilities: caps::PROTOCOL_41
                | caps::SECURE_CONNECTION
                | caps::PLUGIN_AUTH
                | caps::DEPRECATE_EOF,
            collation: 255,
            status: STATUS_AUTOCOMMIT,
            auth_plugin: "caching_sha2_password",
        };
        let h = Handshake::parse(&g.encode()).unwrap();
        assert_eq!(h.server_version, "9.7.0-understudy");
        assert_eq!(h.connection_id, 7);
        assert_eq!(h.scramble, SCRAMBLE);
        assert_eq!(h.auth_plugin, "caching_sha2_password");
        assert_eq!(h.capabilities, g.capabilities);
        assert_eq!(h.status, STATUS_AUTOCOMMIT);
    }

    #[test]
    fn we_read_the_clients_response() {
        let c = caps::PROTOCOL_41
            | caps::SECURE_CONNECTION
            | caps::PLUGIN_AUTH
            | caps::PLUGIN_AUTH_LENENC_CLIENT_DATA
            | caps::CONNECT_WITH_DB
            | caps::CONNECT_ATTRS;
        let r = HandshakeResponse {
            capabilities: c,
            max_packet: 1 << 24,
            charset: 45,
            user: "admin",
            auth_response: &[9; 32],
            database: Some("shop"),
            auth_plugin: "caching_sha2_password",
            attributes: &[("_client_name", "libmysql")],
            zstd_level: 0,
        };
        let Hello::Response(p) = parse_hello(&r.encode()).unwrap() else {
            panic!("not a response")
        };
        assert_eq!(p.user, "admin");
        assert_eq!(p.auth_response, vec![9; 32]);
        assert_eq!(p.database.as_deref(), Some("shop"));
        assert_eq!(p.auth_plugin.as_deref(), Some("caching_sha2_password"));
        assert_eq!(
            p.attributes,
            vec![("_client_name".into(), "libmysql".into())]
        );
        assert_eq!(
            parse_hello(&r.ssl_request()).unwrap(),
            Hello::SslRequest {
                capabilities: c | caps::SSL
            }
        );
        let full = r.encode();
        for n in 0..full.len() {
            let _ = parse_hello(&full[..n]);
        }
    }

    #[test]
    fn passwords_are_checked_against_their_hashes() {
        let stored = StoredPassword::hash(b"s3cret");
        assert!(stored.check_native(SCRAMBLE, &native_scramble(b"s3cret", SCRAMBLE)));
        assert!(!stored.check_native(SCRAMBLE, &native_scramble(b"s3creT", SCRAMBLE)));
        assert!(stored.check_sha2(SCRAMBLE, &caching_sha2_scramble(b"s3cret", SCRAMBLE)));
        assert!(!stored.check_sha2(SCRAMBLE, &caching_sha2_scramble(b"other", SCRAMBLE)));
        assert!(!stored.check_sha2(
            b"another scramble....",
            &caching_sha2_scramble(b"s3cret", SCRAMBLE)
        ));
        assert!(!stored.check_sha2(SCRAMBLE, &[]));
        assert!(stored.check_clear(b"s3cret"));
        // MySQL's PASSWORD('s3cret') form of the native hash.
        let hex: String = stored.native.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(hex.len(), 40);
    }

    #[test]
    fn answers_read_back() {
        let o = parse_ok(&ok(3, 9, STATUS_AUTOCOMMIT, 1, false)).unwrap();
        assert_eq!(
            (o.affected_rows, o.last_insert_id, o.status, o.warnings),
            (3, 9, 2, 1)
        );
        let e = parse_err(&err(1290, "HY000", "read only"), 0);
        assert_eq!(
            (e.code, e.state.as_str(), e.message.as_str()),
            (1290, "HY000", "read only")
        );
        assert_eq!(
            text_row([Some(&b"ab"[..]), None]),
            vec![2, b'a', b'b', 0xfb]
        );
    }
}
