#!/usr/bin/env bash
# `make bench`, streaming: `understudy run` fetching a binlog of more than
# 1 GiB from a local MySQL 9.7 into its relay log, against MySQL's own
# `mysqlbinlog --read-from-remote-server --raw` fetching the same binlogs to
# disk, in the same run, and `dd` writing as many bytes. Same fsync policy
# for all three: none (understudy with --sync-relay-log 0; mysqlbinlog
# never syncs; dd without conv=fsync). Both clients use TLS (the default).
#
# The primary (2,400,000 single-row INSERT transactions, about 1.1 GB of
# binlog) is generated once and its data directory kept in
# $UNDERSTUDY_CACHE/bench.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${UNDERSTUDY_CACHE:-$HOME/.cache/understudy}
ROWS=${BENCH_STREAM_ROWS:-2400000}
# shellcheck disable=SC1091
source "$CACHE/testbed.env"
cargo build --release --locked --bin understudy >&2

export SANDBOX_DATADIR="$CACHE/bench/primary-$ROWS"
DONE="$SANDBOX_DATADIR.done"
[ -e "$DONE" ] || rm -rf "$SANDBOX_DATADIR"
mkdir -p "$CACHE/bench"
# shellcheck source=scripts/lib/mysql-sandbox.sh
source scripts/lib/mysql-sandbox.sh
sandbox_start --innodb-buffer-pool-size=256M --sync-binlog=0 --innodb-flush-log-at-trx-commit=0
if [ ! -e "$DONE" ]; then
  echo "== generating $ROWS single-row INSERT transactions on MySQL 9.7 (once)" >&2
  mysql < scripts/lib/sbtest.sql
  mysql -e "CALL sbtest.fill($ROWS); FLUSH BINARY LOGS"
  touch "$DONE"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/understudy-bench.XXXXXX")
cleanup() { rm -rf "$WORK"; sandbox_stop; }
trap cleanup EXIT
export UNDERSTUDY_MYSQL97_CLIENT UNDERSTUDY_MYSQL97_BINLOG
python3 - "$SANDBOX_PORT" "$SANDBOX_DATA" "$WORK" <<'PY'
import os, shutil, signal, statistics, subprocess, sys, time

port, datadir, work = sys.argv[1], sys.argv[2], sys.argv[3]
mysql = [os.environ["UNDERSTUDY_MYSQL97_CLIENT"], "--no-defaults", "-uroot",
         "-h127.0.0.1", f"-P{port}", "-N", "-B", "-e"]
logs = [l.split("\t")[:2] for l in
        subprocess.check_output(mysql + ["SHOW BINARY LOGS"], text=True).splitlines()]
size = sum(int(n) for _, n in logs)
last, last_size = logs[-1][0], int(logs[-1][1])
print(f"== {len(logs)} binlogs, {size / 1e6:.0f} MB, from 127.0.0.1:{port}", file=sys.stderr)
for name, _ in logs:  # warm the page cache
    with open(os.path.join(datadir, name), "rb") as f:
        while f.read(1 << 24):
            pass

def mysqlbinlog():
    out = os.path.join(work, "ref")
    os.mkdir(out)
    t = time.perf_counter()
    subprocess.run([os.environ["UNDERSTUDY_MYSQL97_BINLOG"], "--read-from-remote-server",
                    "-h127.0.0.1", f"-P{port}", "-uroot", "--raw", "--to-last-log",
                    f"--result-file={out}/", logs[0][0]], check=True)
    t = time.perf_counter() - t
    got = sum(os.path.getsize(os.path.join(out, n)) for n, _ in logs)
    assert got == size, f"mysqlbinlog wrote {got} bytes of {size}"
    shutil.rmtree(out)
    return t

def understudy():
    data = os.path.join(work, "replica")
    status = os.path.join(data, "replica-status")
    t = time.perf_counter()
    p = subprocess.Popen(["./target/release/understudy", "run", "--data-dir", data,
                          "--source", f"mysql://root@127.0.0.1:{port}", "--server-id", "2",
                          "--sync-relay-log", "0", "--threads", "io"], stderr=subprocess.DEVNULL)
    while True:
        try:
            st = dict(l.split(": ", 1) for l in open(status).read().splitlines() if ": " in l)
        except FileNotFoundError:
            st = {}
        if st.get("Source_Log_File") == last and st.get("Read_Source_Log_Pos") == str(last_size):
            break
        if p.poll() is not None:
            sys.exit(f"understudy run exited with {p.returncode}")
        time.sleep(0.005)
    t = time.perf_counter() - t
    p.send_signal(signal.SIGTERM)
    assert p.wait() == 0
    relay = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data)
                if "-relay-bin.0" in f)
    assert relay >= size, f"the relay log holds {relay} bytes of {size}"
    shutil.rmtree(data)
    return t

def dd():
    out = os.path.join(work, "dd")
    t = time.perf_counter()
    subprocess.run(["dd", "if=/dev/zero", f"of={out}", "bs=1M", f"count={size >> 20}"],
                   check=True, stderr=subprocess.DEVNULL)
    t = time.perf_counter() - t
    os.remove(out)
    return t

runs = {"ref": [], "ours": [], "dd": []}
for _ in range(3):
    runs["ref"].append(mysqlbinlog())
    runs["ours"].append(understudy())
    runs["dd"].append(dd())
ref, ours, d = (statistics.median(runs[k]) for k in ("ref", "ours", "dd"))
mb = size / 1e6
print(f"mysqlbinlog 9.7 --read-from-remote-server --raw: {ref:6.2f} s ({mb / ref:5.0f} MB/s)")
print(f"understudy run into the relay log:              {ours:6.2f} s ({mb / ours:5.0f} MB/s)")
print(f"dd of {size >> 20} MiB (no fsync):                     {d:6.2f} s ({mb / d:5.0f} MB/s)")
print(f"understudy vs mysqlbinlog: {ref / ours:.2f}x; vs dd: {d / ours:.2f} of dd's speed (median of 3 runs each)")
PY
