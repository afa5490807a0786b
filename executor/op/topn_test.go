package op

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/trebuchet-dev/trebuchet/spill"
)

// randomInput returns batches of random rows with many ties and nulls.
func randomInput(r *rand.Rand, batches, rows int) *memSource {
	src := &memSource{schema: testSchema}
	for range batches {
		var rs []string
		for range r.IntN(rows + 1) {
			k, v, d := "null", "null", "null"
			if r.IntN(5) > 0 {
				k = fmt.Sprintf("%q", string(rune('a'+r.IntN(4))))
			}
			if r.IntN(5) > 0 {
				v = fmt.Sprint(r.IntN(7) - 3)
			}
			if r.IntN(5) > 0 {
				d = fmt.Sprintf(`"%d.%02d"`, r.IntN(5), r.IntN(100))
			}
			rs = append(rs, fmt.Sprintf(`{"k":%s,"v":%s,"d":%s}`, k, v, d))
		}
		src.batches = append(src.batches, "["+strings.Join(rs, ",")+"]")
	}
	return src
}

func TestTopNMatchesSortFetch(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		src := randomInput(r, 1+r.IntN(5), 8)
		var keys []SortKey
		for _, c := range r.Perm(3)[:1+r.IntN(3)] {
			keys = append(keys, SortKey{Expr: col(t, testSchema, c), Descending: r.IntN(2) == 0, NullsFirst: r.IntN(2) == 0})
		}
		offset, count := int64(r.IntN(4)), int64(r.IntN(6))
		sort, err := NewSort(src, keys)
		if err != nil {
			t.Fatal(err)
		}
		top, err := NewTopN(src, keys, offset, count)
		if err != nil {
			t.Fatal(err)
		}
		task := testTask(t)
		task.BatchSize = 1 + r.IntN(4)
		want := collectJSON(t, NewFetch(sort, offset, count), task)
		if got := collectJSON(t, top, task); got != want {
			t.Fatalf("case %d: %s\ngot  %s\nwant %s", i, top, got, want)
		}
	}
}

func TestTopNBoundedMemory(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	src := randomInput(r, 200, 50) // ~5000 rows
	keys := []SortKey{{Expr: col(t, testSchema, 1), Descending: true}}
	task := testTask(t)
	task.BatchSize = 16
	task.Pool = spill.NewPool(8 << 10)
	top, _ := NewTopN(src, keys, 1, 3)
	out, err := Collect(context.Background(), top, task)
	if err != nil {
		t.Fatalf("top-n within a small pool: %v", err)
	}
	for _, b := range out {
		b.Release()
	}
	sort, _ := NewSort(src, keys)
	if _, err := Collect(context.Background(), NewFetch(sort, 1, 3), task); err == nil {
		t.Fatalf("the full sort fit in the pool too: the test proves nothing")
	}
	if task.Pool.Used() != 0 {
		t.Errorf("reservation not freed: %d", task.Pool.Used())
	}
}

// TestTopNSpills asks for more rows than the limit holds: the top-n writes
// its best rows out as sorted runs and merges them, returning the rows of
// a stable sort and fetch, ties in input order.
func TestTopNSpills(t *testing.T) {
	src := &genSource{batches: 40, size: 256, keys: 500}
	keys := []SortKey{{Expr: col(t, genSchema, 1), Descending: true, NullsFirst: true}}
	sort, err := NewSort(src, keys)
	if err != nil {
		t.Fatal(err)
	}
	want := collectRows(t, NewFetch(sort, 100, 4000), testTask(t))
	for _, fanIn := range []int{0, 2} { // 2: a multi-pass merge
		top, err := NewTopN(src, keys, 100, 4000)
		if err != nil {
			t.Fatal(err)
		}
		task := spillTask(t, 48<<10)
		task.MergeFanIn = fanIn
		got := collectRows(t, top, task)
		checkSameRows(t, got, want)
		if m := top.Metrics().Snapshot(); m.Spills == 0 || m.SpilledRows == 0 || m.SpilledBytes == 0 {
			t.Fatalf("fan-in %d: no spill: %+v", fanIn, m)
		}
	}
}
