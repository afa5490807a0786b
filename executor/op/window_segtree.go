package op

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

// segmentFanout is how many nodes of one level of a segment tree fold into
// one of the next. A frame decomposes into at most 2(fanout-1) nodes per
// level: 4 keeps both that and the number of levels small.
const segmentFanout = 4

// segmentChunk is how many rows' frames a query decomposes before merging,
// bounding the (destination, source) pairs it holds.
const segmentChunk = 4096

// segmentTree answers aggregates over arbitrary row ranges of a column, as
// DuckDB's WindowSegmentTree does: level 0 holds one aggregate state group
// per row, and each group of level k+1 is the merge of segmentFanout
// consecutive groups of level k. A range [lo, hi) is the merge of
// O(fanout·log n) groups, so the frames of all rows cost O(n log n) merges
// whatever their size, through expr.AggState's batched Update and Merge:
// the aggregate's own kernels, types and overflow checks, no per-row
// interface calls.
type segmentTree struct {
	agg    expr.AggFunc
	levels []expr.AggState
	sizes  []int // groups per level
}

// newSegmentTree builds the tree of agg over the n rows of args.
func newSegmentTree(agg expr.AggFunc, args []arrow.Array, n int) (*segmentTree, error) {
	t := &segmentTree{agg: agg}
	leaf := agg.NewState()
	ids := make([]uint32, n)
	for i := range ids {
		ids[i] = uint32(i)
	}
	if err := leaf.Update(ids, n, args); err != nil {
		return nil, err
	}
	t.levels, t.sizes = append(t.levels, leaf), append(t.sizes, n)
	for size := n; size > 1; {
		next := (size + segmentFanout - 1) / segmentFanout
		dst := ids[:size]
		for i := range dst {
			dst[i] = uint32(i / segmentFanout)
		}
		st := agg.NewState()
		if err := st.Merge(dst, next, t.levels[len(t.levels)-1], nil); err != nil {
			return nil, err
		}
		t.levels, t.sizes = append(t.levels, st), append(t.sizes, next)
		size = next
	}
	return t, nil
}

// size estimates the bytes the tree's states hold.
func (t *segmentTree) size() int64 {
	var n int64
	for _, l := range t.levels {
		n += l.Size()
	}
	return n
}

// query returns a state whose group r is the aggregate of rows
// [lo[r], hi[r]) (empty when lo[r] >= hi[r]).
func (t *segmentTree) query(ctx context.Context, lo, hi []int32) (expr.AggState, error) {
	n := len(lo)
	out := t.agg.NewState()
	dst := make([][]uint32, len(t.levels))
	src := make([][]uint32, len(t.levels))
	for start := 0; start < n; start += segmentChunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for l := range dst {
			dst[l], src[l] = dst[l][:0], src[l][:0]
		}
		for r := start; r < min(start+segmentChunk, n); r++ {
			a, b := uint32(lo[r]), uint32(hi[r])
			for l := 0; a < b; l++ {
				// INVARIANT: rows [lo[r], hi[r]) are the groups already
				// recorded for r plus the level-l groups [a, b).
				for a < b && a%segmentFanout != 0 {
					dst[l], src[l] = append(dst[l], uint32(r)), append(src[l], a)
					a++
				}
				for a < b && b%segmentFanout != 0 {
					b--
					dst[l], src[l] = append(dst[l], uint32(r)), append(src[l], b)
				}
				a, b = a/segmentFanout, b/segmentFanout
			}
		}
		for l, d := range dst {
			if len(d) == 0 {
				continue
			}
			if err := out.Merge(d, n, t.levels[l], src[l]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
