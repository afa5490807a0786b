package op

import (
	"testing"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

func TestFetch(t *testing.T) {
	for _, tc := range []struct {
		offset, count int64
		want          string
	}{
		{0, -1, `[{"v":1},{"v":2},{"v":3},{"v":null},{"v":5}]`},
		{1, 2, `[{"v":2},{"v":3}]`},
		{3, 10, `[{"v":null},{"v":5}]`},
		{2, 0, `[]`},
		{9, 1, `[]`},
	} {
		p := NewProject(NewFetch(testInput(), tc.offset, tc.count), []expr.Expr{col(t, testSchema, 1)}, nil)
		if got := collectJSON(t, p, testTask(t)); got != tc.want {
			t.Errorf("offset %d count %d: got %s, want %s", tc.offset, tc.count, got, tc.want)
		}
	}
}
