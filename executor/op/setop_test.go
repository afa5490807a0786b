package op

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

var oneCol = arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)

// ints returns a source of one int64 column x; nil values are nulls. Rows
// are split into batches of two, the first sliced off an extra leading row.
func ints(xs ...any) Operator {
	src := &memSource{schema: oneCol}
	js := func(v any) string {
		if v == nil {
			return `{"x":null}`
		}
		return `{"x":` + strconv.Itoa(v.(int)) + `}`
	}
	// Every batch gets a leading junk row that slicedSource drops.
	for i := 0; i < len(xs); i += 2 {
		b := `[{"x":-99}`
		for _, x := range xs[i:min(i+2, len(xs))] {
			b += "," + js(x)
		}
		src.batches = append(src.batches, b+"]")
	}
	return slicedSource{src}
}

func TestSetOps(t *testing.T) {
	for _, tc := range []struct {
		kind   SetOpKind
		inputs []Operator
		want   string
	}{
		// The spec's examples.
		{MinusPrimary, []Operator{ints(1, 2, 2, 3, 3, 3, 4), ints(1, 2), ints(3)}, `[{"x":4}]`},
		{MinusPrimaryAll, []Operator{ints(1, 2, 2, 3, 3, 3, 3), ints(1, 2, 3, 4), ints(3)}, `[{"x":2},{"x":3},{"x":3}]`},
		{MinusMultiset, []Operator{ints(1, 2, 3, 4), ints(1, 2), ints(1, 2, 3)}, `[{"x":3},{"x":4}]`},
		{IntersectPrimary, []Operator{ints(1, 2, 2, 3, 3, 3, 4), ints(1, 2, 3, 5), ints(2, 3, 6)}, `[{"x":1},{"x":2},{"x":3}]`},
		{IntersectMultiset, []Operator{ints(1, 2, 3, 4), ints(2, 3), ints(3, 4)}, `[{"x":3}]`},
		{IntersectMultisetAll, []Operator{ints(1, 2, 2, 3, 3, 3, 4), ints(1, 2, 3, 3, 5), ints(2, 3, 3, 6)}, `[{"x":2},{"x":3},{"x":3}]`},
		{UnionDistinct, []Operator{ints(1, 2, 2, 3, 3, 3, 4), ints(2, 3, 5), ints(1, 6)}, `[{"x":1},{"x":2},{"x":3},{"x":4},{"x":5},{"x":6}]`},
		// NULL matches NULL.
		{MinusPrimary, []Operator{ints(nil, 1, 3), ints(nil, 2, 4)}, `[{"x":1},{"x":3}]`},
		{IntersectMultiset, []Operator{ints(nil, 1, 3), ints(nil, 2, 3)}, `[{"x":null},{"x":3}]`},
		{UnionDistinct, []Operator{ints(nil, 1, 3), ints(nil, 2, 4)}, `[{"x":null},{"x":1},{"x":3},{"x":2},{"x":4}]`},
		// Empty inputs.
		{UnionDistinct, []Operator{ints(), ints(7, 7)}, `[{"x":7}]`},
		{MinusPrimary, []Operator{ints(), ints(7)}, `[]`},
		{IntersectMultisetAll, []Operator{ints(7), ints()}, `[]`},
	} {
		h, err := NewHashSetOp(tc.kind, tc.inputs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := collectJSON(t, h, testTask(t)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.kind, got, tc.want)
		}
	}
}

func TestUnion(t *testing.T) {
	renamed := arrow.NewSchema([]arrow.Field{{Name: "y", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	u, err := NewUnion([]Operator{ints(1, nil), ints(), ints(1, 2, 3)}, renamed)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := collectJSON(t, u, testTask(t)), `[{"y":1},{"y":null},{"y":1},{"y":2},{"y":3}]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := NewUnion([]Operator{ints(1), testInput()}, nil); err == nil {
		t.Errorf("union of different column counts accepted")
	}
}

func TestValues(t *testing.T) {
	lit := func(v scalar.Scalar) expr.Expr { return expr.NewLiteral(v) }
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	v, err := NewValues(schema, [][]expr.Expr{
		{lit(scalar.NewInt64Scalar(1)), lit(scalar.NewStringScalar("one"))},
		{lit(scalar.MakeNullScalar(arrow.PrimitiveTypes.Int64)), lit(scalar.NewStringScalar("none"))},
		{lit(scalar.NewInt64Scalar(3)), lit(scalar.MakeNullScalar(arrow.BinaryTypes.String))},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"a":1,"s":"one"},{"a":null,"s":"none"},{"a":3,"s":null}]`
	if got := collectJSON(t, v, testTask(t)); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	empty, _ := NewValues(schema, nil)
	if got := collectJSON(t, empty, testTask(t)); got != `[]` {
		t.Errorf("empty: got %s", got)
	}
	if _, err := NewValues(schema, [][]expr.Expr{{lit(scalar.NewStringScalar("x")), lit(scalar.NewStringScalar("y"))}}); err == nil {
		t.Errorf("mistyped row accepted")
	}
}

// modSource produces rows rows of an int64 x = (i*7919 + offset) % mod, null
// for every 101st row, and a string "s<x>", in batches of 256: many
// repeats of mod distinct rows.
type modSource struct {
	rows, mod, offset int
}

var modSchema = arrow.NewSchema([]arrow.Field{
	{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String},
}, nil)

func (m *modSource) Schema() *arrow.Schema { return modSchema }
func (m *modSource) Children() []Operator  { return nil }
func (m *modSource) String() string        { return "ModSource" }

func (m *modSource) Open(_ context.Context, t *Task) (Stream, error) {
	return &modStream{m: m, alloc: t.Alloc}, nil
}

type modStream struct {
	m     *modSource
	alloc memory.Allocator
	next  int
}

func (s *modStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.next >= s.m.rows {
		return nil, io.EOF
	}
	b := array.NewRecordBuilder(s.alloc, modSchema)
	defer b.Release()
	for i := s.next; i < min(s.next+256, s.m.rows); i++ {
		x := int64(i*7919+s.m.offset) % int64(s.m.mod)
		if i%101 == 0 {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.Int64Builder).Append(x)
		}
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("s%d", x))
	}
	s.next = min(s.next+256, s.m.rows)
	return b.NewRecordBatch(), nil
}

func (s *modStream) Close() error { return nil }

// TestSetOpSpills runs every set operation over inputs of thousands of
// distinct rows, repeated, under a limit that makes it spill (and, for
// the smaller limit, split partitions again), and checks the rows against
// a run without a limit.
func TestSetOpSpills(t *testing.T) {
	inputs := func() []Operator {
		return []Operator{
			&modSource{rows: 12000, mod: 4000},
			&modSource{rows: 6000, mod: 3000, offset: 1},
			&modSource{rows: 9000, mod: 6000, offset: 3},
		}
	}
	for _, limit := range []int64{96 << 10, 32 << 10} {
		for _, kind := range []SetOpKind{UnionDistinct, MinusPrimary, MinusPrimaryAll, MinusMultiset, IntersectPrimary, IntersectMultiset, IntersectMultisetAll} {
			t.Run(fmt.Sprintf("%s/%dKiB", kind, limit>>10), func(t *testing.T) {
				h, err := NewHashSetOp(kind, inputs(), nil)
				if err != nil {
					t.Fatal(err)
				}
				want := collectRows(t, h, testTask(t))
				if len(want) == 0 {
					t.Fatal("no rows: the test proves nothing")
				}
				slices.Sort(want)
				h, _ = NewHashSetOp(kind, inputs(), nil)
				got := collectRows(t, h, spillTask(t, limit))
				slices.Sort(got)
				checkSameRows(t, got, want)
				if m := h.Metrics().Snapshot(); m.Spills == 0 || m.SpilledRows == 0 || m.SpilledBytes == 0 {
					t.Fatalf("no spill: %+v", m)
				}
			})
		}
	}
}

// TestSetOpCannotFit: a limit smaller than one row fails, once splitting
// partitions cannot help.
func TestSetOpCannotFit(t *testing.T) {
	h, _ := NewHashSetOp(UnionDistinct, []Operator{&modSource{rows: 300, mod: 300}, &modSource{rows: 10, mod: 10}}, nil)
	_, err := Collect(context.Background(), h, spillTask(t, 32))
	checkExhausted(t, err)
}
