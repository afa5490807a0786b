package op

import (
	"testing"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

func TestProject(t *testing.T) {
	reg := expr.NewRegistry()
	sum, err := reg.Scalar(&expr.Call{Name: "add", Args: []expr.Expr{col(t, testSchema, 2), col(t, testSchema, 2)}})
	if err != nil {
		t.Fatal(err)
	}
	p := NewProject(testInput(), []expr.Expr{col(t, testSchema, 0), sum}, []string{"", "twice"})
	if got := p.Schema().Field(1).Name; got != "twice" {
		t.Errorf("name = %q", got)
	}
	got := collectJSON(t, p, testTask(t))
	want := `[{"k":"b","twice":"3"},{"k":"a","twice":"4.5"},{"k":null,"twice":null},{"k":"a","twice":"0.5"},{"k":"b","twice":"20"}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
