"""`make bench`, reads: the endpoint against the real MySQL 9.7 server on
the same table, in the same run.

A sysbench-like table of BENCH_ENDPOINT_ROWS rows (default 10,000,000;
generated once on a cached MySQL 9.7 primary in INSERT ... SELECT chunks)
is replicated by understudy (release build, --durability none). Then,
through each server's MySQL protocol (the primary's own data, warm):

  * the aggregate `SELECT k % 100, COUNT(*), SUM(LENGTH(c)) FROM
    sbtest.sbtest1 GROUP BY k % 100` (the issue's query with the grouped
    expression selected: `SELECT k, …` is refused by ONLY_FULL_GROUP_BY
    on MySQL), median of three runs through the mysql client, results
    compared;
  * primary-key point lookups, BENCH_ENDPOINT_LOOKUPS of them over one
    PyMySQL connection, mean latency.

Prints each time and the ratios.
"""

import os
import random
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import bench_apply  # noqa: E402  (the Server class and helpers)

CACHE = os.environ["UNDERSTUDY_CACHE"]
ROWS = int(os.environ.get("BENCH_ENDPOINT_ROWS", "10000000"))
LOOKUPS = int(os.environ.get("BENCH_ENDPOINT_LOOKUPS", "2000"))
CHUNK = 500_000
AGG = ("SELECT k % 100, COUNT(*), SUM(LENGTH(c)) FROM sbtest.sbtest1 "
       "GROUP BY k % 100 ORDER BY 1")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def primary(work):
    datadir = os.path.join(CACHE, "bench", f"endpoint-mysql-{ROWS}")
    done = datadir + ".done"
    if not os.path.exists(done):
        import shutil
        shutil.rmtree(datadir, ignore_errors=True)
    extra = ["--innodb-buffer-pool-size=2G", "--sync-binlog=0",
             "--innodb-flush-log-at-trx-commit=0", "--max-binlog-size=1073741824",
             "--log-bin=binlog", "--binlog-row-image=full"]
    p = bench_apply.Server("mysql", datadir, os.path.join(work, "primary"), 1, extra).start()
    if not os.path.exists(done):
        log(f"== generating {ROWS:,} rows on the MySQL 9.7 primary (once)")
        t = time.perf_counter()
        p.sql("CREATE DATABASE sbtest; CREATE TABLE sbtest.sbtest1 (id INT NOT NULL "
              "AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL DEFAULT 0, c CHAR(120) NOT NULL "
              "DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', KEY k_1 (k))")
        p.sql("CREATE TABLE sbtest.seq (n INT PRIMARY KEY); INSERT INTO sbtest.seq "
              "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000) "
              "SELECT n FROM s")
        left = ROWS
        while left > 0:
            n = min(CHUNK, left)
            p.sql("SET SESSION cte_max_recursion_depth = 1000000; "
                  "INSERT INTO sbtest.sbtest1 (k, c, pad) SELECT FLOOR(RAND() * "
                  f"{ROWS}), CONCAT_WS('-', LPAD(FLOOR(RAND() * 1e11), 11, '0'), "
                  "LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'), "
                  "LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'), "
                  "LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'), "
                  "LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'), "
                  "LPAD(FLOOR(RAND() * 1e11), 11, '0')), LPAD(FLOOR(RAND() * 1e11), 60, 'x') "
                  f"FROM sbtest.seq a, sbtest.seq b LIMIT {n}", timeout=3600)
            left -= n
        log(f"   {time.perf_counter() - t:.0f} s")
        open(done, "w").close()
    return p


def timed(fn):
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), out


def client(port, user, pw, q):
    args = [os.environ["UNDERSTUDY_MYSQL97_CLIENT"], "--no-defaults", f"-u{user}",
            "-h127.0.0.1", f"-P{port}", "-N", "-B", "--ssl-mode=DISABLED", "-e", q]
    if pw:
        args.insert(3, f"-p{pw}")
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{q}: {out.stderr}")
    return out.stdout


def lookups(port, user, pw, ids):
    py = os.environ["UNDERSTUDY_PYTHON_CLIENTS"]
    code = (
        "import pymysql, sys, time\n"
        f"c = pymysql.connect(host='127.0.0.1', port={port}, user='{user}', password='{pw}')\n"
        "cur = c.cursor()\n"
        "ids = [int(x) for x in sys.stdin.read().split()]\n"
        "for i in ids[:50]: cur.execute('SELECT * FROM sbtest.sbtest1 WHERE id = %s', (i,)); cur.fetchall()\n"
        "t = time.perf_counter()\n"
        "n = 0\n"
        "for i in ids: cur.execute('SELECT * FROM sbtest.sbtest1 WHERE id = %s', (i,)); n += len(cur.fetchall())\n"
        "print((time.perf_counter() - t) / len(ids), n)\n")
    out = subprocess.run([py, "-c", code], input=" ".join(map(str, ids)), capture_output=True,
                         text=True)
    if out.returncode != 0:
        sys.exit(f"lookups on {port}: {out.stderr}")
    mean, found = out.stdout.split()
    if int(found) != len(ids):
        sys.exit(f"lookups on {port}: {found} of {len(ids)} rows found")
    return float(mean)


def main():
    work = sys.argv[1]
    p = primary(work)
    data = os.path.join(work, "replica")
    port = bench_apply.free_port()
    pw_file = os.path.join(work, "admin-pw")
    with open(pw_file, "w") as f:
        f.write("bench\n")
    log(f"== understudy replicates {ROWS:,} rows")
    t = time.perf_counter()
    proc = subprocess.Popen([bench_apply.UNDERSTUDY, "run", "--data-dir", data, "--source",
                             f"mysql://root@127.0.0.1:{p.port}", "--server-id", "2",
                             "--durability", "none", "--listen", f"127.0.0.1:{port}",
                             "--admin-password-file", pw_file],
                            stderr=open(os.path.join(work, "replica.log"), "w"))
    want = p.gtids()
    while True:
        st = client(port, "admin", "bench", "SHOW REPLICA STATUS") if proc.poll() is None else ""
        if want and want in st.replace("\\n", ""):
            fields = st.rstrip("\n").split("\t")
            if len(fields) > 52 and fields[52].replace("\\n", "") == want:
                break
        if proc.poll() is not None:
            sys.exit(f"understudy run exited with {proc.returncode}")
        time.sleep(1)
    log(f"   caught up in {time.perf_counter() - t:.0f} s")
    try:
        ref_t, ref = timed(lambda: client(p.port, "root", "", AGG))
        ours_t, ours = timed(lambda: client(port, "admin", "bench", AGG))
        if ref != ours:
            sys.exit("the aggregate's results differ from MySQL's")
        log(f"   aggregate: MySQL {ref_t:.2f} s, understudy {ours_t:.2f} s; "
            f"{len(ref.splitlines())} groups, equal")
        # AUTO_INCREMENT leaves gaps after INSERT ... SELECT: the keys are
        # drawn among the primary's.
        top = int(client(p.port, "root", "", "SELECT MAX(id) FROM sbtest.sbtest1"))
        draw = sorted({random.randint(1, top) for _ in range(LOOKUPS * 2)})
        have = client(p.port, "root", "", "SELECT id FROM sbtest.sbtest1 WHERE id IN ("
                      + ",".join(map(str, draw)) + ")").split()
        ids = [int(i) for i in have][:LOOKUPS]
        random.shuffle(ids)
        ref_l = lookups(p.port, "root", "", ids)
        ours_l = lookups(port, "admin", "bench", ids)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()
        p.stop()
    print(f"aggregate over {ROWS:,} rows ({AGG}):")
    print(f"  MySQL 9.7:  {ref_t:7.2f} s")
    print(f"  understudy: {ours_t:7.2f} s   ratio {ref_t / ours_t:.2f}x (goal >= 3x faster)")
    print(f"primary-key point lookup, mean of {LOOKUPS:,} over one PyMySQL connection:")
    print(f"  MySQL 9.7:  {ref_l * 1e3:7.3f} ms")
    print(f"  understudy: {ours_l * 1e3:7.3f} ms   ratio {ours_l / ref_l:.2f}x MySQL's latency"
          " (goal <= 2x)")


if __name__ == "__main__":
    bench_apply.WORK = sys.argv[1]
    main()
