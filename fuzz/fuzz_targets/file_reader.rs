//! A whole file: framing, checksums, every decoder, and both dumpers (text
//! in each dialect and JSON) over whatever it holds; and the framing of the
//! file read in small pieces must be that of the file read whole.
#![no_main]

use std::ops::ControlFlow;

use libfuzzer_sys::fuzz_target;
use understudy_binlog::EventReader;
use understudy_binlog::stream::each_event_in;
use understudy_dumper::{Base64Output, Dialect, Options};

fuzz_target!(|data: &[u8]| {
    for (dialect, verbose, verify) in [(Dialect::MySql, 2, true), (Dialect::MariaDb, 1, false)] {
        let opts = Options {
            verbose,
            verify_checksum: verify,
            dialect,
            hexdump: verbose == 2,
            base64_output: if verbose == 2 { Base64Output::Auto } else { Base64Output::DecodeRows },
            ..Options::default()
        };
        let _ = understudy_dumper::dump(data, &opts);
    }
    let _ = understudy_dumper::dump_json(data, &Options::default());

    let mut whole = Vec::new();
    let mut whole_err = None;
    match EventReader::new(data) {
        Err(e) => whole_err = Some(e),
        Ok(r) => {
            for next in r.verify_checksums(true) {
                match next {
                    Ok(raw) => whole.push((raw.offset, raw.raw.len(), raw.type_code)),
                    Err(e) => whole_err = Some(e),
                }
            }
        }
    }
    let chunk = data.first().map_or(4, |&b| usize::from(b) + 1);
    let mut pieces = Vec::new();
    let pieces_err = each_event_in(&mut &data[..], true, chunk, |raw, _| {
        pieces.push((raw.offset, raw.raw.len(), raw.type_code));
        ControlFlow::Continue(())
    })
    .expect("reading a slice cannot fail");
    assert_eq!(pieces, whole, "chunk {chunk}");
    assert_eq!(pieces_err, whole_err, "chunk {chunk}");
});
