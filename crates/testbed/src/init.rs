//! Fresh data directories. MariaDB is initialised in place by
//! `mariadb-install-db` (about 0.6 s). MySQL's `--initialize-insecure` takes
//! about 2 s, so one pristine directory per binary build is kept under
//! `$UNDERSTUDY_CACHE/pristine/` and copied for each server, minus `auto.cnf`
//! so that every copy makes its own `server_uuid` on first start.
//!
//! Every initialiser gets its own `TMPDIR`: a starting server deletes all
//! `#sql*` files in its tmpdir, including those of a neighbour that shares
//! it (seen with parallel `mariadb-install-db` 10.11 runs).

use std::collections::hash_map::DefaultHasher;
use std::fs::{self, File};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::TestbedError;
use crate::testbed::{Binaries, Testbed};

/// Creates `data_dir`, which must not exist yet, as an empty data directory
/// with a password-less `root`; `tmp_dir` is private to this server.
pub(crate) fn prepare_data_dir(
    testbed: &Testbed,
    bins: &Binaries,
    data_dir: &Path,
    tmp_dir: &Path,
) -> Result<(), TestbedError> {
    if bins.kind.is_mariadb() {
        return initialise(bins, data_dir, tmp_dir);
    }
    let pristine = pristine(testbed, bins)?;
    run(
        Command::new("cp").arg("-a").arg(&pristine).arg(data_dir),
        &format!("copying {} to {}", pristine.display(), data_dir.display()),
    )?;
    remove_server_uuid(data_dir)
}

/// Runs the kind's initialiser into `data_dir`.
fn initialise(bins: &Binaries, data_dir: &Path, tmp_dir: &Path) -> Result<(), TestbedError> {
    let mut cmd = match (&bins.install_db, &bins.basedir) {
        (Some(install_db), basedir) => {
            let mut cmd = Command::new(install_db);
            cmd.arg("--no-defaults");
            if let Some(basedir) = basedir {
                // 11.8 runs its helpers from the basedir; --force skips the
                // host-name look-up that fails without DNS.
                cmd.arg(format!("--basedir={}", basedir.display()))
                    .arg("--force");
            }
            cmd.arg(format!("--datadir={}", data_dir.display()))
                .arg("--auth-root-authentication-method=normal")
                .arg("--user=root");
            cmd
        }
        (None, Some(basedir)) => {
            let mut cmd = Command::new(&bins.server);
            cmd.arg("--no-defaults")
                .arg("--initialize-insecure")
                .arg(format!("--datadir={}", data_dir.display()))
                .arg(format!("--basedir={}", basedir.display()))
                .arg(format!(
                    "--lc-messages-dir={}",
                    basedir.join("share/mysql").display()
                ))
                .arg("--user=root");
            cmd
        }
        (None, None) => {
            return Err(TestbedError::Init {
                kind: bins.kind,
                status: "not attempted".into(),
                output: "neither an install-db script nor a basedir is configured".into(),
            });
        }
    };
    let output = cmd
        .env("TMPDIR", tmp_dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| TestbedError::io(format!("running {:?}", cmd.get_program()), e))?;
    if output.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    Err(TestbedError::Init {
        kind: bins.kind,
        status: output.status.to_string(),
        output: text,
    })
}

/// The cached pristine data directory for these binaries, made on first use
/// under a file lock (shared by threads and processes).
fn pristine(testbed: &Testbed, bins: &Binaries) -> Result<PathBuf, TestbedError> {
    let dir = testbed.cache_dir().join("pristine");
    fs::create_dir_all(&dir)
        .map_err(|e| TestbedError::io(format!("creating {}", dir.display()), e))?;
    let target = dir.join(format!("{}-{:016x}", bins.kind.name(), fingerprint(bins)));
    let lock_path = dir.join(".lock");
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| TestbedError::io(format!("opening {}", lock_path.display()), e))?;
    lock.lock()
        .map_err(|e| TestbedError::io(format!("locking {}", lock_path.display()), e))?;
    if target.is_dir() {
        return Ok(target);
    }
    let scratch = tempfile::Builder::new()
        .prefix(&format!(".init-{}-", bins.kind.name()))
        .tempdir_in(&dir)
        .map_err(|e| TestbedError::io(format!("creating a directory in {}", dir.display()), e))?;
    let data = scratch.path().join("data");
    let tmp = scratch.path().join("tmp");
    fs::create_dir(&tmp).map_err(|e| TestbedError::io(format!("creating {}", tmp.display()), e))?;
    initialise(bins, &data, &tmp)?;
    remove_server_uuid(&data)?;
    fs::rename(&data, &target).map_err(|e| {
        TestbedError::io(
            format!("renaming {} to {}", data.display(), target.display()),
            e,
        )
    })?;
    Ok(target)
}

/// Identifies a build of the server: the configured paths and the size and
/// modification time of each, so that re-provisioning invalidates the cache.
fn fingerprint(bins: &Binaries) -> u64 {
    let mut paths = vec![bins.server.clone()];
    if let Some(basedir) = &bins.basedir {
        paths.push(basedir.join("sbin").join("mysqld"));
        paths.push(basedir.join("sbin").join("mariadbd"));
    }
    let mut hasher = DefaultHasher::new();
    bins.kind.hash(&mut hasher);
    for path in paths {
        path.hash(&mut hasher);
        if let Ok(meta) = fs::metadata(&path) {
            meta.len().hash(&mut hasher);
            meta.modified().ok().hash(&mut hasher);
        }
    }
    hasher.finish()
}

/// MySQL writes a new `auto.cnf` with a fresh `server_uuid` when it is absent.
fn remove_server_uuid(data_dir: &Path) -> Result<(), TestbedError> {
    let auto_cnf = data_dir.join("auto.cnf");
    match fs::remove_file(&auto_cnf) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(TestbedError::io(
            format!("removing {}", auto_cnf.display()),
            e,
        )),
        _ => Ok(()),
    }
}

/// Runs a helper command and fails with its stderr.
fn run(cmd: &mut Command, what: &str) -> Result<(), TestbedError> {
    let output = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| TestbedError::io(what, e))?;
    if output.status.success() {
        return Ok(());
    }
    Err(TestbedError::io(
        what,
        std::io::Error::other(format!(
            "{}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )),
    ))
}
