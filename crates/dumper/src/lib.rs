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
mod stream;
pub mod text;
mod values;

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ops::ControlFlow;
use understudy_binlog::event_type::{
    DELETE_ROWS_EVENT_V1, FORMAT_DESCRIPTION_EVENT, UPDATE_ROWS_EVENT_V1, WRITE_ROWS_EVENT_V1,
};

use understudy_binlog::Flavor;

pub use options::{Base64Output, Dialect, Options, TzOffset};
pub use printer::{Outcome, Tool};

/// Which reference tool a file's output should match (`Dialect::Auto`):
/// MariaDB files → mariadb-binlog; MySQL files with v1 row events (which
/// mysqlbinlog 9.7 cannot read) → mariadb-binlog; other MySQL files →
/// mysqlbinlog. Reads `input` from where it is (a MySQL file to its end).
pub fn choose_tool<R: Read + ?Sized>(input: &mut R, dialect: Dialect) -> io::Result<Tool> {
    match dialect {
        Dialect::MySql => return Ok(Tool::MySql),
        Dialect::MariaDb => return Ok(Tool::MariaDb),
        Dialect::Auto => {}
    }
    let mut tool = Tool::MySql;
    stream::each_event(input, false, |raw, fde| {
        let v1_rows = (WRITE_ROWS_EVENT_V1..=DELETE_ROWS_EVENT_V1).contains(&raw.type_code)
            || raw.type_code == UPDATE_ROWS_EVENT_V1;
        let maria_fde = raw.type_code == FORMAT_DESCRIPTION_EVENT && fde.flavor == Flavor::MariaDb;
        if v1_rows || maria_fde {
            tool = Tool::MariaDb;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    })?;
    Ok(tool)
}

/// Dumps one file held in memory. Returns the bytes to print on stdout and
/// the outcome (stderr messages, the error that stopped the dump).
pub fn dump(file: &[u8], opts: &Options) -> (Vec<u8>, Outcome) {
    dump_with(file, opts, &mut load::NoLoadFiles)
}

/// Dumps one file as JSON Lines (`--format json`).
pub fn dump_json(file: &[u8], opts: &Options) -> (Vec<u8>, Outcome) {
    let mut out = Vec::new();
    let outcome = json::dump_json(&mut io::Cursor::new(file), opts, &mut out)
        .expect("reading from and writing to memory cannot fail");
    (out, outcome)
}

/// Like `dump_json`, reading from `input` and writing to `out` as it goes.
pub fn dump_json_to<R: Read + ?Sized>(
    input: &mut R,
    opts: &Options,
    out: &mut dyn Write,
) -> io::Result<Outcome> {
    json::dump_json(input, opts, out)
}

/// Like `dump`, storing LOAD DATA files through `sink`.
pub fn dump_with(file: &[u8], opts: &Options, sink: &mut dyn load::LoadSink) -> (Vec<u8>, Outcome) {
    let mut out = Vec::new();
    let outcome = dump_to(&mut io::Cursor::new(file), opts, sink, &mut out)
        .expect("reading from and writing to memory cannot fail");
    (out, outcome)
}

/// Dumps one file read from `input` (at its start), writing the text to
/// `out` as it goes: neither the file nor the output is held whole in
/// memory. Fails only when reading or writing does.
pub fn dump_to<R: Read + Seek + ?Sized>(
    input: &mut R,
    opts: &Options,
    sink: &mut dyn load::LoadSink,
    out: &mut dyn Write,
) -> io::Result<Outcome> {
    let tool = choose_tool(input, opts.dialect)?;
    input.seek(SeekFrom::Start(0))?;
    run::run(input, opts, tool, sink, out)
}
