"""`make bench`, applying: how fast replicas consume a binlog that is
already there (the DBA's "seconds to consume 1.5M INSERTs").

One MySQL 9.7 primary (generated once, its data directory cached) holds
four phases: 1,500,000 single-row INSERT transactions into a sysbench-like
table, 1,500 transactions of 1,000 rows, 300,000 single-row UPDATEs and
300,000 single-row DELETEs by primary key. Each replica first fetches the
whole binlog (its I/O thread alone), then its applier is timed phase by
phase (UNTIL SQL_AFTER_GTIDS the phase's last transaction):

  (a) MySQL 9.7 replica, default durable settings (fsync-bound: timed on a
      prefix of the INSERT phase, reported as a rate);
  (b) MySQL 9.7 replica, innodb_flush_log_at_trx_commit=0, sync_binlog=0,
      4 parallel workers;
  (c) understudy --durability sync and --durability none.

The same workload on a MariaDB 10.11 primary is applied by a MariaDB
replica with relaxed durability (innodb_flush_log_at_trx_commit=0,
sync_binlog=0, 4 parallel threads) and by understudy. So are the 1,500,000
INSERTs alone sent as literal statements to a MariaDB 10.11 primary with
binlog_format=STATEMENT (the replicas execute the SQL). The real replicas get
innodb_buffer_pool_size=2G. Every understudy run ends with its tables
checked against the primary's (row count and checksum).
"""

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time

CACHE = os.environ["UNDERSTUDY_CACHE"]
ROWS = int(os.environ.get("BENCH_APPLY_ROWS", "1500000"))
BULK_TXNS = int(os.environ.get("BENCH_APPLY_BULK", "1500"))
CHANGES = int(os.environ.get("BENCH_APPLY_CHANGES", "300000"))
PREFIX = int(os.environ.get("BENCH_APPLY_PREFIX", "60000"))
UNDERSTUDY = os.path.abspath("target/release/understudy")
SQL = os.path.abspath("scripts/lib/apply-bench.sql")
PHASES = ["inserts", "bulk", "updates", "deletes"]
PHASE_TEXT = {
    "inserts": f"{ROWS:,} single-row INSERT transactions",
    "bulk": f"{BULK_TXNS:,} transactions of 1,000 rows",
    "updates": f"{CHANGES:,} single-row UPDATEs by primary key",
    "deletes": f"{CHANGES:,} single-row DELETEs by primary key",
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """A private MySQL 9.7 or MariaDB 10.11 server on loopback."""

    def __init__(self, flavor, datadir, work, server_id, extra):
        self.flavor, self.datadir, self.work = flavor, datadir, work
        self.server_id, self.extra = server_id, extra
        self.port = free_port()
        self.proc = None
        os.makedirs(work, exist_ok=True)
        self.mariadb = flavor.startswith("mariadb")
        env = os.environ
        if self.mariadb:
            self.mysqld = env["UNDERSTUDY_MARIADB1011_MARIADBD"]
            self.client = env["UNDERSTUDY_MARIADB1011_CLIENT"]
        else:
            self.mysqld = env["UNDERSTUDY_MYSQL97_MYSQLD"]
            self.client = env["UNDERSTUDY_MYSQL97_CLIENT"]
            self.basedir = env["UNDERSTUDY_MYSQL97_BASEDIR"]

    def _common(self):
        args = ["--no-defaults", f"--datadir={self.datadir}", "--user=root"]
        if not self.mariadb:
            args += [f"--basedir={self.basedir}",
                     f"--lc-messages-dir={self.basedir}/share/mysql"]
        return args

    def init(self):
        if os.path.isdir(os.path.join(self.datadir, "mysql")):
            return
        shutil.rmtree(self.datadir, ignore_errors=True)
        out = open(os.path.join(self.work, "init.log"), "w")
        if self.mariadb:
            subprocess.run([os.environ["UNDERSTUDY_MARIADB1011_INSTALL_DB"], "--no-defaults",
                            f"--datadir={self.datadir}", "--auth-root-authentication-method=normal",
                            "--user=root"], stdout=out, stderr=out, check=True)
        else:
            subprocess.run([self.mysqld] + self._common() + ["--initialize-insecure"],
                           stdout=out, stderr=out, check=True)

    def start(self):
        self.init()
        args = [self.mysqld] + self._common() + [
            f"--port={self.port}", "--bind-address=127.0.0.1",
            f"--socket={self.work}/sock", f"--pid-file={self.work}/pid",
            f"--tmpdir={self.work}", f"--server-id={self.server_id}"]
        if self.mariadb:
            fmt = "STATEMENT" if self.flavor == STATEMENT else "ROW"
            args += [f"--binlog-format={fmt}"]
        else:
            args += ["--mysqlx=OFF", "--secure-file-priv=", "--performance-schema=OFF",
                     "--gtid-mode=ON", "--enforce-gtid-consistency=ON"]
        args += self.extra
        self.proc = subprocess.Popen(args, stdout=open(f"{self.work}/error.log", "w"),
                                     stderr=subprocess.STDOUT)
        for _ in range(120):
            if self.proc.poll() is not None:
                sys.exit(f"{self.flavor} server exited; see {self.work}/error.log")
            try:
                self.sql("SELECT 1")
                return self
            except subprocess.CalledProcessError:
                time.sleep(0.5)
        sys.exit(f"{self.flavor} server did not start; see {self.work}/error.log")

    def sql(self, q, timeout=None):
        out = subprocess.run([self.client, "--no-defaults", "-uroot", "-h127.0.0.1",
                              f"-P{self.port}", "-N", "-B", "-e", q], capture_output=True,
                             text=True, timeout=timeout)
        if out.returncode != 0:
            raise subprocess.CalledProcessError(out.returncode, q, out.stdout, out.stderr)
        return out.stdout

    def sql_file(self, path):
        with open(path) as f:
            subprocess.run([self.client, "--no-defaults", "-uroot", "-h127.0.0.1",
                            f"-P{self.port}"], stdin=f, check=True)

    def status(self):
        q = "SHOW SLAVE STATUS" if self.mariadb else "SHOW REPLICA STATUS"
        out = subprocess.run([self.client, "--no-defaults", "-uroot", "-h127.0.0.1",
                              f"-P{self.port}", "-E", "-e", q], capture_output=True,
                             text=True, check=True).stdout
        fields = (l.split(": ", 1) for l in out.splitlines() if ": " in l)
        return {k.strip(): v.strip() for k, v in fields}

    def binlog_position(self):
        q = "SHOW MASTER STATUS" if self.mariadb else "SHOW BINARY LOG STATUS"
        f, pos = self.sql(q).split("\t")[:2]
        return [f, int(pos)]

    def gtids(self):
        q = "SELECT @@GLOBAL.gtid_binlog_pos" if self.mariadb else "SELECT @@GLOBAL.gtid_executed"
        return self.sql(q).strip().replace("\n", "")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=300)
        self.proc = None


STATEMENT = "mariadb-statement"


def p_maria(flavor):
    return flavor.startswith("mariadb")


def statement_inserts(p):
    """ROWS single-row INSERTs into sbtest1 as an application sends them
    (literal values, autocommit), on a primary logging statements: each
    is a Query event after an INTVAR INSERT_ID."""
    p.sql("CREATE DATABASE sbtest; CREATE TABLE sbtest.sbtest1 (id BIGINT NOT NULL "
          "AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL DEFAULT 0, c CHAR(120) NOT NULL "
          "DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', KEY k_1 (k))")
    rng = random.Random(5)

    def groups(n):
        return "-".join(f"{rng.randrange(10**11):011d}" for _ in range(n))

    client = subprocess.Popen([p.client, "--no-defaults", "-uroot", "-h127.0.0.1",
                               f"-P{p.port}"], stdin=subprocess.PIPE, text=True)
    batch = []
    for _ in range(ROWS):
        batch.append(f"INSERT INTO sbtest.sbtest1 (k, c, pad) VALUES "
                     f"({rng.randrange(ROWS)}, '{groups(10)}', '{groups(5)}');\n")
        if len(batch) == 10000:
            client.stdin.write("".join(batch))
            batch = []
    client.stdin.write("".join(batch))
    client.stdin.close()
    if client.wait() != 0:
        sys.exit("generating the STATEMENT-format inserts failed")


def primary(flavor):
    """The cached primary with every phase, and the GTID that ends each."""
    datadir = os.path.join(CACHE, "bench", f"apply-{flavor}-{ROWS}-{BULK_TXNS}-{CHANGES}")
    meta = datadir + ".phases.json"
    if not os.path.exists(meta):
        shutil.rmtree(datadir, ignore_errors=True)
    work = os.path.join(WORK, f"primary-{flavor}")
    extra = ["--innodb-buffer-pool-size=512M", "--sync-binlog=0",
             "--innodb-flush-log-at-trx-commit=0", "--max-binlog-size=1073741824"]
    extra += ["--log-bin=mariadb-bin"] if p_maria(flavor) else ["--log-bin=binlog"]
    p = Server(flavor, datadir, work, 1, extra).start()
    if not os.path.exists(meta) and flavor == STATEMENT:
        log("== generating the STATEMENT-format INSERTs on the MariaDB primary (once)")
        t = time.perf_counter()
        statement_inserts(p)
        ends = {"inserts": p.gtids(), "inserts@pos": p.binlog_position(), "start": None}
        log(f"   inserts: {time.perf_counter() - t:.0f} s, ends at {ends['inserts']}")
        with open(meta, "w") as f:
            json.dump(ends, f)
    if not os.path.exists(meta):
        log(f"== generating the workload on the {flavor} primary (once)")
        p.sql_file(SQL)
        ends = {}
        for phase, call in [("inserts", f"CALL sbtest.fill({ROWS})"),
                            ("bulk", f"CALL sbtest.bulk({BULK_TXNS}, 1000)"),
                            ("updates", f"CALL sbtest.updates({CHANGES}, {ROWS})"),
                            ("deletes", f"CALL sbtest.deletes({CHANGES})")]:
            t = time.perf_counter()
            p.sql(call)
            ends[phase] = p.gtids()
            # MariaDB's SQL thread alone stops only at a binlog position.
            ends[phase + "@pos"] = p.binlog_position()
            log(f"   {phase}: {time.perf_counter() - t:.0f} s, ends at {ends[phase]}")
        ends["start"] = None
        with open(meta, "w") as f:
            json.dump(ends, f)
    with open(meta) as f:
        return p, json.load(f)


# ---- real replicas ----------------------------------------------------------

def real_replica(flavor, name, p, extra):
    work = os.path.join(WORK, name)
    r = Server(flavor, os.path.join(work, "data"), work, 2, extra).start()
    if p_maria(flavor):
        r.sql(f"CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={p.port}, "
              f"MASTER_USER='root', MASTER_USE_GTID=slave_pos; START SLAVE IO_THREAD")
    else:
        r.sql(f"CHANGE REPLICATION SOURCE TO SOURCE_HOST='127.0.0.1', SOURCE_PORT={p.port}, "
              f"SOURCE_USER='root', SOURCE_AUTO_POSITION=1; START REPLICA IO_THREAD")
    want = p.gtids()
    while True:
        st = r.status()
        got = st.get("Gtid_IO_Pos" if p_maria(flavor) else "Retrieved_Gtid_Set", "")
        if got.replace(" ", "") == want:
            break
        if st.get("Last_IO_Errno", "0") != "0":
            sys.exit(f"{name}: {st.get('Last_IO_Error')}")
        time.sleep(0.2)
    return r


def time_real(flavor, r, until, until_pos=None):
    """Seconds the replica's SQL thread takes to reach `until` (MariaDB:
    the binlog position `until_pos`) and stop."""
    if p_maria(flavor):
        f, pos = until_pos
        q = f"START SLAVE SQL_THREAD UNTIL MASTER_LOG_FILE = '{f}', MASTER_LOG_POS = {pos}"
        running = "Slave_SQL_Running"
    else:
        q = f"START REPLICA SQL_THREAD UNTIL SQL_AFTER_GTIDS = '{until}'"
        running = "Replica_SQL_Running"

    def reached(st):
        # MariaDB's UNTIL stops at the first event past the position, so
        # at the end of the binlog it waits: the position executed counts.
        if not p_maria(flavor):
            return False
        at = (st.get("Relay_Master_Log_File", ""), int(st.get("Exec_Master_Log_Pos") or 0))
        return at >= (f, pos)

    os.sync()
    t = time.perf_counter()
    r.sql(q)
    while True:
        st = r.status()
        if st.get(running) == "No":
            t = time.perf_counter() - t
            break
        if reached(st):
            t = time.perf_counter() - t
            r.sql("STOP SLAVE SQL_THREAD")
            break
        time.sleep(0.05)
    if st.get("Last_SQL_Errno", "0") != "0":
        sys.exit(f"replica failed: {st.get('Last_SQL_Error')}")
    return t


# ---- understudy ---------------------------------------------------------------

def fetch_relay(flavor, p):
    """understudy's I/O thread alone fetches every binlog; the data
    directory is kept as a template."""
    data = os.path.join(WORK, f"relay-{flavor}")
    proc = subprocess.Popen([UNDERSTUDY, "run", "--data-dir", data, "--source",
                             f"mysql://root@127.0.0.1:{p.port}", "--server-id", "2",
                             "--threads", "io", "--sync-relay-log", "0",
                             "--max-relay-log-size", str(256 << 20)],
                            stderr=open(os.path.join(WORK, f"relay-{flavor}.log"), "w"))
    want = p.gtids()
    while True:
        try:
            st = dict(l.split(": ", 1) for l in open(os.path.join(data, "replica-status"))
                      .read().splitlines() if ": " in l)
        except FileNotFoundError:
            st = {}
        if st.get("Retrieved_Gtid_Set") == want:
            break
        if proc.poll() is not None:
            sys.exit(f"understudy run --threads io exited with {proc.returncode}")
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait() == 0
    return data


def time_understudy(template, name, durability, until):
    data = os.path.join(WORK, name)
    if not os.path.exists(data):
        shutil.copytree(template, data)
    # The copy's dirty pages reach the disk before the clock starts.
    os.sync()
    t = time.perf_counter()
    subprocess.run([UNDERSTUDY, "run", "--data-dir", data, "--threads", "sql",
                    "--durability", durability, "--until-sql-after-gtids", until],
                   check=True, stderr=open(os.path.join(WORK, f"{name}.log"), "a"))
    t = time.perf_counter() - t
    st = dict(l.split(": ", 1) for l in open(os.path.join(data, "applier-status"))
              .read().splitlines() if ": " in l)
    if st.get("Executed_Gtid_Set") != until:
        sys.exit(f"{name}: stopped at {st.get('Executed_Gtid_Set')}, not {until}: "
                 f"{st.get('Last_SQL_Error')}")
    return t, data


def verify(data, p):
    out = subprocess.run([UNDERSTUDY, "verify", "--data-dir", data, "--source",
                          f"mysql://root@127.0.0.1:{p.port}", "--wait", "0"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"verify {data}:\n{out.stdout}{out.stderr}")
    return out.stdout.strip().splitlines()[-1]


LARGE_ROWS = int(os.environ.get("BENCH_APPLY_LARGE_ROWS", "1100000"))


def large_transaction():
    """One transaction of about 2 GiB of row events (LARGE_ROWS rows of
    about 1.9 KB in one INSERT … SELECT) on a cached MySQL 9.7 primary;
    understudy applies it from a fetched relay log: seconds and peak RSS."""
    datadir = os.path.join(CACHE, "bench", f"apply-large-{LARGE_ROWS}")
    meta = datadir + ".done"
    if not os.path.exists(meta):
        shutil.rmtree(datadir, ignore_errors=True)
    p = Server("mysql", datadir, os.path.join(WORK, "primary-large"), 1,
               ["--innodb-buffer-pool-size=512M", "--sync-binlog=0",
                "--innodb-flush-log-at-trx-commit=0", "--log-bin=binlog"]).start()
    if not os.path.exists(meta):
        log(f"== generating one transaction of {LARGE_ROWS:,} rows on MySQL 9.7 (once)")
        p.sql("CREATE DATABASE big; CREATE TABLE big.t (id BIGINT PRIMARY KEY, pad VARCHAR(2000));"
              "SET SESSION cte_max_recursion_depth = 100000000;"
              "INSERT INTO big.t WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
              f"FROM seq WHERE i < {LARGE_ROWS}) SELECT i, REPEAT(CHAR(65 + i % 26), 1900) FROM seq",
              timeout=3600)
        open(meta, "w").close()
    template = fetch_relay("mysql", p)
    relay = sum(os.path.getsize(os.path.join(template, f)) for f in os.listdir(template)
                if "-relay-bin.0" in f)
    data = os.path.join(WORK, "understudy-large")
    shutil.copytree(template, data)
    shutil.rmtree(template)
    os.sync()
    t = time.perf_counter()
    # A fresh interpreter waits for understudy alone, so that its
    # children's peak RSS is understudy's (in KiB on Linux).
    measure = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
               "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", measure, UNDERSTUDY, "run", "--data-dir", data,
                          "--threads", "sql", "--until-sql-after-gtids", p.gtids()],
                         capture_output=True, text=True, check=True)
    t = time.perf_counter() - t
    rss_kb = int(out.stdout.strip().splitlines()[-1])
    check = verify(data, p)
    shutil.rmtree(data)
    p.stop()
    return relay, t, rss_kb, check


BINLOG_TEXT = {"mysql": "MySQL 9.7 binlog", "mariadb": "MariaDB 10.11 binlog",
               STATEMENT: "MariaDB 10.11 binlog, binlog_format=STATEMENT"}


def phases_of(flavor):
    return ["inserts"] if flavor == STATEMENT else PHASES


def fmt(t, n):
    return f"{t:8.2f} s ({n / t:9,.0f}/s)"


def main():
    results = {}
    flavors = os.environ.get("BENCH_APPLY_FLAVORS",
                             f"mysql,mariadb,{STATEMENT}").split(",")
    for flavor in flavors:
        p, ends = primary(flavor)
        counts = {"inserts": ROWS, "bulk": BULK_TXNS, "updates": CHANGES, "deletes": CHANGES}
        template = fetch_relay(flavor, p)
        res = results.setdefault(flavor, {})
        for durability in ["sync", "none"]:
            for phase in phases_of(flavor):
                t, data = time_understudy(template, f"understudy-{flavor}-{durability}",
                                          durability, ends[phase])
                res[(f"understudy {durability}", phase)] = t
                log(f"understudy {flavor} {durability} {phase}: {fmt(t, counts[phase])}")
            log(f"   verify: {verify(data, p)}")
            shutil.rmtree(data)
        shutil.rmtree(template)
        reals = ([("(b) MySQL 9.7, flush_log_at_trx_commit=0, sync_binlog=0, 4 workers",
                   ["--innodb-flush-log-at-trx-commit=0", "--sync-binlog=0",
                    "--replica-parallel-workers=4"])]
                 if flavor == "mysql" else
                 [("MariaDB 10.11, flush_log_at_trx_commit=0, sync_binlog=0, 4 threads",
                   ["--innodb-flush-log-at-trx-commit=0", "--sync-binlog=0",
                    "--slave-parallel-threads=4"])])
        for label, extra in reals:
            r = real_replica(flavor, "real-" + flavor, p,
                             ["--innodb-buffer-pool-size=2G", "--skip-slave-start"
                              if p_maria(flavor) else "--skip-replica-start"] + extra)
            for phase in phases_of(flavor):
                t = time_real(flavor, r, ends[phase], ends.get(phase + "@pos"))
                res[(label, phase)] = t
                log(f"{label} {phase}: {fmt(t, counts[phase])}")
            r.stop()
            shutil.rmtree(r.work)
        if flavor == "mysql":
            label = "(a) MySQL 9.7, default durable settings"
            r = real_replica(flavor, "real-durable", p,
                             ["--innodb-buffer-pool-size=2G", "--skip-replica-start"])
            # The first transactions of the INSERT phase: the workload's
            # setup, then PREFIX inserts.
            uuid = ends["inserts"].split(":")[0]
            setup = int(ends["inserts"].split("-")[-1]) - ROWS
            t = time_real(flavor, r, f"{uuid}:1-{setup + PREFIX}")
            res[(label, "inserts-prefix")] = t
            log(f"{label}: {PREFIX:,} of the INSERTs: {fmt(t, PREFIX)}")
            r.stop()
            shutil.rmtree(r.work)
        p.stop()
    report(results)
    if os.environ.get("BENCH_APPLY_LARGE", "1") == "1":
        relay, t, rss_kb, check = large_transaction()
        print(f"== one transaction of {LARGE_ROWS:,} rows ({relay / 2**30:.2f} GiB of relay log)")
        print(f"understudy sync: {t:.1f} s, peak RSS {rss_kb / 1024:.0f} MiB (goal < 256 MiB); "
              f"verify: {check}")


def report(results):
    counts = {"inserts": ROWS, "bulk": BULK_TXNS, "updates": CHANGES, "deletes": CHANGES}
    print()
    for flavor, res in results.items():
        print(f"== {BINLOG_TEXT[flavor]}")
        for phase in phases_of(flavor):
            print(f"{PHASE_TEXT[phase]}:")
            for (who, ph), t in res.items():
                if ph == phase:
                    print(f"  {who:<68} {fmt(t, counts[phase])}")
        prefix = [(w, t) for (w, ph), t in res.items() if ph == "inserts-prefix"]
        for who, t in prefix:
            rate = PREFIX / t
            print(f"  {who:<68} {PREFIX:,} INSERTs in {t:.2f} s: {rate:,.0f}/s, "
                  f"{ROWS / rate:.0f} s for all {ROWS:,}")
    mysql, maria = results.get("mysql", {}), results.get("mariadb", {})
    sync = mysql.get(("understudy sync", "inserts"))
    none = mysql.get(("understudy none", "inserts"))
    a = mysql.get(("(a) MySQL 9.7, default durable settings", "inserts-prefix"))
    b = mysql.get(("(b) MySQL 9.7, flush_log_at_trx_commit=0, sync_binlog=0, 4 workers",
                   "inserts"))
    m = maria.get(("MariaDB 10.11, flush_log_at_trx_commit=0, sync_binlog=0, 4 threads",
                   "inserts"))
    ms = maria.get(("understudy sync", "inserts"))
    print(f"== {ROWS:,} single-row INSERTs: ratios")
    if sync and a:
        a_all = a / PREFIX * ROWS
        print(f"understudy sync vs (a) durable MySQL replica:   {a_all / sync:6.1f}x "
              f"(goal 100x)")
    if sync and b:
        print(f"understudy sync vs (b) relaxed MySQL replica:   {b / sync:6.1f}x (goal 25x)")
    if none and b:
        print(f"understudy none vs (b) relaxed MySQL replica:   {b / none:6.1f}x")
    if ms and m:
        print(f"understudy sync vs relaxed MariaDB replica:     {m / ms:6.1f}x (goal 7x), "
              f"on the MariaDB binlog")
    st = results.get(STATEMENT, {})
    m = st.get(("MariaDB 10.11, flush_log_at_trx_commit=0, sync_binlog=0, 4 threads",
                "inserts"))
    ms = st.get(("understudy sync", "inserts"))
    if ms and m:
        print(f"understudy sync vs relaxed MariaDB replica:     {m / ms:6.1f}x (goal 5x), "
              f"on the MariaDB binlog in STATEMENT format")


if __name__ == "__main__":
    WORK = sys.argv[1]
    main()
