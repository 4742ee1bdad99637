//! A whole-range scan on more than one core, rows still in key order: one
//! thread reads the range from the store in chunks of raw rows, workers
//! turn the chunks into Arrow batches (the costly part: every cell
//! decoded), and the stream hands the batches on in the order the chunks
//! were read. Bounded channels keep a few chunks in flight; dropping the
//! stream (a LIMIT met, a client gone) stops the threads.

use std::sync::Arc;
use std::sync::mpsc::{SyncSender, sync_channel};

use datafusion::arrow::array::RecordBatch;
use datafusion::common::{DataFusionError, Result};
use datafusion::physical_plan::SendableRecordBatchStream;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use tokio::sync::mpsc;

use crate::batch::BatchBuilder;
use crate::provider::{BATCH_ROWS, StorePartitionData, store_err};

/// Chunks (or batches) each worker holds in its channels.
const IN_FLIGHT: usize = 2;

/// Rows as the store holds them, one after another.
#[derive(Debug, Default)]
struct RawChunk {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

enum Work {
    Rows(RawChunk),
    Failed(DataFusionError),
}

/// The rows of `data`'s table from `from` on (to its `to`), decoded by
/// `workers` threads.
pub(crate) fn ordered_scan(
    data: Arc<StorePartitionData>,
    from: Vec<u8>,
    workers: usize,
) -> Result<SendableRecordBatchStream> {
    if workers == 0 {
        return single_thread_scan(data, from);
    }
    let mut inputs = Vec::with_capacity(workers);
    let mut outputs = Vec::with_capacity(workers);
    for w in 0..workers {
        let (in_tx, in_rx) = sync_channel::<Work>(IN_FLIGHT);
        let (out_tx, out_rx) = mpsc::channel::<Result<RecordBatch>>(IN_FLIGHT);
        let d = data.clone();
        std::thread::Builder::new()
            .name(format!("scan-decode-{w}"))
            .spawn(move || {
                for work in in_rx {
                    let batch = match work {
                        Work::Rows(chunk) => decode(&d, &chunk),
                        Work::Failed(e) => Err(e),
                    };
                    if out_tx.blocking_send(batch).is_err() {
                        return;
                    }
                }
            })
            .map_err(|e| DataFusionError::External(e.into()))?;
        inputs.push(in_tx);
        outputs.push(out_rx);
    }
    let d = data.clone();
    std::thread::Builder::new()
        .name("scan-read".into())
        .spawn(move || read(&d, from, &inputs))
        .map_err(|e| DataFusionError::External(e.into()))?;
    let stream = futures::stream::unfold((outputs, 0usize), |(mut outs, seq)| async move {
        let n = outs.len();
        let next = outs[seq % n].recv().await?;
        Some((next, (outs, seq + 1)))
    });
    Ok(Box::pin(RecordBatchStreamAdapter::new(
        data.schema.clone(),
        stream,
    )))
}

/// The reading thread: chunk after chunk to the workers in turn, until
/// the range ends, a read fails, or the stream is gone.
fn read(d: &StorePartitionData, from: Vec<u8>, workers: &[SyncSender<Work>]) {
    let mut seq = 0;
    let mut chunk = RawChunk::default();
    let mut gone = false;
    let mut send = |chunk: RawChunk| {
        let ok = workers[seq % workers.len()].send(Work::Rows(chunk)).is_ok();
        seq += 1;
        ok
    };
    let r = d
        .view
        .store
        .scan_rows(d.entry.id, &from, d.to.as_deref(), true, |_, v| {
            chunk.bytes.extend_from_slice(v);
            chunk.ends.push(chunk.bytes.len());
            if chunk.ends.len() == BATCH_ROWS {
                let full = std::mem::take(&mut chunk);
                gone = !send(full);
            }
            !gone
        });
    match r {
        Err(e) => {
            let _ = workers[seq % workers.len()].send(Work::Failed(store_err(e)));
        }
        Ok(()) if !gone && !chunk.ends.is_empty() => {
            send(chunk);
        }
        Ok(()) => {}
    }
}

/// One thread that reads and decodes (a part of a table that other
/// threads read the rest of).
fn single_thread_scan(
    data: Arc<StorePartitionData>,
    from: Vec<u8>,
) -> Result<SendableRecordBatchStream> {
    let (tx, mut rx) = mpsc::channel::<Result<RecordBatch>>(IN_FLIGHT);
    let d = data.clone();
    std::thread::Builder::new()
        .name("scan".into())
        .spawn(move || {
            let new = || BatchBuilder::new(&d.entry.schema, &d.columns, &d.schema, BATCH_ROWS);
            let mut b = new();
            let mut failed = None;
            let r = d
                .view
                .store
                .scan_rows(d.entry.id, &from, d.to.as_deref(), true, |_, v| {
                    if let Err(e) = b.push(v) {
                        failed = Some(e);
                        return false;
                    }
                    if b.rows() == BATCH_ROWS {
                        let full = std::mem::replace(&mut b, new());
                        if tx.blocking_send(full.finish()).is_err() {
                            return false;
                        }
                    }
                    true
                });
            let last = match (r, failed) {
                (Err(e), _) => Err(store_err(e)),
                (Ok(()), Some(e)) => Err(e),
                (Ok(()), None) if b.rows() > 0 => b.finish(),
                (Ok(()), None) => return,
            };
            let _ = tx.blocking_send(last);
        })
        .map_err(|e| DataFusionError::External(e.into()))?;
    let stream = futures::stream::poll_fn(move |cx| rx.poll_recv(cx));
    Ok(Box::pin(RecordBatchStreamAdapter::new(
        data.schema.clone(),
        stream,
    )))
}

fn decode(d: &StorePartitionData, chunk: &RawChunk) -> Result<RecordBatch> {
    let mut b = BatchBuilder::new(&d.entry.schema, &d.columns, &d.schema, chunk.ends.len());
    let mut start = 0;
    for &end in &chunk.ends {
        b.push(&chunk.bytes[start..end])?;
        start = end;
    }
    b.finish()
}
