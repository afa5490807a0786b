package expr

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestAvgSplit computes avg the way a split aggregation does: sum and
// count of two slices of the rows in the partial phase, then avg(sum,
// count) over both partial results; it must equal avg over all rows,
// including the declared output type's rounding and a group whose values
// are all null.
func TestAvgSplit(t *testing.T) {
	reg := NewRegistry()
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	for _, tc := range []struct {
		dt, out arrow.DataType
		rows    string
	}{
		{dec(15, 2), nil, `[{"a":"1.00"},{"a":"2.00"},{"a":null},{"a":"4.00"},{"a":"-7.50"},{"a":"3.25"}]`},
		{dec(15, 2), dec(19, 6), `[{"a":"1.00"},{"a":"2.00"},{"a":null},{"a":"4.01"},{"a":"-7.50"},{"a":"3.25"}]`},
		{arrow.PrimitiveTypes.Int64, nil, `[{"a":1},{"a":2},{"a":null},{"a":4},{"a":-7},{"a":3}]`},
		{arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int32, `[{"a":1},{"a":2},{"a":null},{"a":4},{"a":-7},{"a":3}]`},
		{arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Float64, `[{"a":1},{"a":2},{"a":null},{"a":4},{"a":-7},{"a":3}]`},
		{arrow.PrimitiveTypes.Float64, nil, `[{"a":1.5},{"a":2},{"a":null},{"a":4},{"a":-7},{"a":3}]`},
	} {
		s := schemaOf(tc.dt)
		b, _, err := array.RecordFromJSON(alloc, s, strings.NewReader(tc.rows))
		if err != nil {
			t.Fatal(err)
		}
		// Group 2 gets only the null row.
		groups := []uint32{0, 1, 2, 1, 0, 1}
		whole, err := reg.Aggregate(&AggCall{Name: "avg", Args: cols(s), Out: tc.out})
		if err != nil {
			t.Fatal(err)
		}
		ws := whole.NewState()
		if err := ws.Update(groups, 3, []arrow.Array{b.Column(0)}); err != nil {
			t.Fatal(err)
		}
		want, err := ws.Finish(alloc, 3)
		if err != nil {
			t.Fatal(err)
		}

		// The partial phase: sum and count of rows 0-2 and of rows 3-5,
		// each slice's groups numbered 0-2 as in the whole.
		var partials [2][]arrow.Array // [sum, count] per slice
		for i, sl := range []arrow.RecordBatch{b.NewSlice(0, 3), b.NewSlice(3, 6)} {
			for _, fn := range []string{"sum", "count"} {
				f, err := reg.AggregatePhase(&AggCall{Name: fn, Args: cols(s)}, PhasePartial)
				if err != nil {
					t.Fatal(err)
				}
				st := f.NewState()
				if err := st.Update(groups[3*i:3*i+3], 3, []arrow.Array{sl.Column(0)}); err != nil {
					t.Fatal(err)
				}
				a, err := st.Finish(alloc, 3)
				if err != nil {
					t.Fatal(err)
				}
				partials[i] = append(partials[i], a)
			}
			sl.Release()
		}
		ms := schemaOf(partials[0][0].DataType(), partials[0][1].DataType())
		merge, err := reg.AggregatePhase(&AggCall{Name: "avg", Args: cols(ms), Out: tc.out}, PhaseMerge)
		if err != nil {
			t.Fatalf("avg(%s) merge: %v", tc.dt, err)
		}
		st := merge.NewState()
		for _, p := range partials {
			if err := st.Update([]uint32{0, 1, 2}, 3, p); err != nil {
				t.Fatal(err)
			}
			p[0].Release()
			p[1].Release()
		}
		got, err := st.Finish(alloc, 3)
		if err != nil {
			t.Fatal(err)
		}
		if !arrow.TypeEqual(got.DataType(), want.DataType()) || !array.Equal(got, want) {
			t.Errorf("avg(%s) as %v: split %v (%s), want %v (%s)", tc.dt, tc.out, got, got.DataType(), want, want.DataType())
		}
		if !got.IsNull(2) {
			t.Errorf("avg(%s): group of nulls is %v, want null", tc.dt, got)
		}
		got.Release()
		want.Release()
		b.Release()
	}
}

// TestAvgMergeArguments: avg's merge phase refuses what is not a partial
// sum and count.
func TestAvgMergeArguments(t *testing.T) {
	reg := NewRegistry()
	for _, types := range [][]arrow.DataType{
		{arrow.PrimitiveTypes.Int64},
		{arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int32},
		{dec(15, 2), arrow.PrimitiveTypes.Int64},
		{arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64},
	} {
		if _, err := reg.AggregatePhase(&AggCall{Name: "avg", Args: cols(schemaOf(types...))}, PhaseMerge); err == nil {
			t.Errorf("avg merge of %v bound", types)
		}
	}
}
