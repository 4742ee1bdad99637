//! MySQL binary JSON and JSON diffs: decode, render, and re-encode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use understudy_binlog::value::json;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = json::parse_json(data) {
        let _ = json::render_json(&v);
        let _ = json::render_json_row(&v);
        if let Ok(bytes) = json::encode_json(&v) {
            let again = json::parse_json(&bytes).expect("encoded document decodes");
            assert_eq!(json::render_json(&again), json::render_json(&v));
        }
    }
    if let Ok(d) = json::parse_json_diffs(data) {
        let _ = json::render_json_diffs(&d, "@1");
    }
});
