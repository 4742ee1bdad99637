//! The dump loop: frames the file's events, applies mysqlbinlog's filters
//! and hands the rest to the printer.
//!
//! What the reference tools do with a filtered event differs by filter:
//! - `--start-position` / `--start-datetime`: events before the start are
//!   not shown at all, except the format description (mysqlbinlog labels
//!   it with the last header event it scanned, see `fde_label`);
//! - `--stop-position` / `--stop-datetime`: the first event at or past the
//!   bound ends the dump (the format description included);
//! - `--database`, `--include-gtids`, `--exclude-gtids`: see `filter.rs`.

use understudy_binlog::EventReader;
use understudy_binlog::event::{self, Event};
use understudy_binlog::event_type::{
    FORMAT_DESCRIPTION_EVENT, PREVIOUS_GTIDS_LOG_EVENT, ROTATE_EVENT,
};

use crate::options::Options;
use crate::printer::{Outcome, Printer, Tool};
use crate::w;

/// What mysqlbinlog shows when it starts past the format description: it
/// scans from offset 4 through the leading format description,
/// Previous-GTIDs and Rotate events until it reaches `start` or another
/// event, then prints the last format description it saw labelled with the
/// offset of the last event it looked at. Returns (FDE offset, label).
fn fde_label(file: &[u8], start: u64) -> Option<(u64, u64)> {
    let mut r = EventReader::new(file).ok()?;
    let (mut last, mut fde) = (4, 4);
    while let Some(Ok(raw)) = r.next_event() {
        last = raw.offset;
        if raw.type_code == FORMAT_DESCRIPTION_EVENT {
            fde = raw.offset;
        }
        let header = matches!(
            raw.type_code,
            FORMAT_DESCRIPTION_EVENT | PREVIOUS_GTIDS_LOG_EVENT | ROTATE_EVENT
        );
        if !header || raw.end_offset() >= start {
            break;
        }
    }
    Some((fde, last))
}

/// Runs a whole dump of one file held in memory.
pub(crate) fn run(
    file: &[u8],
    opts: &Options,
    tool: Tool,
    sink: &mut dyn crate::load::LoadSink,
) -> (Vec<u8>, Outcome) {
    let mut p = Printer::new(opts, tool, sink);
    p.preamble();
    let mut events = 0u64;
    let mut error = None;
    let mut started_by_time = false;
    let start = opts.start_position.filter(|&s| s > 4);
    let label = match (tool, start) {
        (Tool::MySql, Some(s)) => fde_label(file, s),
        _ => None,
    };
    match EventReader::new(file) {
        Err(e) => error = Some(e),
        Ok(reader) => {
            let mut reader = reader.verify_checksums(opts.verify_checksum);
            while let Some(next) = reader.next_event() {
                let raw = match next {
                    Ok(raw) => raw,
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                };
                let ev = match event::decode_at(&raw, reader.fde()) {
                    Ok(ev) => ev,
                    Err(e) if opts.force_read => {
                        // --force-read: say what is skipped, and go on.
                        p.stderr.push(format!("WARNING: skipping the event: {e}"));
                        w!(&mut p.out, "# at {}\n", raw.offset);
                        continue;
                    }
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                };
                let ts = i64::from(raw.header.timestamp);
                if opts.stop_position.is_some_and(|s| raw.offset >= s)
                    || opts.stop_datetime.is_some_and(|s| ts >= s)
                {
                    break;
                }
                events += 1;
                let is_fde = raw.type_code == FORMAT_DESCRIPTION_EVENT;
                // --start-datetime is where the dump starts: after the first
                // event at or past it, every event is shown whatever its time.
                if !started_by_time && !is_fde && opts.start_datetime.is_none_or(|s| ts >= s) {
                    started_by_time = true;
                }
                let before_start = start.is_some_and(|s| raw.offset < s) || !started_by_time;
                if before_start && !is_fde {
                    continue;
                }
                if is_fde
                    && before_start
                    && let Some((fde_at, at)) = label
                {
                    if raw.offset != fde_at {
                        // Read, not shown.
                        if let Event::FormatDescription(f) = &ev {
                            p.note_fde(&raw, f);
                        }
                        continue;
                    }
                    p.at_override = Some(at);
                }
                if p.filtered(&raw, &ev) {
                    if p.filter.done {
                        break;
                    }
                    continue;
                }
                if let Err(e) = p.print(&raw, &ev) {
                    error = Some(e);
                    break;
                }
            }
        }
    }
    p.finish_pending();
    // mariadb-binlog ends its output at the event it could not read.
    if error.is_none() || tool == Tool::MySql {
        p.epilogue();
    }
    let stderr = std::mem::take(&mut p.stderr);
    (
        p.out.0,
        Outcome {
            events,
            stderr,
            error,
        },
    )
}
