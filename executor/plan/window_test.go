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

// TestConsistentPartitionWindowRel runs a ConsistentPartitionWindowRel:
//
//	SELECT n_nationkey, n_regionkey, n_name,
//	       rank() OVER w, sum(n_nationkey) OVER (w ROWS 1 PRECEDING)
//	FROM nation WINDOW w AS (PARTITION BY n_regionkey ORDER BY n_name)
//
// The answer is DuckDB's; the window outputs its rows in partition and
// order key order.
func TestConsistentPartitionWindowRel(t *testing.T) {
	ref := func(i int) string {
		return fmt.Sprintf(`{"selection":{"directReference":{"structField":{"field":%d}},"rootReference":{}}}`, i)
	}
	data := []byte(`{
  "extensions":[
    {"extensionFunction":{"extensionUrnReference":4294967295,"functionAnchor":0,"name":"rank"}},
    {"extensionFunction":{"extensionUrnReference":4294967295,"functionAnchor":1,"name":"sum"}}],
  "relations":[{"root":{"names":["n_nationkey","n_regionkey","n_name","rk","s"],"input":{
    "window":{"common":{"emit":{"outputMapping":[0,2,1,4,5]}},
      "partitionExpressions":[` + ref(2) + `],
      "sorts":[{"expr":` + ref(1) + `,"direction":"SORT_DIRECTION_ASC_NULLS_LAST"}],
      "windowFunctions":[
        {"functionReference":0,"boundsType":"BOUNDS_TYPE_RANGE","upperBound":{"currentRow":{}}},
        {"functionReference":1,"arguments":[{"value":` + ref(0) + `}],"boundsType":"BOUNDS_TYPE_ROWS",
         "lowerBound":{"preceding":{"offset":"1"}},"upperBound":{"currentRow":{}}}],
      "input":{"read":{"namedTable":{"names":["nation"]},"baseSchema":{"names":["n_nationkey","n_name","n_regionkey","n_comment"],
        "struct":{"types":[{"i64":{}},{"string":{}},{"i64":{}},{"string":{}}]}}}}}}}}]}`)
	answer := filepath.Join(t.TempDir(), "window_rel.csv")
	rows := "n_nationkey|n_regionkey|n_name|rk|s\n0|0|ALGERIA|1|0\n5|0|ETHIOPIA|2|5\n14|0|KENYA|3|19\n15|0|MOROCCO|4|29\n16|0|MOZAMBIQUE|5|31\n" +
		"1|1|ARGENTINA|1|1\n2|1|BRAZIL|2|3\n3|1|CANADA|3|5\n17|1|PERU|4|20\n24|1|UNITED STATES|5|41\n" +
		"18|2|CHINA|1|18\n8|2|INDIA|2|26\n9|2|INDONESIA|3|17\n12|2|JAPAN|4|21\n21|2|VIETNAM|5|33\n" +
		"6|3|FRANCE|1|6\n7|3|GERMANY|2|13\n19|3|ROMANIA|3|26\n22|3|RUSSIA|4|41\n23|3|UNITED KINGDOM|5|45\n" +
		"4|4|EGYPT|1|4\n10|4|IRAN|2|14\n11|4|IRAQ|3|21\n13|4|JORDAN|4|24\n20|4|SAUDI ARABIA|5|33\n"
	if err := os.WriteFile(answer, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := tpchtest.Run(t, data, true, tpchCatalog(t), answer); err != nil {
		t.Fatal(err)
	}
}
