package dataframe_test

import (
	"context"
	"fmt"
	"os"

	"github.com/trebuchet-dev/trebuchet/scheduler/standalone"
	"github.com/trebuchet-dev/trebuchet/sdk/dataframe"
)

// A DataFrame query run on a cluster started in the process: TPC-H Q6's
// filter, and revenue by ship mode.
func Example() {
	ctx := context.Background()
	c, err := dataframe.Standalone(ctx, standalone.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	col := dataframe.Col
	lineitem := c.ReadParquet("../../conformance/testdata/tpch/sf0.01/lineitem.parquet")
	df := lineitem.
		Filter(col("l_shipdate").Ge(dataframe.Date("1994-01-01")).And(
			col("l_shipdate").Lt(dataframe.Date("1994-01-01").Add(dataframe.Years(1))),
			col("l_discount").Between(dataframe.Dec("0.05"), dataframe.Dec("0.07")),
			col("l_quantity").Lt(24))).
		GroupBy(col("l_shipmode")).
		Agg(
			dataframe.Sum(col("l_extendedprice").Mul(col("l_discount"))).Alias("revenue"),
			dataframe.CountAll().Alias("lines"),
		).
		Sort(col("revenue").Desc())
	if err := df.Show(ctx, os.Stdout, 3); err != nil {
		fmt.Println(err)
	}
	// Output:
	// l_shipmode | revenue     | lines
	// -----------+-------------+------
	// SHIP       | 187668.1705 |   180
	// RAIL       | 182215.6978 |   170
	// MAIL       | 177254.9647 |   180
	// (3 rows)
}

// A SQL query refined with DataFrame methods; Plan gives its Substrait
// plan without running it.
func ExampleContext_SQL() {
	c := dataframe.New()
	if err := c.RegisterParquet("nation", "../../conformance/testdata/tpch/sf0.01/nation.parquet"); err != nil {
		fmt.Println(err)
		return
	}
	df := c.SQL(context.Background(), "SELECT n_name, n_regionkey FROM nation").
		Filter(dataframe.Col("n_name").Like("A%")).
		Select(dataframe.Lower(dataframe.Col("n_name")).Alias("name"))
	p, err := df.Plan()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.GetRelations()[0].GetRoot().GetNames())
	for _, d := range p.GetExtensions() {
		fmt.Println(d.GetExtensionFunction().GetName())
	}
	// Output:
	// [name]
	// like:str_str
	// lower:str
}

// Errors surface where the DataFrame is used, naming what is wrong.
func ExampleDataFrame_Err() {
	c := dataframe.New()
	if err := c.RegisterParquet("nation", "../../conformance/testdata/tpch/sf0.01/nation.parquet"); err != nil {
		fmt.Println(err)
		return
	}
	df := c.Table("nation").
		Filter(dataframe.Col("n_regionkey").Eq(2)).
		Select(dataframe.Col("n_nam"))
	fmt.Println(df.Err())
	// Output:
	// dataframe: column "n_nam" does not exist; the columns are nation.n_nationkey, nation.n_name, nation.n_regionkey, nation.n_comment
}

// An ETL step: nations written as Parquet files partitioned by region,
// then read back, the partition directories giving the region column.
func ExampleDataFrame_WriteParquet() {
	ctx := context.Background()
	c, err := dataframe.Standalone(ctx, standalone.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	dir, err := os.MkdirTemp("", "nations")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	col := dataframe.Col
	nation := c.ReadParquet("../../conformance/testdata/tpch/sf0.01/nation.parquet").
		Select(col("n_name"), col("n_regionkey"))
	n, err := nation.WriteParquet(ctx, dir+"/nations", dataframe.WriteOptions{PartitionBy: []string{"n_regionkey"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n, "rows written")
	back := c.ReadParquet(dir + "/nations").
		GroupBy(col("n_regionkey")).
		Agg(dataframe.CountAll().Alias("nations")).
		Sort(col("n_regionkey").Asc())
	if err := back.Show(ctx, os.Stdout, 2); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 25 rows written
	// n_regionkey | nations
	// ------------+--------
	//           0 |       5
	//           1 |       5
	// (2 rows)
}

// A DataFrame registered as a view, read by a SQL query of its Context.
func ExampleDataFrame_CreateView() {
	c := dataframe.New()
	if err := c.RegisterParquet("nation", "../../conformance/testdata/tpch/sf0.01/nation.parquet"); err != nil {
		fmt.Println(err)
		return
	}
	american := c.Table("nation").
		Filter(dataframe.Col("n_regionkey").Eq(1)).
		Select(dataframe.Col("n_name").Alias("name"))
	if err := american.CreateView("american"); err != nil {
		fmt.Println(err)
		return
	}
	df := c.SQL(context.Background(), "SELECT upper(name) AS name FROM american WHERE name LIKE 'B%'")
	p, err := df.Plan()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.GetRelations()[0].GetRoot().GetNames())
	// Output:
	// [name]
}
