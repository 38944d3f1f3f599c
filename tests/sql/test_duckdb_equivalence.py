"""The generated DuckDB SQL equals the Rust core on random datasets.

    python3 -m unittest tests/sql/test_duckdb_equivalence.py
    SQL_CASES=500 python3 -m unittest tests/sql/test_duckdb_equivalence.py   # more cases

Needs `pip install -r tests/sql/requirements.txt` and the release CLI
(`cargo build --release -p opscalc-cli`, or OPSCALC=path/to/opscalc)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import duckdb  # noqa: E402
import cases  # noqa: E402

N = int(os.environ.get("SQL_CASES", "60"))


def execute(sql):
    con = duckdb.connect()
    try:
        r = con.sql(sql)
        return dict(zip(r.columns, r.fetchone()))
    finally:
        con.close()


class DuckDbEquivalence(unittest.TestCase):
    pass


cases.add_family_tests(DuckDbEquivalence, "duckdb", execute, N)

if __name__ == "__main__":
    unittest.main()
