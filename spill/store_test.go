package spill

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.PrimitiveTypes.Int64},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// testBatch has rows start, start+1, ... with k = i and s = "v<i>" (null
// for multiples of 7).
func testBatch(alloc memory.Allocator, start, n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(alloc, testSchema)
	defer b.Release()
	for i := start; i < start+n; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		if i%7 == 0 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("v%d", i))
		}
	}
	return b.NewRecordBatch()
}

// readAll drains next, checking that rows are start, start+1, ... and
// returns the count.
func readAll(t testing.TB, next func() (arrow.RecordBatch, error), start int) int {
	t.Helper()
	i := start
	for {
		b, err := next()
		if errors.Is(err, io.EOF) {
			return i - start
		}
		if err != nil {
			t.Fatal(err)
		}
		k, s := b.Column(0).(*array.Int64), b.Column(1).(*array.String)
		for r := range int(b.NumRows()) {
			if k.Value(r) != int64(i) {
				t.Fatalf("row %d: k = %d", i, k.Value(r))
			}
			if (i%7 == 0) != s.IsNull(r) || (!s.IsNull(r) && s.Value(r) != fmt.Sprintf("v%d", i)) {
				t.Fatalf("row %d: s = %q null=%v", i, s.Value(r), s.IsNull(r))
			}
			i++
		}
		b.Release()
	}
}

func openTestStore(t testing.TB) *Store {
	t.Helper()
	st, err := OpenStore(filepath.Join(t.TempDir(), "spill"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	return st
}

func checkLeftover(t *testing.T, st *Store, wantKeys, wantFiles int) {
	t.Helper()
	keys, files, err := st.Leftover()
	if err != nil {
		t.Fatal(err)
	}
	if keys != wantKeys || files != wantFiles {
		t.Fatalf("leftover: %d keys, %d files; want %d, %d", keys, files, wantKeys, wantFiles)
	}
}

func TestRunRoundTrip(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer alloc.AssertSize(t, 0)
	st := openTestStore(t)
	sp, err := st.NewSpace("task")
	if err != nil {
		t.Fatal(err)
	}
	// Two interleaved runs, the second long enough for several commits.
	w1, err := sp.NewRun(testSchema)
	if err != nil {
		t.Fatal(err)
	}
	w2, _ := sp.NewRun(testSchema)
	for i := range 300 {
		b := testBatch(alloc, i*1000, 1000)
		if err := w2.Write(b); err != nil {
			t.Fatal(err)
		}
		if i < 3 {
			b1 := testBatch(alloc, i*10, 10)
			if err := w1.Write(b1); err != nil {
				t.Fatal(err)
			}
			b1.Release()
		}
		b.Release()
	}
	r1, err := w1.Finish()
	if err != nil {
		t.Fatal(err)
	}
	r2, err := w2.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if r1.Rows != 30 || r1.Chunks != 3 || r2.Rows != 300000 || r2.Chunks != 300 {
		t.Fatalf("runs: %+v %+v", r1, r2)
	}
	if rows, bytes := sp.Spilled(); rows != 300030 || bytes != r1.Bytes+r2.Bytes {
		t.Fatalf("spilled %d rows %d bytes", rows, bytes)
	}
	for _, c := range []struct {
		r    *Run
		want int
	}{{r1, 30}, {r2, 300000}} {
		rr, err := c.r.Open(alloc)
		if err != nil {
			t.Fatal(err)
		}
		if n := readAll(t, rr.Next, 0); n != c.want {
			t.Fatalf("read %d rows, want %d", n, c.want)
		}
		rr.Close()
	}
	if err := r1.Delete(); err != nil {
		t.Fatal(err)
	}
	checkLeftover(t, st, 300, 0)
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	checkLeftover(t, st, 0, 0)
	if _, err := sp.NewRun(testSchema); err == nil {
		t.Fatal("NewRun on a closed space succeeded")
	}
}

func TestPartitionsRoundTrip(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer alloc.AssertSize(t, 0)
	st := openTestStore(t)
	sp, err := st.NewSpace("task")
	if err != nil {
		t.Fatal(err)
	}
	p, err := sp.NewPartitions(testSchema, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		b := testBatch(alloc, (i/4)*100, 100) // partition i%4 gets 0..499
		if err := p.Write(i%4, b); err != nil {
			t.Fatal(err)
		}
		b.Release()
	}
	if err := p.Finish(); err != nil {
		t.Fatal(err)
	}
	checkLeftover(t, st, 0, 4)
	for i := range 4 {
		if p.Rows(i) != 500 || p.Bytes(i) == 0 {
			t.Fatalf("partition %d: %d rows %d bytes", i, p.Rows(i), p.Bytes(i))
		}
		r, err := p.Open(i, alloc)
		if err != nil {
			t.Fatal(err)
		}
		if n := readAll(t, r.Next, 0); n != 500 {
			t.Fatalf("partition %d: %d rows", i, n)
		}
		r.Close()
	}
	if err := p.Remove(0); err != nil {
		t.Fatal(err)
	}
	checkLeftover(t, st, 0, 3)
	// Closing the space removes the rest, as when a task fails.
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	checkLeftover(t, st, 0, 0)
}

func TestOpenStoreRemovesStaleData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spill")
	st, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := st.NewSpace("killed task")
	w, _ := sp.NewRun(testSchema)
	b := testBatch(memory.DefaultAllocator, 0, 10)
	w.Write(b)
	b.Release()
	if _, err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	p, _ := sp.NewPartitions(testSchema, 1)
	b = testBatch(memory.DefaultAllocator, 0, 10)
	p.Write(0, b)
	b.Release()
	p.Finish()
	// A killed executor closes nothing: close Pebble only, as a crash would
	// leave it, and put a stray file beside.
	if err := st.db.Close(); err != nil {
		t.Fatal(err)
	}
	st.cache.Unref()
	if err := os.WriteFile(filepath.Join(dir, "files", "stray"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err = OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	checkLeftover(t, st, 0, 0)
}

func TestParseCgroupMax(t *testing.T) {
	for in, want := range map[string]int64{"max\n": 0, "67108864\n": 64 << 20, "junk": 0} {
		if got := parseCgroupMax([]byte(in)); got != want {
			t.Errorf("parseCgroupMax(%q) = %d, want %d", in, got, want)
		}
	}
	if machineMemory() < 0 {
		t.Error("negative machine memory")
	}
}

// BenchmarkPartitionedSpill writes 64 batches of 8192 rows round-robin to
// 16 partitions and reads every partition back, through Arrow IPC files
// (Partitions) and through one Pebble run per partition, to choose the
// storage of partitioned spills.
func BenchmarkPartitionedSpill(b *testing.B) {
	const parts, batches, rows = 16, 64, 8192
	alloc := memory.DefaultAllocator
	in := make([]arrow.RecordBatch, batches)
	for i := range in {
		in[i] = testBatch(alloc, i*rows, rows)
	}
	st := openTestStore(b)
	b.Run("ipc-files", func(b *testing.B) {
		for b.Loop() {
			sp, _ := st.NewSpace("bench")
			p, _ := sp.NewPartitions(testSchema, parts)
			for i, x := range in {
				if err := p.Write(i%parts, x); err != nil {
					b.Fatal(err)
				}
			}
			if err := p.Finish(); err != nil {
				b.Fatal(err)
			}
			for i := range parts {
				r, _ := p.Open(i, alloc)
				drain(b, r.Next)
				r.Close()
			}
			sp.Close()
		}
	})
	b.Run("pebble-runs", func(b *testing.B) {
		for b.Loop() {
			sp, _ := st.NewSpace("bench")
			ws := make([]*RunWriter, parts)
			for i := range ws {
				ws[i], _ = sp.NewRun(testSchema)
			}
			for i, x := range in {
				if err := ws[i%parts].Write(x); err != nil {
					b.Fatal(err)
				}
			}
			for _, w := range ws {
				r, err := w.Finish()
				if err != nil {
					b.Fatal(err)
				}
				rr, _ := r.Open(alloc)
				drain(b, rr.Next)
				rr.Close()
			}
			sp.Close()
		}
	})
}

func drain(b *testing.B, next func() (arrow.RecordBatch, error)) {
	for {
		x, err := next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				b.Fatal(err)
			}
			return
		}
		x.Release()
	}
}
