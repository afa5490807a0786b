package dataframe_test

import (
	"path/filepath"
	"testing"

	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitplan "github.com/substrait-io/substrait-go/v8/plan"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch/tpchtest"
	"github.com/trebuchet-dev/trebuchet/sdk/dataframe"
)

const tpchDir = "../../conformance/testdata/tpch"

// tpchContext registers the SF 0.01 tables as Parquet files, so the plans
// read them as Substrait local files.
func tpchContext(t testing.TB) *dataframe.Context {
	cat := tpchtest.SampleCatalog(t, tpchDir)
	c := dataframe.New()
	for name, tbl := range cat {
		if err := c.RegisterParquet(name, tbl.Paths[0]); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

var (
	col  = dataframe.Col
	dec  = dataframe.Dec
	date = dataframe.Date
	sum  = dataframe.Sum
)

// revenue is l_extendedprice * (1 - l_discount).
func revenue() dataframe.Expr {
	return col("l_extendedprice").Mul(dataframe.Lit(1).Sub(col("l_discount")))
}

// tpchQueries are TPC-H queries written with the DataFrame API, each the
// query of the same name in conformance/testdata/tpch/queries.
var tpchQueries = map[string]func(c *dataframe.Context) *dataframe.DataFrame{
	"q01": func(c *dataframe.Context) *dataframe.DataFrame {
		return c.Table("lineitem").
			Filter(col("l_shipdate").Le(date("1998-12-01").Sub(dataframe.Days(90)))).
			GroupBy(col("l_returnflag"), col("l_linestatus")).
			Agg(
				sum(col("l_quantity")).Alias("sum_qty"),
				sum(col("l_extendedprice")).Alias("sum_base_price"),
				sum(revenue()).Alias("sum_disc_price"),
				sum(revenue().Mul(dataframe.Lit(1).Add(col("l_tax")))).Alias("sum_charge"),
				dataframe.Avg(col("l_quantity")).Alias("avg_qty"),
				dataframe.Avg(col("l_extendedprice")).Alias("avg_price"),
				dataframe.Avg(col("l_discount")).Alias("avg_disc"),
				dataframe.CountAll().Alias("count_order"),
			).
			Sort(col("l_returnflag").Asc(), col("l_linestatus").Asc())
	},
	"q03": func(c *dataframe.Context) *dataframe.DataFrame {
		customer := c.Table("customer").Filter(col("c_mktsegment").Eq("BUILDING"))
		orders := c.Table("orders").Filter(col("o_orderdate").Lt(date("1995-03-15")))
		lineitem := c.Table("lineitem").Filter(col("l_shipdate").Gt("1995-03-15"))
		return customer.
			Join(orders, col("c_custkey").Eq(col("o_custkey")), dataframe.JoinInner).
			Join(lineitem, col("l_orderkey").Eq(col("o_orderkey")), dataframe.JoinInner).
			GroupBy(col("l_orderkey"), col("o_orderdate"), col("o_shippriority")).
			Agg(sum(revenue()).Alias("revenue")).
			Select(col("l_orderkey"), col("revenue"), col("o_orderdate"), col("o_shippriority")).
			Sort(col("revenue").Desc(), col("o_orderdate").Asc()).
			Limit(10, 0)
	},
	"q05": func(c *dataframe.Context) *dataframe.DataFrame {
		region := c.Table("region").Filter(col("r_name").Eq("ASIA"))
		orders := c.Table("orders").Filter(col("o_orderdate").Ge(date("1994-01-01")).
			And(col("o_orderdate").Lt(date("1994-01-01").Add(dataframe.Years(1)))))
		return region.
			Join(c.Table("nation"), col("n_regionkey").Eq(col("r_regionkey")), dataframe.JoinInner).
			Join(c.Table("supplier"), col("s_nationkey").Eq(col("n_nationkey")), dataframe.JoinInner).
			Join(c.Table("customer"), col("c_nationkey").Eq(col("s_nationkey")), dataframe.JoinInner).
			Join(orders, col("o_custkey").Eq(col("c_custkey")), dataframe.JoinInner).
			Join(c.Table("lineitem"), col("l_orderkey").Eq(col("o_orderkey")).And(col("l_suppkey").Eq(col("s_suppkey"))), dataframe.JoinInner).
			GroupBy(col("n_name")).
			Agg(sum(revenue()).Alias("revenue")).
			Sort(col("revenue").Desc())
	},
	"q06": func(c *dataframe.Context) *dataframe.DataFrame {
		return c.Table("lineitem").
			Filter(col("l_shipdate").Ge(date("1994-01-01")).
				And(col("l_shipdate").Lt(date("1995-01-01")),
					col("l_discount").Between(dec("0.05"), dec("0.07")),
					col("l_quantity").Lt(24))).
			Agg(sum(col("l_extendedprice").Mul(col("l_discount"))).Alias("revenue"))
	},
	"q10": func(c *dataframe.Context) *dataframe.DataFrame {
		orders := c.Table("orders").Filter(col("o_orderdate").Ge(date("1993-10-01")).
			And(col("o_orderdate").Lt(date("1993-10-01").Add(dataframe.Months(3)))))
		lineitem := c.Table("lineitem").Filter(col("l_returnflag").Eq("R"))
		return c.Table("customer").
			Join(orders, col("c_custkey").Eq(col("o_custkey")), dataframe.JoinInner).
			Join(lineitem, col("l_orderkey").Eq(col("o_orderkey")), dataframe.JoinInner).
			Join(c.Table("nation"), col("c_nationkey").Eq(col("n_nationkey")), dataframe.JoinInner).
			GroupBy(col("c_custkey"), col("c_name"), col("c_acctbal"), col("c_phone"), col("n_name"), col("c_address"), col("c_comment")).
			Agg(sum(revenue()).Alias("revenue")).
			Select(col("c_custkey"), col("c_name"), col("revenue"), col("c_acctbal"), col("n_name"), col("c_address"), col("c_phone"), col("c_comment")).
			Sort(col("revenue").Desc()).
			Limit(20, 0)
	},
	"q12": func(c *dataframe.Context) *dataframe.DataFrame {
		high := col("o_orderpriority").IsIn("1-URGENT", "2-HIGH")
		lineitem := c.Table("lineitem").Filter(col("l_shipmode").IsIn("MAIL", "SHIP").And(
			col("l_commitdate").Lt(col("l_receiptdate")),
			col("l_shipdate").Lt(col("l_commitdate")),
			col("l_receiptdate").Ge(date("1994-01-01")),
			col("l_receiptdate").Lt(date("1995-01-01"))))
		return c.Table("orders").
			Join(lineitem, col("o_orderkey").Eq(col("l_orderkey")), dataframe.JoinInner).
			GroupBy(col("l_shipmode")).
			Agg(
				sum(dataframe.When(high, 1).Otherwise(0)).Alias("high_line_count"),
				sum(dataframe.When(high.Not(), 1).Otherwise(0)).Alias("low_line_count"),
			).
			Sort(col("l_shipmode").Asc())
	},
	"q13": func(c *dataframe.Context) *dataframe.DataFrame {
		orders := c.Table("orders").Filter(col("o_comment").Like("%special%requests%").Not())
		return c.Table("customer").
			Join(orders, col("c_custkey").Eq(col("o_custkey")), dataframe.JoinLeft).
			GroupBy(col("c_custkey")).
			Agg(dataframe.Count(col("o_orderkey")).Alias("c_count")).
			GroupBy(col("c_count")).
			Agg(dataframe.CountAll().Alias("custdist")).
			Sort(col("custdist").Desc(), col("c_count").Desc())
	},
	"q14": func(c *dataframe.Context) *dataframe.DataFrame {
		promo := dataframe.When(col("p_type").Like("PROMO%"), revenue()).Otherwise(0)
		return c.Table("lineitem").
			Filter(col("l_shipdate").Ge(date("1995-09-01")).And(col("l_shipdate").Lt(date("1995-10-01")))).
			Join(c.Table("part"), col("l_partkey").Eq(col("p_partkey")), dataframe.JoinInner).
			Agg(dec("100.00").Mul(sum(promo)).Div(sum(revenue())).Alias("promo_revenue"))
	},
	"q19": func(c *dataframe.Context) *dataframe.DataFrame {
		branch := func(brand string, containers []any, qty, size int) dataframe.Expr {
			return col("p_brand").Eq(brand).And(
				col("p_container").IsIn(containers...),
				col("l_quantity").Ge(qty),
				col("l_quantity").Le(dataframe.Lit(qty).Add(10)),
				col("p_size").Between(1, size))
		}
		return c.Table("lineitem").
			Filter(col("l_shipmode").IsIn("AIR", "AIR REG").And(col("l_shipinstruct").Eq("DELIVER IN PERSON"))).
			Join(c.Table("part"), col("p_partkey").Eq(col("l_partkey")), dataframe.JoinInner).
			Filter(branch("Brand#12", []any{"SM CASE", "SM BOX", "SM PACK", "SM PKG"}, 1, 5).Or(
				branch("Brand#23", []any{"MED BAG", "MED BOX", "MED PKG", "MED PACK"}, 10, 10),
				branch("Brand#34", []any{"LG CASE", "LG BOX", "LG PACK", "LG PKG"}, 20, 15))).
			Agg(sum(revenue()).Alias("revenue"))
	},
}

// checkStandard checks that a plan is standard Substrait: substrait-go
// reads it back, function declarations and output types included.
func checkStandard(t *testing.T, p *substraitpb.Plan) {
	t.Helper()
	if _, err := substraitplan.FromProto(p, extensions.GetDefaultCollectionWithNoError()); err != nil {
		t.Errorf("substrait-go: %v", err)
	}
}

// TestTPCH runs each query's plan through the engine's decoder, planner
// and operators, and compares the result with the reference answer.
func TestTPCH(t *testing.T) {
	c := tpchContext(t)
	for q, build := range tpchQueries {
		t.Run(q, func(t *testing.T) {
			p, err := build(c).Plan()
			if err != nil {
				t.Fatal(err)
			}
			checkStandard(t, p)
			data, err := proto.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			// Local files need no catalog.
			if err := tpchtest.Run(t, data, false, tpchtest.Catalog{}, filepath.Join(tpchDir, "answers", "sf0.01", q+".csv")); err != nil {
				t.Fatal(err)
			}
		})
	}
}
