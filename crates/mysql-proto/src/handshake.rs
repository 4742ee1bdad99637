//! The connection phase: the server's Handshake v10, the client's SSL
//! request and HandshakeResponse41, and the capability flags they carry.

use crate::error::{ProtoError, Result};
use crate::response::parse_err;
use crate::wire::{Reader, put_lenenc_bytes, put_u32};

/// Capability flags (the `CLIENT_*` constants).
pub mod caps {
    pub const LONG_PASSWORD: u32 = 1;
    pub const FOUND_ROWS: u32 = 1 << 1;
    pub const LONG_FLAG: u32 = 1 << 2;
    pub const CONNECT_WITH_DB: u32 = 1 << 3;
    pub const COMPRESS: u32 = 1 << 5;
    pub const LOCAL_FILES: u32 = 1 << 7;
    pub const PROTOCOL_41: u32 = 1 << 9;
    pub const SSL: u32 = 1 << 11;
    pub const TRANSACTIONS: u32 = 1 << 13;
    pub const SECURE_CONNECTION: u32 = 1 << 15;
    pub const MULTI_STATEMENTS: u32 = 1 << 16;
    pub const MULTI_RESULTS: u32 = 1 << 17;
    pub const PS_MULTI_RESULTS: u32 = 1 << 18;
    pub const PLUGIN_AUTH: u32 = 1 << 19;
    pub const CONNECT_ATTRS: u32 = 1 << 20;
    pub const PLUGIN_AUTH_LENENC_CLIENT_DATA: u32 = 1 << 21;
    pub const SESSION_TRACK: u32 = 1 << 23;
    pub const DEPRECATE_EOF: u32 = 1 << 24;
    pub const ZSTD_COMPRESSION_ALGORITHM: u32 = 1 << 26;
}

/// What the server announced in its Handshake v10.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    pub protocol_version: u8,
    pub server_version: String,
    pub connection_id: u32,
    pub capabilities: u32,
    pub charset: u8,
    pub status: u16,
    /// The challenge ("auth plugin data"), without its trailing NUL.
    pub scramble: Vec<u8>,
    /// The plugin the server expects first; `mysql_native_password` when
    /// it names none.
    pub auth_plugin: String,
}

impl Handshake {
    pub fn is_mariadb(&self) -> bool {
        self.server_version.contains("MariaDB")
    }

    /// Parses the first packet of a connection. An ERR packet (too many
    /// connections, host blocked) becomes `ProtoError::Server`.
    pub fn parse(payload: &[u8]) -> Result<Handshake> {
        if payload.first() == Some(&0xff) {
            return Err(parse_err(payload, 0).into());
        }
        let mut r = Reader::new(payload);
        let protocol_version = r.u8("handshake protocol version")?;
        if protocol_version != 10 {
            return Err(ProtoError::invalid(
                "handshake",
                format!("protocol version {protocol_version} (only 10 is spoken)"),
            ));
        }
        let server_version =
            String::from_utf8_lossy(r.nul_terminated("handshake server version")?).into_owned();
        let connection_id = r.u32("handshake connection id")?;
        let mut scramble = r.bytes(8, "handshake auth data")?.to_vec();
        r.u8("handshake filler")?;
        let mut capabilities = u32::from(r.u16("handshake capabilities")?);
        let (mut charset, mut status, mut auth_plugin) = (0, 0, String::new());
        if !r.is_empty() {
            charset = r.u8("handshake charset")?;
            status = r.u16("handshake status")?;
            capabilities |= u32::from(r.u16("handshake capabilities")?) << 16;
            let data_len = r.u8("handshake auth data length")?;
            r.bytes(10, "handshake reserved bytes")?;
            if capabilities & caps::SECURE_CONNECTION != 0 {
                let n = usize::from(data_len).saturating_sub(8).max(13);
                let part2 = r.bytes(n.min(r.remaining()), "handshake auth data")?;
                scramble.extend_from_slice(part2);
                if scramble.last() == Some(&0) {
                    scramble.pop();
                }
            }
            if capabilities & caps::PLUGIN_AUTH != 0 {
                let rest = r.rest();
                let name = rest.split(|&b| b == 0).next().unwrap_or_default();
                auth_plugin = String::from_utf8_lossy(name).into_owned();
            }
        }
        if capabilities & caps::PROTOCOL_41 == 0 {
            return Err(ProtoError::invalid(
                "handshake",
                "server does not speak protocol 4.1",
            ));
        }
        if auth_plugin.is_empty() {
            auth_plugin = "mysql_native_password".to_owned();
        }
        Ok(Handshake {
            protocol_version,
            server_version,
            connection_id,
            capabilities,
            charset,
            status,
            scramble,
            auth_plugin,
        })
    }
}

/// The client's side of the handshake.
#[derive(Debug, Clone)]
pub struct HandshakeResponse<'a> {
    pub capabilities: u32,
    pub max_packet: u32,
    pub charset: u8,
    pub user: &'a str,
    pub auth_response: &'a [u8],
    pub database: Option<&'a str>,
    pub auth_plugin: &'a str,
    pub attributes: &'a [(&'a str, &'a str)],
    /// Sent with CLIENT_ZSTD_COMPRESSION_ALGORITHM.
    pub zstd_level: u8,
}

impl HandshakeResponse<'_> {
    /// The 32-byte SSL request that comes first on a TLS connection.
    pub fn ssl_request(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32);
        put_u32(&mut out, self.capabilities | caps::SSL);
        put_u32(&mut out, self.max_packet);
        out.push(self.charset);
        out.extend_from_slice(&[0; 23]);
        out
    }

    pub fn encode(&self) -> Vec<u8> {
        let c = self.capabilities;
        let mut out = Vec::with_capacity(128);
        put_u32(&mut out, c);
        put_u32(&mut out, self.max_packet);
        out.push(self.charset);
        out.extend_from_slice(&[0; 23]);
        out.extend_from_slice(self.user.as_bytes());
        out.push(0);
        if c & caps::PLUGIN_AUTH_LENENC_CLIENT_DATA != 0 {
            put_lenenc_bytes(&mut out, self.auth_response);
        } else {
            let a = &self.auth_response[..self.auth_response.len().min(255)];
            out.push(a.len() as u8);
            out.extend_from_slice(a);
        }
        if c & caps::CONNECT_WITH_DB != 0 {
            out.extend_from_slice(self.database.unwrap_or_default().as_bytes());
            out.push(0);
        }
        if c & caps::PLUGIN_AUTH != 0 {
            out.extend_from_slice(self.auth_plugin.as_bytes());
            out.push(0);
        }
        if c & caps::CONNECT_ATTRS != 0 {
            let mut attrs = Vec::new();
            for (k, v) in self.attributes {
                put_lenenc_bytes(&mut attrs, k.as_bytes());
                put_lenenc_bytes(&mut attrs, v.as_bytes());
            }
            put_lenenc_bytes(&mut out, &attrs);
        }
        if c & caps::ZSTD_COMPRESSION_ALGORITHM != 0 {
            out.push(self.zstd_level);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The start of a real MySQL 9.7 greeting (scramble bytes replaced).
    fn mysql_greeting() -> Vec<u8> {
        let mut p = vec![10];
        p.extend_from_slice(b"9.7.4-2\0");
        p.extend_from_slice(&42u32.to_le_bytes());
        p.extend_from_slice(b"abcdefgh\0");
        p.extend_from_slice(&0xffffu16.to_le_bytes());
        p.push(255);
        p.extend_from_slice(&2u16.to_le_bytes());
        p.extend_from_slice(&0xdfffu16.to_le_bytes());
        p.push(21);
        p.extend_from_slice(&[0; 10]);
        p.extend_from_slice(b"ijklmnopqrst\0");
        p.extend_from_slice(b"caching_sha2_password\0");
        p
    }

    #[test]
    fn parses_a_greeting() {
        let h = Handshake::parse(&mysql_greeting()).unwrap();
        assert_eq!(h.server_version, "9.7.4-2");
        assert_eq!(h.connection_id, 42);
        assert_eq!(h.scramble, b"abcdefghijklmnopqrst");
        assert_eq!(h.auth_plugin, "caching_sha2_password");
        assert!(h.capabilities & caps::PLUGIN_AUTH != 0);
        assert!(!h.is_mariadb());
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let g = mysql_greeting();
        for n in 0..g.len() - 22 {
            let _ = Handshake::parse(&g[..n]);
        }
        assert!(Handshake::parse(&g[..20]).is_err());
    }

    #[test]
    fn an_err_packet_instead_of_a_greeting() {
        let mut p = vec![0xff];
        p.extend_from_slice(&1040u16.to_le_bytes());
        p.extend_from_slice(b"Too many connections");
        match Handshake::parse(&p) {
            Err(ProtoError::Server(e)) => {
                assert_eq!(e.code, 1040);
                assert_eq!(e.message, "Too many connections");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn response_layout() {
        let r = HandshakeResponse {
            capabilities: caps::PROTOCOL_41
                | caps::SECURE_CONNECTION
                | caps::PLUGIN_AUTH
                | caps::PLUGIN_AUTH_LENENC_CLIENT_DATA,
            max_packet: 1 << 30,
            charset: 45,
            user: "repl",
            auth_response: &[1, 2, 3],
            database: None,
            auth_plugin: "mysql_native_password",
            attributes: &[],
            zstd_level: 3,
        };
        let b = r.encode();
        assert_eq!(&b[32..37], b"repl\0");
        assert_eq!(&b[37..41], &[3, 1, 2, 3]);
        assert_eq!(&b[41..], b"mysql_native_password\0");
        assert_eq!(r.ssl_request().len(), 32);
    }
}
