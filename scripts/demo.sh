#!/usr/bin/env bash
# `make demo`: a sandbox MySQL 9.7 primary on loopback, a small workload,
# and its binary log printed by `understudy binlog -v` (later issues turn
# this into the full replica demo).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${UNDERSTUDY_CACHE:-$HOME/.cache/understudy}
# shellcheck disable=SC1091
source "$CACHE/testbed.env"
cargo build --release --locked --bin understudy >&2

D=$(mktemp -d "${TMPDIR:-/tmp}/understudy-demo.XXXXXX")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
  if [ -f "$D/pid" ]; then kill "$(cat "$D/pid")" 2>/dev/null || true; sleep 1; fi
  rm -rf "$D"
}
trap cleanup EXIT
common=(--no-defaults --datadir="$D/data" --basedir="$UNDERSTUDY_MYSQL97_BASEDIR"
        --lc-messages-dir="$UNDERSTUDY_MYSQL97_BASEDIR/share/mysql" --user=root)
echo "== initialising a MySQL 9.7 sandbox in $D" >&2
"$UNDERSTUDY_MYSQL97_MYSQLD" "${common[@]}" --initialize-insecure >"$D/init.log" 2>&1
"$UNDERSTUDY_MYSQL97_MYSQLD" "${common[@]}" --port="$PORT" --bind-address=127.0.0.1 --socket="$D/sock" \
  --pid-file="$D/pid" --mysqlx=OFF --secure-file-priv= --server-id=1 --log-bin=binlog \
  --gtid-mode=ON --enforce-gtid-consistency=ON --innodb-buffer-pool-size=64M \
  --performance-schema=OFF --tmpdir="$D" >"$D/error.log" 2>&1 &
mysql() { "$UNDERSTUDY_MYSQL97_CLIENT" --no-defaults -uroot -h127.0.0.1 -P"$PORT" "$@"; }
for _ in $(seq 60); do mysql -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done
echo "== workload on 127.0.0.1:$PORT" >&2
mysql <<'SQL'
CREATE DATABASE shop;
CREATE TABLE shop.orders (id INT PRIMARY KEY AUTO_INCREMENT, customer VARCHAR(40), total DECIMAL(10,2), placed DATETIME(3), items JSON);
INSERT INTO shop.orders (customer, total, placed, items) VALUES
  ('ann', 12.50, '2026-01-02 03:04:05.678', '{"sku": "A-1", "qty": 2}'),
  ('bob', 99.99, NOW(3), '["B-7", "C-9"]');
UPDATE shop.orders SET total = total * 1.1 WHERE customer = 'bob';
DELETE FROM shop.orders WHERE customer = 'ann';
FLUSH BINARY LOGS;
SQL
echo "== understudy binlog -v --base64-output=decode-rows $D/data/binlog.000001" >&2
./target/release/understudy binlog -v --base64-output=decode-rows "$D/data/binlog.000001"
