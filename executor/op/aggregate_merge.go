package op

import (
	"context"
	"encoding/binary"
	"slices"
	"sync"
	"sync/atomic"
)

// mergeParallelMin is the fewest groups, over all workers' tables of a
// grouping set, that merge in parallel; fewer merge into one table.
const mergeParallelMin = 1 << 13

// merge combines the workers' tables of each grouping set into s.final.
// With one worker its tables are final. Otherwise, with few groups, the
// workers' tables merge into the largest one; with many, the groups are
// split into radix partitions by the top bits of their key hash and each
// partition, taken from every worker's table, is merged into a new table by
// one goroutine, as DuckDB does. The partitions' tables together hold each
// group once.
// REQUIRES: no worker runs.
func (s *aggStream) merge(ctx context.Context) error {
	s.final = make([][]*aggTable, len(s.sets))
	if len(s.workers) == 1 {
		for si, g := range s.workers[0].tables {
			s.final[si] = []*aggTable{g}
		}
		return nil
	}
	for si := range s.sets {
		tables := make([]*aggTable, len(s.workers))
		total, base := 0, 0
		for i, w := range s.workers {
			tables[i] = w.tables[si]
			total += tables[i].ngroups()
			if tables[i].ngroups() > tables[base].ngroups() {
				base = i
			}
		}
		unifyKeys(tables)
		par := s.t.parallelism()
		if tables[base].keys == nil || total < mergeParallelMin || par == 1 {
			for i, o := range tables {
				if i == base {
					continue
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := mergeTable(tables[base], o, nil); err != nil {
					return err
				}
			}
			s.final[si] = []*aggTable{tables[base]}
			s.finalSize.Add(tables[base].size())
		} else {
			parts, err := s.mergePartitioned(ctx, si, tables, par)
			if err != nil {
				return err
			}
			s.final[si] = parts
		}
		for _, w := range s.workers {
			w.tables[si] = nil
		}
	}
	for _, w := range s.workers {
		w.size.Store(0)
	}
	return s.reserve()
}

// mergePartitionsPerThread is how many radix partitions a parallel merge
// makes per goroutine: enough to balance them. More, smaller partitions
// would keep each partition's table in cache, but read the workers' tables
// more sparsely, which costs more.
const mergePartitionsPerThread = 4

// mergePartitioned merges tables (of grouping set si) by radix partitions,
// on up to par goroutines: first each table's groups are split by
// partition (a counting sort on the top bits of their hashes), then each
// partition is merged into a new table.
func (s *aggStream) mergePartitioned(ctx context.Context, si int, tables []*aggTable, par int) ([]*aggTable, error) {
	nparts := 1
	for nparts < mergePartitionsPerThread*par {
		nparts *= 2
	}
	shift := 64 - radixBits(nparts)
	// srcs[t][p] lists the groups of tables[t] in partition p.
	srcs := make([][][]uint32, len(tables))
	err := runTasks(ctx, len(tables), par, func(t int) error {
		hs := tables[t].keys.hashes()
		counts := make([]int, nparts+1)
		for _, h := range hs {
			counts[h>>shift+1]++
		}
		for p := range nparts {
			counts[p+1] += counts[p]
		}
		all := make([]uint32, len(hs))
		next := slices.Clone(counts[:nparts])
		for g, h := range hs {
			p := h >> shift
			all[next[p]] = uint32(g)
			next[p]++
		}
		srcs[t] = make([][]uint32, nparts)
		for p := range nparts {
			srcs[t][p] = all[counts[p]:counts[p+1]]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*aggTable, nparts)
	err = runTasks(ctx, nparts, par, func(p int) error {
		f := s.newTable(si)
		f.keys = tables[0].keys.empty()
		n := 0
		for t := range tables {
			n += len(srcs[t][p])
		}
		f.keys.reserve(n)
		for t, o := range tables {
			if err := mergeTable(f, o, srcs[t][p]); err != nil {
				return err
			}
		}
		out[p] = f
		s.finalSize.Add(f.size())
		return s.reserve()
	})
	return out, err
}

// runTasks runs f(0), …, f(n-1) on up to par goroutines and returns the
// first error; after one, or when ctx is done, tasks not yet started are
// skipped.
func runTasks(ctx context.Context, n, par int, f func(i int) error) error {
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	failed := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return first != nil
	}
	for range min(par, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || failed() {
					return
				}
				err := ctx.Err()
				if err == nil {
					err = f(i)
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// mergeTable folds groups src of o (all of them when src is nil) into dst,
// a table of the same grouping set. It only reads o.
func mergeTable(dst, o *aggTable, src []uint32) error {
	if src == nil {
		src = make([]uint32, o.ngroups())
		for i := range src {
			src[i] = uint32(i)
		}
	}
	ids := make([]uint32, len(src))
	if dst.keys != nil {
		dst.keys.mergeFrom(o.keys, src, ids)
	}
	ng := dst.ngroups()
	for i, st := range dst.states {
		if err := st.Merge(ids, ng, o.states[i], src); err != nil {
			return err
		}
	}
	var remap []uint32 // o's group -> dst's group, or ^0 if not merged
	var key []byte
	for i, d := range dst.distinct {
		od := o.distinct[i]
		if d == nil || od == nil {
			continue
		}
		if remap == nil {
			remap = make([]uint32, o.ngroups())
			for g := range remap {
				remap[g] = ^uint32(0)
			}
			for j, g := range src {
				remap[g] = ids[j]
			}
		}
		for e := range od.len() {
			k := od.key(e)
			g := remap[binary.LittleEndian.Uint32(k)]
			if g == ^uint32(0) {
				continue
			}
			key = binary.LittleEndian.AppendUint32(key[:0], g)
			key = append(key, k[4:]...)
			d.find(key, d.hashKey(key))
		}
	}
	return nil
}

// unifyKeys makes the key tables of tables all encoded if any is: the
// kinds of a flexKeys hash keys differently.
func unifyKeys(tables []*aggTable) {
	anyEncoded := false
	for _, g := range tables {
		if f, ok := g.keys.(*flexKeys); ok && f.encoded() {
			anyEncoded = true
		}
	}
	if !anyEncoded {
		return
	}
	for _, g := range tables {
		g.keys.(*flexKeys).toEncoded()
	}
}
