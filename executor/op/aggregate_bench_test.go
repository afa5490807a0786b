//go:build unix

package op

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

var benchAggSchema = arrow.NewSchema([]arrow.Field{
	{Name: "flag", Type: arrow.BinaryTypes.String},
	{Name: "status", Type: arrow.BinaryTypes.String},
	{Name: "key", Type: arrow.PrimitiveTypes.Int64},
	{Name: "qty", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}},
	{Name: "price", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}},
	{Name: "n", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// benchAggInput returns parts partitions of batches of 8192 rows, rows in
// all, shaped like TPC-H's lineitem: two one-letter flags (6 combinations)
// and an order key with about rows/4 values, in runs as lineitem has them.
func benchAggInput(parts, rows int) [][]arrow.RecordBatch {
	const batch = 8192
	out := make([][]arrow.RecordBatch, parts)
	b := array.NewRecordBuilder(memory.DefaultAllocator, benchAggSchema)
	defer b.Release()
	flags, statuses := []string{"A", "N", "R"}, []string{"F", "O"}
	x := uint64(1)
	for r, p := 0, 0; r < rows; p = (p + 1) % parts {
		for i := 0; i < batch && r < rows; i, r = i+1, r+1 {
			x = x*6364136223846793005 + 1442695040888963407
			f := int(x>>60) % 3
			b.Field(0).(*array.StringBuilder).Append(flags[f])
			b.Field(1).(*array.StringBuilder).Append(statuses[(f+int(x>>50))%2])
			b.Field(2).(*array.Int64Builder).Append(int64(r/4) * 32)
			b.Field(3).(*array.Decimal128Builder).Append(decimal128.FromU64(x >> 54))
			b.Field(4).(*array.Decimal128Builder).Append(decimal128.FromU64(x >> 40))
			b.Field(5).(*array.Int64Builder).Append(int64(x >> 58))
		}
		out[p] = append(out[p], b.NewRecordBatch())
	}
	return out
}

// BenchmarkHashAggregate aggregates 2M rows in two partitions: by two
// strings into 6 groups with Q1's measures (low), and by an int64 key into
// 500K groups with Q18's sum (high).
func BenchmarkHashAggregate(b *testing.B) {
	const rows = 2 << 20
	in := &recSource{schema: benchAggSchema, parts: benchAggInput(2, rows)}
	reg := expr.NewRegistry()
	c := func(i int) expr.Expr {
		e, err := expr.NewColumn(benchAggSchema, i)
		if err != nil {
			b.Fatal(err)
		}
		return e
	}
	bind := func(name string, args ...expr.Expr) Measure {
		f, err := reg.Aggregate(&expr.AggCall{Name: name, Args: args})
		if err != nil {
			b.Fatal(err)
		}
		return Measure{Func: f}
	}
	for _, tc := range []struct {
		name     string
		keys     []expr.Expr
		measures []Measure
	}{
		{"low", []expr.Expr{c(0), c(1)}, []Measure{
			bind("sum", c(3)), bind("sum", c(4)), bind("avg", c(3)), bind("avg", c(4)), bind("count"), bind("sum", c(5)),
		}},
		{"high", []expr.Expr{c(2)}, []Measure{bind("sum", c(3))}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			h, err := NewHashAggregate(in, tc.keys, tc.measures, nil)
			if err != nil {
				b.Fatal(err)
			}
			task := NewTask()
			task.Parallelism = 2
			cpu0 := cpuTime(b)
			for b.Loop() {
				out, err := Collect(context.Background(), h, task)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for _, o := range out {
					n += int(o.NumRows())
					o.Release()
				}
				if want := map[string]int{"low": 6, "high": rows / 4}[tc.name]; n != want {
					b.Fatal(fmt.Sprintf("%d groups, want %d", n, want))
				}
			}
			// CPU time is steadier than wall time on a shared machine.
			b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
		})
	}
}

// cpuTime is the CPU time the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
