package op

import (
	"context"
	"errors"
	"testing"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/spill"
)

func aggs(t *testing.T, calls ...*expr.AggCall) []expr.AggFunc {
	t.Helper()
	reg := expr.NewRegistry()
	out := make([]expr.AggFunc, len(calls))
	for i, c := range calls {
		f, err := reg.Aggregate(c)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = f
	}
	return out
}

func TestHashAggregate(t *testing.T) {
	fs := aggs(t,
		&expr.AggCall{Name: "sum", Args: []expr.Expr{col(t, testSchema, 1)}},
		&expr.AggCall{Name: "count", Args: []expr.Expr{col(t, testSchema, 1)}},
		&expr.AggCall{Name: "count"},
		&expr.AggCall{Name: "avg", Args: []expr.Expr{col(t, testSchema, 2)}},
		&expr.AggCall{Name: "min", Args: []expr.Expr{col(t, testSchema, 2)}},
		&expr.AggCall{Name: "max", Args: []expr.Expr{col(t, testSchema, 0)}},
	)
	h, err := NewHashAggregate(testInput(), []expr.Expr{col(t, testSchema, 0)}, fs, []string{"k", "s", "c", "n", "a", "mn", "mx"})
	if err != nil {
		t.Fatal(err)
	}
	got := collectJSON(t, h, testTask(t))
	// Groups in first-appearance order; the null key is a group of its own.
	want := `[{"a":"5.75","c":2,"k":"b","mn":"1.5","mx":"b","n":2,"s":6},` +
		`{"a":"1.25","c":1,"k":"a","mn":"0.25","mx":"a","n":2,"s":2},` +
		`{"a":null,"c":1,"k":null,"mn":null,"mx":null,"n":1,"s":3}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestGlobalAggregateEmptyInput(t *testing.T) {
	fs := aggs(t,
		&expr.AggCall{Name: "sum", Args: []expr.Expr{col(t, testSchema, 2)}},
		&expr.AggCall{Name: "count"},
	)
	h, err := NewHashAggregate(&memSource{schema: testSchema}, nil, fs, []string{"s", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := collectJSON(t, h, testTask(t)), `[{"c":0,"s":null}]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestHashAggregateMemoryLimit(t *testing.T) {
	fs := aggs(t, &expr.AggCall{Name: "count"})
	h, _ := NewHashAggregate(testInput(), []expr.Expr{col(t, testSchema, 0)}, fs, nil)
	task := testTask(t)
	task.Pool = spill.NewPool(10)
	_, err := Collect(context.Background(), h, task)
	if !errors.Is(err, spill.ErrExhausted) || errkind.KindOf(err) != errkind.ResourceExhausted {
		t.Fatalf("got %v, want a ResourceExhausted error", err)
	}
	if task.Pool.Used() != 0 {
		t.Errorf("reservation not freed: %d bytes", task.Pool.Used())
	}
}

func TestSumOverflow(t *testing.T) {
	src := &memSource{schema: testSchema, batches: []string{`[{"v":9223372036854775807},{"v":1}]`}}
	fs := aggs(t, &expr.AggCall{Name: "sum", Args: []expr.Expr{col(t, testSchema, 1)}})
	h, _ := NewHashAggregate(src, nil, fs, nil)
	_, err := Collect(context.Background(), h, testTask(t))
	if errkind.KindOf(err) != errkind.Execution {
		t.Fatalf("got %v, want an Execution error", err)
	}
}
