package op

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// Measure is one aggregate a HashAggregate computes.
type Measure struct {
	Func expr.AggFunc
	// Distinct makes each group fold every distinct tuple of argument
	// values once (count(DISTINCT x)). Nulls are one value, which the
	// kernels then skip as usual.
	Distinct bool
	// Filter, if set, is a boolean expression on the input: only rows where
	// it is true (not false, not null) reach the aggregate (SQL FILTER).
	Filter expr.Expr
}

func (m Measure) String() string {
	s := m.Func.String()
	if m.Distinct {
		s = strings.Replace(s, "(", "(DISTINCT ", 1)
	}
	if m.Filter != nil {
		s += " FILTER " + m.Filter.String()
	}
	return s
}

// HashAggregate groups its input by key expressions and computes measures
// per group. It is a buffering operator: it reads all of its input on the
// first Next, holding one state slot per group per measure, the distinct key
// values and, for DISTINCT measures, the distinct argument tuples seen, all
// reserved from the task's pool.
//
// Sets lists grouping sets, each as indexes into Keys; nil means one set of
// all the keys. Each set is aggregated separately, its rows output with
// nulls for the keys it does not group by. A set with no keys is a global
// aggregate and yields exactly one row, even for empty input.
//
// Output columns are the keys, then the measures, then, with more than one
// grouping set, an int32 column holding the index of the set that yielded
// the row (Substrait's AggregateRel output). Rows come set by set, groups in
// order of first appearance.
type HashAggregate struct {
	Input    Operator
	Keys     []expr.Expr
	Sets     [][]int
	Measures []Measure
	schema   *arrow.Schema
	Meter
}

// NewHashAggregate returns an aggregate of input grouped by all of keys.
// names name the output columns: keys first, then measures.
func NewHashAggregate(input Operator, keys []expr.Expr, measures []Measure, names []string) (*HashAggregate, error) {
	return NewGroupingSetsAggregate(input, keys, nil, measures, names)
}

// NewGroupingSetsAggregate returns an aggregate of input by the grouping
// sets sets (indexes into keys; nil for one set of all keys). names name
// the output columns: keys, measures, then the grouping set index.
func NewGroupingSetsAggregate(input Operator, keys []expr.Expr, sets [][]int, measures []Measure, names []string) (*HashAggregate, error) {
	fields := make([]arrow.Field, 0, len(keys)+len(measures)+1)
	for _, k := range keys {
		if err := checkKeyType(k.DataType()); err != nil {
			return nil, fmt.Errorf("aggregate: key %s: %w", k, err)
		}
		fields = append(fields, arrow.Field{Type: k.DataType(), Nullable: true})
	}
	for _, set := range sets {
		for _, k := range set {
			if k < 0 || k >= len(keys) {
				return nil, errkind.Errorf(errkind.InvalidArgument, "aggregate: grouping set key %d out of range: %d keys", k, len(keys))
			}
		}
	}
	for _, m := range measures {
		if m.Filter != nil && m.Filter.DataType().ID() != arrow.BOOL {
			return nil, errkind.Errorf(errkind.InvalidArgument, "aggregate: %s: filter is %s, not boolean", m, m.Filter.DataType())
		}
		if m.Distinct {
			for _, a := range m.Func.Args() {
				if err := checkKeyType(a.DataType()); err != nil {
					return nil, fmt.Errorf("aggregate: %s: %w", m, err)
				}
			}
		}
		fields = append(fields, arrow.Field{Type: m.Func.DataType(), Nullable: true})
	}
	if len(sets) > 1 {
		fields = append(fields, arrow.Field{Name: "grouping_set", Type: arrow.PrimitiveTypes.Int32})
	}
	for i := range fields {
		if i < len(names) && names[i] != "" {
			fields[i].Name = names[i]
		} else if i < len(keys) {
			if c, ok := keys[i].(*expr.Column); ok {
				fields[i].Name = c.Name
			}
		}
		if fields[i].Name == "" {
			fields[i].Name = fmt.Sprintf("agg%d", i)
		}
	}
	return &HashAggregate{Input: input, Keys: keys, Sets: sets, Measures: measures, schema: arrow.NewSchema(fields, nil)}, nil
}

func (h *HashAggregate) Schema() *arrow.Schema { return h.schema }
func (h *HashAggregate) Children() []Operator  { return []Operator{h.Input} }

func (h *HashAggregate) String() string {
	ks := make([]string, len(h.Keys))
	for i, k := range h.Keys {
		ks[i] = k.String()
	}
	as := make([]string, len(h.Measures))
	for i, a := range h.Measures {
		as[i] = a.String()
	}
	s := fmt.Sprintf("HashAggregate keys=[%s] aggs=[%s]", strings.Join(ks, ", "), strings.Join(as, ", "))
	if h.Sets != nil {
		s += fmt.Sprintf(" sets=%v", h.Sets)
	}
	return s
}

// sets returns the grouping sets, resolving nil to one set of all keys.
func (h *HashAggregate) sets() [][]int {
	if h.Sets != nil {
		return h.Sets
	}
	all := make([]int, len(h.Keys))
	for i := range all {
		all[i] = i
	}
	return [][]int{all}
}

func (h *HashAggregate) Open(ctx context.Context, t *Task) (Stream, error) {
	in, err := h.Input.Open(ctx, t)
	if err != nil {
		return nil, err
	}
	s := &aggStream{op: h, t: t, in: in, res: t.Pool.NewReservation("hash aggregate")}
	for _, cols := range h.sets() {
		g := &groupTable{cols: cols, groups: map[string]uint32{}, keyParts: make([][]arrow.Array, len(cols))}
		if len(cols) == 0 {
			g.ngroups = 1
		}
		g.states = make([]expr.AggState, len(h.Measures))
		g.seen = make([]map[string]struct{}, len(h.Measures))
		for i, m := range h.Measures {
			g.states[i] = m.Func.NewState()
			if m.Distinct {
				g.seen[i] = map[string]struct{}{}
			}
		}
		s.sets = append(s.sets, g)
	}
	s.argKeys = make([]rowKeys, len(h.Measures))
	return h.Wrap(s), nil
}

// groupTable is the state of one grouping set.
type groupTable struct {
	cols   []int // the keys grouped by, as indexes into HashAggregate.Keys
	groups map[string]uint32
	// keyParts[k] holds, per input batch, the values of key cols[k] of the
	// groups that batch created, in group order.
	keyParts [][]arrow.Array
	states   []expr.AggState
	// seen[i], for a DISTINCT measure i, holds group id + argument key of
	// every tuple folded so far.
	seen    []map[string]struct{}
	ngroups int
	bytes   int64 // keys, map entries and distinct tuples held
}

type aggStream struct {
	op   *HashAggregate
	t    *Task
	in   Stream
	res  *spill.Reservation
	sets []*groupTable

	// Scratch reused across batches.
	keys    rowKeys
	argKeys []rowKeys // per measure, for DISTINCT ones
	ids     []uint32
	sel     []int32
	subIDs  []uint32
	dkey    []byte

	out  batchCursor // the result
	done bool
}

func (s *aggStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !s.done {
		if err := s.consume(ctx); err != nil {
			return nil, fmt.Errorf("aggregate: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.out.next(s.t.batchSize())
}

func (s *aggStream) consume(ctx context.Context) error {
	err := forEachBatch(ctx, s.in, func(b arrow.RecordBatch) error {
		defer b.Release()
		return s.update(ctx, b)
	})
	if err != nil {
		return err
	}
	s.done = true
	return s.finish(ctx)
}

// measureInput is a measure's evaluated input for one batch.
type measureInput struct {
	args []arrow.Array
	mask *array.Boolean // the filter, or nil
}

func (s *aggStream) update(ctx context.Context, b arrow.RecordBatch) error {
	n := int(b.NumRows())
	if n == 0 {
		return nil
	}
	keyCols, err := evalAll(ctx, s.t, b, s.op.Keys)
	if err != nil {
		return err
	}
	defer releaseArrays(keyCols)
	ins := make([]measureInput, len(s.op.Measures))
	defer func() {
		for _, in := range ins {
			releaseArrays(in.args)
			if in.mask != nil {
				in.mask.Release()
			}
		}
	}()
	for i, m := range s.op.Measures {
		if ins[i].args, err = evalAll(ctx, s.t, b, m.Func.Args()); err != nil {
			return fmt.Errorf("%s: %w", m, err)
		}
		if m.Filter != nil {
			f, err := m.Filter.Eval(ctx, s.t.Alloc, b)
			if err != nil {
				return fmt.Errorf("%s: filter: %w", m, err)
			}
			ins[i].mask = f.(*array.Boolean)
		}
		if m.Distinct {
			s.argKeys[i].encode(ins[i].args, n)
		}
	}
	for _, g := range s.sets {
		if err := s.assign(ctx, g, keyCols, n); err != nil {
			return err
		}
		for i, m := range s.op.Measures {
			if err := s.fold(ctx, g, i, ins[i], n); err != nil {
				return fmt.Errorf("%s: %w", m, err)
			}
		}
	}
	return s.reserve()
}

// assign fills s.ids with the group of each of n rows in set g, creating
// groups for new keys.
func (s *aggStream) assign(ctx context.Context, g *groupTable, keyCols []arrow.Array, n int) error {
	s.ids = append(s.ids[:0], make([]uint32, n)...)
	if len(g.cols) == 0 {
		return nil
	}
	cols := make([]arrow.Array, len(g.cols))
	for i, k := range g.cols {
		cols[i] = keyCols[k]
	}
	s.keys.encode(cols, n)
	var fresh []int32 // rows that start a new group
	for i := 0; i < n; i++ {
		k := s.keys.key(i)
		id, ok := g.groups[string(k)]
		if !ok {
			id = uint32(g.ngroups)
			g.groups[string(k)] = id
			g.ngroups++
			g.bytes += int64(len(k)) + 64 // map entry overhead, roughly
			fresh = append(fresh, int32(i))
		}
		s.ids[i] = id
	}
	if len(fresh) == 0 {
		return nil
	}
	idx := int32Array(fresh)
	defer idx.Release()
	for k, c := range cols {
		taken, err := compute.TakeArray(compute.WithAllocator(ctx, s.t.Alloc), c, idx)
		if err != nil {
			return errkind.Errorf(errkind.Internal, "take keys: %w", err)
		}
		g.bytes += arrayBytes(taken.Data())
		g.keyParts[k] = append(g.keyParts[k], taken)
	}
	return nil
}

// fold updates measure i of set g with the rows its filter keeps and, for a
// DISTINCT measure, whose argument tuple the group has not seen. s.ids holds
// the rows' groups.
func (s *aggStream) fold(ctx context.Context, g *groupTable, i int, in measureInput, n int) error {
	st := g.states[i]
	if in.mask == nil && g.seen[i] == nil {
		return st.Update(s.ids, g.ngroups, in.args)
	}
	s.sel = s.sel[:0]
	var vals, valid []byte
	var off int
	if in.mask != nil {
		vals, off = in.mask.Data().Buffers()[1].Bytes(), in.mask.Data().Offset()
		valid, _ = nullBits(in.mask)
	}
	seen := g.seen[i]
	for r := 0; r < n; r++ {
		// INVARIANT: s.sel holds the selected rows below r, ascending.
		if vals != nil && (!bitutil.BitIsSet(vals, off+r) || (valid != nil && !bitutil.BitIsSet(valid, off+r))) {
			continue
		}
		if seen != nil {
			s.dkey = binary.LittleEndian.AppendUint32(s.dkey[:0], s.ids[r])
			s.dkey = append(s.dkey, s.argKeys[i].key(r)...)
			if _, dup := seen[string(s.dkey)]; dup {
				continue
			}
			seen[string(s.dkey)] = struct{}{}
			g.bytes += int64(len(s.dkey)) + 48
		}
		s.sel = append(s.sel, int32(r))
	}
	switch len(s.sel) {
	case 0:
		return nil
	case n:
		return st.Update(s.ids, g.ngroups, in.args)
	}
	idx := int32Array(s.sel)
	defer idx.Release()
	args := make([]arrow.Array, len(in.args))
	defer func() { releaseArrays(args) }()
	for a, c := range in.args {
		var err error
		if args[a], err = compute.TakeArray(compute.WithAllocator(ctx, s.t.Alloc), c, idx); err != nil {
			return errkind.Errorf(errkind.Internal, "take arguments: %w", err)
		}
	}
	s.subIDs = s.subIDs[:0]
	for _, r := range s.sel {
		s.subIDs = append(s.subIDs, s.ids[r])
	}
	return st.Update(s.subIDs, g.ngroups, args)
}

// int32Array wraps xs, without copying, as an Int32 array; xs must outlive
// it.
func int32Array(xs []int32) arrow.Array {
	buf := memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(xs))
	d := array.NewData(arrow.PrimitiveTypes.Int32, len(xs), []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

func (s *aggStream) reserve() error {
	var total int64
	for _, g := range s.sets {
		total += g.bytes
		for _, st := range g.states {
			total += st.Size()
		}
	}
	return s.res.Resize(total)
}

func (s *aggStream) finish(ctx context.Context) error {
	var parts []arrow.RecordBatch
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for si, g := range s.sets {
		b, err := s.finishSet(si, g)
		if err != nil {
			return err
		}
		parts = append(parts, b)
	}
	out, err := concatBatches(s.t, s.op.schema, parts)
	if err != nil {
		return err
	}
	s.out.b = out
	return nil
}

// finishSet builds the output rows of grouping set si.
func (s *aggStream) finishSet(si int, g *groupTable) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, 0, s.op.schema.NumFields())
	defer func() { releaseArrays(cols) }()
	pos := make(map[int]int, len(g.cols)) // key -> position in g.cols
	for p, k := range g.cols {
		pos[k] = p
	}
	for k := range s.op.Keys {
		dt := s.op.schema.Field(k).Type
		p, ok := pos[k]
		var c arrow.Array
		switch {
		case !ok:
			c = array.MakeArrayOfNull(s.t.Alloc, dt, g.ngroups)
		case len(g.keyParts[p]) == 0:
			c = array.MakeArrayOfNull(s.t.Alloc, dt, 0)
		default:
			var err error
			if c, err = array.Concatenate(g.keyParts[p], s.t.Alloc); err != nil {
				return nil, errkind.Errorf(errkind.Internal, "concatenate keys: %w", err)
			}
		}
		cols = append(cols, c)
	}
	for p := range g.keyParts {
		releaseArrays(g.keyParts[p])
		g.keyParts[p] = nil
	}
	for i, st := range g.states {
		c, err := st.Finish(s.t.Alloc, g.ngroups)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.op.Measures[i], err)
		}
		cols = append(cols, c)
	}
	if len(s.sets) > 1 {
		ib := array.NewInt32Builder(s.t.Alloc)
		for range g.ngroups {
			ib.Append(int32(si))
		}
		cols = append(cols, ib.NewArray())
		ib.Release()
	}
	return array.NewRecordBatch(s.op.schema, cols, int64(g.ngroups)), nil
}

func (s *aggStream) Close() error {
	for _, g := range s.sets {
		for k := range g.keyParts {
			releaseArrays(g.keyParts[k])
			g.keyParts[k] = nil
		}
	}
	s.sets = nil
	s.out.release()
	s.res.Free()
	return s.in.Close()
}

func evalAll(ctx context.Context, t *Task, b arrow.RecordBatch, es []expr.Expr) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(es))
	for i, e := range es {
		a, err := e.Eval(ctx, t.Alloc, b)
		if err != nil {
			releaseArrays(out[:i])
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

func releaseArrays(as []arrow.Array) {
	for _, a := range as {
		if a != nil {
			a.Release()
		}
	}
}
