"""generate.py writes the window-function fixtures the plan tests run
(TestWindowPlans in executor/plan/window_test.go): for each queries/wN.sql,

  - datafusion/wN.json: DataFusion's Substrait plan (as
    conformance/tpch/plans_datafusion.py makes them);
  - isthmus/wN.json: Isthmus's plan, through the TPC-H Isthmus tool
    (conformance/tpch/isthmus; needs Java 17 and Maven);
  - answers/wN.csv: DuckDB's result, in the TPC-H answer format
    ('|'-separated, a header line, NULL as an empty field).

Usage (from the repository root): .venv/bin/python executor/plan/testdata/window/generate.py
The tests only read the files; run this after changing a query.
"""

import json
import pathlib
import subprocess

import datafusion
import duckdb
from datafusion import substrait

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[3]
DATA = ROOT / "conformance" / "testdata" / "tpch" / "sf0.01"
TABLES = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"]


def field(v):
    """field renders one value as the answer files do."""
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def main():
    queries = sorted((HERE / "queries").glob("*.sql"))
    ctx = datafusion.SessionContext()
    db = duckdb.connect()
    for t in TABLES:
        ctx.register_parquet(t, str(DATA / f"{t}.parquet"))
        db.execute(f"create view {t} as select * from read_parquet('{DATA / (t + '.parquet')}')")
    for d in ("datafusion", "isthmus", "answers"):
        (HERE / d).mkdir(exist_ok=True)
    for q in queries:
        sql = q.read_text()
        plan = substrait.Serde.serialize_to_plan(sql, ctx)
        doc = json.loads(plan.to_json())
        doc.get("extensions", []).sort(key=lambda e: e["extensionFunction"].get("functionAnchor", 0))
        (HERE / "datafusion" / f"{q.stem}.json").write_text(json.dumps(doc, indent=2) + "\n")
        cur = db.execute(sql)
        lines = ["|".join(c[0] for c in cur.description)]
        lines += ["|".join(field(v) for v in row) for row in cur.fetchall()]
        (HERE / "answers" / f"{q.stem}.csv").write_text("\n".join(lines) + "\n")
    isthmus = ROOT / "conformance" / "tpch" / "isthmus"
    args = f"{isthmus / 'tpch_schema.sql'} {HERE / 'queries'} {HERE / 'isthmus'} " + " ".join(q.stem for q in queries)
    subprocess.run(["mvn", "-B", "-q", "-Dstyle.color=never", "-f", str(isthmus / "pom.xml"),
                    "compile", "exec:java", f"-Dexec.args={args}"], check=True)


if __name__ == "__main__":
    main()
