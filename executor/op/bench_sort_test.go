package op

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

// benchBatches is a source of prepared batches for the benchmarks of this
// file and its bench_*_test.go siblings: every Open returns them, retained.
type benchBatches struct {
	schema  *arrow.Schema
	batches []arrow.RecordBatch
}

func (s *benchBatches) Schema() *arrow.Schema { return s.schema }
func (s *benchBatches) Children() []Operator  { return nil }
func (s *benchBatches) String() string        { return "BenchBatches" }

func (s *benchBatches) Open(context.Context, *Task) (Stream, error) {
	for _, b := range s.batches {
		b.Retain()
	}
	return &benchStream{batches: s.batches}, nil
}

type benchStream struct{ batches []arrow.RecordBatch }

func (s *benchStream) Next(context.Context) (arrow.RecordBatch, error) {
	if len(s.batches) == 0 {
		return nil, io.EOF
	}
	b := s.batches[0]
	s.batches = s.batches[1:]
	return b, nil
}

func (s *benchStream) Close() error {
	for _, b := range s.batches {
		b.Release()
	}
	s.batches = nil
	return nil
}

var benchSortSchema = arrow.NewSchema([]arrow.Field{
	{Name: "key", Type: arrow.PrimitiveTypes.Int64},
	{Name: "flag", Type: arrow.BinaryTypes.String},
	{Name: "price", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}},
	{Name: "date", Type: arrow.FixedWidthTypes.Date32},
}, nil)

// benchSortInput returns rows rows in batches of 8192, in random order:
// an int64 key, a one-letter flag, a DECIMAL(15,2) price and a date.
func benchSortInput(rows int) *benchBatches {
	const batch = 8192
	b := array.NewRecordBuilder(memory.DefaultAllocator, benchSortSchema)
	defer b.Release()
	flags := []string{"A", "N", "R"}
	s := &benchBatches{schema: benchSortSchema}
	x := uint64(7)
	for r := 0; r < rows; {
		for i := 0; i < batch && r < rows; i, r = i+1, r+1 {
			x = x*6364136223846793005 + 1442695040888963407
			b.Field(0).(*array.Int64Builder).Append(int64(x >> 20))
			b.Field(1).(*array.StringBuilder).Append(flags[int(x>>61)%3])
			b.Field(2).(*array.Decimal128Builder).Append(decimal128.FromU64(x >> 40))
			b.Field(3).(*array.Date32Builder).Append(arrow.Date32(8000 + int32(x>>54)))
		}
		s.batches = append(s.batches, b.NewRecordBatch())
	}
	return s
}

// BenchmarkSort sorts 256K rows: by an int64 key, and by a string, a
// decimal descending and a date (the shape of TPC-H's ORDER BYs over
// aggregates, at a larger size).
func BenchmarkSort(b *testing.B) {
	const rows = 1 << 18
	in := benchSortInput(rows)
	col := func(i int) expr.Expr {
		c, err := expr.NewColumn(benchSortSchema, i)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	for _, bc := range []struct {
		name string
		keys []SortKey
	}{
		{"int64", []SortKey{{Expr: col(0)}}},
		{"string_decimal_date", []SortKey{{Expr: col(1)}, {Expr: col(2), Descending: true}, {Expr: col(3)}}},
	} {
		b.Run(fmt.Sprintf("%s/rows=%d", bc.name, rows), func(b *testing.B) {
			s, err := NewSort(in, bc.keys)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(rows) * 8)
			for b.Loop() {
				out, err := Collect(context.Background(), s, NewTask())
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range out {
					r.Release()
				}
			}
		})
	}
}
