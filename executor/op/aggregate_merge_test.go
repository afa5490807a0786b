package op

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

var mergeSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "j", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "s", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
	{Name: "d", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}, Nullable: true},
	{Name: "v", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "dt", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "l", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// mergeInput returns nparts partitions of batches of random rows whose
// keys take about card values, nulls included. Strings are short (they
// pack), except that column l has long ones in the last batch of the last
// partition.
func mergeInput(nparts, batches, rows, card int) [][]string {
	r := rand.New(rand.NewPCG(1, uint64(card)))
	val := func(s string) string {
		if r.IntN(20) == 0 {
			return "null"
		}
		return s
	}
	parts := make([][]string, nparts)
	for p := range parts {
		for bi := range batches {
			long := p == nparts-1 && bi == batches-1
			var b strings.Builder
			b.WriteString("[")
			for n := range rows {
				if n > 0 {
					b.WriteString(",")
				}
				l := fmt.Sprintf(`"s%d"`, r.IntN(card))
				if long && r.IntN(3) == 0 {
					l = fmt.Sprintf(`"a much longer string %d"`, r.IntN(card))
				}
				fmt.Fprintf(&b, `{"k":%s,"i":%s,"j":%s,"s":%s,"d":%s,"v":%s,"dt":%s,"l":%s}`,
					val(fmt.Sprintf(`"k%d"`, r.IntN(card))), val(fmt.Sprint(r.IntN(card)-card/2)),
					val(fmt.Sprint(r.IntN(7))), val(fmt.Sprint(r.IntN(5))),
					val(fmt.Sprintf(`"%d.%02d"`, r.IntN(1000), r.IntN(100))), val(fmt.Sprint(r.IntN(10))),
					val(fmt.Sprint(r.IntN(card))), val(l))
			}
			b.WriteString("]")
			parts[p] = append(parts[p], b.String())
		}
	}
	return parts
}

// recSource is a Partitioned source of prepared batches: partition i
// returns parts[i], retained; with one partition, all the batches.
type recSource struct {
	schema *arrow.Schema
	parts  [][]arrow.RecordBatch
}

func (p *recSource) Schema() *arrow.Schema { return p.schema }
func (p *recSource) Children() []Operator  { return nil }
func (p *recSource) String() string        { return "RecSource" }
func (p *recSource) Partitions(*Task) int  { return len(p.parts) }

func (p *recSource) Open(ctx context.Context, t *Task) (Stream, error) {
	return openGathered(ctx, p, t)
}

func (p *recSource) OpenPartition(_ context.Context, _ *Task, i int) (Stream, error) {
	bs := slices.Clone(p.parts[i])
	for _, b := range bs {
		b.Retain()
	}
	return &memStream{batches: bs}, nil
}

// recParts builds the batches of parts, in Go memory.
func recParts(t testing.TB, schema *arrow.Schema, parts [][]string) [][]arrow.RecordBatch {
	out := make([][]arrow.RecordBatch, len(parts))
	for i, p := range parts {
		for _, js := range p {
			b, _, err := array.RecordFromJSON(memory.DefaultAllocator, schema, strings.NewReader(js))
			if err != nil {
				t.Fatal(err)
			}
			out[i] = append(out[i], b)
		}
	}
	return out
}

// aggSortedRows runs o and returns its rows rendered as text, sorted.
// Decimals render as their raw words: the comparisons need exactness, not
// readability, and formatting them is slow.
func aggSortedRows(t *testing.T, o Operator, task *Task) []string {
	t.Helper()
	batches, err := Collect(context.Background(), o, task)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, b := range batches {
		for r := range int(b.NumRows()) {
			var sb strings.Builder
			for _, c := range b.Columns() {
				switch {
				case c.IsNull(r):
					sb.WriteString("null")
				case c.DataType().ID() == arrow.DECIMAL128:
					v := c.(*array.Decimal128).Value(r)
					sb.WriteString(strconv.FormatInt(v.HighBits(), 10))
					sb.WriteString(":")
					sb.WriteString(strconv.FormatUint(v.LowBits(), 10))
				case c.DataType().ID() == arrow.INT64:
					sb.WriteString(strconv.FormatInt(c.(*array.Int64).Value(r), 10))
				default:
					sb.WriteString(c.ValueStr(r))
				}
				sb.WriteString("|")
			}
			rows = append(rows, sb.String())
		}
		b.Release()
	}
	slices.Sort(rows)
	return rows
}

func mergeMeasures(t *testing.T, distinct bool) []Measure {
	reg := expr.NewRegistry()
	c := func(i int) expr.Expr { return col(t, mergeSchema, i) }
	bind := func(name string, args ...expr.Expr) expr.AggFunc {
		f, err := reg.Aggregate(&expr.AggCall{Name: name, Args: args})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	big, err := reg.Scalar(&expr.Call{Name: "gt", Args: []expr.Expr{c(5), expr.NewLiteral(scalar.NewInt64Scalar(4))}})
	if err != nil {
		t.Fatal(err)
	}
	ms := []Measure{
		{Func: bind("sum", c(5))},
		{Func: bind("count", c(5))},
		{Func: bind("count")},
		{Func: bind("avg", c(4))},
		{Func: bind("sum", c(4))},
		{Func: bind("min", c(4))},
		{Func: bind("max", c(4))},
		{Func: bind("max", c(0))},
		{Func: bind("min", c(2))},
		{Func: bind("avg", c(3))},
		{Func: bind("count"), Filter: big},
		{Func: bind("sum", c(4)), Filter: big},
	}
	if distinct {
		ms = append(ms,
			Measure{Func: bind("sum", c(5)), Distinct: true},
			Measure{Func: bind("count", c(0)), Distinct: true},
			Measure{Func: bind("min", c(4)), Distinct: true},
			Measure{Func: bind("count", c(3)), Distinct: true, Filter: big},
		)
	}
	return ms
}

// TestAggregateMergePartitions checks that folding partitions into
// thread-local tables and merging them gives what one stream gives, for
// every kind of key table, grouping sets, DISTINCT and FILTER, with few
// and with many groups (the radix-partitioned merge).
func TestAggregateMergePartitions(t *testing.T) {
	c := func(i int) expr.Expr { return col(t, mergeSchema, i) }
	for _, card := range []int{5, 16000} {
		// Many groups: more than mergeParallelMin over the partitions.
		parts := mergeInput(3, 2, 1600, card)
		if card < 100 {
			parts = mergeInput(3, 3, 50, card)
		}
		recs := recParts(t, mergeSchema, parts)
		all := &recSource{schema: mergeSchema, parts: [][]arrow.RecordBatch{slices.Concat(recs...)}}
		multi := &recSource{schema: mergeSchema, parts: recs}
		for _, tc := range []struct {
			name string
			keys []expr.Expr
			sets [][]int
			many bool // also run with many groups
		}{
			{"global", nil, nil, false},
			{"int64", []expr.Expr{c(1)}, nil, true},
			{"int32", []expr.Expr{c(2)}, nil, false},
			{"date32", []expr.Expr{c(6)}, nil, false},
			{"decimal", []expr.Expr{c(4)}, nil, false},
			{"int32+int16", []expr.Expr{c(2), c(3)}, nil, false},
			{"int64+int32", []expr.Expr{c(1), c(2)}, nil, true},
			{"int64+decimal", []expr.Expr{c(1), c(4)}, nil, false},
			{"int64+int64 (three words)", []expr.Expr{c(1), c(5)}, nil, true},
			{"int64+int64+int32", []expr.Expr{c(1), c(5), c(2)}, nil, false},
			{"string", []expr.Expr{c(0)}, nil, true},
			{"string+int64", []expr.Expr{c(0), c(1)}, nil, false},
			{"string+string", []expr.Expr{c(0), c(7)}, nil, true},
			{"long", []expr.Expr{c(7)}, nil, true},
			{"int32+long", []expr.Expr{c(2), c(7)}, nil, false},
			{"sets", []expr.Expr{c(0), c(1), c(2), c(7)}, [][]int{{0, 1}, {1}, {2}, {3, 2}, {}}, true},
		} {
			if card > 100 && !tc.many {
				continue
			}
			for _, distinct := range []bool{false, true} {
				name := fmt.Sprintf("%s/card=%d/distinct=%v", tc.name, card, distinct)
				t.Run(name, func(t *testing.T) {
					ms := mergeMeasures(t, distinct)
					single, err := NewGroupingSetsAggregate(all, tc.keys, tc.sets, ms, nil)
					if err != nil {
						t.Fatal(err)
					}
					multi, err := NewGroupingSetsAggregate(multi, tc.keys, tc.sets, ms, nil)
					if err != nil {
						t.Fatal(err)
					}
					task := testTask(t)
					task.BatchSize = 4096
					want := aggSortedRows(t, single, task)
					for _, par := range []int{1, 4} {
						task := testTask(t)
						task.BatchSize = 4096
						task.Parallelism = par
						got := aggSortedRows(t, multi, task)
						if !slices.Equal(got, want) {
							t.Fatalf("parallelism %d: %d rows, want %d\ngot  %.500v\nwant %.500v", par, len(got), len(want), got, want)
						}
					}
				})
			}
		}
	}
}
