//! A whole file: framing, checksums, every decoder, and both dumpers (text
//! in each dialect and JSON) over whatever it holds.
#![no_main]

use libfuzzer_sys::fuzz_target;
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
});
