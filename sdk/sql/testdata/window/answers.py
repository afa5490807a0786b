"""answers.py writes DuckDB's result of each *.sql query here to a .csv
beside it, in the TPC-H answer format ('|'-separated, a header line, NULL
as an empty field), for TestWindowQueries (sdk/sql/window_test.go).

Usage (from the repository root): .venv/bin/python sdk/sql/testdata/window/answers.py
The test only reads the files; run this after changing a query.
"""

import pathlib

import duckdb

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parents[3] / "conformance" / "testdata" / "tpch" / "sf0.01"
TABLES = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"]


def field(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def main():
    db = duckdb.connect()
    for t in TABLES:
        db.execute(f"create view {t} as select * from read_parquet('{DATA / (t + '.parquet')}')")
    for q in sorted(HERE.glob("*.sql")):
        cur = db.execute(q.read_text())
        lines = ["|".join(c[0] for c in cur.description)]
        lines += ["|".join(field(v) for v in row) for row in cur.fetchall()]
        q.with_suffix(".csv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
