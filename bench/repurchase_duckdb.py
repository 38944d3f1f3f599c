#!/usr/bin/env python3
"""Runs the SQL `opscalc repurchase FILE --sql duckdb` prints, in DuckDB's
Python package, for `scripts/bench compare`:

    python bench/repurchase_duckdb.py repurchase.sql

prints one JSON object: the query's row (column -> value) and the seconds
DuckDB spent on it (`engine_s`, without the interpreter's start-up).
"""
import json
import sys
import time

import duckdb

sql = open(sys.argv[1], encoding="utf-8").read()
t0 = time.perf_counter()
con = duckdb.connect()
cur = con.execute(sql)
row = cur.fetchone()
names = [d[0] for d in cur.description]
out = dict(zip(names, row))
out["engine_s"] = time.perf_counter() - t0
out["threads"] = con.execute("SELECT current_setting('threads')").fetchone()[0]
print(json.dumps(out))
