package expr

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"strings"
)

func TestAggregates(t *testing.T) {
	reg := NewRegistry()
	s := schemaOf(dec(15, 2))
	rows := `[{"a":"1.00"},{"a":"2.00"},{"a":null},{"a":"4.00"}]`
	groups := []uint32{0, 1, 0, 0}
	for _, tc := range []struct {
		fn       string
		out      arrow.DataType
		wantType string
		want     string
	}{
		{"sum", nil, "decimal(38, 2)", `["5","2",null]`},
		{"avg", nil, "decimal(38, 2)", `["2.5","2",null]`},
		// A declared scale is divided into directly: 5/2 at scale 6.
		{"avg", dec(19, 6), "decimal(19, 6)", `["2.5","2",null]`},
		{"count", nil, "int64", `[2,1,0]`},
		{"min", nil, "decimal(15, 2)", `["1","2",null]`},
		{"max", nil, "decimal(15, 2)", `["4","2",null]`},
	} {
		f, err := reg.Aggregate(&AggCall{Name: tc.fn, Args: cols(s), Out: tc.out})
		if err != nil {
			t.Fatal(err)
		}
		if got := f.DataType().String(); got != tc.wantType {
			t.Errorf("%s: type %s, want %s", tc.fn, got, tc.wantType)
		}
		alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
		b, _, err := array.RecordFromJSON(alloc, s, strings.NewReader(rows))
		if err != nil {
			t.Fatal(err)
		}
		st := f.NewState()
		if err := st.Update(groups, 2, []arrow.Array{b.Column(0)}); err != nil {
			t.Fatal(err)
		}
		// A third group that never saw a row gets the empty-input value.
		out, err := st.Finish(alloc, 3)
		if err != nil {
			t.Fatal(err)
		}
		js, _ := out.MarshalJSON()
		if string(js) != tc.want {
			t.Errorf("%s: got %s, want %s", tc.fn, js, tc.want)
		}
		out.Release()
		b.Release()
		alloc.AssertSize(t, 0)
	}
}

// TestAggregateMerge folds rows into two states and merges one into the
// other; the result must be what one state folding every row gives.
func TestAggregateMerge(t *testing.T) {
	reg := NewRegistry()
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	for _, tc := range []struct {
		dt   arrow.DataType
		rows string
	}{
		{dec(15, 2), `[{"a":"1.00"},{"a":"2.00"},{"a":null},{"a":"4.00"},{"a":"-7.50"},{"a":"3.25"}]`},
		{arrow.PrimitiveTypes.Int64, `[{"a":1},{"a":2},{"a":null},{"a":4},{"a":-7},{"a":3}]`},
		{arrow.PrimitiveTypes.Int32, `[{"a":1},{"a":2},{"a":null},{"a":4},{"a":-7},{"a":3}]`},
		{arrow.PrimitiveTypes.Float64, `[{"a":1.5},{"a":2},{"a":null},{"a":4},{"a":-7},{"a":3}]`},
		{arrow.BinaryTypes.String, `[{"a":"x"},{"a":"b"},{"a":null},{"a":"zz"},{"a":"a"},{"a":"m"}]`},
	} {
		s := schemaOf(tc.dt)
		b, _, err := array.RecordFromJSON(alloc, s, strings.NewReader(tc.rows))
		if err != nil {
			t.Fatal(err)
		}
		// Rows 0-2 go to one state, 3-5 to another; group 2 of the
		// second state is empty.
		groups := []uint32{0, 1, 0, 1, 0, 1}
		for _, fn := range []string{"sum", "avg", "count", "min", "max"} {
			f, err := reg.Aggregate(&AggCall{Name: fn, Args: cols(s)})
			if err != nil {
				if tc.dt.ID() == arrow.STRING {
					continue
				}
				t.Fatal(err)
			}
			whole, a, o := f.NewState(), f.NewState(), f.NewState()
			if err := whole.Update(groups, 3, []arrow.Array{b.Column(0)}); err != nil {
				t.Fatal(err)
			}
			first, second := b.NewSlice(0, 3), b.NewSlice(3, 6)
			if err := a.Update(groups[:3], 2, []arrow.Array{first.Column(0)}); err != nil {
				t.Fatal(err)
			}
			// o's groups are a's in reverse: o's 0 is a's 1.
			if err := o.Update([]uint32{0, 1, 0}, 3, []arrow.Array{second.Column(0)}); err != nil {
				t.Fatal(err)
			}
			first.Release()
			second.Release()
			if err := a.Merge([]uint32{1, 0, 2}, 3, o, []uint32{0, 1, 2}); err != nil {
				t.Fatal(err)
			}
			want, err := whole.Finish(alloc, 3)
			if err != nil {
				t.Fatal(err)
			}
			got, err := a.Finish(alloc, 3)
			if err != nil {
				t.Fatal(err)
			}
			if !array.Equal(got, want) {
				t.Errorf("%s(%s): merged %v, want %v", fn, tc.dt, got, want)
			}
			got.Release()
			want.Release()
		}
		b.Release()
	}
}

func TestSumDecimalOverflow(t *testing.T) {
	reg := NewRegistry()
	s := schemaOf(dec(38, 0))
	big := strings.Repeat("9", 38)
	for _, tc := range []struct {
		rows string
		ok   bool
	}{
		{`[{"a":"` + big + `"},{"a":"-1"},{"a":"-` + big + `"},{"a":"5"}]`, true},
		{`[{"a":"` + big + `"},{"a":"1"}]`, false},
		{`[{"a":"-` + big + `"},{"a":"-1"}]`, false},
		// Wraps 128 bits: each value fits, the sum is ~2*10^38.
		{`[{"a":"` + big + `"},{"a":"` + big + `"}]`, false},
	} {
		b, _, err := array.RecordFromJSON(memory.DefaultAllocator, s, strings.NewReader(tc.rows))
		if err != nil {
			t.Fatal(err)
		}
		f, err := reg.Aggregate(&AggCall{Name: "sum", Args: cols(s)})
		if err != nil {
			t.Fatal(err)
		}
		st := f.NewState()
		err = st.Update(make([]uint32, b.NumRows()), 1, []arrow.Array{b.Column(0)})
		if (err == nil) != tc.ok {
			t.Errorf("%s: got %v, want ok=%v", tc.rows, err, tc.ok)
		}
		// Merging two halves overflows alike.
		a, o := f.NewState(), f.NewState()
		n := b.NumRows()
		h1, h2 := b.NewSlice(0, n/2), b.NewSlice(n/2, n)
		e1 := a.Update(make([]uint32, h1.NumRows()), 1, []arrow.Array{h1.Column(0)})
		e2 := o.Update(make([]uint32, h2.NumRows()), 1, []arrow.Array{h2.Column(0)})
		e3 := a.Merge([]uint32{0}, 1, o, []uint32{0})
		if (e1 == nil && e2 == nil && e3 == nil) != tc.ok {
			t.Errorf("%s merged: got %v %v %v, want ok=%v", tc.rows, e1, e2, e3, tc.ok)
		}
		h1.Release()
		h2.Release()
		b.Release()
	}
}
