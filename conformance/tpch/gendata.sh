#!/usr/bin/env bash
# gendata.sh generates TPC-H data as Parquet, one file per table
# (lineitem.parquet, orders.parquet, ...), with DuckDB's dbgen from the
# project venv (see gendata.py for why DuckDB's), then checks it against the
# reference answers when they exist for that scale factor.
#
# Usage (from the repository root):
#
#	conformance/tpch/gendata.sh [SF [OUTDIR]]
#
# SF defaults to 0.01 and OUTDIR to conformance/testdata/tpch/sf$SF.
#
# Environment:
#
#	VENV   the Python venv holding duckdb, its tpch extension and datafusion
#	       (default .venv, relative to the repository root)
#	CHECK  when "0", skip checking the data against the reference answers
#
# Existing files are overwritten.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
sf=${1:-0.01}
outdir=${2:-$root/conformance/testdata/tpch/sf$sf}
venv=${VENV:-.venv}
case $venv in
/*) ;;
*) venv=$root/$venv ;;
esac
"$venv/bin/python" "$root/conformance/tpch/gendata.py" "$sf" "$outdir"

answers=$root/conformance/testdata/tpch/answers/sf$sf
if [[ ${CHECK:-1} != 0 && -d $answers ]]; then
	"$venv/bin/python" "$root/conformance/tpch/check_data.py" \
		--data "$outdir" --answers "$answers" --queries "$root/conformance/testdata/tpch/queries"
fi
