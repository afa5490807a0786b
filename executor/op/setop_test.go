package op

import (
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
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
