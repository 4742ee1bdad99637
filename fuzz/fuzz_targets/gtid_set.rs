//! GTID set text and binary forms: anything that parses formats back to
//! something that parses to the same set.
#![no_main]

use libfuzzer_sys::fuzz_target;
use understudy_binlog::gtid::{GtidSet, MariaGtidList};

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(set) = s.parse::<GtidSet>() {
            let again: GtidSet = set.to_string().parse().expect("formatted set parses");
            assert_eq!(set, again);
            assert_eq!(GtidSet::decode_binary(&set.encode_binary()).expect("encoded set decodes"), set);
        }
        if let Ok(pos) = s.parse::<MariaGtidList>() {
            let again: MariaGtidList = pos.to_string().parse().expect("formatted position parses");
            assert_eq!(pos, again);
        }
    }
    if let Ok(set) = GtidSet::decode_binary(data) {
        let _ = set.to_string();
    }
});
