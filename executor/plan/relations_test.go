package plan_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// relPlan wraps relation JSON into a plan with a few functions declared:
// 1 sum:i64, 2 count:any, 3 gt:any_any, 4 count (no arguments). Extra
// plan-level relations go before the root.
func relPlan(root string, names []string, extra ...string) string {
	var rels []string
	for _, e := range extra {
		rels = append(rels, `{"rel": `+e+`}`)
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	rels = append(rels, `{"root": {"input": `+root+`, "names": [`+strings.Join(q, ",")+`]}}`)
	return `{
  "extensionUrns": [
    {"extensionUrnAnchor": 1, "urn": "extension:io.substrait:functions_arithmetic"},
    {"extensionUrnAnchor": 2, "urn": "extension:io.substrait:functions_aggregate_generic"},
    {"extensionUrnAnchor": 3, "urn": "extension:io.substrait:functions_comparison"}],
  "extensions": [
    {"extensionFunction": {"extensionUrnReference": 1, "functionAnchor": 1, "name": "sum:i64"}},
    {"extensionFunction": {"extensionUrnReference": 2, "functionAnchor": 2, "name": "count:any"}},
    {"extensionFunction": {"extensionUrnReference": 3, "functionAnchor": 3, "name": "gt:any_any"}},
    {"extensionFunction": {"extensionUrnReference": 2, "functionAnchor": 4, "name": "count:"}}],
  "relations": [` + strings.Join(rels, ",") + `]}`
}

// kv is a virtual table of (k string, v i64) rows; a Go nil is a null.
func kv(rows ...[2]any) string {
	lit := func(x any, typ string) string {
		switch x := x.(type) {
		case nil:
			return `{"literal": {"null": {"` + typ + `": {"nullability": "NULLABILITY_NULLABLE"}}}}`
		case string:
			return fmt.Sprintf(`{"literal": {"string": %q}}`, x)
		default:
			return fmt.Sprintf(`{"literal": {"i64": "%d"}}`, x)
		}
	}
	var rs []string
	for _, r := range rows {
		rs = append(rs, `{"fields": [`+lit(r[0], "string")+`, `+lit(r[1], "i64")+`]}`)
	}
	return `{"read": {"baseSchema": {"names": ["k", "v"], "struct": {"types": [
	  {"string": {"nullability": "NULLABILITY_NULLABLE"}}, {"i64": {"nullability": "NULLABILITY_NULLABLE"}}]}},
	  "virtualTable": {"expressions": [` + strings.Join(rs, ",") + `]}}}`
}

func field(i int) string {
	return fmt.Sprintf(`{"selection": {"directReference": {"structField": {"field": %d}}, "rootReference": {}}}`, i)
}

// runJSON builds and runs a plan, returning its rows as JSON and the plan.
func runJSON(t *testing.T, js string) (string, *plan.Plan) {
	t.Helper()
	p, err := normalize.Decode([]byte(js), true)
	if err != nil {
		t.Fatal(err)
	}
	phys, err := plan.Build(context.Background(), p, mapCatalog{})
	if err != nil {
		t.Fatal(err)
	}
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	batches, err := op.Collect(context.Background(), phys.Root, &op.Task{Alloc: alloc, Pool: spill.NewPool(0), BatchSize: 2})
	if err != nil {
		t.Fatalf("%v\n%s", err, phys)
	}
	var rows []string
	for _, b := range batches {
		j, err := b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		s := strings.TrimSpace(strings.ReplaceAll(string(j), "\n", ""))
		if s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"); s != "" {
			rows = append(rows, s)
		}
		b.Release()
	}
	return "[" + strings.Join(rows, ",") + "]", phys
}

var abc = kv([2]any{"a", 1}, [2]any{"b", 2}, [2]any{"a", 1}, [2]any{nil, 3}, [2]any{"a", nil})

func TestSetRel(t *testing.T) {
	other := kv([2]any{"a", 1}, [2]any{nil, 3}, [2]any{"c", 4})
	for _, tc := range []struct{ op, want string }{
		{"SET_OP_UNION_ALL", `[{"k":"a","v":1},{"k":"b","v":2},{"k":"a","v":1},{"k":null,"v":3},{"k":"a","v":null},{"k":"a","v":1},{"k":null,"v":3},{"k":"c","v":4}]`},
		{"SET_OP_UNION_DISTINCT", `[{"k":"a","v":1},{"k":"b","v":2},{"k":null,"v":3},{"k":"a","v":null},{"k":"c","v":4}]`},
		{"SET_OP_MINUS_PRIMARY", `[{"k":"b","v":2},{"k":"a","v":null}]`},
		{"SET_OP_MINUS_PRIMARY_ALL", `[{"k":"a","v":1},{"k":"b","v":2},{"k":"a","v":null}]`},
		{"SET_OP_INTERSECTION_MULTISET", `[{"k":"a","v":1},{"k":null,"v":3}]`},
		{"SET_OP_INTERSECTION_MULTISET_ALL", `[{"k":"a","v":1},{"k":null,"v":3}]`},
	} {
		t.Run(tc.op, func(t *testing.T) {
			got, _ := runJSON(t, relPlan(`{"set": {"inputs": [`+abc+`, `+other+`], "op": "`+tc.op+`"}}`, []string{"k", "v"}))
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestSetRelUnifiesTypes(t *testing.T) {
	ints := `{"read": {"baseSchema": {"names": ["k", "v"], "struct": {"types": [
	  {"string": {"nullability": "NULLABILITY_NULLABLE"}}, {"i32": {"nullability": "NULLABILITY_REQUIRED"}}]}},
	  "virtualTable": {"expressions": [{"fields": [{"literal": {"string": "z"}}, {"literal": {"i32": 9}}]}]}}}`
	got, p := runJSON(t, relPlan(`{"set": {"inputs": [`+ints+`, `+abc+`], "op": "SET_OP_UNION_ALL"}}`, []string{"k", "v"}))
	if !strings.HasPrefix(got, `[{"k":"z","v":9},{"k":"a","v":1}`) || p.Schema.Field(1).Type.String() != "int64" {
		t.Errorf("got %s, schema %s", got, p.Schema)
	}
}

func TestAggregateRelGroupingSets(t *testing.T) {
	sum := `{"measure": {"functionReference": 1, "arguments": [{"value": ` + field(1) + `}], "outputType": {"i64": {"nullability": "NULLABILITY_NULLABLE"}}}}`
	// New style: grouping_expressions referenced by index; old style:
	// expressions inline. Both mean GROUPING SETS ((k), ()).
	for name, agg := range map[string]string{
		"new": `"groupingExpressions": [` + field(0) + `], "groupings": [{"expressionReferences": [0]}, {}]`,
		"old": `"groupings": [{"groupingExpressions": [` + field(0) + `]}, {"groupingExpressions": []}]`,
	} {
		t.Run(name, func(t *testing.T) {
			got, _ := runJSON(t, relPlan(`{"aggregate": {"input": `+abc+`, `+agg+`, "measures": [`+sum+`]}}`, []string{"k", "s", "g"}))
			want := `[{"g":0,"k":"a","s":2},{"g":0,"k":"b","s":2},{"g":0,"k":null,"s":3},{"g":1,"k":null,"s":7}]`
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

// TestAggregateRelGroupingSetsWidth checks a relation above an aggregate of
// several groupings, the first not of every key: its output is every key,
// the measures and the grouping set index, whatever the first grouping
// lists.
func TestAggregateRelGroupingSetsWidth(t *testing.T) {
	count := `{"measure": {"functionReference": 4, "outputType": {"i64": {"nullability": "NULLABILITY_REQUIRED"}}}}`
	agg := `{"aggregate": {"input": ` + abc + `, "groupingExpressions": [` + field(0) + `, ` + field(1) + `],
	  "groupings": [{"expressionReferences": [1]}, {"expressionReferences": [0]}], "measures": [` + count + `]}}`
	// Project the columns in reverse: g, n, v, k.
	proj := `{"project": {"input": ` + agg + `, "common": {"emit": {"outputMapping": [3, 2, 1, 0]}}}}`
	got, _ := runJSON(t, relPlan(proj, []string{"g", "n", "v", "k"}))
	want := `[{"g":0,"k":null,"n":2,"v":1},{"g":0,"k":null,"n":1,"v":2},{"g":0,"k":null,"n":1,"v":3},{"g":0,"k":null,"n":1,"v":null},` +
		`{"g":1,"k":"a","n":3,"v":null},{"g":1,"k":"b","n":1,"v":null},{"g":1,"k":null,"n":1,"v":null}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestAggregateRelDistinctFilterCountStar(t *testing.T) {
	countDistinct := `{"measure": {"functionReference": 2, "invocation": "AGGREGATION_INVOCATION_DISTINCT", "arguments": [{"value": ` + field(1) + `}], "outputType": {"i64": {"nullability": "NULLABILITY_REQUIRED"}}}}`
	countStar := `{"measure": {"functionReference": 4, "outputType": {"i64": {"nullability": "NULLABILITY_REQUIRED"}}}}`
	gt1 := `{"scalarFunction": {"functionReference": 3, "arguments": [{"value": ` + field(1) + `}, {"value": {"literal": {"i64": "1"}}}], "outputType": {"bool": {"nullability": "NULLABILITY_NULLABLE"}}}}`
	filtered := `{"measure": {"functionReference": 4, "outputType": {"i64": {"nullability": "NULLABILITY_REQUIRED"}}}, "filter": ` + gt1 + `}`
	sum := `{"measure": {"functionReference": 1, "arguments": [{"value": ` + field(1) + `}], "outputType": {"i64": {"nullability": "NULLABILITY_NULLABLE"}}}}`
	aggs := `"measures": [` + countDistinct + `, ` + countStar + `, ` + filtered + `, ` + sum + `]`
	got, _ := runJSON(t, relPlan(`{"aggregate": {"input": `+abc+`, `+aggs+`}}`, []string{"cd", "n", "nf", "s"}))
	if want := `[{"cd":3,"n":5,"nf":2,"s":7}]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// A global aggregate over no rows: counts are 0, sums null.
	empty := `{"filter": {"input": ` + abc + `, "condition": {"literal": {"boolean": false}}}}`
	got, _ = runJSON(t, relPlan(`{"aggregate": {"input": `+empty+`, "groupings": [{}], `+aggs+`}}`, []string{"cd", "n", "nf", "s"}))
	if want := `[{"cd":0,"n":0,"nf":0,"s":null}]`; got != want {
		t.Errorf("empty input: got %s, want %s", got, want)
	}
}

func TestReferenceRel(t *testing.T) {
	ref := `{"reference": {"subtreeOrdinal": 0}}`
	got, p := runJSON(t, relPlan(`{"set": {"inputs": [`+ref+`, `+ref+`], "op": "SET_OP_UNION_ALL"}}`, []string{"k", "v"},
		`{"fetch": {"input": `+abc+`, "count": "2"}}`))
	if want := `[{"k":"a","v":1},{"k":"b","v":2},{"k":"a","v":1},{"k":"b","v":2}]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if u, ok := p.Root.(*op.Union); !ok || u.Inputs[0] != u.Inputs[1] {
		t.Errorf("the referenced subtree is not shared:\n%s", p)
	}
	_, err := build(t, relPlan(`{"reference": {"subtreeOrdinal": 0}}`, []string{"k", "v"}, `{"reference": {"subtreeOrdinal": 0}}`), mapCatalog{})
	if err == nil || !strings.Contains(err.Error(), "refers to itself") {
		t.Errorf("self reference: got %v", err)
	}
}

func TestFetchOnSortIsTopN(t *testing.T) {
	sort := `{"sort": {"input": ` + abc + `, "sorts": [{"expr": ` + field(1) + `, "direction": "SORT_DIRECTION_DESC_NULLS_FIRST"}, {"expr": ` + field(0) + `, "direction": "SORT_DIRECTION_CLUSTERED"}]}}`
	got, p := runJSON(t, relPlan(`{"fetch": {"input": `+sort+`, "offset": "1", "count": "3"}}`, []string{"k", "v"}))
	if want := `[{"k":null,"v":3},{"k":"b","v":2},{"k":"a","v":1}]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if !strings.Contains(p.String(), "TopN offset=1 count=3") {
		t.Errorf("no TopN in plan:\n%s", p)
	}
}

func TestExplainAnalyze(t *testing.T) {
	js := relPlan(`{"fetch": {"input": {"sort": {"input": `+abc+`, "sorts": [{"expr": `+field(1)+`, "direction": "SORT_DIRECTION_ASC_NULLS_LAST"}]}}, "count": "2"}}`, []string{"k", "v"})
	p, err := build(t, js, mapCatalog{})
	if err != nil {
		t.Fatal(err)
	}
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	task := &op.Task{Alloc: alloc, Pool: spill.NewPool(0), BatchSize: 2}
	for range 2 { // a second run reports its own counts, not the sum
		out, err := p.ExplainAnalyze(context.Background(), task)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 || !strings.Contains(lines[0], "TopN") || !strings.Contains(lines[0], "rows=2 batches=1 time=") ||
			!strings.Contains(lines[1], "  Values rows=5  [rows=5 batches=3 time=") || !strings.Contains(lines[1], "self=") {
			t.Errorf("got:\n%s", out)
		}
	}
}

func TestVirtualTableLiteralValues(t *testing.T) {
	// The deprecated form: rows of literal structs. An i32 literal in an
	// i64 column is cast; the projection keeps column 1 then 0.
	vt := `{"read": {"baseSchema": {"names": ["k", "v"], "struct": {"types": [
	  {"string": {"nullability": "NULLABILITY_NULLABLE"}}, {"i64": {"nullability": "NULLABILITY_NULLABLE"}}]}},
	  "projection": {"select": {"structItems": [{"field": 1}, {"field": 0}]}},
	  "virtualTable": {"values": [
	    {"fields": [{"string": "x"}, {"i32": 7}]},
	    {"fields": [{"null": {"string": {"nullability": "NULLABILITY_NULLABLE"}}}, {"i64": "8"}]}]}}}`
	got, _ := runJSON(t, relPlan(vt, []string{"v", "k"}))
	if want := `[{"k":"x","v":7},{"k":null,"v":8}]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
