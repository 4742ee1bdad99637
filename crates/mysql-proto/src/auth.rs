//! Authentication plugins, client side, as a state machine: it is given
//! each packet the server sends during the connection phase and says what
//! to send back. The socket, TLS and sequence ids belong to the caller.
//!
//! - `mysql_native_password`: SHA1(pw) XOR SHA1(scramble ‖ SHA1(SHA1(pw))).
//! - `caching_sha2_password`: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) ‖
//!   scramble). The server answers 0x01 0x03 (fast path: the hash was in its
//!   cache) or 0x01 0x04 (full authentication: the password itself must be
//!   sent, in clear inside TLS, or RSA-encrypted with the server's key).
//! - `sha256_password`: always full authentication, like the above.
//!
//! The RSA form: (password ‖ NUL) XOR the scramble repeated, encrypted
//! with RSA-OAEP (SHA-1, MGF1-SHA-1) under the server's public key, which
//! comes from a file or is asked of the server (0x02 for caching_sha2,
//! 0x01 for sha256_password; it answers 0x01 ‖ PEM).

use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Oaep, RsaPublicKey};
use sha1::{Digest, Sha1};
use sha2::Sha256;

use crate::error::{ProtoError, Result};
use crate::response::{OkPacket, parse_err, parse_ok};

pub const NATIVE: &str = "mysql_native_password";
pub const CACHING_SHA2: &str = "caching_sha2_password";
pub const SHA256: &str = "sha256_password";
pub const CLEAR: &str = "mysql_clear_password";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plugin {
    Native,
    CachingSha2,
    Sha256,
    Clear,
}

impl Plugin {
    fn from_name(name: &str) -> Result<Plugin> {
        match name {
            NATIVE => Ok(Plugin::Native),
            CACHING_SHA2 => Ok(Plugin::CachingSha2),
            SHA256 => Ok(Plugin::Sha256),
            CLEAR => Ok(Plugin::Clear),
            other => Err(ProtoError::Auth(format!(
                "the server asks for authentication plugin '{other}', which understudy does not support (supported: {NATIVE}, {CACHING_SHA2}, {SHA256})"
            ))),
        }
    }
}

/// How the client may send a password the server must see in full.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    pub password: Vec<u8>,
    /// The connection is TLS: the password may travel as it is.
    pub secure: bool,
    /// The server's RSA public key (PEM), from a file.
    pub public_key: Option<String>,
    /// Ask the server for its public key when there is none
    /// (`GET_SOURCE_PUBLIC_KEY=1`).
    pub request_public_key: bool,
}

/// What to do after a server packet.
#[derive(Debug, PartialEq, Eq)]
pub enum AuthStep {
    /// Send this payload (next sequence id).
    Send(Vec<u8>),
    /// Read the next packet; nothing to send.
    Wait,
    /// Authenticated.
    Done(OkPacket),
}

/// Which way the last successful authentication went (for tests and logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthPath {
    Scramble,
    FastPath,
    FullOverTls,
    FullRsa,
}

#[derive(Debug)]
pub struct Authenticator {
    plugin: Plugin,
    scramble: Vec<u8>,
    secrets: Secrets,
    asked_for_key: bool,
    path: AuthPath,
}

impl Authenticator {
    pub fn new(plugin: &str, scramble: &[u8], secrets: Secrets) -> Result<Self> {
        Ok(Authenticator {
            plugin: Plugin::from_name(plugin)?,
            scramble: scramble.to_vec(),
            secrets,
            asked_for_key: false,
            path: AuthPath::Scramble,
        })
    }

    pub fn plugin_name(&self) -> &'static str {
        match self.plugin {
            Plugin::Native => NATIVE,
            Plugin::CachingSha2 => CACHING_SHA2,
            Plugin::Sha256 => SHA256,
            Plugin::Clear => CLEAR,
        }
    }

    pub fn path(&self) -> AuthPath {
        self.path
    }

    /// The auth response for the handshake response or an auth switch.
    pub fn initial_response(&mut self) -> Result<Vec<u8>> {
        let pw = &self.secrets.password;
        match self.plugin {
            Plugin::Native => Ok(native_scramble(pw, &self.scramble)),
            Plugin::CachingSha2 => Ok(caching_sha2_scramble(pw, &self.scramble)),
            Plugin::Sha256 => {
                if pw.is_empty() {
                    Ok(vec![0])
                } else {
                    self.full_auth(0x01)
                }
            }
            Plugin::Clear => {
                if !self.secrets.secure {
                    return Err(ProtoError::Auth(
                        "mysql_clear_password needs a TLS connection".into(),
                    ));
                }
                let mut v = pw.clone();
                v.push(0);
                Ok(v)
            }
        }
    }

    /// The password for full authentication: clear inside TLS, RSA with a
    /// known key, or a request for the server's key (`ask` byte).
    fn full_auth(&mut self, ask: u8) -> Result<Vec<u8>> {
        if self.secrets.secure {
            self.path = AuthPath::FullOverTls;
            let mut v = self.secrets.password.clone();
            v.push(0);
            return Ok(v);
        }
        if let Some(pem) = &self.secrets.public_key {
            self.path = AuthPath::FullRsa;
            return rsa_encrypt_password(&self.secrets.password, &self.scramble, pem);
        }
        if self.secrets.request_public_key && !self.asked_for_key {
            self.asked_for_key = true;
            return Ok(vec![ask]);
        }
        Err(ProtoError::Auth(format!(
            "{} needs the password in full, and the connection is not TLS: use TLS, \
             a source public key file, or let understudy ask the server for its key \
             (GET_SOURCE_PUBLIC_KEY)",
            self.plugin_name()
        )))
    }

    /// Takes a packet the server sent after the handshake response.
    pub fn on_packet(&mut self, p: &[u8]) -> Result<AuthStep> {
        match p.first() {
            Some(0x00) => Ok(AuthStep::Done(parse_ok(p)?)),
            Some(0xff) => Err(parse_err(p, 0).into()),
            Some(0xfe) => {
                // Auth switch request: plugin name, NUL, new scramble.
                let rest = &p[1..];
                if rest.is_empty() {
                    return Err(ProtoError::Auth(
                        "the server asks for the pre-4.1 password protocol (not supported)".into(),
                    ));
                }
                let nul = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
                let name = String::from_utf8_lossy(&rest[..nul]).into_owned();
                let mut data = rest.get(nul + 1..).unwrap_or_default().to_vec();
                if data.last() == Some(&0) {
                    data.pop();
                }
                self.plugin = Plugin::from_name(&name)?;
                self.scramble = data;
                self.asked_for_key = false;
                self.path = AuthPath::Scramble;
                Ok(AuthStep::Send(self.initial_response()?))
            }
            Some(0x01) => self.more_data(&p[1..]),
            _ => Err(ProtoError::invalid(
                "authentication packet",
                format!("unexpected header {:02x?}", p.first()),
            )),
        }
    }

    fn more_data(&mut self, data: &[u8]) -> Result<AuthStep> {
        match (self.plugin, data) {
            (Plugin::CachingSha2, [0x03]) => {
                self.path = AuthPath::FastPath;
                Ok(AuthStep::Wait)
            }
            (Plugin::CachingSha2, [0x04]) => Ok(AuthStep::Send(self.full_auth(0x02)?)),
            (Plugin::CachingSha2 | Plugin::Sha256, pem) if self.asked_for_key => {
                let pem = String::from_utf8_lossy(pem).into_owned();
                self.path = AuthPath::FullRsa;
                let v = rsa_encrypt_password(&self.secrets.password, &self.scramble, &pem)?;
                self.secrets.public_key = Some(pem);
                Ok(AuthStep::Send(v))
            }
            _ => Err(ProtoError::invalid(
                "authentication packet",
                format!(
                    "unexpected extra data ({} bytes) for {}",
                    data.len(),
                    self.plugin_name()
                ),
            )),
        }
    }

    /// The server's public key, when it sent one (to cache for next time).
    pub fn public_key(&self) -> Option<&str> {
        self.secrets.public_key.as_deref()
    }
}

pub fn native_scramble(password: &[u8], scramble: &[u8]) -> Vec<u8> {
    if password.is_empty() {
        return Vec::new();
    }
    let h1 = Sha1::digest(password);
    let h2 = Sha1::digest(h1);
    let mut h = Sha1::new();
    h.update(scramble);
    h.update(h2);
    let h3 = h.finalize();
    h1.iter().zip(h3.iter()).map(|(a, b)| a ^ b).collect()
}

pub fn caching_sha2_scramble(password: &[u8], scramble: &[u8]) -> Vec<u8> {
    if password.is_empty() {
        return Vec::new();
    }
    let h1 = Sha256::digest(password);
    let h2 = Sha256::digest(h1);
    let mut h = Sha256::new();
    h.update(h2);
    h.update(scramble);
    let h3 = h.finalize();
    h1.iter().zip(h3.iter()).map(|(a, b)| a ^ b).collect()
}

/// (password ‖ NUL) XOR scramble, RSA-OAEP(SHA-1) under the PEM key
/// (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`).
pub fn rsa_encrypt_password(password: &[u8], scramble: &[u8], pem: &str) -> Result<Vec<u8>> {
    let pem = pem.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    let key = match RsaPublicKey::from_public_key_pem(pem) {
        Ok(k) => k,
        Err(spki) => RsaPublicKey::from_pkcs1_pem(pem).map_err(|_| {
            ProtoError::Auth(format!("the source's RSA public key is unusable: {spki}"))
        })?,
    };
    if scramble.is_empty() {
        return Err(ProtoError::Auth("empty scramble for RSA".into()));
    }
    let mut plain = password.to_vec();
    plain.push(0);
    for (i, b) in plain.iter_mut().enumerate() {
        *b ^= scramble[i % scramble.len()];
    }
    key.encrypt(&mut rand_core::OsRng, Oaep::new::<Sha1>(), &plain)
        .map_err(|e| ProtoError::Auth(format!("RSA encryption of the password: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::RsaPrivateKey;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};

    const SCRAMBLE: &[u8] = b"01234567890123456789";

    #[test]
    fn native_scramble_matches_its_definition_and_checks_out() {
        // The server stores SHA1(SHA1(pw)) and checks
        // SHA1(reply XOR SHA1(scramble ‖ stored)) == stored.
        let reply = native_scramble(b"secret", SCRAMBLE);
        let stored = Sha1::digest(Sha1::digest(b"secret"));
        let mut h = Sha1::new();
        h.update(SCRAMBLE);
        h.update(stored);
        let mask = h.finalize();
        let h1: Vec<u8> = reply.iter().zip(mask.iter()).map(|(a, b)| a ^ b).collect();
        assert_eq!(Sha1::digest(&h1), stored);
        assert!(native_scramble(b"", SCRAMBLE).is_empty());
    }

    #[test]
    fn caching_sha2_scramble_checks_out() {
        let reply = caching_sha2_scramble(b"secret", SCRAMBLE);
        let stored = Sha256::digest(Sha256::digest(b"secret"));
        let mut h = Sha256::new();
        h.update(stored);
        h.update(SCRAMBLE);
        let mask = h.finalize();
        let h1: Vec<u8> = reply.iter().zip(mask.iter()).map(|(a, b)| a ^ b).collect();
        assert_eq!(Sha256::digest(&h1), stored);
    }

    #[test]
    fn rsa_path_decrypts_to_the_password() {
        let key = RsaPrivateKey::new(&mut rand_core::OsRng, 1024).unwrap();
        let pem = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        let secrets = Secrets {
            password: b"pw".to_vec(),
            request_public_key: true,
            ..Secrets::default()
        };
        let mut a = Authenticator::new(CACHING_SHA2, SCRAMBLE, secrets).unwrap();
        a.initial_response().unwrap();
        assert_eq!(a.on_packet(&[1, 3]).unwrap(), AuthStep::Wait);
        assert_eq!(a.path(), AuthPath::FastPath);
        assert_eq!(a.on_packet(&[1, 4]).unwrap(), AuthStep::Send(vec![2]));
        let mut p = vec![1];
        p.extend_from_slice(pem.as_bytes());
        let AuthStep::Send(ct) = a.on_packet(&p).unwrap() else {
            panic!()
        };
        let plain = key.decrypt(Oaep::new::<Sha1>(), &ct).unwrap();
        let pw: Vec<u8> = plain
            .iter()
            .enumerate()
            .map(|(i, b)| b ^ SCRAMBLE[i % SCRAMBLE.len()])
            .collect();
        assert_eq!(pw, b"pw\0");
        assert_eq!(a.path(), AuthPath::FullRsa);
        assert!(matches!(
            a.on_packet(&[0, 0, 0, 2, 0, 0, 0]).unwrap(),
            AuthStep::Done(_)
        ));
    }

    #[test]
    fn full_auth_without_a_secure_channel_is_refused() {
        let mut a = Authenticator::new(
            CACHING_SHA2,
            SCRAMBLE,
            Secrets {
                password: b"pw".to_vec(),
                ..Secrets::default()
            },
        )
        .unwrap();
        assert!(matches!(a.on_packet(&[1, 4]), Err(ProtoError::Auth(_))));
    }

    #[test]
    fn over_tls_the_password_goes_as_it_is_and_switches_work() {
        let secrets = Secrets {
            password: b"pw".to_vec(),
            secure: true,
            ..Secrets::default()
        };
        let mut a = Authenticator::new(NATIVE, SCRAMBLE, secrets).unwrap();
        let mut switch = vec![0xfe];
        switch.extend_from_slice(b"sha256_password\0");
        switch.extend_from_slice(SCRAMBLE);
        switch.push(0);
        assert_eq!(
            a.on_packet(&switch).unwrap(),
            AuthStep::Send(b"pw\0".to_vec())
        );
        assert_eq!(a.path(), AuthPath::FullOverTls);
        let mut unknown = vec![0xfe];
        unknown.extend_from_slice(b"dialog\0x");
        assert!(matches!(a.on_packet(&unknown), Err(ProtoError::Auth(_))));
        assert!(a.on_packet(&[0xfe]).is_err());
        assert!(a.on_packet(&[]).is_err());
    }
}
