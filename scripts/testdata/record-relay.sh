#!/usr/bin/env bash
# Records real relay logs into testdata/relay/<server>/: for MySQL 9.7 and
# MariaDB 10.11, a primary and a replica on loopback, a few transactions,
# FLUSH BINARY LOGS on the primary, FLUSH LOCAL RELAY LOGS on the replica,
# then the replica is stopped gracefully. Every relay file is copied with its
# index (and MariaDB's master.info / relay-log.info), and the reference
# dumper's `--hexdump -vv` output (TZ=UTC) is written beside each file as
# `<file>.hexdump-vv.out`. See crates/binlog/RELAY_LOG_NOTES.md.
#
#   bash scripts/testdata/record-relay.sh [mysql97|mariadb1011]...
#
# Needs `make testbed`. Servers are stopped by the pids this script started.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck disable=SC1091
source "${UNDERSTUDY_CACHE:-$HOME/.cache/understudy}/testbed.env"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/understudy-relay.XXXXXX")
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# sql <kind> <port> <statements>
sql() {
  local client
  case $1 in
    mysql97) client=$UNDERSTUDY_MYSQL97_CLIENT ;;
    *) client=$UNDERSTUDY_MARIADB1011_CLIENT ;;
  esac
  "$client" --no-defaults -uroot -h127.0.0.1 -P"$2" -N -B -e "$3"
}

# start <kind> <name> <server-id> [server options...]: sets PORT and PID
start() {
  local kind=$1 name=$2 dir=$WORK/$2 id=$3
  shift 3
  mkdir -p "$dir/tmp"
  PORT=$(free_port)
  local common=(--no-defaults --datadir="$dir/data" --user=root)
  local run=(--port="$PORT" --bind-address=127.0.0.1 --socket="$dir/sock" --pid-file="$dir/pid"
    --tmpdir="$dir/tmp" --server-id="$id" --binlog-format=ROW)
  if [ "$kind" = mysql97 ]; then
    local base=$UNDERSTUDY_MYSQL97_BASEDIR
    common+=(--basedir="$base" --lc-messages-dir="$base/share/mysql")
    "$UNDERSTUDY_MYSQL97_MYSQLD" "${common[@]}" --initialize-insecure >"$dir/init.log" 2>&1
    "$UNDERSTUDY_MYSQL97_MYSQLD" "${common[@]}" --log-bin=binlog --gtid-mode=ON \
      --enforce-gtid-consistency=ON --mysqlx=OFF --performance-schema=OFF --secure-file-priv= \
      "${run[@]}" "$@" >"$dir/error.log" 2>&1 &
  else
    TMPDIR=$dir/tmp "$UNDERSTUDY_MARIADB1011_INSTALL_DB" "${common[@]}" \
      --auth-root-authentication-method=normal >"$dir/init.log" 2>&1
    "$UNDERSTUDY_MARIADB1011_MARIADBD" "${common[@]}" --log-bin="$dir/mariadb-bin" \
      "${run[@]}" "$@" >"$dir/error.log" 2>&1 &
  fi
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 120); do
    if sql "$kind" "$PORT" 'SELECT 1' >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$PID" 2>/dev/null; then break; fi
    sleep 0.5
  done
  tail -n 30 "$dir/error.log" >&2
  echo "$kind $name did not start" >&2
  return 1
}

# wait_caught_up <kind> <primary port> <replica port>
wait_caught_up() {
  local kind=$1 p=$2 r=$3 want got
  for _ in $(seq 240); do
    if [ "$kind" = mysql97 ]; then
      want=$(sql "$kind" "$p" 'SELECT @@GLOBAL.gtid_executed' | tr -d '\n')
      got=$(sql "$kind" "$r" "SELECT GTID_SUBSET('$want', @@GLOBAL.gtid_executed)")
      [ "$got" = 1 ] && return 0
    else
      want=$(sql "$kind" "$p" 'SELECT @@gtid_binlog_pos')
      got=$(sql "$kind" "$r" 'SELECT @@gtid_slave_pos')
      [ "$want" = "$got" ] && return 0
    fi
    sleep 0.25
  done
  echo "$kind: the replica did not catch up ($want / $got)" >&2
  return 1
}

# stop_pid <pid>: SIGTERM, then wait for the process to go.
stop_pid() {
  kill "$1"
  for _ in $(seq 120); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.25; done
  echo "pid $1 did not stop" >&2
  return 1
}

record() {
  local kind=$1 dumper
  local out=$ROOT/testdata/relay/$kind
  start "$kind" primary 1
  local p=$PORT ppid=$PID
  start "$kind" replica 2 --relay-log=relay-bin --relay-log-purge=OFF
  local r=$PORT rpid=$PID
  if [ "$kind" = mysql97 ]; then
    dumper=$UNDERSTUDY_MYSQL97_BINLOG
    sql "$kind" "$r" "CHANGE REPLICATION SOURCE TO SOURCE_HOST='127.0.0.1', SOURCE_PORT=$p, SOURCE_USER='root', SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1; START REPLICA"
  else
    dumper=$UNDERSTUDY_MARIADB1011_BINLOG
    sql "$kind" "$r" "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$p, MASTER_USER='root', MASTER_USE_GTID=slave_pos; START SLAVE"
  fi
  sql "$kind" "$p" "CREATE DATABASE d; CREATE TABLE d.t (a INT PRIMARY KEY, b VARCHAR(20));
    INSERT INTO d.t VALUES (1,'one'); BEGIN; INSERT INTO d.t VALUES (2,'two');
    INSERT INTO d.t VALUES (3,'three'); COMMIT"
  wait_caught_up "$kind" "$p" "$r"
  sql "$kind" "$p" "FLUSH BINARY LOGS"
  sql "$kind" "$p" "INSERT INTO d.t VALUES (4,'four'); UPDATE d.t SET b='x' WHERE a=1"
  wait_caught_up "$kind" "$p" "$r"
  sql "$kind" "$r" "FLUSH LOCAL RELAY LOGS"
  sql "$kind" "$p" "DELETE FROM d.t WHERE a=2; CREATE TABLE d.u (x INT)"
  wait_caught_up "$kind" "$p" "$r"
  if [ "$kind" = mysql97 ]; then
    sql "$kind" "$r" "STOP REPLICA"
  else
    sql "$kind" "$r" "STOP SLAVE"
  fi
  stop_pid "$rpid"
  stop_pid "$ppid"
  rm -rf "$out"
  mkdir -p "$out"
  local f
  for f in "$WORK/replica/data"/relay-bin.* "$WORK/replica/data"/master.info \
    "$WORK/replica/data"/relay-log.info; do
    [ -e "$f" ] || continue
    cp "$f" "$out/"
    chmod 0644 "$out/$(basename "$f")"
  done
  for f in "$out"/relay-bin.0*; do
    case $f in *.out) continue ;; esac
    TZ=UTC "$dumper" --hexdump -vv "$f" >"$f.hexdump-vv.out"
  done
  rm -rf "$WORK/primary" "$WORK/replica"
  echo "recorded $(find "$out" -name 'relay-bin.0*' ! -name '*.out' | wc -l) relay files into $out"
}

kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(mysql97 mariadb1011)
for kind in "${kinds[@]}"; do
  case $kind in
    mysql97 | mariadb1011) record "$kind" ;;
    *) echo "unknown server $kind (mysql97 or mariadb1011)" >&2; exit 2 ;;
  esac
done
