package op

import (
	"context"
	"fmt"
	"io"

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
// rows against the primary's. Rows come out in order of first appearance,
// unless the operator spilled.
//
// Refused memory, it spills (setop_spill.go): the distinct rows it holds,
// each with its count per input, go to spill partitions by the hash of the
// row, and it reads on; at the end each partition is counted on its own,
// split again when it still does not fit.
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
	s := &setOpStream{op: h, t: t, res: newReservation(t, "set operation", true), spill: newSetOpSpill(h, t)}
	s.g = s.newTable()
	return h.Wrap(s), nil
}

// setOpTable holds each distinct row once, with its count per input.
type setOpTable struct {
	rows   map[string]uint32 // row key -> row id
	nrows  int
	counts [][]int64       // counts[input][row id]
	parts  [][]arrow.Array // per column, per batch: the values of new rows
	bytes  int64           // of the keys and parts
}

func (s *setOpStream) newTable() *setOpTable {
	return &setOpTable{
		rows:   map[string]uint32{},
		counts: make([][]int64, len(s.op.Inputs)),
		parts:  make([][]arrow.Array, s.op.schema.NumFields()),
	}
}

// size is the memory the table holds.
func (g *setOpTable) size() int64 { return g.bytes + int64(len(g.counts)*g.nrows*8) }

// columns concatenates the values of the table's rows, by row id, and
// releases the parts. The caller releases the columns.
func (g *setOpTable) columns(t *Task) ([]arrow.Array, error) {
	cols := make([]arrow.Array, len(g.parts))
	for c, parts := range g.parts {
		all, err := array.Concatenate(parts, t.Alloc)
		if err != nil {
			releaseArrays(cols)
			return nil, errkind.Errorf(errkind.Internal, "concatenate rows: %w", err)
		}
		releaseArrays(parts)
		g.parts[c] = nil
		cols[c] = all
	}
	for i := range g.counts {
		g.counts[i] = growTo(g.counts[i], g.nrows)
	}
	return cols, nil
}

func (g *setOpTable) release() {
	for c := range g.parts {
		releaseArrays(g.parts[c])
		g.parts[c] = nil
	}
	g.rows, g.counts, g.nrows, g.bytes = nil, nil, 0, 0
}

type setOpStream struct {
	op  *HashSetOp
	t   *Task
	res *spill.Reservation
	g   *setOpTable
	// spill holds the spilled partitions, once the operator spilled.
	spill *setOpSpill
	keys  rowKeys
	ids   []uint32 // scratch: the row ids of a batch's counted rows
	fresh []int32  // scratch: the rows of a batch new to the table
	out   batchCursor
	done  bool
}

func (s *setOpStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !s.done {
		s.done = true
		if err := s.run(ctx); err != nil {
			return nil, fmt.Errorf("%s: %w", s.op.Kind, err)
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := s.out.next(s.t.batchSize())
		if err != io.EOF || !s.spilled() {
			return b, err
		}
		if err := s.nextSpilled(ctx); err != nil {
			if err != io.EOF {
				err = fmt.Errorf("%s: %w", s.op.Kind, err)
			}
			return nil, err
		}
	}
}

func (s *setOpStream) run(ctx context.Context) error {
	for i, in := range s.op.Inputs {
		st, err := in.Open(ctx, s.t)
		if err != nil {
			return fmt.Errorf("input %d: %w", i, err)
		}
		err = forEachBatch(ctx, st, func(b arrow.RecordBatch) error {
			defer b.Release()
			if err := s.add(ctx, s.g, b.Columns(), int(b.NumRows()), i, nil, nil); err != nil {
				return err
			}
			if s.spill == nil {
				return s.res.Resize(s.g.size())
			}
			return s.reserve(ctx, s.g, &s.spill.top, 0)
		})
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("input %d: %w", i, err)
		}
		if i == 0 && s.g.nrows == 0 && !s.spilled() && s.op.Kind != UnionDistinct {
			return nil // nothing can come out
		}
	}
	if s.spilled() {
		return s.finishSpilled(ctx)
	}
	return s.emit(ctx, s.g)
}

// add counts n rows of cols: each of input, or, with inputs set, of
// inputs[r], counted once, or, with weights set, weights[r] times.
func (s *setOpStream) add(ctx context.Context, g *setOpTable, cols []arrow.Array, n int, input int, inputs []int32, weights []int64) error {
	if n == 0 {
		return nil
	}
	s.keys.encode(cols, n)
	// Once rows may be spilled, every row is kept: a secondary row's
	// primary match may be in a part of the table already written out.
	insert := input == 0 || s.op.Kind == UnionDistinct || s.spilled() || inputs != nil
	s.fresh = s.fresh[:0]
	s.ids = s.ids[:0]
	for r := 0; r < n; r++ {
		k := s.keys.key(r)
		id, ok := g.rows[string(k)]
		if !ok {
			if !insert {
				s.ids = append(s.ids, ^uint32(0))
				continue
			}
			id = uint32(g.nrows)
			g.rows[string(k)] = id
			g.nrows++
			g.bytes += int64(len(k)) + 64
			s.fresh = append(s.fresh, int32(r))
		}
		s.ids = append(s.ids, id)
	}
	if inputs == nil {
		g.counts[input] = growTo(g.counts[input], g.nrows)
		c := g.counts[input]
		for _, id := range s.ids {
			if id != ^uint32(0) {
				c[id]++
			}
		}
	} else {
		for i := range g.counts {
			g.counts[i] = growTo(g.counts[i], g.nrows)
		}
		for r, id := range s.ids {
			g.counts[inputs[r]][id] += weights[r]
		}
	}
	if len(s.fresh) > 0 {
		for c := range g.parts {
			taken, err := gatherArray(ctx, s.t.Alloc, cols[c], s.fresh, gatherSorted)
			if err != nil {
				return err
			}
			g.bytes += arrayBytes(taken.Data())
			g.parts[c] = append(g.parts[c], taken)
		}
	}
	return nil
}

// emit builds the output from the counts of g, and releases g.
func (s *setOpStream) emit(ctx context.Context, g *setOpTable) error {
	defer g.release()
	var idx []int32
	ns := make([]int64, len(g.counts)-1)
	for i := range g.counts {
		g.counts[i] = growTo(g.counts[i], g.nrows)
	}
	for id := range g.nrows {
		for i := range ns {
			ns[i] = g.counts[i+1][id]
		}
		for range s.op.Kind.copies(g.counts[0][id], ns) {
			idx = append(idx, int32(id))
		}
	}
	if len(idx) == 0 {
		return nil
	}
	all, err := g.columns(s.t)
	if err != nil {
		return err
	}
	defer releaseArrays(all)
	cols := make([]arrow.Array, len(all))
	for c, a := range all {
		if cols[c], err = gatherArray(ctx, s.t.Alloc, a, idx, gatherValid); err != nil {
			releaseArrays(cols)
			return err
		}
	}
	s.out.b = array.NewRecordBatch(s.op.schema, cols, int64(len(idx)))
	releaseArrays(cols)
	return nil
}

func (s *setOpStream) Close() error {
	s.g.release()
	s.out.release()
	err := s.spill.close()
	s.res.Close()
	return err
}

// growTo extends s with zeros to n elements.
func growTo[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	return append(s, make([]T, n-len(s))...)
}
