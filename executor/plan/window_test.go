package plan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch/tpchtest"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
)

// TestWindowPlans runs the window-function plans DataFusion and Isthmus
// make for testdata/window/queries over the TPC-H SF 0.01 tables and
// compares them with DuckDB's results (testdata/window/generate.py).
func TestWindowPlans(t *testing.T) {
	cat := tpchCatalog(t)
	queries, err := filepath.Glob("testdata/window/queries/*.sql")
	if err != nil || len(queries) == 0 {
		t.Fatalf("no window queries: %v", err)
	}
	for _, producer := range []string{"datafusion", "isthmus"} {
		for _, q := range queries {
			name := strings.TrimSuffix(filepath.Base(q), ".sql")
			t.Run(producer+"/"+name, func(t *testing.T) {
				data, err := os.ReadFile(filepath.Join("testdata/window", producer, name+".json"))
				if err != nil {
					t.Fatal(err)
				}
				if err := tpchtest.Run(t, data, true, cat, filepath.Join("testdata/window/answers", name+".csv")); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// windowFilterPlan is a Substrait plan (JSON) of
//
//	SELECT n_nationkey, cnt FROM (SELECT *, count(*) OVER (<partition>) AS cnt FROM nation)
//	WHERE n_regionkey = 1 ORDER BY n_nationkey
//
// with the window's input columns passed through the projection, so that
// filter pushdown could move the filter below it.
func windowFilterPlan(partition string) []byte {
	ref := func(i int) string {
		return fmt.Sprintf(`{"selection":{"directReference":{"structField":{"field":%d}},"rootReference":{}}}`, i)
	}
	return []byte(`{
  "extensions":[
    {"extensionFunction":{"extensionUrnReference":4294967295,"functionAnchor":0,"name":"count"}},
    {"extensionFunction":{"extensionUrnReference":4294967295,"functionAnchor":1,"name":"equal"}}],
  "relations":[{"root":{"names":["n_nationkey","cnt"],"input":{
    "sort":{"common":{"emit":{"outputMapping":[0,4]}},"sorts":[{"expr":` + ref(0) + `,"direction":"SORT_DIRECTION_ASC_NULLS_LAST"}],"input":{
    "filter":{"condition":{"scalarFunction":{"functionReference":1,"outputType":{"bool":{"nullability":"NULLABILITY_NULLABLE"}},
        "arguments":[{"value":` + ref(2) + `},{"value":{"literal":{"i64":"1"}}}]}},"input":{
      "project":{"expressions":[{"windowFunction":{"functionReference":0,"partitions":[` + partition + `],
          "boundsType":"BOUNDS_TYPE_ROWS","lowerBound":{"unbounded":{}},"upperBound":{"unbounded":{}}}}],"input":{
        "read":{"namedTable":{"names":["nation"]},"baseSchema":{"names":["n_nationkey","n_name","n_regionkey","n_comment"],
          "struct":{"types":[{"i64":{}},{"string":{}},{"i64":{}},{"string":{}}]}}}}}}}}}}}}]}`)
}

// TestWindowFilterPushdown checks that a filter moves below window
// functions only when it is on their partition keys.
func TestWindowFilterPushdown(t *testing.T) {
	cat := tpchCatalog(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name, partition, answer string
		pushed                  bool
	}{
		{"unpartitioned", "", "n_nationkey|cnt\n1|25\n2|25\n3|25\n17|25\n24|25\n", false},
		{"by region", `{"selection":{"directReference":{"structField":{"field":2}},"rootReference":{}}}`,
			"n_nationkey|cnt\n1|5\n2|5\n3|5\n17|5\n24|5\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := windowFilterPlan(tc.partition)
			p, err := normalize.Decode(data, true)
			if err != nil {
				t.Fatal(err)
			}
			phys, err := plan.Build(context.Background(), p, cat)
			if err != nil {
				t.Fatal(err)
			}
			// The filter is below the window exactly when it was pushed.
			s := phys.String()
			if below := strings.Index(s, "Filter") > strings.Index(s, "Window"); below != tc.pushed {
				t.Errorf("filter pushed below the window: %v, want %v\n%s", below, tc.pushed, s)
			}
			answer := filepath.Join(dir, tc.name+".csv")
			if err := os.WriteFile(answer, []byte(tc.answer), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := tpchtest.Run(t, data, true, cat, answer); err != nil {
				t.Fatal(err)
			}
		})
	}
}
