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
echo "== understudy binlog -v --base64-output=decode-rows $D/data/binlog.000001" >&2
./target/release/understudy binlog -v --base64-output=decode-rows "$D/data/binlog.000001"
