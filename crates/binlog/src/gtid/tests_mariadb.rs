//! Tests of MariaDB GTIDs and positions against MariaDB 10.11 behaviour
//! (`SET GLOBAL gtid_slave_pos = ...; SELECT @@GLOBAL.gtid_slave_pos`,
//! `@@gtid_binlog_pos`, `@@gtid_binlog_state`, a GTID_LIST event it wrote),
//! and model-based property tests of the position algebra.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;

fn g(d: u32, s: u32, n: u64) -> MariaGtid {
    MariaGtid::new(d, s, n)
}

fn pos(s: &str) -> MariaGtidList {
    s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

#[test]
fn gtid_text() {
    assert_eq!(g(0, 1, 42).to_string(), "0-1-42");
    assert_eq!(
        "4294967295-4294967295-18446744073709551615"
            .parse::<MariaGtid>()
            .unwrap(),
        g(u32::MAX, u32::MAX, u64::MAX)
    );
    for bad in [
        "",
        "1-1",
        "1-1-1,",
        "1-1-1 ",
        "-1-1-1",
        "1-1-x",
        "1-4294967296-1",
    ] {
        assert!(bad.parse::<MariaGtid>().is_err(), "{bad:?}");
    }
}

#[test]
fn parses_and_prints_like_mariadb() {
    // (SET GLOBAL gtid_slave_pos = input, then SELECT it) on MariaDB 10.11.
    for (input, want) in [
        ("", ""),
        ("1-1-1, 2-1-1", "1-1-1,2-1-1"),
        ("1-1-1,  2-1-1", "1-1-1,2-1-1"),
        ("1-1-1,\t2-1-1", "1-1-1,2-1-1"),
        ("1-1-1,\n2-1-1", "1-1-1,2-1-1"),
        (" 1-1-1", "1-1-1"),
        ("1-1- 1", "1-1-1"),
        ("1- 1-1", "1-1-1"),
        ("1-1-+1", "1-1-1"),
        ("+1-1-1", "1-1-1"),
        ("01-1-1", "1-1-1"),
        ("1-1-0", "1-1-0"),
        ("1-1-18446744073709551615", "1-1-18446744073709551615"),
        ("2-1-5,1-1-1", "1-1-1,2-1-5"),
        // @@gtid_binlog_pos after writing in domains 0, 1, 2, 3, 5, 10, 100, 2^32-1.
        (
            "0-2-3,1-3-1,2-1-1,3-9-1,5-1-1,10-3-1,100-1-1,4294967295-1-1",
            "0-2-3,1-3-1,2-1-1,3-9-1,5-1-1,10-3-1,100-1-1,4294967295-1-1",
        ),
        (
            "100-1-1,10-3-1,4294967295-1-1,0-2-3",
            "0-2-3,10-3-1,100-1-1,4294967295-1-1",
        ),
    ] {
        assert_eq!(pos(input).to_string(), want, "{input:?}");
    }
}

#[test]
fn rejects_like_mariadb() {
    // Each gave "ERROR 1941: Could not parse GTID list" on MariaDB 10.11.
    for bad in [
        " ",
        "1-1-1 ",
        " 1-1-1 ,2-1-1 ",
        "1-1-1 ,2-1-1",
        "1-1-1,",
        ",1-1-1",
        "1-1",
        "1-1-18446744073709551616",
        "4294967296-1-1",
        "1-4294967296-1",
        "1--1-1",
        "-1-1-1",
        "1-1--1",
        "a-1-1",
        "1-1-1x",
        "1 - 1 - 1",
        "1-1-1,,2-2-2",
        "0x1-1-1",
    ] {
        assert!(bad.parse::<MariaGtidList>().is_err(), "{bad:?}");
        assert!(bad.parse::<MariaGtidEntries>().is_err(), "{bad:?}");
    }
    // "ERROR 1943: GTID 1-2-2 and 1-1-1 conflict (duplicate domain id 1)".
    assert_eq!(
        "1-1-1,1-2-2".parse::<MariaGtidList>(),
        Err(GtidParseError::DuplicateDomain { domain: 1 })
    );
}

#[test]
fn gtid_list_event_entries() {
    // The GTID_LIST event MariaDB 10.11 wrote at the start of a binlog, in
    // stored order; @@gtid_binlog_pos was the position below.
    let raw = vec![
        g(5, 1, 1),
        g(0, 5, 2),
        g(0, 1, 1),
        g(0, 2, 3),
        g(2, 1, 1),
        g(u32::MAX, 1, 1),
        g(1, 3, 1),
        g(100, 1, 1),
        g(3, 9, 1),
        g(10, 3, 1),
    ];
    let e = MariaGtidEntries::from_entries(raw.clone());
    assert_eq!(e.entries(), raw.as_slice());
    assert_eq!(e.len(), 10);
    assert_eq!(
        e.to_string(),
        "5-1-1,0-5-2,0-1-1,0-2-3,2-1-1,4294967295-1-1,1-3-1,100-1-1,3-9-1,10-3-1"
    );
    assert_eq!(e.to_string().parse::<MariaGtidEntries>().unwrap(), e);
    assert_eq!(
        e.position().to_string(),
        "0-2-3,1-3-1,2-1-1,3-9-1,5-1-1,10-3-1,100-1-1,4294967295-1-1"
    );
    // @@gtid_binlog_state text (several per domain) parses as entries.
    let state = "0-5-2,0-1-1,0-2-3,1-3-1,2-1-1,3-9-1,5-1-1,10-3-1,100-1-1,4294967295-1-1";
    assert_eq!(
        state.parse::<MariaGtidEntries>().unwrap().to_string(),
        state
    );
    // Highest seq_no wins; on a tie, the later entry.
    let p = MariaGtidList::from_entries([g(1, 1, 7), g(1, 2, 9), g(1, 3, 9), g(1, 4, 8)]);
    assert_eq!(p.get(1), Some(g(1, 3, 9)));
}

#[test]
fn position_algebra() {
    let a = pos("0-1-10,1-1-5,2-1-7");
    let b = pos("0-2-12,1-1-3,3-1-1");
    assert!(a.contains(&g(0, 9, 10)) && !a.contains(&g(0, 1, 11)) && !a.contains(&g(3, 1, 1)));
    assert_eq!(a.union(&b).to_string(), "0-2-12,1-1-5,2-1-7,3-1-1");
    assert_eq!(a.subtract(&b).to_string(), "1-1-5,2-1-7");
    assert!(!a.is_subset(&b));
    assert!(pos("0-1-3,1-2-5").is_subset(&a));
    assert!(MariaGtidList::new().is_subset(&MariaGtidList::new()));
    let mut c = a.clone();
    c.update(g(0, 3, 2));
    assert_eq!(c.to_string(), "0-3-2,1-1-5,2-1-7");
    assert_eq!(c.remove(2), Some(g(2, 1, 7)));
    assert_eq!(c.len(), 2);
}

/// Model: domain -> (server, seq).
type Model = BTreeMap<u32, (u32, u64)>;

fn arb_pos() -> impl Strategy<Value = MariaGtidList> {
    proptest::collection::vec((0u32..4, 1u32..4, 0u64..6), 0..6).prop_map(|v| {
        let mut p = MariaGtidList::new();
        v.into_iter().for_each(|(d, s, n)| p.update(g(d, s, n)));
        p
    })
}

fn model(p: &MariaGtidList) -> Model {
    p.iter()
        .map(|x| (x.domain_id, (x.server_id, x.seq_no)))
        .collect()
}

fn covers(m: &Model, x: &MariaGtid) -> bool {
    m.get(&x.domain_id).is_some_and(|&(_, n)| n >= x.seq_no)
}

proptest! {
    #[test]
    fn text_round_trip(p in arb_pos()) {
        prop_assert_eq!(p.to_string().parse::<MariaGtidList>().unwrap(), p);
    }

    #[test]
    fn entries_round_trip(v in proptest::collection::vec(any::<(u32, u32, u64)>(), 0..8)) {
        let e = MariaGtidEntries::from_entries(v.into_iter().map(|(d, s, n)| g(d, s, n)).collect());
        prop_assert_eq!(e.to_string().parse::<MariaGtidEntries>().unwrap(), e);
    }

    #[test]
    fn algebra_against_model(a in arb_pos(), b in arb_pos(), x in (0u32..4, 1u32..4, 0u64..7)) {
        let (ma, mb) = (model(&a), model(&b));
        let x = g(x.0, x.1, x.2);
        prop_assert_eq!(a.contains(&x), covers(&ma, &x));

        let mut mu = ma.clone();
        for (d, (s, n)) in &mb {
            if mu.get(d).is_none_or(|&(_, m)| m < *n) {
                mu.insert(*d, (*s, *n));
            }
        }
        prop_assert_eq!(model(&a.union(&b)), mu);

        let ms: Model = ma.iter().filter(|(d, (s, n))| !covers(&mb, &g(**d, *s, *n))).map(|(d, v)| (*d, *v)).collect();
        prop_assert_eq!(model(&a.subtract(&b)), ms);

        let sub = ma.iter().all(|(d, (s, n))| covers(&mb, &g(*d, *s, *n)));
        prop_assert_eq!(a.is_subset(&b), sub);
        prop_assert!(a.is_subset(&a.union(&b)) && b.is_subset(&a.union(&b)));
        prop_assert!(a.subtract(&b).is_subset(&a));
    }

    #[test]
    fn parse_never_panics(s in "[0-9+, \\t-]{0,24}|\\PC{0,24}") {
        let _ = s.parse::<MariaGtidList>();
        let _ = s.parse::<MariaGtidEntries>();
        let _ = s.parse::<MariaGtid>();
    }
}
