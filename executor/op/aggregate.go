package op

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
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
// the row (Substrait's AggregateRel output). Rows come set by set; with one
// input partition, groups in order of first appearance.
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
	ins, err := openPartitions(ctx, h.Input, t)
	if err != nil {
		return nil, err
	}
	seed := maphash.MakeSeed()
	s := &aggStream{op: h, t: t, ins: ins, sets: h.sets()}
	s.spill = newAggSpill(s)
	s.res = newReservation(t, "hash aggregate", s.spill != nil)
	for _, cols := range s.sets {
		types := make([]arrow.DataType, len(cols))
		for i, k := range cols {
			types[i] = h.Keys[k].DataType()
		}
		s.layouts = append(s.layouts, newKeyLayout(types, seed))
	}
	s.argLayouts = make([]*keyLayout, len(h.Measures))
	for i, m := range h.Measures {
		if m.Distinct {
			types := make([]arrow.DataType, len(m.Func.Args()))
			for j, a := range m.Func.Args() {
				types[j] = a.DataType()
			}
			s.argLayouts[i] = newKeyLayout(types, seed)
		}
	}
	return h.Wrap(s), nil
}

// aggTable holds the groups of one grouping set that one goroutine folds
// rows into: their keys, a state per measure and, for each DISTINCT
// measure, the distinct (group, argument tuple) pairs seen so far, which
// are folded into the state only when the table is finished (so tables
// merge by merging the pairs).
type aggTable struct {
	keys   groupKeys // nil for the set without keys: one group
	states []expr.AggState
	// distinct[i], for a DISTINCT measure i, holds keys made of a group id
	// (little-endian uint32) and the rowKeys encoding of an argument tuple.
	distinct []*encodedKeys
}

func (s *aggStream) newTable(si int) *aggTable {
	g := &aggTable{states: make([]expr.AggState, len(s.op.Measures)), distinct: make([]*encodedKeys, len(s.op.Measures))}
	if len(s.sets[si]) > 0 {
		g.keys = newGroupKeys(s.layouts[si])
	}
	for i, m := range s.op.Measures {
		g.states[i] = m.Func.NewState()
		if m.Distinct {
			g.distinct[i] = newEncodedKeys(s.argLayouts[i])
		}
	}
	return g
}

func (g *aggTable) ngroups() int {
	if g.keys == nil {
		return 1
	}
	return g.keys.len()
}

func (g *aggTable) size() int64 {
	var n int64
	if g.keys != nil {
		n += g.keys.size()
	}
	for i, st := range g.states {
		n += st.Size()
		if d := g.distinct[i]; d != nil {
			n += d.size()
		}
	}
	return n
}

// aggStream is one run of a HashAggregate.
//
// Every input partition is folded by a worker of its own (with one
// partition, on the caller's goroutine) into thread-local tables, one per
// grouping set, without locks. With several workers the tables of each
// grouping set are then merged (merge, in aggregate_merge.go): few groups
// into one table, many in parallel by radix partitions of the key hash.
type aggStream struct {
	op         *HashAggregate
	t          *Task
	ins        []Stream
	sets       [][]int      // the grouping sets
	layouts    []*keyLayout // per grouping set
	argLayouts []*keyLayout // per measure, for DISTINCT ones
	workers    []*aggWorker
	// final[si] holds the merged tables of grouping set si; each group is
	// in one of them.
	final [][]*aggTable

	resMu     sync.Mutex
	res       *spill.Reservation
	finalSize atomic.Int64 // bytes of the final tables made by merge

	// spill is how the run spills, nil if it cannot; spilled is set once
	// any worker has.
	spill   *aggSpill
	spilled atomic.Bool

	out  batchCursor // the result, or the current partition's once spilled
	done bool
}

// aggWorker folds one input partition into its own tables.
type aggWorker struct {
	s       *aggStream
	tables  []*aggTable // per grouping set
	argKeys []rowKeys   // per measure, for DISTINCT ones
	ids     []uint32
	zeros   []uint32 // group ids of a set without keys
	sel     []int32
	subIDs  []uint32
	dkey    []byte
	size    atomic.Int64 // bytes of the tables, after the last batch
	// spilled holds, per grouping set, the groups spilled by this worker.
	spilled []*spill.Partitions
	part    partitioner
}

func (s *aggStream) newWorker() *aggWorker {
	w := &aggWorker{s: s, argKeys: make([]rowKeys, len(s.op.Measures))}
	for si := range s.sets {
		w.tables = append(w.tables, s.newTable(si))
	}
	return w
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
	b, err := s.out.handOut(s.t.batchSize(), s.res)
	if err == io.EOF && s.spilled.Load() {
		if err := s.nextSpilled(ctx); err != nil {
			if err == io.EOF {
				return nil, err
			}
			return nil, fmt.Errorf("aggregate: %w", err)
		}
		return s.out.handOut(s.t.batchSize(), s.res)
	}
	return b, err
}

func (s *aggStream) consume(ctx context.Context) error {
	s.workers = make([]*aggWorker, len(s.ins))
	for i := range s.workers {
		s.workers[i] = s.newWorker()
	}
	if len(s.ins) == 1 {
		w := s.workers[0]
		err := forEachBatch(ctx, s.ins[0], func(b arrow.RecordBatch) error {
			defer b.Release()
			return w.update(ctx, b)
		})
		if err != nil {
			return err
		}
	} else if err := s.consumeParallel(ctx); err != nil {
		return err
	}
	// Close the input now: operators below may hold memory (a join's
	// table) the merge and the output need.
	err := closeAll(s.ins)
	s.ins = nil
	if err != nil {
		return err
	}
	if !s.spilled.Load() && s.spill != nil && len(s.workers) > 1 {
		// Merging the workers' tables can copy them: spill rather than
		// start a merge that will be refused. The grant is held through
		// the merge, whose reserve resizes it to the merged tables:
		// released before, another operator could take it meanwhile and
		// the merged tables, already built, be refused (TPC-H Q18 at SF 10
		// under 1 GiB).
		var need int64
		for _, w := range s.workers {
			need += w.size.Load()
		}
		if err := s.res.Grow(need); err != nil {
			if !errors.Is(err, spill.ErrExhausted) {
				return err
			}
			s.spilled.Store(true)
		}
	}
	if s.spilled.Load() {
		s.done = true
		return s.finishSpilled(ctx)
	}
	if err := s.merge(ctx); err != nil {
		return err
	}
	s.done = true
	return s.finish(ctx)
}

// consumeParallel folds every input stream in a goroutine of its own and
// waits for them all; the first error cancels the others.
func (s *aggStream) consumeParallel(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for i, in := range s.ins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := s.workers[i]
			err := forEachBatch(ctx, in, func(b arrow.RecordBatch) error {
				defer b.Release()
				return w.update(ctx, b)
			})
			if err != nil {
				mu.Lock()
				if first == nil {
					first = fmt.Errorf("partition %d: %w", i, err)
				}
				mu.Unlock()
				cancel()
			}
		}()
	}
	wg.Wait()
	return first
}

// measureInput is a measure's evaluated input for one batch.
type measureInput struct {
	args []arrow.Array
	mask *array.Boolean // the filter, or nil
}

// update folds batch b into w's tables.
func (w *aggWorker) update(ctx context.Context, b arrow.RecordBatch) error {
	s := w.s
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
			w.argKeys[i].encode(ins[i].args, n)
		}
	}
	var cols []arrow.Array
	var size int64
	for si, g := range w.tables {
		ids := w.zeros
		if g.keys == nil {
			if len(ids) < n {
				w.zeros = make([]uint32, n)
				ids = w.zeros
			}
			ids = ids[:n]
		} else {
			cols = cols[:0]
			for _, k := range s.sets[si] {
				cols = append(cols, keyCols[k])
			}
			w.ids = resizeKeyScratch(w.ids, n)
			ids = w.ids
			g.keys.insert(cols, n, ids)
		}
		for i, m := range s.op.Measures {
			if err := w.fold(ctx, g, i, ins[i], n, ids); err != nil {
				return fmt.Errorf("%s: %w", m, err)
			}
		}
		size += g.size()
	}
	w.size.Store(size)
	err = s.reserve()
	if err == nil || !mustSpill(s.t, err) {
		return err
	}
	if s.spill == nil {
		return cannotFit(err, "DISTINCT aggregates do not spill")
	}
	s.spilled.Store(true)
	if err := w.spill(ctx); err != nil {
		return err
	}
	// Still refused, the memory is other workers'; they spill when their
	// next batch is refused.
	if err := s.reserve(); err != nil && !errors.Is(err, spill.ErrExhausted) {
		return err
	}
	return nil
}

// fold updates measure i of table g with the n rows of a batch its filter
// keeps; ids holds their groups. A DISTINCT measure only records the
// (group, arguments) pairs; finishDistinct folds them.
func (w *aggWorker) fold(ctx context.Context, g *aggTable, i int, in measureInput, n int, ids []uint32) error {
	st, d := g.states[i], g.distinct[i]
	if in.mask == nil && d == nil {
		return st.Update(ids, g.ngroups(), in.args)
	}
	w.sel, w.subIDs = w.sel[:0], w.subIDs[:0]
	var vals, valid []byte
	var off int
	if in.mask != nil {
		vals, off = in.mask.Data().Buffers()[1].Bytes(), in.mask.Data().Offset()
		valid, _ = nullBits(in.mask)
	}
	for r := range n {
		// INVARIANT: w.sel holds the selected rows before r, ascending,
		// and w.subIDs their groups.
		if vals != nil && (!bitutil.BitIsSet(vals, off+r) || (valid != nil && !bitutil.BitIsSet(valid, off+r))) {
			continue
		}
		if d != nil {
			w.dkey = binary.LittleEndian.AppendUint32(w.dkey[:0], ids[r])
			w.dkey = append(w.dkey, w.argKeys[i].key(r)...)
			d.find(w.dkey, d.hashKey(w.dkey))
			continue
		}
		w.sel = append(w.sel, int32(r))
		w.subIDs = append(w.subIDs, ids[r])
	}
	switch len(w.sel) {
	case 0:
		return nil
	case n:
		return st.Update(w.subIDs, g.ngroups(), in.args)
	}
	args := make([]arrow.Array, len(in.args))
	defer func() { releaseArrays(args) }()
	for a, c := range in.args {
		var err error
		if args[a], err = gather(ctx, w.s.t.Alloc, c, w.sel); err != nil {
			return fmt.Errorf("take arguments: %w", err)
		}
	}
	return st.Update(w.subIDs, g.ngroups(), args)
}

// distinctChunk is how many DISTINCT pairs finishDistinct decodes at once.
const distinctChunk = 1 << 16

// finishDistinct folds the distinct (group, arguments) pairs of each
// DISTINCT measure of g into its state.
func (s *aggStream) finishDistinct(ctx context.Context, g *aggTable) error {
	ng := g.ngroups()
	for i, d := range g.distinct {
		if d == nil {
			continue
		}
		st, types := g.states[i], s.argLayouts[i].types
		var groups []uint32
		for start := 0; start < d.len(); start += distinctChunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			m := min(distinctChunk, d.len()-start)
			groups = groups[:0]
			for j := range m {
				groups = append(groups, binary.LittleEndian.Uint32(d.key(start+j)))
			}
			args, err := decodeRowKeys(s.t.Alloc, types, m, func(j int) []byte { return d.key(start + j)[4:] })
			if err != nil {
				return err
			}
			err = st.Update(groups, ng, args)
			releaseArrays(args)
			if err != nil {
				return fmt.Errorf("%s: %w", s.op.Measures[i], err)
			}
		}
		g.distinct[i] = nil
	}
	return nil
}

// reserve resizes the reservation to what the tables hold.
func (s *aggStream) reserve() error {
	total := s.finalSize.Load()
	for _, w := range s.workers {
		total += w.size.Load()
	}
	s.resMu.Lock()
	defer s.resMu.Unlock()
	return s.res.Resize(total)
}

// finish builds the output. REQUIRES: no worker runs; merge is done.
func (s *aggStream) finish(ctx context.Context) error {
	var parts []arrow.RecordBatch
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for si, tables := range s.final {
		for _, g := range tables {
			b, err := s.finishSet(ctx, si, g)
			if err != nil {
				return err
			}
			parts = append(parts, b)
		}
	}
	out, err := concatBatches(s.t, s.op.schema, parts)
	if err != nil {
		return err
	}
	s.out.b = out
	// The tables are done with: the output is what the aggregate holds,
	// resized from the tables' reservation in one step so that no other
	// operator takes the memory in between.
	s.final = nil
	return s.res.Resize(BatchBytes(out))
}

// finishSet builds the output rows of table g of grouping set si.
func (s *aggStream) finishSet(ctx context.Context, si int, g *aggTable) (arrow.RecordBatch, error) {
	if err := s.finishDistinct(ctx, g); err != nil {
		return nil, err
	}
	ng := g.ngroups()
	cols := make([]arrow.Array, 0, s.op.schema.NumFields())
	defer func() { releaseArrays(cols) }()
	var keys []arrow.Array
	if g.keys != nil {
		var err error
		if keys, err = g.keys.columns(s.t.Alloc); err != nil {
			return nil, err
		}
		defer releaseArrays(keys)
	}
	pos := make(map[int]int, len(s.sets[si])) // key -> position in the set
	for p, k := range s.sets[si] {
		pos[k] = p
	}
	for k := range s.op.Keys {
		if p, ok := pos[k]; ok {
			keys[p].Retain()
			cols = append(cols, keys[p])
		} else {
			cols = append(cols, array.MakeArrayOfNull(s.t.Alloc, s.op.schema.Field(k).Type, ng))
		}
	}
	for i, st := range g.states {
		c, err := st.Finish(s.t.Alloc, ng)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.op.Measures[i], err)
		}
		cols = append(cols, c)
	}
	if len(s.sets) > 1 {
		ib := array.NewInt32Builder(s.t.Alloc)
		for range ng {
			ib.Append(int32(si))
		}
		cols = append(cols, ib.NewArray())
		ib.Release()
	}
	return array.NewRecordBatch(s.op.schema, cols, int64(ng)), nil
}

func (s *aggStream) Close() error {
	s.workers = nil
	s.final = nil
	s.out.release()
	s.res.Close()
	err := closeAll(s.ins)
	s.ins = nil
	if s.spill != nil {
		err = errors.Join(err, s.spill.close())
	}
	return err
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

// int32Array wraps xs, without copying, as an Int32 array; xs must outlive
// it.
func int32Array(xs []int32) arrow.Array {
	buf := memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(xs))
	d := array.NewData(arrow.PrimitiveTypes.Int32, len(xs), []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}
