#!/usr/bin/env bash
# gendata.sh generates TPC-H data as Parquet, one file per table
# (lineitem.parquet, orders.parquet, ...), with tpchgen-cli from the
# project venv.
#
# Usage (from the repository root):
#
#	conformance/tpch/gendata.sh [SF [OUTDIR]]
#
# SF defaults to 0.01 and OUTDIR to conformance/testdata/tpch/sf$SF.
# A relative OUTDIR is taken relative to the current directory.
#
# Environment:
#
#	VENV             the Python venv holding tpchgen-cli and datafusion
#	                 (default .venv, relative to the repository root)
#	ROW_GROUP_BYTES  approximate uncompressed row-group size; defaults to
#	                 1MB at SF 0.01 (4 row groups in lineitem, 2 in orders
#	                 and partsupp) and to tpchgen-cli's default otherwise
#	COMPRESSION      Parquet compression (default ZSTD(3))
#	CHECK            when "0", skip checking the data against the reference
#	                 answers; otherwise the check runs whenever
#	                 conformance/testdata/tpch/answers/sf$SF exists
#
# The output is deterministic: the same SF and options give byte-identical
# files, whatever the number of threads. Existing files are overwritten.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
sf=${1:-0.01}
outdir=${2:-$root/conformance/testdata/tpch/sf$sf}
venv=${VENV:-.venv}
case $venv in
/*) ;;
*) venv=$root/$venv ;;
esac
compression=${COMPRESSION:-ZSTD(3)}
if [[ -z ${ROW_GROUP_BYTES:-} && $sf == 0.01 ]]; then
	ROW_GROUP_BYTES=1MB
fi

tpchgen=$venv/bin/tpchgen-cli
if [[ ! -x $tpchgen ]]; then
	echo "gendata.sh: $tpchgen not found; create the venv with conformance/requirements.txt" >&2
	exit 1
fi

args=(parquet --scale-factor="$sf" --output-dir="$outdir" --compression="$compression"
	--overwrite --no-progress --quiet)
if [[ -n ${ROW_GROUP_BYTES:-} ]]; then
	args+=(--row-group-bytes="$ROW_GROUP_BYTES")
fi

mkdir -p "$outdir"
"$tpchgen" "${args[@]}"
echo "gendata.sh: wrote SF $sf to $outdir" >&2

answers=$root/conformance/testdata/tpch/answers/sf$sf
if [[ ${CHECK:-1} != 0 && -d $answers ]]; then
	"$venv/bin/python" "$root/conformance/tpch/check_data.py" \
		--data "$outdir" --answers "$answers" --queries "$root/conformance/testdata/tpch/queries"
fi
