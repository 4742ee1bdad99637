//! Scans on more than one core give what one would: an aggregate over a
//! table split into key ranges (signed keys across zero, unsigned keys
//! across 2^63), and rows in key order from a scan decoded by several
//! threads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use understudy_query::{Engine, Protocol, StoreReader};
use understudy_sql::ddl::{Ddl, parse_ddl};
use understudy_store::keys::{KeyPart, row_key};
use understudy_store::{Cell, Durability, Position, Store, encode_row};

const SIGNED: std::ops::RangeInclusive<i64> = -60_000..=60_000;
const UNSIGNED_FROM: u64 = (1 << 63) - 50_000;
const UNSIGNED_ROWS: u64 = 100_000;

fn table(store: &Store, ddl: &str, rows: impl Iterator<Item = (KeyPart<'static>, Vec<Cell>)>) {
    let Some(Ddl::CreateTable { table, schema, .. }) = parse_ddl(ddl, "d").unwrap().pop() else {
        panic!("{ddl}");
    };
    let mut txn = store.txn();
    let entry = store
        .define_table(&mut txn, "d", &table.name, schema, None)
        .unwrap();
    for (n, (key, cells)) in rows.enumerate() {
        store
            .put_row(
                &mut txn,
                row_key(entry.id, &[key]),
                encode_row(entry.version, &cells),
            )
            .unwrap();
        if n % 20_000 == 0 {
            store
                .commit(std::mem::take(&mut txn), &Position::default())
                .unwrap();
        }
    }
    store.commit(txn, &Position::default()).unwrap();
}

fn engine(dir: &std::path::Path) -> Engine {
    let store = Store::open(&dir.join("store"), Durability::None).unwrap();
    let mut txn = store.txn();
    store.create_database(&mut txn, "d", None, None).unwrap();
    store.commit(txn, &Position::default()).unwrap();
    table(
        &store,
        "CREATE TABLE s (id BIGINT PRIMARY KEY, k INT, c VARCHAR(20))",
        SIGNED.map(|id| {
            (
                KeyPart::Int(id),
                vec![
                    Cell::Int(id),
                    Cell::Int(id % 13),
                    Cell::Bytes(format!("r{id}").into_bytes()),
                ],
            )
        }),
    );
    table(
        &store,
        "CREATE TABLE u (id BIGINT UNSIGNED PRIMARY KEY, v INT)",
        (UNSIGNED_FROM..UNSIGNED_FROM + UNSIGNED_ROWS)
            .map(|id| (KeyPart::UInt(id), vec![Cell::UInt(id), Cell::Int(1)])),
    );
    store.flush().unwrap();
    drop(store);
    Engine::new(Arc::new(StoreReader::new(dir, &dir.join("reader"))))
}

fn query(rt: &tokio::runtime::Runtime, e: &Engine, sql: &str) -> Vec<String> {
    let rows = rt.block_on(e.query(sql, None, Protocol::Text)).unwrap();
    rows.rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    c.as_deref()
                        .map_or("NULL".into(), |v| String::from_utf8_lossy(v).into_owned())
                })
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect()
}

#[test]
fn split_aggregates_and_ordered_scans_give_what_one_thread_would() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    // The aggregates are planned over two parts, the plain scan over one.
    let plan = query(&rt, &e, "EXPLAIN SELECT COUNT(*), SUM(k) FROM d.s").join("\n");
    assert!(plan.contains("partition_sizes=2"), "{plan}");
    let plan = query(&rt, &e, "EXPLAIN SELECT id FROM d.s").join("\n");
    assert!(plan.contains("partition_sizes=1"), "{plan}");

    let len: i64 = SIGNED.map(|id| format!("r{id}").len() as i64).sum();
    let sum: i64 = SIGNED.map(|id| id % 13).sum();
    assert_eq!(
        query(
            &rt,
            &e,
            "SELECT COUNT(*), SUM(k), MIN(id), MAX(id), SUM(LENGTH(c)) FROM d.s"
        ),
        [format!("120001\t{sum}\t-60000\t60000\t{len}")]
    );
    let mut groups = std::collections::BTreeMap::<i64, u64>::new();
    for id in SIGNED {
        *groups.entry(id % 13).or_default() += 1;
    }
    let want: Vec<String> = groups.iter().map(|(k, n)| format!("{k}\t{n}")).collect();
    assert_eq!(
        query(&rt, &e, "SELECT k, COUNT(*) FROM d.s GROUP BY k ORDER BY k"),
        want
    );
    assert_eq!(
        query(
            &rt,
            &e,
            "SELECT COUNT(*) FROM d.s WHERE id >= -30000 AND id < 30000"
        ),
        ["60000"]
    );
    assert_eq!(
        query(
            &rt,
            &e,
            "SELECT COUNT(*), MIN(id), MAX(id), SUM(v) FROM d.u"
        ),
        [format!(
            "{UNSIGNED_ROWS}\t{UNSIGNED_FROM}\t{}\t{UNSIGNED_ROWS}",
            UNSIGNED_FROM + UNSIGNED_ROWS - 1
        )]
    );
    // Without ORDER BY, rows come in key order, as from MySQL.
    let ids = query(&rt, &e, "SELECT id FROM d.s");
    let want: Vec<String> = SIGNED.map(|id| id.to_string()).collect();
    assert!(ids == want, "{} rows, not in key order", ids.len());
}
