//! `understudy clone`: a replica of a primary that already holds data,
//! without its old binlogs. The copy's read views and the source position
//! are taken at one instant ([`source::take`]); the tables are copied in
//! primary-key chunks by parallel connections, each chunk ingested into
//! the store as table files ([`copy`]); the store's position is then the
//! snapshot's, and master.info / relay-log.info say where streaming
//! starts — no transaction missing, none applied twice.
//!
//! Until the copy is done the store holds its plan ([`plan::Plan`]); the
//! applier refuses to start on it. A clone run again on the same data
//! directory goes on with the chunks not done.

pub mod cells;
mod copy;
pub mod plan;
pub mod report;
pub mod source;
pub mod window;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use understudy_sql::TableName;
use understudy_store::{Durability, Position, Store, TableEntry, Txn};

use self::cells::{RowReader, quote};
use self::plan::{Plan, PlanTable};
use self::report::{CloneProgress, TableProgress};
use self::source::{Snapshot, SourcePosition};
use self::window::Window;
use crate::applier::ddl::{self, SessionCharsets};
use crate::applier::{STORE_DIR, write_relay_log_info};
use crate::client::{Conn, ConnectOptions};
use crate::error::{ReplicaError, Result};
use crate::filters::Filters;
use crate::master_info::MasterInfo;
use crate::service::MASTER_INFO;

#[derive(Debug, Clone)]
pub struct CloneConfig {
    pub connect: ConnectOptions,
    pub data_dir: PathBuf,
    /// Only these source databases (empty: all but the system ones).
    pub databases: Vec<String>,
    /// The replication filters (and `replicate-rewrite-db`) the replica
    /// will run with.
    pub filters: Filters,
    /// Copy connections.
    pub parallel: usize,
    /// Rows per chunk (about).
    pub chunk_rows: u64,
    /// Keep the password in master.info (it was given in clear).
    pub store_password: bool,
}

/// What a clone did.
#[derive(Debug, Clone)]
pub struct Cloned {
    pub position: SourcePosition,
    pub tables: usize,
    pub rows: u64,
    /// How long the source's commits were held.
    pub lock_held: Duration,
    /// An interrupted clone was finished.
    pub resumed: bool,
}

fn store_err(e: understudy_store::StoreError) -> ReplicaError {
    ReplicaError::Config(e.to_string())
}

const SYSTEM_SCHEMAS: &str = "('mysql', 'information_schema', 'performance_schema', 'sys')";

fn text(row: &[Option<Vec<u8>>], i: usize) -> String {
    row.get(i)
        .and_then(|v| v.as_deref())
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default()
}

/// The source's databases (name, character set, collation) and base
/// tables (with their row estimates) that the clone copies.
async fn listing(
    ctl: &mut Conn,
    cfg: &CloneConfig,
) -> Result<(Vec<(String, String, String)>, Vec<(TableName, u64)>)> {
    let wanted = |db: &str| {
        (cfg.databases.is_empty() || cfg.databases.iter().any(|d| d == db))
            && cfg.filters.db_ok(Some(cfg.filters.rewrite(db)))
    };
    let r = ctl
        .query(&format!(
            "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME \
             FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN {SYSTEM_SCHEMAS} \
             ORDER BY SCHEMA_NAME"
        ))
        .await?;
    let dbs: Vec<(String, String, String)> = r
        .rows
        .iter()
        .map(|row| (text(row, 0), text(row, 1), text(row, 2)))
        .filter(|(db, _, _)| wanted(db))
        .collect();
    let r = ctl
        .query(&format!(
            "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, IFNULL(TABLE_ROWS, 0) \
             FROM information_schema.TABLES WHERE TABLE_SCHEMA NOT IN {SYSTEM_SCHEMAS} \
             AND TABLE_TYPE <> 'VIEW' ORDER BY TABLE_SCHEMA, TABLE_NAME"
        ))
        .await?;
    let mut tables = Vec::new();
    for row in &r.rows {
        let (db, name, kind) = (text(row, 0), text(row, 1), text(row, 2));
        if !wanted(&db) || !cfg.filters.row_ok(cfg.filters.rewrite(&db), &name) {
            continue;
        }
        if kind != "BASE TABLE" {
            return Err(ReplicaError::Config(format!(
                "{db}.{name} is a {kind} table, which clone does not copy yet \
                 (leave it out with --replicate-ignore-table)"
            )));
        }
        let est = text(row, 3).parse().unwrap_or(0);
        tables.push((TableName { db, name }, est));
    }
    Ok((dbs, tables))
}

/// The source's default character sets, for the statements that define
/// the catalog.
async fn charsets(ctl: &mut Conn) -> Result<SessionCharsets> {
    let mariadb = ctl.is_mariadb();
    let sql = if mariadb {
        "SELECT @@character_set_server, @@collation_server, 'utf8mb4_general_ci'"
    } else {
        "SELECT @@character_set_server, @@collation_server, @@default_collation_for_utf8mb4"
    };
    let r = ctl.query(sql).await?;
    let row = r.rows.first().cloned().unwrap_or_default();
    let major: u32 = ctl
        .server_version()
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    Ok(SessionCharsets {
        server: Some(text(&row, 0)),
        server_collation: Some(text(&row, 1)),
        utf8mb4: Some(text(&row, 2)),
        newer_mariadb: mariadb && major >= 11,
        ..SessionCharsets::default()
    })
}

/// A table's entry on the replica, with the reader of its rows.
fn entry_of(
    store: &Store,
    txn: Option<&Txn>,
    t: &PlanTable,
    mariadb: bool,
) -> Result<(TableEntry, RowReader)> {
    let e = store
        .table(txn, &t.db, &t.name)
        .map_err(store_err)?
        .ok_or_else(|| {
            ReplicaError::Config(format!("{}.{} is not in the catalog", t.db, t.name))
        })?;
    let reader = RowReader::new(&e.schema.columns, mariadb)
        .map_err(|m| ReplicaError::Config(format!("{}.{}: {m}", t.source_db, t.name)))?;
    Ok((e, reader))
}

/// The catalog defined from the snapshot's schemas, and the plan.
async fn define(
    store: &Store,
    ctl: &mut Conn,
    snap: &mut Snapshot,
    cfg: &CloneConfig,
    dbs: &[(String, String, String)],
    tables: &[(TableName, u64)],
) -> Result<Plan> {
    let charsets = charsets(ctl).await?;
    let none = Filters::default();
    let mut txn = store.txn();
    let apply = |txn: &mut _, sql: &str, db: &str| {
        ddl::apply(store, txn, sql, db, &none, &charsets, 0)
            .map_err(|e| ReplicaError::Config(format!("{sql}: {}", e.message)))
    };
    for (db, cs, coll) in dbs {
        let db = cfg.filters.rewrite(db);
        apply(
            &mut txn,
            &format!(
                "CREATE DATABASE IF NOT EXISTS {} DEFAULT CHARACTER SET {cs} COLLATE {coll}",
                quote(db)
            ),
            db,
        )?;
    }
    let mut plan = Plan {
        source: ctl_address(cfg),
        position: snap.position.clone(),
        tables: Vec::new(),
    };
    for ((t, est), create) in tables.iter().zip(&snap.creates) {
        let db = cfg.filters.rewrite(&t.db).to_owned();
        apply(&mut txn, create, &db)?;
        plan.tables.push(PlanTable {
            source_db: t.db.clone(),
            name: t.name.clone(),
            db,
            range_column: None,
            unsigned: false,
            chunks: vec![plan::Chunk { lo: None, hi: None }],
            est_rows: *est,
            create: create.clone(),
        });
    }
    // Integer keys are cut into ranges, read in the snapshot.
    let conn = snap
        .conns
        .first_mut()
        .ok_or_else(|| ReplicaError::Config("no copy connection".into()))?;
    for p in &mut plan.tables {
        let (e, _) = entry_of(store, Some(&txn), p, conn.is_mariadb())?;
        let Some(&first) = e.schema.primary_key.first() else {
            continue;
        };
        let col = &e.schema.columns[first];
        if !col.ty.is_integer() {
            continue;
        }
        let q = quote(&col.name);
        let r = conn
            .query(&format!(
                "SELECT MIN({q}), MAX({q}) FROM {}.{}",
                quote(&p.source_db),
                quote(&p.name)
            ))
            .await?;
        let row = r.rows.first().cloned().unwrap_or_default();
        let (Ok(min), Ok(max)) = (text(&row, 0).parse::<i128>(), text(&row, 1).parse::<i128>())
        else {
            continue; // empty
        };
        p.range_column = Some(col.name.clone());
        p.unsigned = col.ty.is_unsigned();
        p.chunks = plan::chunks(min, max, p.est_rows, cfg.chunk_rows);
    }
    // The catalog and the plan in one write: a clone interrupted before
    // it left nothing, after it can go on.
    plan.save(store, &mut txn)?;
    store.write(txn).map_err(store_err)?;
    Ok(plan)
}

fn ctl_address(cfg: &CloneConfig) -> String {
    cfg.connect.address()
}

/// Whether `run --bootstrap` clones first: the data directory holds no
/// replica yet (no master.info, nothing applied), or a clone that did not
/// finish.
pub fn needs_bootstrap(data_dir: &std::path::Path) -> Result<bool> {
    let fresh = !data_dir.join(MASTER_INFO).exists();
    let store_dir = data_dir.join(STORE_DIR);
    if !store_dir.join("CURRENT").exists() {
        return Ok(fresh);
    }
    let store = Store::open(&store_dir, Durability::Sync).map_err(store_err)?;
    if Plan::load(&store)?.is_some() {
        return Ok(true);
    }
    Ok(fresh && store.position().map_err(store_err)?.is_none())
}

/// Clones the source into `cfg.data_dir` (or finishes a clone begun
/// there), reporting into `progress`.
pub async fn clone(cfg: &CloneConfig, progress: Arc<CloneProgress>) -> Result<Cloned> {
    let store_dir = cfg.data_dir.join(STORE_DIR);
    std::fs::create_dir_all(&cfg.data_dir).map_err(|e| ReplicaError::io(&cfg.data_dir, e))?;
    let store = Arc::new(Store::open(&store_dir, Durability::Sync).map_err(store_err)?);
    let resumed = Plan::load(&store)?;
    if resumed.is_none()
        && let Some(p) = store.position().map_err(store_err)?
    {
        return Err(ReplicaError::Config(format!(
            "{} already holds a replica (at source {}:{}); clone into an empty data directory",
            cfg.data_dir.display(),
            p.source_file,
            p.source_pos
        )));
    }
    let mut ctl = Conn::connect(&cfg.connect).await?;
    let lock = source::check_privileges(&mut ctl, &cfg.connect.user).await?;
    source::prepare(&mut ctl).await?;
    let r = match resumed {
        None => fresh(cfg, &store, &mut ctl, lock, &progress).await?,
        Some(plan) => resume(cfg, &store, &mut ctl, lock, plan, &progress).await?,
    };
    ctl.quit().await;
    progress.set_phase("done");
    Ok(r)
}

async fn fresh(
    cfg: &CloneConfig,
    store: &Arc<Store>,
    ctl: &mut Conn,
    lock: source::LockKind,
    progress: &Arc<CloneProgress>,
) -> Result<Cloned> {
    progress.set_phase("listing tables");
    let (dbs, tables) = listing(ctl, cfg).await?;
    progress.set_phase("taking the snapshot");
    let names: Vec<TableName> = tables.iter().map(|t| t.0.clone()).collect();
    let mut snap = source::take(&cfg.connect, ctl, lock, cfg.parallel, &names).await?;
    log_snapshot(&snap);
    let plan = define(store, ctl, &mut snap, cfg, &dbs, &tables).await?;
    copy_and_finish(store, cfg, ctl, &plan, snap, progress, None).await
}

/// Copies the chunks not done on the snapshot's connections, then makes
/// the store's position the plan's (with `window` after a resume).
async fn copy_and_finish(
    store: &Arc<Store>,
    cfg: &CloneConfig,
    ctl: &mut Conn,
    plan: &Plan,
    snap: Snapshot,
    progress: &Arc<CloneProgress>,
    window: Option<Option<Window>>,
) -> Result<Cloned> {
    let mariadb = ctl.is_mariadb();
    let rows = copy_all(store, plan, snap.conns, mariadb, progress).await?;
    progress.set_phase("finishing");
    let resumed = window.is_some();
    finish(store, cfg, plan, ctl, window.flatten()).await?;
    Ok(Cloned {
        position: plan.position.clone(),
        tables: plan.tables.len(),
        rows,
        lock_held: snap.held,
        resumed,
    })
}

fn log_snapshot(snap: &Snapshot) {
    tracing::info!(
        file = %snap.position.file,
        pos = snap.position.pos,
        gtids = %snap.position.gtids,
        held_ms = snap.held.as_millis() as u64,
        "clone: snapshot taken"
    );
}

/// The catch-up window needs full row images (see [`window`]).
async fn check_row_images(ctl: &mut Conn) -> Result<()> {
    let r = ctl
        .query("SELECT @@GLOBAL.binlog_format, @@GLOBAL.binlog_row_image")
        .await?;
    let row = r.rows.first().cloned().unwrap_or_default();
    let (format, image) = (text(&row, 0), text(&row, 1));
    if !format.eq_ignore_ascii_case("ROW") || !image.eq_ignore_ascii_case("FULL") {
        return Err(ReplicaError::Config(format!(
            "the interrupted clone cannot go on: the source logs binlog_format={format},              binlog_row_image={image}, and catching the chunks copied before up needs ROW and              FULL; remove the data directory and clone again"
        )));
    }
    Ok(())
}

/// Goes on with an interrupted clone: the chunks not done are copied
/// from a new snapshot, and the store's position stays the first
/// snapshot's, with a catch-up window up to the new one.
async fn resume(
    cfg: &CloneConfig,
    store: &Arc<Store>,
    ctl: &mut Conn,
    lock: source::LockKind,
    plan: Plan,
    progress: &Arc<CloneProgress>,
) -> Result<Cloned> {
    check_row_images(ctl).await?;
    progress.set_phase("taking a new snapshot");
    let names: Vec<TableName> = plan
        .tables
        .iter()
        .map(|t| TableName {
            db: t.source_db.clone(),
            name: t.name.clone(),
        })
        .collect();
    let snap = source::take(&cfg.connect, ctl, lock, cfg.parallel, &names).await?;
    log_snapshot(&snap);
    let mariadb = ctl.is_mariadb();
    let mut txn = store.txn();
    let mut late = Vec::new();
    let mut undone = 0;
    for (ti, (t, create)) in plan.tables.iter().zip(&snap.creates).enumerate() {
        if *create != t.create {
            return Err(ReplicaError::Config(format!(
                "the interrupted clone cannot go on: {}.{} changed since it began                  (now: {create}); remove the data directory and clone again",
                t.source_db, t.name
            )));
        }
        let (e, _) = entry_of(store, None, t, mariadb)?;
        let mut left = 0;
        for (ci, c) in t.chunks.iter().enumerate() {
            if !plan::is_done(store, ti, ci)? {
                // What a run of it left goes; it is copied again.
                let (from, to) = c.key_range(e.id, t.unsigned);
                store.delete_range(&mut txn, &from, &to);
                left += 1;
            }
        }
        if left == t.chunks.len() {
            late.push(format!("{}.{}", t.db, t.name));
        }
        undone += left;
    }
    store.write(txn).map_err(store_err)?;
    tracing::info!(
        chunks = undone,
        "clone: resuming; the chunks not done are copied from the new snapshot"
    );
    let window = (undone > 0).then(|| Window {
        end_file: snap.position.file.clone(),
        end_pos: snap.position.pos,
        late,
    });
    copy_and_finish(store, cfg, ctl, &plan, snap, progress, Some(window)).await
}

/// Copies every chunk not done, on the snapshot's connections.
async fn copy_all(
    store: &Arc<Store>,
    plan: &Plan,
    conns: Vec<Conn>,
    mariadb: bool,
    progress: &Arc<CloneProgress>,
) -> Result<u64> {
    let mut work = VecDeque::new();
    let mut tables = Vec::new();
    let mut shown = Vec::new();
    for (ti, t) in plan.tables.iter().enumerate() {
        let (e, reader) = entry_of(store, None, t, mariadb)?;
        let mut done = 0;
        for ci in 0..t.chunks.len() {
            if plan::is_done(store, ti, ci)? {
                done += 1;
            } else {
                work.push_back((ti, ci));
            }
        }
        let p = Arc::new(TableProgress {
            name: format!("{}.{}", t.source_db, t.name),
            est_rows: t.est_rows,
            chunks: t.chunks.len(),
            chunks_done: done.into(),
            rows: 0.into(),
            bytes: 0.into(),
        });
        shown.push(p.clone());
        tables.push((e, reader, t.clone(), p));
    }
    if let Ok(mut g) = progress.tables.lock() {
        *g = shown;
    }
    progress.set_phase("copying");
    let work = Arc::new(Mutex::new(work));
    let tables = Arc::new(tables);
    let mut tasks = Vec::new();
    for mut conn in conns {
        let (work, tables, store) = (work.clone(), tables.clone(), store.clone());
        tasks.push(tokio::spawn(async move {
            let mut rows = 0u64;
            let mut run = copy::Run::default();
            loop {
                let next = work.lock().ok().and_then(|mut w| w.pop_front());
                let Some((t, c)) = next else { break };
                let (entry, reader, table, progress) = &tables[t];
                let job = copy::Job {
                    store: &store,
                    entry,
                    reader,
                    table,
                    progress,
                    t,
                    c,
                };
                match copy::chunk(&mut conn, &mut run, job).await {
                    Ok(n) => rows += n,
                    Err(e) => {
                        // The others stop at their next chunk.
                        if let Ok(mut w) = work.lock() {
                            w.clear();
                        }
                        return Err(e);
                    }
                }
            }
            let _ = conn.query("COMMIT").await;
            conn.quit().await;
            Ok(rows)
        }));
    }
    let mut total = 0;
    let mut first_err = None;
    for t in tasks {
        match t.await {
            Ok(Ok(n)) => total += n,
            Ok(Err(e)) => {
                first_err.get_or_insert(e);
            }
            Err(e) => {
                first_err.get_or_insert(ReplicaError::Config(format!("a copy task failed: {e}")));
            }
        }
    }
    match first_err {
        Some(e) => Err(e),
        None => Ok(total),
    }
}

/// The store's position becomes the snapshot's and the plan goes, in one
/// write; then master.info and relay-log.info say where streaming starts.
async fn finish(
    store: &Store,
    cfg: &CloneConfig,
    plan: &Plan,
    ctl: &mut Conn,
    window: Option<Window>,
) -> Result<()> {
    let p = &plan.position;
    let position = Position {
        source_file: p.file.clone(),
        source_pos: p.pos,
        gtid_executed: p.gtids.clone(),
        ..Position::default()
    };
    let c = &cfg.connect;
    let uuid = if ctl.is_mariadb() {
        String::new()
    } else {
        ctl.query("SELECT @@GLOBAL.SERVER_UUID")
            .await?
            .scalar()
            .unwrap_or_default()
    };
    let mi = MasterInfo {
        source_log_file: p.file.clone(),
        read_source_log_pos: p.pos,
        host: c.host.clone(),
        user: c.user.clone(),
        password: if cfg.store_password {
            String::from_utf8_lossy(&c.password).into_owned()
        } else {
            String::new()
        },
        port: c.port,
        connect_retry: 60,
        heartbeat_period: 30.0,
        source_uuid: uuid,
        retry_count: 10,
        ..MasterInfo::default()
    };
    // master.info first: until the commit below the plan is there and
    // the applier does not start.
    mi.store(&cfg.data_dir.join(MASTER_INFO))?;
    write_relay_log_info(
        &cfg.data_dir,
        &position,
        crate::applier::delay::stored(&cfg.data_dir),
    )?;
    let mut txn = store.txn();
    Plan::clear(store, &mut txn)?;
    if let Some(w) = window {
        w.save(store, &mut txn)?;
    }
    store.commit(txn, &position).map_err(store_err)?;
    store.flush().map_err(store_err)
}
