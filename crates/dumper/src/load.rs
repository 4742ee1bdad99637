//! LOAD DATA: the data file travels in Begin_load_query / Append_block
//! events. Like mysqlbinlog, the dump stores it as a local file (through a
//! `LoadSink`, so that this crate does no I/O itself) and prints the
//! statement with `LOCAL INFILE '<that file>'`.

use std::collections::HashMap;

use understudy_binlog::event::load_events::{ExecuteLoadQueryEvent, LOAD_DUP_REPLACE};

use crate::text::Buf;

/// Where LOAD DATA files go. mysqlbinlog writes `SQL_LOAD_MB-<file_id>-<n>`
/// into its `--local-load` directory, `n` being the first free number.
pub trait LoadSink {
    /// Stores a file's contents; returns the path to print.
    fn store(&mut self, file_id: u32, data: &[u8]) -> String;
}

/// Stores nothing; names files as if /tmp held none yet.
#[derive(Debug, Default)]
pub struct NoLoadFiles;

impl LoadSink for NoLoadFiles {
    fn store(&mut self, file_id: u32, _data: &[u8]) -> String {
        format!("/tmp/SQL_LOAD_MB-{file_id}-0")
    }
}

/// Blocks received so far, by file id.
#[derive(Debug, Default)]
pub(crate) struct LoadFiles {
    files: HashMap<u32, Vec<u8>>,
}

impl LoadFiles {
    pub(crate) fn begin(&mut self, file_id: u32, data: &[u8]) {
        self.files.insert(file_id, data.to_vec());
    }
    pub(crate) fn append(&mut self, file_id: u32, data: &[u8]) {
        self.files
            .entry(file_id)
            .or_default()
            .extend_from_slice(data);
    }
    pub(crate) fn take(&mut self, file_id: u32) -> Vec<u8> {
        self.files.remove(&file_id).unwrap_or_default()
    }
    pub(crate) fn delete(&mut self, file_id: u32) {
        self.files.remove(&file_id);
    }
}

/// The statement with the source's file name replaced by the local file.
/// `[fn_pos_start, fn_pos_end)` covers ` INFILE '<name>' … INTO`.
pub(crate) fn rewrite(out: &mut Buf, l: &ExecuteLoadQueryEvent<'_>, path: &str) {
    let text = &l.query.query[..];
    let (s, e) = (l.fn_pos_start as usize, l.fn_pos_end as usize);
    out.raw(&text[..s]);
    out.s(" LOCAL INFILE '");
    out.s(path);
    out.ch(b'\'');
    // Both tools drop IGNORE (LOCAL implies it on the replay).
    if l.dup_handling == LOAD_DUP_REPLACE {
        out.s(" REPLACE");
    }
    out.s(" INTO");
    out.raw(&text[e..]);
}
