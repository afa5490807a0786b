package op

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/spill"
)

func aggs(t *testing.T, calls ...*expr.AggCall) []Measure {
	t.Helper()
	reg := expr.NewRegistry()
	out := make([]Measure, len(calls))
	for i, c := range calls {
		f, err := reg.Aggregate(c)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = Measure{Func: f}
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

func TestAggregateDistinctAndFilter(t *testing.T) {
	src := &memSource{schema: testSchema, batches: []string{
		`[{"k":"x","v":1,"d":"1.00"},{"k":"a","v":2,"d":"2.00"},{"k":"a","v":2,"d":null},{"k":"b","v":null,"d":"1.00"}]`,
		`[{"k":"x","v":9},{"k":"a","v":3,"d":"2.00"},{"k":"b","v":null,"d":"3.00"},{"k":"a","v":2,"d":"5.00"}]`,
	}}
	reg := expr.NewRegistry()
	bind := func(name string, args ...expr.Expr) expr.AggFunc {
		f, err := reg.Aggregate(&expr.AggCall{Name: name, Args: args})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	v, d := col(t, testSchema, 1), col(t, testSchema, 2)
	big, err := reg.Scalar(&expr.Call{Name: "gt", Args: []expr.Expr{v, expr.NewLiteral(scalar.NewInt64Scalar(2))}})
	if err != nil {
		t.Fatal(err)
	}
	ms := []Measure{
		{Func: bind("count", v), Distinct: true},
		{Func: bind("sum", v), Distinct: true},
		{Func: bind("count"), Filter: big}, // count(*) FILTER (WHERE v > 2): nulls drop out
		{Func: bind("sum", d), Distinct: true, Filter: big},
		{Func: bind("count", d), Distinct: true},
	}
	// The first row of each batch is sliced away.
	h, err := NewHashAggregate(slicedSource{src}, []expr.Expr{col(t, testSchema, 0)}, ms, []string{"k", "cd", "sd", "cf", "sdf", "c2"})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"c2":2,"cd":2,"cf":1,"k":"a","sd":5,"sdf":"2"},` +
		`{"c2":2,"cd":0,"cf":0,"k":"b","sd":null,"sdf":null}]`
	if got := collectJSON(t, h, testTask(t)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if s := h.String(); !strings.Contains(s, "count(DISTINCT v#1)") || !strings.Contains(s, "FILTER gt(") {
		t.Errorf("String() = %s", s)
	}
}

func TestAggregateGroupingSets(t *testing.T) {
	k, v := col(t, testSchema, 0), col(t, testSchema, 1)
	fs := aggs(t, &expr.AggCall{Name: "sum", Args: []expr.Expr{v}}, &expr.AggCall{Name: "count"})
	// GROUPING SETS ((k, v), (k), ())
	h, err := NewGroupingSetsAggregate(testInput(), []expr.Expr{k, v}, [][]int{{0, 1}, {0}, {}}, fs, []string{"k", "v", "s", "c", "g"})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"c":1,"g":0,"k":"b","s":1,"v":1},{"c":1,"g":0,"k":"a","s":2,"v":2},{"c":1,"g":0,"k":null,"s":3,"v":3},` +
		`{"c":1,"g":0,"k":"a","s":null,"v":null},{"c":1,"g":0,"k":"b","s":5,"v":5},` +
		`{"c":2,"g":1,"k":"b","s":6,"v":null},{"c":2,"g":1,"k":"a","s":2,"v":null},{"c":1,"g":1,"k":null,"s":3,"v":null},` +
		`{"c":5,"g":2,"k":null,"s":11,"v":null}]`
	if got := collectJSON(t, h, testTask(t)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	// Empty input: only the empty grouping set yields a row.
	h, _ = NewGroupingSetsAggregate(&memSource{schema: testSchema}, []expr.Expr{k}, [][]int{{0}, {}}, fs, []string{"k", "s", "c", "g"})
	if got, want := collectJSON(t, h, testTask(t)), `[{"c":0,"g":1,"k":null,"s":null}]`; got != want {
		t.Errorf("empty input: got %s, want %s", got, want)
	}
}

func TestAggregateMergePhase(t *testing.T) {
	reg := expr.NewRegistry()
	v := col(t, testSchema, 1)
	f, err := reg.AggregatePhase(&expr.AggCall{Name: "count", Args: []expr.Expr{v}}, expr.PhaseMerge)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := NewHashAggregate(testInput(), []expr.Expr{col(t, testSchema, 0)}, []Measure{{Func: f}}, []string{"k", "c"})
	if got, want := collectJSON(t, h, testTask(t)), `[{"c":6,"k":"b"},{"c":2,"k":"a"},{"c":3,"k":null}]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// Merging no partial counts is 0, not null.
	h, _ = NewHashAggregate(&memSource{schema: testSchema}, nil, []Measure{{Func: f}}, []string{"c"})
	if got, want := collectJSON(t, h, testTask(t)), `[{"c":0}]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := reg.AggregatePhase(&expr.AggCall{Name: "avg", Args: []expr.Expr{v}}, expr.PhasePartial); errkind.KindOf(err) != errkind.Unimplemented {
		t.Errorf("avg partial: got %v, want Unimplemented", err)
	}
}

func TestAggregateDistinctMemoryLimit(t *testing.T) {
	f := aggs(t, &expr.AggCall{Name: "count", Args: []expr.Expr{col(t, testSchema, 1)}})
	f[0].Distinct = true
	h, _ := NewHashAggregate(testInput(), nil, f, nil)
	task := testTask(t)
	task.Pool = spill.NewPool(40)
	_, err := Collect(context.Background(), h, task)
	if !errors.Is(err, spill.ErrExhausted) {
		t.Fatalf("got %v, want the pool exhausted", err)
	}
	if task.Pool.Used() != 0 {
		t.Errorf("reservation not freed: %d bytes", task.Pool.Used())
	}
}

// spillAggregate is sum, count, min, max and avg grouped by genSource's
// key, over src.
func spillAggregate(t *testing.T, src Operator) *HashAggregate {
	id, key, s := col(t, genSchema, 0), col(t, genSchema, 1), col(t, genSchema, 2)
	fs := aggs(t,
		&expr.AggCall{Name: "sum", Args: []expr.Expr{id}},
		&expr.AggCall{Name: "count"},
		&expr.AggCall{Name: "min", Args: []expr.Expr{s}},
		&expr.AggCall{Name: "max", Args: []expr.Expr{id}},
		&expr.AggCall{Name: "avg", Args: []expr.Expr{id}},
	)
	h, err := NewHashAggregate(src, []expr.Expr{key}, fs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHashAggregateSpills(t *testing.T) {
	for _, tc := range []struct {
		name  string
		src   Operator
		limit int64
		// deeper: some partition must not fit and split again.
		deeper bool
	}{
		{"one partition", &genSource{batches: 40, size: 256, keys: 3000}, 64 << 10, false},
		{"two partitions", &partGenSource{genSource{batches: 40, size: 256, keys: 3000}, 2}, 64 << 10, false},
		{"recursive", &genSource{batches: 40, size: 256, keys: 10000}, 24 << 10, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := collectRows(t, spillAggregate(t, tc.src), testTask(t))
			slices.Sort(want)
			h := spillAggregate(t, tc.src)
			task := spillTask(t, tc.limit)
			st, err := h.Open(context.Background(), task)
			if err != nil {
				t.Fatal(err)
			}
			var batches []arrow.RecordBatch
			err = forEachBatch(context.Background(), st, func(b arrow.RecordBatch) error {
				batches = append(batches, b)
				return nil
			})
			level := 0
			if sp := st.(*meteredStream).in.(*aggStream).spill; sp != nil {
				level = sp.maxLevel
			}
			if cerr := st.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				t.Fatal(err)
			}
			got := rowStrings(batches)
			slices.Sort(got)
			checkSameRows(t, got, want)
			if m := h.Metrics().Snapshot(); m.Spills == 0 || m.SpilledRows == 0 {
				t.Fatalf("no spill: %+v", m)
			}
			if tc.deeper != (level > 0) {
				t.Fatalf("deepest level of partitioning %d", level)
			}
		})
	}
}

func TestHashAggregateCannotFit(t *testing.T) {
	h := spillAggregate(t, &genSource{batches: 10, size: 256, keys: 2000})
	_, err := Collect(context.Background(), h, spillTask(t, 512))
	checkExhausted(t, err)
}

func TestHashAggregateSpillCancelled(t *testing.T) {
	h := spillAggregate(t, &partGenSource{genSource{batches: 40, size: 256, keys: 3000}, 2})
	ctx, cancel := context.WithCancel(context.Background())
	st, err := h.Open(ctx, spillTask(t, 32<<10))
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.Release()
	cancel()
	for err == nil {
		if b, err = st.Next(ctx); err == nil {
			b.Release()
		}
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// spillTask's cleanup checks that no spill file is left.
}

// TestDistinctSpills checks SELECT DISTINCT, which plans to a hash
// aggregate with grouping keys and no measures, spills under a small
// limit and returns the same rows.
func TestDistinctSpills(t *testing.T) {
	src := &genSource{batches: 40, size: 256, keys: 3000}
	distinct := func() *HashAggregate {
		h, err := NewHashAggregate(src, []expr.Expr{col(t, genSchema, 1), col(t, genSchema, 2)}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	want := collectRows(t, distinct(), testTask(t))
	slices.Sort(want)
	if len(want) < 2000 {
		t.Fatalf("%d distinct rows: too few to spill", len(want))
	}
	h := distinct()
	got := collectRows(t, h, spillTask(t, 32<<10))
	slices.Sort(got)
	checkSameRows(t, got, want)
	if m := h.Metrics().Snapshot(); m.Spills == 0 || m.SpilledRows == 0 {
		t.Fatalf("no spill: %+v", m)
	}
}
