//! GROUP BY and aggregate functions in an INSERT … SELECT, as MySQL
//! evaluates them: rows grouped by the GROUP BY values (text by its
//! collation), COUNT, SUM, AVG, MIN and MAX over each group, HAVING,
//! then ORDER BY and LIMIT over the groups.
//!
//! Where MySQL's answer would depend on the order it reads rows in, the
//! statement is refused: text grouped together under a case- or
//! accent-insensitive collation but spelled differently (MySQL shows
//! the first it reads), MIN/MAX ties spelled differently, SUM and AVG of
//! doubles (rounding follows the order of the additions), groups whose
//! order matters without an ORDER BY that decides it.

use std::collections::HashMap;
use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Ident, VisitMut, VisitorMut,
};

use super::SortKey;
use super::eval::{Context, EvalError, Row, eval};
use super::value::{Arith, Text, Value, arith, compare};

/// The name a rewritten expression reads aggregate `n` by (no column
/// can have it).
const PLACEHOLDER: &str = "\u{1}aggregate";

/// The name a rewritten expression reads GROUP BY expression `n` by.
const KEY: &str = "\u{1}key";

/// Replaces the GROUP BY expressions (other than bare columns) where
/// they occur whole: `SELECT v DIV 100 … GROUP BY v DIV 100`.
struct Keys<'a>(&'a [Expr]);

impl VisitorMut for Keys<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        if !matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
            && let Some(n) = self.0.iter().position(|k| k == e)
        {
            *e = Expr::Identifier(Ident::new(format!("{KEY}{n}")));
        }
        ControlFlow::Continue(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    CountRows,
    Count,
    /// COUNT(DISTINCT x): values told apart as GROUP BY tells them.
    CountDistinct,
    Sum,
    Avg,
    Min,
    Max,
}

#[derive(Debug, Clone, PartialEq)]
struct Aggregate {
    kind: Kind,
    arg: Option<Expr>,
}

/// A grouped SELECT: its items, HAVING and ORDER BY with each aggregate
/// call replaced by a placeholder column.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    keys: Vec<Expr>,
    items: Vec<Expr>,
    having: Option<Expr>,
    order_by: Vec<SortKey>,
    aggregates: Vec<Aggregate>,
}

fn unsupported(what: impl Into<String>) -> EvalError {
    EvalError::unsupported(what)
}

struct Extract {
    found: Vec<Aggregate>,
    error: Option<String>,
}

impl VisitorMut for Extract {
    type Break = ();

    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        let Expr::Function(f) = e else {
            return ControlFlow::Continue(());
        };
        let name = f.name.to_string().to_ascii_uppercase();
        let kind = match name.as_str() {
            "COUNT" => Kind::Count,
            "SUM" => Kind::Sum,
            "AVG" => Kind::Avg,
            "MIN" => Kind::Min,
            "MAX" => Kind::Max,
            "GROUP_CONCAT" | "STD" | "STDDEV" | "STDDEV_POP" | "STDDEV_SAMP" | "VARIANCE"
            | "VAR_POP" | "VAR_SAMP" | "BIT_AND" | "BIT_OR" | "BIT_XOR" | "JSON_ARRAYAGG"
            | "JSON_OBJECTAGG" | "ANY_VALUE" => {
                self.error = Some(format!("the aggregate function {name}"));
                return ControlFlow::Break(());
            }
            _ => return ControlFlow::Continue(()),
        };
        let FunctionArguments::List(list) = &f.args else {
            self.error = Some(format!("{name} without arguments"));
            return ControlFlow::Break(());
        };
        let distinct = matches!(
            list.duplicate_treatment,
            Some(sqlparser::ast::DuplicateTreatment::Distinct)
        );
        if (distinct && kind != Kind::Count) || !list.clauses.is_empty() || f.over.is_some() {
            self.error = Some(format!("{name} with DISTINCT, a window or another clause"));
            return ControlFlow::Break(());
        }
        let kind = if distinct { Kind::CountDistinct } else { kind };
        let (kind, arg) = match (kind, list.args.as_slice()) {
            (Kind::Count, [FunctionArg::Unnamed(FunctionArgExpr::Wildcard)]) => {
                (Kind::CountRows, None)
            }
            (k, [FunctionArg::Unnamed(FunctionArgExpr::Expr(x))]) => (k, Some(x.clone())),
            _ => {
                self.error = Some(format!("{name} with these arguments"));
                return ControlFlow::Break(());
            }
        };
        *e = Expr::Identifier(Ident::new(format!("{PLACEHOLDER}{}", self.found.len())));
        self.found.push(Aggregate { kind, arg });
        ControlFlow::Continue(())
    }
}

/// Whether `e` calls an aggregate function.
fn has_aggregate(e: &Expr) -> bool {
    let mut copy = e.clone();
    let mut x = Extract {
        found: Vec::new(),
        error: None,
    };
    let _ = copy.visit(&mut x);
    !x.found.is_empty() || x.error.is_some()
}

/// A select alias where HAVING names one: the item's expression.
struct Aliases<'a> {
    items: &'a [Expr],
    aliases: &'a [Option<String>],
}

impl VisitorMut for Aliases<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        if let Expr::Identifier(id) = e
            && let Some(i) = self.aliases.iter().position(|a| {
                a.as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(&id.value))
            })
        {
            *e = self.items[i].clone();
        }
        ControlFlow::Continue(())
    }
}

/// `GROUP BY n` and `ORDER BY n` name the n-th item; a bare name that is
/// an item's alias names that item.
fn resolve(e: &Expr, items: &[Expr], aliases: &[Option<String>]) -> Result<Expr, String> {
    match e {
        Expr::Value(v) => match &v.value {
            sqlparser::ast::Value::Number(n, _) => {
                let i: usize = n.parse().map_err(|_| format!("a position {n}"))?;
                items
                    .get(i.wrapping_sub(1))
                    .cloned()
                    .ok_or_else(|| format!("Unknown column '{n}' in 'group statement'"))
            }
            _ => Ok(e.clone()),
        },
        Expr::Identifier(id) => Ok(aliases
            .iter()
            .position(|a| {
                a.as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(&id.value))
            })
            .map_or_else(|| e.clone(), |i| items[i].clone())),
        _ => Ok(e.clone()),
    }
}

impl Grouping {
    /// The grouping of a SELECT (`None`: it neither groups nor
    /// aggregates). `items`: the select list with each item's alias.
    pub fn new(
        items: &[(Expr, Option<String>)],
        group_by: &[Expr],
        having: Option<&Expr>,
        order_by: &[SortKey],
    ) -> Result<Option<Grouping>, String> {
        let plain: Vec<Expr> = items.iter().map(|(e, _)| e.clone()).collect();
        let aliases: Vec<Option<String>> = items.iter().map(|(_, a)| a.clone()).collect();
        if group_by.is_empty() && having.is_none() && !plain.iter().any(has_aggregate) {
            return Ok(None);
        }
        let keys = group_by
            .iter()
            .map(|k| resolve(k, &plain, &aliases))
            .collect::<Result<Vec<_>, _>>()?;
        if keys.iter().any(has_aggregate) {
            return Err("a GROUP BY on an aggregate".into());
        }
        let mut x = Extract {
            found: Vec::new(),
            error: None,
        };
        let mut rewritten = plain.clone();
        for e in &mut rewritten {
            let _ = e.visit(&mut x);
        }
        // HAVING names the select list's aliases anywhere in it.
        let mut having = having.cloned();
        if let Some(h) = &mut having {
            let _ = h.visit(&mut Aliases {
                items: &plain,
                aliases: &aliases,
            });
            let _ = h.visit(&mut x);
        }
        let mut order = Vec::with_capacity(order_by.len());
        for (e, desc) in order_by {
            let mut e = resolve(e, &plain, &aliases)?;
            let _ = e.visit(&mut x);
            order.push((e, *desc));
        }
        if let Some(w) = x.error {
            return Err(w);
        }
        let mut k = Keys(&keys);
        for e in rewritten.iter_mut().chain(having.as_mut()) {
            let _ = e.visit(&mut k);
        }
        for (e, _) in &mut order {
            let _ = e.visit(&mut k);
        }
        Ok(Some(Grouping {
            keys,
            items: rewritten,
            having,
            order_by: order,
            aggregates: x.found,
        }))
    }

    /// Whether the SELECT calls aggregate functions.
    pub fn aggregates(&self) -> bool {
        !self.aggregates.is_empty()
    }

    /// The SELECT's rows from the rows its WHERE kept. `ordered`: the
    /// order of the result matters (an ORDER BY must decide it).
    pub fn run(
        &self,
        rows: &[&dyn Row],
        context: &dyn Context,
        ordered: bool,
        limit: Option<u64>,
    ) -> Result<Vec<Vec<Value>>, EvalError> {
        // Groups in the order their first rows come.
        let mut groups: Vec<(Vec<Value>, Vec<usize>)> = Vec::new();
        let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
        for (r, row) in rows.iter().enumerate() {
            let values = self
                .keys
                .iter()
                .map(|k| eval(k, *row))
                .collect::<Result<Vec<_>, _>>()?;
            let key = group_key(&values)?;
            match index.get(&key) {
                Some(&g) => {
                    if groups[g].0 != values {
                        return Err(unsupported(
                            "GROUP BY on text grouped together under its collation but \
                             spelled differently (MySQL shows the first it reads)",
                        ));
                    }
                    groups[g].1.push(r);
                }
                None => {
                    index.insert(key, groups.len());
                    groups.push((values, vec![r]));
                }
            }
        }
        if self.keys.is_empty() && groups.is_empty() {
            // Aggregates over no rows: one row.
            groups.push((Vec::new(), Vec::new()));
        }
        let mut out = Vec::with_capacity(groups.len());
        for (key_values, members) in &groups {
            let values = self
                .aggregates
                .iter()
                .map(|a| aggregate(a, members.iter().map(|&i| rows[i])))
                .collect::<Result<Vec<_>, _>>()?;
            let g = GroupRow {
                first: members.first().map(|&i| rows[i]),
                keys: &self.keys,
                aggregates: &values,
                key_values,
                context,
            };
            if let Some(h) = &self.having
                && eval(h, &g)?.truth()? != Some(true)
            {
                continue;
            }
            let items = self
                .items
                .iter()
                .map(|e| eval(e, &g))
                .collect::<Result<Vec<_>, _>>()?;
            let sort = self
                .order_by
                .iter()
                .map(|(e, _)| eval(e, &g))
                .collect::<Result<Vec<_>, _>>()?;
            out.push((sort, items));
        }
        let cut = limit.is_some_and(|n| (n as usize) < out.len());
        if out.len() > 1 && (ordered || cut) {
            if self.order_by.is_empty() {
                return Err(unsupported(
                    "a grouped SELECT whose row order matters without an ORDER BY",
                ));
            }
            let desc: Vec<bool> = self.order_by.iter().map(|(_, d)| *d).collect();
            sort_without_ties(&mut out, &desc)?;
        }
        let n = limit.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
        Ok(out.into_iter().take(n).map(|(_, items)| items).collect())
    }
}

/// Sorts rows by their ORDER BY values (NULLs first, `desc` per key),
/// refusing ties: where the order matters, MySQL's among equal keys
/// depends on how it reads the rows.
pub fn sort_without_ties<T>(rows: &mut [(Vec<Value>, T)], desc: &[bool]) -> Result<(), EvalError> {
    let mut failed = None;
    rows.sort_by(|a, b| {
        for ((x, y), desc) in a.0.iter().zip(&b.0).zip(desc) {
            let o = match (x.is_null(), y.is_null()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => std::cmp::Ordering::Less,
                (false, true) => std::cmp::Ordering::Greater,
                _ => compare(x, y).unwrap_or_else(|e| {
                    failed = Some(e);
                    std::cmp::Ordering::Equal
                }),
            };
            let o = if *desc { o.reverse() } else { o };
            if o.is_ne() {
                return o;
            }
        }
        std::cmp::Ordering::Equal
    });
    if let Some(e) = failed {
        return Err(e);
    }
    if rows.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(unsupported(
            "an ORDER BY that leaves ties where the order of the rows matters",
        ));
    }
    Ok(())
}

/// A comparable key of GROUP BY values: numbers by value, text by its
/// collation's sort key, NULLs together.
fn group_key(values: &[Value]) -> Result<Vec<u8>, EvalError> {
    let mut out = Vec::new();
    for v in values {
        let part: Vec<u8> = match v {
            Value::Null => vec![0],
            // Exact numbers by value: 1, 1.0 and 1.00 together.
            Value::Int(i) => format!("n{i}").into_bytes(),
            Value::UInt(u) => format!("n{u}").into_bytes(),
            Value::Decimal(d) => {
                let t = d.to_string();
                let t = if t.contains('.') {
                    t.trim_end_matches('0').trim_end_matches('.')
                } else {
                    &t
                };
                format!("n{t}").into_bytes()
            }
            // (-0 and 0 together.)
            Value::Double(d) => [b"d".as_slice(), &(d + 0.0).to_bits().to_be_bytes()].concat(),
            Value::Str(b, Text::Collated(c)) => {
                let key = c.collation.sort_key(b).ok_or_else(|| {
                    unsupported("GROUP BY on text under a collation understudy does not evaluate")
                })?;
                [b"s".as_slice(), &key].concat()
            }
            Value::Str(b, _) => [b"b".as_slice(), b].concat(),
            Value::Temporal(t) => format!("t{:?}", t.key()).into_bytes(),
            Value::Time(t) => format!("h{}", t.signed()).into_bytes(),
            Value::Member(..) | Value::Json(_) => {
                return Err(unsupported("GROUP BY on an ENUM, SET or JSON value"));
            }
        };
        out.extend_from_slice(&(part.len() as u32).to_be_bytes());
        out.extend_from_slice(&part);
    }
    Ok(out)
}

/// One aggregate over a group's rows.
fn aggregate<'a>(
    a: &Aggregate,
    rows: impl Iterator<Item = &'a dyn Row>,
) -> Result<Value, EvalError> {
    let mut count = 0i64;
    let mut acc: Option<Value> = None;
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        let Some(arg) = &a.arg else {
            count += 1;
            continue;
        };
        let v = eval(arg, row)?;
        if v.is_null() {
            continue;
        }
        if a.kind == Kind::CountDistinct && !seen.insert(group_key(std::slice::from_ref(&v))?) {
            continue;
        }
        count += 1;
        acc = Some(match (a.kind, acc) {
            (Kind::Count | Kind::CountRows | Kind::CountDistinct, _) => Value::Null,
            (Kind::Sum | Kind::Avg, acc) => {
                let exact = match v {
                    Value::Int(i) => Value::Decimal(super::decimal::Decimal::from_i128(i.into())),
                    Value::UInt(u) => Value::Decimal(super::decimal::Decimal::from_i128(u.into())),
                    Value::Decimal(_) => v,
                    _ => {
                        return Err(unsupported(
                            "SUM or AVG of values that are not integers or decimals",
                        ));
                    }
                };
                match acc {
                    None => exact,
                    Some(s) => arith(&s, Arith::Add, &exact)?,
                }
            }
            (Kind::Min | Kind::Max, None) => v,
            (Kind::Min | Kind::Max, Some(best)) => {
                if matches!(v, Value::Member(..) | Value::Json(_)) {
                    return Err(unsupported("MIN or MAX of ENUM, SET or JSON values"));
                }
                let o = compare(&v, &best)?;
                if o.is_eq() && v != best {
                    return Err(unsupported(
                        "MIN or MAX over values equal under their collation but spelled \
                         differently (MySQL gives the first it reads)",
                    ));
                }
                let better = if a.kind == Kind::Min {
                    o.is_lt()
                } else {
                    o.is_gt()
                };
                if better { v } else { best }
            }
        });
    }
    Ok(match a.kind {
        Kind::Count | Kind::CountRows | Kind::CountDistinct => Value::Int(count),
        Kind::Avg => match acc {
            Some(Value::Decimal(sum)) => average(sum, count)?,
            _ => Value::Null,
        },
        _ => acc.unwrap_or(Value::Null),
    })
}

/// AVG of exact values: MySQL divides with `div_precision_increment`
/// (4) more fraction digits than the sum's, counted in whole 9-digit
/// words, and truncates there (`AVG` over 0, 1, 1 is 0.666666666; a sum
/// with 7 fraction digits gives 18). SELECT shows only 4 more digits,
/// but a column or a string gets them all.
fn average(sum: super::decimal::Decimal, count: i64) -> Result<Value, EvalError> {
    let scale = (u32::from(sum.scale) + 4).div_ceil(9) * 9;
    let too_big = || unsupported("an AVG past 38 digits");
    let scale_u8 = u8::try_from(scale).map_err(|_| too_big())?;
    let mantissa = 10i128
        .checked_pow(scale - u32::from(sum.scale))
        .and_then(|p| sum.mantissa.checked_mul(p))
        .ok_or_else(too_big)?
        / i128::from(count);
    Ok(Value::Decimal(super::decimal::Decimal {
        mantissa,
        scale: scale_u8,
    }))
}

/// A group as expressions see it: aggregates by their placeholders, and
/// the GROUP BY columns from its first row.
struct GroupRow<'a> {
    first: Option<&'a dyn Row>,
    keys: &'a [Expr],
    aggregates: &'a [Value],
    key_values: &'a [Value],
    context: &'a dyn Context,
}

impl Row for GroupRow<'_> {
    fn column(&self, table: Option<&str>, name: &str) -> Result<Value, EvalError> {
        if let Some(n) = name.strip_prefix(PLACEHOLDER) {
            return n
                .parse::<usize>()
                .ok()
                .and_then(|n| self.aggregates.get(n).cloned())
                .ok_or_else(|| unsupported("an aggregate"));
        }
        if let Some(n) = name.strip_prefix(KEY) {
            return n
                .parse::<usize>()
                .ok()
                .and_then(|n| self.key_values.get(n).cloned())
                .ok_or_else(|| unsupported("a GROUP BY expression"));
        }
        let grouped = self.keys.iter().any(|k| match k {
            Expr::Identifier(i) => i.value.eq_ignore_ascii_case(name),
            Expr::CompoundIdentifier(p) => {
                p.last().is_some_and(|i| i.value.eq_ignore_ascii_case(name))
            }
            _ => false,
        });
        match (grouped, self.first) {
            (true, Some(first)) => first.column(table, name),
            _ => Err(unsupported(format!(
                "column {name} outside an aggregate and not in the GROUP BY"
            ))),
        }
    }

    fn context(&self) -> &dyn Context {
        self.context
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dml::decimal::Decimal;

    #[test]
    fn averages_keep_whole_words_of_digits_truncated() {
        // Recorded on MySQL 9.7 (AVG stored into a VARCHAR).
        let avg = |text: &str, n: i64| match Decimal::parse(text).map(|d| average(d, n)) {
            Some(Ok(Value::Decimal(d))) => d.to_string(),
            other => format!("{other:?}"),
        };
        assert_eq!(avg("2", 3), "0.666666666");
        assert_eq!(avg("-4.50", 3), "-1.500000000");
        assert_eq!(avg("2.1234567", 3), "0.707818900000000000");
    }

    #[test]
    fn group_keys_follow_values_and_collations() {
        use crate::collation::Collation;
        use crate::dml::value::{Coll, Derivation};
        let text =
            |s: &str, c| Value::Str(s.into(), Text::Collated(Coll::new(c, Derivation::Implicit)));
        let key = |v: Value| group_key(&[v]).unwrap_or_default();
        assert_eq!(
            key(Value::Int(1)),
            key(Value::Decimal(Decimal::from_i128(1)))
        );
        assert_eq!(
            key(text("a", Collation::Uca0900AiCi)),
            key(text("A", Collation::Uca0900AiCi))
        );
        assert_ne!(
            key(text("a", Collation::Utf8Bin)),
            key(text("A", Collation::Utf8Bin))
        );
        assert_ne!(key(Value::Null), key(Value::Int(0)));
        assert!(group_key(&[text("a", Collation::Unknown)]).is_err());
    }
}
