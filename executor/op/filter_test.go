package op

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

func TestFilter(t *testing.T) {
	reg := expr.NewRegistry()
	in := testInput()
	// v >= 2: the null v is dropped, not kept.
	pred, err := reg.Scalar(&expr.Call{Name: "gte", Args: []expr.Expr{col(t, testSchema, 1), expr.NewLiteral(scalar.NewInt64Scalar(2))}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFilter(in, pred)
	if err != nil {
		t.Fatal(err)
	}
	got := collectJSON(t, f, testTask(t))
	want := `[{"d":"2.25","k":"a","v":2},{"d":null,"k":null,"v":3},{"d":"10","k":"b","v":5}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, err := NewFilter(in, col(t, testSchema, 1)); err == nil {
		t.Error("non-boolean filter condition accepted")
	}
}

func TestFilterCancelled(t *testing.T) {
	reg := expr.NewRegistry()
	pred, _ := reg.Scalar(&expr.Call{Name: "is_not_null", Args: []expr.Expr{col(t, testSchema, 0)}})
	f, _ := NewFilter(testInput(), pred)
	task := testTask(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Collect(ctx, f, task); err == nil {
		t.Fatal("cancelled context: no error")
	}
}
