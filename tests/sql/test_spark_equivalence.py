"""The generated Spark SQL equals the Rust core on random datasets, on
Spark in local mode (Java 17).

    python3 -m unittest tests/sql/test_spark_equivalence.py
    SPARK_CASES=100 python3 -m unittest tests/sql/test_spark_equivalence.py

Needs `pip install -r tests/sql/requirements-spark.txt` and the release
CLI. Run by scripts/test-spark (not part of scripts/test: see
docs/SCALING.md for the cost that decided it)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402

N = int(os.environ.get("SPARK_CASES", "20"))
SPARK = None


def setUpModule():
    global SPARK
    from pyspark.sql import SparkSession

    SPARK = (
        SparkSession.builder.master("local[2]")
        .appName("opscalc-sql-equivalence")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        # The plans of these queries are large; 1 GB (the default) runs
        # out over a few hundred of them.
        .config("spark.driver.memory", "3g")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    SPARK.sparkContext.setLogLevel("ERROR")


def tearDownModule():
    if SPARK is not None:
        SPARK.stop()


def execute(sql):
    # The SQL is a CREATE TEMPORARY VIEW per file, then the query; each
    # statement ends a line with ';'.
    statements = [s.strip() for s in sql.split(";\n") if s.strip() and not all(
        line.startswith("--") for line in s.strip().splitlines())]
    df = None
    for s in statements:
        df = SPARK.sql(s)
    row = df.collect()[0].asDict()
    # Views of earlier cases would otherwise stay in the session.
    for view in SPARK.catalog.listTables():
        if view.isTemporary:
            SPARK.catalog.dropTempView(view.name)
    return row


class SparkEquivalence(unittest.TestCase):
    pass


cases.add_family_tests(SparkEquivalence, "spark", execute, N)

if __name__ == "__main__":
    unittest.main()
