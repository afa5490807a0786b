package op

import (
	"context"
	"errors"
	"hash/maphash"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/trebuchet-dev/trebuchet/spill"
)

// A HashSetOp that is refused memory writes its table out: each distinct
// row once per input it occurs in, with that input and the count, to one
// of spillFanOut partitions by the hash of the row (seed of level 0), and
// empties the table. From then on it keeps every row it reads, not only
// those the primary input has: their match may be in the part written out.
// At the end of the inputs the rest of the table goes out too, and each
// partition is counted on its own; a partition still too large is split
// again the same way with the next level's seed, up to maxSpillDepth
// levels.

// setOpSpill is the spill state of one run of a HashSetOp.
type setOpSpill struct {
	// schema is the spilled rows': the operator's columns, then the
	// input (int32) and the count (int64).
	schema *arrow.Schema
	seeds  []maphash.Seed
	part   partitioner
	// top holds the partitions written while reading the inputs; nil
	// until the operator spills.
	top   *spill.Partitions
	queue []setOpPartition
	all   []*spill.Partitions // every partition set, for close
}

type setOpPartition struct {
	files        *spill.Partitions
	index, level int
}

// newSetOpSpill returns the spill state of a run of h in t, or nil if t
// cannot spill.
func newSetOpSpill(h *HashSetOp, t *Task) *setOpSpill {
	if t.Spill == nil {
		return nil
	}
	fields := append(h.schema.Fields(),
		arrow.Field{Name: "input", Type: arrow.PrimitiveTypes.Int32},
		arrow.Field{Name: "count", Type: arrow.PrimitiveTypes.Int64})
	return &setOpSpill{schema: arrow.NewSchema(fields, nil), seeds: spillSeeds()}
}

// spilled reports whether the run has written rows out.
func (s *setOpStream) spilled() bool { return s.spill != nil && s.spill.top != nil }

// reserve grows the reservation to g's size. Refused, it writes g out to
// *dst (created if nil) by the hash of level's seed, and empties it: level
// 0 while reading the inputs, a partition's level plus one while counting
// it.
func (s *setOpStream) reserve(ctx context.Context, g *setOpTable, dst **spill.Partitions, level int) error {
	err := s.res.Resize(g.size())
	if err == nil || !mustSpill(s.t, err) {
		return err
	}
	if level >= maxSpillDepth {
		return cannotFit(err, "the distinct rows of a partition split %d times do not fit in memory", maxSpillDepth-1)
	}
	if *dst == nil {
		p, err := s.t.Spill.NewPartitions(s.spill.schema, spillFanOut)
		if err != nil {
			return err
		}
		s.spill.all = append(s.spill.all, p)
		*dst = p
	}
	if err := s.flush(ctx, g, *dst, s.spill.seeds[level]); err != nil {
		return err
	}
	s.res.Free()
	return nil
}

// flush writes the rows of g, with their counts per input, to dst by the
// hash of each row under seed, and empties g.
func (s *setOpStream) flush(ctx context.Context, g *setOpTable, dst *spill.Partitions, seed maphash.Seed) error {
	if g.nrows == 0 {
		return nil
	}
	all, err := g.columns(s.t)
	if err != nil {
		return err
	}
	defer releaseArrays(all)
	var idx []int32
	inputs := array.NewInt32Builder(s.t.Alloc)
	defer inputs.Release()
	counts := array.NewInt64Builder(s.t.Alloc)
	defer counts.Release()
	for id := range g.nrows {
		for i, c := range g.counts {
			if c[id] > 0 {
				idx = append(idx, int32(id))
				inputs.Append(int32(i))
				counts.Append(c[id])
			}
		}
	}
	cols := make([]arrow.Array, 0, len(all)+2)
	defer func() { releaseArrays(cols) }()
	for _, a := range all {
		taken, err := gatherArray(ctx, s.t.Alloc, a, idx, gatherValid)
		if err != nil {
			return err
		}
		cols = append(cols, taken)
	}
	cols = append(cols, inputs.NewArray(), counts.NewArray())
	b := array.NewRecordBatch(s.spill.schema, cols, int64(len(idx)))
	defer b.Release()
	bytes, err := s.spill.part.write(ctx, s.t.Alloc, dst, b, b.Columns()[:len(all)], seed)
	if err != nil {
		return err
	}
	s.op.Metrics().Spilled(b.NumRows(), bytes)
	g.release()
	*g = *s.newTable()
	return nil
}

// finishSpilled writes out the rest of the table and queues the
// partitions.
func (s *setOpStream) finishSpilled(ctx context.Context) error {
	top := s.spill.top
	if err := s.flush(ctx, s.g, top, s.spill.seeds[0]); err != nil {
		return err
	}
	s.res.Free()
	if err := top.Finish(); err != nil {
		return err
	}
	for q := range top.Len() {
		if top.Rows(q) > 0 {
			s.spill.queue = append(s.spill.queue, setOpPartition{files: top, index: q})
		}
	}
	return nil
}

// nextSpilled sets s.out to the output of the next partition that has
// any, counting it (and splitting it further when it does not fit), or
// returns io.EOF when none is left.
func (s *setOpStream) nextSpilled(ctx context.Context) error {
	ncols := s.op.schema.NumFields()
	for len(s.spill.queue) > 0 {
		p := s.spill.queue[0]
		s.spill.queue = s.spill.queue[1:]
		s.out.release()
		s.out = batchCursor{}
		s.res.Free()
		g := s.newTable()
		var sub *spill.Partitions // set once the partition splits
		err := func() error {
			r, err := p.files.Open(p.index, s.t.Alloc)
			if err != nil {
				return err
			}
			defer r.Close()
			for {
				if err := ctx.Err(); err != nil {
					return err
				}
				b, err := r.Next()
				if errors.Is(err, io.EOF) {
					return nil
				}
				if err != nil {
					return err
				}
				inputs := b.Column(ncols).(*array.Int32).Int32Values()
				counts := b.Column(ncols + 1).(*array.Int64).Int64Values()
				err = s.add(ctx, g, b.Columns()[:ncols], int(b.NumRows()), 0, inputs, counts)
				b.Release()
				if err == nil {
					err = s.reserve(ctx, g, &sub, p.level+1)
				}
				if err != nil {
					return err
				}
			}
		}()
		if err == nil {
			err = p.files.Remove(p.index)
		}
		if err != nil {
			g.release()
			return err
		}
		if sub != nil {
			err := s.flush(ctx, g, sub, s.spill.seeds[p.level+1])
			g.release()
			s.res.Free()
			if err == nil {
				err = sub.Finish()
			}
			if err != nil {
				return err
			}
			var subs []setOpPartition
			for q := range sub.Len() {
				if sub.Rows(q) > 0 {
					subs = append(subs, setOpPartition{files: sub, index: q, level: p.level + 1})
				}
			}
			s.spill.queue = append(subs, s.spill.queue...)
			continue
		}
		if err := s.emit(ctx, g); err != nil {
			return err
		}
		s.res.Free()
		if s.out.b == nil {
			continue
		}
		if err := s.res.Resize(BatchBytes(s.out.b)); err != nil {
			if mustSpill(s.t, err) {
				err = cannotFit(err, "the output of one partition does not fit in memory")
			}
			return err
		}
		return nil
	}
	return io.EOF
}

// close removes what the run spilled. It is safe on a nil spill state.
func (sp *setOpSpill) close() error {
	if sp == nil {
		return nil
	}
	var err error
	for _, p := range sp.all {
		err = errors.Join(err, p.Close())
	}
	sp.all, sp.queue = nil, nil
	return err
}
