//! One event body, decoded under the format description of a real server
//! (chosen by the first byte), with the event type from the second byte;
//! row events are also decoded row by row against a table map taken from
//! the rest of the input.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use understudy_binlog::event::{self, Event, TableMapEvent};
use understudy_binlog::{EventHeader, FormatDescription, RawEvent};

/// FDE bodies (after the common header) as MySQL 9.7, 5.7, 5.0 and
/// MariaDB 10.11 / 5.2-wl2325 wrote them.
fn fdes() -> Vec<FormatDescription> {
    fn fde(version: &str, post: &[u8], checksum: bool) -> FormatDescription {
        let mut b = vec![4, 0];
        let mut v = version.as_bytes().to_vec();
        v.resize(50, 0);
        b.extend(v);
        b.extend([0, 0, 0, 0, 19]);
        b.extend_from_slice(post);
        if checksum {
            b.extend([1, 0, 0, 0, 0]);
        }
        FormatDescription::parse(&b).expect("valid FDE")
    }
    let mysql8: &[u8] = &[
        0, 13, 0, 8, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 98, 0, 4, 26, 8, 0, 0, 0, 8, 8, 8, 2, 0, 0, 0, 10, 10, 10, 42, 42, 0,
        18, 52, 0, 10, 40, 0,
    ];
    let mysql57: &[u8] = &[
        56, 13, 0, 8, 0, 18, 0, 4, 4, 4, 4, 18, 0, 0, 95, 0, 4, 26, 8, 0, 0, 0, 8, 8, 8, 2, 0, 0, 0, 10, 10, 10, 42, 42,
        0, 18, 52, 0,
    ];
    let mysql50: &[u8] = &[56, 13, 0, 8, 0, 18, 0, 4, 4, 4, 4, 18, 0, 0, 75, 0, 4, 26];
    let mut maria = vec![56, 13, 0, 8, 0, 18, 0, 4, 4, 4, 4, 18, 0, 0, 228, 0, 4, 26, 8, 0, 0, 0, 8, 8, 8, 2, 0, 0, 0, 10, 10, 10];
    maria.resize(160, 0);
    maria.extend([4, 19, 4, 0, 13, 8, 8, 8, 10, 10, 10]);
    let alcatel: &[u8] = &[56, 13, 0, 8, 0, 18, 0, 4, 4, 4, 4, 18, 0, 0, 79, 6, 6, 6, 6, 0, 4, 26];
    vec![
        fde("9.7.4", mysql8, true),
        fde("5.7.30-log", mysql57, true),
        fde("5.0.86-log", mysql50, false),
        fde("10.11.19-MariaDB-log", &maria, true),
        fde("5.2.2-a_drop6p13-debug-log", alcatel, false),
    ]
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    static FDES: OnceLock<Vec<FormatDescription>> = OnceLock::new();
    let fdes = FDES.get_or_init(fdes);
    let fde = &fdes[usize::from(data[0]) % fdes.len()];
    let stored_type = data[1];
    let split = usize::from(data[2]).min(data.len() - 3);
    let (map_body, body) = data[3..].split_at(split);
    let header = EventHeader { timestamp: 0, type_code: stored_type, server_id: 1, event_size: 0, log_pos: 0, flags: 0 };
    let raw = RawEvent { offset: 4, header, type_code: fde.canonical_type(stored_type), raw: body, body, checksum: None };
    if let Ok(Event::Rows(rows)) = event::decode(&raw, fde) {
        let ph = fde.post_header_len(understudy_binlog::event_type::TABLE_MAP_EVENT).unwrap_or(8);
        if let Ok(map) = TableMapEvent::parse(map_body, ph) {
            // Every row takes bytes: this ends (a loop would be a hang,
            // reported by -timeout).
            if let Ok(iter) = rows.rows(&map) {
                for row in iter {
                    let _ = row;
                }
            }
        }
    }
});
