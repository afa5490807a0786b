"""bench_datafusion.py times the TPC-H queries on DataFusion (PyPI
datafusion) over a folder of Parquet files, as the peer of
conformance/cmd/tpchbench, and prints a JSON object mapping query ids to the
seconds of each timed run (after one untimed warm-up run).

    .venv/bin/python conformance/tpch/bench_datafusion.py --data DIR \
        --runs 3 --queries conformance/testdata/tpch/queries q01 q06

With --explain it prints DataFusion's EXPLAIN ANALYZE of each query instead
(per-operator rows and compute time), to set beside Trebuchet's
`trebuchet submit -analyze` when profiling a query.
"""

import argparse
import json
import os
import pathlib
import sys
import time

import datafusion

TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, type=pathlib.Path)
    p.add_argument("--queries", required=True, type=pathlib.Path)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE instead of timing")
    p.add_argument("ids", nargs="*")
    args = p.parse_args()
    config = datafusion.SessionConfig().with_target_partitions(os.cpu_count() or 1)
    ctx = datafusion.SessionContext(config)
    for t in TABLES:
        ctx.register_parquet(t, str(args.data / f"{t}.parquet"))
    ids = args.ids or [f"q{i:02d}" for i in range(1, 23)]
    times = {}
    for qid in ids:
        sql = (args.queries / f"{qid}.sql").read_text()
        if args.explain:
            ctx.sql(sql).collect()  # warm the file cache
            for b in ctx.sql("EXPLAIN ANALYZE " + sql).collect():
                for plan in b.column("plan").to_pylist():
                    print(f"-- {qid}\n{plan}")
            continue
        ctx.sql(sql).collect()  # warm-up, as tpchbench checks each answer first
        times[qid] = []
        for _ in range(args.runs):
            start = time.perf_counter()
            ctx.sql(sql).collect()
            times[qid].append(time.perf_counter() - start)
        print(f"datafusion {qid}: {sorted(times[qid])[len(times[qid]) // 2]:.3f}s", file=sys.stderr)
    if not args.explain:
        json.dump(times, sys.stdout)


if __name__ == "__main__":
    main()
