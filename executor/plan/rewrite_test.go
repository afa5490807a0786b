package plan_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
)

func buildTPCH(t *testing.T, producer, q string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(tpchDir, "plans", producer, q+".json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := normalize.Decode(data, true)
	if err != nil {
		t.Fatal(err)
	}
	phys, err := plan.Build(context.Background(), p, tpchCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	return phys.String()
}

// TestRewriteCross checks that Isthmus' filters over cross products become
// hash joins, with single-table conditions below them.
func TestRewriteCross(t *testing.T) {
	for _, tc := range []struct {
		q     string
		joins int
	}{{"q05", 5}, {"q08", 7}, {"q09", 5}, {"q19", 1}} {
		s := buildTPCH(t, "isthmus", tc.q)
		if strings.Contains(s, "NestedLoopJoin") {
			t.Errorf("%s: nested-loop join left:\n%s", tc.q, s)
		}
		if n := strings.Count(s, "HashJoin inner"); n != tc.joins {
			t.Errorf("%s: %d inner hash joins, want %d:\n%s", tc.q, n, tc.joins, s)
		}
	}
	// Q5's customer joins on its key, not on the nation key alone (which
	// would multiply the rows by the customers per nation).
	if s := buildTPCH(t, "isthmus", "q05"); strings.Contains(s, "HashJoin inner on S_NATIONKEY#19 = C_NATIONKEY#3\n") {
		t.Errorf("q05: customer joined on the nation key only:\n%s", s)
	}
	// Q19's disjunction shares the part key: it becomes the join key, and
	// implied filters reach both tables.
	s := buildTPCH(t, "isthmus", "q19")
	if !strings.Contains(s, "HashJoin inner on L_PARTKEY") || !strings.Contains(s, "Filter and(gte(P_SIZE#2, 1:int32), or(") {
		t.Errorf("q19: disjunction not factored:\n%s", s)
	}
}

// TestRewriteSubqueries checks the joins Isthmus' subqueries become.
func TestRewriteSubqueries(t *testing.T) {
	for _, tc := range []struct{ q, want string }{
		{"q04", "semi on"},            // EXISTS
		{"q21", "anti on"},            // NOT EXISTS, with a residual
		{"q16", "mark"},               // NOT IN
		{"q18", "semi on"},            // IN
		{"q17", "HashJoin single on"}, // correlated scalar: grouped and joined
		{"q11", "NestedLoopJoin single"},
	} {
		if s := buildTPCH(t, "isthmus", tc.q); !strings.Contains(s, tc.want) {
			t.Errorf("%s: no %q in:\n%s", tc.q, tc.want, s)
		}
	}
}
