#!/usr/bin/env python3
"""Native comparison: `opscalc repurchase` against DuckDB (the SQL that
`opscalc repurchase FILE --sql duckdb` generates) and Polars
(bench/repurchase_polars.py) on the same orders CSV, by the same
definition (spec/metrics.md sections 1 and 2, default settings). DuckDB runs
twice: the general generated SQL, and bench/repurchase_simple.sql, the query
a person would write for this one file's time format.

    python3 bench/compare.py FILE [--repeat N]

Run it through `scripts/bench compare [rows]`, which generates the file and
uses the venv that has DuckDB and Polars. Each tool runs as its own process
under /usr/bin/time (wall time, CPU time, peak RSS); the first run of each
is a warm-up that only fills the page cache, then the best of N runs is
kept. All must agree on buyers, repeat buyers, orders and repeat
orders exactly and on the rates to 1e-12, or this exits with status 1.
Prints a Markdown table with the ratios against opscalc and the load average.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPSCALC = os.environ.get("OPSCALC", os.path.join(ROOT, "target", "release", "opscalc"))
EXACT = ["buyers", "repeat_buyers", "orders", "repeat_orders"]
RATES = ["user_repurchase_rate", "order_repurchase_rate"]


def timed(cmd):
    """Runs cmd under /usr/bin/time; returns (stdout, wall s, cpu s, peak RSS MB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        p = subprocess.run(["/usr/bin/time", "-o", tf.name, "-f", "%e %U %S %M", *cmd],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-2000:]}")
        wall, user, sys_, rss_kb = tf.read().split()[-4:]
    return p.stdout, float(wall), float(user) + float(sys_), int(rss_kb) / 1024


def opscalc(path):
    out, *t = timed([OPSCALC, "repurchase", path, "--json"])
    return json.loads(out)["metrics"], None, *t


def simple_sql(path):
    """bench/repurchase_simple.sql reading `path`."""
    sql = open(os.path.join(ROOT, "bench", "repurchase_simple.sql"), encoding="utf-8").read()
    return sql.replace("'orders.csv'", "'" + path.replace("'", "''") + "'")


def duckdb(path, sql_file):
    out, *t = timed([sys.executable, os.path.join(ROOT, "bench", "repurchase_duckdb.py"), sql_file])
    m = json.loads(out)
    return m, m, *t


def polars(path):
    out, *t = timed([sys.executable, os.path.join(ROOT, "bench", "repurchase_polars.py"), path])
    m = json.loads(out)
    return m, m, *t


def check(name, got, want):
    bad = [k for k in EXACT if got[k] != want[k]]
    bad += [k for k in RATES if abs(got[k] - want[k]) > 1e-12]
    if bad:
        sys.exit(f"MISMATCH: {name} disagrees with opscalc on {bad}: "
                 f"{ {k: got[k] for k in EXACT + RATES} } vs { {k: want[k] for k in EXACT + RATES} }")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    path = a.file
    mb = os.path.getsize(path) / 1e6
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False, encoding="utf-8") as f:
        f.write(subprocess.run([OPSCALC, "repurchase", path, "--sql", "duckdb"],
                               capture_output=True, text=True, check=True).stdout)
        sql_file = f.name
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False, encoding="utf-8") as f:
        f.write(simple_sql(path))
        simple_file = f.name
    tools = [
        ("opscalc (CLI, 1 thread)", lambda: opscalc(path)),
        ("DuckDB (Python, generated SQL)", lambda: duckdb(path, sql_file)),
        ("DuckDB (Python, hand-written SQL for this file)", lambda: duckdb(path, simple_file)),
        ("Polars (Python, lazy)", lambda: polars(path)),
    ]
    load = [os.getloadavg()[0]]
    rows = []
    for name, run in tools:
        run()  # warm-up: the page cache, imports
        best = min((run() for _ in range(max(1, a.repeat))), key=lambda r: r[2])
        load.append(os.getloadavg()[0])
        rows.append((name, *best))
    os.unlink(sql_file)
    os.unlink(simple_file)
    ref = rows[0][1]
    for name, metrics, *_ in rows[1:]:
        check(name, metrics, ref)
    print(f"file: {os.path.basename(path)}, {mb:.1f} MB; cores: {os.cpu_count()}; "
          f"1-min load average {min(load):.1f} to {max(load):.1f} during the run")
    print(f"all agree: buyers {ref['buyers']}, repeat_buyers {ref['repeat_buyers']}, "
          f"orders {ref['orders']}, user_repurchase_rate {ref['user_repurchase_rate']}")
    print()
    print("| tool | threads | wall | MB/s | CPU (user+sys) | in-engine | peak RSS | wall vs opscalc | CPU vs opscalc |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    o_wall, o_cpu = rows[0][3], rows[0][4]
    for name, _, extra, wall, cpu, rss in rows:
        threads = extra["threads"] if extra else 1
        engine = f"{extra['engine_s']:.2f} s" if extra else "-"
        print(f"| {name} | {threads} | {wall:.2f} s | {mb / wall:.1f} | {cpu:.2f} s | {engine} | "
              f"{rss:,.0f} MB | {wall / o_wall:.2f}x | {cpu / o_cpu:.2f}x |")


if __name__ == "__main__":
    main()
