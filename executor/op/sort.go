package op

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/executor/metrics"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// SortKey is one ordering criterion.
type SortKey struct {
	Expr       expr.Expr
	Descending bool
	NullsFirst bool
}

func (k SortKey) String() string {
	dir, nulls := "asc", "nulls last"
	if k.Descending {
		dir = "desc"
	}
	if k.NullsFirst {
		nulls = "nulls first"
	}
	return fmt.Sprintf("%s %s %s", k.Expr, dir, nulls)
}

// Sort orders its whole input by keys, stably. It is a buffering operator:
// the first Next reads every input batch, reserving their size from the
// task's pool. When the pool refuses and the task can spill, it sorts what
// it holds, writes it to the task's spill space as a run, frees the memory
// and reads on; at the end it merges the runs, at most Task.MergeFanIn at
// a time, streaming the last merge's output (sort_merge.go).
type Sort struct {
	Input Operator
	Keys  []SortKey
	Meter
}

// NewSort returns a sort of input by keys.
func NewSort(input Operator, keys []SortKey) (*Sort, error) {
	for _, k := range keys {
		if _, err := comparator(k, nil); err != nil {
			return nil, fmt.Errorf("sort: key %s: %w", k.Expr, err)
		}
	}
	return &Sort{Input: input, Keys: keys}, nil
}

func (s *Sort) Schema() *arrow.Schema { return s.Input.Schema() }
func (s *Sort) Children() []Operator  { return []Operator{s.Input} }

func (s *Sort) String() string {
	ks := make([]string, len(s.Keys))
	for i, k := range s.Keys {
		ks[i] = k.String()
	}
	return fmt.Sprintf("Sort [%s]", strings.Join(ks, ", "))
}

func (s *Sort) Open(ctx context.Context, t *Task) (Stream, error) {
	in, err := s.Input.Open(ctx, t)
	if err != nil {
		return nil, err
	}
	return s.Wrap(&sortStream{op: s, t: t, in: in, res: newReservation(t, "sort", true), spills: s.Metrics()}), nil
}

type sortStream struct {
	op  *Sort
	t   *Task
	in  Stream
	res *spill.Reservation
	// spills counts the runs written: the Sort's metrics, or those of
	// the TopN that merges its runs through a sortStream.
	spills *metrics.Set
	out    batchCursor // the sorted input, when it fit in memory
	runs   []*spill.Run
	// merge streams the sorted output from the runs, once there are runs.
	merge *runMerge
	done  bool
}

func (s *sortStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !s.done {
		s.done = true
		if err := s.sort(ctx); err != nil {
			return nil, fmt.Errorf("sort: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.merge != nil {
		b, err := s.merge.next(ctx, s.t.batchSize())
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("sort: %w", err)
		}
		return b, err
	}
	return s.out.handOut(s.t.batchSize(), s.res)
}

func (s *sortStream) sort(ctx context.Context) error {
	var batches []arrow.RecordBatch
	defer func() { releaseBatches(batches) }()
	err := forEachBatch(ctx, s.in, func(b arrow.RecordBatch) error {
		n := BatchBytes(b)
		err := s.res.Grow(n)
		if err != nil && mustSpill(s.t, err) && len(batches) > 0 {
			err = s.spillRun(ctx, batches)
			batches = nil
			if err == nil {
				err = s.res.Grow(n)
			}
		}
		if err != nil {
			b.Release()
			if mustSpill(s.t, err) {
				return cannotFit(err, "an input batch of %d bytes does not fit in memory", n)
			}
			return err
		}
		batches = append(batches, b)
		return nil
	})
	if err != nil {
		return err
	}
	// Close the input now: operators below may hold memory (a join's
	// table) the sort and the merge need.
	err = s.in.Close()
	s.in = nil
	if err != nil {
		return err
	}
	if len(s.runs) > 0 {
		if len(batches) > 0 {
			err := s.spillRun(ctx, batches)
			batches = nil
			if err != nil {
				return err
			}
		}
		return s.mergeRuns(ctx)
	}
	if len(batches) == 0 {
		return nil
	}
	all, err := concatBatches(s.t, s.op.Schema(), batches)
	if err != nil {
		return err
	}
	defer all.Release()
	if s.out.b, err = sortBatch(ctx, s.t, all, s.op.Keys, -1); err != nil {
		return err
	}
	// The input is released when this returns; the sorted copy is what
	// the sort holds.
	return s.res.Resize(BatchBytes(s.out.b))
}

// spillRun sorts batches, writes them to the spill space as a run and
// frees their memory. It takes over the batches, releasing them even on
// error.
func (s *sortStream) spillRun(ctx context.Context, batches []arrow.RecordBatch) error {
	all, err := concatBatches(s.t, s.op.Schema(), batches)
	releaseBatches(batches)
	if err != nil {
		return err
	}
	sorted, err := sortBatch(ctx, s.t, all, s.op.Keys, -1)
	all.Release()
	if err != nil {
		return err
	}
	defer sorted.Release()
	run, err := writeRun(s.t, sorted)
	if err != nil {
		return err
	}
	s.runs = append(s.runs, run)
	s.spills.Spilled(run.Rows, run.Bytes)
	s.res.Free()
	return nil
}

// writeRun writes a sorted batch to t's spill space as a run, in chunks of
// a batch. The caller keeps sorted.
func writeRun(t *Task, sorted arrow.RecordBatch) (*spill.Run, error) {
	w, err := t.Spill.NewRun(sorted.Schema())
	if err != nil {
		return nil, err
	}
	size := int64(t.batchSize())
	for off := int64(0); off < sorted.NumRows(); off += size {
		chunk := sorted.NewSlice(off, min(off+size, sorted.NumRows()))
		err := w.Write(chunk)
		chunk.Release()
		if err != nil {
			return nil, errors.Join(err, w.Abort())
		}
	}
	run, err := w.Finish()
	if err != nil {
		return nil, errors.Join(err, w.Abort())
	}
	return run, nil
}

// sortBatch returns the rows of b ordered by keys, stably: all of them, or
// the first limit when limit >= 0.
func sortBatch(ctx context.Context, t *Task, b arrow.RecordBatch, keys []SortKey, limit int) (arrow.RecordBatch, error) {
	keyCols, err := evalAll(ctx, t, b, keyExprs(keys))
	if err != nil {
		return nil, err
	}
	defer releaseArrays(keyCols)
	cmps := make([]func(i, j int) int, len(keys))
	for k, key := range keys {
		if cmps[k], err = comparator(key, keyCols[k]); err != nil {
			return nil, err
		}
	}
	idx := make([]int32, b.NumRows())
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int {
		for _, c := range cmps {
			if r := c(int(a), int(b)); r != 0 {
				return r
			}
		}
		return 0
	})
	if limit >= 0 && limit < len(idx) {
		idx = idx[:limit]
	}
	return gatherBatchMode(ctx, t.Alloc, b.Schema(), b.Columns(), idx, gatherValid)
}

func keyExprs(keys []SortKey) []expr.Expr {
	out := make([]expr.Expr, len(keys))
	for i, k := range keys {
		out[i] = k.Expr
	}
	return out
}

// concatBatches joins batches into one.
func concatBatches(t *Task, schema *arrow.Schema, batches []arrow.RecordBatch) (arrow.RecordBatch, error) {
	if len(batches) == 1 {
		batches[0].Retain()
		return batches[0], nil
	}
	cols := make([]arrow.Array, schema.NumFields())
	defer func() { releaseArrays(cols) }()
	var rows int64
	for _, b := range batches {
		rows += b.NumRows()
	}
	parts := make([]arrow.Array, len(batches))
	for c := range cols {
		for i, b := range batches {
			parts[i] = b.Column(c)
		}
		var err error
		if cols[c], err = array.Concatenate(parts, t.Alloc); err != nil {
			return nil, errkind.Errorf(errkind.Internal, "concatenate: %w", err)
		}
	}
	return array.NewRecordBatch(schema, cols, rows), nil
}

// comparator returns a function ordering rows i and j of a by key's
// direction and null placement. With a nil array it only checks that the
// key's type is sortable.
func comparator(key SortKey, a arrow.Array) (func(i, j int) int, error) {
	var cmpValid func(i, j int) int
	switch key.Expr.DataType().ID() {
	case arrow.INT8:
		cmpValid = ordered[int8](a)
	case arrow.INT16:
		cmpValid = ordered[int16](a)
	case arrow.INT32, arrow.DATE32:
		cmpValid = ordered[int32](a)
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP:
		cmpValid = ordered[int64](a)
	case arrow.FLOAT32:
		cmpValid = ordered[float32](a)
	case arrow.FLOAT64:
		cmpValid = ordered[float64](a)
	case arrow.DECIMAL128:
		if a != nil {
			v := arrow.GetValues[decimal128.Num](a.Data(), 1)
			cmpValid = func(i, j int) int { return v[i].Cmp(v[j]) }
		}
	case arrow.STRING:
		if a != nil {
			s := a.(*array.String)
			cmpValid = func(i, j int) int { return strings.Compare(s.Value(i), s.Value(j)) }
		}
	case arrow.LARGE_STRING:
		if a != nil {
			s := a.(*array.LargeString)
			cmpValid = func(i, j int) int { return strings.Compare(s.Value(i), s.Value(j)) }
		}
	case arrow.BINARY:
		if a != nil {
			s := a.(*array.Binary)
			cmpValid = func(i, j int) int { return bytes.Compare(s.Value(i), s.Value(j)) }
		}
	case arrow.BOOL:
		if a != nil {
			b := a.(*array.Boolean)
			cmpValid = func(i, j int) int {
				x, y := b.Value(i), b.Value(j)
				switch {
				case x == y:
					return 0
				case !x:
					return -1
				}
				return 1
			}
		}
	default:
		return nil, errkind.Errorf(errkind.Unimplemented, "sorting by %s", key.Expr.DataType())
	}
	if a == nil {
		return nil, nil
	}
	dir := 1
	if key.Descending {
		dir = -1
	}
	nullDir := 1 // nulls last
	if key.NullsFirst {
		nullDir = -1
	}
	bm, off := nullBits(a)
	if bm == nil {
		return func(i, j int) int { return dir * cmpValid(i, j) }, nil
	}
	return func(i, j int) int {
		ni, nj := !bitutil.BitIsSet(bm, off+i), !bitutil.BitIsSet(bm, off+j)
		switch {
		case ni && nj:
			return 0
		case ni:
			return nullDir
		case nj:
			return -nullDir
		}
		return dir * cmpValid(i, j)
	}, nil
}

func ordered[T int8 | int16 | int32 | int64 | float32 | float64](a arrow.Array) func(i, j int) int {
	if a == nil {
		return nil
	}
	v := arrow.GetValues[T](a.Data(), 1)
	return func(i, j int) int { return cmp.Compare(v[i], v[j]) }
}

func (s *sortStream) Close() error {
	s.out.release()
	var err error
	if s.merge != nil {
		err = s.merge.close()
		s.merge = nil
	}
	for _, r := range s.runs {
		err = errors.Join(err, r.Delete())
	}
	s.runs = nil
	s.res.Close()
	if s.in != nil {
		err = errors.Join(err, s.in.Close())
		s.in = nil
	}
	return err
}
