package optimize_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/optimize"
)

func TestPruneColumns(t *testing.T) {
	cat := newTestCatalog()
	for _, tc := range []struct {
		name, query, want string
	}{{
		name:  "a scan reads what is used; its filter still sees the whole row",
		query: "SELECT c FROM t WHERE b > 1",
		want: `
			Project c
			  Scan t columns=[c] filter=gt(b, 1) rows=100
			`,
	}, {
		name:  "join keys are read, then dropped",
		query: "SELECT c, z FROM t, u WHERE a = x",
		want: `
			Project c, z
			  Join inner on equal(a, x)
			    Scan t columns=[a, c] rows=100
			    Scan u columns=[x, z] rows=100
			`,
	}, {
		name:  "unused aggregates go, groups stay",
		query: "SELECT a FROM (SELECT a, sum(b) AS s, count(*) AS n FROM t GROUP BY a) q",
		want: `
			Project a=g0
			  Aggregate groups=[a]
			    Scan t columns=[a] rows=100
			`,
	}, {
		name:  "count(*) keeps one column to count",
		query: "SELECT count(*) FROM t, u WHERE a = x",
		want: `
			Project count=a0
			  Aggregate aggs=[count()]
			    Project a
			      Join inner on equal(a, x)
			        Scan t columns=[a] rows=100
			        Scan u columns=[x] rows=100
			`,
	}, {
		name:  "a projection of columns merges into the one above",
		query: "SELECT c FROM (SELECT c, b, a FROM t) s WHERE a > 1 ORDER BY b",
		want: `
			Project c
			  Sort __sort0 asc nulls last
			    Project c, __sort0=b
			      Scan t columns=[b, c] filter=gt(a, 1) rows=100
			`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			fns := functions(t)
			checkPlan(t, apply(t, bind(t, cat, tc.query), optimize.NewPushFilters(fns), optimize.NewPruneColumns()), tc.want)
		})
	}
}

// TestPruneColumnsSubstrait checks the emitted reads: their emits select
// base-schema fields, the plan's output names and types are unchanged.
func TestPruneColumnsSubstrait(t *testing.T) {
	cat := newTestCatalog()
	const query = "SELECT z, c FROM t, u WHERE a = x AND d > DATE '2000-01-01'"
	n, names, err := sql.Bind(context.Background(), query, cat)
	if err != nil {
		t.Fatal(err)
	}
	fns := functions(t)
	out := apply(t, n, optimize.DefaultRules(fns)...)
	if got, want := out.Schema(), n.Schema(); !slices.EqualFunc(got, want, func(a, b logical.Field) bool {
		return a.Name == b.Name && a.Type.Equals(b.Type)
	}) {
		t.Errorf("schema %v, want %v", got, want)
	}
	p, err := logical.ToSubstrait(out, names)
	if err != nil {
		t.Fatal(err)
	}
	var reads []string
	for _, r := range scanRels(p.GetRelations()[0].GetRoot().GetInput()) {
		reads = append(reads, r.String())
	}
	slices.Sort(reads)
	if want := []string{"t:[0 2]:true", "u:[0 2]:false"}; !slices.Equal(reads, want) {
		t.Errorf("reads %v, want %v", reads, want)
	}
}

// scanRel is how a scan is emitted: a read, with a filter over it if the
// scan has one; the emit of the outer of the two selects its columns.
type scanRel struct {
	table    string
	columns  []int32
	filtered bool
}

func (s scanRel) String() string {
	return s.table + ":" + intsString(s.columns) + ":" + boolString(s.filtered)
}

// scanRels returns the scans under r.
func scanRels(r *substraitpb.Rel) []scanRel {
	switch x := r.GetRelType().(type) {
	case *substraitpb.Rel_Read:
		return []scanRel{{table: x.Read.GetNamedTable().GetNames()[0], columns: x.Read.GetCommon().GetEmit().GetOutputMapping()}}
	case *substraitpb.Rel_Filter:
		if rd := x.Filter.GetInput().GetRead(); rd != nil {
			return []scanRel{{table: rd.GetNamedTable().GetNames()[0], columns: x.Filter.GetCommon().GetEmit().GetOutputMapping(), filtered: true}}
		}
		return scanRels(x.Filter.GetInput())
	case *substraitpb.Rel_Project:
		return scanRels(x.Project.GetInput())
	case *substraitpb.Rel_Join:
		return append(scanRels(x.Join.GetLeft()), scanRels(x.Join.GetRight())...)
	case *substraitpb.Rel_Cross:
		return append(scanRels(x.Cross.GetLeft()), scanRels(x.Cross.GetRight())...)
	case *substraitpb.Rel_Aggregate:
		return scanRels(x.Aggregate.GetInput())
	case *substraitpb.Rel_Sort:
		return scanRels(x.Sort.GetInput())
	case *substraitpb.Rel_Fetch:
		return scanRels(x.Fetch.GetInput())
	}
	return nil
}

func intsString(xs []int32) string { return fmt.Sprint(xs) }

func boolString(b bool) string { return fmt.Sprint(b) }
