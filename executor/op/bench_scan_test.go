package op

import (
	"context"
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// benchLineitem is the lineitem file BenchmarkParquetScan reads: the SF 0.01
// sample, or TREBUCHET_BENCH_LINEITEM (e.g. bench/data/tpch/sf1/lineitem.parquet).
func benchLineitem() string {
	if p := os.Getenv("TREBUCHET_BENCH_LINEITEM"); p != "" {
		return p
	}
	return lineitem
}

// BenchmarkParquetScan reads lineitem's columns of TPC-H Q1 (decimals,
// one-letter strings and a date) and all sixteen columns.
func BenchmarkParquetScan(b *testing.B) {
	dec := &arrow.Decimal128Type{Precision: 15, Scale: 2}
	q1 := arrow.NewSchema([]arrow.Field{
		{Name: "l_quantity", Type: dec},
		{Name: "l_extendedprice", Type: dec},
		{Name: "l_discount", Type: dec},
		{Name: "l_tax", Type: dec},
		{Name: "l_returnflag", Type: arrow.BinaryTypes.String},
		{Name: "l_linestatus", Type: arrow.BinaryTypes.String},
		{Name: "l_shipdate", Type: arrow.FixedWidthTypes.Date32},
	}, nil)
	all := arrow.NewSchema(append(q1.Fields(),
		arrow.Field{Name: "l_orderkey", Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: "l_partkey", Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: "l_suppkey", Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: "l_linenumber", Type: arrow.PrimitiveTypes.Int32},
		arrow.Field{Name: "l_commitdate", Type: arrow.FixedWidthTypes.Date32},
		arrow.Field{Name: "l_receiptdate", Type: arrow.FixedWidthTypes.Date32},
		arrow.Field{Name: "l_shipinstruct", Type: arrow.BinaryTypes.String},
		arrow.Field{Name: "l_shipmode", Type: arrow.BinaryTypes.String},
		arrow.Field{Name: "l_comment", Type: arrow.BinaryTypes.String},
	), nil)
	path := benchLineitem()
	if _, err := os.Stat(path); err != nil {
		b.Skipf("no lineitem file: %v", err)
	}
	for _, bc := range []struct {
		name   string
		schema *arrow.Schema
	}{{"q1_columns", q1}, {"all_columns", all}} {
		b.Run(bc.name, func(b *testing.B) {
			s := NewParquetScan("lineitem", []string{path}, bc.schema)
			var rows int64
			for b.Loop() {
				out, err := Collect(context.Background(), s, NewTask())
				if err != nil {
					b.Fatal(err)
				}
				rows = 0
				for _, r := range out {
					rows += r.NumRows()
					r.Release()
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
