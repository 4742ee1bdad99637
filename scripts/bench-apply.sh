#!/usr/bin/env bash
# `make bench`, applying: understudy's applier against real MySQL 9.7 and
# MariaDB 10.11 replicas consuming the same binlog (see
# scripts/lib/bench_apply.py). The primaries are generated once and their
# data directories kept in $UNDERSTUDY_CACHE/bench. BENCH_APPLY_ROWS,
# BENCH_APPLY_BULK, BENCH_APPLY_CHANGES and BENCH_APPLY_PREFIX scale it.
set -euo pipefail
cd "$(dirname "$0")/.."
export UNDERSTUDY_CACHE=${UNDERSTUDY_CACHE:-$HOME/.cache/understudy}
set -a
# shellcheck disable=SC1091
source "$UNDERSTUDY_CACHE/testbed.env"
set +a
cargo build --release --locked --bin understudy >&2
mkdir -p "$UNDERSTUDY_CACHE/bench"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/understudy-bench-apply.XXXXXX")
cleanup() {
  # Servers still running (an error) are stopped by their pid files.
  for pid in "$WORK"/*/pid; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
  done
  sleep 1
  rm -rf "$WORK"
}
trap cleanup EXIT
python3 scripts/lib/bench_apply.py "$WORK"
