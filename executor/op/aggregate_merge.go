package op

import (
	"context"
	"encoding/binary"
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

// mergePartitioned merges tables (of grouping set si) by radix partitions,
// on up to par goroutines.
func (s *aggStream) mergePartitioned(ctx context.Context, si int, tables []*aggTable, par int) ([]*aggTable, error) {
	nparts := 1
	for nparts < 4*par && nparts < 64 {
		nparts *= 2
	}
	shift := 64 - radixBits(nparts)
	out := make([]*aggTable, nparts)
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
	}
	for range min(par, nparts) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srcs := make([][]uint32, len(tables))
			for {
				p := int(next.Add(1) - 1)
				if p >= nparts {
					return
				}
				f := s.newTable(si)
				n := 0
				for i, o := range tables {
					srcs[i] = srcs[i][:0]
					for g, h := range o.keys.hashes() {
						if int(h>>shift) == p {
							srcs[i] = append(srcs[i], uint32(g))
						}
					}
					n += len(srcs[i])
				}
				f.keys.reserve(n)
				for i, o := range tables {
					if err := ctx.Err(); err != nil {
						fail(err)
						return
					}
					if err := mergeTable(f, o, srcs[i]); err != nil {
						fail(err)
						return
					}
				}
				out[p] = f
				s.finalSize.Add(f.size())
				if err := s.reserve(); err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return out, first
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
