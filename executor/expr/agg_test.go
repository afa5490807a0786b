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
