//! understudy-dumper: binlog and relay-log files rendered exactly as the
//! reference tools render them — MySQL 9.7's `mysqlbinlog` for MySQL files,
//! MariaDB's `mariadb-binlog` for MariaDB files — plus a JSON form for
//! scripts. Sans-IO: it takes a file's bytes and returns the output bytes
//! and what went wrong.

mod cfmt;
mod collations;
mod filter;
mod gtids;
mod header;
mod json;
pub mod load;
mod mariadb;
pub mod options;
mod payload;
mod printer;
mod rows;
mod run;
mod session;
pub mod text;
mod values;

use understudy_binlog::event_type::{
    DELETE_ROWS_EVENT_V1, FORMAT_DESCRIPTION_EVENT, UPDATE_ROWS_EVENT_V1, WRITE_ROWS_EVENT_V1,
};
use understudy_binlog::{EventReader, Flavor};

pub use options::{Base64Output, Dialect, Options, TzOffset};
pub use printer::{Outcome, Tool};

/// Which reference tool a file's output should match (`Dialect::Auto`):
/// MariaDB files → mariadb-binlog; MySQL files with v1 row events (which
/// mysqlbinlog 9.7 cannot read) → mariadb-binlog; other MySQL files →
/// mysqlbinlog.
pub fn choose_tool(file: &[u8], dialect: Dialect) -> Tool {
    match dialect {
        Dialect::MySql => return Tool::MySql,
        Dialect::MariaDb => return Tool::MariaDb,
        Dialect::Auto => {}
    }
    let Ok(mut reader) = EventReader::new(file) else {
        return Tool::MySql;
    };
    while let Some(Ok(raw)) = reader.next_event() {
        if raw.type_code == FORMAT_DESCRIPTION_EVENT && reader.fde().flavor == Flavor::MariaDb {
            return Tool::MariaDb;
        }
        if (WRITE_ROWS_EVENT_V1..=DELETE_ROWS_EVENT_V1).contains(&raw.type_code)
            || raw.type_code == UPDATE_ROWS_EVENT_V1
        {
            return Tool::MariaDb;
        }
    }
    Tool::MySql
}

/// Dumps one file held in memory. Returns the bytes to print on stdout and
/// the outcome (stderr messages, the error that stopped the dump).
pub fn dump(file: &[u8], opts: &Options) -> (Vec<u8>, Outcome) {
    dump_with(file, opts, &mut load::NoLoadFiles)
}

/// Dumps one file as JSON Lines (`--format json`).
pub fn dump_json(file: &[u8], opts: &Options) -> (Vec<u8>, Outcome) {
    json::dump_json(file, opts)
}

/// Like `dump`, storing LOAD DATA files through `sink`.
pub fn dump_with(file: &[u8], opts: &Options, sink: &mut dyn load::LoadSink) -> (Vec<u8>, Outcome) {
    let tool = choose_tool(file, opts.dialect);
    run::run(file, opts, tool, sink)
}
