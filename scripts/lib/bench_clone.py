"""`make bench`, clone: `understudy clone` of a 10,000,000-row table
against MySQL 9.7's own tools on the same table, in the same run.

The table is the endpoint bench's (sbtest.sbtest1, BENCH_ENDPOINT_ROWS
rows, about 2 GB, generated once on a cached MySQL 9.7 primary). Timed:

  * `mysqldump --single-transaction sbtest sbtest1 > /dev/null`;
  * `understudy clone` of that table into an empty data directory
    (release build, default --parallel), whose copy `understudy verify`
    then checks against the primary (rows and checksum);
  * seeding a real MySQL 9.7 replica from the dump, end to end:
    `mysqldump --single-transaction … | mysql` into a fresh MySQL 9.7
    server (binary log off, innodb_flush_log_at_trx_commit=2, a 2 GB
    buffer pool: a loader tuned for the load).

The dump and the clone run three times each, alternately (the primary
reads part of its data from the disk, which moves times by 10-20% from
run to run); the fastest run of each counts. Both clients use their default TLS setting (preferred).
"""

import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import bench_apply  # noqa: E402
import bench_endpoint  # noqa: E402

ROWS = bench_endpoint.ROWS


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def mysqldump():
    return os.path.join(os.path.dirname(os.environ["UNDERSTUDY_MYSQL97_CLIENT"]), "mysqldump")


def dump_args(port):
    return [mysqldump(), "--no-defaults", "-uroot", "-h127.0.0.1", f"-P{port}",
            "--single-transaction", "--set-gtid-purged=OFF", "sbtest", "sbtest1"]


def timed_run(args, **kw):
    t = time.perf_counter()
    subprocess.run(args, check=True, **kw)
    return time.perf_counter() - t


def main():
    work = sys.argv[1]
    p = bench_endpoint.primary(work)
    data = os.path.join(work, "clone")
    clone = [bench_apply.UNDERSTUDY, "clone", "--source", f"mysql://root@127.0.0.1:{p.port}",
             "--data-dir", data, "--replicate-do-table", "sbtest.sbtest1", "--progress", "log"]
    dumps, clones = [], []
    for i in range(3):
        log(f"== mysqldump --single-transaction of {ROWS:,} rows to /dev/null ({i + 1} of 3)")
        dumps.append(timed_run(dump_args(p.port), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL))
        log(f"   {dumps[-1]:.1f} s")
        log(f"== understudy clone of the same table ({i + 1} of 3)")
        shutil.rmtree(data, ignore_errors=True)
        clones.append(timed_run(clone, stderr=open(os.path.join(work, "clone.log"), "w")))
        log(f"   {clones[-1]:.1f} s")
    log("== understudy verify of the clone")
    out = subprocess.run([bench_apply.UNDERSTUDY, "verify", "--data-dir", data, "--source",
                          f"mysql://root@127.0.0.1:{p.port}", "--table", "sbtest.sbtest1",
                          "--wait", "0"], capture_output=True, text=True)
    if out.returncode != 0 or "sbtest.sbtest1: equal" not in out.stdout:
        sys.exit(f"bench: the clone differs from the primary:\n{out.stdout}{out.stderr}")
    log("   " + out.stdout.strip().splitlines()[0])
    log("== seeding a MySQL 9.7 replica: mysqldump | mysql")
    r = bench_apply.Server("mysql", os.path.join(work, "seed-data"), os.path.join(work, "seed"),
                           2, ["--innodb-buffer-pool-size=2G", "--skip-log-bin",
                               "--innodb-flush-log-at-trx-commit=2",
                               "--innodb-redo-log-capacity=2G"]).start()
    r.sql("CREATE DATABASE sbtest")
    load = [os.environ["UNDERSTUDY_MYSQL97_CLIENT"], "--no-defaults", "-uroot", "-h127.0.0.1",
            f"-P{r.port}", "sbtest"]
    t = time.perf_counter()
    dump = subprocess.Popen(dump_args(p.port), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    subprocess.run(load, stdin=dump.stdout, check=True)
    if dump.wait() != 0:
        sys.exit("bench: mysqldump failed")
    seed = time.perf_counter() - t
    n = r.sql("SELECT COUNT(*) FROM sbtest.sbtest1").strip()
    if int(n) != ROWS:
        sys.exit(f"bench: the seeded replica holds {n} rows, not {ROWS}")
    log(f"   {seed:.1f} s")
    r.stop()
    dump_t, clone_t = min(dumps), min(clones)
    runs = ", ".join(f"{d:.1f}/{c:.1f}" for d, c in zip(dumps, clones))
    print(f"clone of {ROWS:,} rows (about 2 GB): mysqldump --single-transaction > /dev/null "
          f"{dump_t:.1f} s; understudy clone {clone_t:.1f} s ({ROWS / clone_t:,.0f} rows/s): "
          f"{dump_t / clone_t:.2f}x faster (goal 2x; runs dump/clone: {runs})")
    print(f"seeding a replica: mysqldump | mysql into MySQL 9.7 {seed:.1f} s; understudy clone "
          f"{clone_t:.1f} s: {seed / clone_t:.1f}x faster (goal 10x)")
    p.stop()


if __name__ == "__main__":
    main()
