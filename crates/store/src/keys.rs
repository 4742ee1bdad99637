//! Order-preserving ("memcomparable") key encoding: the bytes of two
//! encoded keys compare as the keys do, so RocksDB's byte order is the
//! primary key's order and a table is one contiguous key range.
//!
//! A row key is the table id (u32, big-endian) followed by each primary key
//! column. Integers are big-endian with the sign bit flipped; doubles are
//! flipped IEEE bits; byte strings escape 0x00 as 0x00 0xFF and end with
//! 0x00 0x01, so a string sorts before its extensions and a column's end is
//! unambiguous. Strings are compared as bytes: a collation's own order is
//! the caller's to apply (by encoding a sort key) where it matters.

/// One primary key column's value.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyPart<'a> {
    Int(i64),
    UInt(u64),
    Double(f64),
    Bytes(&'a [u8]),
}

/// The key prefix of every row of `table_id`.
pub fn table_prefix(table_id: u32) -> [u8; 4] {
    table_id.to_be_bytes()
}

/// `table id ‖ parts`.
pub fn row_key(table_id: u32, parts: &[KeyPart<'_>]) -> Vec<u8> {
    let mut k = Vec::with_capacity(4 + parts.len() * 9);
    k.extend_from_slice(&table_prefix(table_id));
    for p in parts {
        encode_part(&mut k, p);
    }
    k
}

pub fn encode_part(out: &mut Vec<u8>, part: &KeyPart<'_>) {
    match *part {
        KeyPart::Int(v) => out.extend_from_slice(&((v as u64) ^ (1 << 63)).to_be_bytes()),
        KeyPart::UInt(v) => out.extend_from_slice(&v.to_be_bytes()),
        KeyPart::Double(v) => {
            // -0.0 and 0.0 are equal as keys (as in MySQL).
            let v = if v == 0.0 { 0.0 } else { v };
            let bits = v.to_bits();
            let ordered = if bits >> 63 == 1 {
                !bits
            } else {
                bits ^ (1 << 63)
            };
            out.extend_from_slice(&ordered.to_be_bytes());
        }
        KeyPart::Bytes(b) => {
            for &byte in b {
                out.push(byte);
                if byte == 0 {
                    out.push(0xff);
                }
            }
            out.extend_from_slice(&[0x00, 0x01]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cmp::Ordering;

    #[derive(Debug, Clone)]
    enum Owned {
        Int(i64),
        UInt(u64),
        Double(f64),
        Bytes(Vec<u8>),
    }

    impl Owned {
        fn part(&self) -> KeyPart<'_> {
            match self {
                Owned::Int(v) => KeyPart::Int(*v),
                Owned::UInt(v) => KeyPart::UInt(*v),
                Owned::Double(v) => KeyPart::Double(*v),
                Owned::Bytes(b) => KeyPart::Bytes(b),
            }
        }

        fn cmp(&self, o: &Owned) -> Ordering {
            match (self, o) {
                (Owned::Int(a), Owned::Int(b)) => a.cmp(b),
                (Owned::UInt(a), Owned::UInt(b)) => a.cmp(b),
                (Owned::Double(a), Owned::Double(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
                (Owned::Bytes(a), Owned::Bytes(b)) => a.cmp(b),
                _ => unreachable!("same column kinds"),
            }
        }
    }

    /// Two keys of the same column kinds: (int, bytes, uint) or (double, bytes).
    fn key_pair() -> impl Strategy<Value = (Vec<Owned>, Vec<Owned>)> {
        let bytes = || {
            proptest::collection::vec(
                prop_oneof![Just(0u8), Just(1), Just(0xff), any::<u8>()],
                0..6,
            )
        };
        let a = (any::<i64>(), bytes(), any::<u64>())
            .prop_map(|(i, b, u)| vec![Owned::Int(i), Owned::Bytes(b), Owned::UInt(u)]);
        let b = (any::<i64>(), bytes(), any::<u64>())
            .prop_map(|(i, b, u)| vec![Owned::Int(i), Owned::Bytes(b), Owned::UInt(u)]);
        let finite = || any::<f64>().prop_filter("not NaN", |f| !f.is_nan());
        let c = (finite(), bytes()).prop_map(|(d, b)| vec![Owned::Double(d), Owned::Bytes(b)]);
        let d = (finite(), bytes()).prop_map(|(d, b)| vec![Owned::Double(d), Owned::Bytes(b)]);
        prop_oneof![(a, b), (c, d)]
    }

    proptest! {
        #[test]
        fn byte_order_is_key_order((x, y) in key_pair()) {
            let want = x.iter().zip(&y).map(|(a, b)| a.cmp(b)).find(|o| *o != Ordering::Equal).unwrap_or(Ordering::Equal);
            let ex = row_key(7, &x.iter().map(Owned::part).collect::<Vec<_>>());
            let ey = row_key(7, &y.iter().map(Owned::part).collect::<Vec<_>>());
            prop_assert_eq!(ex.cmp(&ey), want);
        }
    }

    #[test]
    fn edges() {
        let k = |p: KeyPart<'_>| row_key(1, &[p]);
        assert!(k(KeyPart::Int(-1)) < k(KeyPart::Int(0)));
        assert!(k(KeyPart::Int(i64::MIN)) < k(KeyPart::Int(i64::MAX)));
        assert!(k(KeyPart::Bytes(b"a")) < k(KeyPart::Bytes(b"a\0")));
        assert!(k(KeyPart::Bytes(b"a\0")) < k(KeyPart::Bytes(b"a\x01")));
        assert!(k(KeyPart::Bytes(b"")) < k(KeyPart::Bytes(b"\0")));
        assert_eq!(k(KeyPart::Double(-0.0)), k(KeyPart::Double(0.0)));
        assert!(k(KeyPart::Double(f64::NEG_INFINITY)) < k(KeyPart::Double(-1e300)));
        // Tables are contiguous and ordered by id.
        assert!(row_key(1, &[KeyPart::UInt(u64::MAX)]) < row_key(2, &[KeyPart::UInt(0)]));
    }
}
