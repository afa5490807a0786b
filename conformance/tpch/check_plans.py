"""check_plans.py executes the Substrait plan fixtures with DataFusion's
Substrait consumer and compares the results with the reference answers.

Usage (from the repository root):

    .venv/bin/python conformance/tpch/check_plans.py [datafusion] [isthmus] [substrait-python]

For each producer named (default: all three) it reads every
conformance/testdata/tpch/plans/<producer>/qNN.json, runs it over the Parquet
files in conformance/testdata/tpch/sf0.01, and compares the result with
conformance/testdata/tpch/answers/sf0.01/qNN.csv by the rules of
check_data.py. Failures listed in CONSUMER_LIMITS below (DataFusion's
consumer, not the plan, is at fault) are reported without failing; any other
failure makes the script exit non-zero.

Isthmus writes identifiers in upper case (LINEITEM, L_ORDERKEY). DataFusion's
catalog is case-sensitive, so before running an Isthmus plan the script
lower-cases the table names and base-schema column names of its read
relations, as a case-insensitive lookup in our engine would resolve them.
The fixtures themselves are not changed.
"""

import json
import pathlib
import sys

import datafusion
from datafusion import substrait

import check_data

ROOT = pathlib.Path(__file__).resolve().parents[2]
TESTDATA = ROOT / "conformance" / "testdata" / "tpch"
PRODUCERS = ["datafusion", "isthmus", "substrait-python"]

# CONSUMER_LIMITS maps (producer, query) to why DataFusion 55's consumer cannot
# run a plan that is, as far as we can tell, correct.
CONSUMER_LIMITS = {
    ("isthmus", "q07"): "extract(YEAR FROM ...) has an enum argument, which the consumer does not support",
    ("isthmus", "q08"): "extract(YEAR FROM ...) has an enum argument, which the consumer does not support",
    ("isthmus", "q09"): "extract(YEAR FROM ...) has an enum argument, which the consumer does not support",
    ("isthmus", "q21"): (
        "the consumer resolves the outer references (fields 7 and 9 of the outer row, l1.l_orderkey "
        "and l1.l_suppkey) by column name, so they bind to the subquery's own lineitem scan"
    ),
    **{
        ("substrait-python", q): "extract(YEAR FROM ...) has an enum argument, which the consumer does not support"
        for q in ("q07", "q08", "q09")
    },
    **{
        ("substrait-python", q): (
            "the outer references are id-based (OuterReference.rel_reference, Substrait 0.89), "
            "which the consumer reads as steps_out 0"
        )
        for q in ("q04", "q17", "q21", "q22")
    },
}


def lower_identifiers(node):
    """lower_identifiers lower-cases the names of the read relations in a plan, in place."""
    if isinstance(node, dict):
        if "namedTable" in node:
            node["namedTable"]["names"] = [n.lower() for n in node["namedTable"]["names"]]
        if "baseSchema" in node:
            node["baseSchema"]["names"] = [n.lower() for n in node["baseSchema"]["names"]]
        for v in node.values():
            lower_identifiers(v)
    elif isinstance(node, list):
        for v in node:
            lower_identifiers(v)


def run(ctx, producer, text):
    if producer == "isthmus":
        doc = json.loads(text)
        lower_identifiers(doc)
        text = json.dumps(doc)
    plan = substrait.Plan.from_json(text)
    logical = substrait.Consumer.from_substrait_plan(ctx, plan)
    return ctx.create_dataframe_from_logical_plan(logical).to_arrow_table()


def main():
    producers = sys.argv[1:] or PRODUCERS
    ctx = datafusion.SessionContext()
    for t in check_data.TABLES:
        ctx.register_parquet(t, str(TESTDATA / "sf0.01" / f"{t}.parquet"))

    failed = 0
    for producer in producers:
        matched, known = 0, 0
        plans = sorted((TESTDATA / "plans" / producer).glob("q*.json"))
        for path in plans:
            name = path.stem
            answer = check_data.load_answer(TESTDATA / "answers" / "sf0.01" / f"{name}.csv")
            try:
                problem = check_data.compare(run(ctx, producer, path.read_text()), answer)
            except Exception as e:  # DataFusion raises several exception types.
                problem = "cannot execute: " + " ".join(str(e).split())
            if not problem:
                matched += 1
                continue
            why = CONSUMER_LIMITS.get((producer, name))
            if why:
                known += 1
                print(f"check_plans.py: {producer}/{name}: known: {why}: {problem}", file=sys.stderr)
            else:
                failed += 1
                print(f"check_plans.py: {producer}/{name}: {problem}", file=sys.stderr)
        print(
            f"check_plans.py: {producer}: {matched}/{len(plans)} plans match the answers, {known} fail as known (CONSUMER_LIMITS)",
            file=sys.stderr,
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
