//! `information_schema.SCHEMATA`, `TABLES`, `COLUMNS` and `STATISTICS`
//! as drivers and GUI tools read them, from the replica's catalog (built
//! for the statement that names them, from its view of the store).

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::array::{ArrayRef, RecordBatch, StringArray, UInt64Array};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::catalog::{MemTable, SchemaProvider, TableProvider};
use datafusion::common::{DataFusionError, Result};
use understudy_sql::{ColumnType, DefaultValue, TableSchema};
use understudy_store::TableEntry;

use crate::reader::View;

pub const NAME: &str = "information_schema";
const TABLES: &[&str] = &["SCHEMATA", "TABLES", "COLUMNS", "STATISTICS"];

#[derive(Debug)]
pub struct InformationSchema {
    pub view: View,
}

/// A column of text or of unsigned integers, with NULLs.
enum Col {
    Text(Vec<Option<String>>),
    UInt(Vec<Option<u64>>),
}

struct Builder {
    names: Vec<&'static str>,
    cols: Vec<Col>,
}

impl Builder {
    fn new(spec: &[(&'static str, bool)]) -> Builder {
        Builder {
            names: spec.iter().map(|s| s.0).collect(),
            cols: spec
                .iter()
                .map(|&(_, uint)| {
                    if uint {
                        Col::UInt(vec![])
                    } else {
                        Col::Text(vec![])
                    }
                })
                .collect(),
        }
    }

    /// One row: text values and numbers in column order.
    fn row(&mut self, values: Vec<V>) {
        for (c, v) in self.cols.iter_mut().zip(values) {
            match (c, v) {
                (Col::Text(t), V::S(s)) => t.push(Some(s)),
                (Col::Text(t), V::Null) => t.push(None),
                (Col::UInt(u), V::N(n)) => u.push(Some(n)),
                (Col::UInt(u), _) => u.push(None),
                (Col::Text(t), V::N(n)) => t.push(Some(n.to_string())),
            }
        }
    }

    fn table(self) -> Result<Arc<dyn TableProvider>> {
        let fields: Vec<Field> = self
            .names
            .iter()
            .zip(&self.cols)
            .map(|(n, c)| {
                let dt = match c {
                    Col::Text(_) => DataType::Utf8,
                    Col::UInt(_) => DataType::UInt64,
                };
                Field::new(*n, dt, true)
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let arrays: Vec<ArrayRef> = self
            .cols
            .into_iter()
            .map(|c| -> ArrayRef {
                match c {
                    Col::Text(t) => Arc::new(StringArray::from(t)),
                    Col::UInt(u) => Arc::new(UInt64Array::from(u)),
                }
            })
            .collect();
        let batch = RecordBatch::try_new(schema.clone(), arrays)?;
        Ok(Arc::new(MemTable::try_new(schema, vec![vec![batch]])?))
    }
}

enum V {
    S(String),
    N(u64),
    Null,
}

fn s(v: impl Into<String>) -> V {
    V::S(v.into())
}

fn opt_n(v: Option<u64>) -> V {
    v.map_or(V::Null, V::N)
}

/// A column type as MySQL's COLUMN_TYPE shows it: lower-case, without
/// its character set (`varchar(20)`, `enum('a','B')`, `int unsigned`).
pub fn column_type(ty: &ColumnType) -> String {
    let sql = ty.sql();
    let sql = sql.split(" CHARACTER SET ").next().unwrap_or(&sql);
    match sql.find('(') {
        Some(i) => {
            let close = sql.rfind(')').unwrap_or(sql.len() - 1);
            format!(
                "{}{}{}",
                sql[..i].to_ascii_lowercase(),
                &sql[i..=close],
                sql[close + 1..].to_ascii_lowercase()
            )
        }
        None => sql.to_ascii_lowercase(),
    }
}

/// DATA_TYPE: the type's name alone.
fn data_type(ty: &ColumnType) -> String {
    let t = column_type(ty);
    t.split(['(', ' ']).next().unwrap_or_default().to_owned()
}

/// CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE,
/// DATETIME_PRECISION.
fn sizes(ty: &ColumnType) -> [Option<u64>; 4] {
    let blob = |pack: u8| match pack {
        1 => 255,
        2 => 65_535,
        3 => 16_777_215,
        _ => 4_294_967_295,
    };
    match ty {
        ColumnType::Char { len, .. } | ColumnType::VarChar { len, .. } => {
            [Some(u64::from(*len)), None, None, None]
        }
        ColumnType::Binary(n) | ColumnType::VarBinary(n) => [Some(u64::from(*n)), None, None, None],
        ColumnType::Text { pack, .. } | ColumnType::Blob { pack } => {
            [Some(blob(*pack)), None, None, None]
        }
        ColumnType::Int { bytes, unsigned } => {
            let p = match (bytes, unsigned) {
                (1, _) => 3,
                (2, _) => 5,
                (3, _) => 7,
                (4, _) => 10,
                (_, true) => 20,
                _ => 19,
            };
            [None, Some(p), Some(0), None]
        }
        ColumnType::Decimal { precision, scale } => [
            None,
            Some(u64::from(*precision)),
            Some(u64::from(*scale)),
            None,
        ],
        ColumnType::Float => [None, Some(12), None, None],
        ColumnType::Double => [None, Some(22), None, None],
        ColumnType::Bit(n) => [None, Some(u64::from(*n)), None, None],
        ColumnType::Time(f) | ColumnType::DateTime(f) | ColumnType::Timestamp(f) => {
            [None, None, None, Some(u64::from(*f))]
        }
        _ => [None, None, None, None],
    }
}

/// COLUMN_KEY: PRI, UNI (a unique index of this column alone), MUL (the
/// first column of any other index: its values may repeat there).
pub fn key_of(t: &TableSchema, i: usize) -> &'static str {
    if t.primary_key.contains(&i) {
        return "PRI";
    }
    let name = &t.columns[i].name;
    let led: Vec<_> = t
        .indexes
        .iter()
        .flatten()
        .filter(|x| {
            x.columns
                .first()
                .is_some_and(|c| c.eq_ignore_ascii_case(name))
        })
        .collect();
    if led.iter().any(|x| x.unique && x.columns.len() == 1) {
        "UNI"
    } else if led.is_empty() {
        ""
    } else {
        "MUL"
    }
}

impl InformationSchema {
    fn entries(&self) -> Result<Vec<TableEntry>> {
        let err = |e: crate::error::QueryError| DataFusionError::External(e.to_string().into());
        let mut all = Vec::new();
        for db in self.view.databases().map_err(err)? {
            all.extend(self.view.tables(&db).map_err(err)?);
        }
        Ok(all)
    }

    fn build(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        let err = |e: crate::error::QueryError| DataFusionError::External(e.to_string().into());
        Ok(Some(match name {
            "SCHEMATA" => {
                let mut b = Builder::new(&[
                    ("CATALOG_NAME", false),
                    ("SCHEMA_NAME", false),
                    ("DEFAULT_CHARACTER_SET_NAME", false),
                    ("DEFAULT_COLLATION_NAME", false),
                    ("SQL_PATH", false),
                    ("DEFAULT_ENCRYPTION", false),
                ]);
                for db in self.view.databases().map_err(err)? {
                    b.row(vec![
                        s("def"),
                        s(db),
                        s("utf8mb4"),
                        s("utf8mb4_0900_ai_ci"),
                        V::Null,
                        s("NO"),
                    ]);
                }
                b.table()?
            }
            "TABLES" => {
                let mut b = Builder::new(&[
                    ("TABLE_CATALOG", false),
                    ("TABLE_SCHEMA", false),
                    ("TABLE_NAME", false),
                    ("TABLE_TYPE", false),
                    ("ENGINE", false),
                    ("VERSION", true),
                    ("ROW_FORMAT", false),
                    ("TABLE_ROWS", true),
                    ("TABLE_COLLATION", false),
                    ("CREATE_OPTIONS", false),
                    ("TABLE_COMMENT", false),
                ]);
                for e in self.entries()? {
                    let coll = e.schema.collation.clone().map_or(V::Null, V::S);
                    b.row(vec![
                        s("def"),
                        s(e.db),
                        s(e.name),
                        s("BASE TABLE"),
                        s("RocksDB"),
                        V::N(10),
                        s("Dynamic"),
                        V::Null,
                        coll,
                        s(""),
                        s(""),
                    ]);
                }
                b.table()?
            }
            "COLUMNS" => {
                let mut b = Builder::new(&[
                    ("TABLE_CATALOG", false),
                    ("TABLE_SCHEMA", false),
                    ("TABLE_NAME", false),
                    ("COLUMN_NAME", false),
                    ("ORDINAL_POSITION", true),
                    ("COLUMN_DEFAULT", false),
                    ("IS_NULLABLE", false),
                    ("DATA_TYPE", false),
                    ("CHARACTER_MAXIMUM_LENGTH", true),
                    ("NUMERIC_PRECISION", true),
                    ("NUMERIC_SCALE", true),
                    ("DATETIME_PRECISION", true),
                    ("COLLATION_NAME", false),
                    ("COLUMN_TYPE", false),
                    ("COLUMN_KEY", false),
                    ("EXTRA", false),
                    ("PRIVILEGES", false),
                    ("COLUMN_COMMENT", false),
                ]);
                for e in self.entries()? {
                    for (i, c) in e.schema.columns.iter().enumerate() {
                        let default = match &c.default {
                            DefaultValue::Literal(v) | DefaultValue::Expression(v) => s(v.clone()),
                            _ => V::Null,
                        };
                        let [len, prec, scale, fsp] = sizes(&c.ty);
                        let extra = if c.auto_increment {
                            "auto_increment"
                        } else {
                            ""
                        };
                        let coll = c
                            .collation
                            .clone()
                            .filter(|_| c.ty.is_text())
                            .map_or(V::Null, V::S);
                        b.row(vec![
                            s("def"),
                            s(e.db.clone()),
                            s(e.name.clone()),
                            s(c.name.clone()),
                            V::N(i as u64 + 1),
                            default,
                            s(if c.nullable { "YES" } else { "NO" }),
                            s(data_type(&c.ty)),
                            opt_n(len),
                            opt_n(prec),
                            opt_n(scale),
                            opt_n(fsp),
                            coll,
                            s(column_type(&c.ty)),
                            s(key_of(&e.schema, i)),
                            s(extra),
                            s("select"),
                            s(""),
                        ]);
                    }
                }
                b.table()?
            }
            "STATISTICS" => {
                let mut b = Builder::new(&[
                    ("TABLE_CATALOG", false),
                    ("TABLE_SCHEMA", false),
                    ("TABLE_NAME", false),
                    ("NON_UNIQUE", true),
                    ("INDEX_SCHEMA", false),
                    ("INDEX_NAME", false),
                    ("SEQ_IN_INDEX", true),
                    ("COLUMN_NAME", false),
                    ("COLLATION", false),
                    ("NULLABLE", false),
                    ("INDEX_TYPE", false),
                    ("IS_VISIBLE", false),
                ]);
                for e in self.entries()? {
                    let t = &e.schema;
                    let pk: Vec<String> = t
                        .primary_key
                        .iter()
                        .map(|&i| t.columns[i].name.clone())
                        .collect();
                    let mut indexes = vec![("PRIMARY".to_owned(), true, pk)];
                    for x in t.indexes.iter().flatten() {
                        indexes.push((x.name.clone(), x.unique, x.columns.clone()));
                    }
                    for (name, unique, cols) in indexes {
                        for (seq, col) in cols.iter().enumerate() {
                            let nullable =
                                t.column_index(col).is_some_and(|i| t.columns[i].nullable);
                            b.row(vec![
                                s("def"),
                                s(e.db.clone()),
                                s(e.name.clone()),
                                V::N(u64::from(!unique)),
                                s(e.db.clone()),
                                s(name.clone()),
                                V::N(seq as u64 + 1),
                                s(col.clone()),
                                s("A"),
                                s(if nullable { "YES" } else { "" }),
                                s("BTREE"),
                                s("YES"),
                            ]);
                        }
                    }
                }
                b.table()?
            }
            _ => return Ok(None),
        }))
    }
}

#[async_trait]
impl SchemaProvider for InformationSchema {
    fn table_names(&self) -> Vec<String> {
        TABLES.iter().map(|t| (*t).to_owned()).collect()
    }

    async fn table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        self.build(&name.to_ascii_uppercase())
    }

    fn table_exist(&self, name: &str) -> bool {
        TABLES.contains(&name.to_ascii_uppercase().as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_as_mysql_shows_them() {
        assert_eq!(
            column_type(&ColumnType::Int {
                bytes: 4,
                unsigned: true
            }),
            "int unsigned"
        );
        assert_eq!(
            column_type(&ColumnType::VarChar {
                len: 20,
                charset: Some("latin1".into())
            }),
            "varchar(20)"
        );
        assert_eq!(
            column_type(&ColumnType::Enum(vec!["a".into(), "B".into()])),
            "enum('a','B')"
        );
        assert_eq!(
            column_type(&ColumnType::Decimal {
                precision: 20,
                scale: 6
            }),
            "decimal(20,6)"
        );
        assert_eq!(
            data_type(&ColumnType::Int {
                bytes: 8,
                unsigned: true
            }),
            "bigint"
        );
    }
}
