//! Raw decode rate: frames and decodes every event of a file, and every
//! row value of every row event, printing nothing. Used by `make bench`.
//!
//! usage: decode_rate FILE

use std::collections::HashMap;
use std::time::Instant;

use understudy_binlog::EventReader;
use understudy_binlog::event::{self, Event};
use understudy_binlog::value::ColumnMeta;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: decode_rate FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let start = Instant::now();
    let (mut events, mut rows, mut values) = (0u64, 0u64, 0u64);
    let mut tables: HashMap<u64, Vec<ColumnMeta>> = HashMap::new();
    let mut reader = match EventReader::new(&bytes) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    while let Some(raw) = reader.next_event() {
        let raw = match raw {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        };
        events += 1;
        match event::decode(&raw, reader.fde()) {
            Ok(Event::TableMap(t)) => {
                tables.insert(t.table_id, t.columns);
            }
            Ok(Event::Rows(r)) => {
                let Some(cols) = tables.get(&r.table_id) else {
                    eprintln!(
                        "{path}: at offset {}: table id {} not mapped",
                        raw.offset, r.table_id
                    );
                    std::process::exit(1);
                };
                let decoded = r.decoder(cols).and_then(|mut dec| {
                    while let Some(row) = dec.next_row() {
                        let row = row?;
                        rows += 1;
                        values += row.before.map_or(0, |v| v.len() as u64)
                            + row.after.map_or(0, |v| v.len() as u64);
                    }
                    Ok(())
                });
                if let Err(e) = decoded {
                    eprintln!("{path}: at offset {}: {e}", raw.offset);
                    std::process::exit(1);
                }
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("{path}: at offset {}: {e}", raw.offset);
                std::process::exit(1);
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "decoded {events} events, {rows} rows, {values} values from {:.0} MB in {secs:.3} s: {:.0} MB/s",
        bytes.len() as f64 / 1e6,
        bytes.len() as f64 / 1e6 / secs
    );
}
