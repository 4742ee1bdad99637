//! `understudy verify`: compares every replicated table with the source
//! (row count and a checksum computed the same way on both sides), one
//! line per table and a summary; exit 1 on any difference, 2 when the
//! replica could not be compared (unreachable source, not caught up).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use understudy_replica::applier::status::read_sql_status;
use understudy_replica::client::{Conn, SslOptions};
use understudy_replica::filters::Filters;
use understudy_replica::verify::{self, Verdict};
use understudy_sql::TableName;

use crate::export_cmd::open_store;
use crate::run_cmd::{source_options, ssl_mode};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The replica's data directory (the replica may be running).
    #[arg(long)]
    data_dir: PathBuf,
    /// The source: mysql://USER[:PASSWORD]@HOST[:PORT] (an account that
    /// can SELECT the tables).
    #[arg(long)]
    source: String,
    /// A file holding the password (first line); or UNDERSTUDY_SOURCE_PASSWORD.
    #[arg(long)]
    password_file: Option<PathBuf>,
    #[arg(long)]
    ssl_mode: Option<String>,
    #[arg(long)]
    ssl_ca: Option<PathBuf>,
    /// Only these tables (DB.TABLE as the source names them; repeat).
    #[arg(long)]
    table: Vec<String>,
    /// Seconds to wait for the replica to apply up to the source's current
    /// position before comparing (0: compare at once, caught up or not).
    #[arg(long, default_value_t = 60)]
    wait: u64,
}

pub fn run(args: VerifyArgs) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("understudy verify: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match rt.block_on(verify(&args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("understudy verify: {e}");
            ExitCode::from(2)
        }
    }
}

fn table_name(s: &str) -> Result<TableName, String> {
    let (db, name) = s
        .split_once('.')
        .ok_or_else(|| format!("--table {s}: expected DB.TABLE"))?;
    Ok(TableName {
        db: db.to_owned(),
        name: name.to_owned(),
    })
}

async fn connect(args: &VerifyArgs) -> Result<Conn, String> {
    let (opts, _) = source_options(
        &args.source,
        args.password_file.as_deref(),
        SslOptions {
            mode: ssl_mode(args.ssl_mode.as_deref())?,
            ca: args.ssl_ca.clone(),
            cert: None,
            key: None,
        },
    )?;
    Conn::connect(&opts)
        .await
        .map_err(|e| format!("{}: {e}", opts.address()))
}

/// True when every table is equal.
async fn verify(args: &VerifyArgs) -> Result<bool, String> {
    let only = args
        .table
        .iter()
        .map(|t| table_name(t))
        .collect::<Result<Vec<_>, _>>()?;
    let mut conn = connect(args).await?;
    let (file, pos, gtids) = conn.binary_log_status().await.map_err(|e| e.to_string())?;
    let (store, _scratch) = open_store(&args.data_dir)?;
    let deadline = Instant::now() + Duration::from_secs(args.wait);
    loop {
        store.catch_up().map_err(|e| e.to_string())?;
        let p = store
            .position()
            .map_err(|e| e.to_string())?
            .unwrap_or_default();
        if args.wait == 0 || verify::caught_up(&p, &file, pos, &gtids) {
            break;
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "the replica has not applied up to the source's position {file}:{pos} after {} s \
                 (it is at {}:{}); nothing compared (--wait 0 compares anyway)",
                args.wait, p.source_file, p.source_pos
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let filters = match read_sql_status(&args.data_dir) {
        Some(s) => Filters::from_status_fields(&s.filters)?,
        None => Filters::default(),
    };
    verify::prepare_session(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    let source_tables = verify::source_tables(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    // The source's sessions' temporary tables are not the source's data.
    let mut replica_tables = store.tables(None, None).map_err(|e| e.to_string())?;
    replica_tables.retain(|t| !understudy_replica::applier::temporary::is_temporary(&t.db));
    let (mut equal, mut different) = (0usize, 0usize);
    for (s, r) in verify::pairs(&source_tables, &replica_tables, &filters, &only) {
        let verdict = match (&s, &r) {
            (Some(_), None) => Verdict::MissingOnReplica,
            (None, _) => Verdict::OnlyOnReplica,
            (Some(st), Some(rt)) => {
                let entry = replica_tables
                    .iter()
                    .find(|e| e.db == rt.db && e.name == rt.name)
                    .ok_or("catalog changed while reading")?;
                let mine = verify::replica_checksum(&store, entry).map_err(|e| e.to_string())?;
                let theirs = verify::source_checksum(&mut conn, st, &entry.schema)
                    .await
                    .map_err(|e| format!("{st}: {e}"))?;
                if mine == theirs {
                    Verdict::Equal(mine)
                } else {
                    Verdict::Different {
                        replica: mine,
                        source: theirs,
                    }
                }
            }
        };
        if matches!(verdict, Verdict::Equal(_)) {
            equal += 1;
        } else {
            different += 1;
        }
        let replica = r.clone().or_else(|| {
            s.as_ref().map(|s| TableName {
                db: filters.rewrite(&s.db).to_owned(),
                name: s.name.clone(),
            })
        });
        let line = verify::TableVerdict {
            source: s
                .clone()
                .or_else(|| r.clone())
                .unwrap_or_else(|| TableName {
                    db: String::new(),
                    name: String::new(),
                }),
            replica: replica.unwrap_or_else(|| TableName {
                db: String::new(),
                name: String::new(),
            }),
            verdict,
        };
        println!("{line}");
    }
    println!(
        "{} tables compared at source position {file}:{pos}: {equal} equal, {different} different",
        equal + different
    );
    conn.quit().await;
    Ok(different == 0)
}
