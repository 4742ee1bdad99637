//! Packets over a client's socket: payloads in, framed payloads out with
//! the sequence ids the protocol expects.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use understudy_mysql_proto::packet::{Frame, PacketDecoder, write_packets};

/// The largest command a client may send (`max_allowed_packet`).
pub const MAX_COMMAND: usize = 64 << 20;

#[derive(Debug)]
pub struct Wire<S> {
    stream: S,
    buf: Vec<u8>,
    decoder: PacketDecoder,
    out: Vec<u8>,
    /// The sequence id of the next packet sent.
    pub seq: u8,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Wire<S> {
    pub fn new(stream: S) -> Wire<S> {
        Wire {
            stream,
            buf: Vec::with_capacity(16 << 10),
            decoder: PacketDecoder::new(MAX_COMMAND),
            out: Vec::with_capacity(16 << 10),
            seq: 0,
        }
    }

    /// The next payload; `None` when the client closed the connection.
    /// Replies follow its sequence id.
    pub async fn read(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            let frame = self
                .decoder
                .next(&self.buf)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
            match frame {
                Frame::Single { start, end, seq } => {
                    let p = self.buf[start..end].to_vec();
                    self.buf.drain(..end);
                    self.seq = seq.wrapping_add(1);
                    return Ok(Some(p));
                }
                Frame::Joined {
                    consumed,
                    seq,
                    payload,
                } => {
                    self.buf.drain(..consumed);
                    self.seq = seq.wrapping_add(1);
                    return Ok(Some(payload));
                }
                Frame::NeedMore { consumed } => {
                    self.buf.drain(..consumed);
                    let mut chunk = [0u8; 16 << 10];
                    let n = self.stream.read(&mut chunk).await?;
                    if n == 0 {
                        return Ok(None);
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                }
            }
        }
    }

    /// Queues a payload as the next packet(s).
    pub fn send(&mut self, payload: &[u8]) {
        self.seq = write_packets(&mut self.out, payload, self.seq);
    }

    /// Writes what was queued; large results go out as they are built.
    pub async fn flush(&mut self) -> std::io::Result<()> {
        if !self.out.is_empty() {
            self.stream.write_all(&self.out).await?;
            self.out.clear();
        }
        self.stream.flush().await
    }

    /// The stream back (TLS begins on it); nothing may be buffered.
    pub fn into_inner(self) -> S {
        self.stream
    }

    /// Bytes queued and not yet written.
    pub fn pending(&self) -> usize {
        self.out.len()
    }
}
