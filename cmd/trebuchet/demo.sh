#!/usr/bin/env bash
# Starts a standalone cluster on the bundled TPC-H sample (scale factor 0.01),
# runs TPC-H Q1 and Q6 through the gateway, prints the results and stops.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=${TREBUCHET_BIN:-bin/trebuchet}
port=${DEMO_PORT:-50050}
data=conformance/testdata/tpch/sf0.01
plans=conformance/testdata/tpch/plans/datafusion
log=$(mktemp)

tables=()
for t in customer lineitem nation orders part partsupp region supplier; do
	tables+=(--table "$t=$data/$t.parquet")
done

"$bin" standalone --listen "127.0.0.1:$port" "${tables[@]}" 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT

# Ready once an executor has joined.
for _ in $(seq 300); do
	grep -q 'registered with scheduler' "$log" && break
	if ! kill -0 $server 2>/dev/null; then cat "$log" >&2; exit 1; fi
	sleep 0.1
done
grep -q 'registered with scheduler' "$log" || { cat "$log" >&2; echo "demo: cluster did not start" >&2; exit 1; }

echo "Trebuchet standalone cluster on 127.0.0.1:$port, TPC-H sample data at scale factor 0.01."
for q in q01 q06; do
	echo
	echo "== TPC-H ${q^^} (Substrait plan from DataFusion: $plans/$q.json) =="
	"$bin" submit --gateway "127.0.0.1:$port" --timing "$plans/$q.json"
done
