//! The lines every event starts with: `# at N`, the `#YYMMDD hh:mm:ss server
//! id … end_log_pos …` line, and with `--hexdump` the event's bytes.

use crate::text::{Buf, short_time, tm};
use crate::w;

/// `#260206  9:04:27 server id 1  end_log_pos 127 CRC32 0xaa05b0c9 ` (the
/// caller appends a tab and the event's description, or a newline and
/// the hexdump). `time` is the event's time as `short_time` writes it.
pub fn event_line(out: &mut Buf, time: &[u8], server_id: u32, log_pos: u64, crc: Option<u32>) {
    out.ch(b'#');
    out.raw(time);
    out.s(" server id ");
    out.u64(u64::from(server_id));
    out.s("  end_log_pos ");
    out.u64(log_pos);
    out.ch(b' ');
    if let Some(crc) = crc {
        out.s("CRC32 0x");
        out.hex32(crc);
        out.ch(b' ');
    }
}

/// The last event time rendered: consecutive events mostly share their
/// second, and the zone lookup and calendar arithmetic are then skipped.
#[derive(Debug, Default)]
pub struct TimeCache {
    last: Option<u32>,
    text: Buf,
}

impl TimeCache {
    /// `ts` as `short_time` writes it, in the zone `offset` gives.
    pub fn get(&mut self, ts: u32, offset: impl FnOnce(i64) -> i32) -> &[u8] {
        if self.last != Some(ts) {
            self.text.0.clear();
            short_time(&mut self.text, &tm(i64::from(ts), offset(i64::from(ts))));
            self.last = Some(ts);
        }
        &self.text.0
    }
}

/// mysqlbinlog's `--hexdump` block for one event: the 19-byte common
/// header on one line, then 16 bytes per line with an ASCII column that
/// shows only letters and digits.
pub fn hexdump_mysql(out: &mut Buf, offset: u64, raw: &[u8]) {
    out.s("# Position  Timestamp   Type   Source ID        Size      Source Pos    Flags \n");
    let h = &raw[..raw.len().min(19)];
    w!(out, "# {offset:08x}");
    for (i, b) in h.iter().enumerate() {
        let sep = match i {
            4 | 5 | 9 | 13 | 17 => "   ",
            _ => " ",
        };
        w!(out, "{sep}{b:02x}");
    }
    out.ch(b'\n');
    hex_lines(out, offset + 19, &raw[h.len()..], false);
}

/// mariadb-binlog's `--hexdump` block: a header table, then 16 bytes per
/// line with an ASCII column of printable characters, between `#` lines.
pub fn hexdump_mariadb(out: &mut Buf, offset: u64, raw: &[u8]) {
    out.s("# Position\n#           |Timestamp   |Type |Master ID   |Size        |Master Pos  |Flags\n");
    let h = &raw[..raw.len().min(19)];
    w!(out, "# {offset:8x}  |");
    for (i, b) in h.iter().enumerate() {
        let sep = match i {
            3 | 8 | 12 | 16 => " |",
            4 => "   |",
            18 => "",
            _ => " ",
        };
        w!(out, "{b:02x}{sep}");
    }
    out.s("\n#\n");
    hex_lines(out, offset + 19, &raw[h.len()..], true);
    out.s("#\n");
}

/// An event body, 16 bytes a line from file offset `at`: the offset, the
/// bytes in hex (two groups of eight), and the bytes as text between bars
/// — mysqlbinlog shows only letters and digits there, mariadb-binlog every
/// printable character, with its own spacing.
fn hex_lines(out: &mut Buf, at: u64, body: &[u8], mariadb: bool) {
    for (line_no, chunk) in body.chunks(16).enumerate() {
        let line_at = at + 16 * line_no as u64;
        if mariadb {
            w!(out, "# {line_at:8x}  ");
        } else {
            w!(out, "# {line_at:08x} ");
        }
        for (i, b) in chunk.iter().enumerate() {
            if i == 8 {
                out.ch(b' ');
            }
            out.hex8(*b);
            out.ch(b' ');
        }
        let width = chunk.len() * 3 + usize::from(chunk.len() > 8);
        for _ in width..49 {
            out.ch(b' ');
        }
        out.s(if mariadb { " |" } else { "|" });
        for &b in chunk {
            let shown = if mariadb {
                (0x20..0x7f).contains(&b)
            } else {
                b.is_ascii_alphanumeric()
            };
            out.ch(if shown { b } else { b'.' });
        }
        out.s("|\n");
    }
}
