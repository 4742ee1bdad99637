#!/usr/bin/env bash
# `make demo`: a sandbox MySQL 9.7 primary on loopback, a small workload,
# `understudy run` following it into its relay log, `understudy status`,
# and the relay log printed by `understudy binlog -v` (queries against the
# replica come with the applier).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${UNDERSTUDY_CACHE:-$HOME/.cache/understudy}
# shellcheck disable=SC1091
source "$CACHE/testbed.env"
cargo build --release --locked --bin understudy >&2

# shellcheck source=scripts/lib/mysql-sandbox.sh
source scripts/lib/mysql-sandbox.sh
echo "== starting a MySQL 9.7 sandbox" >&2
sandbox_start --innodb-buffer-pool-size=64M
D=$SANDBOX
PORT=$SANDBOX_PORT
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
R=$D/replica
echo "== understudy run --data-dir $R --source mysql://root@127.0.0.1:$PORT --auto-position=true" >&2
./target/release/understudy run --data-dir "$R" --source "mysql://root@127.0.0.1:$PORT" \
  --server-id 2 --auto-position=true 2>"$D/replica.log" &
REPLICA=$!
stop_replica() { kill "$REPLICA" 2>/dev/null && wait "$REPLICA" || true; }
trap 'stop_replica; sandbox_stop' EXIT
# Caught up when the replica has read up to the primary's position.
wait_caught_up() {
  read -r FILE POS _ < <(mysql -N -B -e 'SHOW BINARY LOG STATUS')
  for _ in $(seq 100); do
    if ./target/release/understudy status --data-dir "$R" 2>/dev/null |
      grep -q "Read_Source_Log_Pos: $POS\$"; then return 0; fi
    sleep 0.1
  done
  echo "the replica did not catch up with $FILE:$POS" >&2
  return 1
}
wait_caught_up
echo "== more writes while it runs" >&2
mysql -e "INSERT INTO shop.orders (customer, total, placed, items) VALUES ('cy', 5.00, NOW(3), '{}')"
wait_caught_up
echo "== understudy status --data-dir $R   (primary at $FILE:$POS)" >&2
./target/release/understudy status --data-dir "$R"
for f in $(cat "$R/understudy-relay-bin.index"); do
  echo "== understudy binlog -v --base64-output=decode-rows $R/$f" >&2
  ./target/release/understudy binlog -v --base64-output=decode-rows "$R/$f"
done
