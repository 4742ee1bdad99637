# understudy — see README.md. Every target provisions what it needs.
SHELL := /bin/bash
CARGO ?= cargo
export UNDERSTUDY_CACHE ?= $(HOME)/.cache/understudy

.PHONY: all build builddeps testbed test testdata demo bench fuzz lint

all: build

# libclang for RocksDB's bindings (apt-get when missing).
builddeps:
	bash scripts/build-deps.sh

build: builddeps
	$(CARGO) build --release --locked

# Real servers (MariaDB 10.11 from Debian; MySQL 9.7 and MariaDB 11.8 from
# Debian sid, unpacked into $(UNDERSTUDY_CACHE)). Idempotent and cached.
testbed: builddeps
	bash scripts/testbed/provision.sh

test: testbed
	$(CARGO) test --workspace --locked

# Re-records testdata/ from the real servers (binlogs + reference output,
# MySQL 9.7's answers to the evaluator's expressions, and the collation
# tables of crates/sql/src/collation/).
testdata: testbed
	$(CARGO) build --locked -p understudy-testbed --bin record-testdata --bin record-expressions \
		--bin record-collations
	./target/debug/record-testdata .
	./target/debug/record-expressions .
	./target/debug/record-collations .

demo: testbed
	bash scripts/demo.sh

# clippy links nothing, so it is pointed at an empty RocksDB library
# directory instead of compiling RocksDB's C++ a second time (its check-mode
# build-script hash differs from the test build's).
lint: builddeps
	$(CARGO) fmt --all --check
	mkdir -p target/lint-no-rocksdb
	ROCKSDB_LIB_DIR=$(CURDIR)/target/lint-no-rocksdb ROCKSDB_STATIC=1 \
	  $(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# Fuzzes every decoder (cargo-fuzz, libFuzzer); FUZZ_SECONDS per target.
fuzz:
	bash scripts/fuzz.sh

# understudy binlog vs MySQL 9.7 mysqlbinlog on a 1.5M-transaction binlog,
# and the raw decode rate (the binlog is recorded once and cached).
bench: testbed
	bash scripts/bench.sh
