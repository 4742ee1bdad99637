#!/usr/bin/env bash
# `make bench`, clone: `understudy clone` against mysqldump and against
# seeding a real MySQL 9.7 replica from a dump, on the same 10,000,000-row
# table (see scripts/lib/bench_clone.py). The primary's data directory is
# the endpoint bench's, generated once and kept in $UNDERSTUDY_CACHE/bench.
set -euo pipefail
cd "$(dirname "$0")/.."
export UNDERSTUDY_CACHE=${UNDERSTUDY_CACHE:-$HOME/.cache/understudy}
set -a
# shellcheck disable=SC1091
source "$UNDERSTUDY_CACHE/testbed.env"
set +a
cargo build --release --locked --bin understudy >&2
mkdir -p "$UNDERSTUDY_CACHE/bench"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/understudy-bench-clone.XXXXXX")
cleanup() {
  for pid in "$WORK"/*/pid; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
  done
  sleep 1
  rm -rf "$WORK"
}
trap cleanup EXIT
python3 scripts/lib/bench_clone.py "$WORK"
