#!/usr/bin/env bash
# `make bench`: understudy binlog against MySQL 9.7's own mysqlbinlog on the
# same large binlog, in the same run, and the raw decode rate.
#
# The binlog (1,500,000 single-row INSERT transactions into a sysbench-like
# table, about 700 MB) is recorded once from a sandbox MySQL 9.7 and kept
# in $UNDERSTUDY_CACHE/bench.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${UNDERSTUDY_CACHE:-$HOME/.cache/understudy}
ROWS=${BENCH_ROWS:-1500000}
# shellcheck disable=SC1091
source "$CACHE/testbed.env"
cargo build --release --locked --bin understudy >&2
cargo build --release --locked -p understudy-binlog --example decode_rate >&2
BIN="$CACHE/bench/sbtest-$ROWS.binlog"

if [ ! -s "$BIN" ]; then
  mkdir -p "$CACHE/bench"
  # shellcheck source=scripts/lib/mysql-sandbox.sh
  source scripts/lib/mysql-sandbox.sh
  echo "== recording $ROWS single-row INSERT transactions from MySQL 9.7 (once)" >&2
  sandbox_start --innodb-buffer-pool-size=256M --sync-binlog=0 \
    --innodb-flush-log-at-trx-commit=0 --max-binlog-size=1073741824
  mysql < scripts/lib/sbtest.sql
  mysql -e "CALL sbtest.fill($ROWS); FLUSH BINARY LOGS"
  # Everything must be in the one file (max-binlog-size is 1 GiB).
  [ ! -e "$SANDBOX/data/binlog.000003" ] || { echo "bench: the workload spans binlogs" >&2; exit 1; }
  cp "$SANDBOX/data/binlog.000001" "$BIN.tmp" && mv "$BIN.tmp" "$BIN"
  sandbox_stop
  trap - EXIT
fi

SIZE=$(stat -c %s "$BIN")
echo "== $BIN: $((SIZE / 1000000)) MB" >&2
# Warm the page cache.
cat "$BIN" > /dev/null
# Seconds a command takes, output discarded: the median of three runs.
t() {
  local runs=()
  for _ in 1 2 3; do
    local s=$EPOCHREALTIME
    "$@" > /dev/null
    runs+=("$(python3 -c "print(f'{$EPOCHREALTIME - $s:.3f}')")")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p
}
REF=$(TZ=UTC t "$UNDERSTUDY_MYSQL97_BINLOG" -v --base64-output=decode-rows "$BIN")
OURS=$(TZ=UTC t ./target/release/understudy binlog -v --base64-output=decode-rows "$BIN")
# Identical output is the point: a fast wrong answer is no result.
if cmp -s <(TZ=UTC "$UNDERSTUDY_MYSQL97_BINLOG" -v --base64-output=decode-rows "$BIN") \
          <(TZ=UTC ./target/release/understudy binlog -v --base64-output=decode-rows "$BIN"); then
  echo "outputs: identical"
else
  echo "bench: the outputs differ" >&2
  exit 1
fi
python3 - "$SIZE" "$REF" "$OURS" <<'PY'
import sys
size, ref, ours = int(sys.argv[1]) / 1e6, float(sys.argv[2]), float(sys.argv[3])
print(f"mysqlbinlog 9.7 -v --base64-output=decode-rows: {ref:7.2f} s ({size / ref:5.0f} MB/s)")
print(f"understudy binlog, same flags:                  {ours:7.2f} s ({size / ours:5.0f} MB/s)")
print(f"speed-up: {ref / ours:.1f}x (median of 3 runs each)")
PY
# The raw decode rate: the median of three runs.
for _ in 1 2 3; do ./target/release/examples/decode_rate "$BIN"; done | sort -t: -k2 -n | sed -n 2p

# Streaming from a live server into the relay log.
bash scripts/bench-stream.sh
bash scripts/bench-apply.sh
bash scripts/bench-endpoint.sh
bash scripts/bench-clone.sh
