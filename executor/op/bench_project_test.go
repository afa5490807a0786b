package op

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

// BenchmarkProjectArith projects TPC-H Q1's arithmetic over 1M rows of
// DECIMAL(15,2) columns: l_extendedprice * (1 - l_discount) and
// l_extendedprice * (1 - l_discount) * (1 + l_tax).
func BenchmarkProjectArith(b *testing.B) {
	const rows, batch = 1 << 20, 8192
	dec := &arrow.Decimal128Type{Precision: 15, Scale: 2}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "l_extendedprice", Type: dec},
		{Name: "l_discount", Type: dec},
		{Name: "l_tax", Type: dec},
	}, nil)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer rb.Release()
	in := &benchBatches{schema: schema}
	x := uint64(3)
	for r := 0; r < rows; {
		for i := 0; i < batch && r < rows; i, r = i+1, r+1 {
			x = x*6364136223846793005 + 1442695040888963407
			rb.Field(0).(*array.Decimal128Builder).Append(decimal128.FromU64(90000 + x>>44))
			rb.Field(1).(*array.Decimal128Builder).Append(decimal128.FromU64(x >> 60))
			rb.Field(2).(*array.Decimal128Builder).Append(decimal128.FromU64(x >> 61))
		}
		in.batches = append(in.batches, rb.NewRecordBatch())
	}
	reg := expr.NewRegistry()
	call := func(name string, args ...expr.Expr) expr.Expr {
		e, err := reg.Scalar(&expr.Call{Name: name, Args: args})
		if err != nil {
			b.Fatal(err)
		}
		return e
	}
	col := func(i int) expr.Expr {
		c, err := expr.NewColumn(schema, i)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	one := expr.NewLiteral(scalar.NewDecimal128Scalar(decimal128.FromI64(1), &arrow.Decimal128Type{Precision: 1, Scale: 0}))
	discPrice := call("multiply", col(0), call("subtract", one, col(1)))
	charge := call("multiply", discPrice, call("add", one, col(2)))
	p := NewProject(in, []expr.Expr{discPrice, charge}, []string{"disc_price", "charge"})
	b.SetBytes(rows * 16 * 3)
	for b.Loop() {
		out, err := Collect(context.Background(), p, NewTask())
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range out {
			r.Release()
		}
	}
}
