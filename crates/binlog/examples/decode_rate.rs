//! Raw decode rate: reads a file (from the page cache, piece by piece),
//! frames and decodes every event and every row value of every row event,
//! printing nothing. Used by `make bench`; the time includes reading.
//!
//! usage: decode_rate FILE

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::time::Instant;

use understudy_binlog::event::{self, Event};
use understudy_binlog::stream::each_event;
use understudy_binlog::value::ColumnMeta;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: decode_rate FILE");
        std::process::exit(2);
    };
    let start = Instant::now();
    let mut file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let (mut events, mut rows, mut values, mut bytes) = (0u64, 0u64, 0u64, 0u64);
    let mut tables: HashMap<u64, Vec<ColumnMeta>> = HashMap::new();
    let mut failure = None;
    let read = each_event(&mut file, false, |raw, fde| {
        events += 1;
        bytes = raw.end_offset();
        let decoded = event::decode(raw, fde).and_then(|ev| match ev {
            Event::TableMap(t) => {
                tables.insert(t.table_id, t.columns);
                Ok(())
            }
            Event::Rows(r) => {
                let Some(cols) = tables.get(&r.table_id) else {
                    return Err(understudy_binlog::DecodeError::Invalid {
                        what: "rows event",
                        detail: format!("table id {} not mapped", r.table_id),
                    });
                };
                let mut dec = r.decoder(cols)?;
                while let Some(row) = dec.next_row() {
                    let row = row?;
                    rows += 1;
                    values += row.before.map_or(0, |v| v.len() as u64)
                        + row.after.map_or(0, |v| v.len() as u64);
                }
                Ok(())
            }
            _ => Ok(()),
        });
        match decoded {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                failure = Some(format!("at offset {}: {e}", raw.offset));
                ControlFlow::Break(())
            }
        }
    });
    match read {
        Err(e) => failure = Some(e.to_string()),
        Ok(Some(e)) => failure = Some(e.to_string()),
        Ok(None) => {}
    }
    if let Some(f) = failure {
        eprintln!("{path}: {f}");
        std::process::exit(1);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "decoded {events} events, {rows} rows, {values} values from {:.0} MB in {secs:.3} s: {:.0} MB/s",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs
    );
}
