//! Which tables a statement reads where the order of their rows cannot
//! show in its result: under an aggregate whose functions ignore order,
//! with no LIMIT or window in between. Such a table may be scanned in
//! parallel parts; any other is read in primary-key order, the order a
//! MySQL client sees rows in when it gives no ORDER BY.

use std::collections::HashSet;
use std::sync::Mutex;

use datafusion::logical_expr::{Expr, LogicalPlan};

/// Aggregate functions whose result does not depend on the order of
/// their input rows.
const ORDER_FREE: &[&str] = &[
    "count",
    "sum",
    "min",
    "max",
    "avg",
    "mean",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "var",
    "var_pop",
    "var_samp",
    "variance",
    "bit_and",
    "bit_or",
    "bit_xor",
    "bool_and",
    "bool_or",
    "median",
    "approx_distinct",
];

/// The tables (database, name) of one statement that may be read in
/// parallel parts.
#[derive(Debug, Default)]
pub struct ScanHints {
    order_free: Mutex<HashSet<(String, String)>>,
}

impl ScanHints {
    /// Takes the statement's plan: a table read both where its order is
    /// free and where it is not keeps its order.
    /// `db`: the database of tables named without one.
    pub fn set_from(&self, plan: &LogicalPlan, db: &str) {
        let mut free = HashSet::new();
        let mut ordered = HashSet::new();
        walk(plan, db, false, &mut free, &mut ordered);
        let mut g = self.order_free.lock().unwrap_or_else(|p| p.into_inner());
        *g = free.difference(&ordered).cloned().collect();
    }

    pub fn order_free(&self, db: &str, table: &str) -> bool {
        self.order_free
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&(db.to_owned(), table.to_owned()))
    }
}

fn aggregate_is_order_free(e: &Expr) -> bool {
    match e {
        Expr::Alias(a) => aggregate_is_order_free(&a.expr),
        Expr::AggregateFunction(f) => {
            f.params.order_by.is_empty()
                && ORDER_FREE.contains(&f.func.name().to_ascii_lowercase().as_str())
        }
        _ => false,
    }
}

fn walk(
    plan: &LogicalPlan,
    db: &str,
    free: bool,
    out_free: &mut HashSet<(String, String)>,
    out_ordered: &mut HashSet<(String, String)>,
) {
    let free = match plan {
        LogicalPlan::Aggregate(a) => a.aggr_expr.iter().all(aggregate_is_order_free),
        LogicalPlan::Limit(_) | LogicalPlan::Window(_) => false,
        LogicalPlan::TableScan(s) => {
            let t = &s.table_name;
            let key = (t.schema().unwrap_or(db).to_owned(), t.table().to_owned());
            if free {
                out_free.insert(key);
            } else {
                out_ordered.insert(key);
            }
            free
        }
        _ => free,
    };
    for input in plan.inputs() {
        walk(input, db, free, out_free, out_ordered);
    }
}
