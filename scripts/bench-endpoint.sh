#!/usr/bin/env bash
# `make bench`, reads: the MySQL-protocol endpoint against the real MySQL
# 9.7 server on the same table (see scripts/lib/bench_endpoint.py). The
# primary's data directory is generated once and kept in
# $UNDERSTUDY_CACHE/bench. BENCH_ENDPOINT_ROWS and BENCH_ENDPOINT_LOOKUPS
# scale it.
set -euo pipefail
cd "$(dirname "$0")/.."
export UNDERSTUDY_CACHE=${UNDERSTUDY_CACHE:-$HOME/.cache/understudy}
set -a
# shellcheck disable=SC1091
source "$UNDERSTUDY_CACHE/testbed.env"
set +a
cargo build --release --locked --bin understudy >&2
mkdir -p "$UNDERSTUDY_CACHE/bench"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/understudy-bench-endpoint.XXXXXX")
cleanup() {
  for pid in "$WORK"/*/pid; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
  done
  sleep 1
  rm -rf "$WORK"
}
trap cleanup EXIT
python3 scripts/lib/bench_endpoint.py "$WORK"
