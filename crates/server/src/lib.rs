//! understudy-server: the replica's MySQL-protocol endpoint. Applications
//! read from it with their usual driver; operators run it with MySQL's
//! statements (SHOW REPLICA STATUS, …). Writes get MySQL's read-only
//! error. The packet codec is understudy-mysql-proto's; this crate owns
//! the listener, the connections and what statements answer.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod conn;
pub mod error;
pub mod lex;
pub mod operator;
pub mod prepared;
pub mod query;
pub mod results;
pub mod session;
pub mod vars;
pub mod wire;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use accounts::{Account, Accounts, Role};
pub use error::SqlError;

use understudy_query::{Engine, StoreReader};
use understudy_replica::control::Control;
use vars::Identity;

/// What every connection shares.
#[derive(Debug)]
pub struct Endpoint {
    pub accounts: Accounts,
    /// The replica's data directory (status, store).
    pub data_dir: PathBuf,
    pub identity: Identity,
    pub engine: Engine,
    /// The replica's tasks, for the operator's statements (`None`: an
    /// endpoint over a data directory only).
    pub control: Option<Arc<Control>>,
    next_connection: AtomicU32,
}

impl Endpoint {
    pub fn new(
        accounts: Accounts,
        data_dir: PathBuf,
        identity: Identity,
        control: Option<Arc<Control>>,
    ) -> Endpoint {
        let reader = StoreReader::new(&data_dir, &data_dir.join("endpoint-reader"));
        Endpoint {
            accounts,
            data_dir,
            identity,
            engine: Engine::new(Arc::new(reader)),
            control,
            next_connection: AtomicU32::new(1),
        }
    }
}

/// Binds the endpoint's address (before the replica starts, so that a
/// taken port is an error at once).
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

/// Accepts clients until `stop` turns true; each connection runs as a
/// task of its own.
pub async fn serve(listener: TcpListener, ep: Arc<Endpoint>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stop.changed() => {
                if *stop.borrow() {
                    return;
                }
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let id = ep.next_connection.fetch_add(1, Ordering::Relaxed);
                    let ep = ep.clone();
                    tokio::spawn(async move {
                        let host = peer.ip().to_string();
                        if let Err(e) = conn::serve(stream, host, ep, id).await {
                            tracing::debug!(connection = id, "connection ended: {e}");
                        }
                    });
                }
                Err(e) => {
                    tracing::warn!("endpoint: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
        }
    }
}
