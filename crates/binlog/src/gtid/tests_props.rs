//! Property tests of MySQL GTID sets: text and binary round trips, no panic
//! on any input, and the set algebra checked against a naive model (a
//! `BTreeSet` of single GTIDs over a few UUIDs, tags and small numbers).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;

const UUIDS: [Uuid; 3] = [Uuid([0x11; 16]), Uuid([0xaa; 16]), Uuid([0; 16])];
const TAGS: [&str; 3] = ["", "a", "b_2"];
const GNO_MAX: u64 = 40;

fn tag_at(i: usize) -> Tag {
    if TAGS[i].is_empty() {
        Tag::UNTAGGED
    } else {
        Tag::new(TAGS[i]).unwrap()
    }
}

/// One GTID of the model: (uuid index, tag index, gno).
type Point = (usize, usize, u64);
type Model = BTreeSet<Point>;

/// A small set and its model, built from intervals over `1..=GNO_MAX`.
fn arb_small() -> impl Strategy<Value = (GtidSet, Model)> {
    proptest::collection::vec((0..UUIDS.len(), 0..TAGS.len(), 1..=GNO_MAX, 0u64..6), 0..10)
        .prop_map(|ivs| {
            let mut set = GtidSet::new();
            let mut model = Model::new();
            for (u, t, start, len) in ivs {
                let end = (start + len).min(GNO_MAX);
                set.add_interval(UUIDS[u], tag_at(t), start, end).unwrap();
                model.extend((start..=end).map(|g| (u, t, g)));
            }
            (set, model)
        })
}

fn model_of(set: &GtidSet) -> Model {
    set.gtids()
        .map(|(u, t, g)| {
            let ui = UUIDS.iter().position(|x| *x == u).unwrap();
            let ti = TAGS.iter().position(|x| *x == t.as_str()).unwrap();
            (ui, ti, g)
        })
        .collect()
}

/// Any set: random UUIDs and tags, numbers anywhere in `1..=MAX_GNO`.
fn arb_any() -> impl Strategy<Value = GtidSet> {
    let tag = prop_oneof![
        Just(Tag::UNTAGGED),
        "[a-zA-Z_][a-zA-Z0-9_]{0,31}".prop_map(|s| Tag::new(&s).unwrap())
    ];
    let gno = prop_oneof![1u64..100, 1..=MAX_GNO, Just(MAX_GNO)];
    proptest::collection::vec((any::<[u8; 16]>(), tag, gno, 0u64..1000), 0..8).prop_map(|v| {
        let mut set = GtidSet::new();
        for (u, t, start, len) in v {
            set.add_interval(Uuid(u), t, start, start.saturating_add(len).min(MAX_GNO))
                .unwrap();
        }
        set
    })
}

fn arb_untagged() -> impl Strategy<Value = GtidSet> {
    arb_any().prop_map(|s| {
        let mut out = GtidSet::new();
        for (u, t, list) in s.iter().filter(|(_, t, _)| t.is_untagged()) {
            for iv in list {
                out.add_interval(u, t, iv.start, iv.end).unwrap();
            }
        }
        out
    })
}

proptest! {
    #[test]
    fn model_union((a, ma) in arb_small(), (b, mb) in arb_small()) {
        let want: Model = ma.union(&mb).copied().collect();
        prop_assert_eq!(model_of(&a.union(&b)), want.clone());
        let mut c = a.clone();
        c.union_with(&b);
        prop_assert_eq!(model_of(&c), want);
        prop_assert_eq!(a.union(&b), b.union(&a));
    }

    #[test]
    fn model_subtract((a, ma) in arb_small(), (b, mb) in arb_small()) {
        let want: Model = ma.difference(&mb).copied().collect();
        prop_assert_eq!(model_of(&a.subtract(&b)), want.clone());
        let mut c = a.clone();
        c.subtract_with(&b);
        prop_assert_eq!(model_of(&c), want);
    }

    #[test]
    fn model_intersection((a, ma) in arb_small(), (b, mb) in arb_small()) {
        let want: Model = ma.intersection(&mb).copied().collect();
        prop_assert_eq!(model_of(&a.intersection(&b)), want);
        prop_assert_eq!(a.intersection(&b), b.intersection(&a));
    }

    #[test]
    fn model_subset_contains_count((a, ma) in arb_small(), (b, mb) in arb_small(), p in (0..3usize, 0..3usize, 0..=GNO_MAX + 1)) {
        prop_assert_eq!(a.is_subset(&b), ma.is_subset(&mb));
        prop_assert!(a.is_subset(&a.union(&b)));
        prop_assert!(a.intersection(&b).is_subset(&b));
        prop_assert_eq!(a.contains(UUIDS[p.0], tag_at(p.1), p.2), ma.contains(&p));
        prop_assert_eq!(a.count(), ma.len() as u64);
        prop_assert_eq!(a.is_empty(), ma.is_empty());
        // Canonical form: equal models, equal sets.
        prop_assert_eq!(a == b, ma == mb);
    }

    #[test]
    fn text_round_trip(s in arb_any()) {
        let text = s.to_string();
        prop_assert_eq!(text.parse::<GtidSet>().unwrap(), s.clone());
        prop_assert_eq!(s.to_string_with_separator(",").parse::<GtidSet>().unwrap(), s.clone());
        prop_assert_eq!(text.to_uppercase().parse::<GtidSet>().unwrap(), s);
    }

    #[test]
    fn small_text_round_trip((s, _) in arb_small()) {
        prop_assert_eq!(s.to_string().parse::<GtidSet>().unwrap(), s);
    }

    #[test]
    fn binary_round_trip_tagged(s in arb_any()) {
        let (back, format) = GtidSet::decode_binary_with_format(&s.encode_binary()).unwrap();
        prop_assert_eq!(&back, &s);
        prop_assert_eq!(format == GtidSetFormat::Tagged, s.has_tags());
        let tagged = s.encode_binary_as(GtidSetFormat::Tagged);
        prop_assert_eq!(GtidSet::decode_binary_with_format(&tagged).unwrap(), (s, GtidSetFormat::Tagged));
    }

    #[test]
    fn binary_round_trip_untagged(s in arb_untagged()) {
        let bytes = s.encode_binary();
        prop_assert_eq!(GtidSet::decode_binary_with_format(&bytes).unwrap(), (s, GtidSetFormat::Untagged));
    }

    #[test]
    fn decode_never_panics(b in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = GtidSet::decode_binary(&b);
    }

    /// Damaged real encodings reach deeper than random bytes.
    #[test]
    fn decode_damaged_never_panics(s in arb_any(), edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4), cut in any::<prop::sample::Index>()) {
        let mut b = s.encode_binary_as(GtidSetFormat::Tagged);
        for (at, v) in edits {
            let i = at.index(b.len());
            b[i] = v;
        }
        let keep = cut.index(b.len() + 1);
        if let Ok(back) = GtidSet::decode_binary(&b[..keep]) {
            // Whatever decodes must encode and decode to itself.
            prop_assert_eq!(GtidSet::decode_binary(&back.encode_binary()).unwrap(), back);
        }
    }

    #[test]
    fn parse_never_panics(s in "[0-9a-fA-F:,{}_ \\n-]{0,80}|\\PC{0,60}") {
        if let Ok(set) = s.parse::<GtidSet>() {
            prop_assert_eq!(set.to_string().parse::<GtidSet>().unwrap(), set);
        }
    }

    #[test]
    fn parse_mangled_never_panics(s in arb_any(), at in any::<prop::sample::Index>(), c in "[\\PC]") {
        let mut text = s.to_string();
        let mut i = at.index(text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        text.insert_str(i, &c);
        let _ = text.parse::<GtidSet>();
    }
}
