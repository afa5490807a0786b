package op

import (
	"testing"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

func TestSort(t *testing.T) {
	for _, tc := range []struct {
		keys []SortKey
		want string
	}{
		{[]SortKey{{Expr: col(t, testSchema, 0)}, {Expr: col(t, testSchema, 1), Descending: true}},
			`[{"k":"a","v":2},{"k":"a","v":null},{"k":"b","v":5},{"k":"b","v":1},{"k":null,"v":3}]`},
		{[]SortKey{{Expr: col(t, testSchema, 0), NullsFirst: true}, {Expr: col(t, testSchema, 1), NullsFirst: true}},
			`[{"k":null,"v":3},{"k":"a","v":null},{"k":"a","v":2},{"k":"b","v":1},{"k":"b","v":5}]`},
		{[]SortKey{{Expr: col(t, testSchema, 2), Descending: true, NullsFirst: false}},
			`[{"k":"b","v":5},{"k":"a","v":2},{"k":"b","v":1},{"k":"a","v":null},{"k":null,"v":3}]`},
	} {
		s, err := NewSort(testInput(), tc.keys)
		if err != nil {
			t.Fatal(err)
		}
		p := NewProject(s, []expr.Expr{col(t, testSchema, 0), col(t, testSchema, 1)}, nil)
		if got := collectJSON(t, p, testTask(t)); got != tc.want {
			t.Errorf("%v:\ngot  %s\nwant %s", s, got, tc.want)
		}
	}
}
