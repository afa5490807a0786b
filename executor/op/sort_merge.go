package op

import (
	"bytes"
	"cmp"
	"container/heap"
	"context"
	"errors"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// DefaultMergeFanIn is the most sorted runs an external sort merges at
// once. Each run being merged holds one batch in memory, so the fan-in
// bounds the merge's memory; more runs merge in several passes.
const DefaultMergeFanIn = 16

// mergeRuns merges the spilled runs, as many at a time as the fan-in and
// the memory allow, until the rest can merge at once, and starts the
// streaming merge of those.
// INVARIANT: s.runs stays in input order (run i holds rows read before
// run i+1's), so breaking ties by run keeps the sort stable.
func (s *sortStream) mergeRuns(ctx context.Context) error {
	fanIn := s.t.mergeFanIn()
	for {
		m, err := s.openMerge(ctx, s.runs[:min(len(s.runs), fanIn)])
		if err != nil {
			return err
		}
		n := len(m.cursors)
		if n == len(s.runs) {
			s.merge = m
			return nil
		}
		run, err := s.writeMerged(ctx, m)
		if cerr := m.close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		for _, r := range s.runs[:n] {
			if err := r.Delete(); err != nil {
				return err
			}
		}
		s.runs = append([]*spill.Run{run}, s.runs[n:]...)
	}
}

// writeMerged writes the output of m to a new run: one pass of a
// multi-pass merge.
func (s *sortStream) writeMerged(ctx context.Context, m *runMerge) (*spill.Run, error) {
	w, err := s.t.Spill.NewRun(s.op.Schema())
	if err != nil {
		return nil, err
	}
	for {
		b, err := m.next(ctx, s.t.batchSize())
		if err == io.EOF {
			break
		}
		if err == nil {
			err = w.Write(b)
			b.Release()
		}
		if err != nil {
			return nil, errors.Join(err, w.Abort())
		}
	}
	run, err := w.Finish()
	if err != nil {
		return nil, errors.Join(err, w.Abort())
	}
	s.spills.Spilled(run.Rows, run.Bytes)
	return run, nil
}

// openMerge starts a merge of runs, loading the first batch of each, or of
// as many as the pool has memory for, at least two; the merge covers the
// first len(m.cursors) runs.
func (s *sortStream) openMerge(ctx context.Context, runs []*spill.Run) (*runMerge, error) {
	m := &runMerge{s: s}
	for _, r := range runs {
		rr, err := r.Open(s.t.Alloc)
		if err != nil {
			return nil, errors.Join(err, m.close())
		}
		c := &runCursor{r: rr}
		if err := m.advance(ctx, c); err != nil {
			err = errors.Join(err, rr.Close())
			if errors.Is(err, spill.ErrExhausted) && len(m.cursors) >= 2 {
				break
			}
			if errors.Is(err, spill.ErrExhausted) {
				err = cannotFit(err, "merging sorted runs needs a batch of two runs in memory")
			}
			return nil, errors.Join(err, m.close())
		}
		m.cursors = append(m.cursors, c)
	}
	return m, nil
}

// runMerge merges sorted runs into one sorted stream: a k-way merge over a
// heap of cursors, one per run, each holding one batch of its run at a
// time, reserved from the sort's pool.
type runMerge struct {
	s       *sortStream
	cursors []*runCursor
	heap    cursorHeap
	started bool
}

// runCursor is a run being merged and its current batch.
type runCursor struct {
	r     *spill.RunReader
	b     arrow.RecordBatch // nil when the run is exhausted
	keys  []arrow.Array     // the sort keys evaluated on b
	row   int
	bytes int64 // reserved for b
}

// advance loads the cursor's next batch, releasing the current one; at the
// run's end it leaves b nil. A refused reservation is returned as is.
func (m *runMerge) advance(ctx context.Context, c *runCursor) error {
	m.drop(c)
	for {
		b, err := c.r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if b.NumRows() == 0 {
			b.Release()
			continue
		}
		n := BatchBytes(b)
		if err := m.s.res.Grow(n); err != nil {
			b.Release()
			return err
		}
		keys, err := evalAll(ctx, m.s.t, b, keyExprs(m.s.op.Keys))
		if err != nil {
			m.s.res.Shrink(n)
			b.Release()
			return err
		}
		c.b, c.keys, c.row, c.bytes = b, keys, 0, n
		return nil
	}
}

func (m *runMerge) drop(c *runCursor) {
	if c.b == nil {
		return
	}
	releaseArrays(c.keys)
	c.b.Release()
	m.s.res.Shrink(c.bytes)
	c.b, c.keys, c.bytes = nil, nil, 0
}

// next returns the next at most size merged rows, or io.EOF.
func (m *runMerge) next(ctx context.Context, size int) (arrow.RecordBatch, error) {
	if !m.started {
		m.started = true
		m.heap = cursorHeap{m: m}
		for i, c := range m.cursors {
			if c.b != nil {
				m.heap.idx = append(m.heap.idx, i)
			}
		}
		heap.Init(&m.heap)
	}
	// The output is slices of the cursors' batches, in merged order,
	// concatenated: each slice is consecutive rows of one cursor.
	var parts []arrow.RecordBatch
	defer func() { releaseBatches(parts) }()
	rows := 0
	for rows < size && len(m.heap.idx) > 0 {
		ci := m.heap.idx[0]
		c := m.cursors[ci]
		start := c.row
		// Take rows from c while it stays the least.
		for rows < size && c.row < int(c.b.NumRows()) {
			c.row++
			rows++
			if c.row < int(c.b.NumRows()) && len(m.heap.idx) > 1 && !m.heap.lessThanChildren(ci) {
				break
			}
		}
		parts = append(parts, c.b.NewSlice(int64(start), int64(c.row)))
		if c.row == int(c.b.NumRows()) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err := m.advance(ctx, c); err != nil {
				if errors.Is(err, spill.ErrExhausted) {
					err = cannotFit(err, "merging %d sorted runs needs a batch of each in memory", len(m.cursors))
				}
				return nil, err
			}
			if c.b == nil {
				heap.Pop(&m.heap)
				continue
			}
		}
		heap.Fix(&m.heap, 0)
	}
	if rows == 0 {
		return nil, io.EOF
	}
	return concatBatches(m.s.t, m.s.op.Schema(), parts)
}

func (m *runMerge) close() error {
	var err error
	for _, c := range m.cursors {
		m.drop(c)
		err = errors.Join(err, c.r.Close())
	}
	m.cursors = nil
	return err
}

// cursorHeap orders the cursors with rows left by their current row, ties
// by run order.
type cursorHeap struct {
	m   *runMerge
	idx []int // cursor indexes
}

func (h *cursorHeap) Len() int      { return len(h.idx) }
func (h *cursorHeap) Swap(i, j int) { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *cursorHeap) Push(x any)    { h.idx = append(h.idx, x.(int)) }
func (h *cursorHeap) Pop() any {
	x := h.idx[len(h.idx)-1]
	h.idx = h.idx[:len(h.idx)-1]
	return x
}

func (h *cursorHeap) Less(i, j int) bool { return h.less(h.idx[i], h.idx[j]) }

// less orders cursor a's current row before cursor b's.
func (h *cursorHeap) less(a, b int) bool {
	ca, cb := h.m.cursors[a], h.m.cursors[b]
	for k, key := range h.m.s.op.Keys {
		if r := compareRows(key, ca.keys[k], ca.row, cb.keys[k], cb.row); r != 0 {
			return r < 0
		}
	}
	return a < b
}

// lessThanChildren reports whether cursor ci, at the heap's root, still
// comes before both of the root's children, so it stays the least.
func (h *cursorHeap) lessThanChildren(ci int) bool {
	for _, j := range []int{1, 2} {
		if j < len(h.idx) && !h.less(ci, h.idx[j]) {
			return false
		}
	}
	return true
}

// compareRows orders row i of a and row j of b, arrays of key's type, by
// key's direction and null placement, as comparator does within one array.
func compareRows(key SortKey, a arrow.Array, i int, b arrow.Array, j int) int {
	ni, nj := a.IsNull(i), b.IsNull(j)
	switch {
	case ni && nj:
		return 0
	case ni || nj:
		r := 1 // nulls last
		if key.NullsFirst {
			r = -1
		}
		if nj {
			r = -r
		}
		return r
	}
	r := compareValues(a, i, b, j)
	if key.Descending {
		r = -r
	}
	return r
}

func compareValues(a arrow.Array, i int, b arrow.Array, j int) int {
	switch x := a.(type) {
	case *array.Int8:
		return cmp.Compare(x.Value(i), b.(*array.Int8).Value(j))
	case *array.Int16:
		return cmp.Compare(x.Value(i), b.(*array.Int16).Value(j))
	case *array.Int32:
		return cmp.Compare(x.Value(i), b.(*array.Int32).Value(j))
	case *array.Int64:
		return cmp.Compare(x.Value(i), b.(*array.Int64).Value(j))
	case *array.Date32:
		return cmp.Compare(x.Value(i), b.(*array.Date32).Value(j))
	case *array.Date64:
		return cmp.Compare(x.Value(i), b.(*array.Date64).Value(j))
	case *array.Timestamp:
		return cmp.Compare(x.Value(i), b.(*array.Timestamp).Value(j))
	case *array.Float32:
		return cmp.Compare(x.Value(i), b.(*array.Float32).Value(j))
	case *array.Float64:
		return cmp.Compare(x.Value(i), b.(*array.Float64).Value(j))
	case *array.Decimal128:
		return x.Value(i).Cmp(b.(*array.Decimal128).Value(j))
	case *array.String:
		return strings.Compare(x.Value(i), b.(*array.String).Value(j))
	case *array.LargeString:
		return strings.Compare(x.Value(i), b.(*array.LargeString).Value(j))
	case *array.Binary:
		return bytes.Compare(x.Value(i), b.(*array.Binary).Value(j))
	case *array.Boolean:
		p, q := x.Value(i), b.(*array.Boolean).Value(j)
		switch {
		case p == q:
			return 0
		case !p:
			return -1
		}
		return 1
	}
	// NewSort accepts only the types above.
	panic(errkind.Errorf(errkind.Internal, "merging sorted runs: unexpected key type %s", a.DataType()))
}
