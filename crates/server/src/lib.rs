//! understudy-server: the replica's MySQL-protocol endpoint. Applications
//! read from it with their usual driver; operators run it with MySQL's
//! statements (SHOW REPLICA STATUS, …). Writes get MySQL's read-only
//! error. The packet codec is understudy-mysql-proto's; this crate owns
//! the listener, the connections and what statements answer.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod catalog_show;
pub mod conn;
pub mod error;
pub mod lex;
pub mod metrics;
pub mod operator;
pub mod prepared;
pub mod query;
pub mod relay_show;
pub mod results;
pub mod session;
pub mod show;
pub mod tls;
pub mod vars;
pub mod wire;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

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
    /// TLS for clients that ask for it (`None`: offered to none).
    pub tls: Option<tls::Acceptor>,
    next_connection: AtomicU32,
    connections: Mutex<BTreeMap<u32, Connection>>,
}

/// A client connection, as SHOW PROCESSLIST lists it.
#[derive(Debug, Clone)]
pub struct Connection {
    pub id: u32,
    pub user: String,
    pub host: String,
    pub database: Option<String>,
    pub since: Instant,
}

/// Takes a connection off the list when it ends.
#[derive(Debug)]
pub struct Registered<'a> {
    ep: &'a Endpoint,
    id: u32,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.ep.list().remove(&self.id);
    }
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
            tls: None,
            // Ids 1 and 2 are the replication threads'.
            next_connection: AtomicU32::new(8),
            connections: Mutex::new(BTreeMap::new()),
        }
    }
}

impl Endpoint {
    fn list(&self) -> std::sync::MutexGuard<'_, BTreeMap<u32, Connection>> {
        self.connections.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Lists a logged-in connection until the guard drops.
    pub fn register(&self, id: u32, user: &str, host: &str) -> Registered<'_> {
        self.list().insert(
            id,
            Connection {
                id,
                user: user.to_owned(),
                host: host.to_owned(),
                database: None,
                since: Instant::now(),
            },
        );
        Registered { ep: self, id }
    }

    pub fn set_database(&self, id: u32, db: &str) {
        if let Some(c) = self.list().get_mut(&id) {
            c.database = Some(db.to_owned());
        }
    }

    /// The connections, by id.
    pub fn connections(&self) -> Vec<Connection> {
        self.list().values().cloned().collect()
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
