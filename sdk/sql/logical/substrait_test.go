package logical_test

import (
	"testing"

	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitplan "github.com/substrait-io/substrait-go/v8/plan"
	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// TestToSubstrait builds a plan the way the DataFrame API will — nodes and
// resolved calls, no SQL — and checks that substrait-go reads the emitted
// plan back with the declared functions and output types.
func TestToSubstrait(t *testing.T) {
	fns, err := logical.NewFunctions()
	if err != nil {
		t.Fatal(err)
	}
	req := types.NullabilityRequired
	dec := &types.DecimalType{Precision: 15, Scale: 2, Nullability: req}
	scan := &logical.Scan{Table: "t", Fields: logical.Schema{
		{Name: "k", Type: &types.StringType{Nullability: req}},
		{Name: "v", Type: dec},
	}}
	v := &logical.Column{Index: 1, T: dec}
	two := &logical.Literal{Value: int32(2), T: &types.Int32Type{Nullability: req}}
	gt, err := fns.Call("gt", &logical.Cast{X: v, T: &types.Float64Type{Nullability: req}},
		&logical.Literal{Value: 1.5, T: &types.Float64Type{Nullability: req}})
	if err != nil {
		t.Fatal(err)
	}
	doubled, err := fns.Call("multiply", v, &logical.Cast{X: two, T: &types.DecimalType{Precision: 10, Nullability: req}})
	if err != nil {
		t.Fatal(err)
	}
	if got := doubled.Type().String(); got != "decimal<26,2>" {
		t.Errorf("multiply type = %s, want decimal<26,2>", got)
	}
	sum, err := fns.Agg("sum", false, &logical.Column{Index: 1, T: doubled.T})
	if err != nil {
		t.Fatal(err)
	}
	var root logical.Node = &logical.Filter{Input: scan, Cond: gt}
	root = &logical.Project{Input: root, Exprs: []logical.Expr{&logical.Column{Index: 0, T: scan.Fields[0].Type}, doubled}, Names: []string{"k", "v2"}}
	root = &logical.Aggregate{Input: root, Groups: []logical.Expr{&logical.Column{Index: 0, T: scan.Fields[0].Type}}, Aggs: []*logical.AggCall{sum}, Names: []string{"k", "s"}}
	root = &logical.Sort{Input: root, Keys: []logical.SortKey{{Expr: &logical.Column{Index: 1, T: sum.T}, Desc: true}}}
	root = &logical.Limit{Input: root, Count: 3}
	p, err := logical.ToSubstrait(root, []string{"k", "total"})
	if err != nil {
		t.Fatal(err)
	}
	back, err := substraitplan.FromProto(p, extensions.GetDefaultCollectionWithNoError())
	if err != nil {
		t.Fatal(err)
	}
	if got := back.GetRoots()[0].RecordType().String(); got != "NSTRUCT<k: string, total: decimal?<38,2>>" {
		t.Errorf("output type = %s", got)
	}
	var names []string
	for _, d := range p.GetExtensions() {
		names = append(names, d.GetExtensionFunction().GetName())
	}
	want := []string{"gt:any_any", "multiply:dec_dec", "sum:dec"}
	if len(names) != len(want) {
		t.Fatalf("declared %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("declared %v, want %v", names, want)
		}
	}
	if _, err := logical.ToSubstrait(root, []string{"one"}); err == nil {
		t.Error("ToSubstrait accepted a wrong number of names")
	}
}

func TestAddInterval(t *testing.T) {
	date := func(s string) logical.Date {
		d, err := logical.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		from string
		iv   any
		sub  bool
		want string
	}{
		{"2000-01-31", logical.IntervalYear{Months: 1}, false, "2000-02-29"},
		{"1998-12-01", logical.IntervalDay{Days: 90}, true, "1998-09-02"},
		{"1994-01-01", logical.IntervalYear{Years: 1}, false, "1995-01-01"},
		{"2000-03-31", logical.IntervalYear{Months: 13}, true, "1999-02-28"},
	} {
		got, ok := logical.AddInterval(date(tc.from), tc.iv, tc.sub)
		if !ok || got != date(tc.want) {
			t.Errorf("%s ± %v (sub %v) = %v, %v; want %s", tc.from, tc.iv, tc.sub, got, ok, tc.want)
		}
	}
	if _, ok := logical.AddInterval(date("2000-01-01"), logical.IntervalDay{Seconds: 3600}, false); ok {
		t.Error("an interval with seconds folded into a date")
	}
}
