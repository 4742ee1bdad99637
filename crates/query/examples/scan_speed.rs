//! How fast the engine scans and aggregates a sysbench-like table: builds
//! a store of N rows (`sbtest1`: id, k, CHAR(120) c, CHAR(60) pad) in a
//! scratch directory, then times `make bench`'s aggregate through
//! [`Engine::query`]. A tool for working on the scan; `make bench` is
//! where the real comparison with MySQL is.
//!
//! `[SCAN_SPEED_DIR=DIR] cargo run --release -p understudy-query --example scan_speed -- [ROWS]`

use std::sync::Arc;
use std::time::Instant;

use understudy_query::{Engine, Protocol, StoreReader};
use understudy_sql::ddl::{Ddl, parse_ddl};
use understudy_store::keys::{KeyPart, row_key};
use understudy_store::{Cell, Durability, Position, Store, encode_row};

const AGG: &str =
    "SELECT k % 100, COUNT(*), SUM(LENGTH(c)) FROM sbtest.sbtest1 GROUP BY k % 100 ORDER BY 1";

fn main() {
    let rows: u64 = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("ROWS"))
        .unwrap_or(2_000_000);
    // SCAN_SPEED_DIR keeps the store from one run to the next.
    let scratch = tempfile::tempdir().expect("scratch directory");
    let dir = std::env::var_os("SCAN_SPEED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| scratch.path().to_owned());
    if !dir.join("store").join("CURRENT").exists() {
        let t = Instant::now();
        build(&dir.join("store"), rows);
        eprintln!("{rows} rows stored in {:.1} s", t.elapsed().as_secs_f64());
    }
    let reader = Arc::new(StoreReader::new(&dir, &dir.join("reader")));
    let engine = Engine::new(reader);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for _ in 0..3 {
        let t = Instant::now();
        let out = rt
            .block_on(engine.query(AGG, None, Protocol::Text))
            .expect("query");
        eprintln!(
            "aggregate: {:.3} s ({} groups)",
            t.elapsed().as_secs_f64(),
            out.rows.len()
        );
    }
}

fn build(path: &std::path::Path, rows: u64) {
    let store = Store::open(path, Durability::None).expect("store");
    let ddl = "CREATE TABLE sbtest1 (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL DEFAULT 0, \
               c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', KEY k_1 (k))";
    let Some(Ddl::CreateTable { schema, .. }) = parse_ddl(ddl, "sbtest").expect("ddl").pop() else {
        panic!("not a CREATE TABLE");
    };
    let mut txn = store.txn();
    store
        .create_database(&mut txn, "sbtest", None, None)
        .expect("database");
    let entry = store
        .define_table(&mut txn, "sbtest", "sbtest1", schema, None)
        .expect("table");
    store.commit(txn, &Position::default()).expect("commit");
    // A small xorshift: the same rows every run.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let digits = |n: u64, w: usize| format!("{:0w$}", n % 10u64.pow(w as u32));
    let mut txn = store.txn();
    for id in 1..=rows {
        let c: Vec<String> = (0..10).map(|_| digits(next(), 11)).collect();
        let cells = [
            Cell::Int(id as i64),
            Cell::Int((next() % rows) as i64),
            Cell::Bytes(c.join("-").into_bytes()),
            Cell::Bytes(format!("{:x>60}", digits(next(), 11)).into_bytes()),
        ];
        let key = row_key(entry.id, &[KeyPart::Int(id as i64)]);
        store
            .put_row(&mut txn, key, encode_row(entry.version, &cells))
            .expect("row");
        if id % 100_000 == 0 {
            store
                .commit(std::mem::take(&mut txn), &Position::default())
                .expect("commit");
        }
    }
    store.commit(txn, &Position::default()).expect("commit");
    store.flush().expect("flush");
}
