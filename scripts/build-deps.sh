#!/usr/bin/env bash
# What compiling understudy needs besides Rust: libclang, for the RocksDB
# bindings of crates/store (bindgen). Idempotent; installs from Debian when
# missing.
set -euo pipefail
have_libclang() {
  [ -n "${LIBCLANG_PATH:-}" ] && ls "$LIBCLANG_PATH"/libclang*.so* >/dev/null 2>&1 && return 0
  ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/x86_64-linux-gnu/libclang*.so* >/dev/null 2>&1
}
have_libclang && exit 0
echo "build-deps: installing libclang-dev (for RocksDB's bindings) with apt-get" >&2
if [ "$(id -u)" != 0 ]; then
  echo "build-deps: needs root: apt-get install -y libclang-dev" >&2
  exit 1
fi
DEBIAN_FRONTEND=noninteractive apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libclang-dev >/dev/null
have_libclang || { echo "build-deps: libclang still missing after apt-get install" >&2; exit 1; }
