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
// 100k distinct keys, half of which the probe rows hit.
func BenchmarkHashJoin(b *testing.B) {
	alloc := memory.NewGoAllocator()
	r := rand.New(rand.NewPCG(1, 1))
	const nb, np = 100_000, 1_000_000
	for _, kt := range []arrow.DataType{arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64, arrow.BinaryTypes.String} {
		build := joinBenchInput(alloc, kt, nb, func(i int) int64 { return int64(i) * 2 })
		probe := joinBenchInput(alloc, kt, np, func(int) int64 { return r.Int64N(2 * nb) })
		for _, typ := range []JoinType{InnerJoin, LeftSemiJoin, LeftJoin} {
			b.Run(fmt.Sprintf("%s/%s", kt, typ), func(b *testing.B) {
				lk := []expr.Expr{&expr.Column{Index: 0, Type: kt}}
				rk := []expr.Expr{&expr.Column{Index: 0, Type: kt}}
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
