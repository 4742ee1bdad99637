#!/usr/bin/env bash
# Provision the real servers the tests and the demo run against, idempotently
# and cached outside the clone:
#   - MariaDB 10.11 from Debian bookworm (apt-get install; the system service
#     is never used, tests start private instances),
#   - Oracle MySQL 9.7 from Debian sid, unpacked into a private prefix and run
#     through its own dynamic loader (it needs a newer libc than bookworm's),
#   - MariaDB 11.8 from Debian sid, the same way.
# Writes "$CACHE/testbed.env" naming every binary; tests read it.
# See ../shared/TESTBED.md for the facts behind each step.
set -euo pipefail

CACHE=${UNDERSTUDY_CACHE:-$HOME/.cache/understudy}
mkdir -p "$CACHE"
exec 9>"$CACHE/.provision.lock"
flock 9

log() { printf 'testbed: %s\n' "$*" >&2; }
die() { printf 'testbed: ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- MariaDB 10.11
provision_mariadb1011() {
  # mariadbd lives in /usr/sbin, off a normal user's PATH.
  local have
  have=$(PATH=$PATH:/usr/sbin command -v mariadbd || true)
  if [ -n "$have" ] && command -v mariadb-binlog >/dev/null \
     && command -v mariadb-install-db >/dev/null; then
    case "$("$have" --version 2>/dev/null)" in
      *10.11.*) return ;;
      *) die "$have is not MariaDB 10.11 ($("$have" --version 2>/dev/null)); the golden outputs are 10.11's" ;;
    esac
  fi
  log "installing MariaDB 10.11 from Debian (apt-get install mariadb-server mariadb-client)"
  [ "$(id -u)" = 0 ] || die "installing MariaDB needs root (apt-get install -y mariadb-server mariadb-client)"
  # Keep the packaged service from starting: tests start private instances.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    # Removed however apt-get ends.
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    mariadb-server mariadb-client >/dev/null
  PATH=$PATH:/usr/sbin command -v mariadbd >/dev/null || die "mariadbd missing after apt-get install"
}

# ------------------------------------------------------- private apt for sid
SID=$CACHE/apt-sid
APT_OPTS=()
sid_apt_setup() {
  mkdir -p "$SID/lists/partial" "$SID/cache/archives/partial" "$SID/debs"
  local mirror
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" > "$SID/sources.list"
  APT_OPTS=(-oDir::State::Lists="$SID/lists" -oDir::Etc::SourceList="$SID/sources.list"
    -oDir::Etc::SourceParts=/nonexistent -oDir::Cache="$SID/cache"
    -oDir::State::status=/dev/null -oAPT::Architecture=amd64 -oAPT::Architectures=amd64
    -oDebug::NoLocking=1 -oAPT::Sandbox::User=root)
  if [ ! -s "$SID/lists/.updated" ] || [ -n "$(find "$SID/lists/.updated" -mmin +1440 2>/dev/null)" ]; then
    log "apt-get update (Debian sid, private lists in $SID)"
    apt-get "${APT_OPTS[@]}" update -qq
    date > "$SID/lists/.updated"
  fi
}

# Resolve the library closure of some packages in sid (no perl: only the
# helper scripts use it) and unpack every package into PREFIX.
sid_unpack() {
  local prefix=$1; shift
  local pkgs
  pkgs=$(apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests \
      --no-conflicts --no-breaks --no-replaces --no-enhances "$@" \
    | grep -v '^ ' | grep -v '^<' | grep -Ev '^(perl|libperl|perl-)' | sort -u)
  [ -n "$pkgs" ] || die "could not resolve $* in Debian sid"
  rm -rf "$prefix.tmp"
  mkdir -p "$prefix.tmp"
  (cd "$SID/debs" && apt-get "${APT_OPTS[@]}" download $pkgs >/dev/null) \
    || die "apt-get download failed for: $pkgs"
  local p deb
  for p in $pkgs; do
    deb=$(ls -t "$SID/debs/${p}_"*.deb 2>/dev/null | head -n1)
    [ -n "$deb" ] || die "no .deb downloaded for $p"
    dpkg -x "$deb" "$prefix.tmp"
  done
  rm -rf "$prefix"
  mv "$prefix.tmp" "$prefix"
}

# A wrapper that runs an unpacked binary through the unpacked loader.
write_wrapper() {
  local prefix=$1 target=$2 out=$3
  mkdir -p "$(dirname "$out")"
  cat > "$out" <<W
#!/bin/sh
exec "$prefix/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --library-path "$prefix/usr/lib/x86_64-linux-gnu" "$prefix/$target" "\$@"
W
  chmod +x "$out"
}

# ------------------------------------------------------------- MySQL 9.7
MYSQL97=$CACHE/mysql-9.7
provision_mysql97() {
  if [ -x "$MYSQL97/bin/mysqld" ] && "$MYSQL97/bin/mysqld" --version 2>/dev/null | grep -q ' 9\.7\.'; then
    return
  fi
  sid_apt_setup
  log "downloading MySQL 9.7 from Debian sid into $MYSQL97/prefix"
  sid_unpack "$MYSQL97/prefix" mysql-server-core mysql-client-core
  local b
  for b in mysqld; do write_wrapper "$MYSQL97/prefix" "usr/sbin/$b" "$MYSQL97/bin/$b"; done
  for b in mysql mysqlbinlog mysqladmin mysqldump; do
    write_wrapper "$MYSQL97/prefix" "usr/bin/$b" "$MYSQL97/bin/$b"
  done
  "$MYSQL97/bin/mysqld" --version | grep -q ' 9\.7\.' || die "unpacked mysqld is not 9.7"
}

# ----------------------------------------------------------- MariaDB 11.8
MARIADB118=$CACHE/mariadb-11.8
provision_mariadb118() {
  if [ -x "$MARIADB118/base/sbin/mariadbd" ] \
     && "$MARIADB118/base/sbin/mariadbd" --version 2>/dev/null | grep -q ' 11\.8\.'; then
    return
  fi
  sid_apt_setup
  log "downloading MariaDB 11.8 from Debian sid into $MARIADB118/prefix"
  sid_unpack "$MARIADB118/prefix" mariadb-server-core mariadb-client-core mariadb-client mariadb-common libmariadb3
  local base=$MARIADB118/base
  rm -rf "$base"
  write_wrapper "$MARIADB118/prefix" usr/sbin/mariadbd "$base/sbin/mariadbd"
  local b
  for b in my_print_defaults mariadb mariadb-binlog mariadb-admin mariadb-dump; do
    write_wrapper "$MARIADB118/prefix" "usr/bin/$b" "$base/bin/$b"
  done
  cp "$MARIADB118/prefix/usr/bin/mariadb-install-db" "$base/bin/mariadb-install-db"
  ln -s "$MARIADB118/prefix/usr/share" "$base/share"
  "$base/sbin/mariadbd" --version | grep -q ' 11\.8\.' || die "unpacked mariadbd is not 11.8"
}

# ------------------------------------------------ Python MySQL drivers
# The drivers applications read a replica with (the endpoint's tests):
# PyMySQL and mysql-connector-python (run in its pure-Python mode), in a
# virtualenv of their own, from PyPI.
PYCLIENTS=$CACHE/python-clients
PYCLIENTS_PINS="PyMySQL==1.1.1 mysql-connector-python==9.1.0"
provision_python_clients() {
  if [ -x "$PYCLIENTS/bin/python" ] && [ "$(cat "$PYCLIENTS/.pins" 2>/dev/null)" = "$PYCLIENTS_PINS" ] \
     && "$PYCLIENTS/bin/python" -c 'import pymysql, mysql.connector' 2>/dev/null; then
    return
  fi
  command -v python3 >/dev/null || die "python3 is needed for the driver tests (apt-get install python3 python3-venv)"
  log "installing $PYCLIENTS_PINS into $PYCLIENTS (pip, PyPI)"
  rm -rf "$PYCLIENTS"
  python3 -m venv "$PYCLIENTS" || die "python3 -m venv failed (apt-get install python3-venv)"
  # shellcheck disable=SC2086
  "$PYCLIENTS/bin/pip" install -q $PYCLIENTS_PINS || die "pip install $PYCLIENTS_PINS failed"
  echo "$PYCLIENTS_PINS" > "$PYCLIENTS/.pins"
}

provision_mariadb1011
provision_mysql97
provision_python_clients
if [ "${UNDERSTUDY_SKIP_MARIADB118:-0}" != 1 ]; then provision_mariadb118; fi

cat > "$CACHE/testbed.env.tmp" <<ENV
# written by scripts/testbed/provision.sh
UNDERSTUDY_MARIADB1011_MARIADBD=$(command -v mariadbd)
UNDERSTUDY_MARIADB1011_INSTALL_DB=$(command -v mariadb-install-db)
UNDERSTUDY_MARIADB1011_CLIENT=$(command -v mariadb)
UNDERSTUDY_MARIADB1011_BINLOG=$(command -v mariadb-binlog)
UNDERSTUDY_MYSQL97_MYSQLD=$MYSQL97/bin/mysqld
UNDERSTUDY_MYSQL97_CLIENT=$MYSQL97/bin/mysql
UNDERSTUDY_MYSQL97_BINLOG=$MYSQL97/bin/mysqlbinlog
UNDERSTUDY_MYSQL97_BASEDIR=$MYSQL97/prefix/usr
UNDERSTUDY_PYTHON_CLIENTS=$PYCLIENTS/bin/python
ENV
if [ -x "$MARIADB118/base/sbin/mariadbd" ]; then
  cat >> "$CACHE/testbed.env.tmp" <<ENV
UNDERSTUDY_MARIADB118_BASEDIR=$MARIADB118/base
UNDERSTUDY_MARIADB118_MARIADBD=$MARIADB118/base/sbin/mariadbd
UNDERSTUDY_MARIADB118_INSTALL_DB=$MARIADB118/base/bin/mariadb-install-db
UNDERSTUDY_MARIADB118_CLIENT=$MARIADB118/base/bin/mariadb
UNDERSTUDY_MARIADB118_BINLOG=$MARIADB118/base/bin/mariadb-binlog
ENV
fi
mv "$CACHE/testbed.env.tmp" "$CACHE/testbed.env"
log "ready: $CACHE/testbed.env"
