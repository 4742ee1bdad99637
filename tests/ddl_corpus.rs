//! Every statement of every query event in the recorded binlogs
//! (`testdata/`) and the real ones in `../shared/fixtures/real` (MySQL 5.0
//! to 9.x, MariaDB) goes through the applier's DDL reader: a DDL statement
//! must be understood (a catalog change, or a statement that changes no
//! stored data), transaction control is passed over, and statement-based
//! DML is recognised as such and read by the statement executor's reader
//! (a form it does not read yet is named, never a parse failure). MariaDB's
//! explicit system-versioning periods would be refused by name (none are
//! in the corpus).
//! Anything else is a failure naming the file, the offset and the
//! statement.

#![allow(clippy::unwrap_used)]

mod support;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use understudy_binlog::event::{self, Event};
use understudy_binlog::reader::EventReader;
use understudy_sql::{Ddl, SqlError, parse_ddl};

use support::read_maybe_gz;

/// Binlog and relay log files under `dir` (plain or gzipped), by name.
fn binlogs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            binlogs(&p, out);
            continue;
        }
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let base = name.trim_end_matches(".gz");
        let numbered = base
            .rsplit_once('.')
            .is_some_and(|(_, n)| n.len() == 6 && n.bytes().all(|c| c.is_ascii_digit()));
        if numbered || base.ends_with(".binlog") || base.ends_with(".bin") {
            out.push(p);
        }
    }
}

fn first_word(q: &str) -> String {
    let q = q.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
    // A leading comment (`/* … */`) is not the statement.
    let q = match q.strip_prefix("/*") {
        Some(rest) if !rest.starts_with('!') => {
            rest.split_once("*/").map_or("", |(_, r)| r).trim_start()
        }
        _ => q,
    };
    q.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .next()
        .unwrap_or("")
        .to_ascii_uppercase()
}

#[test]
fn every_ddl_in_the_corpus_is_understood() {
    let mut files = Vec::new();
    binlogs(Path::new("testdata"), &mut files);
    assert!(files.len() >= 20, "testdata missing: {} files", files.len());
    // The real binlogs live outside the repository (as for
    // tests/golden.rs): where they are not, testdata alone is read, and
    // the test says so.
    let fixtures = std::env::var_os("UNDERSTUDY_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/fixtures/real"));
    if fixtures.join("MANIFEST.md").exists() {
        let before = files.len();
        binlogs(&fixtures, &mut files);
        assert!(
            files.len() - before > 50,
            "fixtures missing under {}",
            fixtures.display()
        );
    } else {
        let _ = writeln!(
            std::io::stderr(),
            "fixtures: {} NOT FOUND; only testdata/ is read (set UNDERSTUDY_FIXTURES)",
            fixtures.display()
        );
    }
    files.sort();
    let (mut ddl, mut no_data, mut dml, mut control) = (0, 0, 0, 0);
    let mut dml_read = 0;
    let mut dml_refused = std::collections::BTreeMap::new();
    let mut failures = Vec::new();
    // MariaDB table features understudy refuses by name (the applier
    // stops on them with this error).
    let mut refused = Vec::new();
    for f in &files {
        let Some(bytes) = read_maybe_gz(f) else {
            continue;
        };
        let Ok(mut r) = EventReader::new(&bytes) else {
            continue;
        };
        while let Some(Ok(raw)) = r.next_event() {
            let fde = r.fde().clone();
            let Ok(Event::Query(q)) = event::decode(&raw, &fde) else {
                continue;
            };
            let text = String::from_utf8_lossy(&q.query).into_owned();
            let db = String::from_utf8_lossy(q.db).into_owned();
            let word = first_word(&text);
            if matches!(
                word.as_str(),
                "BEGIN" | "COMMIT" | "ROLLBACK" | "XA" | "SAVEPOINT" | "RELEASE"
            ) {
                control += 1;
                continue;
            }
            match parse_ddl(&text, &db) {
                Ok(list) => {
                    if list
                        .iter()
                        .all(|d| matches!(d, Ddl::NoData(_) | Ddl::Temporary(_)))
                    {
                        no_data += 1;
                    } else {
                        ddl += 1;
                    }
                }
                Err(_)
                    if matches!(
                        word.as_str(),
                        "INSERT"
                            | "UPDATE"
                            | "DELETE"
                            | "REPLACE"
                            | "LOAD"
                            | "SET"
                            | "SELECT"
                            | "CALL"
                            | "DO"
                            | "USE"
                    ) =>
                {
                    dml += 1;
                    // The statement-based executor's reader: never a
                    // panic; every form it does not read yet is named.
                    if understudy_sql::dml::is_dml(&text) {
                        let read = understudy_sql::dml::parse_dml(&text, &db);
                        // The literal-INSERT fast path reads what the
                        // parser reads.
                        if let Ok(understudy_sql::dml::Dml::Insert(fast)) = &read {
                            let slow = understudy_sql::dml::parse_dml_slowly(&text, &db);
                            assert!(
                                matches!(&slow, Ok(understudy_sql::dml::Dml::Insert(s)) if s == fast),
                                "{}@{}: {text}\nfast {fast:?}\nparser {slow:?}",
                                f.display(),
                                raw.offset
                            );
                        }
                        match read {
                            Ok(_) => dml_read += 1,
                            Err(e) => *dml_refused.entry(refusal(&e)).or_insert(0) += 1,
                        }
                    }
                }
                Err(SqlError::Unsupported(m))
                    if m.starts_with("MariaDB ") && m.contains(" are not supported: ") =>
                {
                    refused.push(format!("{}@{}: {m}", f.display(), raw.offset));
                }
                Err(e) => failures.push(format!(
                    "{}@{}: {e}\n    {}",
                    f.display(),
                    raw.offset,
                    text.chars().take(300).collect::<String>()
                )),
            }
        }
    }
    eprintln!(
        "{} files: {ddl} DDL statements, {no_data} that change no stored data, {dml} statement-based DML, {control} transaction control",
        files.len()
    );
    eprintln!(
        "INSERT/REPLACE/UPDATE/DELETE read for the statement executor: {dml_read}; not yet: {dml_refused:?}"
    );
    assert!(
        !dml_refused.contains_key("not parsed"),
        "DML the parser does not read: {dml_refused:?}"
    );
    eprintln!("{} refused by name:\n{}", refused.len(), refused.join("\n"));
    assert!(ddl > 100, "too few DDL statements found: {ddl}");
    assert!(
        failures.is_empty(),
        "{} statements not understood:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What a refused DML statement is, for the corpus summary.
fn refusal(e: &SqlError) -> String {
    match e {
        SqlError::Unsupported(m) => m.split(':').next().unwrap_or("").to_owned(),
        SqlError::Parse(_) => "not parsed".to_owned(),
        other => other.to_string(),
    }
}
