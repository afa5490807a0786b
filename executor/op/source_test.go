package op

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// memSource is an in-memory source for operator tests: it returns its
// batches in order, built from JSON rows when opened.
type memSource struct {
	schema  *arrow.Schema
	batches []string // JSON arrays of row objects
}

func (m *memSource) Schema() *arrow.Schema { return m.schema }
func (m *memSource) Children() []Operator  { return nil }
func (m *memSource) String() string        { return "MemSource" }

func (m *memSource) Open(_ context.Context, t *Task) (Stream, error) {
	var out []arrow.RecordBatch
	for _, js := range m.batches {
		b, _, err := array.RecordFromJSON(t.Alloc, m.schema, strings.NewReader(js))
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return &memStream{batches: out}, nil
}

type memStream struct{ batches []arrow.RecordBatch }

func (s *memStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(s.batches) == 0 {
		return nil, io.EOF
	}
	b := s.batches[0]
	s.batches = s.batches[1:]
	return b, nil
}

func (s *memStream) Close() error {
	for _, b := range s.batches {
		b.Release()
	}
	s.batches = nil
	return nil
}

// testTask returns a task with a checked allocator; the cleanup fails the
// test on leaks.
func testTask(t *testing.T) *Task {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { alloc.AssertSize(t, 0) })
	return &Task{Alloc: alloc, Pool: spill.NewPool(0), BatchSize: 3}
}

// collectJSON runs o and renders all rows as one JSON array.
func collectJSON(t *testing.T, o Operator, task *Task) string {
	t.Helper()
	batches, err := Collect(context.Background(), o, task)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, b := range batches {
		js, err := b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		s := strings.ReplaceAll(strings.TrimSpace(string(js)), "\n", "")
		s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
		if s != "" {
			rows = append(rows, s)
		}
		b.Release()
	}
	return "[" + strings.Join(rows, ",") + "]"
}

func col(t *testing.T, s *arrow.Schema, i int) expr.Expr {
	t.Helper()
	c, err := expr.NewColumn(s, i)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "v", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "d", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}, Nullable: true},
}, nil)

func testInput() *memSource {
	return &memSource{schema: testSchema, batches: []string{
		`[{"k":"b","v":1,"d":"1.50"},{"k":"a","v":2,"d":"2.25"},{"k":null,"v":3,"d":null}]`,
		`[]`,
		`[{"k":"a","v":null,"d":"0.25"},{"k":"b","v":5,"d":"10.00"}]`,
	}}
}

// slicedSource returns its input's batches sliced to drop their first row,
// so operators see arrays with non-zero offsets.
type slicedSource struct{ Operator }

func (s slicedSource) Open(ctx context.Context, t *Task) (Stream, error) {
	in, err := s.Operator.Open(ctx, t)
	if err != nil {
		return nil, err
	}
	return &slicedStream{in}, nil
}

type slicedStream struct{ Stream }

func (s *slicedStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		b, err := s.Stream.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b.NumRows() <= 1 {
			b.Release()
			continue
		}
		out := b.NewSlice(1, b.NumRows())
		b.Release()
		return out, nil
	}
}
