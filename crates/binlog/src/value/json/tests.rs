//! Unit and property tests for the JSON codec. Byte strings marked "9.7.4"
//! were written by a MySQL 9.7.4 server; the golden files in
//! `testdata/json/` hold many more (see `tests/json_golden.rs`).
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use super::encode::{encode_json_large, write_varlen};
use super::text::format_double;
use super::*;
use crate::error::DecodeError;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn text_of(h: &str) -> String {
    render_json(&parse_json(&hex(h)).unwrap())
}

#[test]
fn server_documents() {
    // 9.7.4: '{"a": [1, 2.5, null], "b": "x"}'
    let doc =
        "0002002b0012000100130001000214000c29006162030015000501000b0d0004000000000000000004400178";
    assert_eq!(text_of(doc), r#"{"a": [1, 2.5, null], "b": "x"}"#);
    let bytes = hex(doc);
    assert_eq!(encode_json(&parse_json(&bytes).unwrap()).unwrap(), bytes);
    // 9.7.4: JSON_ARRAY(DATE, DECIMAL(4,1), x'0102', TIME)
    let doc = "02040031000f10000f1a000f23000f27000a0800000000001e9519f6070a018000000c050f0201020b080000008310000000";
    assert_eq!(
        text_of(doc),
        r#"["2015-01-15", 12.5, "base64:type15:AQI=", "01:02:03.000000"]"#
    );
    assert_eq!(
        encode_json(&parse_json(&hex(doc)).unwrap()).unwrap(),
        hex(doc)
    );
    assert_eq!(text_of("0f0b08702ffcfeffffffff"), r#""-00:00:01.250000""#);
    assert_eq!(
        text_of("0f0708080a0c464186a519"),
        r#""2020-02-03 04:05:06.789000""#
    );
    assert_eq!(text_of("0f0a080000000000000000"), r#""0000-00-00""#);
    assert_eq!(text_of("0ff6050403800000"), "0.000");
    assert_eq!(
        text_of("0c0963746c01781f797f7a"),
        "\"ctl\\u0001x\\u001fy\u{7f}z\""
    );
    assert_eq!(text_of("0affffffffffffffff"), "18446744073709551615");
    assert_eq!(text_of("090000000000000080"), "-9223372036854775808");
}

#[test]
fn empty_and_trailing_bytes() {
    assert_eq!(parse_json(&[]).unwrap(), JsonValue::Null);
    assert_eq!(render_json_row(&parse_json(&[]).unwrap()), "'null'");
    // mysqlbinlog 9.7.4 prints '1' for an int16 followed by a stray byte.
    assert_eq!(parse_json(&hex("050100ff")).unwrap(), JsonValue::Int(1));
}

#[test]
fn malformed_documents_are_errors() {
    let bad = [
        "0d00",                     // unknown type
        "0201000700",               // array entry with no room for its value entry
        "0c05616263",               // string longer than the document
        "0f0a0400000000",           // DATE payload that is not 8 bytes
        "0f0a",                     // opaque without length
        "0c8080808010",             // length over 32 bits
        "0c808080808001",           // length over 5 bytes
        "0403",                     // unknown literal
        "000100080004000100050100", // key outside the object
        "02010005000c4000",         // value offset outside the array
        "0ff6030a0200",             // DECIMAL(10,2) missing bytes
    ];
    for b in bad {
        assert!(parse_json(&hex(b)).is_err(), "{b} should not parse");
    }
    assert!(matches!(
        parse_json(&hex("0b0000")),
        Err(DecodeError::Truncated { .. })
    ));
}

#[test]
fn depth_limit_matches_mysql() {
    let nest = |n: usize| {
        let mut v = JsonValue::Int(1);
        for _ in 0..n {
            v = JsonValue::Array(vec![v]);
        }
        encode_json(&v).unwrap()
    };
    assert!(parse_json(&nest(MAX_DEPTH)).is_ok());
    assert!(parse_json(&nest(MAX_DEPTH + 1)).is_err());
}

#[test]
fn shared_subdocuments_are_bounded() {
    // Each level is a small array of two entries that both point at the
    // next level, right after its 10-byte header: 2^61 values if followed.
    let levels: u16 = 60;
    let mut doc = vec![0x02];
    for i in 0..levels {
        doc.extend_from_slice(&2u16.to_le_bytes());
        doc.extend_from_slice(&(10 * (levels - i)).to_le_bytes());
        let entry: [u8; 3] = if i + 1 == levels {
            [0x04, 0, 0]
        } else {
            [0x02, 10, 0]
        };
        doc.extend_from_slice(&entry);
        doc.extend_from_slice(&entry);
    }
    assert!(matches!(parse_json(&doc), Err(DecodeError::Invalid { .. })));
}

#[test]
fn large_format_and_inlining() {
    let v = JsonValue::Object(vec![
        (
            b"a",
            JsonValue::Array(vec![
                JsonValue::Int(1),
                JsonValue::Int(-70000),
                JsonValue::UInt(70000),
            ]),
        ),
        (b"n", JsonValue::Int(100000)),
    ]);
    let large = encode_json_large(&v).unwrap();
    assert_eq!(large[0], 0x01);
    assert_eq!(parse_json(&large).unwrap(), v);
    assert_eq!(
        render_json(&parse_json(&large).unwrap()),
        r#"{"a": [1, -70000, 70000], "n": 100000}"#
    );
    // 9.7.4 document over 64 KiB: a large array with inlined int32.
    let mut doc = hex("0306000000");
    doc.extend_from_slice(&hex(
        "a111010005fbffffff07ffffff7f0c260000000299110100009d1101000402000000f0a204",
    ));
    doc.extend(std::iter::repeat_n(b'x', 70000));
    doc.extend_from_slice(&hex("0000040000000400"));
    let v = parse_json(&doc).unwrap();
    let JsonValue::Array(items) = &v else {
        panic!("{v:?}")
    };
    assert_eq!(items[0], JsonValue::Int(-5));
    assert_eq!(items[1], JsonValue::Int(2147483647));
    assert_eq!(items[3], JsonValue::Array(vec![]));
    assert_eq!(items[5], JsonValue::Bool(false));
    assert!(encode_json(&v).unwrap() == doc, "re-encoding differs");
}

#[test]
fn unrepresentable_values() {
    let key = vec![b'k'; 65536];
    let v = JsonValue::Object(vec![(&key, JsonValue::Null)]);
    assert_eq!(encode_json(&v), Err(JsonEncodeError::KeyTooLong(65536)));
}

#[test]
fn doubles() {
    let cases: &[(f64, &str)] = &[
        (2.5, "2.5"),
        (1e15, "1e15"),
        (1e14, "100000000000000.0"),
        (1.2345678901234567e15, "1234567890123456.8"),
        (1.2345678901234568e16, "1.2345678901234568e16"),
        (1e-15, "0.000000000000001"),
        (1.5e-16, "1.5e-16"),
        (-2.5e-10, "-0.00000000025"),
        (-0.0, "-0.0"),
        (0.0, "0.0"),
        (0.1, "0.1"),
        (f64::MAX, "1.7976931348623157e308"),
        (5e-324, "5e-324"),
        (123456789.0, "123456789.0"),
        (-9.223372036854776e18, "-9.223372036854776e18"),
        // 9.7.4: an exact tie between two 17-digit candidates goes to even.
        (1e15 + 0.25, "1000000000000000.2"),
        (1e15 + 0.75, "1000000000000000.8"),
    ];
    for &(d, want) in cases {
        let mut s = String::new();
        format_double(d, &mut s);
        assert_eq!(s, want, "{d:e}");
    }
}

#[test]
fn row_quoting() {
    let s = JsonValue::String(b"it's \\ \"q\"\n\t\x00\x1a\x7f \xc3\xa9");
    assert_eq!(
        render_json(&s),
        "\"it's \\\\ \\\"q\\\"\\n\\t\\u0000\\u001a\u{7f} é\""
    );
    assert_eq!(
        render_json_row(&s),
        "'it\\'s \\\\ \"q\"\\n\\t\\x00\\x1a\u{7f} é'"
    );
    let a = JsonValue::Array(vec![s]);
    assert_eq!(
        render_json_row(&a),
        "'[\"it\\'s \\\\\\\\ \\\\\"q\\\\\"\\\\n\\\\t\\\\u0000\\\\u001a\u{7f} é\"]'"
    );
    let blob = JsonValue::Opaque {
        field_type: 15,
        data: &[0x41; 58],
    };
    assert!(render_json_row(&blob).ends_with("QUFB\\nQQ=='"));
}

#[test]
fn diffs_from_a_real_partial_update() {
    // 9.7.4: JSON_SET(j, '$.a', 'x', '$.b[1]', <object>, '$.q', 3, '$.b[9]', 5)
    let bytes = hex(concat!(
        "0003242e61030c01780006242e625b315d1900010018000b0001000c0c006b0b69742773205c202271220a",
        "0103242e71030503000106242e625b395d03050500"
    ));
    let diffs = parse_json_diffs(&bytes).unwrap();
    assert_eq!(diffs.len(), 4);
    assert_eq!(
        render_json_diffs(&diffs, "@2"),
        concat!(
            "JSON_ARRAY_INSERT(\n###      JSON_INSERT(\n###      JSON_REPLACE(@2, '$.a', 'x',\n",
            "###      '$.b[1]', CAST('{\"k\": \"it\\'s \\\\\\\\ \\\\\"q\\\\\"\\\\n\"}' AS JSON)),\n",
            "###      '$.q', 3),\n###      '$.b[9]', 5)"
        )
    );
    let bytes = hex("0204242e6e310204242e6e320206242e625b335d");
    let removes = parse_json_diffs(&bytes).unwrap();
    assert_eq!(
        render_json_diffs(&removes, "@2"),
        "JSON_REMOVE(@2, '$.n1',\n###      '$.n2',\n###      '$.b[3]')"
    );
    assert_eq!(render_json_diffs(&[], "@13"), "@13");
    assert!(parse_json_diffs(&hex("03")).is_err());
    assert!(parse_json_diffs(&hex("0003242e61")).is_err());
}

/// Values the format can hold: finite doubles, keys and strings of any bytes
/// (leaked: the tree borrows them, and a test run makes only a few hundred).
fn arb_value() -> impl Strategy<Value = JsonValue<'static>> {
    fn leak(v: Vec<u8>) -> &'static [u8] {
        Box::leak(v.into_boxed_slice())
    }
    let bytes = || proptest::collection::vec(any::<u8>(), 0..40);
    let leaf = prop_oneof![
        Just(JsonValue::Null),
        any::<bool>().prop_map(JsonValue::Bool),
        any::<i64>().prop_map(JsonValue::Int),
        any::<u64>().prop_map(JsonValue::UInt),
        any::<f64>()
            .prop_filter("finite", |d| d.is_finite())
            .prop_map(JsonValue::Double),
        bytes().prop_map(|b| JsonValue::String(leak(b))),
        (any::<u8>(), proptest::collection::vec(any::<u8>(), 0..300)).prop_map(|(t, mut d)| {
            // Keep the payloads `parse_json` checks well formed.
            let field_type = if t == MYSQL_TYPE_DECIMAL_NEW { 252 } else { t };
            if [
                MYSQL_TYPE_DATE,
                MYSQL_TYPE_TIME,
                MYSQL_TYPE_DATETIME,
                MYSQL_TYPE_TIMESTAMP,
            ]
            .contains(&t)
            {
                d.resize(8, 0);
            }
            JsonValue::Opaque {
                field_type,
                data: leak(d),
            }
        }),
    ];
    leaf.prop_recursive(6, 96, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(JsonValue::Array),
            proptest::collection::vec((bytes().prop_map(leak), inner), 0..8)
                .prop_map(JsonValue::Object),
        ]
    })
}

proptest! {
    #[test]
    fn encode_parse_round_trip(v in arb_value()) {
        let (small, large) = (encode_json(&v).unwrap(), encode_json_large(&v).unwrap());
        prop_assert_eq!(parse_json(&small).unwrap(), v.clone());
        prop_assert_eq!(parse_json(&large).unwrap(), v.clone());
        let _ = render_json_row(&v);
        let diffs = [JsonDiff { operation: JsonDiffOperation::Insert, path: b"$[0]", value: Some(v) }];
        let _ = render_json_diffs(&diffs, "@1");
    }

    #[test]
    fn doubles_render_to_the_same_value(d in any::<f64>().prop_filter("finite", |d| d.is_finite())) {
        let mut s = String::new();
        format_double(d, &mut s);
        prop_assert_eq!(s.parse::<f64>().unwrap().to_bits(), d.to_bits());
    }

    #[test]
    fn varlen_round_trip(n in 0usize..=u32::MAX as usize) {
        let mut b = Vec::new();
        write_varlen(n, &mut b);
        prop_assert_eq!(super::binary::read_varlen(&b, "t").unwrap(), (n, b.len()));
    }

    #[test]
    fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(v) = parse_json(&bytes) {
            let _ = render_json_row(&v);
        }
        if let Ok(d) = parse_json_diffs(&bytes) {
            let _ = render_json_diffs(&d, "@1");
        }
    }

    #[test]
    fn parse_never_panics_on_mutated_documents(v in arb_value(), flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4)) {
        let mut doc = encode_json(&v).unwrap();
        for (at, b) in flips {
            let n = doc.len();
            doc[at % n] = b;
        }
        if let Ok(v) = parse_json(&doc) {
            let _ = render_json(&v);
        }
    }
}
