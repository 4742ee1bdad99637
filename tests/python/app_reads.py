"""What an application does with a replica (../shared/seeds/000: open a
second connection with the ordinary driver, SELECT * FROM the table,
fetchall), with PyMySQL and mysql-connector-python (pure-Python mode),
plain and with server-side prepared statements: every result equals the
primary's through the same driver.

usage: app_reads.py ENDPOINT_PORT ADMIN_PASSWORD PRIMARY_PORT
Prints one line per check; exits non-zero on the first difference.
"""
import sys

import mysql.connector
import pymysql

endpoint, password, primary = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])


def pymysql_rows(port, user, pw, sql, args=None):
    conn = pymysql.connect(host="127.0.0.1", port=port, user=user, password=pw, database="rnd")
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            return [d[:2] for d in cur.description], cur.fetchall()
    finally:
        conn.close()


def connector_rows(port, user, pw, sql, args=(), prepared=False):
    conn = mysql.connector.connect(
        host="127.0.0.1", port=port, user=user, password=pw, database="rnd", use_pure=True
    )
    try:
        cur = conn.cursor(prepared=prepared)
        cur.execute(sql, args)
        rows = cur.fetchall()
        desc = [d[:2] for d in cur.description]
        cur.close()
        return desc, rows
    finally:
        conn.close()


def same(what, ours, theirs):
    (od, orows), (td, trows) = ours, theirs
    if od != td:
        sys.exit(f"{what}: columns differ\n ours:    {od}\n primary: {td}")
    if len(orows) != len(trows):
        sys.exit(f"{what}: {len(orows)} rows, the primary {len(trows)}")
    for o, t in zip(orows, trows):
        if tuple(o) != tuple(t):
            sys.exit(f"{what}: rows differ\n ours:    {o!r}\n primary: {t!r}")
    if not trows:
        sys.exit(f"{what}: no rows on the primary")
    print(f"{what}: {len(trows)} rows equal")


def both(fn, what, sql, *args, **kw):
    same(what, fn(endpoint, "admin", password, sql, *args, **kw), fn(primary, "root", "", sql, *args, **kw))


both(pymysql_rows, "pymysql SELECT * FROM wide", "SELECT * FROM wide")
both(pymysql_rows, "pymysql SELECT * FROM comp", "SELECT * FROM comp ORDER BY id, k2")
both(pymysql_rows, "pymysql parameters", "SELECT id, vc, de FROM wide WHERE id > %s ORDER BY id", (100,))
both(connector_rows, "connector SELECT * FROM wide", "SELECT * FROM wide")
both(
    connector_rows,
    "connector join and aggregate",
    "SELECT w.e, COUNT(*), MAX(c.de) FROM wide w JOIN comp c ON c.id = w.id + 1 GROUP BY w.e ORDER BY w.e",
)
# Every column type but YEAR: mysql-connector-python 9.1 (pure) reads a
# binary YEAR as a length-prefixed string and loses its place in the row,
# against MySQL 9.7 itself as against the endpoint.
COLUMNS = "id, tu, si, mu, i, bi, bu, de, fl, db, d, t3, dt, ts, ch, vc, l1, tx, bl, b5, b64, bn, vb, e, st, j"
both(
    connector_rows,
    "connector prepared",
    f"SELECT {COLUMNS} FROM wide WHERE id > ? AND id < ? ORDER BY id",
    (5, 400),
    prepared=True,
)
both(
    connector_rows,
    "connector prepared point lookup",
    f"SELECT {COLUMNS} FROM wide WHERE id = ?",
    (int(connector_rows(primary, "root", "", "SELECT MAX(id) FROM wide")[1][0][0]),),
    prepared=True,
)

try:
    pymysql_rows(endpoint, "admin", password, "INSERT INTO wide (id) VALUES (100000)")
    sys.exit("an INSERT was acknowledged")
except pymysql.err.OperationalError as e:
    if e.args[0] != 1290:
        sys.exit(f"INSERT: {e}")
    print("INSERT refused with 1290")
