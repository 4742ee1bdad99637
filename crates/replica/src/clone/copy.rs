//! One chunk copied: its rows read from the source in the copy
//! connection's snapshot, turned into the store's rows, and ingested in
//! key-ordered runs; then the chunk's marker.

use std::sync::atomic::Ordering;

use understudy_store::{Store, TableEntry, encode_row};

use super::cells::{RowReader, quote};
use super::plan::{self, PlanTable};
use super::report::TableProgress;
use crate::applier::apply::row_key;
use crate::client::Conn;
use crate::error::{ReplicaError, Result};

/// A run is ingested once its rows pass this many bytes.
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

/// Sorts a run (the source's order is the collation's, not always the
/// keys' bytes) and ingests it.
fn ingest(job: &Job<'_>, run: &mut Vec<(Vec<u8>, Vec<u8>)>, part: usize) -> Result<()> {
    if run.is_empty() {
        return Ok(());
    }
    if !run.is_sorted_by(|a, b| a.0 < b.0) {
        run.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    }
    if run.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(ReplicaError::Config(format!(
            "{}.{}: two source rows with one primary key (its collation is not followed by the copy)",
            job.table.source_db, job.table.name
        )));
    }
    let name = format!(
        "clone-{}-{}-{}-{part}",
        job.entry.id,
        job.c,
        std::process::id()
    );
    job.store.ingest_rows(&name, run).map_err(store_err)?;
    run.clear();
    Ok(())
}

/// Copies a chunk; returns its rows.
pub async fn chunk(conn: &mut Conn, job: Job<'_>) -> Result<u64> {
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
    let keyless = job.entry.schema.primary_key.is_empty();
    let mut run: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    let (mut run_bytes, mut part, mut rows, mut unreported) = (0usize, 0usize, 0u64, (0u64, 0u64));
    let mut cells = Vec::with_capacity(job.entry.schema.columns.len());
    let mut failed: Option<ReplicaError> = None;
    conn.query_each(&sql, |fields| {
        if failed.is_some() {
            return;
        }
        if let Err(e) = job.reader.cells(fields, &mut cells) {
            failed = Some(ReplicaError::Config(format!(
                "{}.{} row {}: {e}",
                t.source_db,
                t.name,
                rows + 1
            )));
            return;
        }
        rows += 1;
        let key = row_key(job.entry, &cells, keyless.then_some(rows));
        let value = encode_row(job.entry.version, &cells);
        run_bytes += key.len() + value.len() + 48;
        unreported.0 += 1;
        unreported.1 += fields
            .iter()
            .map(|f| f.map_or(1, |b| b.len() as u64 + 1))
            .sum::<u64>();
        run.push((key, value));
        if unreported.0 >= 4096 {
            job.progress.rows.fetch_add(unreported.0, Ordering::Relaxed);
            job.progress
                .bytes
                .fetch_add(unreported.1, Ordering::Relaxed);
            unreported = (0, 0);
        }
        if run_bytes >= RUN_BYTES {
            if let Err(e) = ingest(&job, &mut run, part) {
                failed = Some(e);
            }
            part += 1;
            run_bytes = 0;
        }
    })
    .await
    .map_err(|e| ReplicaError::Config(format!("copying {}.{}: {e}", t.source_db, t.name)))?;
    if let Some(e) = failed {
        return Err(e);
    }
    ingest(&job, &mut run, part)?;
    job.progress.rows.fetch_add(unreported.0, Ordering::Relaxed);
    job.progress
        .bytes
        .fetch_add(unreported.1, Ordering::Relaxed);
    let mut txn = job.store.txn();
    plan::mark_done(job.store, &mut txn, job.t, job.c)?;
    if keyless {
        job.store
            .set_next_row_id(&mut txn, job.entry.id, rows + 1)
            .map_err(store_err)?;
    }
    job.store.write(txn).map_err(store_err)?;
    job.progress.chunks_done.fetch_add(1, Ordering::Relaxed);
    Ok(rows)
}
