// Command bench runs the TPC-H queries side by side on Trebuchet and its
// peers, checks every answer, and reports per-query medians, peak memory
// and small-query latency.
//
//	bench run -data bench/data/tpch/sf1 -answers conformance/testdata/tpch/answers/sf1 -runs 3 -out bench/results/sf1
//	bench compare bench/results/sf1/run-A.json bench/results/sf1/run-B.json
//
// # Systems
//
// Every system runs in child processes of its own, pinned to the same
// cores (-cores; taskset when fewer than the machine has), over the same
// Parquet files:
//
//   - trebuchet: `trebuchet standalone` (gateway, scheduler and one
//     executor in one process), driven through sdk/client with the
//     Substrait plans of -producer;
//   - trebuchet-cluster: `trebuchet scheduler` and three `trebuchet
//     executor` processes on loopback, driven the same way;
//   - duckdb, datafusion, spark: bench/peers/run.py in the bench venv
//     (-python), running the SQL texts in process (Spark in local mode);
//   - ballista: the same script in the Ballista venv (-ballista-python),
//     on the ballista package's in-process test cluster.
//
// Peak RSS is the largest resident set of a system's processes, from the
// rusage of each child when it exits (for the cluster, the sum over its
// four processes; for Spark, the JVM, which the runner waits for).
//
// # Checking
//
// Each query runs once untimed and its result is compared with the
// reference answer (conformance/tpch.Answer.Compare: row count, order and
// values within the tolerances). Where -answers has no answer for a query,
// DuckDB's result is the reference. Only a correct query's timed runs count:
// a wrong answer is reported as WRONG and a failure as FAILED, never timed.
// With -runs 0 the checked run is the one timed (a single cold run, for
// scales where a second pass of every query costs too much); its time
// still counts only once its answer is found correct.
//
// # Output
//
// In -out: run-<UTC time>.json (every time, status and version), and
// latest.json and latest.md (the table printed at the end) for the newest
// run; bench/chart.py draws latest.png from latest.json.
//
// Results derived from TPC-H are not comparable to published TPC-H results.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = runCommand(os.Args[2:])
	case "compare":
		err = compareCommand(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: bench run [flags] [q01 q02 ...] | bench compare A.json B.json (see go doc ./bench/cmd/bench)")
	os.Exit(2)
}
