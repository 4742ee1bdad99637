//! One chunk copied: its rows read from the source in the copy
//! connection's snapshot, encoded straight from the text the source sent
//! into the store's keys and rows (one buffer per run, no allocation per
//! row), and ingested in key-ordered runs; then the chunk's marker.

use std::sync::atomic::Ordering;

use understudy_store::{Store, TableEntry};

use super::cells::{RowReader, quote};
use super::plan::{self, PlanTable};
use super::report::TableProgress;
use crate::client::Conn;
use crate::error::{ReplicaError, Result};

/// A run is ingested once its keys and rows pass this many bytes.
const RUN_BYTES: usize = 64 << 20;

/// What a chunk copy needs besides the connection.
#[derive(Debug)]
pub struct Job<'a> {
    pub store: &'a Store,
    pub entry: &'a TableEntry,
    pub reader: &'a RowReader,
    pub table: &'a PlanTable,
    pub progress: &'a TableProgress,
    /// The table's and the chunk's index in the plan.
    pub t: usize,
    pub c: usize,
}

fn store_err(e: understudy_store::StoreError) -> ReplicaError {
    ReplicaError::Config(e.to_string())
}

/// Keys and rows in one buffer: each entry is (offset, key length, row
/// length).
/// A copy worker keeps one across its chunks: its buffers stay
/// allocated.
#[derive(Debug, Default)]
pub struct Run {
    buf: Vec<u8>,
    idx: Vec<(usize, u32, u32)>,
}

impl Run {
    fn key(&self, e: &(usize, u32, u32)) -> &[u8] {
        &self.buf[e.0..e.0 + e.1 as usize]
    }

    /// Sorts the run (the source's order is its collation's, not always
    /// the keys' bytes) and ingests it.
    fn ingest(&mut self, job: &Job<'_>, part: usize) -> Result<()> {
        if self.idx.is_empty() {
            return Ok(());
        }
        let mut idx = std::mem::take(&mut self.idx);
        // Strictly increasing (the common case): in order, no key twice.
        if !idx.is_sorted_by(|a, b| self.key(a) < self.key(b)) {
            idx.sort_unstable_by(|a, b| self.key(a).cmp(self.key(b)));
            if idx.windows(2).any(|w| self.key(&w[0]) == self.key(&w[1])) {
                return Err(ReplicaError::Config(format!(
                    "{}.{}: two source rows with one primary key (its collation is not followed by the copy)",
                    job.table.source_db, job.table.name
                )));
            }
        }
        let name = format!(
            "clone-{}-{}-{}-{part}",
            job.entry.id,
            job.c,
            std::process::id()
        );
        let buf = &self.buf;
        let entries = idx.iter().map(|&(o, k, v)| {
            let (k, v) = (k as usize, v as usize);
            (&buf[o..o + k], &buf[o + k..o + k + v])
        });
        job.store.ingest_rows(&name, entries).map_err(store_err)?;
        idx.clear();
        self.idx = idx;
        self.buf.clear();
        Ok(())
    }
}

/// Copies a chunk; returns its rows.
pub async fn chunk(conn: &mut Conn, run: &mut Run, job: Job<'_>) -> Result<u64> {
    let t = job.table;
    let cond = match &t.range_column {
        Some(col) => job.table.chunks[job.c].condition(col),
        None => String::new(),
    };
    let sql = format!(
        "SELECT {} FROM {}.{}{cond}",
        job.reader.select,
        quote(&t.source_db),
        quote(&t.name)
    );
    let (id, version, pk) = (
        job.entry.id,
        job.entry.version,
        &job.entry.schema.primary_key,
    );
    let keyless = pk.is_empty();
    run.buf.clear();
    run.idx.clear();
    // Room for a whole run at once: no copying as it grows.
    run.buf.reserve(RUN_BYTES + (1 << 20));
    let (mut part, mut rows, mut unreported) = (0usize, 0u64, (0u64, 0u64));
    let mut json = Vec::new();
    let mut failed: Option<ReplicaError> = None;
    conn.query_each(&sql, |fields| {
        if failed.is_some() {
            return;
        }
        rows += 1;
        let at = run.buf.len();
        let r = job
            .reader
            .encode_key(fields, id, pk, rows, &mut run.buf)
            .and_then(|()| {
                let k = run.buf.len() - at;
                job.reader
                    .encode_row(fields, version, &mut run.buf, &mut json)
                    .map(|()| k)
            });
        match r {
            Ok(k) => {
                let v = run.buf.len() - at - k;
                run.idx.push((at, k as u32, v as u32));
            }
            Err(e) => {
                failed = Some(ReplicaError::Config(format!(
                    "{}.{} row {rows}: {e}",
                    t.source_db, t.name
                )));
                return;
            }
        }
        unreported.0 += 1;
        unreported.1 += fields
            .iter()
            .map(|f| f.map_or(1, |b| b.len() as u64 + 1))
            .sum::<u64>();
        if unreported.0 >= 4096 {
            job.progress.rows.fetch_add(unreported.0, Ordering::Relaxed);
            job.progress
                .bytes
                .fetch_add(unreported.1, Ordering::Relaxed);
            unreported = (0, 0);
        }
        if run.buf.len() >= RUN_BYTES {
            if let Err(e) = run.ingest(&job, part) {
                failed = Some(e);
            }
            part += 1;
        }
    })
    .await
    .map_err(|e| ReplicaError::Config(format!("copying {}.{}: {e}", t.source_db, t.name)))?;
    if let Some(e) = failed {
        return Err(e);
    }
    run.ingest(&job, part)?;
    job.progress.rows.fetch_add(unreported.0, Ordering::Relaxed);
    job.progress
        .bytes
        .fetch_add(unreported.1, Ordering::Relaxed);
    let mut txn = job.store.txn();
    plan::mark_done(job.store, &mut txn, job.t, job.c)?;
    if keyless {
        job.store
            .set_next_row_id(&mut txn, id, rows + 1)
            .map_err(store_err)?;
    }
    job.store.write(txn).map_err(store_err)?;
    job.progress.chunks_done.fetch_add(1, Ordering::Relaxed);
    Ok(rows)
}
