//! MariaDB's INET4, INET6 and UUID columns: fixed binary strings in row
//! images (trailing zero bytes dropped, as for BINARY(n)), shown as text.

use understudy_sql::ColumnType;

/// The text MariaDB shows for a value `b` of a column of type `ty`
/// (INET4, INET6 or UUID).
pub fn text(ty: &ColumnType, b: &[u8]) -> String {
    let size = ty.fixed_binary_text().unwrap_or(b.len());
    let mut v = b.to_vec();
    v.resize(size.max(v.len()), 0);
    match ty {
        ColumnType::Inet4 => inet4(&v),
        ColumnType::Inet6 => inet6(&v),
        _ => uuid(&v),
    }
}

fn inet4(v: &[u8]) -> String {
    v.iter().map(u8::to_string).collect::<Vec<_>>().join(".")
}

/// RFC 5952 short form: lower-case hex without leading zeros, the
/// longest run of two or more zero groups (the first of equal ones) as
/// `::`; an IPv4-mapped (`::ffff:a.b.c.d`) or IPv4-compatible
/// (`::a.b.c.d`, not `::` or `::1`-like) address ends in dotted form.
fn inet6(v: &[u8]) -> String {
    if v.len() != 16 {
        return hex(v);
    }
    let groups: Vec<u16> = v
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    // The longest run of zero groups.
    let (mut best, mut best_len, mut i) = (0, 0, 0);
    while i < 8 {
        if groups[i] == 0 {
            let start = i;
            while i < 8 && groups[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best = start;
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    let dotted = best == 0 && (best_len == 6 || (best_len == 5 && groups[5] == 0xffff));
    let shown = if dotted { 6 } else { 8 };
    let mut out = String::new();
    let mut g = 0;
    while g < shown {
        if best_len >= 2 && g == best {
            out.push_str("::");
            g += best_len;
            continue;
        }
        if !out.is_empty() && !out.ends_with(':') {
            out.push(':');
        }
        out.push_str(&format!("{:x}", groups[g]));
        g += 1;
    }
    if dotted {
        if !out.ends_with(':') {
            out.push(':');
        }
        out.push_str(&inet4(&v[12..]));
    }
    out
}

fn hex(v: &[u8]) -> String {
    v.iter().map(|b| format!("{b:02x}")).collect()
}

fn uuid(v: &[u8]) -> String {
    if v.len() != 16 {
        return hex(v);
    }
    format!(
        "{}-{}-{}-{}-{}",
        hex(&v[..4]),
        hex(&v[4..6]),
        hex(&v[6..8]),
        hex(&v[8..10]),
        hex(&v[10..])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v6(s: &str) -> String {
        let addr: std::net::Ipv6Addr = s.parse().unwrap();
        inet6(&addr.octets())
    }

    #[test]
    fn inet6_short_form() {
        assert_eq!(
            v6("2001:0db8:0000:0000:0000:ff00:0042:8329"),
            "2001:db8::ff00:42:8329"
        );
        assert_eq!(v6("::"), "::");
        assert_eq!(v6("::1"), "::1");
        assert_eq!(v6("1::"), "1::");
        assert_eq!(v6("::ffff:192.0.2.128"), "::ffff:192.0.2.128");
        assert_eq!(v6("::192.0.2.128"), "::192.0.2.128");
        assert_eq!(v6("1:0:0:1:0:0:0:1"), "1:0:0:1::1");
        assert_eq!(v6("1:0:0:1:1:0:0:1"), "1::1:1:0:0:1");
        assert_eq!(v6("1:2:3:4:5:6:0:8"), "1:2:3:4:5:6:0:8");
        // Trailing zero bytes come back.
        assert_eq!(
            text(&ColumnType::Inet6, &[0x20, 0x01, 0x0d, 0xb8]),
            "2001:db8::"
        );
    }

    #[test]
    fn inet4_and_uuid() {
        assert_eq!(text(&ColumnType::Inet4, &[10, 0, 0]), "10.0.0.0");
        assert_eq!(
            text(
                &ColumnType::Uuid,
                &[
                    0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14,
                    0x17, 0x40
                ]
            ),
            "123e4567-e89b-12d3-a456-426614174000"
        );
    }
}
