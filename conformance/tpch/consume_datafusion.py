"""consume_datafusion.py runs the Substrait plans Trebuchet's SQL front end
makes of the TPC-H queries with DataFusion's Substrait consumer and
compares the results with the reference answers.

The plans are decorrelated (sdk/sql/optimize.Decorrelate): the consumer
resolves outer references by column name, so a correlated subquery over a
table the outer query also reads (q21's lineitem l1, l2, l3) would bind to
the wrong scan.

Usage (from the repository root; make tpch-sql-datafusion does both steps):

    go run ./conformance/cmd/tpchsql -out /tmp/sqlplans
    .venv/bin/python conformance/tpch/consume_datafusion.py /tmp/sqlplans/sql /tmp/sqlplans/sql-spec

For each folder of qNN.json plans (protobuf JSON of substrait.Plan) it
registers the SF 0.01 Parquet tables of conformance/testdata/tpch/sf0.01,
runs each plan with datafusion.substrait's consumer, and compares the result
with conformance/testdata/tpch/answers/sf0.01/qNN.csv by the rules of
check_data.py. Failures listed in CONSUMER_LIMITS (DataFusion's consumer,
not our plan, is at fault) are reported without failing; any other failure
makes the script exit non-zero.
"""

import pathlib
import sys

import datafusion
from datafusion import substrait

import check_data

ROOT = pathlib.Path(__file__).resolve().parents[2]
TESTDATA = ROOT / "conformance" / "testdata" / "tpch"

# CONSUMER_LIMITS maps a query to why DataFusion 55's consumer cannot run
# our plan of it, which is, as far as we can tell, correct Substrait. It is
# empty: the consumer rejects enum function arguments
# (apache/datafusion#12493), which extract(YEAR FROM ...) in Q7, Q8 and Q9
# has, so tpchsql writes its plans with -value-args-only (extract as integer
# arithmetic, sdk/sql/logical.ExtractWithValues).
CONSUMER_LIMITS = {}


def run(ctx, text):
    plan = substrait.Plan.from_json(text)
    logical = substrait.Consumer.from_substrait_plan(ctx, plan)
    return ctx.create_dataframe_from_logical_plan(logical).to_arrow_table()


def main():
    folders = [pathlib.Path(a) for a in sys.argv[1:]]
    if not folders:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    ctx = datafusion.SessionContext()
    for t in check_data.TABLES:
        ctx.register_parquet(t, str(TESTDATA / "sf0.01" / f"{t}.parquet"))

    failed = 0
    for folder in folders:
        matched, known = 0, 0
        plans = sorted(folder.glob("q*.json"))
        if not plans:
            print(f"consume_datafusion.py: {folder}: no plans", file=sys.stderr)
            failed += 1
        for path in plans:
            name = path.stem
            answer = check_data.load_answer(TESTDATA / "answers" / "sf0.01" / f"{name}.csv")
            try:
                problem = check_data.compare(run(ctx, path.read_text()), answer)
            except Exception as e:  # DataFusion raises several exception types.
                problem = "cannot execute: " + " ".join(str(e).split())
            if not problem:
                matched += 1
                continue
            why = CONSUMER_LIMITS.get(name)
            if why:
                known += 1
                print(f"consume_datafusion.py: {folder.name}/{name}: known: {why}: {problem}", file=sys.stderr)
            else:
                failed += 1
                print(f"consume_datafusion.py: {folder.name}/{name}: {problem}", file=sys.stderr)
        print(
            f"consume_datafusion.py: {folder.name}: {matched}/{len(plans)} plans match the answers, "
            f"{known} fail as known (CONSUMER_LIMITS)",
            file=sys.stderr,
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
