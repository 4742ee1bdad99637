//! A replicated table as DataFusion sees it: its columns as Arrow fields
//! and a scan of its rows in primary-key order. Filters on an integer
//! primary key are used to read only the keys asked for (every key
//! column equal to a constant: point reads) or only a key range (bounds
//! on the first key column); DataFusion still applies them to what comes
//! back.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::{Schema, SchemaRef};
use datafusion::catalog::Session;
use datafusion::common::{DataFusionError, Result, ScalarValue};
use datafusion::datasource::{TableProvider, TableType};
use datafusion::execution::TaskContext;
use datafusion::logical_expr::{Expr, Operator, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::SendableRecordBatchStream;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::streaming::{PartitionStream, StreamingTableExec};
use understudy_store::keys::{KeyPart, encode_part, table_prefix};
use understudy_store::{Cell, TableEntry, encode_key_cell};

use crate::batch::BatchBuilder;
use crate::columns::field;
use crate::order_free::ScanHints;
use crate::reader::View;

/// Rows per Arrow batch.
pub(crate) const BATCH_ROWS: usize = 8192;

#[derive(Debug)]
pub struct StoreTable {
    view: View,
    entry: Arc<TableEntry>,
    schema: SchemaRef,
    hints: Option<Arc<ScanHints>>,
}

impl StoreTable {
    pub fn new(view: View, entry: TableEntry) -> StoreTable {
        let s = &entry.schema;
        let fields: Vec<_> = s
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.invisible)
            .map(|(i, c)| field(&entry.db, &entry.name, c, s.primary_key.contains(&i)))
            .collect();
        StoreTable {
            view,
            schema: Arc::new(Schema::new(fields)),
            entry: Arc::new(entry),
            hints: None,
        }
    }

    /// What the statement's plan says of this table's reading.
    pub fn with_hints(mut self, hints: Arc<ScanHints>) -> StoreTable {
        self.hints = Some(hints);
        self
    }

    /// A key range cut into `n` ranges of about equal key spans, for
    /// partitions of their own (an integer first key column only, and a
    /// range of some size: at least two batches a part).
    fn split(&self, scan: &Scan, n: usize) -> Result<Option<Vec<Scan>>> {
        let Scan::Range { from, to } = scan else {
            return Ok(None);
        };
        let s = &self.entry.schema;
        let Some(&k0) = s.primary_key.first() else {
            return Ok(None);
        };
        if n < 2 || !s.columns[k0].ty.is_integer() {
            return Ok(None);
        }
        let unsigned = s.columns[k0].ty.is_unsigned();
        let Some((first, last)) = self
            .view
            .store
            .first_last_row_keys(self.entry.id, from, to.as_deref())
            .map_err(store_err)?
        else {
            return Ok(None);
        };
        let value = |k: &[u8]| -> Option<i128> {
            let u = u64::from_be_bytes(k.get(4..12)?.try_into().ok()?);
            Some(if unsigned {
                i128::from(u)
            } else {
                i128::from((u ^ (1 << 63)) as i64)
            })
        };
        let (Some(lo), Some(hi)) = (value(&first), value(&last)) else {
            return Ok(None);
        };
        let span = hi - lo + 1;
        if span < (n * BATCH_ROWS * 2) as i128 {
            return Ok(None);
        }
        let step = span / n as i128;
        let key = |v: i128| {
            let mut k = table_prefix(self.entry.id).to_vec();
            let p = if unsigned {
                KeyPart::UInt(v as u64)
            } else {
                KeyPart::Int(v as i64)
            };
            encode_part(&mut k, &p);
            k
        };
        let mut parts = Vec::with_capacity(n);
        let mut start = from.clone();
        for i in 1..n {
            let cut = key(lo + step * i as i128);
            parts.push(Scan::Range {
                from: std::mem::replace(&mut start, cut.clone()),
                to: Some(cut),
            });
        }
        parts.push(Scan::Range {
            from: start,
            to: to.clone(),
        });
        Ok(Some(parts))
    }

    /// The schema column behind each Arrow column (invisible columns are
    /// not shown, as `SELECT *` leaves them out).
    fn visible(&self) -> Vec<usize> {
        (0..self.entry.schema.columns.len())
            .filter(|&i| !self.entry.schema.columns[i].invisible)
            .collect()
    }

    /// The integer key column a filter `col op constant` bounds:
    /// (key position, operator with the column on the left, value).
    fn key_bound(&self, e: &Expr) -> Option<(usize, Operator, i128)> {
        let Expr::BinaryExpr(b) = e else {
            return None;
        };
        let (col, op, lit) = match (&*b.left, &*b.right) {
            (Expr::Column(c), Expr::Literal(v, _)) => (c, b.op, v),
            (Expr::Literal(v, _), Expr::Column(c)) => (c, b.op.swap()?, v),
            _ => return None,
        };
        let s = &self.entry.schema;
        let ci = s.column_index(&col.name)?;
        let pos = s.primary_key.iter().position(|&k| k == ci)?;
        if !s.columns[ci].ty.is_integer() {
            return None;
        }
        let v = match lit {
            ScalarValue::Int8(Some(v)) => i128::from(*v),
            ScalarValue::Int16(Some(v)) => i128::from(*v),
            ScalarValue::Int32(Some(v)) => i128::from(*v),
            ScalarValue::Int64(Some(v)) => i128::from(*v),
            ScalarValue::UInt8(Some(v)) => i128::from(*v),
            ScalarValue::UInt16(Some(v)) => i128::from(*v),
            ScalarValue::UInt32(Some(v)) => i128::from(*v),
            ScalarValue::UInt64(Some(v)) => i128::from(*v),
            _ => return None,
        };
        matches!(
            op,
            Operator::Eq | Operator::Lt | Operator::LtEq | Operator::Gt | Operator::GtEq
        )
        .then_some((pos, op, v))
    }

    /// What to read, from the filters.
    fn plan(&self, filters: &[Expr]) -> Scan {
        let s = &self.entry.schema;
        let n = s.primary_key.len();
        let mut eq: Vec<Option<i128>> = vec![None; n];
        let (mut lo, mut hi): (Option<i128>, Option<i128>) = (None, None);
        for f in filters {
            let Some((pos, op, v)) = self.key_bound(f) else {
                continue;
            };
            match op {
                Operator::Eq => eq[pos] = Some(v),
                Operator::Gt if pos == 0 => lo = Some(lo.map_or(v + 1, |l| l.max(v + 1))),
                Operator::GtEq if pos == 0 => lo = Some(lo.map_or(v, |l| l.max(v))),
                Operator::Lt if pos == 0 => hi = Some(hi.map_or(v - 1, |h| h.min(v - 1))),
                Operator::LtEq if pos == 0 => hi = Some(hi.map_or(v, |h| h.min(v))),
                _ => {}
            }
        }
        let unsigned = |pos: usize| s.columns[s.primary_key[pos]].ty.is_unsigned();
        let part = |pos: usize, v: i128| -> Option<Cell> {
            if unsigned(pos) {
                u64::try_from(v).ok().map(Cell::UInt)
            } else {
                i64::try_from(v).ok().map(Cell::Int)
            }
        };
        if n > 0 && eq.iter().all(Option::is_some) {
            let mut key = table_prefix(self.entry.id).to_vec();
            for (pos, v) in eq.iter().enumerate() {
                match v.and_then(|v| part(pos, v)) {
                    Some(c) => encode_key_cell(&mut key, &c),
                    // A constant out of the column's range: no row.
                    None => return Scan::Keys(vec![]),
                }
            }
            return Scan::Keys(vec![key]);
        }
        if let Some(v) = eq.first().copied().flatten() {
            (lo, hi) = (Some(v), Some(v));
        }
        let bound = |v: i128| -> Option<Vec<u8>> {
            let mut k = table_prefix(self.entry.id).to_vec();
            let p = if unsigned(0) {
                KeyPart::UInt(u64::try_from(v.clamp(0, i128::from(u64::MAX))).ok()?)
            } else {
                KeyPart::Int(
                    i64::try_from(v.clamp(i128::from(i64::MIN), i128::from(i64::MAX))).ok()?,
                )
            };
            encode_part(&mut k, &p);
            Some(k)
        };
        if n == 0 || (lo.is_none() && hi.is_none()) {
            return Scan::Range {
                from: vec![],
                to: None,
            };
        }
        if let (Some(l), Some(h)) = (lo, hi)
            && l > h
        {
            return Scan::Keys(vec![]);
        }
        let from = lo.and_then(bound).unwrap_or_default();
        // Exclusive end: the first key past `hi` in the first column.
        let to = hi.and_then(|h| {
            let max = if unsigned(0) {
                i128::from(u64::MAX)
            } else {
                i128::from(i64::MAX)
            };
            if h >= max { None } else { bound(h + 1) }
        });
        Scan::Range { from, to }
    }
}

/// The rows a scan reads.
#[derive(Debug, Clone)]
enum Scan {
    /// Point reads.
    Keys(Vec<Vec<u8>>),
    /// A key range: `from` inclusive (empty: the table's start), `to`
    /// exclusive.
    Range { from: Vec<u8>, to: Option<Vec<u8>> },
}

#[async_trait]
impl TableProvider for StoreTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> Result<Vec<TableProviderFilterPushDown>> {
        Ok(filters
            .iter()
            .map(|f| match self.key_bound(f) {
                Some(_) => TableProviderFilterPushDown::Inexact,
                None => TableProviderFilterPushDown::Unsupported,
            })
            .collect())
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let visible = self.visible();
        let wanted: Vec<usize> = match projection {
            Some(p) => p.clone(),
            None => (0..visible.len()).collect(),
        };
        let schema = Arc::new(self.schema.project(&wanted)?);
        let columns: Vec<usize> = wanted.iter().map(|&i| visible[i]).collect();
        let part = |scan: Scan, mode: Mode| -> Arc<dyn PartitionStream> {
            Arc::new(StorePartition {
                view: self.view.clone(),
                entry: self.entry.clone(),
                columns: columns.clone(),
                schema: schema.clone(),
                scan,
                limit,
                mode,
            })
        };
        let scan = self.plan(filters);
        let order_free = limit.is_none()
            && self
                .hints
                .as_ref()
                .is_some_and(|h| h.order_free(&self.entry.db, &self.entry.name));
        let split = if order_free {
            self.split(&scan, state.config().target_partitions())?
        } else {
            None
        };
        let parts = match split {
            // Rows whose order cannot show: a part per core, each read
            // and decoded by a thread of its own.
            Some(ranges) => ranges
                .into_iter()
                .map(|r| part(r, Mode::Threads(0)))
                .collect(),
            None if matches!(scan, Scan::Range { .. }) && limit.is_none() => {
                // A whole range in key order: read by one thread, decoded
                // on every core.
                let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
                vec![part(scan, Mode::Threads(cores))]
            }
            None => vec![part(scan, Mode::Cursor)],
        };
        let exec = StreamingTableExec::try_new(schema.clone(), parts, None, [], false, limit)?;
        Ok(Arc::new(exec))
    }
}

#[derive(Debug)]
struct StorePartition {
    view: View,
    entry: Arc<TableEntry>,
    /// Schema column of each output column.
    columns: Vec<usize>,
    schema: SchemaRef,
    scan: Scan,
    limit: Option<usize>,
    mode: Mode,
}

/// How a partition reads.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Batch by batch, as the stream is polled (point reads, LIMITs).
    Cursor,
    /// A thread that reads the range, with this many decoding threads
    /// (0: it decodes too).
    Threads(usize),
}

/// Where a partition's reading stands.
struct Cursor {
    part: Arc<StorePartitionData>,
    next: Option<Vec<u8>>,
    keys: std::vec::IntoIter<Vec<u8>>,
    sent: usize,
    /// After an error: nothing more.
    failed: bool,
}

#[derive(Debug)]
pub(crate) struct StorePartitionData {
    pub view: View,
    pub entry: Arc<TableEntry>,
    pub columns: Vec<usize>,
    pub schema: SchemaRef,
    pub to: Option<Vec<u8>>,
    pub limit: Option<usize>,
}

pub(crate) fn store_err(e: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::External(e.to_string().into())
}

impl Cursor {
    /// The next batch of stored rows; `None` at the end.
    fn next_batch(&mut self) -> Result<Option<datafusion::arrow::array::RecordBatch>> {
        let p = self.part.clone();
        if self.failed {
            return Ok(None);
        }
        let left = p.limit.map_or(usize::MAX, |l| l.saturating_sub(self.sent));
        if left == 0 {
            return Ok(None);
        }
        let want = left.min(BATCH_ROWS);
        let mut b = BatchBuilder::new(&p.entry.schema, &p.columns, &p.schema, want);
        if let Some(from) = self.next.take() {
            let mut last = Vec::new();
            let mut pushed = Ok(());
            let mut seen = 0;
            p.view
                .store
                .scan_rows(p.entry.id, &from, p.to.as_deref(), false, |k, v| {
                    pushed = b.push(v);
                    last.clear();
                    last.extend_from_slice(k);
                    seen += 1;
                    pushed.is_ok() && seen < want
                })
                .map_err(store_err)?;
            pushed?;
            if seen == want {
                // Resumes just past the last key.
                last.push(0);
                self.next = Some(last);
            }
            if seen == 0 && self.next.is_none() {
                return Ok(None);
            }
        } else {
            let mut any = false;
            for key in self.keys.by_ref().take(want) {
                any = true;
                if let Some(v) = p.view.store.get_row(&key).map_err(store_err)? {
                    b.push(&v)?;
                }
            }
            if !any {
                return Ok(None);
            }
        }
        let batch = b.finish()?;
        self.sent += batch.num_rows();
        Ok(Some(batch))
    }
}

impl PartitionStream for StorePartition {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    fn execute(&self, _ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        let data = Arc::new(StorePartitionData {
            view: self.view.clone(),
            entry: self.entry.clone(),
            columns: self.columns.clone(),
            schema: self.schema.clone(),
            to: match &self.scan {
                Scan::Range { to, .. } => to.clone(),
                Scan::Keys(_) => None,
            },
            limit: self.limit,
        });
        if let (Scan::Range { from, .. }, Mode::Threads(decoders)) = (&self.scan, self.mode) {
            match crate::parallel::ordered_scan(data.clone(), from.clone(), decoders) {
                Ok(s) => return s,
                Err(e) => tracing::warn!("a scan without threads of its own: {e}"),
            }
        }
        let cursor = match &self.scan {
            Scan::Range { from, .. } => Cursor {
                part: data,
                next: Some(from.clone()),
                keys: Vec::new().into_iter(),
                sent: 0,
                failed: false,
            },
            Scan::Keys(k) => Cursor {
                part: data,
                next: None,
                keys: k.clone().into_iter(),
                sent: 0,
                failed: false,
            },
        };
        let stream = futures::stream::unfold(cursor, |mut c| async move {
            match c.next_batch() {
                Ok(Some(b)) => Some((Ok(b), c)),
                Ok(None) => None,
                Err(e) => {
                    c.failed = true;
                    Some((Err(e), c))
                }
            }
        });
        Box::pin(RecordBatchStreamAdapter::new(self.schema.clone(), stream))
    }
}
