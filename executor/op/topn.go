package op

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/spill"
)

// TopN returns rows Offset to Offset+Count of its input ordered by Keys,
// the result of a Fetch over a Sort, without sorting the whole input. It is
// a buffering operator whose memory is bounded by N = Offset+Count: it keeps
// the best N rows seen so far plus the batches since the last compaction,
// compacting (sorting and keeping the first N) once the pending rows reach
// max(N, one batch), so it holds about 2N rows plus a batch, reserved from
// the task's pool. Ties keep input order, as the stable Sort does.
//
// Refused memory, it compacts early; when even the best N rows do not fit,
// it writes them to the task's spill space as a sorted run and starts over,
// and at the end merges the runs as an external Sort does (sort_merge.go),
// taking rows Offset to Offset+Count of the merge.
type TopN struct {
	Input  Operator
	Keys   []SortKey
	Offset int64
	Count  int64 // >= 0
	Meter
}

// NewTopN returns the top offset+count rows of input by keys, less the
// first offset.
func NewTopN(input Operator, keys []SortKey, offset, count int64) (*TopN, error) {
	if _, err := NewSort(input, keys); err != nil {
		return nil, fmt.Errorf("top-n: %w", err)
	}
	if offset < 0 || count < 0 {
		return nil, fmt.Errorf("top-n: negative offset %d or count %d", offset, count)
	}
	return &TopN{Input: input, Keys: keys, Offset: offset, Count: count}, nil
}

func (s *TopN) Schema() *arrow.Schema { return s.Input.Schema() }
func (s *TopN) Children() []Operator  { return []Operator{s.Input} }

func (s *TopN) String() string {
	ks := make([]string, len(s.Keys))
	for i, k := range s.Keys {
		ks[i] = k.String()
	}
	return fmt.Sprintf("TopN offset=%d count=%d [%s]", s.Offset, s.Count, strings.Join(ks, ", "))
}

func (s *TopN) Open(ctx context.Context, t *Task) (Stream, error) {
	in, err := s.Input.Open(ctx, t)
	if err != nil {
		return nil, err
	}
	return s.Wrap(&topNStream{op: s, t: t, in: in, res: newReservation(t, "top-n", true)}), nil
}

type topNStream struct {
	op  *TopN
	t   *Task
	in  Stream
	res *spill.Reservation
	// best holds the best rows so far, sorted (nil before the first
	// compaction); pending the batches read since.
	best    arrow.RecordBatch
	pending []arrow.RecordBatch
	rows    int64 // rows in pending
	out     batchCursor
	done    bool
	// runs holds the spilled runs and merges them, once the best rows did
	// not fit; skip and left are the rows of the merge still to skip
	// (Offset) and to return.
	runs       *sortStream
	skip, left int64
}

func (s *topNStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !s.done {
		s.done = true
		if err := s.run(ctx); err != nil {
			return nil, fmt.Errorf("top-n: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.runs != nil {
		b, err := s.nextMerged(ctx)
		if err != nil && err != io.EOF {
			err = fmt.Errorf("top-n: %w", err)
		}
		return b, err
	}
	return s.out.next(s.t.batchSize())
}

// nextMerged returns the next rows of the merged runs that are among
// Offset to Offset+Count.
func (s *topNStream) nextMerged(ctx context.Context) (arrow.RecordBatch, error) {
	for s.left > 0 {
		b, err := s.runs.merge.next(ctx, s.t.batchSize())
		if err != nil {
			return nil, err
		}
		n := b.NumRows()
		if s.skip >= n {
			s.skip -= n
			b.Release()
			continue
		}
		end := min(n, s.skip+s.left)
		out := b.NewSlice(s.skip, end)
		b.Release()
		s.left -= end - s.skip
		s.skip = 0
		return out, nil
	}
	return nil, io.EOF
}

func (s *topNStream) run(ctx context.Context) error {
	n := s.op.Offset + s.op.Count
	if s.op.Count == 0 {
		return nil // nothing to return; do not read the input
	}
	threshold := max(n, int64(s.t.batchSize()))
	err := forEachBatch(ctx, s.in, func(b arrow.RecordBatch) error {
		if b.NumRows() == 0 {
			b.Release()
			return nil
		}
		if err := s.grow(ctx, BatchBytes(b), n); err != nil {
			b.Release()
			return err
		}
		s.pending = append(s.pending, b)
		s.rows += b.NumRows()
		if s.rows >= threshold {
			return s.compact(ctx, n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.compact(ctx, n); err != nil {
		return err
	}
	if s.runs != nil {
		return s.mergeRuns(ctx)
	}
	if s.best != nil && s.best.NumRows() > s.op.Offset {
		s.out.b = s.best.NewSlice(s.op.Offset, s.best.NumRows())
	}
	return nil
}

// grow reserves size bytes for a batch about to be buffered. Refused, it
// compacts what it holds to the best n rows, and if that is not enough,
// writes those out as a sorted run.
func (s *topNStream) grow(ctx context.Context, size, n int64) error {
	err := s.res.Grow(size)
	if err == nil || !mustSpill(s.t, err) {
		return err
	}
	if err := s.compact(ctx, n); err != nil {
		return err
	}
	if err = s.res.Grow(size); err == nil || !mustSpill(s.t, err) {
		return err
	}
	if err := s.spillBest(); err != nil {
		return err
	}
	if err = s.res.Grow(size); err != nil && mustSpill(s.t, err) {
		return cannotFit(err, "an input batch of %d bytes does not fit in memory", size)
	}
	return err
}

// spillBest writes the best rows, compacted and sorted, out as a run and
// frees them.
func (s *topNStream) spillBest() error {
	if s.best == nil {
		return nil
	}
	if s.runs == nil {
		s.runs = &sortStream{op: &Sort{Input: s.op.Input, Keys: s.op.Keys}, t: s.t, res: s.res, spills: s.op.Metrics()}
	}
	run, err := writeRun(s.t, s.best)
	if err != nil {
		return err
	}
	s.runs.runs = append(s.runs.runs, run)
	s.op.Metrics().Spilled(run.Rows, run.Bytes)
	s.best.Release()
	s.best = nil
	s.res.Free()
	return nil
}

// mergeRuns writes out the best rows held and starts merging the runs.
// INVARIANT: runs are in input order, each sorted, so the merge's ties
// keep input order.
func (s *topNStream) mergeRuns(ctx context.Context) error {
	if err := s.spillBest(); err != nil {
		return err
	}
	// The input is done; what it holds is not needed by the merge.
	err := s.in.Close()
	s.in = nil
	if err != nil {
		return err
	}
	s.skip, s.left = s.op.Offset, s.op.Count
	return s.runs.mergeRuns(ctx)
}

// compact sorts best and pending together and keeps the first n rows in
// best.
func (s *topNStream) compact(ctx context.Context, n int64) error {
	if len(s.pending) == 0 {
		return nil
	}
	// best goes first: its rows came before pending's, which keeps ties in
	// input order.
	all := s.pending
	if s.best != nil {
		all = append([]arrow.RecordBatch{s.best}, s.pending...)
	}
	merged, err := concatBatches(s.t, s.op.Schema(), all)
	if err != nil {
		return err
	}
	defer merged.Release()
	best, err := sortBatch(ctx, s.t, merged, s.op.Keys, int(n))
	if err != nil {
		return err
	}
	s.releaseBuffered()
	s.best = best
	return s.res.Resize(BatchBytes(best))
}

func (s *topNStream) releaseBuffered() {
	for _, b := range s.pending {
		b.Release()
	}
	s.pending, s.rows = s.pending[:0], 0
	if s.best != nil {
		s.best.Release()
		s.best = nil
	}
}

func (s *topNStream) Close() error {
	s.releaseBuffered()
	s.out.release()
	var err error
	if s.runs != nil {
		err = s.runs.Close() // deletes the runs
	}
	s.res.Close()
	if s.in != nil {
		err = errors.Join(err, s.in.Close())
	}
	return err
}
