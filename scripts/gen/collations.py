#!/usr/bin/env python3
"""Writes crates/dumper/src/collations/{mysql97,mariadb1011}.tsv from the collation lists of real
servers (tab-separated `ID CHARSET COLLATION [IS_DEFAULT]`, as printed by
`SELECT ID, CHARACTER_SET_NAME, COLLATION_NAME, IS_DEFAULT FROM
information_schema.COLLATIONS ORDER BY ID` on MySQL; on MariaDB
the same columns from information_schema.COLLATION_CHARACTER_SET_APPLICABILITY,
which also lists the UCA-14.0 collations with ids above 255), one file per server.
The output has the first three columns, sorted by id.

usage (from the repository root): scripts/gen/collations.py MYSQL97.tsv MARIADB1011.tsv
"""
import sys

def load(path):
    rows = []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 3 and f[0].isdigit():
            rows.append((int(f[0]), f[1], f[2]))
    return sorted(set(rows))

def write(path, rows):
    with open(path, "w") as f:
        for i, cs, co in rows:
            f.write(f"{i}\t{cs}\t{co}\n")

out = "crates/dumper/src/collations"
write(f"{out}/mysql97.tsv", load(sys.argv[1]))
write(f"{out}/mariadb1011.tsv", load(sys.argv[2]))
