package expr

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"
)

const benchRows = 1 << 16

// benchBatch is a lineitem-like batch: a date, an int64, a float64, two
// decimal(15,2) columns (a price and a discount), a string, two booleans
// and a nullable int64.
func benchBatch(b *testing.B) arrow.RecordBatch {
	b.Helper()
	alloc := memory.NewGoAllocator()
	r := rand.New(rand.NewPCG(1, 2))
	dt := dec(15, 2)
	s := arrow.NewSchema([]arrow.Field{
		{Name: "date", Type: arrow.FixedWidthTypes.Date32},
		{Name: "i64", Type: arrow.PrimitiveTypes.Int64},
		{Name: "f64", Type: arrow.PrimitiveTypes.Float64},
		{Name: "price", Type: dt},
		{Name: "disc", Type: dt},
		{Name: "str", Type: arrow.BinaryTypes.String},
		{Name: "b1", Type: arrow.FixedWidthTypes.Boolean},
		{Name: "b2", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "n64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	bld := array.NewRecordBuilder(alloc, s)
	defer bld.Release()
	modes := []string{"AIR", "MAIL", "SHIP", "TRUCK", "RAIL", "FOB", "REG AIR"}
	for i := 0; i < benchRows; i++ {
		bld.Field(0).(*array.Date32Builder).Append(arrow.Date32(8000 + r.IntN(2500)))
		bld.Field(1).(*array.Int64Builder).Append(r.Int64N(50) + 1)
		bld.Field(2).(*array.Float64Builder).Append(r.Float64() * 100)
		bld.Field(3).(*array.Decimal128Builder).Append(decimal128.FromI64(r.Int64N(10_000_000) + 90_000))
		bld.Field(4).(*array.Decimal128Builder).Append(decimal128.FromI64(r.Int64N(11)))
		bld.Field(5).(*array.StringBuilder).Append(modes[r.IntN(len(modes))])
		bld.Field(6).(*array.BooleanBuilder).Append(r.IntN(2) == 0)
		if r.IntN(10) == 0 {
			bld.Field(7).(*array.BooleanBuilder).AppendNull()
			bld.Field(8).(*array.Int64Builder).AppendNull()
		} else {
			bld.Field(7).(*array.BooleanBuilder).Append(r.IntN(2) == 0)
			bld.Field(8).(*array.Int64Builder).Append(r.Int64N(50))
		}
	}
	return bld.NewRecordBatch()
}

func benchCall(b *testing.B, name string, out arrow.DataType, args ...Expr) Expr {
	b.Helper()
	e, err := NewRegistry().Scalar(&Call{Name: name, Args: args, Out: out})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

func runBench(b *testing.B, e Expr, batch arrow.RecordBatch) {
	b.Helper()
	alloc := memory.NewGoAllocator()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		out, err := e.Eval(ctx, alloc, batch)
		if err != nil {
			b.Fatal(err)
		}
		out.Release()
	}
}

func decLit(v int64, p, s int32) Expr {
	return NewLiteral(scalar.NewDecimal128Scalar(decimal128.FromI64(v), dec(p, s)))
}

func BenchmarkCompare(b *testing.B) {
	batch := benchBatch(b)
	defer batch.Release()
	c := cols(batch.Schema())
	for _, bc := range []struct {
		name string
		e    Expr
	}{
		{"date32_const", benchCall(b, "lt", nil, c[0], NewLiteral(scalar.NewDate32Scalar(9000)))},
		{"int64_const", benchCall(b, "lt", nil, c[1], NewLiteral(scalar.NewInt64Scalar(24)))},
		{"int64_col", benchCall(b, "lt", nil, c[1], c[8])},
		{"float64_const", benchCall(b, "gte", nil, c[2], NewLiteral(scalar.NewFloat64Scalar(50)))},
		{"decimal_const", benchCall(b, "gte", nil, c[4], decLit(5, 3, 2))},
		{"decimal_const_rescale", benchCall(b, "gte", nil, c[4], decLit(5, 3, 1))},
		{"decimal_col", benchCall(b, "lt", nil, c[3], c[4])},
		{"string_const_eq", benchCall(b, "equal", nil, c[5], str("MAIL"))},
		{"string_const_lt", benchCall(b, "lt", nil, c[5], str("MAIL"))},
	} {
		b.Run(bc.name, func(b *testing.B) { runBench(b, bc.e, batch) })
	}
}

func BenchmarkLogic(b *testing.B) {
	batch := benchBatch(b)
	defer batch.Release()
	c := cols(batch.Schema())
	// Q6's filter: a selective date range, then a discount range and a
	// quantity bound.
	q6 := benchCall(b, "and", nil,
		benchCall(b, "gte", nil, c[0], NewLiteral(scalar.NewDate32Scalar(8766))),
		benchCall(b, "lt", nil, c[0], NewLiteral(scalar.NewDate32Scalar(9131))),
		benchCall(b, "gte", nil, c[4], decLit(5, 3, 2)),
		benchCall(b, "lte", nil, c[4], decLit(7, 3, 2)),
		benchCall(b, "lt", nil, c[1], NewLiteral(scalar.NewInt64Scalar(24))))
	for _, bc := range []struct {
		name string
		e    Expr
	}{
		{"and_cols", benchCall(b, "and", nil, c[6], c[7])},
		{"or_cols", benchCall(b, "or", nil, c[6], c[7])},
		{"and_q6", q6},
	} {
		b.Run(bc.name, func(b *testing.B) { runBench(b, bc.e, batch) })
	}
}

func BenchmarkDecimalArith(b *testing.B) {
	batch := benchBatch(b)
	defer batch.Release()
	c := cols(batch.Schema())
	one := decLit(100, 15, 2)
	// Q1's l_extendedprice * (1 - l_discount) * (1 + l_tax), with the
	// types isthmus declares.
	disc := benchCall(b, "multiply", dec(19, 4), c[3], benchCall(b, "subtract", dec(16, 2), one, c[4]))
	charge := benchCall(b, "multiply", dec(19, 6), disc, benchCall(b, "add", dec(16, 2), one, c[4]))
	for _, bc := range []struct {
		name string
		e    Expr
	}{
		{"add", benchCall(b, "add", nil, c[3], c[4])},
		{"sub_const", benchCall(b, "subtract", nil, one, c[4])},
		{"mul", benchCall(b, "multiply", nil, c[3], c[4])},
		{"div", benchCall(b, "divide", nil, c[3], benchCall(b, "add", nil, c[4], one))},
		{"q1_charge", charge},
	} {
		b.Run(bc.name, func(b *testing.B) { runBench(b, bc.e, batch) })
	}
}

func BenchmarkInList(b *testing.B) {
	batch := benchBatch(b)
	defer batch.Release()
	c := cols(batch.Schema())
	list := func(opts ...string) Expr {
		exprs := make([]Expr, len(opts))
		for i, o := range opts {
			exprs[i] = str(o)
		}
		e, err := NewInList(c[5], exprs)
		if err != nil {
			b.Fatal(err)
		}
		return e
	}
	for _, bc := range []struct {
		name string
		e    Expr
	}{
		{"strings_2", list("MAIL", "SHIP")}, // Q12
		{"strings_12", list("AIR", "AIR REG", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J")}, // hashed
	} {
		b.Run(bc.name, func(b *testing.B) { runBench(b, bc.e, batch) })
	}
}
