#!/usr/bin/env bash
# `make fuzz`: runs every cargo-fuzz target (or those in FUZZ_TARGETS) for
# FUZZ_SECONDS (default 60) each. file_reader, event_decoder and
# json_binary are seeded from testdata/ (binlogs, their events, JSON
# documents), gtid_set from two sets; decimal starts from nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${FUZZ_SECONDS:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
seed() { mkdir -p "fuzz/corpus/$1"; }
seed file_reader; seed event_decoder; seed json_binary; seed gtid_set; seed decimal
# Whole binlogs (small enough to fuzz fast) for the file reader.
find testdata -type f \( -name '*.0000[0-9][0-9]' -o -name '*.0000[0-9][0-9].gz' \) | while read -r f; do
  out="fuzz/corpus/file_reader/$(echo "$f" | tr '/' '_' | sed 's/\.gz$//')"
  case "$f" in *.gz) { gzip -dc "$f" 2>/dev/null || true; } | head -c 65536 > "$out" ;; *) head -c 65536 "$f" > "$out" ;; esac
done
# JSON documents recorded from MySQL 9.7 (`bin: <hex>` lines).
if [ -f testdata/json/values.golden ]; then
  python3 - <<'PY'
import binascii
for n, line in enumerate(l for l in open("testdata/json/values.golden") if l.startswith("bin: ")):
    open(f"fuzz/corpus/json_binary/doc{n}", "wb").write(binascii.unhexlify(line[5:].strip()))
PY
fi
# Event bodies from the recorded binlogs for the event decoder, framed as
# its input: FDE choice (0 = MySQL 9.7, 3 = MariaDB 10.11), type, split 0.
python3 - <<'PY'
import glob, gzip, struct
n = 0
for f in sorted(glob.glob("testdata/*/*/*.0000[0-9][0-9]*")):
    if not (f.endswith(".gz") or f[-1].isdigit()):
        continue
    data = gzip.open(f).read() if f.endswith(".gz") else open(f, "rb").read()
    fde = 3 if "mariadb" in f else 0
    pos = 4
    while pos + 19 <= len(data) and n < 3000:
        size = struct.unpack("<I", data[pos + 9:pos + 13])[0]
        if size < 23 or pos + size > len(data):
            break
        body = data[pos + 19:pos + size - 4]
        if len(body) <= 65536:
            open(f"fuzz/corpus/event_decoder/t{n}", "wb").write(bytes([fde, data[pos + 4], 0]) + body)
            n += 1
        pos += size
PY
printf '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7:tag:1-3,aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa:1' > fuzz/corpus/gtid_set/seed1
printf '0-1-100,1-2-5' > fuzz/corpus/gtid_set/seed2
for t in ${FUZZ_TARGETS:-file_reader event_decoder json_binary gtid_set decimal}; do
  echo "== fuzzing $t for ${SECS}s" >&2
  log=$(mktemp)
  status=0
  (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" -- -max_total_time="$SECS" -max_len=65536 \
     -rss_limit_mb=4096 -timeout=10 -print_final_stats=1) >"$log" 2>&1 || status=$?
  grep -E 'stat::number_of_executed_units|stat::new_units_added|ERROR|panicked|SUMMARY' "$log" >&2 || true
  if [ "$status" != 0 ]; then
    # A crash, an OOM, a hang, or a build that failed: all are failures.
    tail -n 40 "$log" >&2
    echo "fuzz: $t failed (exit $status); inputs in fuzz/artifacts/$t" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
done
echo "fuzz: no failures" >&2
