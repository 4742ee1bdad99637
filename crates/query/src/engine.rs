//! SELECTs over the replicated tables with Apache DataFusion: every
//! replicated database is a schema of the catalog `def` (MySQL's catalog
//! name), read from one [`View`] of the store per statement.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::catalog::{
    CatalogProvider, CatalogProviderList, MemoryCatalogProviderList, SchemaProvider, TableProvider,
};
use datafusion::common::config::Dialect;
use datafusion::common::{DataFusionError, Result as DfResult};
use datafusion::execution::session_state::SessionStateBuilder;
use datafusion::execution::{FunctionRegistry, SessionState};
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::error::QueryError;
use crate::information_schema::{self, InformationSchema};
use crate::names::name_columns;
use crate::order_free::ScanHints;
use crate::provider::StoreTable;
use crate::reader::{StoreReader, View};
use crate::render::{Protocol, Rows, render};

/// MySQL's catalog name (`TABLE_CATALOG` in information_schema).
const CATALOG: &str = "def";
/// The default schema when the session has no database (never a
/// database's name: MySQL names cannot hold NUL).
const NO_DATABASE: &str = "\0none";

#[derive(Debug)]
struct Databases {
    view: View,
    hints: Arc<ScanHints>,
}

#[derive(Debug)]
struct Tables {
    view: View,
    db: String,
    hints: Arc<ScanHints>,
}

impl CatalogProvider for Databases {
    fn schema_names(&self) -> Vec<String> {
        let mut names = vec![information_schema::NAME.to_owned()];
        names.extend(self.view.databases().unwrap_or_default());
        names
    }

    fn schema(&self, name: &str) -> Option<Arc<dyn SchemaProvider>> {
        if name.eq_ignore_ascii_case(information_schema::NAME) {
            return Some(Arc::new(InformationSchema {
                view: self.view.clone(),
            }));
        }
        self.view
            .database_exists(name)
            .ok()?
            .then(|| -> Arc<dyn SchemaProvider> {
                Arc::new(Tables {
                    view: self.view.clone(),
                    db: name.to_owned(),
                    hints: self.hints.clone(),
                })
            })
    }
}

#[async_trait]
impl SchemaProvider for Tables {
    fn table_names(&self) -> Vec<String> {
        self.view
            .tables(&self.db)
            .map(|t| t.into_iter().map(|e| e.name).collect())
            .unwrap_or_default()
    }

    async fn table(&self, name: &str) -> DfResult<Option<Arc<dyn TableProvider>>> {
        let entry = self
            .view
            .table(&self.db, name)
            .map_err(|e| DataFusionError::External(e.to_string().into()))?;
        Ok(entry.map(|e| -> Arc<dyn TableProvider> {
            Arc::new(StoreTable::new(self.view.clone(), e).with_hints(self.hints.clone()))
        }))
    }

    fn table_exist(&self, name: &str) -> bool {
        self.view.table(&self.db, name).ok().flatten().is_some()
    }
}

/// The query engine of an endpoint.
#[derive(Debug)]
pub struct Engine {
    reader: Arc<StoreReader>,
    base: SessionState,
}

impl Engine {
    pub fn new(reader: Arc<StoreReader>) -> Engine {
        let mut config = SessionConfig::new()
            .with_default_catalog_and_schema(CATALOG, NO_DATABASE)
            .with_create_default_catalog_and_schema(false)
            .with_information_schema(false)
            .with_target_partitions(2);
        let sql = &mut config.options_mut().sql_parser;
        sql.dialect = Dialect::MySQL;
        // MySQL's database and table names are case-sensitive here, as on
        // Linux; column names are matched as written.
        sql.enable_ident_normalization = false;
        // MySQL: NULL is smaller than every value.
        sql.default_null_ordering = "nulls_min".to_owned();
        let mut base = SessionStateBuilder::new()
            .with_config(config)
            .with_default_features()
            .build();
        // MySQL's LENGTH counts bytes (DataFusion's counts characters;
        // CHAR_LENGTH stays as it is).
        let octets = datafusion::functions::string::octet_length();
        let length = octets.as_ref().clone().with_aliases(["length"]);
        if let Err(e) = base.register_udf(Arc::new(length)) {
            tracing::warn!("LENGTH as octet_length: {e}");
        }
        Engine { reader, base }
    }

    pub fn reader(&self) -> &Arc<StoreReader> {
        &self.reader
    }

    /// Runs a SELECT with `db` as the current database.
    pub async fn query(
        &self,
        sql: &str,
        db: Option<&str>,
        protocol: Protocol,
    ) -> Result<Rows, QueryError> {
        let view = self.reader.view().await?;
        if let Some(v) = &view
            && let Some(rows) = crate::point::try_point(v, sql, db, protocol)
        {
            return rows;
        }
        let mut state = self.base.clone();
        state.config_mut().options_mut().catalog.default_schema =
            db.unwrap_or(NO_DATABASE).to_owned();
        let list = Arc::new(MemoryCatalogProviderList::new());
        let hints = Arc::new(ScanHints::default());
        if let Some(view) = view {
            list.register_catalog(
                CATALOG.to_owned(),
                Arc::new(Databases {
                    view,
                    hints: hints.clone(),
                }),
            );
        }
        state.register_catalog_list(list);
        let mut stmt = state
            .sql_to_statement(sql, &Dialect::MySQL)
            .map_err(|e| classify(e, db))?;
        name_columns(&mut stmt, sql);
        let plan = state
            .statement_to_plan(stmt)
            .await
            .map_err(|e| classify(e, db))?;
        hints.set_from(&plan, db.unwrap_or(NO_DATABASE));
        let ctx = SessionContext::new_with_state(state);
        let df = ctx
            .execute_logical_plan(plan)
            .await
            .map_err(|e| classify(e, db))?;
        let schema = df.schema().as_arrow().clone();
        let batches = df.collect().await.map_err(|e| classify(e, db))?;
        render(&schema, &batches, protocol)
    }
}

/// DataFusion's errors as MySQL's: a missing table is ER_NO_SUCH_TABLE
/// (or ER_NO_DB_ERROR without a current database), a parse error
/// ER_PARSE_ERROR.
fn classify(e: DataFusionError, db: Option<&str>) -> QueryError {
    let e = e.find_root();
    let text = e.to_string();
    match e {
        DataFusionError::SQL(_, _) => QueryError::Syntax(text),
        DataFusionError::Plan(m) if m.contains("table") && m.contains("not found") => {
            // "table 'def.db.t' not found"
            let name = m
                .split('\'')
                .nth(1)
                .unwrap_or_default()
                .trim_start_matches("def.")
                .to_owned();
            if name.starts_with(NO_DATABASE) || (db.is_none() && !name.contains('.')) {
                QueryError::NoDatabase
            } else {
                QueryError::NoSuchTable(name)
            }
        }
        _ => QueryError::Engine(text),
    }
}
