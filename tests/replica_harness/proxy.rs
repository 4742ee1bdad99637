//! A loopback TCP proxy between the replica and its primary that can cut
//! the connection at an exact byte of the primary's stream: a network
//! failure in the middle of a transaction, where it is wanted.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

#[derive(Default)]
struct Shared {
    /// Bytes sent from the primary to the replica, over all connections.
    down: AtomicU64,
    /// Cut the connection when `down` reaches this.
    cut_at: AtomicU64,
    cuts: AtomicU64,
    closed: AtomicBool,
    /// Connections accepted so far; each is numbered.
    accepted: AtomicU64,
    /// Connections numbered up to this stop passing the primary's bytes
    /// (a half-open connection: nothing arrives, nothing is closed).
    frozen_upto: AtomicU64,
}

pub struct Proxy {
    port: u16,
    shared: Arc<Shared>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream`.
    pub fn start(upstream: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared {
            cut_at: AtomicU64::new(u64::MAX),
            ..Shared::default()
        });
        let s = shared.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                if s.closed.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    // The primary is down: the replica sees a closed
                    // connection, as it would without the proxy.
                    continue;
                };
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                thread::spawn(move || pump_up(c2, s2));
                let n = s.accepted.fetch_add(1, Ordering::SeqCst) + 1;
                let s = s.clone();
                thread::spawn(move || pump_down(server, client, &s, n));
            }
        });
        Proxy { port, shared }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn bytes_down(&self) -> u64 {
        self.shared.down.load(Ordering::SeqCst)
    }

    pub fn cuts(&self) -> u64 {
        self.shared.cuts.load(Ordering::SeqCst)
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> u64 {
        self.shared.accepted.load(Ordering::SeqCst)
    }

    /// The connections open now stop passing the primary's bytes and stay
    /// open; later ones work.
    pub fn freeze_current(&self) {
        let n = self.accepted();
        self.shared.frozen_upto.store(n, Ordering::SeqCst);
    }

    /// Cuts the connection `after` bytes from now, and waits until it is.
    pub fn cut_after(&self, after: u64, while_waiting: impl FnOnce()) {
        let before = self.cuts();
        self.shared
            .cut_at
            .store(self.bytes_down() + after, Ordering::SeqCst);
        while_waiting();
        let t = Instant::now();
        while self.cuts() == before {
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "the proxy saw {} of the {after} bytes it was to pass before cutting",
                self.bytes_down()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn pump_up(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 || to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}

fn pump_down(mut from: TcpStream, mut to: TcpStream, s: &Shared, conn: u64) {
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n) = from.read(&mut buf) {
        while s.frozen_upto.load(Ordering::SeqCst) >= conn {
            if s.closed.load(Ordering::Relaxed) {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        if n == 0 {
            break;
        }
        let down = s.down.load(Ordering::SeqCst);
        let cut_at = s.cut_at.load(Ordering::SeqCst);
        if down + n as u64 >= cut_at {
            let keep = cut_at.saturating_sub(down) as usize;
            let _ = to.write_all(&buf[..keep]);
            s.down.fetch_add(keep as u64, Ordering::SeqCst);
            s.cut_at.store(u64::MAX, Ordering::SeqCst);
            s.cuts.fetch_add(1, Ordering::SeqCst);
            break;
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        s.down.fetch_add(n as u64, Ordering::SeqCst);
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}
