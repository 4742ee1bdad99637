//! understudy-dumper: binlog and relay-log files rendered exactly as the
//! reference tools render them — MySQL 9.7's `mysqlbinlog` for MySQL files,
//! MariaDB's `mariadb-binlog` for MariaDB files — plus a JSON form for
//! scripts. Sans-IO: it takes a file's bytes and returns the output bytes
//! and what went wrong.

mod cfmt;
pub mod collations;
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
pub mod show_events;
pub mod text;
mod values;

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ops::ControlFlow;

use understudy_binlog::Flavor;
use understudy_binlog::event::rows_event::rows_kind;
use understudy_binlog::event_type::FORMAT_DESCRIPTION_EVENT;

pub use options::{Base64Output, Dialect, Options, TzOffset};
pub use printer::{Outcome, Tool};
pub use show_events::{ShowEventRow, ShowEvents, ShowEventsError, show_events};

/// Which reference tool a file's output should match (`Dialect::Auto`):
/// MariaDB files → mariadb-binlog; MySQL files whose row events are v1
/// (which mysqlbinlog 9.7 cannot read) → mariadb-binlog; other MySQL files
/// → mysqlbinlog. A server writes one row-event version at a time, so the
/// first row event decides; the input is read from where it is up to it.
pub fn choose_tool<R: Read + ?Sized>(input: &mut R, dialect: Dialect) -> io::Result<Tool> {
    match dialect {
        Dialect::MySql => return Ok(Tool::MySql),
        Dialect::MariaDb => return Ok(Tool::MariaDb),
        Dialect::Auto => {}
    }
    let mut tool = Tool::MySql;
    understudy_binlog::stream::each_event(input, false, |raw, fde| {
        let t = raw.type_code;
        if t == FORMAT_DESCRIPTION_EVENT && fde.flavor == Flavor::MariaDb {
            tool = Tool::MariaDb;
            return ControlFlow::Break(());
        }
        match rows_kind(t) {
            Some((_, 1, _)) => {
                tool = Tool::MariaDb;
                ControlFlow::Break(())
            }
            Some((_, 2, _)) => ControlFlow::Break(()),
            // Pre-GA (5.1 beta) row events do not decide.
            _ => ControlFlow::Continue(()),
        }
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
