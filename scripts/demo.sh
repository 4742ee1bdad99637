#!/usr/bin/env bash
# `make demo`: a sandbox MySQL 9.7 primary on loopback with a small shop
# workload, `understudy run` following it (relay log and applier), then
# `understudy status`, `understudy verify` against the primary, an
# export of one table next to the primary's own `mysql --batch` output,
# and the mysql client on the replica's own MySQL-protocol endpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${UNDERSTUDY_CACHE:-$HOME/.cache/understudy}
# shellcheck disable=SC1091
source "$CACHE/testbed.env"
cargo build --release --locked --bin understudy >&2
U=./target/release/understudy

# shellcheck source=scripts/lib/mysql-sandbox.sh
source scripts/lib/mysql-sandbox.sh
echo "== starting a MySQL 9.7 sandbox" >&2
sandbox_start --innodb-buffer-pool-size=64M
D=$SANDBOX
PORT=$SANDBOX_PORT
echo "== workload on 127.0.0.1:$PORT" >&2
mysql <<'SQL'
CREATE DATABASE shop;
CREATE TABLE shop.customers (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(40) NOT NULL, country CHAR(2), since DATE);
CREATE TABLE shop.orders (id INT PRIMARY KEY AUTO_INCREMENT, customer INT NOT NULL, total DECIMAL(10,2),
  placed DATETIME(3), status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new', items JSON);
CREATE TABLE shop.audit (at TIMESTAMP(6) NULL, what VARCHAR(100));
INSERT INTO shop.customers (name, country, since) VALUES ('ann', 'FR', '2024-01-02'), ('bob', 'JP', '2025-06-30'), ('cy', NULL, NULL);
INSERT INTO shop.orders (customer, total, placed, items) VALUES
  (1, 12.50, '2026-01-02 03:04:05.678', '{"sku": "A-1", "qty": 2}'),
  (2, 99.99, NOW(3), '["B-7", "C-9"]'),
  (2, 5.00, NOW(3), '{}');
START TRANSACTION;
UPDATE shop.orders SET status = 'paid', total = total * 1.1 WHERE customer = 2;
INSERT INTO shop.audit VALUES (NOW(6), 'bob paid');
COMMIT;
DELETE FROM shop.orders WHERE customer = 1;
ALTER TABLE shop.customers ADD COLUMN email VARCHAR(80) AFTER name;
UPDATE shop.customers SET email = CONCAT(name, '@example.com');
SQL
R=$D/replica
EP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo demo-admin >"$D/admin-pw"
echo "== understudy run --data-dir $R --source mysql://root@127.0.0.1:$PORT --auto-position=true --listen 127.0.0.1:$EP" >&2
$U run --data-dir "$R" --source "mysql://root@127.0.0.1:$PORT" \
  --server-id 2 --auto-position=true \
  --listen "127.0.0.1:$EP" --admin-password-file "$D/admin-pw" 2>"$D/replica.log" &
REPLICA=$!
stop_replica() { kill "$REPLICA" 2>/dev/null && wait "$REPLICA" || true; }
trap 'stop_replica; sandbox_stop' EXIT
# Applied when the replica has executed every GTID of the primary.
wait_applied() {
  local want
  want=$(mysql -N -B -e 'SELECT @@GLOBAL.gtid_executed' | tr -d '\n')
  for _ in $(seq 100); do
    if $U status --data-dir "$R" 2>/dev/null | grep -q "Executed_Gtid_Set: $want\$"; then return 0; fi
    sleep 0.1
  done
  echo "the replica did not apply up to $want" >&2
  cat "$D/replica.log" >&2
  return 1
}
wait_applied
echo "== more writes while it runs" >&2
mysql -e "INSERT INTO shop.orders (customer, total, placed, items) VALUES (3, 7.25, NOW(3), '{\"gift\": true}');
          INSERT INTO shop.audit VALUES (NOW(6), 'cy ordered')"
wait_applied
echo "== understudy status --data-dir $R" >&2
$U status --data-dir "$R"
echo "== understudy verify --data-dir $R --source mysql://root@127.0.0.1:$PORT" >&2
$U verify --data-dir "$R" --source "mysql://root@127.0.0.1:$PORT"
echo "== understudy export --data-dir $R --table shop.orders" >&2
$U export --data-dir "$R" --table shop.orders | tee "$D/export.tsv"
mysql -N -B -e 'SELECT * FROM shop.orders ORDER BY id' >"$D/primary.tsv"
if cmp -s "$D/export.tsv" "$D/primary.tsv"; then
  echo "== identical to the primary's mysql --batch output" >&2
else
  echo "== differs from the primary's mysql --batch output:" >&2
  diff "$D/primary.tsv" "$D/export.tsv" >&2
  exit 1
fi
echo "== understudy export --format csv --table shop.customers" >&2
$U export --data-dir "$R" --table shop.customers --format csv
echo "== mysql -h127.0.0.1 -P$EP -uadmin: SHOW REPLICA STATUS\\G on the replica's endpoint" >&2
replica_sql() {
  "$UNDERSTUDY_MYSQL97_CLIENT" --no-defaults --commands -uadmin -pdemo-admin \
    -h127.0.0.1 -P"$EP" "$@" 2>&1 | grep -v 'Using a password'
}
echo 'SHOW REPLICA STATUS\G' | replica_sql | sed -n 1,14p
echo "== a query on the replica: orders per customer, joined with their names" >&2
echo 'SELECT c.name, COUNT(*) AS orders, SUM(o.total) AS total FROM shop.orders o JOIN shop.customers c ON c.id = o.customer GROUP BY c.name ORDER BY c.name;' | replica_sql
echo "== SHOW DATABASES; USE shop; SHOW TABLES; an INSERT (refused: read-only)" >&2
echo 'SHOW DATABASES; USE shop; SHOW TABLES; INSERT INTO shop.audit VALUES (NOW(6), "x");' | replica_sql || true
