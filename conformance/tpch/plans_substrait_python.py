"""plans_substrait_python.py writes Substrait plans for the TPC-H queries built
with substrait-python's DataFrame API, as protobuf JSON of substrait.Plan, one
file per query.

Usage (from the repository root):

    .venv/bin/python conformance/tpch/plans_substrait_python.py [q01 q06 ...] [OUTDIR]

substrait-python is PyPI `substrait`, with the `extensions` extra so function
overloads resolve against the standard extension YAMLs. Its SQL front end
(the `sql` extra) is not used: each query is written by hand with the
DataFrame API, the way a Python user would:
`import substrait.dataframe as sub`, read_named_table with the schema of the
Parquet files in conformance/testdata/tpch/sf0.01 (BIGINT keys, INTEGER,
DECIMAL(15,2), DATE, plain strings, every column NOT NULL), then filter,
join, group_by/agg, sort and limit. Each builder returns the query in
conformance/testdata/tpch/queries/qNN.sql: the same output columns in the
same order, the same ordering and row limit. The plan is written with
google.protobuf.json_format.MessageToJson to
conformance/testdata/tpch/plans/substrait-python/qNN.json (or OUTDIR).
Without query arguments it writes q01 to q22 and rewrites FAILURES.md beside
the plans, listing the queries it could not build and why.

Where the DataFrame API has no direct counterpart of the SQL, the builders
use the formulation a DataFrame user would, each noted at the query:

  - subqueries: EXISTS and NOT EXISTS (Q4, Q21, Q22) and scalar subqueries
    (Q17, Q22) use the API's sub.exists / sub.scalar_subquery, correlated
    through sub.outer (substrait-python writes those references in the
    id-based form of Substrait 0.89, RelCommon.rel_anchor plus
    OuterReference.rel_reference); the others are joins: IN with LEFT_SEMI
    (Q18, Q20), NOT IN with LEFT_ANTI (Q16; s_suppkey is NOT NULL, so NOT IN
    and NOT EXISTS agree), correlated aggregates with a join against the
    aggregate grouped by the correlation keys (Q2, Q20), uncorrelated
    scalar subqueries with a join or cross join against their one-row
    result (Q11, Q15);
  - comma joins are explicit equi-joins, and a table joined twice (nation in
    Q7 and Q8) is renamed first, since a join keeps both inputs' column
    names and a name resolves to its first occurrence;
  - SQL's implicit casts are explicit: the standard functions take no mixed
    argument types, so the INTEGER ps_availqty multiplied by a DECIMAL is
    cast to DECIMAL(10,0) (Q11), a DECIMAL(15,2) column compared with an
    aggregate's DECIMAL(38, s) is cast to that type first (Q11, Q17, Q20,
    Q22), literals compared with a column take its type, and decimal
    literals keep their SQL scale (7.0, 0.0001000000);
  - an aggregate measure must be a bare aggregate function, so arithmetic on
    aggregates (Q8, Q11, Q14, Q17, Q20) is a projection after the
    aggregation;
  - a condition in a LEFT JOIN's ON clause that touches only the right
    table (Q13's o_comment NOT LIKE) filters that table before the join.

substrait-python declares every output type itself, from the extension
YAMLs: avg of DECIMAL(15,2) is DECIMAL(38,2) there, where SQL engines keep
more digits. The answers are compared to 0.01, so Q1's averages match, and
Q17's and Q22's comparisons with an average give the answers at SF 0.01 and
SF 1.
"""

import datetime
import decimal
import pathlib
import sys

import substrait.dataframe as sub
from google.protobuf import json_format

try:
    from importlib.metadata import version as _version

    SUBSTRAIT_VERSION = _version("substrait")
except Exception:  # pragma: no cover - metadata missing in odd installs
    SUBSTRAIT_VERSION = "unknown"

ROOT = pathlib.Path(__file__).resolve().parents[2]
TESTDATA = ROOT / "conformance" / "testdata" / "tpch"

D = decimal.Decimal
col, f, lit, when = sub.col, sub.f, sub.lit, sub.when

# The column types of the Parquet files (see gendata.py): every column is
# required.
I32 = sub.i32.non_null
I64 = sub.i64.non_null
STR = sub.string.non_null
DATE = sub.date.non_null
DEC = sub.decimal(2, 15, nullable=False)  # decimal(scale, precision)

SCHEMAS = {
    "region": {"r_regionkey": I64, "r_name": STR, "r_comment": STR},
    "nation": {"n_nationkey": I64, "n_name": STR, "n_regionkey": I64, "n_comment": STR},
    "supplier": {
        "s_suppkey": I64, "s_name": STR, "s_address": STR, "s_nationkey": I64,
        "s_phone": STR, "s_acctbal": DEC, "s_comment": STR,
    },
    "customer": {
        "c_custkey": I64, "c_name": STR, "c_address": STR, "c_nationkey": I64,
        "c_phone": STR, "c_acctbal": DEC, "c_mktsegment": STR, "c_comment": STR,
    },
    "part": {
        "p_partkey": I64, "p_name": STR, "p_mfgr": STR, "p_brand": STR, "p_type": STR,
        "p_size": I32, "p_container": STR, "p_retailprice": DEC, "p_comment": STR,
    },
    "partsupp": {
        "ps_partkey": I64, "ps_suppkey": I64, "ps_availqty": I32, "ps_supplycost": DEC,
        "ps_comment": STR,
    },
    "orders": {
        "o_orderkey": I64, "o_custkey": I64, "o_orderstatus": STR, "o_totalprice": DEC,
        "o_orderdate": DATE, "o_orderpriority": STR, "o_clerk": STR, "o_shippriority": I32,
        "o_comment": STR,
    },
    "lineitem": {
        "l_orderkey": I64, "l_partkey": I64, "l_suppkey": I64, "l_linenumber": I32,
        "l_quantity": DEC, "l_extendedprice": DEC, "l_discount": DEC, "l_tax": DEC,
        "l_returnflag": STR, "l_linestatus": STR, "l_shipdate": DATE, "l_commitdate": DATE,
        "l_receiptdate": DATE, "l_shipinstruct": STR, "l_shipmode": STR, "l_comment": STR,
    },
}


def table(name):
    """table starts a DataFrame reading the TPC-H table name."""
    return sub.read_named_table(name, SCHEMAS[name])


def date(s):
    return datetime.date.fromisoformat(s)


def count_star():
    """count_star is SQL's count(*): the standard count with no argument."""
    return f.count()


def volume():
    """volume is l_extendedprice * (1 - l_discount)."""
    return col("l_extendedprice") * (1 - col("l_discount"))


# VOLUME is the type substrait-python derives for volume(): multiply:dec_dec
# of DECIMAL(15,2) and DECIMAL(16,2). CASE needs one type in every branch, and
# substrait-python does not coerce an ELSE literal (otherwise(0) would be an
# i64), so the zero of CASE ... ELSE 0 is typed with it.
VOLUME = sub.decimal(4, 32, nullable=False)


def to_dec(c):
    """to_dec casts an INTEGER column to DECIMAL(10,0), the cast SQL makes
    implicitly when it meets a DECIMAL (the standard arithmetic and
    comparison functions take no mixed integer/decimal arguments)."""
    return col(c).cast(sub.decimal(0, 10, nullable=False))


def dec38(e, scale):
    """dec38 casts the decimal expression e (a column name or Expr) to
    DECIMAL(38, scale). The standard comparisons take two arguments of one
    type (any1, any1), so a DECIMAL(15,2) column compared with an aggregate
    (DECIMAL(38, s)) is widened first, as SQL does implicitly."""
    e = col(e) if isinstance(e, str) else e
    return e.cast(sub.decimal(scale, 38, nullable=False))


def q01():
    return (
        table("lineitem")
        .filter(col("l_shipdate") <= date("1998-09-02"))
        .group_by("l_returnflag", "l_linestatus")
        .agg(
            f.sum(col("l_quantity")).alias("sum_qty"),
            f.sum(col("l_extendedprice")).alias("sum_base_price"),
            f.sum(volume()).alias("sum_disc_price"),
            f.sum(volume() * (1 + col("l_tax"))).alias("sum_charge"),
            f.avg(col("l_quantity")).alias("avg_qty"),
            f.avg(col("l_extendedprice")).alias("avg_price"),
            f.avg(col("l_discount")).alias("avg_disc"),
            count_star().alias("count_order"),
        )
        .sort("l_returnflag", "l_linestatus")
    )


def europe_partsupp():
    """europe_partsupp is partsupp joined with its suppliers in EUROPE."""
    return (
        table("partsupp")
        .join(table("supplier"), col("s_suppkey") == col("ps_suppkey"))
        .join(table("nation"), col("s_nationkey") == col("n_nationkey"))
        .join(table("region").filter(col("r_name") == "EUROPE"), col("n_regionkey") == col("r_regionkey"))
    )


def q02():
    # The correlated min(ps_supplycost) subquery is the minimum per part,
    # joined back on the part key and compared.
    min_cost = europe_partsupp().group_by("ps_partkey").agg(f.min(col("ps_supplycost")).alias("min_supplycost"))
    min_cost = min_cost.rename({"ps_partkey": "mc_partkey"})
    return (
        table("part")
        .filter((col("p_size") == 15) & f.like(col("p_type"), "%BRASS"))
        .join(europe_partsupp(), col("p_partkey") == col("ps_partkey"))
        .join(min_cost, (col("mc_partkey") == col("p_partkey")) & (col("ps_supplycost") == col("min_supplycost")))
        .sort("s_acctbal", "n_name", "s_name", "p_partkey", descending=[True, False, False, False])
        .limit(100)
        .select("s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone", "s_comment")
    )


def q03():
    return (
        table("customer")
        .filter(col("c_mktsegment") == "BUILDING")
        .join(table("orders").filter(col("o_orderdate") < date("1995-03-15")), col("c_custkey") == col("o_custkey"))
        .join(table("lineitem").filter(col("l_shipdate") > date("1995-03-15")), col("l_orderkey") == col("o_orderkey"))
        .group_by("l_orderkey", "o_orderdate", "o_shippriority")
        .agg(f.sum(volume()).alias("revenue"))
        .sort("revenue", "o_orderdate", descending=[True, False])
        .limit(10)
        .select("l_orderkey", "revenue", "o_orderdate", "o_shippriority")
    )


def q04():
    # EXISTS is sub.exists of a subquery correlated through sub.outer.
    late = table("lineitem").filter(
        (col("l_orderkey") == sub.outer("o_orderkey")) & (col("l_commitdate") < col("l_receiptdate"))
    )
    return (
        table("orders")
        .filter(
            (col("o_orderdate") >= date("1993-07-01"))
            & (col("o_orderdate") < date("1993-10-01"))
            & sub.exists(late)
        )
        .group_by("o_orderpriority")
        .agg(count_star().alias("order_count"))
        .sort("o_orderpriority")
    )


def q05():
    return (
        table("customer")
        .join(table("orders"), col("c_custkey") == col("o_custkey"))
        .join(table("lineitem"), col("l_orderkey") == col("o_orderkey"))
        .join(
            table("supplier"),
            (col("l_suppkey") == col("s_suppkey")) & (col("c_nationkey") == col("s_nationkey")),
        )
        .join(table("nation"), col("s_nationkey") == col("n_nationkey"))
        .join(table("region").filter(col("r_name") == "ASIA"), col("n_regionkey") == col("r_regionkey"))
        .filter((col("o_orderdate") >= date("1994-01-01")) & (col("o_orderdate") < date("1995-01-01")))
        .group_by("n_name")
        .agg(f.sum(volume()).alias("revenue"))
        .sort("revenue", descending=True)
    )


def q06():
    return (
        table("lineitem")
        .filter(
            (col("l_shipdate") >= date("1994-01-01"))
            & (col("l_shipdate") < date("1995-01-01"))
            & col("l_discount").between(lit(D("0.05"), DEC), lit(D("0.07"), DEC))
            & (col("l_quantity") < 24)
        )
        .aggregate([], f.sum(col("l_extendedprice") * col("l_discount")).alias("revenue"))
    )


def nation_as(prefix):
    """nation_as is the nation table with its columns renamed n_* -> prefix_*,
    for a query that joins nation twice."""
    return table("nation").rename({c: prefix + c[1:] for c in SCHEMAS["nation"]})


def q07():
    # nation n1 and n2 are nation renamed to n1_* and n2_*.
    shipping = (
        table("supplier")
        .join(table("lineitem"), col("s_suppkey") == col("l_suppkey"))
        .join(table("orders"), col("o_orderkey") == col("l_orderkey"))
        .join(table("customer"), col("c_custkey") == col("o_custkey"))
        .join(nation_as("n1"), col("s_nationkey") == col("n1_nationkey"))
        .join(nation_as("n2"), col("c_nationkey") == col("n2_nationkey"))
        .filter(
            (
                ((col("n1_name") == "FRANCE") & (col("n2_name") == "GERMANY"))
                | ((col("n1_name") == "GERMANY") & (col("n2_name") == "FRANCE"))
            )
            & col("l_shipdate").between(lit(date("1995-01-01"), DATE), lit(date("1996-12-31"), DATE))
        )
        .select(
            col("n1_name").alias("supp_nation"),
            col("n2_name").alias("cust_nation"),
            f.extract(sub.enum("YEAR"), col("l_shipdate")).alias("l_year"),
            volume().alias("volume"),
        )
    )
    return (
        shipping.group_by("supp_nation", "cust_nation", "l_year")
        .agg(f.sum(col("volume")).alias("revenue"))
        .sort("supp_nation", "cust_nation", "l_year")
    )


def q08():
    # nation n1 (the customer's) and n2 (the supplier's) are nation renamed.
    all_nations = (
        table("part")
        .filter(col("p_type") == "ECONOMY ANODIZED STEEL")
        .join(table("lineitem"), col("p_partkey") == col("l_partkey"))
        .join(table("supplier"), col("s_suppkey") == col("l_suppkey"))
        .join(
            table("orders").filter(
                col("o_orderdate").between(lit(date("1995-01-01"), DATE), lit(date("1996-12-31"), DATE))
            ),
            col("l_orderkey") == col("o_orderkey"),
        )
        .join(table("customer"), col("o_custkey") == col("c_custkey"))
        .join(nation_as("n1"), col("c_nationkey") == col("n1_nationkey"))
        .join(table("region").filter(col("r_name") == "AMERICA"), col("n1_regionkey") == col("r_regionkey"))
        .join(nation_as("n2"), col("s_nationkey") == col("n2_nationkey"))
        .select(
            f.extract(sub.enum("YEAR"), col("o_orderdate")).alias("o_year"),
            volume().alias("volume"),
            col("n2_name").alias("nation"),
        )
    )
    brazil = when(col("nation") == "BRAZIL").then(col("volume")).otherwise(lit(0, VOLUME))
    return (
        all_nations.group_by("o_year")
        .agg(f.sum(brazil).alias("brazil_volume"), f.sum(col("volume")).alias("total_volume"))
        .select("o_year", (col("brazil_volume") / col("total_volume")).alias("mkt_share"))
        .sort("o_year")
    )


def q09():
    profit = (
        table("part")
        .filter(f.like(col("p_name"), "%green%"))
        .join(table("lineitem"), col("p_partkey") == col("l_partkey"))
        .join(table("supplier"), col("s_suppkey") == col("l_suppkey"))
        .join(
            table("partsupp"),
            (col("ps_suppkey") == col("l_suppkey")) & (col("ps_partkey") == col("l_partkey")),
        )
        .join(table("orders"), col("o_orderkey") == col("l_orderkey"))
        .join(table("nation"), col("s_nationkey") == col("n_nationkey"))
        .select(
            col("n_name").alias("nation"),
            f.extract(sub.enum("YEAR"), col("o_orderdate")).alias("o_year"),
            (volume() - col("ps_supplycost") * col("l_quantity")).alias("amount"),
        )
    )
    return (
        profit.group_by("nation", "o_year")
        .agg(f.sum(col("amount")).alias("sum_profit"))
        .sort("nation", "o_year", descending=[False, True])
    )


def q10():
    return (
        table("customer")
        .join(
            table("orders").filter(
                (col("o_orderdate") >= date("1993-10-01")) & (col("o_orderdate") < date("1994-01-01"))
            ),
            col("c_custkey") == col("o_custkey"),
        )
        .join(table("lineitem").filter(col("l_returnflag") == "R"), col("l_orderkey") == col("o_orderkey"))
        .join(table("nation"), col("c_nationkey") == col("n_nationkey"))
        .group_by("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment")
        .agg(f.sum(volume()).alias("revenue"))
        .sort("revenue", descending=True)
        .limit(20)
        .select("c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone", "c_comment")
    )


def q11():
    # The uncorrelated HAVING subquery is a one-row aggregate, cross-joined.
    german = (
        table("partsupp")
        .join(table("supplier"), col("ps_suppkey") == col("s_suppkey"))
        .join(table("nation").filter(col("n_name") == "GERMANY"), col("s_nationkey") == col("n_nationkey"))
        .with_columns(stock_value=col("ps_supplycost") * to_dec("ps_availqty"))
    )
    threshold = german.aggregate([], f.sum(col("stock_value")).alias("total_value")).select(
        (col("total_value") * D("0.0001000000")).alias("threshold")
    )
    return (
        german.group_by("ps_partkey")
        .agg(f.sum(col("stock_value")).alias("value"))
        .cross_join(threshold)
        .filter(dec38("value", 6) > col("threshold"))
        .select("ps_partkey", "value")
        .sort("value", descending=True)
    )


def q12():
    high = col("o_orderpriority").is_in(["1-URGENT", "2-HIGH"])
    return (
        table("orders")
        .join(
            table("lineitem").filter(
                col("l_shipmode").is_in(["MAIL", "SHIP"])
                & (col("l_commitdate") < col("l_receiptdate"))
                & (col("l_shipdate") < col("l_commitdate"))
                & (col("l_receiptdate") >= date("1994-01-01"))
                & (col("l_receiptdate") < date("1995-01-01"))
            ),
            col("o_orderkey") == col("l_orderkey"),
        )
        .group_by("l_shipmode")
        .agg(
            f.sum(when(high).then(1).otherwise(0)).alias("high_line_count"),
            f.sum(when(~high).then(1).otherwise(0)).alias("low_line_count"),
        )
        .sort("l_shipmode")
    )


def q13():
    # The ON condition on o_comment filters orders before the LEFT join.
    orders = table("orders").filter(~f.like(col("o_comment"), "%special%requests%"))
    return (
        table("customer")
        .join(orders, col("c_custkey") == col("o_custkey"), how="left")
        .group_by("c_custkey")
        .agg(f.count(col("o_orderkey")).alias("c_count"))
        .group_by("c_count")
        .agg(count_star().alias("custdist"))
        .sort("custdist", "c_count", descending=True)
    )


def q14():
    promo = when(f.like(col("p_type"), "PROMO%")).then(volume()).otherwise(lit(0, VOLUME))
    return (
        table("lineitem")
        .filter((col("l_shipdate") >= date("1995-09-01")) & (col("l_shipdate") < date("1995-10-01")))
        .join(table("part"), col("l_partkey") == col("p_partkey"))
        .aggregate([], f.sum(promo).alias("promo"), f.sum(volume()).alias("total"))
        .select((D("100.00") * col("promo") / col("total")).alias("promo_revenue"))
    )


def q15():
    # The view is a frame used twice; max(total_revenue) is a one-row
    # aggregate joined on equality.
    revenue = (
        table("lineitem")
        .filter((col("l_shipdate") >= date("1996-01-01")) & (col("l_shipdate") < date("1996-04-01")))
        .group_by(col("l_suppkey").alias("supplier_no"))
        .agg(f.sum(volume()).alias("total_revenue"))
    )
    top = revenue.aggregate([], f.max(col("total_revenue")).alias("max_revenue"))
    return (
        table("supplier")
        .join(revenue, col("s_suppkey") == col("supplier_no"))
        .join(top, col("total_revenue") == col("max_revenue"))
        .select("s_suppkey", "s_name", "s_address", "s_phone", "total_revenue")
        .sort("s_suppkey")
    )


def q16():
    # NOT IN (complaining suppliers) is a LEFT_ANTI join (s_suppkey is NOT NULL).
    complaints = table("supplier").filter(f.like(col("s_comment"), "%Customer%Complaints%"))
    return (
        table("partsupp")
        .join(
            table("part").filter(
                (col("p_brand") != "Brand#45")
                & ~f.like(col("p_type"), "MEDIUM POLISHED%")
                & col("p_size").is_in([lit(n, I32) for n in (49, 14, 23, 45, 19, 3, 36, 9)])
            ),
            col("p_partkey") == col("ps_partkey"),
        )
        .join(complaints, col("ps_suppkey") == col("s_suppkey"), how="left_anti")
        .group_by("p_brand", "p_type", "p_size")
        .agg(f.count(col("ps_suppkey")).distinct().alias("supplier_cnt"))
        .sort("supplier_cnt", "p_brand", "p_type", "p_size", descending=[True, False, False, False])
    )


def q17():
    # The correlated scalar subquery is sub.scalar_subquery with sub.outer.
    qty_limit = (
        table("lineitem")
        .filter(col("l_partkey") == sub.outer("p_partkey"))
        .aggregate([], f.avg(col("l_quantity")).alias("avg_qty"))
        .select((D("0.2") * col("avg_qty")).alias("qty_limit"))
    )
    return (
        table("lineitem")
        .join(
            table("part").filter((col("p_brand") == "Brand#23") & (col("p_container") == "MED BOX")),
            col("p_partkey") == col("l_partkey"),
        )
        .filter(dec38("l_quantity", 3) < sub.scalar_subquery(qty_limit))
        .aggregate([], f.sum(col("l_extendedprice")).alias("total_price"))
        .select((col("total_price") / D("7.0")).alias("avg_yearly"))
    )


def q18():
    # IN (orders with sum(l_quantity) > 300) is a LEFT_SEMI join.
    big = (
        table("lineitem")
        .group_by(col("l_orderkey").alias("big_orderkey"))
        .agg(f.sum(col("l_quantity")).alias("order_qty"))
        .filter(col("order_qty") > 300)
    )
    return (
        table("customer")
        .join(table("orders"), col("c_custkey") == col("o_custkey"))
        .join(big, col("o_orderkey") == col("big_orderkey"), how="left_semi")
        .join(table("lineitem"), col("o_orderkey") == col("l_orderkey"))
        .group_by("c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice")
        .agg(f.sum(col("l_quantity")).alias("sum(l_quantity)"))
        .sort("o_totalprice", "o_orderdate", descending=[True, False])
        .limit(100)
    )


def q19():
    def branch(brand, containers, lo, hi, size):
        return (
            (col("p_brand") == brand)
            & col("p_container").is_in(containers)
            & (col("l_quantity") >= lo)
            & (col("l_quantity") <= hi)
            & (col("p_size") >= 1)
            & (col("p_size") <= size)
            & col("l_shipmode").is_in(["AIR", "AIR REG"])
            & (col("l_shipinstruct") == "DELIVER IN PERSON")
        )

    return (
        table("lineitem")
        .join(table("part"), col("p_partkey") == col("l_partkey"))
        .filter(
            branch("Brand#12", ["SM CASE", "SM BOX", "SM PACK", "SM PKG"], 1, 1 + 10, 5)
            | branch("Brand#23", ["MED BAG", "MED BOX", "MED PKG", "MED PACK"], 10, 10 + 10, 10)
            | branch("Brand#34", ["LG CASE", "LG BOX", "LG PACK", "LG PKG"], 20, 20 + 10, 15)
        )
        .aggregate([], f.sum(volume()).alias("revenue"))
    )


def q20():
    # The IN subqueries are LEFT_SEMI joins; the correlated
    # 0.5 * sum(l_quantity) is the sum per (part, supplier), joined back (an
    # inner join: without shipments the SQL comparison is NULL, not true).
    shipped = (
        table("lineitem")
        .filter((col("l_shipdate") >= date("1994-01-01")) & (col("l_shipdate") < date("1995-01-01")))
        .group_by("l_partkey", "l_suppkey")
        .agg(f.sum(col("l_quantity")).alias("sum_qty"))
        .with_columns(qty_limit=D("0.5") * col("sum_qty"))
    )
    forest = table("part").filter(f.like(col("p_name"), "forest%"))
    excess = (
        table("partsupp")
        .join(forest, col("ps_partkey") == col("p_partkey"), how="left_semi")
        .join(shipped, (col("l_partkey") == col("ps_partkey")) & (col("l_suppkey") == col("ps_suppkey")))
        .filter(dec38("ps_availqty", 3) > col("qty_limit"))
    )
    return (
        table("supplier")
        .join(excess, col("s_suppkey") == col("ps_suppkey"), how="left_semi")
        .join(table("nation").filter(col("n_name") == "CANADA"), col("s_nationkey") == col("n_nationkey"))
        .select("s_name", "s_address")
        .sort("s_name")
    )


def q21():
    # EXISTS and NOT EXISTS are sub.exists and ~sub.exists of subqueries
    # correlated through sub.outer (the outer l_orderkey and l_suppkey are
    # l1's: the first columns of those names in the outer row).
    def other_supplier(lines):
        return lines.filter(
            (col("l_orderkey") == sub.outer("l_orderkey")) & (col("l_suppkey") != sub.outer("l_suppkey"))
        )

    late = table("lineitem").filter(col("l_receiptdate") > col("l_commitdate"))
    return (
        table("supplier")
        .join(late, col("s_suppkey") == col("l_suppkey"))
        .join(table("orders").filter(col("o_orderstatus") == "F"), col("o_orderkey") == col("l_orderkey"))
        .join(table("nation").filter(col("n_name") == "SAUDI ARABIA"), col("s_nationkey") == col("n_nationkey"))
        .filter(sub.exists(other_supplier(table("lineitem"))) & ~sub.exists(other_supplier(late)))
        .group_by("s_name")
        .agg(count_star().alias("numwait"))
        .sort("numwait", "s_name", descending=[True, False])
        .limit(100)
    )


def q22():
    # The uncorrelated avg(c_acctbal) is sub.scalar_subquery; NOT EXISTS is
    # ~sub.exists of a subquery correlated through sub.outer.
    codes = ["13", "31", "23", "29", "30", "18", "17"]
    customers = table("customer").with_columns(
        cntrycode=f.substring(col("c_phone"), lit(1, sub.i32), lit(2, sub.i32))
    )
    customers = customers.filter(col("cntrycode").is_in(codes))
    avg_bal = customers.filter(col("c_acctbal") > D("0.00")).aggregate([], f.avg(col("c_acctbal")).alias("avg_acctbal"))
    orders = table("orders").filter(col("o_custkey") == sub.outer("c_custkey"))
    return (
        customers.filter((dec38("c_acctbal", 2) > sub.scalar_subquery(avg_bal)) & ~sub.exists(orders))
        .group_by("cntrycode")
        .agg(count_star().alias("numcust"), f.sum(col("c_acctbal")).alias("totacctbal"))
        .sort("cntrycode")
    )


QUERIES = {f"q{i:02d}": globals()[f"q{i:02d}"] for i in range(1, 23)}


def plan_json(name):
    """plan_json returns the plan of query name as indented protobuf JSON."""
    return json_format.MessageToJson(QUERIES[name]().to_plan()) + "\n"


def write_failures(path, failures):
    lines = [
        "# substrait-python plan failures",
        "",
        f"Generated by conformance/tpch/plans_substrait_python.py with substrait {SUBSTRAIT_VERSION}.",
        "",
    ]
    if not failures:
        lines.append("substrait-python builds all 22 queries.")
    else:
        lines.append("| Query | Reason |")
        lines.append("|---|---|")
        for name, reason in sorted(failures.items()):
            reason = reason.replace("|", "\\|")
            lines.append(f"| {name} | {reason} |")
    path.write_text("\n".join(lines) + "\n")


def main():
    args = sys.argv[1:]
    names = [a for a in args if a in QUERIES]
    rest = [a for a in args if a not in QUERIES]
    if len(rest) > 1:
        sys.exit(f"usage: {sys.argv[0]} [qNN ...] [OUTDIR]; unknown arguments {rest}")
    outdir = pathlib.Path(rest[0]) if rest else TESTDATA / "plans" / "substrait-python"
    everything = not names
    names = names or list(QUERIES)

    outdir.mkdir(parents=True, exist_ok=True)
    failures = {}
    for name in names:
        out = outdir / f"{name}.json"
        try:
            out.write_text(plan_json(name))
        except Exception as e:  # substrait-python raises plain Exceptions.
            failures[name] = " ".join(str(e).split())
            out.unlink(missing_ok=True)

    if everything:
        write_failures(outdir / "FAILURES.md", failures)
    for name, reason in sorted(failures.items()):
        print(f"plans_substrait_python.py: {name}: not built: {reason}", file=sys.stderr)
    print(
        f"plans_substrait_python.py: wrote {len(names) - len(failures)}/{len(names)} plans to {outdir}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
