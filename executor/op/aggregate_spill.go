package op

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// A hash aggregate spills when the pool refuses its tables more memory:
// the worker refused writes the partial states of its groups, one row per
// group (the grouping keys, then each measure's SpillableState.Partial
// arrays), to spillFanOut partitions by a hash of the keys, empties its
// tables and reads on. Once the input is done, if any worker spilled,
// every worker spills what it holds, and the output is built partition
// by partition: the rows of one partition, from every worker's files,
// merge into one table (expr.SpillableState.MergePartial), whose groups
// are output before the next partition is read. A partition whose table
// is refused memory in turn spills to spillFanOut sub-partitions, hashed
// with the next level's seed, up to maxSpillDepth levels.
//
// DISTINCT measures keep (group, argument) pairs that do not spill: an
// aggregate with one fails when refused.

// aggSpill is the spill state of one run of a HashAggregate.
type aggSpill struct {
	schemas []*arrow.Schema // per grouping set: keys, then partial arrays
	widths  []int           // per measure: how many partial arrays
	seeds   []maphash.Seed  // per level of partitioning
	// maxLevel is the deepest level of partitioning reached.
	maxLevel int
	// queue holds the partitions left to merge, next first.
	queue []aggPartition
	// files lists every partitioned spill made, to remove on Close.
	mu    sync.Mutex
	files []*spill.Partitions
}

// track records a partitioned spill for removal on close; workers call it
// concurrently.
func (sp *aggSpill) track(p *spill.Partitions) {
	sp.mu.Lock()
	sp.files = append(sp.files, p)
	sp.mu.Unlock()
}

// aggPartition is one partition of a grouping set's spilled groups, made
// of partition index of each of files, at a level of partitioning.
type aggPartition struct {
	set, level, index int
	files             []*spill.Partitions
}

// newAggSpill returns the spill state of s, or nil if s cannot spill.
func newAggSpill(s *aggStream) *aggSpill {
	if s.t.Spill == nil {
		return nil
	}
	sp := &aggSpill{seeds: spillSeeds()}
	var partial []arrow.Field
	for i, m := range s.op.Measures {
		st, ok := m.Func.NewState().(expr.SpillableState)
		if m.Distinct || !ok {
			return nil
		}
		arrs, err := st.Partial(0)
		if err != nil {
			return nil
		}
		for j, a := range arrs {
			partial = append(partial, arrow.Field{Name: fmt.Sprintf("m%d_%d", i, j), Type: a.DataType(), Nullable: true})
			a.Release()
		}
		sp.widths = append(sp.widths, len(arrs))
	}
	for _, set := range s.sets {
		fields := make([]arrow.Field, 0, len(set)+len(partial))
		for _, k := range set {
			fields = append(fields, arrow.Field{Name: fmt.Sprintf("k%d", k), Type: s.op.Keys[k].DataType(), Nullable: true})
		}
		sp.schemas = append(sp.schemas, arrow.NewSchema(append(fields, partial...), nil))
	}
	return sp
}

// spill writes the groups of w's tables to w's partitioned spills and
// empties the tables. It runs on w's goroutine.
func (w *aggWorker) spill(ctx context.Context) error {
	s := w.s
	if w.spilled == nil {
		w.spilled = make([]*spill.Partitions, len(s.sets))
	}
	for si, g := range w.tables {
		if g.ngroups() == 0 {
			continue
		}
		if w.spilled[si] == nil {
			p, err := s.t.Spill.NewPartitions(s.spill.schemas[si], spillFanOut)
			if err != nil {
				return err
			}
			s.spill.track(p)
			w.spilled[si] = p
		}
		if err := s.spillTable(ctx, si, g, w.spilled[si], s.spill.seeds[0], &w.part); err != nil {
			return err
		}
		w.tables[si] = s.newTable(si)
	}
	w.size.Store(0)
	return nil
}

// spillTable writes the groups of table g of grouping set si to the
// partitions of dst by the hash of their keys under seed.
func (s *aggStream) spillTable(ctx context.Context, si int, g *aggTable, dst *spill.Partitions, seed maphash.Seed, p *partitioner) error {
	b, err := s.partialBatch(si, g)
	if err != nil {
		return err
	}
	defer b.Release()
	parts, err := p.split(ctx, s.t.Alloc, b, b.Columns()[:len(s.sets[si])], seed)
	if err != nil {
		return err
	}
	defer releaseBatches(parts)
	before := dst.Bytes
	var bytes int64
	for q, pb := range parts {
		if pb == nil {
			continue
		}
		was := before(q)
		if err := dst.Write(q, pb); err != nil {
			return err
		}
		bytes += before(q) - was
	}
	s.op.Metrics().Spilled(b.NumRows(), bytes)
	return nil
}

// partialBatch returns the groups of g as rows of keys and partial states.
func (s *aggStream) partialBatch(si int, g *aggTable) (arrow.RecordBatch, error) {
	ng := g.ngroups()
	var cols []arrow.Array
	if g.keys != nil {
		var err error
		if cols, err = g.keys.columns(s.t.Alloc); err != nil {
			return nil, err
		}
	}
	for i, st := range g.states {
		arrs, err := st.(expr.SpillableState).Partial(ng)
		if err != nil {
			releaseArrays(cols)
			return nil, fmt.Errorf("%s: %w", s.op.Measures[i], err)
		}
		cols = append(cols, arrs...)
	}
	defer releaseArrays(cols)
	return array.NewRecordBatch(s.spill.schemas[si], cols, int64(ng)), nil
}

// finishSpilled spills what the workers still hold and queues every
// partition for merging. REQUIRES: no worker runs.
func (s *aggStream) finishSpilled(ctx context.Context) error {
	for _, w := range s.workers {
		if err := w.spill(ctx); err != nil {
			return err
		}
	}
	if err := s.reserve(); err != nil {
		return err
	}
	for si := range s.sets {
		var files []*spill.Partitions
		for _, w := range s.workers {
			if p := w.spilled[si]; p != nil {
				if err := p.Finish(); err != nil {
					return err
				}
				files = append(files, p)
			}
		}
		if len(files) == 0 {
			// A set without keys yields a row even with no input.
			s.spill.queue = append(s.spill.queue, aggPartition{set: si, index: -1})
			continue
		}
		for q := range spillFanOut {
			s.spill.queue = append(s.spill.queue, aggPartition{set: si, index: q, files: files})
		}
	}
	s.workers = nil
	return nil
}

// nextSpilled sets s.out to the groups of the next partition that has
// any, merging it (and splitting it further when it does not fit), or
// returns io.EOF when none is left.
func (s *aggStream) nextSpilled(ctx context.Context) error {
	for len(s.spill.queue) > 0 {
		p := s.spill.queue[0]
		s.spill.queue = s.spill.queue[1:]
		s.out.release()
		s.res.Free()
		g, err := s.mergePartition(ctx, p)
		if err != nil {
			return err
		}
		if g == nil || (g.ngroups() == 0 && len(s.sets[p.set]) > 0) {
			continue
		}
		b, err := s.finishSet(ctx, p.set, g)
		if err != nil {
			return err
		}
		s.out = batchCursor{b: b}
		s.res.Free()
		return s.res.Resize(BatchBytes(b))
	}
	return io.EOF
}

// mergePartition merges the groups of partition p into a table, or, when
// the table is refused memory, splits them into sub-partitions queued
// next and returns nil.
func (s *aggStream) mergePartition(ctx context.Context, p aggPartition) (*aggTable, error) {
	si := p.set
	g := s.newTable(si)
	if p.index < 0 {
		return g, nil
	}
	nk := len(s.sets[si])
	var (
		sub   *spill.Partitions // set once the partition splits
		part  partitioner
		ids   []uint32
		zeros []uint32
		rows  int64
	)
	for _, f := range p.files {
		r, err := f.Open(p.index, s.t.Alloc)
		if err != nil {
			return nil, err
		}
		err = func() error {
			defer r.Close()
			for {
				if err := ctx.Err(); err != nil {
					return err
				}
				b, err := r.Next()
				if err == io.EOF {
					return nil
				}
				if err != nil {
					return err
				}
				rows += b.NumRows()
				err = s.mergePartial(g, si, b, nk, &ids, &zeros)
				b.Release()
				if err != nil {
					return err
				}
				err = s.res.Resize(g.size())
				if err == nil || !errors.Is(err, spill.ErrExhausted) {
					continue
				}
				if p.level+1 >= maxSpillDepth || nk == 0 {
					return cannotFit(err, "aggregate: a partition of %d groups does not fit in memory after %d levels of partitioning", g.ngroups(), p.level+1)
				}
				if sub == nil {
					if sub, err = s.t.Spill.NewPartitions(s.spill.schemas[si], spillFanOut); err != nil {
						return err
					}
					s.spill.track(sub)
				}
				if err := s.spillTable(ctx, si, g, sub, s.spill.seeds[p.level+1], &part); err != nil {
					return err
				}
				g = s.newTable(si)
				s.res.Free()
			}
		}()
		if err != nil {
			return nil, err
		}
		if err := f.Remove(p.index); err != nil {
			return nil, err
		}
	}
	if sub == nil {
		if rows == 0 {
			return nil, nil // no groups; a set without keys has its one in another partition
		}
		return g, nil
	}
	if err := s.spillTable(ctx, si, g, sub, s.spill.seeds[p.level+1], &part); err != nil {
		return nil, err
	}
	s.res.Free()
	if err := sub.Finish(); err != nil {
		return nil, err
	}
	s.spill.maxLevel = max(s.spill.maxLevel, p.level+1)
	subs := make([]aggPartition, spillFanOut)
	for q := range subs {
		subs[q] = aggPartition{set: si, level: p.level + 1, index: q, files: []*spill.Partitions{sub}}
	}
	s.spill.queue = append(subs, s.spill.queue...)
	return nil, nil
}

// mergePartial folds a batch of spilled groups (keys, then partial states)
// into g.
func (s *aggStream) mergePartial(g *aggTable, si int, b arrow.RecordBatch, nk int, ids, zeros *[]uint32) error {
	n := int(b.NumRows())
	var dst []uint32
	if g.keys == nil {
		*zeros = resizeKeyScratch(*zeros, n)
		clear(*zeros)
		dst = *zeros
	} else {
		*ids = resizeKeyScratch(*ids, n)
		dst = *ids
		g.keys.insert(b.Columns()[:nk], n, dst)
	}
	col := nk
	for i, st := range g.states {
		w := s.spill.widths[i]
		if err := st.(expr.SpillableState).MergePartial(dst, g.ngroups(), b.Columns()[col:col+w]); err != nil {
			return fmt.Errorf("%s: %w", s.op.Measures[i], err)
		}
		col += w
	}
	return nil
}

func (sp *aggSpill) close() error {
	var err error
	for _, f := range sp.files {
		err = errors.Join(err, f.Close())
	}
	sp.files, sp.queue = nil, nil
	return err
}
