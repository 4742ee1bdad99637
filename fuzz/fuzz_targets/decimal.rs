//! Binary DECIMAL with any precision and scale.
#![no_main]

use libfuzzer_sys::fuzz_target;
use understudy_binlog::value::decimal::{decode_decimal, encode_decimal};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    if let Ok((d, _)) = decode_decimal(&data[2..], data[0], data[1]) {
        let text = d.to_string();
        let again = encode_decimal(&text, data[0], data[1]).expect("decoded decimal encodes");
        assert_eq!(decode_decimal(&again, data[0], data[1]).expect("re-decodes").0, d);
    }
});
