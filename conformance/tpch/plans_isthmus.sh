#!/usr/bin/env bash
# plans_isthmus.sh writes the Substrait plans Isthmus (io.substrait:isthmus,
# Substrait's Java SQL-to-Substrait converter built on Apache Calcite)
# produces for the TPC-H queries, as protobuf JSON of substrait.Plan, to
# conformance/testdata/tpch/plans/isthmus/qNN.json.
#
# Usage (from the repository root; needs Java 17 and Maven, which fetches
# Isthmus from Maven Central on the first run):
#
#	conformance/tpch/plans_isthmus.sh [qNN ...]
#
# The tables are declared by conformance/tpch/isthmus/tpch_schema.sql and the
# queries read from conformance/testdata/tpch/queries. Without arguments all
# 22 queries are converted and FAILURES.md beside the plans is rewritten.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$root/conformance/testdata/tpch/plans/isthmus
mkdir -p "$out"
args="$root/conformance/tpch/isthmus/tpch_schema.sql $root/conformance/testdata/tpch/queries $out"
if (($# > 0)); then
	args="$args $*"
fi
mvn -B -q -Dstyle.color=never -f "$root/conformance/tpch/isthmus/pom.xml" compile exec:java -Dexec.args="$args"
