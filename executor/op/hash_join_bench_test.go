package op

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

// batchSource returns prepared batches; each Open hands out new references.
type batchSource struct {
	schema  *arrow.Schema
	batches []arrow.RecordBatch
}

func (m *batchSource) Schema() *arrow.Schema { return m.schema }
func (m *batchSource) Children() []Operator  { return nil }
func (m *batchSource) String() string        { return "BatchSource" }

func (m *batchSource) Open(context.Context, *Task) (Stream, error) {
	out := make([]arrow.RecordBatch, len(m.batches))
	for i, b := range m.batches {
		b.Retain()
		out[i] = b
	}
	return &memStream{batches: out}, nil
}

// joinBenchInput returns rows rows of (key, payload int64, payload string)
// in batches of 8192, keys drawn by key(i).
func joinBenchInput(alloc memory.Allocator, keyType arrow.DataType, rows int, key func(i int) int64) *batchSource {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: keyType},
		{Name: "v", Type: arrow.PrimitiveTypes.Int64},
		{Name: "s", Type: arrow.BinaryTypes.String},
	}, nil)
	src := &batchSource{schema: schema}
	for start := 0; start < rows; start += 8192 {
		b := array.NewRecordBuilder(alloc, schema)
		for i := start; i < min(rows, start+8192); i++ {
			k := key(i)
			switch kb := b.Field(0).(type) {
			case *array.Int32Builder:
				kb.Append(int32(k))
			case *array.Int64Builder:
				kb.Append(k)
			case *array.StringBuilder:
				kb.Append(fmt.Sprint(k))
			}
			b.Field(1).(*array.Int64Builder).Append(int64(i))
			b.Field(2).(*array.StringBuilder).Append("payload")
		}
		src.batches = append(src.batches, b.NewRecordBatch())
		b.Release()
	}
	return src
}

// BenchmarkHashJoin joins a probe side of 1M rows with a build side of
// distinct keys, half of which the probe rows hit: 100k keys in a dense
// range (direct index for integers), or 1M spread-out keys (hashed).
func BenchmarkHashJoin(b *testing.B) {
	alloc := memory.NewGoAllocator()
	r := rand.New(rand.NewPCG(1, 1))
	const np = 1_000_000
	cases := []struct {
		name   string
		kt     arrow.DataType
		nb     int
		spread int64
	}{
		{"int32-dense", arrow.PrimitiveTypes.Int32, 100_000, 2},
		{"int64-dense", arrow.PrimitiveTypes.Int64, 100_000, 2},
		{"int64-sparse", arrow.PrimitiveTypes.Int64, 1_000_000, 7919},
		{"utf8", arrow.BinaryTypes.String, 100_000, 2},
	}
	for _, c := range cases {
		build := joinBenchInput(alloc, c.kt, c.nb, func(i int) int64 { return int64(i) * c.spread })
		probe := joinBenchInput(alloc, c.kt, np, func(int) int64 { return r.Int64N(int64(2*c.nb)) * c.spread / 2 })
		for _, typ := range []JoinType{InnerJoin, LeftSemiJoin, LeftJoin} {
			b.Run(fmt.Sprintf("%s/%s", c.name, typ), func(b *testing.B) {
				lk := []expr.Expr{&expr.Column{Index: 0, Type: c.kt}}
				rk := []expr.Expr{&expr.Column{Index: 0, Type: c.kt}}
				j, err := NewHashJoin(probe, build, lk, rk, nil, nil, typ)
				if err != nil {
					b.Fatal(err)
				}
				task := NewTask()
				task.Parallelism = 1
				for b.Loop() {
					out, err := Collect(context.Background(), j, task)
					if err != nil {
						b.Fatal(err)
					}
					releaseBatches(out)
				}
			})
		}
	}
}
