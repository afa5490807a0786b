"""Runs a Substrait plan (JSON) through a Trebuchet gateway and prints the result.

    python clients/python/examples/run_plan.py PLAN.json [--target 127.0.0.1:50050]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import grpc
import pyarrow as pa

# Run from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from trebuchet_client import Client  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", type=Path, help="Substrait plan in JSON")
    parser.add_argument("--target", default="127.0.0.1:50050", help="gateway host:port")
    args = parser.parse_args()

    with Client(args.target) as client:
        try:
            table = client.execute(args.plan.read_text())
        except grpc.RpcError as e:
            print(f"{e.code().name}: {e.details()}", file=sys.stderr)
            return 1
    print(format_table(table))
    print(f"({table.num_rows} rows)")
    return 0


def format_table(table: pa.Table) -> str:
    """The table as aligned text, one line per row."""
    header = table.column_names
    columns = [col.to_pylist() for col in table.columns]
    rows = [["" if v is None else str(v) for v in row] for row in zip(*columns)]
    widths = [max(len(s) for s in col) for col in zip(header, *rows)]
    lines = [header, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(s.ljust(w) for s, w in zip(line, widths)).rstrip() for line in lines)


if __name__ == "__main__":
    sys.exit(main())
