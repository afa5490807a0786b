"""check_data.py runs the TPC-H queries with DataFusion over generated Parquet
files and compares the results with the reference answers.

Usage (from the repository root; gendata.sh calls it after generating):

    .venv/bin/python conformance/tpch/check_data.py \
        --data conformance/testdata/tpch/sf0.01 \
        --answers conformance/testdata/tpch/answers/sf0.01 \
        --queries conformance/testdata/tpch/queries [q01 q06 ...]

The comparison follows the rules of the Go package conformance/tpch: numbers
by value within 0.01 absolute or 1e-9 relative, strings exactly after
trimming trailing spaces, dates as YYYY-MM-DD, rows in order, and an empty
field matching NULL.

The reference answers were computed by DuckDB on data from its own dbgen,
which gendata.sh uses too, so every query must match: any difference makes
the script exit non-zero.
"""

import argparse
import datetime
import decimal
import math
import pathlib
import sys

import datafusion

TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]


def load_answer(path):
    """load_answer returns the header and rows of a |-separated answer file."""
    lines = pathlib.Path(path).read_text().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = lines[0].split("|")
    return header, [line.split("|") for line in lines[1:]]


def cell_matches(got, want):
    """cell_matches reports whether the Python value got matches the answer field want."""
    if got is None:
        return want == ""
    if isinstance(got, bool):
        return want.lower() in (("true", "t", "1") if got else ("false", "f", "0"))
    if isinstance(got, (int, float, decimal.Decimal)):
        try:
            w = float(want)
        except ValueError:
            return False
        g = float(got)
        if math.isnan(g) or math.isnan(w):
            return math.isnan(g) and math.isnan(w)
        return abs(g - w) <= max(0.01, 1e-9 * max(abs(g), abs(w)))
    if isinstance(got, datetime.date):
        return got.isoformat() == want
    return str(got).rstrip(" ") == want.rstrip(" ")


def compare(table, answer):
    """compare returns None if the pyarrow table matches the answer, or else a description of the first difference."""
    header, want = answer
    if table.num_columns != len(header):
        return f"{table.num_columns} columns, want {len(header)}"
    got = table.to_pylist()
    if len(got) != len(want):
        return f"{len(got)} rows, want {len(want)}"
    for i, (grow, wrow) in enumerate(zip(got, want)):
        for j, (g, w) in enumerate(zip(grow.values(), wrow)):
            if not cell_matches(g, w):
                return f"row {i}, column {j} ({header[j]}): got {g!r}, want {w!r}"
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, type=pathlib.Path)
    p.add_argument("--answers", required=True, type=pathlib.Path)
    p.add_argument("--queries", required=True, type=pathlib.Path)
    p.add_argument("names", nargs="*", help="queries to run (default: all with an answer)")
    args = p.parse_args()

    ctx = datafusion.SessionContext()
    for t in TABLES:
        ctx.register_parquet(t, str(args.data / f"{t}.parquet"))

    names = args.names or sorted(f.stem for f in args.answers.glob("q*.csv"))
    failed = 0
    for name in names:
        table = ctx.sql((args.queries / f"{name}.sql").read_text()).to_arrow_table()
        problem = compare(table, load_answer(args.answers / f"{name}.csv"))
        if problem:
            failed += 1
            print(f"check_data.py: {name}: {problem}", file=sys.stderr)
    print(f"check_data.py: {len(names) - failed}/{len(names)} queries match the answers", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
