package op

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// SetOpKind is a set operation other than UNION ALL (see Union), named as
// Substrait's SetRel names them. With m the number of times a row occurs in
// the primary (first) input and n1…nk in the secondary ones, a row is output
// this many times:
type SetOpKind int

const (
	// UnionDistinct: once if it occurs anywhere (UNION).
	UnionDistinct SetOpKind = iota
	// MinusPrimary: once if m > 0 and every ni = 0 (EXCEPT).
	MinusPrimary
	// MinusPrimaryAll: max(0, m - Σni) times (EXCEPT ALL).
	MinusPrimaryAll
	// MinusMultiset: m times unless every ni > 0.
	MinusMultiset
	// IntersectPrimary: once if m > 0 and some ni > 0.
	IntersectPrimary
	// IntersectMultiset: once if m > 0 and every ni > 0 (INTERSECT).
	IntersectMultiset
	// IntersectMultisetAll: min(m, n1, …, nk) times (INTERSECT ALL).
	IntersectMultisetAll
)

func (k SetOpKind) String() string {
	switch k {
	case UnionDistinct:
		return "union distinct"
	case MinusPrimary:
		return "minus primary"
	case MinusPrimaryAll:
		return "minus primary all"
	case MinusMultiset:
		return "minus multiset"
	case IntersectPrimary:
		return "intersect primary"
	case IntersectMultiset:
		return "intersect multiset"
	case IntersectMultisetAll:
		return "intersect multiset all"
	}
	return fmt.Sprintf("SetOpKind(%d)", int(k))
}

// copies is how many times a row with counts m (primary) and ns
// (secondaries) is output.
func (k SetOpKind) copies(m int64, ns []int64) int64 {
	anyN, allN, sum, least := false, true, int64(0), m
	for _, n := range ns {
		anyN = anyN || n > 0
		allN = allN && n > 0
		sum += n
		least = min(least, n)
	}
	switch k {
	case UnionDistinct:
		if m > 0 || anyN {
			return 1
		}
	case MinusPrimary:
		if m > 0 && !anyN {
			return 1
		}
	case MinusPrimaryAll:
		return max(0, m-sum)
	case MinusMultiset:
		if !allN {
			return m
		}
	case IntersectPrimary:
		if m > 0 && anyN {
			return 1
		}
	case IntersectMultiset:
		if m > 0 && allN {
			return 1
		}
	case IntersectMultisetAll:
		return least
	}
	return 0
}

// HashSetOp computes a set operation over whole rows, nulls equal to each
// other. It is a buffering operator: it holds each distinct row once with
// its count per input, reserved from the task's pool. Only UnionDistinct
// keeps rows that are not in the primary input; the others count secondary
// rows against the primary's. Rows come out in order of first appearance.
type HashSetOp struct {
	Inputs []Operator // the primary, then the secondaries
	Kind   SetOpKind
	schema *arrow.Schema
	Meter
}

// NewHashSetOp returns kind over inputs (at least two), whose columns must
// have identical types; schema names the output (nil for the primary's).
func NewHashSetOp(kind SetOpKind, inputs []Operator, schema *arrow.Schema) (*HashSetOp, error) {
	if len(inputs) < 2 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "%s: want at least 2 inputs, got %d", kind, len(inputs))
	}
	if schema == nil {
		schema = inputs[0].Schema()
	}
	if err := sameTypes(schema, inputs); err != nil {
		return nil, fmt.Errorf("%s: %w", kind, err)
	}
	for _, f := range schema.Fields() {
		if err := checkKeyType(f.Type); err != nil {
			return nil, fmt.Errorf("%s: column %s: %w", kind, f.Name, err)
		}
	}
	return &HashSetOp{Inputs: inputs, Kind: kind, schema: schema}, nil
}

func (h *HashSetOp) Schema() *arrow.Schema { return h.schema }
func (h *HashSetOp) Children() []Operator  { return h.Inputs }
func (h *HashSetOp) String() string        { return fmt.Sprintf("HashSetOp %s", h.Kind) }

func (h *HashSetOp) Open(_ context.Context, t *Task) (Stream, error) {
	s := &setOpStream{op: h, t: t, res: t.Pool.NewReservation("set operation"), rows: map[string]uint32{}}
	s.counts = make([][]int64, len(h.Inputs))
	s.parts = make([][]arrow.Array, h.schema.NumFields())
	return h.Wrap(s), nil
}

type setOpStream struct {
	op     *HashSetOp
	t      *Task
	res    *spill.Reservation
	rows   map[string]uint32 // row key -> row id
	nrows  int
	counts [][]int64       // counts[input][row id]
	parts  [][]arrow.Array // per column, per batch: the values of new rows
	bytes  int64
	keys   rowKeys
	ids    []uint32 // scratch: the row ids of a batch's counted rows
	out    batchCursor
	done   bool
}

func (s *setOpStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !s.done {
		s.done = true
		if err := s.run(ctx); err != nil {
			return nil, fmt.Errorf("%s: %w", s.op.Kind, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.out.next(s.t.batchSize())
}

func (s *setOpStream) run(ctx context.Context) error {
	for i, in := range s.op.Inputs {
		st, err := in.Open(ctx, s.t)
		if err != nil {
			return fmt.Errorf("input %d: %w", i, err)
		}
		err = forEachBatch(ctx, st, func(b arrow.RecordBatch) error {
			defer b.Release()
			return s.add(ctx, i, b)
		})
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("input %d: %w", i, err)
		}
		if i == 0 && s.nrows == 0 && s.op.Kind != UnionDistinct {
			return nil // nothing can come out
		}
	}
	return s.emit(ctx)
}

// add counts the rows of batch b of input i.
func (s *setOpStream) add(ctx context.Context, i int, b arrow.RecordBatch) error {
	n := int(b.NumRows())
	if n == 0 {
		return nil
	}
	s.keys.encode(b.Columns(), n)
	insert := i == 0 || s.op.Kind == UnionDistinct
	var fresh []int32
	s.ids = s.ids[:0]
	for r := 0; r < n; r++ {
		k := s.keys.key(r)
		id, ok := s.rows[string(k)]
		if !ok {
			if !insert {
				continue
			}
			id = uint32(s.nrows)
			s.rows[string(k)] = id
			s.nrows++
			s.bytes += int64(len(k)) + 64
			fresh = append(fresh, int32(r))
		}
		s.ids = append(s.ids, id)
	}
	s.counts[i] = growTo(s.counts[i], s.nrows)
	c := s.counts[i]
	for _, id := range s.ids {
		c[id]++
	}
	if len(fresh) > 0 {
		for c := range s.parts {
			taken, err := gatherArray(ctx, s.t.Alloc, b.Column(c), fresh, gatherSorted)
			if err != nil {
				return err
			}
			s.bytes += arrayBytes(taken.Data())
			s.parts[c] = append(s.parts[c], taken)
		}
	}
	return s.res.Resize(s.bytes + int64(len(s.counts)*s.nrows*8))
}

// emit builds the output from the counts.
func (s *setOpStream) emit(ctx context.Context) error {
	for i := range s.counts {
		s.counts[i] = growTo(s.counts[i], s.nrows)
	}
	var idx []int32
	ns := make([]int64, len(s.counts)-1)
	for id := range s.nrows {
		for i := range ns {
			ns[i] = s.counts[i+1][id]
		}
		for range s.op.Kind.copies(s.counts[0][id], ns) {
			idx = append(idx, int32(id))
		}
	}
	if len(idx) == 0 {
		return nil
	}
	cols := make([]arrow.Array, len(s.parts))
	defer func() { releaseArrays(cols) }()
	for c, parts := range s.parts {
		all, err := array.Concatenate(parts, s.t.Alloc)
		if err != nil {
			return errkind.Errorf(errkind.Internal, "concatenate rows: %w", err)
		}
		releaseArrays(parts)
		s.parts[c] = nil
		cols[c], err = gatherArray(ctx, s.t.Alloc, all, idx, gatherValid)
		all.Release()
		if err != nil {
			return err
		}
	}
	s.out.b = array.NewRecordBatch(s.op.schema, cols, int64(len(idx)))
	return nil
}

func (s *setOpStream) Close() error {
	for c := range s.parts {
		releaseArrays(s.parts[c])
		s.parts[c] = nil
	}
	s.rows, s.counts = nil, nil
	s.out.release()
	s.res.Free()
	return nil
}

// growTo extends s with zeros to n elements.
func growTo[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	return append(s, make([]T, n-len(s))...)
}
