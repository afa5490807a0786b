package op

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

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

func TestSortKeyTypes(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "dt", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "d", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int32},
	}, nil)
	// The first row of each batch is sliced away.
	src := slicedSource{&memSource{schema: schema, batches: []string{
		`[{"dt":"1999-01-01","s":"zz","d":"-9.00","i":-1},{"dt":"2020-01-02","s":"b","d":"1.50","i":0},{"dt":null,"s":"a","d":"-2.00","i":1},{"dt":"1998-12-31","s":null,"d":"1.50","i":2}]`,
		`[{"dt":"1999-01-01","s":"zz","d":"-9.00","i":-2},{"dt":"2020-01-02","s":"ab","d":null,"i":3},{"dt":"1998-12-31","s":"a","d":"10.00","i":4}]`,
	}}}
	asc, desc := SortKey{}, SortKey{Descending: true}
	nf := func(k SortKey) SortKey { k.NullsFirst = true; return k }
	with := func(k SortKey, c int) SortKey { k.Expr = col(t, schema, c); return k }
	for _, tc := range []struct {
		keys []SortKey
		want string // the i column, in output order
	}{
		{[]SortKey{with(asc, 0), with(asc, 1)}, `[4,2,3,0,1]`},
		{[]SortKey{with(nf(desc), 0), with(desc, 1)}, `[1,0,3,4,2]`},
		{[]SortKey{with(asc, 1)}, `[1,4,3,0,2]`},
		{[]SortKey{with(nf(asc), 1)}, `[2,1,4,3,0]`},
		{[]SortKey{with(desc, 2), with(desc, 3)}, `[4,2,0,1,3]`},
		{[]SortKey{with(nf(asc), 2), with(asc, 3)}, `[3,1,0,2,4]`},
	} {
		s, err := NewSort(src, tc.keys)
		if err != nil {
			t.Fatal(err)
		}
		got := collectJSON(t, NewProject(s, []expr.Expr{col(t, schema, 3)}, nil), testTask(t))
		got = strings.NewReplacer(`{"i":`, "", `}`, "").Replace(got)
		if got != tc.want {
			t.Errorf("%s: got %s, want %s", s, got, tc.want)
		}
	}
}

func TestSortSpills(t *testing.T) {
	// 40 batches of 256 rows, about 8 KiB each: with 40 KiB the sort
	// spills a run every few batches, over a dozen in all, and with a
	// fan-in of 3 merges them in several passes.
	src := &genSource{batches: 40, size: 256, keys: 500}
	keys := []SortKey{{Expr: col(t, genSchema, 1), Descending: true, NullsFirst: true}, {Expr: col(t, genSchema, 2)}}
	want := collectRows(t, mustSort(t, src, keys), testTask(t))
	for _, fanIn := range []int{3, 16} {
		t.Run(fmt.Sprint("fan-in ", fanIn), func(t *testing.T) {
			s := mustSort(t, src, keys)
			task := spillTask(t, 40<<10)
			task.MergeFanIn = fanIn
			checkSameRows(t, collectRows(t, s, task), want)
			m := s.Metrics().Snapshot()
			if m.Spills < 5 || m.SpilledRows < int64(len(want))/2 || m.SpilledBytes == 0 {
				t.Fatalf("metrics %+v: expected spills", m)
			}
			if fanIn == 3 {
				// Every pass of a multi-pass merge writes its output again.
				if m.SpilledRows <= int64(len(want)) {
					t.Fatalf("fan-in 3 did not merge in several passes: %+v", m)
				}
			}
		})
	}
}

func TestSortCannotFit(t *testing.T) {
	s := mustSort(t, &genSource{batches: 4, size: 256, keys: 10}, []SortKey{{Expr: col(t, genSchema, 1)}})
	_, err := Collect(context.Background(), s, spillTask(t, 1<<10))
	checkExhausted(t, err)
}

func TestSortSpillCancelled(t *testing.T) {
	s := mustSort(t, &genSource{batches: 40, size: 256, keys: 500}, []SortKey{{Expr: col(t, genSchema, 1)}})
	task := spillTask(t, 40<<10)
	ctx, cancel := context.WithCancel(context.Background())
	st, err := s.Open(ctx, task)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b, err := st.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.Release()
	if s.Metrics().Snapshot().Spills == 0 {
		t.Fatal("no spill before cancelling")
	}
	cancel()
	if _, err := st.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// spillTask's cleanup checks that no run is left.
}

func mustSort(t *testing.T, in Operator, keys []SortKey) *Sort {
	t.Helper()
	s, err := NewSort(in, keys)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
