//! Packets over a client's socket: payloads in, framed payloads out with
//! the sequence ids the protocol expects.

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
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

    /// The stream back, with the bytes read past the last payload in
    /// front of it: a client may send its TLS ClientHello right behind
    /// the SSL request, in the same read.
    pub fn into_inner(self) -> Prefixed<S> {
        Prefixed {
            prefix: self.buf,
            at: 0,
            inner: self.stream,
        }
    }

    /// Bytes queued and not yet written.
    pub fn pending(&self) -> usize {
        self.out.len()
    }
}

/// A stream whose first bytes were already read off it: they are read
/// again first, then the stream's own.
#[derive(Debug)]
pub struct Prefixed<S> {
    prefix: Vec<u8>,
    at: usize,
    inner: S,
}

impl<S: AsyncRead + Unpin> AsyncRead for Prefixed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.at < self.prefix.len() {
            let n = buf.remaining().min(self.prefix.len() - self.at);
            let at = self.at;
            buf.put_slice(&self.prefix[at..at + n]);
            self.at += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Prefixed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SSL request and the first TLS bytes in one read: the TLS side
    /// still gets those bytes.
    #[test]
    fn bytes_behind_a_payload_are_not_lost() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        rt.block_on(async {
            let (mut client, server) = tokio::io::duplex(1024);
            let mut sent = Vec::new();
            understudy_mysql_proto::packet::write_packets(&mut sent, b"ssl-request", 1);
            sent.extend_from_slice(b"\x16\x03\x01client-hello");
            client
                .write_all(&sent)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            drop(client);
            let mut w = Wire::new(server);
            let p = w.read().await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(p.as_deref(), Some(&b"ssl-request"[..]));
            let mut rest = w.into_inner();
            let mut got = [0u8; 15];
            rest.read_exact(&mut got)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&got, b"\x16\x03\x01client-hello");
        });
    }
}
