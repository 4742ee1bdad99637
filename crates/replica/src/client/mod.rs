//! A MySQL client connection over tokio: TCP, optional TLS, optional
//! protocol compression, authentication, queries and the binlog stream.
//! The protocol itself is `understudy-mysql-proto`; this module moves its
//! payloads over the socket.

pub mod error;
pub mod tls;
mod transport;

use std::path::PathBuf;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use understudy_mysql_proto::auth::{AuthPath, AuthStep, Authenticator, Secrets};
use understudy_mysql_proto::compress::{self, Algorithm};
use understudy_mysql_proto::handshake::{Handshake, HandshakeResponse, caps};
use understudy_mysql_proto::packet::{Frame, PacketDecoder, write_packets};
use understudy_mysql_proto::response::{
    Feed, QueryResult, ResultReader, is_eof, parse_err, parse_ok, recycle_row,
};
use understudy_mysql_proto::{ProtoError, command};

pub use error::{ClientError, Result};
pub use tls::{SslMode, SslOptions};
use transport::Transport;

/// What MySQL calls `max_allowed_packet` on the replica side: the largest
/// payload accepted (MySQL's own limit, 1 GiB).
const MAX_PAYLOAD: usize = 1 << 30;
const READ_CHUNK: usize = 256 << 10;

#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Vec<u8>,
    pub ssl: SslOptions,
    /// `SOURCE_COMPRESSION_ALGORITHMS`: none, zlib or zstd.
    pub compression: Option<Algorithm>,
    /// `SOURCE_PUBLIC_KEY_PATH`.
    pub public_key_path: Option<PathBuf>,
    /// `GET_SOURCE_PUBLIC_KEY`.
    pub get_public_key: bool,
    pub connect_timeout: Duration,
    /// Reads that wait longer fail (`replica_net_timeout`); `None` waits.
    pub read_timeout: Option<Duration>,
    /// `program_name` and the like, shown in the source's
    /// `performance_schema.session_connect_attrs`.
    pub program_name: String,
}

impl ConnectOptions {
    pub fn new(host: &str, port: u16, user: &str) -> Self {
        ConnectOptions {
            host: host.to_owned(),
            port,
            user: user.to_owned(),
            password: Vec::new(),
            ssl: SslOptions::default(),
            compression: None,
            public_key_path: None,
            get_public_key: false,
            connect_timeout: Duration::from_secs(10),
            read_timeout: None,
            program_name: "understudy".to_owned(),
        }
    }

    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// One packet of the binlog stream.
#[derive(Debug)]
pub enum DumpPacket<'a> {
    /// An event, header to checksum, as the source sent it.
    Event(&'a [u8]),
    /// The end of a non-blocking dump.
    Eof,
}

pub struct Conn {
    stream: Transport,
    /// Plain (decompressed) bytes from the server: `buf[pos..filled]`.
    buf: Vec<u8>,
    pos: usize,
    filled: usize,
    /// Bytes of `buf` the payload handed out last occupies.
    release: usize,
    joined: Vec<u8>,
    /// Compressed bytes from the socket, when compression is on; those
    /// before `cpos` are done with.
    cbuf: Vec<u8>,
    cpos: usize,
    decoder: PacketDecoder,
    seq: u8,
    compressed_seq: u8,
    compression: Option<Algorithm>,
    capabilities: u32,
    handshake: Handshake,
    read_timeout: Option<Duration>,
    auth_path: AuthPath,
    wbuf: Vec<u8>,
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn")
            .field("server_version", &self.handshake.server_version)
            .field("connection_id", &self.handshake.connection_id)
            .field("tls", &self.stream.is_tls())
            .field("compression", &self.compression)
            .finish_non_exhaustive()
    }
}

impl Conn {
    /// Connects, negotiates TLS and compression, and authenticates.
    pub async fn connect(opts: &ConnectOptions) -> Result<Conn> {
        let addr = opts.address();
        let tcp = tokio::time::timeout(opts.connect_timeout, TcpStream::connect(&addr))
            .await
            .map_err(|_| ClientError::Connect {
                addr: addr.clone(),
                source: std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"),
            })?
            .map_err(|source| ClientError::Connect {
                addr: addr.clone(),
                source,
            })?;
        tcp.set_nodelay(true).ok();
        let mut conn = Conn {
            stream: Transport::Plain(tcp),
            buf: vec![0; READ_CHUNK],
            pos: 0,
            filled: 0,
            release: 0,
            joined: Vec::new(),
            cbuf: Vec::new(),
            cpos: 0,
            decoder: PacketDecoder::new(MAX_PAYLOAD),
            seq: 0,
            compressed_seq: 0,
            compression: None,
            capabilities: 0,
            handshake: Handshake {
                protocol_version: 0,
                server_version: String::new(),
                connection_id: 0,
                capabilities: 0,
                charset: 0,
                status: 0,
                scramble: Vec::new(),
                auth_plugin: String::new(),
            },
            read_timeout: Some(opts.connect_timeout),
            auth_path: AuthPath::Scramble,
            wbuf: Vec::new(),
        };
        conn.handshake(opts).await?;
        conn.read_timeout = opts.read_timeout;
        Ok(conn)
    }

    async fn handshake(&mut self, opts: &ConnectOptions) -> Result<()> {
        let hs = Handshake::parse(self.read_payload().await?)?;
        let server = hs.capabilities;
        let mut want = caps::LONG_PASSWORD
            | caps::LONG_FLAG
            | caps::PROTOCOL_41
            | caps::TRANSACTIONS
            | caps::SECURE_CONNECTION
            | caps::MULTI_RESULTS
            | caps::PLUGIN_AUTH
            | caps::PLUGIN_AUTH_LENENC_CLIENT_DATA
            | caps::CONNECT_ATTRS
            | caps::DEPRECATE_EOF;
        let use_tls = match opts.ssl.mode {
            SslMode::Disabled => false,
            SslMode::Preferred => server & caps::SSL != 0,
            mode => {
                if server & caps::SSL == 0 {
                    return Err(ClientError::Tls(format!(
                        "ssl mode {mode} but the source at {} does not offer TLS",
                        opts.address()
                    )));
                }
                true
            }
        };
        let mut zstd_level = 3;
        match opts.compression {
            None => {}
            Some(Algorithm::Zlib) => want |= caps::COMPRESS,
            Some(Algorithm::Zstd(level)) => {
                want |= caps::ZSTD_COMPRESSION_ALGORITHM;
                zstd_level = level.clamp(1, 22) as u8;
            }
        }
        if let Some(alg) = opts.compression {
            let flag = want & (caps::COMPRESS | caps::ZSTD_COMPRESSION_ALGORITHM);
            if server & flag == 0 {
                return Err(ProtoError::invalid(
                    "handshake",
                    format!("the source does not support {} compression", alg.name()),
                )
                .into());
            }
        }
        if use_tls {
            want |= caps::SSL;
        }
        let client_caps = want & (server | caps::SSL);
        self.capabilities = client_caps;
        let charset = if hs.is_mariadb() { 45 } else { 255 };
        let public_key = match &opts.public_key_path {
            Some(p) => Some(std::fs::read_to_string(p).map_err(|e| {
                ProtoError::Auth(format!(
                    "cannot read source public key {}: {e}",
                    p.display()
                ))
            })?),
            None => None,
        };
        let secrets = Secrets {
            password: opts.password.clone(),
            secure: use_tls,
            public_key,
            request_public_key: opts.get_public_key,
        };
        // A default plugin we do not speak: answer for a usual one; the
        // server switches us to the account's plugin.
        let first_plugin = match Authenticator::new(&hs.auth_plugin, &hs.scramble, secrets.clone())
        {
            Ok(a) => a,
            Err(_) => {
                Authenticator::new(understudy_mysql_proto::auth::NATIVE, &hs.scramble, secrets)?
            }
        };
        let mut auth = first_plugin;
        let attrs = [
            ("_client_name", "understudy"),
            ("_client_version", env!("CARGO_PKG_VERSION")),
            ("program_name", opts.program_name.as_str()),
        ];
        let auth_response = auth.initial_response()?;
        let plugin = auth.plugin_name();
        let response = HandshakeResponse {
            capabilities: client_caps,
            max_packet: MAX_PAYLOAD as u32,
            charset,
            user: &opts.user,
            auth_response: &auth_response,
            database: None,
            auth_plugin: plugin,
            attributes: &attrs,
            zstd_level,
        };
        self.handshake = hs;
        if use_tls {
            self.send(&response.ssl_request()).await?;
            self.start_tls(opts).await?;
        }
        self.send(&response.encode()).await?;
        loop {
            let p = self.read_payload().await?;
            match auth.on_packet(p)? {
                AuthStep::Send(reply) => self.send(&reply).await?,
                AuthStep::Wait => {}
                AuthStep::Done(_) => break,
            }
        }
        self.auth_path = auth.path();
        if let Some(alg) = opts.compression {
            self.compression = Some(alg);
        }
        Ok(())
    }

    async fn start_tls(&mut self, opts: &ConnectOptions) -> Result<()> {
        let config = tls::client_config(&opts.ssl)?;
        let name = tls::server_name(&opts.host)?;
        let Transport::Plain(tcp) = std::mem::replace(&mut self.stream, Transport::Upgrading)
        else {
            return Err(ClientError::Tls("TLS started twice".into()));
        };
        let tls = TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .map_err(|e| ClientError::Tls(format!("TLS handshake with {}: {e}", opts.address())))?;
        self.stream = Transport::Tls(Box::new(tls));
        Ok(())
    }

    pub fn server_version(&self) -> &str {
        &self.handshake.server_version
    }

    pub fn is_mariadb(&self) -> bool {
        self.handshake.is_mariadb()
    }

    pub fn connection_id(&self) -> u32 {
        self.handshake.connection_id
    }

    pub fn is_tls(&self) -> bool {
        self.stream.is_tls()
    }

    pub fn tls_description(&self) -> Option<String> {
        self.stream.tls_description()
    }

    pub fn compression(&self) -> Option<Algorithm> {
        self.compression
    }

    /// Which way authentication went (scramble, fast path, full over TLS
    /// or RSA).
    pub fn auth_path(&self) -> AuthPath {
        self.auth_path
    }

    pub fn set_read_timeout(&mut self, t: Option<Duration>) {
        self.read_timeout = t;
    }

    /// True when a whole packet is already buffered (the next read will
    /// not wait on the network).
    pub fn has_buffered_packet(&self) -> bool {
        let rest = &self.buf[self.pos + self.release..self.filled];
        match rest {
            [a, b, c, _, ..] => rest.len() >= 4 + u32::from_le_bytes([*a, *b, *c, 0]) as usize,
            _ => false,
        }
    }

    /// Sends a command: a new exchange, sequence ids from 0.
    pub async fn command(&mut self, payload: &[u8]) -> Result<()> {
        self.seq = 0;
        self.compressed_seq = 0;
        self.send(payload).await
    }

    async fn send(&mut self, payload: &[u8]) -> Result<()> {
        let mut out = std::mem::take(&mut self.wbuf);
        out.clear();
        self.seq = write_packets(&mut out, payload, self.seq);
        if let Some(alg) = self.compression {
            let mut c = Vec::with_capacity(out.len() / 2 + 16);
            self.compressed_seq =
                compress::write_compressed(&mut c, &out, self.compressed_seq, alg)?;
            out = c;
        }
        let r = self.stream.write_all(&out).await;
        let r = match r {
            Ok(()) => self.stream.flush().await,
            e => e,
        };
        self.wbuf = out;
        r.map_err(ClientError::Lost)
    }

    /// The next payload from the server (valid until the next read).
    pub async fn read_payload(&mut self) -> Result<&[u8]> {
        self.pos += self.release;
        self.release = 0;
        loop {
            match self.decoder.next(&self.buf[self.pos..self.filled])? {
                Frame::NeedMore { consumed } => {
                    self.pos += consumed;
                    self.fill().await?;
                }
                Frame::Single { start, end, seq } => {
                    self.seq = seq.wrapping_add(1);
                    self.release = end;
                    return Ok(&self.buf[self.pos + start..self.pos + end]);
                }
                Frame::Joined {
                    consumed,
                    seq,
                    payload,
                } => {
                    self.seq = seq.wrapping_add(1);
                    self.pos += consumed;
                    self.joined = payload;
                    return Ok(&self.joined);
                }
            }
        }
    }

    /// Reads more plain bytes into `buf` (decompressing when on).
    async fn fill(&mut self) -> Result<()> {
        // Make room: move what is left to the front; grow for big packets.
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.filled, 0);
            self.filled -= self.pos;
            self.pos = 0;
        }
        if self.compression.is_none() {
            if self.buf.len() - self.filled < READ_CHUNK / 2 {
                let n = (self.buf.len() * 2).max(self.filled + READ_CHUNK);
                self.buf.resize(n, 0);
            }
            let n = self.read_socket_into_buf().await?;
            self.filled += n;
            return Ok(());
        }
        let alg = self.compression.unwrap_or(Algorithm::Zlib);
        let mut plain = std::mem::take(&mut self.buf);
        plain.truncate(self.filled);
        let before = plain.len();
        loop {
            match compress::read_compressed(&self.cbuf[self.cpos..], &mut plain, alg) {
                Ok(Some(c)) => {
                    self.cpos += c.consumed;
                    self.compressed_seq = c.seq.wrapping_add(1);
                    if plain.len() > before {
                        break;
                    }
                }
                Ok(None) => {
                    // Read straight onto the end of the compressed bytes.
                    let mut cbuf = std::mem::take(&mut self.cbuf);
                    cbuf.drain(..self.cpos);
                    self.cpos = 0;
                    let have = cbuf.len();
                    cbuf.resize(have + READ_CHUNK, 0);
                    let r = self.read_with_timeout(&mut cbuf[have..]).await;
                    cbuf.truncate(have + *r.as_ref().unwrap_or(&0));
                    self.cbuf = cbuf;
                    if let Err(e) = r {
                        self.buf = plain;
                        return Err(e);
                    }
                }
                Err(e) => {
                    self.buf = plain;
                    return Err(e.into());
                }
            }
        }
        self.filled = plain.len();
        let cap = plain.len().max(READ_CHUNK);
        plain.resize(cap, 0);
        self.buf = plain;
        Ok(())
    }

    async fn read_socket_into_buf(&mut self) -> Result<usize> {
        let mut buf = std::mem::take(&mut self.buf);
        let filled = self.filled;
        let r = self.read_with_timeout(&mut buf[filled..]).await;
        self.buf = buf;
        r
    }

    async fn read_with_timeout(&mut self, dst: &mut [u8]) -> Result<usize> {
        let read = self.stream.read(dst);
        let n = match self.read_timeout {
            Some(t) => tokio::time::timeout(t, read)
                .await
                .map_err(|_| ClientError::Timeout(t))?,
            None => read.await,
        }
        .map_err(ClientError::Lost)?;
        if n == 0 {
            return Err(ClientError::Lost(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the source closed the connection",
            )));
        }
        Ok(n)
    }

    /// Runs one statement and returns its (first) result; later results
    /// of a multi-result answer are read and dropped, their errors kept.
    pub async fn query(&mut self, sql: &str) -> Result<QueryResult> {
        self.command(&command::query(sql)).await?;
        let deprecate_eof = self.capabilities & caps::DEPRECATE_EOF != 0;
        let mut first: Option<QueryResult> = None;
        let mut reader = ResultReader::new(deprecate_eof);
        loop {
            let p = self.read_payload().await?;
            if let Some(res) = reader.feed(p)? {
                let more = res.more_results();
                if first.is_none() {
                    first = Some(res);
                }
                if !more {
                    return Ok(first.unwrap_or_default());
                }
                reader = ResultReader::new(deprecate_eof);
            }
        }
    }

    /// Runs one statement and hands each row of its (first) result to `f`
    /// as it arrives, so that a result of any size takes constant memory;
    /// returns the result's column names.
    pub async fn query_each<F>(&mut self, sql: &str, mut f: F) -> Result<Vec<String>>
    where
        F: FnMut(&[Option<&[u8]>]),
    {
        self.command(&command::query(sql)).await?;
        let deprecate_eof = self.capabilities & caps::DEPRECATE_EOF != 0;
        let mut columns: Option<Vec<String>> = None;
        let mut reader = ResultReader::new(deprecate_eof);
        let mut spare = Vec::new();
        loop {
            let p = self.read_payload().await?;
            match reader.feed_streaming_into(p, std::mem::take(&mut spare))? {
                Feed::Pending => {}
                Feed::Row(row) => {
                    if columns.is_none() {
                        f(&row);
                    }
                    spare = recycle_row(row);
                }
                Feed::Done(res) => {
                    let more = res.more_results();
                    let cols = columns.get_or_insert(res.columns);
                    if !more {
                        return Ok(std::mem::take(cols));
                    }
                    reader = ResultReader::new(deprecate_eof);
                }
            }
        }
    }

    /// The source's current binlog file and position, and its executed
    /// GTIDs (MySQL; empty on MariaDB), with the statement its version
    /// understands.
    pub async fn binary_log_status(&mut self) -> Result<(String, u64, String)> {
        let sql = command::binary_log_status_statement(self.server_version());
        let r = self.query(sql).await?;
        let file = r.get("File").unwrap_or_default();
        let pos = r.get("Position").and_then(|p| p.parse().ok()).unwrap_or(0);
        let gtids = r
            .get("Executed_Gtid_Set")
            .unwrap_or_default()
            .replace('\n', "");
        Ok((file, pos, gtids))
    }

    pub async fn ping(&mut self) -> Result<()> {
        self.command(&command::ping()).await?;
        let p = self.read_payload().await?;
        if p.first() == Some(&0xff) {
            return Err(ProtoError::Server(parse_err(p, 0)).into());
        }
        parse_ok(p)?;
        Ok(())
    }

    /// Sends COM_QUIT and closes.
    pub async fn quit(mut self) {
        let _ = self.command(&command::quit()).await;
        let _ = self.stream.shutdown().await;
    }

    /// COM_REGISTER_SLAVE and its OK.
    pub async fn register_replica(&mut self, r: &command::RegisterReplica<'_>) -> Result<()> {
        self.command(&r.encode()).await?;
        let p = self.read_payload().await?;
        if p.first() == Some(&0xff) {
            return Err(ProtoError::Server(parse_err(p, 0)).into());
        }
        parse_ok(p)?;
        Ok(())
    }

    /// The next packet of a binlog dump started with `command`.
    pub async fn read_dump_packet(&mut self) -> Result<DumpPacket<'_>> {
        let p = self.read_payload().await?;
        match p.first() {
            Some(0x00) => Ok(DumpPacket::Event(&p[1..])),
            Some(0xff) => Err(ProtoError::Server(parse_err(p, 0)).into()),
            Some(0xfe) if is_eof(p) => Ok(DumpPacket::Eof),
            _ => Err(ProtoError::invalid(
                "binlog stream",
                format!("packet with header {:02x?}", p.first()),
            )
            .into()),
        }
    }
}
