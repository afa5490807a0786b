package op

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// mustSpill reports whether err is a refused reservation that the
// operator should answer by spilling: the pool is exhausted and the task
// has somewhere to spill to.
func mustSpill(t *Task, err error) bool {
	return t.Spill != nil && errors.Is(err, spill.ErrExhausted)
}

// newReservation returns a reservation from t's pool for owner: a
// spillable one, sharing the pool fairly with the task's other spilling
// operators, if the operator can spill (canSpill) and t has somewhere to
// spill to. Close it when done.
func newReservation(t *Task, owner string, canSpill bool) *spill.Reservation {
	if canSpill && t.Spill != nil {
		return t.Pool.NewSpillableReservation(owner)
	}
	return t.Pool.NewReservation(owner)
}

// cannotFit returns the error of an operator that has spilled all it can
// and still lacks memory: the query cannot run within the limit.
// cause is the refusal.
func cannotFit(cause error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return errkind.Errorf(errkind.ResourceExhausted, "%s, even after spilling; raise --memory-limit: %w", msg, cause)
}

// spillFanOut is how many partitions a hash aggregate or hash join splits
// its spilled rows into, at each level of partitioning.
const spillFanOut = 16

// maxSpillDepth is the most levels of partitioning a hash aggregate or
// hash join tries before giving up on a partition that still does not
// fit: spillFanOut^maxSpillDepth (65536) times less data than one level
// would hold is beyond what skew-free data needs.
const maxSpillDepth = 4

// spillSeeds returns one hash seed per level of partitioning: a partition
// split again must hash its rows differently from the split that made it.
func spillSeeds() []maphash.Seed {
	seeds := make([]maphash.Seed, maxSpillDepth)
	for i := range seeds {
		seeds[i] = maphash.MakeSeed()
	}
	return seeds
}

// partitioner assigns rows to spill partitions by a hash of their key
// columns, with nulls equal to each other (rowKeys). It is used by one
// goroutine at a time.
type partitioner struct {
	keys  rowKeys
	part  []int32
	order []int32
}

// write appends the rows of b to the partitions of dst their keys hash to
// under seed (as split), and returns how many bytes dst grew by.
func (p *partitioner) write(ctx context.Context, alloc memory.Allocator, dst *spill.Partitions, b arrow.RecordBatch, keys []arrow.Array, seed maphash.Seed) (int64, error) {
	parts, err := p.split(ctx, alloc, b, keys, seed)
	if err != nil {
		return 0, err
	}
	defer releaseBatches(parts)
	var bytes int64
	for q, pb := range parts {
		if pb == nil {
			continue
		}
		was := dst.Bytes(q)
		if err := dst.Write(q, pb); err != nil {
			return bytes, err
		}
		bytes += dst.Bytes(q) - was
	}
	return bytes, nil
}

// split returns, per partition, the rows of b whose keys (columns of b
// keyed, evaluated by the caller) hash to it under seed, as batches; nil
// for partitions without rows. The caller releases the batches.
func (p *partitioner) split(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch, keys []arrow.Array, seed maphash.Seed) ([]arrow.RecordBatch, error) {
	n := int(b.NumRows())
	p.keys.encode(keys, n)
	p.part = resizeInt32(p.part, n)
	var counts [spillFanOut + 1]int
	for i := range n {
		h := maphash.Bytes(seed, p.keys.key(i))
		p.part[i] = int32(h >> (64 - spillFanOutBits))
		counts[p.part[i]+1]++
	}
	for i := range spillFanOut {
		counts[i+1] += counts[i]
	}
	p.order = resizeInt32(p.order, n)
	next := counts
	for i, q := range p.part {
		p.order[next[q]] = int32(i)
		next[q]++
	}
	out := make([]arrow.RecordBatch, spillFanOut)
	for q := range spillFanOut {
		idx := p.order[counts[q]:counts[q+1]]
		switch {
		case len(idx) == 0:
			continue
		case len(idx) == n:
			b.Retain()
			out[q] = b
			continue
		}
		var err error
		if out[q], err = gatherBatchMode(ctx, alloc, b.Schema(), b.Columns(), idx, gatherValid); err != nil {
			releaseBatches(out)
			return nil, err
		}
	}
	return out, nil
}

// spillFanOutBits is log2(spillFanOut).
const spillFanOutBits = 4

func resizeInt32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}
