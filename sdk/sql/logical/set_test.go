package logical_test

import (
	"testing"

	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitplan "github.com/substrait-io/substrait-go/v8/plan"
	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// TestSetValuesGroupingSets checks the schemas of a set operation over
// virtual tables and of an aggregate by grouping sets over it, and that
// substrait-go reads the emitted plans.
func TestSetValuesGroupingSets(t *testing.T) {
	req, null := types.NullabilityRequired, types.NullabilityNullable
	i32 := &types.Int32Type{Nullability: req}
	str := &types.StringType{Nullability: null}
	row := func(k int32, v any) []logical.Expr {
		return []logical.Expr{&logical.Literal{Value: k, T: i32}, &logical.Literal{Value: v, T: str}}
	}
	fields := logical.Schema{{Name: "k", Type: i32}, {Name: "v", Type: str}}
	l := &logical.Values{Fields: fields, Rows: [][]logical.Expr{row(1, "a"), row(2, nil)}}
	r := &logical.Values{Fields: logical.Schema{{Name: "x", Type: i32}, {Name: "y", Type: str}}, Rows: [][]logical.Expr{row(3, "c")}}
	set := &logical.SetOp{Kind: logical.ExceptAll, Operands: []logical.Node{l, r}}
	if got := set.Schema()[0].Name; got != "k" {
		t.Errorf("set column 0 named %q, want the left side's k", got)
	}
	fns, err := logical.NewFunctions()
	if err != nil {
		t.Fatal(err)
	}
	count, err := fns.Agg("count", false)
	if err != nil {
		t.Fatal(err)
	}
	agg := &logical.Aggregate{Input: set,
		Groups: []logical.Expr{&logical.Column{Index: 0, T: i32}, &logical.Column{Index: 1, T: str}},
		Aggs:   []*logical.AggCall{count}, Names: []string{"k", "v", "n"},
		Sets: [][]int{{0, 1}, {0}, {}}}
	s := agg.Schema()
	if len(s) != 4 || s[3].Name != logical.GroupingSetColumn || s[0].Type.GetNullability() != null {
		t.Fatalf("aggregate schema = %v, want k? v? n grouping_set", s)
	}
	// substrait-go reads both plans back; the record type of its
	// aggregate with several groupings is its own (it does not add the
	// grouping set index), so the set's is checked.
	for _, tc := range []struct {
		root  logical.Node
		names []string
		want  string
	}{
		{set, []string{"k", "v"}, "NSTRUCT<k: i32, v: string?>"},
		{agg, []string{"k", "v", "n", "g"}, ""},
	} {
		p, err := logical.ToSubstrait(tc.root, tc.names)
		if err != nil {
			t.Fatal(err)
		}
		back, err := substraitplan.FromProto(p, extensions.GetDefaultCollectionWithNoError())
		if err != nil {
			t.Fatal(err)
		}
		if got := back.GetRoots()[0].RecordType().String(); tc.want != "" && got != tc.want {
			t.Errorf("output type = %s, want %s", got, tc.want)
		}
	}
}
