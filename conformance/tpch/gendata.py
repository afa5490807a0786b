"""gendata.py generates TPC-H data as Parquet, one file per table
(lineitem.parquet, orders.parquet, ...), with DuckDB's dbgen.

Usage (from the repository root; gendata.sh wraps it):

    .venv/bin/python conformance/tpch/gendata.py SF OUTDIR

DuckDB's generator is used, rather than one that follows the TPC-H kit's
dbgen byte for byte, because the reference answers in
conformance/testdata/tpch/answers come from DuckDB: its text pool and random
integers differ from the kit's, which changes comments and addresses and
with them the answers to Q2, Q10, Q13, Q15 and Q20. On DuckDB's data all 22
answers hold.

The tpch extension comes from PyPI (duckdb-extension-tpch), as no other
download is possible here. Columns are cast to the types of
conformance/tpch/isthmus/tpch_schema.sql: keys BIGINT, except that DuckDB's
INTEGER nation and region keys are widened too; l_linenumber, p_size,
o_shippriority and ps_availqty INTEGER; money DECIMAL(15,2); dates DATE; text
VARCHAR.
"""

import glob
import os
import sys

import duckdb
import duckdb_extension_tpch
import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]

INTEGER_COLUMNS = {"l_linenumber", "p_size", "o_shippriority", "ps_availqty"}

# Rows per row group: a few row groups per large table at SF 0.01, so scans
# and row-group pruning meet more than one; at larger scales DuckDB's
# default, so files are shaped like the ones users bring.
def row_group_rows(sf):
    return 16384 if sf < 1 else 122880


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gendata.py SF OUTDIR")
    sf, outdir = float(sys.argv[1]), sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    ext = glob.glob(os.path.join(os.path.dirname(duckdb_extension_tpch.__file__), "extensions", "*", "tpch.duckdb_extension"))
    if len(ext) != 1:
        sys.exit(f"gendata.py: want one tpch extension in duckdb_extension_tpch, found {ext}")
    con = duckdb.connect(config={"allow_unsigned_extensions": "true", "threads": os.cpu_count() or 1})
    con.execute(f"LOAD '{ext[0]}'")
    con.execute("CALL dbgen(sf = ?)", [sf])
    for table in TABLES:
        cols = []
        for name, typ, *_ in con.execute(f"DESCRIBE {table}").fetchall():
            if typ in ("INTEGER", "BIGINT"):
                want = "INTEGER" if name in INTEGER_COLUMNS else "BIGINT"
                cols.append(f"CAST({name} AS {want}) AS {name}")
            else:
                cols.append(name)
        path = os.path.join(outdir, f"{table}.parquet")
        # DuckDB's COPY writes every column as optional; TPC-H columns are
        # NOT NULL, as producers' plans declare them, so write through
        # pyarrow with required fields, streaming batch by batch; decimals
        # as INT64, as DuckDB and most writers store DECIMAL(15,2), rather
        # than pyarrow's default fixed-size byte arrays.
        reader = con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetch_record_batch(row_group_rows(sf))
        schema = pa.schema([f.with_nullable(False) for f in reader.schema])
        with pq.ParquetWriter(path, schema, compression="zstd", compression_level=3, store_decimal_as_integer=True) as writer:
            for batch in reader:
                writer.write_batch(batch.cast(schema), row_group_size=row_group_rows(sf))
    print(f"gendata.py: wrote SF {sys.argv[1]} to {outdir}", file=sys.stderr)


if __name__ == "__main__":
    main()
