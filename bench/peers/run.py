"""run.py runs the TPC-H queries on one peer engine for the bench driver
(bench/cmd/bench) and reports, one JSON object per line on stdout:

    {"system": "duckdb", "version": "1.5.5"}                   first
    {"query": "q01", "seconds": [0.12, 0.11, 0.12], "result": "OUT/q01.arrow"}
    {"query": "q02", "error": "..."}                           a query that failed
    {"latency": [0.0021, ...]}                                 with --latency N

Each query runs once untimed, its result written as an Arrow IPC file for the
driver to check against the reference answers, then --runs times timed: from
submitting the SQL text to holding the whole result in this process as Arrow.
With --runs 0 the checked run is the one timed.

    .venv-bench/bin/python bench/peers/run.py --system duckdb \
        --data bench/data/tpch/sf1 --queries conformance/testdata/tpch/queries \
        --runs 3 --cores 2 --out /tmp/results q01 q06

Systems: duckdb, datafusion, ballista (its in-process test cluster: a
scheduler and an executor on loopback, from the ballista package; run it with
the Python of .venv-ballista), spark (pyspark in local mode on the machine's
JDK). Each uses --cores threads or partitions.
"""

import argparse
import json
import pathlib
import resource
import sys
import time

TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class DuckDB:
    def __init__(self, data, cores, args):
        import duckdb

        self.version = duckdb.__version__
        self.con = duckdb.connect(config={"threads": cores})
        self.register(data)

    def register(self, data):
        for t in TABLES:
            self.con.execute(f"CREATE OR REPLACE VIEW {t} AS SELECT * FROM read_parquet('{data / (t + '.parquet')}')")

    def run(self, sql):
        return self.con.execute(sql).to_arrow_table()

    def close(self):
        self.con.close()


class DataFusion:
    def __init__(self, data, cores, args):
        import datafusion

        self.version = datafusion.__version__
        config = datafusion.SessionConfig().with_target_partitions(cores)
        self.ctx = datafusion.SessionContext(config)
        self.register(data)

    def register(self, data):
        for t in TABLES:
            if self.ctx.table_exist(t):
                self.ctx.deregister_table(t)
            self.ctx.register_parquet(t, str(data / f"{t}.parquet"))

    def run(self, sql):
        import pyarrow as pa

        df = self.ctx.sql(sql)
        return pa.Table.from_batches(df.collect(), schema=df.schema())

    def close(self):
        pass


class Ballista:
    def __init__(self, data, cores, args):
        import ballista
        import datafusion

        self.version = ballista.__version__
        host, port = ballista.setup_test_cluster()
        config = datafusion.SessionConfig().with_target_partitions(cores)
        self.ctx = ballista.BallistaSessionContext(
            f"df://{host}:{port}",
            config,
            cluster_config={"datafusion.execution.target_partitions": str(cores)},
        )
        self.register(data)

    def register(self, data):
        for t in TABLES:
            if self.ctx.table_exist(t):
                self.ctx.deregister_table(t)
            self.ctx.register_parquet(t, str(data / f"{t}.parquet"))

    def run(self, sql):
        import pyarrow as pa

        df = self.ctx.sql(sql)
        batches = df.collect()
        if batches:
            return pa.Table.from_batches(batches)
        return pa.Table.from_batches([], schema=df.schema())

    def close(self):
        pass


class Spark:
    def __init__(self, data, cores, args):
        import pyspark
        from pyspark.sql import SparkSession

        self.version = pyspark.__version__
        self.spark = (
            SparkSession.builder.master(f"local[{cores}]")
            .appName("trebuchet-bench")
            .config("spark.driver.memory", args.spark_memory)
            .config("spark.sql.shuffle.partitions", str(cores))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.ansi.enabled", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")
        self.register(data)

    def register(self, data):
        for t in TABLES:
            self.spark.read.parquet(str(data / f"{t}.parquet")).createOrReplaceTempView(t)

    def run(self, sql):
        return self.spark.sql(sql).toArrow()

    def close(self):
        # Stop the JVM and wait for it, so that this process's rusage (which
        # the driver reads) covers the JVM's peak RSS too.
        sc = self.spark.sparkContext
        gateway = sc._gateway
        proc = getattr(gateway, "proc", None)
        self.spark.stop()
        try:
            gateway.shutdown()
        except Exception:
            pass
        if proc is not None:
            try:
                proc.stdin.close()
                proc.wait(timeout=60)
            except Exception:
                proc.kill()
                proc.wait()


SYSTEMS = {"duckdb": DuckDB, "datafusion": DataFusion, "ballista": Ballista, "spark": Spark}


def write_arrow(table, path):
    import pyarrow as pa

    with pa.OSFile(str(path), "wb") as f:
        with pa.ipc.new_file(f, table.schema) as w:
            w.write_table(table)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--system", required=True, choices=sorted(SYSTEMS))
    p.add_argument("--data", required=True, type=pathlib.Path)
    p.add_argument("--queries", required=True, type=pathlib.Path)
    p.add_argument("--out", required=True, type=pathlib.Path, help="folder for the result files")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--cores", type=int, default=1)
    p.add_argument("--latency", type=int, default=0, help="then time this many runs of --latency-query")
    p.add_argument("--latency-data", type=pathlib.Path, help="data of the latency query (default --data)")
    p.add_argument("--latency-query", default="q06")
    p.add_argument("--spark-memory", default="4g")
    p.add_argument("ids", nargs="*")
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data = args.data.resolve()
    system = SYSTEMS[args.system](data, args.cores, args)
    emit({"system": args.system, "version": system.version})
    for qid in args.ids:
        sql = (args.queries / f"{qid}.sql").read_text()
        try:
            start = time.perf_counter()
            result = system.run(sql)
            checked = time.perf_counter() - start
            path = args.out / f"{qid}.arrow"
            write_arrow(result, path)
            # --runs 0: the checked run is the one timed (large scales).
            seconds = [] if args.runs > 0 else [checked]
            for _ in range(args.runs):
                start = time.perf_counter()
                system.run(sql)
                seconds.append(time.perf_counter() - start)
            emit({"query": qid, "seconds": seconds, "result": str(path)})
        except Exception as e:  # a failing query must not stop the others
            emit({"query": qid, "error": f"{type(e).__name__}: {e}".strip()[:2000]})
    if args.latency > 0:
        if args.latency_data and args.latency_data.resolve() != data:
            system.register(args.latency_data.resolve())
        sql = (args.queries / f"{args.latency_query}.sql").read_text()
        system.run(sql)
        seconds = []
        for _ in range(args.latency):
            start = time.perf_counter()
            system.run(sql)
            seconds.append(time.perf_counter() - start)
        emit({"latency": seconds})
    system.close()
    emit({"children_maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss})


if __name__ == "__main__":
    main()
