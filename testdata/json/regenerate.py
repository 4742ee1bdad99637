#!/usr/bin/env python3
"""Regenerates testdata/json/{values,diffs}.golden from a real MySQL server.

It starts a private MySQL 9.7 server (paths from
~/.cache/understudy/testbed.env, written by scripts/testbed/provision.sh) on a
free loopback port, stores each case in a one-column JSON table, and records:

  values.golden: per case the SQL expression, the binary JSON bytes taken from
    the WRITE_ROWS event, `CAST(j AS CHAR)` from the server, and what
    `mysqlbinlog -v` printed after `@1=`.
  diffs.golden: per partial update (binlog_row_value_options=PARTIAL_JSON,
    binlog_row_image=MINIMAL) the statement, the diff-list bytes of the JSON
    column from the PARTIAL_UPDATE_ROWS event, and what `mysqlbinlog -v`
    printed after `@2=` (continuation lines kept, one `row:` line each).

Usage: python3 testdata/json/regenerate.py   (needs no arguments)
"""

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WRITE_ROWS_EVENT, UPDATE_ROWS_EVENT, PARTIAL_UPDATE_ROWS_EVENT = 30, 31, 39

VALUES = r"""
'{"a": [1, 2.5, null], "b": "x"}'
'[]'
'{}'
'null'
'true'
'false'
'[1, -1, 32767, 32768, -32768, -32769, 65535, 65536, 2147483647, 2147483648, -2147483649]'
'[4294967295, 4294967296, 9223372036854775807, 9223372036854775808, 18446744073709551615, -9223372036854775808]'
'"hello"'
'""'
'"it''s"'
'"back\\\\slash"'
'"nul\\u0000 bel\\u0007 bs\\b tab\\t nl\\n vt\\u000b ff\\f cr\\r sub\\u001a esc\\u001b us\\u001f sp dq\\" sq'' bs\\\\ sl/ del\\u007f"'
'["nul\\u0000 bel\\u0007 bs\\b tab\\t nl\\n vt\\u000b ff\\f cr\\r sub\\u001a esc\\u001b us\\u001f sp dq\\" sq'' bs\\\\ sl/ del\\u007f"]'
'"héllo ünï 日本 😀"'
'{"a\\"b": 1, "ñ": 2, "new\\nline": 3, "": 4, "x''y": 5, "longer key": {"k": []}}'
'[1.0, -0.0, 0.0, 2.5, 0.1, 1e15, 1e14, 1e16, 1e-15, 1e-16, 1e20, 1e21, -2.5e-10, 123456.789e3]'
'[1.7976931348623157e308, 2.2250738585072014e-308, 5e-324, 1.2345678901234567e15, 1.2345678901234568e16, 0.30000000000000004]'
'[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]'
CAST(CAST('2015-01-15' AS DATE) AS JSON)
CAST(TIME'23:24:25' AS JSON)
CAST(CAST('-838:59:59' AS TIME) AS JSON)
CAST(CAST('-00:00:01.25' AS TIME(2)) AS JSON)
CAST(CAST('100:00:00' AS TIME) AS JSON)
CAST(TIMESTAMP'2015-01-15 23:24:25' AS JSON)
CAST(CAST('2015-01-15 23:24:25.123456' AS DATETIME(6)) AS JSON)
CAST(CAST('9999-12-31 23:59:59.999999' AS DATETIME(6)) AS JSON)
CAST(12.50 AS JSON)
CAST(-0.000 AS JSON)
CAST(CAST('-12345678901234567890123456789012345.123456789012345678901234567890' AS DECIMAL(65,30)) AS JSON)
CAST(CAST(5 AS DECIMAL(10,0)) AS JSON)
CAST(x'55' AS JSON)
CAST(x'' AS JSON)
CAST(REPEAT(x'41', 57) AS JSON)
CAST(REPEAT(x'41', 58) AS JSON)
CAST(REPEAT(x'00ff', 100) AS JSON)
JSON_ARRAY(CAST('2015-01-15' AS DATE), CAST(12.5 AS DECIMAL(4,1)), x'0102', TIME'01:02:03', REPEAT(x'41', 58))
JSON_OBJECT('k', CAST('2015-01-15 01:02:03' AS DATETIME), 'd', CAST(-1.5 AS DECIMAL(3,1)))
JSON_ARRAY(CAST(5 AS UNSIGNED), CAST(-5 AS SIGNED), CAST(70000 AS UNSIGNED), CAST(0.1 AS FLOAT))
CAST(ST_GeomFromText('POINT(1 1)') AS JSON)
(SELECT JSON_ARRAY(b, bt, y, ts, v) FROM d.c)
(SELECT CAST(ts AS JSON) FROM d.c)
(SELECT CAST(b AS JSON) FROM d.c)
(SELECT CAST(bt AS JSON) FROM d.c)
"""

INITIAL_DOC = """'{"a": 1, "b": [1, 2, 3], "c": "hello", "d": {"x": 1}, "pad": "%s"}'""" % ("p" * 60)
DIFFS = r"""
JSON_SET(j, '$.a', 5)
JSON_SET(j, '$.new', 'str')
JSON_REMOVE(j, '$.new')
JSON_REPLACE(j, '$.a', CAST('{"x": 1, "y": [true, null]}' AS JSON))
JSON_SET(j, '$.b[0]', 1.5)
JSON_SET(j, '$.b[0]', 2.5e0)
JSON_SET(j, '$.c', 'it''s a \\"q\\" back\\\\slash new\nline tab\t nul\0 é')
JSON_SET(j, '$.c', CAST('2020-01-01' AS DATE))
JSON_SET(j, '$.c', CAST(CAST('01:02:03.5' AS TIME(1)) AS JSON))
JSON_SET(j, '$.c', CAST(CAST('2020-01-02 03:04:05' AS DATETIME) AS JSON))
JSON_SET(j, '$.c', CAST(x'00ff' AS JSON))
JSON_SET(j, '$.c', CAST(123.450 AS JSON))
JSON_SET(j, '$.c', CAST(1e300 AS JSON))
JSON_SET(j, '$.c', -5)
JSON_SET(j, '$.c', 18446744073709551615)
JSON_SET(j, '$.c', NULL)
JSON_SET(j, '$.c', true)
JSON_SET(j, '$.c', false)
JSON_SET(j, '$.c', '')
JSON_SET(j, '$.c', CAST('[]' AS JSON))
JSON_SET(j, '$.c', CAST('["a\\nb", "c''d", "e\\\\f", "g\\"h", {"k": "it''s"}]' AS JSON))
JSON_SET(j, '$.a', 1, '$.z', 2)
JSON_REMOVE(JSON_SET(j, '$.a', 7), '$.z')
JSON_SET(j, '$.a', 'x', '$.b[1]', CAST('{"k": "it''s \\\\ \\"q\\"\\n"}' AS JSON), '$.q', 3, '$.b[9]', 5)
JSON_SET(j, '$.n1', 1, '$.b[10]', 2, '$.n2', 3)
JSON_REMOVE(j, '$.n1', '$.n2', '$.q')
JSON_SET(j, '$.a', 5, '$.c', 'x', '$.d.x', 3)
JSON_SET(j, '$.b[4]', 1, '$.b[5]', 2)
JSON_SET(j, '$."a b"', 1)
JSON_SET(j, '$."it''s"', 1)
JSON_SET(j, '$.d.y', 'é')
JSON_REMOVE(j, '$.b[0]')
JSON_SET(j, '$.a', 6, '$.b[0]', 7)
"""


def random_double_arrays():
    rng = random.Random(20241121)
    arrays = []
    for _ in range(4):  # uniformly random finite bit patterns
        vals = []
        while len(vals) < 40:
            d = __import__("struct").unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
            if d == d and abs(d) != float("inf"):
                vals.append(repr(d))
        arrays.append(vals)
    for _ in range(4):  # exponents around the fixed/scientific boundaries
        vals = []
        for _ in range(40):
            digits = rng.randint(1, 17)
            mant = rng.randint(10 ** (digits - 1), 10**digits - 1)
            d = float("%de%d" % (mant, rng.randint(-22, 22) - digits))
            vals.append(repr(-d if rng.random() < 0.3 else d))
        arrays.append(vals)
    return ["'[%s]'" % ", ".join(v.replace("e+", "e") for v in vals) for vals in arrays]


class Server:
    def __init__(self):
        env = {}
        with open(os.path.expanduser("~/.cache/understudy/testbed.env")) as f:
            for line in f:
                if "=" in line and not line.startswith("#"):
                    k, v = line.strip().split("=", 1)
                    env[k] = v
        self.env = env
        self.dir = tempfile.mkdtemp(prefix="understudy-json-")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        base = [env["UNDERSTUDY_MYSQL97_MYSQLD"], "--no-defaults", "--datadir=%s/data" % self.dir,
                "--basedir=" + env["UNDERSTUDY_MYSQL97_BASEDIR"],
                "--lc-messages-dir=%s/share/mysql" % env["UNDERSTUDY_MYSQL97_BASEDIR"], "--user=root"]
        subprocess.run(base + ["--initialize-insecure"], check=True, capture_output=True)
        self.proc = subprocess.Popen(base + [
            "--port=%d" % self.port, "--bind-address=127.0.0.1", "--socket=%s/sock" % self.dir,
            "--pid-file=%s/pid" % self.dir, "--mysqlx=OFF", "--secure-file-priv=", "--server-id=1",
            "--log-bin=binlog", "--innodb-buffer-pool-size=64M", "--performance-schema=OFF"],
            stdout=subprocess.DEVNULL, stderr=open("%s/error.log" % self.dir, "wb"))
        for _ in range(120):
            if subprocess.run(self.cli(["-e", "select 1"]), capture_output=True).returncode == 0:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.5)
        raise SystemExit("server did not start; see %s/error.log" % self.dir)

    def cli(self, args):
        return [self.env["UNDERSTUDY_MYSQL97_CLIENT"], "-uroot", "-h127.0.0.1", "-P%d" % self.port,
                "-N", "-B", "--raw"] + args

    def sql(self, q):
        r = subprocess.run(self.cli(["-e", q]), capture_output=True)
        if r.returncode:
            raise SystemExit("%s\n%s" % (q, r.stderr.decode()))
        return r.stdout

    def rotate(self):
        """Starts a new binlog; returns the path of the one it closed."""
        name = self.sql("show binary log status").split(b"\t")[0].decode()
        self.sql("flush binary logs")
        return "%s/data/%s" % (self.dir, name)

    def mysqlbinlog(self, path):
        return subprocess.run([self.env["UNDERSTUDY_MYSQL97_BINLOG"], "-v", "--base64-output=decode-rows", path],
                              env=dict(os.environ, TZ="UTC"), check=True, capture_output=True).stdout

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir)


def events(path, types):
    data = open(path, "rb").read()
    pos = 4
    while pos < len(data):
        size = int.from_bytes(data[pos + 9:pos + 13], "little")
        if data[pos + 4] in types:
            yield data[pos + 4], data[pos + 19:pos + size - 4]  # without header and CRC
        pos += size


def row_body(body):
    """Skips table id, flags and extra data; returns the rest."""
    extra = int.from_bytes(body[8:10], "little")
    return body[8 + extra:]


def values(server):
    server.sql("create table d.t (j json)")
    server.sql("create table d.c (b blob, bt bit(10), y year, ts timestamp(3), v varchar(10))")
    server.sql("insert into d.c values (x'00ff41', b'1010000001', 2024, '2020-02-03 04:05:06.789', 'vv')")
    exprs = [l for l in VALUES.strip().split("\n")] + random_double_arrays()
    server.rotate()
    for e in exprs:
        server.sql("insert into d.t values (%s)" % e)
    casts = [bytes.fromhex(h.decode()) for h in server.sql("select hex(cast(j as char)) from d.t").split()]
    path = server.rotate()
    bins = []
    for _, body in events(path, {WRITE_ROWS_EVENT}):
        b = row_body(body)
        assert b[0:3] == b"\x01\xff\x00", b[:3].hex()  # 1 column, present, not NULL
        n = int.from_bytes(b[3:7], "little")
        bins.append(b[7:7 + n])
    rows = [l[len(b"###   @1="):] for l in server.mysqlbinlog(path).split(b"\n") if l.startswith(b"###   @1=")]
    assert len(exprs) == len(bins) == len(casts) == len(rows)
    out = [b"# Generated by testdata/json/regenerate.py from MySQL 9.7.4; do not edit.\n"]
    for e, b, c, r in zip(exprs, bins, casts, rows):
        out.append(b"\nsql: %s\nbin: %s\ncast: %s\nrow: %s\n" % (e.encode(), b.hex().encode(), c, r))
    open(os.path.join(HERE, "values.golden"), "wb").write(b"".join(out))


def diffs(server):
    server.sql("create table d.p (id int primary key, j json)")
    server.sql("insert into d.p values (1, %s)" % INITIAL_DOC)
    updates = DIFFS.strip().split("\n")
    server.rotate()
    for u in updates:
        server.sql("set session binlog_row_value_options=PARTIAL_JSON; set session binlog_row_image=MINIMAL;"
                   " update d.p set j=%s where id=1" % u)
    path = server.rotate()
    raws = []
    for ty, body in events(path, {UPDATE_ROWS_EVENT, PARTIAL_UPDATE_ROWS_EVENT}):
        b = row_body(body)
        # 2 columns, before image {id}, after image {j}, id not NULL, id value
        assert b[0:4] == b"\x02\x01\x02\x00", b[:4].hex()
        b = b[8:]
        partial = ty == PARTIAL_UPDATE_ROWS_EVENT and b[0] & 1 and b[1] & 1
        b = b[2:] if ty == PARTIAL_UPDATE_ROWS_EVENT and b[0] & 1 else b[1:]
        assert b[0] == 0  # j not NULL
        n = int.from_bytes(b[1:5], "little")
        raws.append(b[5:5 + n] if partial else None)
    text = server.mysqlbinlog(path).split(b"\n")
    rows = []
    for i, line in enumerate(text):
        if line.startswith(b"###   @2="):
            lines = [line[len(b"###   @2="):]]
            while text[i + len(lines)].startswith(b"###      "):
                lines.append(text[i + len(lines)])
            rows.append(lines)
    assert len(updates) == len(raws) == len(rows)
    out = [b"# Generated by testdata/json/regenerate.py from MySQL 9.7.4; do not edit.\n"
           b"# Every statement updates j of one row whose starting value is\n# %s\n" % INITIAL_DOC.encode()]
    for u, raw, row in zip(updates, raws, rows):
        if raw is None:
            continue  # the server logged the whole document
        out.append(b"\nsql: %s\nbin: %s\n" % (u.encode(), raw.hex().encode()))
        out.extend(b"row: %s\n" % l for l in row)
    open(os.path.join(HERE, "diffs.golden"), "wb").write(b"".join(out))


def main():
    server = Server()
    try:
        server.sql("create database d")
        values(server)
        diffs(server)
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
