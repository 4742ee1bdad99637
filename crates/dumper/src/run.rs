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

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ops::ControlFlow;

use understudy_binlog::event::{self, Event};
use understudy_binlog::event_type::type_name;
use understudy_binlog::event_type::{
    FORMAT_DESCRIPTION_EVENT, PREVIOUS_GTIDS_LOG_EVENT, ROTATE_EVENT,
};
use understudy_binlog::stream::each_event;
use understudy_binlog::{DecodeError, ReadError};

use crate::mariadb::{Foreign, foreign_event};
use crate::options::{Base64Output, Options};
use crate::printer::{Outcome, Printer, Tool};

/// What mysqlbinlog shows when it starts past the format description: it
/// scans from offset 4 through the leading format description,
/// Previous-GTIDs and Rotate events until it reaches `start` or another
/// event, then prints the last format description it saw labelled with the
/// offset of the last event it looked at. Returns (FDE offset, label).
fn fde_label<R: Read + ?Sized>(input: &mut R, start: u64) -> io::Result<Option<(u64, u64)>> {
    let (mut last, mut fde) = (4, 4);
    let err = each_event(input, false, |raw, _| {
        last = raw.offset;
        if raw.type_code == FORMAT_DESCRIPTION_EVENT {
            fde = raw.offset;
        }
        let header = matches!(
            raw.type_code,
            FORMAT_DESCRIPTION_EVENT | PREVIOUS_GTIDS_LOG_EVENT | ROTATE_EVENT
        );
        if !header || raw.end_offset() >= start {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    Ok((!matches!(err, Some(ReadError::BadMagic))).then_some((fde, last)))
}

/// Output is handed to the writer in pieces of about this size.
const FLUSH_AT: usize = 1 << 20;

/// Runs a whole dump of one file read from `input` (at its start),
/// writing the output to `sink_out` as it goes. Only failing I/O is an
/// `Err`; what is wrong with the file is in the `Outcome`.
pub(crate) fn run<R: Read + Seek + ?Sized>(
    input: &mut R,
    opts: &Options,
    tool: Tool,
    sink: &mut dyn crate::load::LoadSink,
    sink_out: &mut dyn Write,
) -> io::Result<Outcome> {
    let start = opts.start_position.filter(|&s| s > 4);
    let label = match (tool, start) {
        (Tool::MySql, Some(s)) => {
            let label = fde_label(input, s)?;
            input.seek(SeekFrom::Start(0))?;
            label
        }
        _ => None,
    };
    let mut p = Printer::new(opts, tool, sink);
    p.preamble();
    let mut events = 0u64;
    let mut error = None;
    let mut started_by_time = false;
    let mut written = Ok(());
    let read_error = each_event(input, opts.verify_checksum, |raw, fde| {
        let is_fde = raw.type_code == FORMAT_DESCRIPTION_EVENT;
        if !is_fde && start.is_some_and(|s| raw.offset < s) {
            // The reference tools seek to the start position: what lies
            // before it (but format descriptions) is not even read.
            return ControlFlow::Continue(());
        }
        let decoded = match foreign_event(tool, raw, fde) {
            Some(Foreign::Ignorable(_)) => Ok(Event::Ignorable(raw.body)),
            Some(Foreign::Unreadable) => Err(ReadError::Decode {
                offset: raw.offset,
                type_name: type_name(raw.type_code),
                source: DecodeError::Invalid {
                    what: "event",
                    detail: "the reference tool does not read this event type".into(),
                },
            }),
            None => event::decode_at(raw, fde),
        };
        let ev = match decoded {
            Ok(ev) => ev,
            Err(e) if opts.force_read => {
                // --force-read: say what is skipped, and go on.
                p.stderr.push(format!("WARNING: skipping the event: {e}"));
                p.at_line(raw.offset);
                return ControlFlow::Continue(());
            }
            Err(e) => {
                error = Some(e);
                return ControlFlow::Break(());
            }
        };
        let ts = i64::from(raw.header.timestamp);
        if opts.past_stop(raw.offset, raw.header.timestamp) {
            return ControlFlow::Break(());
        }
        events += 1;
        if let Event::Gtid(g) = &ev {
            p.gtid_server_version = g.immediate_server_version;
        }
        // --start-datetime is where the dump starts: after the first
        // event at or past it, every event is shown whatever its time.
        if !started_by_time && !is_fde && opts.start_datetime.is_none_or(|s| ts >= s) {
            started_by_time = true;
        }
        let before_start = start.is_some_and(|s| raw.offset < s) || !started_by_time;
        if before_start && !is_fde {
            return ControlFlow::Continue(());
        }
        if is_fde
            && before_start
            && tool == Tool::MariaDb
            && start.is_some()
            && opts.base64_output != Base64Output::Auto
        {
            // mariadb-binlog shows a format description before the start
            // position only as the BINLOG statement it needs.
            if let Event::FormatDescription(f) = &ev {
                p.note_fde(raw, f);
            }
            return ControlFlow::Continue(());
        }
        if is_fde
            && before_start
            && let Some((fde_at, at)) = label
        {
            if raw.offset != fde_at {
                // Read, not shown.
                if let Event::FormatDescription(f) = &ev {
                    p.note_fde(raw, f);
                }
                return ControlFlow::Continue(());
            }
            p.at_override = Some(at);
        }
        if p.filtered(raw, &ev) {
            return if p.filter.done {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            };
        }
        if let Err(e) = p.print(raw, &ev) {
            error = Some(e);
            return ControlFlow::Break(());
        }
        // Output is final once in `out`: what waits for a later event
        // (statement context, pending rows, annotations) waits in side
        // buffers, appended after it; only --short-form swaps `out` away
        // within an event.
        if p.out.len() >= FLUSH_AT && p.short_saved.is_none() {
            written = sink_out.write_all(&p.out.0);
            p.out.0.clear();
            if written.is_err() {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    written?;
    // A file that cannot be read further: what was made of it still goes
    // out before the error.
    let read_error = match read_error {
        Ok(e) => e,
        Err(e) => {
            let _ = sink_out.write_all(&p.out.0);
            return Err(e);
        }
    };
    let error = error.or(read_error);
    p.finish_pending();
    // mariadb-binlog ends its output at the event it could not read.
    if error.is_none() || tool == Tool::MySql {
        p.epilogue();
    }
    sink_out.write_all(&p.out.0)?;
    Ok(Outcome {
        events,
        stderr: std::mem::take(&mut p.stderr),
        error,
    })
}
