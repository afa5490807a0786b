package tpch_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
)

// TestPlanFixtures checks that every plan fixture is protobuf JSON of a
// substrait.Plan, as the engine reads it (normalize.Decode: substrait-python
// writes fields of Substrait 0.89 that it translates), with one root relation
// naming as many columns as the answer has, and that a query without a plan
// is explained in FAILURES.md.
func TestPlanFixtures(t *testing.T) {
	for _, producer := range []string{"datafusion", "isthmus", "substrait-python"} {
		dir := filepath.Join("../testdata/tpch/plans", producer)
		failures, err := os.ReadFile(filepath.Join(dir, "FAILURES.md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range tpch.QueryIDs() {
			data, err := os.ReadFile(filepath.Join(dir, id+".json"))
			if os.IsNotExist(err) {
				if !strings.Contains(string(failures), "| "+id+" |") {
					t.Errorf("%s/%s: no plan, and FAILURES.md does not say why", producer, id)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			plan, err := normalize.Decode(data, true)
			if err != nil {
				t.Errorf("%s/%s: %v", producer, id, err)
				continue
			}
			if len(plan.Relations) != 1 || plan.Relations[0].GetRoot().GetInput() == nil {
				t.Errorf("%s/%s: want one root relation, got %d relations", producer, id, len(plan.Relations))
				continue
			}
			answer, err := tpch.LoadAnswer(filepath.Join(answersDir, id+".csv"))
			if err != nil {
				t.Fatal(err)
			}
			if names := plan.Relations[0].GetRoot().Names; len(names) != len(answer.Columns) {
				t.Errorf("%s/%s: root names %q, want %d like %q", producer, id, names, len(answer.Columns), answer.Columns)
			}
		}
	}
}
