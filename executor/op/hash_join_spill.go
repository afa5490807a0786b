package op

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/metrics"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// A HashJoin whose build (right) side does not fit becomes a grace hash
// join. The stream building the table, refused memory, writes the right
// rows it holds and the rest of the right input to spillFanOut partitions
// by a hash of their keys, and frees its memory. Every probe stream then
// writes its left rows to partitions of its own by the same hash, and the
// last to finish joins partition by partition: partition p of the right
// side with partition p of every probe stream's left side, through a
// HashJoin of the same type over those files, whose output it streams. A
// partition whose build side does not fit either spills again, hashing
// with the next level's seed, up to maxSpillDepth levels.
//
// Rows with equal keys land in the same partition on both sides, so every
// join type's matches are found within partitions, and unmatched rows
// (null keys included) are unmatched in theirs. Only a mark join looks
// beyond its match: whether the whole build side is empty or has a null
// key, which the partitioning records and hands down (markFacts).
//
// A join without keys (a nested-loop join) cannot partition, and fails
// when refused.

// markFacts are the facts about the whole build side a mark join's marks
// depend on.
type markFacts struct {
	nonEmpty, nullKey bool
}

// graceJoin is the shared state of a run of a HashJoin that spilled.
type graceJoin struct {
	seeds []maphash.Seed
	right *spill.Partitions
	facts markFacts
	// left holds each probe stream's partitioned left rows, added as the
	// streams finish; probing counts down the streams still partitioning.
	left    []*spill.Partitions
	probing int
}

// spillSet is the metrics set spills of j are recorded in: the set of the
// join the user's plan has, for the joins of partitions.
func (j *HashJoin) spillSet() *metrics.Set {
	for j.parent != nil {
		j = j.parent
	}
	return j.Metrics()
}

// spillBuild turns the run into a grace hash join: it partitions pending
// (the right rows read so far, which it releases) and the rest of the
// right input to files, and frees the table's memory. It runs under
// tb.mu.
func (s *hashJoinStream) spillBuild(ctx context.Context, pending []arrow.RecordBatch, cause error) error {
	defer func() { releaseBatches(pending) }()
	j, tb := s.op, s.tb
	if j.level >= maxSpillDepth {
		return cannotFit(cause, "hash join: a build partition does not fit in memory after %d levels of partitioning", j.level)
	}
	g := &graceJoin{seeds: j.seeds, probing: tb.probing}
	if g.seeds == nil {
		g.seeds = spillSeeds()
	}
	var err error
	if g.right, err = s.t.Spill.NewPartitions(j.Right.Schema(), spillFanOut); err != nil {
		return err
	}
	tb.grace = g
	var part partitioner
	var nulls []bool
	write := func(b arrow.RecordBatch) error {
		if b.NumRows() == 0 {
			return nil
		}
		keys, err := evalAll(ctx, s.t, b, j.RightKeys)
		if err != nil {
			return err
		}
		defer releaseArrays(keys)
		g.facts.nonEmpty = true
		if nulls = s.nullRows(keys, int(b.NumRows()), nulls); nulls != nil {
			for _, n := range nulls {
				g.facts.nullKey = g.facts.nullKey || n
			}
		}
		return s.writePartitioned(ctx, g.right, b, keys, g.seeds[j.level], &part)
	}
	for i, b := range pending {
		err := write(b)
		b.Release()
		pending[i] = nil
		if err != nil {
			return err
		}
	}
	// The joins of the partitions reserve for themselves; this join
	// leaves the pool's fair sharing to them.
	tb.res.Close()
	if tb.right != nil {
		err := forEachBatch(ctx, tb.right, func(b arrow.RecordBatch) error {
			defer b.Release()
			return write(b)
		})
		if err != nil {
			return err
		}
		err = tb.right.Close()
		tb.right = nil
		if err != nil {
			return err
		}
	}
	if j.facts != nil {
		// A partition's join: the facts are the whole build side's.
		g.facts = *j.facts
	}
	tb.built = true
	return g.right.Finish()
}

// writePartitioned writes the rows of b to the partitions of dst by the
// hash of keys, evaluated on b, under seed, counting the spill.
func (s *hashJoinStream) writePartitioned(ctx context.Context, dst *spill.Partitions, b arrow.RecordBatch, keys []arrow.Array, seed maphash.Seed, p *partitioner) error {
	bytes, err := p.write(ctx, s.t.Alloc, dst, b, keys, seed)
	if err != nil {
		return err
	}
	s.op.spillSet().Spilled(b.NumRows(), bytes)
	return nil
}

// graceStep advances a probe stream of a grace hash join: it partitions
// the stream's left input, then, if it is the last to finish, joins the
// partitions, streaming their output into s.queue; the others end.
func (s *hashJoinStream) graceStep(ctx context.Context) error {
	g := s.tb.grace
	if s.graceLeft == nil && !s.probeDone {
		p, err := s.t.Spill.NewPartitions(s.op.Left.Schema(), spillFanOut)
		if err != nil {
			return err
		}
		s.graceLeft = p
		s.graceOwn = true
	}
	if !s.probeDone {
		var part partitioner
		err := forEachBatch(ctx, s.left, func(b arrow.RecordBatch) error {
			defer b.Release()
			if b.NumRows() == 0 {
				return nil
			}
			keys, err := evalAll(ctx, s.t, b, s.op.LeftKeys)
			if err != nil {
				return err
			}
			defer releaseArrays(keys)
			return s.writePartitioned(ctx, s.graceLeft, b, keys, g.seeds[s.op.level], &part)
		})
		if err != nil {
			return err
		}
		s.probeDone = true
		if err := s.graceLeft.Finish(); err != nil {
			return err
		}
		s.tb.mu.Lock()
		g.left = append(g.left, s.graceLeft)
		g.probing--
		last := g.probing == 0
		s.tb.mu.Unlock()
		// The shared state owns the files now; the last stream removes
		// them partition by partition, the table's release all that is
		// left.
		s.graceOwn = false
		if !last {
			s.done = true
			return nil
		}
	}
	for {
		if s.graceOut != nil {
			b, err := s.graceOut.Next(ctx)
			if err == nil {
				s.emit(b)
				return nil
			}
			if err != io.EOF {
				return fmt.Errorf("partition %d: %w", s.gracePart-1, err)
			}
			err = s.graceOut.Close()
			s.graceOut = nil
			if err != nil {
				return err
			}
			if err := s.removePartition(s.gracePart - 1); err != nil {
				return err
			}
		}
		if s.gracePart == spillFanOut {
			s.done = true
			return nil
		}
		out, err := s.openPartitionJoin(ctx, s.gracePart)
		if err != nil {
			return err
		}
		s.graceOut = out
		s.gracePart++
	}
}

// openPartitionJoin opens the join of partition p of both sides.
func (s *hashJoinStream) openPartitionJoin(ctx context.Context, p int) (Stream, error) {
	j, g := s.op, s.tb.grace
	facts := g.facts
	sub := &HashJoin{
		Left:      &spilledInput{schema: j.Left.Schema(), files: g.left, index: p},
		Right:     &spilledInput{schema: j.Right.Schema(), files: []*spill.Partitions{g.right}, index: p},
		LeftKeys:  j.LeftKeys,
		RightKeys: j.RightKeys,
		NullEq:    j.NullEq,
		Residual:  j.Residual,
		Type:      j.Type,
		schema:    j.schema,
		parent:    j,
		level:     j.level + 1,
		seeds:     g.seeds,
		facts:     &facts,
	}
	return sub.Open(ctx, s.t)
}

func (s *hashJoinStream) removePartition(p int) error {
	g := s.tb.grace
	err := g.right.Remove(p)
	for _, l := range g.left {
		err = errors.Join(err, l.Remove(p))
	}
	return err
}

// close removes every file of the grace join. REQUIRES: no stream uses it.
func (g *graceJoin) close() error {
	var err error
	if g.right != nil {
		err = g.right.Close()
	}
	for _, l := range g.left {
		err = errors.Join(err, l.Close())
	}
	return err
}

// spilledInput reads partition index of several partitioned spills, one
// after the other: one side of a partition of a grace hash join.
type spilledInput struct {
	schema *arrow.Schema
	files  []*spill.Partitions
	index  int
}

func (in *spilledInput) Schema() *arrow.Schema { return in.schema }
func (in *spilledInput) Children() []Operator  { return nil }
func (in *spilledInput) String() string {
	return fmt.Sprintf("SpilledPartition %d of %d files", in.index, len(in.files))
}

func (in *spilledInput) Open(_ context.Context, t *Task) (Stream, error) {
	return &spilledInputStream{in: in, alloc: t}, nil
}

type spilledInputStream struct {
	in    *spilledInput
	alloc *Task
	next  int // next file
	r     *spill.PartitionReader
}

func (s *spilledInputStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.r == nil {
			if s.next == len(s.in.files) {
				return nil, io.EOF
			}
			r, err := s.in.files[s.next].Open(s.in.index, s.alloc.Alloc)
			if err != nil {
				return nil, err
			}
			s.r = r
			s.next++
		}
		b, err := s.r.Next()
		if err == io.EOF {
			err = s.r.Close()
			s.r = nil
			if err != nil {
				return nil, err
			}
			continue
		}
		return b, err
	}
}

func (s *spilledInputStream) Close() error {
	if s.r == nil {
		return nil
	}
	err := s.r.Close()
	s.r = nil
	return err
}
