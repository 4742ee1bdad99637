//! understudy-replica: the replica service. It owns every socket, file
//! and task: the MySQL client (`client`), the I/O task that streams the
//! source's binlog into the relay log, master.info and status.

pub mod client;
