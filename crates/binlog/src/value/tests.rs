//! Round trips of every stored value format: random values of every column
//! type are written with `encode` and must read back identically, alone and
//! inside row images with NULLs and absent columns.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use crate::cursor::Cursor;
use crate::value::column_type::*;
use crate::value::decimal::encode_decimal;
use crate::value::encode::{encode_image, encode_value};
use crate::value::row::{decode_image, decode_value};
use crate::value::temporal::{Date, DateTime, Time};
use crate::value::{ColumnMeta, ColumnValue, Value};

/// A column (type code and table-map metadata bytes) and an owned value.
#[derive(Debug, Clone)]
struct Case {
    column_type: u8,
    meta: Vec<u8>,
    value: Owned,
}

#[derive(Debug, Clone)]
enum Owned {
    Int(i64, u8),
    Float(f32),
    Double(f64),
    Decimal(Vec<u8>, u8, u8),
    Year(u8),
    Date(Date),
    Time(Time, u8),
    DateTime(DateTime, u8),
    Timestamp(u32, u32, u8),
    Str(Vec<u8>),
    Blob(Vec<u8>),
    Enum(u16),
    Set(u64),
    Bit(Vec<u8>),
    Json(Vec<u8>),
    Geometry(Vec<u8>),
    Vector(Vec<u8>),
}

impl Owned {
    fn value(&self) -> Value<'_> {
        match self {
            Owned::Int(v, b) => Value::Int {
                value: *v,
                bytes: *b,
            },
            Owned::Float(f) => Value::Float(*f),
            Owned::Double(d) => Value::Double(*d),
            Owned::Decimal(b, p, s) => Value::Decimal {
                bytes: b,
                precision: *p,
                scale: *s,
            },
            Owned::Year(y) => Value::Year(*y),
            Owned::Date(d) => Value::Date(*d),
            Owned::Time(t, fsp) => Value::Time {
                time: *t,
                fsp: *fsp,
            },
            Owned::DateTime(d, fsp) => Value::DateTime {
                datetime: *d,
                fsp: *fsp,
            },
            Owned::Timestamp(s, m, fsp) => Value::Timestamp {
                seconds: *s,
                micros: *m,
                fsp: *fsp,
            },
            Owned::Str(s) => Value::String(s),
            Owned::Blob(b) => Value::Blob(b),
            Owned::Enum(e) => Value::Enum(*e),
            Owned::Set(s) => Value::Set(*s),
            Owned::Bit(b) => Value::Bit(b),
            Owned::Json(j) => Value::Json(j),
            Owned::Geometry(g) => Value::Geometry(g),
            Owned::Vector(v) => Value::Vector(v),
        }
    }
}

fn micros(fsp: u8) -> impl Strategy<Value = u32> {
    let unit = 10u32.pow(6 - u32::from(fsp));
    (0u32..1_000_000 / unit).prop_map(move |v| v * unit)
}

fn int_case() -> impl Strategy<Value = Case> {
    prop_oneof![
        Just((MYSQL_TYPE_TINY, 1u8)),
        Just((MYSQL_TYPE_SHORT, 2)),
        Just((MYSQL_TYPE_INT24, 3)),
        Just((MYSQL_TYPE_LONG, 4)),
        Just((MYSQL_TYPE_LONGLONG, 8))
    ]
    .prop_flat_map(|(t, bytes)| {
        any::<i64>().prop_map(move |v| {
            let shift = 64 - u32::from(bytes) * 8;
            let v = (v << shift) >> shift;
            Case {
                column_type: t,
                meta: vec![],
                value: Owned::Int(v, bytes),
            }
        })
    })
}

fn temporal_case() -> impl Strategy<Value = Case> {
    let date =
        (0u16..10000, 0u8..13, 0u8..32).prop_map(|(year, month, day)| Date { year, month, day });
    prop_oneof![
        date.clone().prop_map(|d| Case {
            column_type: MYSQL_TYPE_DATE,
            meta: vec![],
            value: Owned::Date(d)
        }),
        (0u8..=6)
            .prop_flat_map(|fsp| (
                Just(fsp),
                any::<bool>(),
                0u32..839,
                0u8..60,
                0u8..60,
                micros(fsp)
            ))
            .prop_map(|(fsp, neg, hours, minutes, seconds, micros)| {
                let zero = hours == 0 && minutes == 0 && seconds == 0 && micros == 0;
                let time = Time {
                    negative: neg && !zero,
                    hours,
                    minutes,
                    seconds,
                    micros,
                };
                Case {
                    column_type: MYSQL_TYPE_TIME2,
                    meta: vec![fsp],
                    value: Owned::Time(time, fsp),
                }
            }),
        (0u8..=6, date.clone(), 0u8..24, 0u8..60, 0u8..60)
            .prop_flat_map(|(fsp, d, h, m, s)| (Just((fsp, d, h, m, s)), micros(fsp)))
            .prop_map(|((fsp, d, hour, minute, second), micros)| {
                let dt = DateTime {
                    year: d.year,
                    month: d.month,
                    day: d.day,
                    hour,
                    minute,
                    second,
                    micros,
                    negative: false,
                };
                Case {
                    column_type: MYSQL_TYPE_DATETIME2,
                    meta: vec![fsp],
                    value: Owned::DateTime(dt, fsp),
                }
            }),
        (0u8..=6, any::<u32>())
            .prop_flat_map(|(fsp, s)| (Just((fsp, s)), micros(fsp)))
            .prop_map(|((fsp, s), m)| Case {
                column_type: MYSQL_TYPE_TIMESTAMP2,
                meta: vec![fsp],
                value: Owned::Timestamp(s, m, fsp)
            }),
        (date, 0u8..24, 0u8..60, 0u8..60).prop_map(|(d, hour, minute, second)| Case {
            column_type: MYSQL_TYPE_DATETIME,
            meta: vec![],
            value: Owned::DateTime(
                DateTime {
                    year: d.year,
                    month: d.month,
                    day: d.day,
                    hour,
                    minute,
                    second,
                    micros: 0,
                    negative: false
                },
                0
            ),
        }),
        (any::<bool>(), 0u32..839, 0u8..60, 0u8..60).prop_map(|(neg, hours, minutes, seconds)| {
            let zero = hours == 0 && minutes == 0 && seconds == 0;
            let time = Time {
                negative: neg && !zero,
                hours,
                minutes,
                seconds,
                micros: 0,
            };
            Case {
                column_type: MYSQL_TYPE_TIME,
                meta: vec![],
                value: Owned::Time(time, 0),
            }
        }),
        any::<u32>().prop_map(|s| Case {
            column_type: MYSQL_TYPE_TIMESTAMP,
            meta: vec![],
            value: Owned::Timestamp(s, 0, 0)
        }),
        any::<u8>().prop_map(|y| Case {
            column_type: MYSQL_TYPE_YEAR,
            meta: vec![],
            value: Owned::Year(y)
        }),
    ]
}

fn string_case() -> impl Strategy<Value = Case> {
    let bytes = |max: usize| proptest::collection::vec(any::<u8>(), 0..max);
    prop_oneof![
        (1u16..=65535, bytes(300)).prop_map(|(max, mut b)| {
            b.truncate(usize::from(max));
            Case {
                column_type: MYSQL_TYPE_VARCHAR,
                meta: max.to_le_bytes().to_vec(),
                value: Owned::Str(b),
            }
        }),
        // CHAR(n) up to 1020 bytes: long lengths fold two bits into the type byte.
        (1u16..=1020, bytes(300)).prop_map(|(max, mut b)| {
            b.truncate(usize::from(max));
            let hi = ((max >> 8) as u8 & 0x03) << 4;
            let meta = vec![MYSQL_TYPE_STRING ^ hi, max as u8];
            Case {
                column_type: MYSQL_TYPE_STRING,
                meta,
                value: Owned::Str(b),
            }
        }),
        (1u8..=4, bytes(300)).prop_map(|(len, b)| Case {
            column_type: MYSQL_TYPE_BLOB,
            meta: vec![len],
            value: Owned::Blob(if len == 1 {
                b.into_iter().take(255).collect()
            } else {
                b
            }),
        }),
        (1u8..=4, bytes(200)).prop_map(|(len, b)| Case {
            column_type: MYSQL_TYPE_JSON,
            meta: vec![len],
            value: Owned::Json(b)
        }),
        (1u8..=4, bytes(200)).prop_map(|(len, b)| Case {
            column_type: MYSQL_TYPE_GEOMETRY,
            meta: vec![len],
            value: Owned::Geometry(b)
        }),
        (1u8..=4, proptest::collection::vec(any::<[u8; 4]>(), 0..16)).prop_map(|(len, v)| Case {
            column_type: MYSQL_TYPE_VECTOR,
            meta: vec![len],
            value: Owned::Vector(v.concat()),
        }),
        prop_oneof![Just(1u8), Just(2)].prop_flat_map(|n| {
            let max = if n == 1 { 0xffu16 } else { 0xffff };
            (0..=max).prop_map(move |e| Case {
                column_type: MYSQL_TYPE_STRING,
                meta: vec![MYSQL_TYPE_ENUM, n],
                value: Owned::Enum(e),
            })
        }),
        (1u8..=8, any::<u64>()).prop_map(|(n, s)| Case {
            column_type: MYSQL_TYPE_STRING,
            meta: vec![MYSQL_TYPE_SET, n],
            value: Owned::Set(if n == 8 {
                s
            } else {
                s & ((1u64 << (u32::from(n) * 8)) - 1)
            }),
        }),
        (1u8..=64, any::<u64>()).prop_map(|(bits, v)| {
            let nbytes = usize::from(bits).div_ceil(8);
            let masked = if bits == 64 {
                v
            } else {
                v & ((1u64 << bits) - 1)
            };
            Case {
                column_type: MYSQL_TYPE_BIT,
                meta: vec![bits % 8, bits / 8],
                value: Owned::Bit(masked.to_be_bytes()[8 - nbytes..].to_vec()),
            }
        }),
    ]
}

fn number_case() -> impl Strategy<Value = Case> {
    prop_oneof![
        any::<f32>().prop_map(|f| Case {
            column_type: MYSQL_TYPE_FLOAT,
            meta: vec![4],
            value: Owned::Float(f)
        }),
        any::<f64>().prop_map(|d| Case {
            column_type: MYSQL_TYPE_DOUBLE,
            meta: vec![8],
            value: Owned::Double(d)
        }),
        (1u8..=65, 0u8..=30, any::<bool>(), "[0-9]{0,65}").prop_map(|(p, s, neg, digits)| {
            let s = s.min(p);
            let intg = usize::from(p - s);
            let int: String = digits.chars().take(intg).collect();
            let frac: String = digits.chars().skip(intg).take(usize::from(s)).collect();
            let text = format!("{}{int}.{frac}", if neg { "-" } else { "" });
            Case {
                column_type: MYSQL_TYPE_NEWDECIMAL,
                meta: vec![p, s],
                value: Owned::Decimal(encode_decimal(&text, p, s).unwrap(), p, s),
            }
        }),
    ]
}

fn any_case() -> impl Strategy<Value = Case> {
    prop_oneof![int_case(), number_case(), temporal_case(), string_case()]
}

fn column(c: &Case) -> ColumnMeta {
    crate::value::column_type::parse_column_metadata(&[c.column_type], &c.meta).unwrap()[0]
}

/// Equality that treats floats by their bits (NaN round-trips too).
fn same(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_value_round_trips(c in any_case()) {
        let col = column(&c);
        let v = c.value.value();
        let mut buf = Vec::new();
        encode_value(&mut buf, &col, &v).unwrap();
        let mut cur = Cursor::new(&buf);
        let back = decode_value(&mut cur, &col).unwrap();
        prop_assert!(cur.is_empty(), "{} byte(s) left", cur.remaining());
        prop_assert!(same(&back, &v), "{back:?} != {v:?}");
    }

    #[test]
    fn row_images_round_trip(
        cases in proptest::collection::vec((any_case(), any::<bool>(), any::<bool>()), 1..24),
    ) {
        let columns: Vec<ColumnMeta> = cases.iter().map(|(c, _, _)| column(c)).collect();
        let mut present = vec![0u8; columns.len().div_ceil(8)];
        let mut values = Vec::new();
        for (i, (c, is_present, is_null)) in cases.iter().enumerate() {
            if *is_present {
                present[i / 8] |= 1 << (i % 8);
                let value = if *is_null { Value::Null } else { c.value.value() };
                values.push(ColumnValue { index: i, value });
            }
        }
        let mut buf = Vec::new();
        encode_image(&mut buf, &columns, &values).unwrap();
        let mut cur = Cursor::new(&buf);
        let mut back = Vec::new();
        decode_image(&mut cur, &columns, &present, None, false, &mut back).unwrap();
        prop_assert!(cur.is_empty());
        prop_assert_eq!(back.len(), values.len());
        for (x, y) in back.iter().zip(&values) {
            prop_assert_eq!(x.index, y.index);
            prop_assert!(same(&x.value, &y.value), "{:?} != {:?}", x.value, y.value);
        }
    }

    #[test]
    fn decoding_random_bytes_never_panics(c in any_case(), bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let col = column(&c);
        let _ = decode_value(&mut Cursor::new(&bytes), &col);
    }
}
