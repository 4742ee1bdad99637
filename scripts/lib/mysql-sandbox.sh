# Sourced by demo.sh and bench.sh: a private MySQL 9.7 on loopback, in a
# temporary directory, stopped and removed on exit.
#
#   sandbox_start [mysqld options...]   sets SANDBOX (its directory) and
#                                       SANDBOX_PORT; `mysql` then talks to it.
#                                       With SANDBOX_DATADIR set, that data
#                                       directory is used (initialised when
#                                       absent) and kept at stop.
#   sandbox_stop                        (also run on EXIT)
#
# Needs testbed.env sourced (UNDERSTUDY_MYSQL97_*). On failure the server's
# logs are shown before the directory goes.

sandbox_stop() {
  local status=$?
  [ -n "${SANDBOX:-}" ] || return 0
  if [ "$status" != 0 ]; then
    local log
    for log in "$SANDBOX/init.log" "$SANDBOX/error.log"; do
      if [ -s "$log" ]; then echo "== $log" >&2; tail -n 20 "$log" >&2; fi
    done
  fi
  if [ -f "$SANDBOX/pid" ]; then
    local pid
    pid=$(cat "$SANDBOX/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -rf "$SANDBOX"
  SANDBOX=
}

mysql() { "$UNDERSTUDY_MYSQL97_CLIENT" --no-defaults -uroot -h127.0.0.1 -P"$SANDBOX_PORT" "$@"; }

sandbox_start() {
  SANDBOX=$(mktemp -d "${TMPDIR:-/tmp}/understudy-sandbox.XXXXXX")
  SANDBOX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  trap sandbox_stop EXIT
  SANDBOX_DATA=${SANDBOX_DATADIR:-$SANDBOX/data}
  local common=(--no-defaults --datadir="$SANDBOX_DATA" --basedir="$UNDERSTUDY_MYSQL97_BASEDIR"
    --lc-messages-dir="$UNDERSTUDY_MYSQL97_BASEDIR/share/mysql" --user=root)
  if [ ! -d "$SANDBOX_DATA/mysql" ]; then
    rm -rf "$SANDBOX_DATA"
    "$UNDERSTUDY_MYSQL97_MYSQLD" "${common[@]}" --initialize-insecure >"$SANDBOX/init.log" 2>&1
  fi
  "$UNDERSTUDY_MYSQL97_MYSQLD" "${common[@]}" --port="$SANDBOX_PORT" --bind-address=127.0.0.1 \
    --socket="$SANDBOX/sock" --pid-file="$SANDBOX/pid" --mysqlx=OFF --secure-file-priv= \
    --server-id=1 --log-bin=binlog --gtid-mode=ON --enforce-gtid-consistency=ON \
    --performance-schema=OFF --tmpdir="$SANDBOX" "$@" >"$SANDBOX/error.log" 2>&1 &
  local server=$!
  for _ in $(seq 60); do
    if mysql -e 'SELECT 1' >/dev/null 2>&1; then return 0; fi
    kill -0 "$server" 2>/dev/null || break
    sleep 1
  done
  echo "the MySQL 9.7 sandbox did not start" >&2
  return 1
}
