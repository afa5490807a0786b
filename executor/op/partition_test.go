package op

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

// partSource is a Partitioned in-memory source: partition i returns the
// batches parts[i]. A partition listed in fail returns that error after its
// batches; one listed in endless repeats its batches until cancelled.
type partSource struct {
	schema  *arrow.Schema
	parts   [][]string
	fail    map[int]error
	endless map[int]bool
}

func (p *partSource) Schema() *arrow.Schema { return p.schema }
func (p *partSource) Children() []Operator  { return nil }
func (p *partSource) String() string        { return "PartSource" }
func (p *partSource) Partitions(*Task) int  { return len(p.parts) }

func (p *partSource) Open(ctx context.Context, t *Task) (Stream, error) {
	return openGathered(ctx, p, t)
}

func (p *partSource) OpenPartition(_ context.Context, t *Task, i int) (Stream, error) {
	return &partStream{t: t, src: p, i: i}, nil
}

type partStream struct {
	t    *Task
	src  *partSource
	i    int
	next int
}

func (s *partStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	batches := s.src.parts[s.i]
	if s.next >= len(batches) {
		if !s.src.endless[s.i] || len(batches) == 0 {
			if err := s.src.fail[s.i]; err != nil {
				return nil, err
			}
			return nil, io.EOF
		}
		s.next = 0
	}
	b, _, err := array.RecordFromJSON(s.t.Alloc, s.src.schema, strings.NewReader(batches[s.next]))
	s.next++
	return b, err
}

func (s *partStream) Close() error { return nil }

// checkGoroutines fails t if goroutines started during the test are still
// running shortly after it.
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				t.Errorf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
				return
			}
			time.Sleep(time.Millisecond)
		}
	})
}

// numberedParts returns n partitions of batches batches of 2 rows each,
// numbering the rows from 0.
func numberedParts(n, batches int) [][]string {
	parts := make([][]string, n)
	v := 0
	for i := range parts {
		for range batches {
			parts[i] = append(parts[i], fmt.Sprintf(`[{"k":"k%d","v":%d,"d":"1.00"},{"k":"k%d","v":%d,"d":"2.00"}]`, v%3, v, (v+1)%3, v+1))
			v += 2
		}
	}
	return parts
}

func TestGatherAll(t *testing.T) {
	checkGoroutines(t)
	src := &partSource{schema: testSchema, parts: numberedParts(4, 5)}
	batches, err := Collect(context.Background(), src, testTask(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, b := range batches {
		vs := b.Column(1).(*array.Int64)
		for i := range vs.Len() {
			got = append(got, int(vs.Value(i)))
		}
		b.Release()
	}
	sort.Ints(got)
	if len(got) != 40 {
		t.Fatalf("%d rows, want 40", len(got))
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("rows %v, want 0..39 once each", got)
		}
	}
}

func TestGatherError(t *testing.T) {
	checkGoroutines(t)
	boom := errors.New("boom")
	src := &partSource{schema: testSchema, parts: numberedParts(3, 2),
		fail: map[int]error{1: boom}, endless: map[int]bool{0: true, 2: true}}
	_, err := Collect(context.Background(), src, testTask(t))
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want %v", err, boom)
	}
}

func TestGatherCancel(t *testing.T) {
	checkGoroutines(t)
	src := &partSource{schema: testSchema, parts: numberedParts(3, 2), endless: map[int]bool{0: true, 1: true, 2: true}}
	task := testTask(t)
	ctx, cancel := context.WithCancel(context.Background())
	s, err := src.Open(ctx, task)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		b, err := s.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b.Release()
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := s.Next(ctx)
		if errors.Is(err, context.Canceled) {
			break
		}
		if err != nil {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		b.Release()
		if time.Now().After(deadline) {
			t.Fatal("stream did not stop")
		}
	}
	if err := s.Close(); err != nil {
		t.Error(err)
	}
}

func TestGatherCloseEarly(t *testing.T) {
	checkGoroutines(t)
	src := &partSource{schema: testSchema, parts: numberedParts(3, 2), endless: map[int]bool{0: true, 1: true, 2: true}}
	task := testTask(t)
	ctx := context.Background()

	// Closed before the first Next: the producers never start.
	s, err := src.Open(ctx, task)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Closed with every producer blocked on a full channel.
	s, err = src.Open(ctx, task)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.Release()
	time.Sleep(10 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if _, err := s.Next(ctx); err != io.EOF {
		t.Errorf("next after close: %v, want EOF", err)
	}
}

func TestFetchOfGather(t *testing.T) {
	checkGoroutines(t)
	src := &partSource{schema: testSchema, parts: numberedParts(2, 1), endless: map[int]bool{0: true, 1: true}}
	f := NewFetch(src, 0, 5)
	got := collectJSON(t, f, testTask(t))
	if n := strings.Count(got, `"k"`); n != 5 {
		t.Errorf("%d rows, want 5: %s", n, got)
	}
}

func TestPartitionedFilterProject(t *testing.T) {
	checkGoroutines(t)
	src := &partSource{schema: testSchema, parts: numberedParts(3, 4)}
	var p Operator = src
	if n := partitions(p, testTask(t)); n != 3 {
		t.Fatalf("%d partitions, want 3", n)
	}
	pred, err := expr.NewRegistry().Scalar(&expr.Call{Name: "gte", Args: []expr.Expr{col(t, testSchema, 1), expr.NewLiteral(scalar.NewInt64Scalar(12))}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFilter(src, pred)
	if err != nil {
		t.Fatal(err)
	}
	pr := NewProject(f, []expr.Expr{col(t, testSchema, 1)}, []string{"v"})
	if n := partitions(pr, testTask(t)); n != 3 {
		t.Fatalf("project: %d partitions, want 3", n)
	}
	batches, err := Collect(context.Background(), pr, testTask(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, b := range batches {
		vs := b.Column(0).(*array.Int64)
		for i := range vs.Len() {
			got = append(got, int(vs.Value(i)))
		}
		b.Release()
	}
	sort.Ints(got)
	for i, v := range got {
		if v != 12+i {
			t.Fatalf("got %v, want 12..23", got)
		}
	}
	if len(got) != 12 {
		t.Fatalf("got %v, want 12..23", got)
	}
	if v := pr.Metrics().Snapshot(); v.Rows != 12 || v.Partitions != 3 {
		t.Errorf("project metrics %+v, want 12 rows over 3 partitions", v)
	}
}

// sortedRows renders each row of o's output as JSON and sorts them.
func sortedRows(t *testing.T, o Operator, task *Task) []string {
	t.Helper()
	js := collectJSON(t, o, task)
	js = strings.TrimSuffix(strings.TrimPrefix(js, "["), "]")
	if js == "" {
		return nil
	}
	rows := strings.Split(js, "},{")
	for i := range rows {
		rows[i] = "{" + strings.Trim(rows[i], "{}") + "}"
	}
	sort.Strings(rows)
	return rows
}

func TestPartitionedAggregate(t *testing.T) {
	checkGoroutines(t)
	reg := expr.NewRegistry()
	bind := func(c *expr.AggCall) expr.AggFunc {
		f, err := reg.Aggregate(c)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	measures := []Measure{
		{Func: bind(&expr.AggCall{Name: "sum", Args: []expr.Expr{col(t, testSchema, 1)}})},
		{Func: bind(&expr.AggCall{Name: "avg", Args: []expr.Expr{col(t, testSchema, 2)}})},
		{Func: bind(&expr.AggCall{Name: "count"})},
		{Func: bind(&expr.AggCall{Name: "count", Args: []expr.Expr{col(t, testSchema, 2)}}), Distinct: true},
		{Func: bind(&expr.AggCall{Name: "max", Args: []expr.Expr{col(t, testSchema, 1)}})},
	}
	names := []string{"k", "s", "a", "c", "cd", "mx"}
	parts := numberedParts(4, 6)
	var all []string
	for _, p := range parts {
		all = append(all, p...)
	}
	for _, keys := range [][]expr.Expr{{col(t, testSchema, 0)}, nil} {
		n := names
		if keys == nil {
			n = names[1:]
		}
		par, err := NewHashAggregate(&partSource{schema: testSchema, parts: parts}, keys, measures, n)
		if err != nil {
			t.Fatal(err)
		}
		ser, err := NewHashAggregate(&memSource{schema: testSchema, batches: all}, keys, measures, n)
		if err != nil {
			t.Fatal(err)
		}
		got, want := sortedRows(t, par, testTask(t)), sortedRows(t, ser, testTask(t))
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("keys %v: partitioned\n%s\nserial\n%s", keys, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

func TestPartitionedAggregateError(t *testing.T) {
	checkGoroutines(t)
	boom := errors.New("boom")
	fs := aggs(t, &expr.AggCall{Name: "sum", Args: []expr.Expr{col(t, testSchema, 1)}})
	src := &partSource{schema: testSchema, parts: numberedParts(3, 2), fail: map[int]error{2: boom}, endless: map[int]bool{0: true}}
	h, err := NewHashAggregate(src, []expr.Expr{col(t, testSchema, 0)}, fs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Collect(context.Background(), h, testTask(t)); !errors.Is(err, boom) {
		t.Errorf("got %v, want %v", err, boom)
	}
}

func TestPartitionedHashJoin(t *testing.T) {
	checkGoroutines(t)
	parts := numberedParts(3, 3)
	var all []string
	for _, p := range parts {
		all = append(all, p...)
	}
	build := &memSource{schema: testSchema, batches: []string{`[{"k":"k0","v":100,"d":"1.00"},{"k":"k2","v":200,"d":null},{"k":"k9","v":900,"d":null}]`}}
	for _, typ := range []JoinType{InnerJoin, LeftJoin, LeftSemiJoin, LeftAntiJoin, MarkJoin, RightJoin, FullJoin, RightSemiJoin, RightAntiJoin} {
		mk := func(left Operator) Operator {
			j, err := NewHashJoin(left, build, []expr.Expr{col(t, testSchema, 0)}, []expr.Expr{col(t, testSchema, 0)}, nil, nil, typ)
			if err != nil {
				t.Fatal(err)
			}
			return j
		}
		par := mk(&partSource{schema: testSchema, parts: parts})
		ser := mk(&memSource{schema: testSchema, batches: all})
		task := testTask(t)
		want := 3
		if n := partitions(par, task); n != want {
			t.Errorf("%s: %d partitions, want %d", typ, n, want)
		}
		got, wantRows := sortedRows(t, par, task), sortedRows(t, ser, testTask(t))
		if strings.Join(got, "\n") != strings.Join(wantRows, "\n") {
			t.Errorf("%s: partitioned\n%s\nserial\n%s", typ, strings.Join(got, "\n"), strings.Join(wantRows, "\n"))
		}
		if len(task.shared) != 0 {
			t.Errorf("%s: task still shares %d entries", typ, len(task.shared))
		}
	}

	// A join whose build side is a partitioned join: the inner join's
	// partitions share their table while the outer one's is being made.
	inner, err := NewHashJoin(&partSource{schema: testSchema, parts: parts}, build,
		[]expr.Expr{col(t, testSchema, 0)}, []expr.Expr{col(t, testSchema, 0)}, nil, nil, LeftSemiJoin)
	if err != nil {
		t.Fatal(err)
	}
	outer, err := NewHashJoin(&partSource{schema: testSchema, parts: parts}, inner,
		[]expr.Expr{col(t, testSchema, 1)}, []expr.Expr{col(t, testSchema, 1)}, nil, nil, InnerJoin)
	if err != nil {
		t.Fatal(err)
	}
	if got := sortedRows(t, outer, testTask(t)); len(got) != 12 {
		t.Errorf("nested joins: %d rows, want 12:\n%s", len(got), strings.Join(got, "\n"))
	}
}

func TestParquetScanPartitions(t *testing.T) {
	checkGoroutines(t)
	schema := arrow.NewSchema([]arrow.Field{{Name: "l_orderkey", Type: arrow.PrimitiveTypes.Int64}}, nil)
	s := NewParquetScan("lineitem", []string{lineitem}, schema)
	rgs := len(s.rowGroups())
	if rgs == 0 {
		t.Skip("no TPC-H data")
	}
	var want int64
	for _, par := range []int{1, 3, 100} {
		task := testTask(t)
		task.Parallelism = par
		if n := s.Partitions(task); n != min(par, rgs) {
			t.Errorf("parallelism %d: %d partitions, want %d", par, n, min(par, rgs))
		}
		if par > rgs {
			continue
		}
		batches, err := Collect(context.Background(), s, task)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, b := range batches {
			vs := b.Column(0).(*array.Int64)
			for i := range vs.Len() {
				sum += vs.Value(i)
			}
			b.Release()
		}
		if par == 1 {
			want = sum
		} else if sum != want {
			t.Errorf("parallelism %d: sum of keys %d, want %d", par, sum, want)
		}
	}
}
