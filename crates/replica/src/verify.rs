//! `understudy verify`: every replicated table compared with the source
//! — the pt-table-checksum role. Both sides compute the same checksum: the
//! row count and the sum (mod 2^64) of a hash of each row's values as
//! MySQL's text protocol carries them, so the order of rows does not
//! matter (tables without a primary key have none) and duplicate rows
//! count. The source is read with `SET NAMES binary` (strings arrive as
//! stored, with no charset conversion) and `time_zone='+00:00'`
//! (TIMESTAMP in UTC, as the replica renders it); the replica's rows are
//! rendered with the same text code as `understudy export`.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use understudy_binlog::gtid::GtidSet;
use understudy_sql::TableName;
use understudy_store::text::cell_raw_text;
use understudy_store::{Position, Store, TableEntry, decode_row};

use crate::client::Conn;
use crate::error::{ReplicaError, Result};
use crate::filters::Filters;

/// Rows and the sum of their hashes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checksum {
    pub rows: u64,
    pub sum: u64,
}

impl Checksum {
    /// Adds a row given its visible columns' text (`None`: NULL).
    pub fn add<'a>(&mut self, values: impl IntoIterator<Item = Option<&'a [u8]>>) {
        // SipHash with fixed keys: the same in both halves of one run.
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for v in values {
            match v {
                None => 0u8.hash(&mut h),
                Some(b) => {
                    1u8.hash(&mut h);
                    b.hash(&mut h);
                }
            }
        }
        self.rows += 1;
        self.sum = self.sum.wrapping_add(h.finish());
    }
}

impl std::fmt::Display for Checksum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rows={} checksum={:016x}", self.rows, self.sum)
    }
}

/// What one table's comparison found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Equal(Checksum),
    Different {
        replica: Checksum,
        source: Checksum,
    },
    /// The filters replicate it, but the replica has no such table.
    MissingOnReplica,
    /// The replica has it, the source does not.
    OnlyOnReplica,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableVerdict {
    /// The name on the source (`db` before `replicate-rewrite-db`).
    pub source: TableName,
    pub replica: TableName,
    pub verdict: Verdict,
}

impl std::fmt::Display for TableVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = if self.source == self.replica {
            self.replica.to_string()
        } else {
            format!("{} (source {})", self.replica, self.source)
        };
        match &self.verdict {
            Verdict::Equal(c) => write!(f, "{name}: equal {c}"),
            Verdict::Different { replica, source } => {
                write!(f, "{name}: DIFFERENT replica {replica}, source {source}")
            }
            Verdict::MissingOnReplica => write!(f, "{name}: DIFFERENT missing on the replica"),
            Verdict::OnlyOnReplica => write!(f, "{name}: DIFFERENT only on the replica"),
        }
    }
}

fn store_err(e: understudy_store::StoreError) -> ReplicaError {
    ReplicaError::Config(e.to_string())
}

/// The columns a checksum covers: the visible ones, then a
/// system-versioned table's period columns (its history rows are compared
/// too, with their row start and end).
fn checksum_columns(schema: &understudy_sql::TableSchema) -> Vec<usize> {
    let mut cols: Vec<usize> = (0..schema.columns.len())
        .filter(|&i| !schema.columns[i].invisible)
        .collect();
    if let Some((start, end)) = &schema.system_time {
        cols.extend(schema.column_index(start));
        cols.extend(schema.column_index(end));
    }
    cols
}

/// The replica's checksum of a table.
pub fn replica_checksum(store: &Store, e: &TableEntry) -> Result<Checksum> {
    let visible = checksum_columns(&e.schema);
    let mut c = Checksum::default();
    let mut texts: Vec<Option<Vec<u8>>> = Vec::with_capacity(visible.len());
    for item in store.table_rows(e.id).map_err(store_err)? {
        let (_, v) = item.map_err(store_err)?;
        let (_, cells) = decode_row(&v).map_err(store_err)?;
        texts.clear();
        for &i in &visible {
            let ty = &e.schema.columns[i].ty;
            texts.push(cells.get(i).and_then(|cell| cell_raw_text(cell, ty)));
        }
        c.add(texts.iter().map(Option::as_deref));
    }
    Ok(c)
}

fn quote_ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// The source's checksum of a table (rows streamed, not held); `replica`
/// is the replica's schema of it, whose period columns (a MariaDB
/// system-versioned table) bring in the history rows.
pub async fn source_checksum(
    conn: &mut Conn,
    t: &TableName,
    replica: &understudy_sql::TableSchema,
) -> Result<Checksum> {
    let name = format!("{}.{}", quote_ident(&t.db), quote_ident(&t.name));
    let sql = match &replica.system_time {
        Some((start, end)) => format!(
            "SELECT *, {}, {} FROM {name} FOR SYSTEM_TIME ALL",
            quote_ident(start),
            quote_ident(end)
        ),
        None => format!("SELECT * FROM {name}"),
    };
    let mut c = Checksum::default();
    conn.query_each(&sql, |row| c.add(row.iter().copied()))
        .await?;
    Ok(c)
}

/// Sets the session up for [`source_checksum`].
pub async fn prepare_session(conn: &mut Conn) -> Result<()> {
    conn.query("SET NAMES binary").await?;
    conn.query("SET time_zone = '+00:00'").await?;
    Ok(())
}

/// The source's base tables outside the system schemas.
pub async fn source_tables(conn: &mut Conn) -> Result<Vec<TableName>> {
    let r = conn
        .query(
            "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES \
             WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND TABLE_SCHEMA NOT IN \
             ('mysql', 'information_schema', 'performance_schema', 'sys')",
        )
        .await?;
    Ok(r.rows
        .iter()
        .filter_map(|row| {
            let text = |i: usize| {
                row.get(i)
                    .and_then(|v| v.as_deref())
                    .map(|b| String::from_utf8_lossy(b).into_owned())
            };
            Some(TableName {
                db: text(0)?,
                name: text(1)?,
            })
        })
        .collect())
}

/// The pairs to compare: every source table the filters replicate
/// (under its rewritten name) and every replica table; `only` limits them
/// to the named source tables.
pub fn pairs(
    source: &[TableName],
    replica: &[TableEntry],
    filters: &Filters,
    only: &[TableName],
) -> Vec<(Option<TableName>, Option<TableName>)> {
    let mut map: BTreeMap<TableName, (Option<TableName>, Option<TableName>)> = BTreeMap::new();
    for s in source {
        let r = TableName {
            db: filters.rewrite(&s.db).to_owned(),
            name: s.name.clone(),
        };
        if filters.row_ok(&r.db, &r.name) {
            map.entry(r).or_default().0 = Some(s.clone());
        }
    }
    for e in replica {
        let r = TableName {
            db: e.db.clone(),
            name: e.name.clone(),
        };
        let slot = map.entry(r.clone()).or_default();
        slot.1 = Some(r);
    }
    map.into_values()
        .filter(|(s, r)| {
            only.is_empty()
                || s.as_ref().is_some_and(|s| only.contains(s))
                || r.as_ref().is_some_and(|r| only.contains(r))
        })
        .collect()
}

/// Whether the replica's position has reached the source's: its
/// executed GTIDs hold the source's (MySQL with GTIDs), or its source
/// position is at or past the source's binlog file and position.
pub fn caught_up(p: &Position, source_file: &str, source_pos: u64, source_gtids: &str) -> bool {
    if !source_gtids.is_empty()
        && let (Ok(want), Ok(have)) = (
            source_gtids.parse::<GtidSet>(),
            p.gtid_executed.parse::<GtidSet>(),
        )
    {
        return want.is_subset(&have);
    }
    (p.source_file.as_str(), p.source_pos) >= (source_file, source_pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(db: &str, name: &str) -> TableName {
        TableName {
            db: db.into(),
            name: name.into(),
        }
    }

    #[test]
    fn checksum_ignores_order_and_counts_duplicates() {
        let rows: [[Option<&[u8]>; 2]; 3] = [
            [Some(b"1"), None],
            [Some(b"1"), None],
            [Some(b"2"), Some(b"")],
        ];
        let mut a = Checksum::default();
        for r in rows {
            a.add(r);
        }
        let mut b = Checksum::default();
        for r in rows.iter().rev() {
            b.add(r.iter().copied());
        }
        assert_eq!(a, b);
        let mut c = Checksum::default();
        c.add(rows[2]);
        c.add(rows[2]);
        c.add(rows[0]);
        assert_ne!(a, c, "duplicates are not cancelled out");
        // NULL differs from the empty string.
        let (mut n, mut e) = (Checksum::default(), Checksum::default());
        n.add([None]);
        e.add([Some(&b""[..])]);
        assert_ne!(n, e);
    }

    #[test]
    fn pairs_follow_filters_and_rewrites() {
        let mut f = Filters::default();
        f.add("replicate-rewrite-db", "a->b").unwrap_or_default();
        f.add("replicate-ignore-table", "b.skip")
            .unwrap_or_default();
        let source = [t("a", "x"), t("a", "skip"), t("c", "y")];
        let p = pairs(&source, &[], &f, &[]);
        assert_eq!(
            p,
            vec![(Some(t("a", "x")), None), (Some(t("c", "y")), None),]
        );
    }

    #[test]
    fn caught_up_by_gtids_or_position() {
        let p = Position {
            source_file: "binlog.000002".into(),
            source_pos: 500,
            gtid_executed: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10".into(),
            ..Position::default()
        };
        assert!(caught_up(&p, "binlog.000002", 500, ""));
        assert!(caught_up(&p, "binlog.000001", 900, ""));
        assert!(!caught_up(&p, "binlog.000002", 501, ""));
        assert!(caught_up(
            &p,
            "binlog.000009",
            4,
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-9"
        ));
        assert!(!caught_up(
            &p,
            "binlog.000001",
            4,
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-11"
        ));
    }
}
