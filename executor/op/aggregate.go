package op

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/maphash"
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
	ins, err := openPartitions(ctx, h.Input, t)
	if err != nil {
		return nil, err
	}
	s := &aggStream{op: h, t: t, ins: ins, res: t.Pool.NewReservation("hash aggregate"), seed: maphash.MakeSeed()}
	for _, cols := range h.sets() {
		shards := 1
		if len(ins) > 1 && len(cols) > 0 {
			shards = aggShardsPerInput * len(ins)
		}
		tables := make([]*groupTable, shards)
		for sh := range tables {
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
			tables[sh] = g
		}
		s.sets = append(s.sets, tables)
	}
	return h.Wrap(s), nil
}

// aggShardsPerInput is how many group table shards a grouping set has per
// input partition when the input has more than one: enough that the
// partitions seldom wait for each other's shard.
const aggShardsPerInput = 4

// groupTable is the state of one grouping set, or of one shard of its
// groups. Its fields are guarded by mu.
type groupTable struct {
	mu     sync.Mutex
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

	size atomic.Int64 // bytes plus the states' sizes, after the last update
}

// aggStream is one run of a HashAggregate.
//
// With one input stream it folds batches as they come. With several (the
// input's partitions) it reads them concurrently, one goroutine each; every
// grouping set with keys is then split into shards by the hash of the key,
// each a groupTable under its own lock, so that the partitions fold rows of
// different groups in parallel and every group lives in exactly one shard.
// The output lists shard after shard. Keys and arguments are evaluated
// outside the locks.
type aggStream struct {
	op   *HashAggregate
	t    *Task
	ins  []Stream
	seed maphash.Seed
	// sets[i] holds the shards of grouping set i.
	sets [][]*groupTable

	resMu sync.Mutex
	res   *spill.Reservation

	out  batchCursor // the result
	done bool
}

// aggWorker is the scratch of one goroutine folding input into an aggStream.
type aggWorker struct {
	s       *aggStream
	keys    rowKeys
	argKeys []rowKeys // per measure, for DISTINCT ones
	ids     []uint32
	sel     []int32
	subIDs  []uint32
	dkey    []byte
	rows    [][]int32 // per shard, the batch rows hashed to it
	pending []int     // shards still to fold the batch into
}

func (s *aggStream) newWorker() *aggWorker {
	return &aggWorker{s: s, argKeys: make([]rowKeys, len(s.op.Measures))}
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
	if len(s.ins) == 1 {
		w := s.newWorker()
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
			w := s.newWorker()
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
	for _, tables := range s.sets {
		cols := make([]arrow.Array, len(tables[0].cols))
		for i, k := range tables[0].cols {
			cols[i] = keyCols[k]
		}
		if len(cols) > 0 {
			w.keys.encode(cols, n)
		}
		if len(tables) == 1 {
			if err := w.lockedUpdateTable(ctx, tables[0], cols, ins, n, nil); err != nil {
				return err
			}
			continue
		}
		if len(w.rows) != len(tables) {
			w.rows = make([][]int32, len(tables))
		}
		for i := range w.rows {
			w.rows[i] = w.rows[i][:0]
		}
		for r := 0; r < n; r++ {
			sh := maphash.Bytes(s.seed, w.keys.key(r)) % uint64(len(tables))
			w.rows[sh] = append(w.rows[sh], int32(r))
		}
		// Fold into the shards that are free first, so that workers do
		// not queue behind each other shard after shard; wait only when
		// every shard left is busy.
		w.pending = w.pending[:0]
		for sh := range tables {
			if len(w.rows[sh]) > 0 {
				w.pending = append(w.pending, sh)
			}
		}
		for len(w.pending) > 0 {
			before, k := len(w.pending), 0
			for _, sh := range w.pending {
				if !tables[sh].mu.TryLock() {
					w.pending[k] = sh
					k++
					continue
				}
				if err := w.updateTable(ctx, tables[sh], cols, ins, n, w.rows[sh]); err != nil {
					return err
				}
			}
			w.pending = w.pending[:k]
			if k > 0 && k == before {
				sh := w.pending[0]
				tables[sh].mu.Lock()
				if err := w.updateTable(ctx, tables[sh], cols, ins, n, w.rows[sh]); err != nil {
					return err
				}
				w.pending = w.pending[1:]
			}
		}
	}
	return s.reserve()
}

// lockedUpdateTable is updateTable under g's lock.
func (w *aggWorker) lockedUpdateTable(ctx context.Context, g *groupTable, cols []arrow.Array, ins []measureInput, n int, rows []int32) error {
	g.mu.Lock()
	return w.updateTable(ctx, g, cols, ins, n, rows)
}

// updateTable folds rows of the batch into table g, and unlocks it: the
// given rows, or all n when rows is nil. w.keys holds the batch's encoded
// keys of g's set.
// REQUIRES: g.mu is held.
func (w *aggWorker) updateTable(ctx context.Context, g *groupTable, cols []arrow.Array, ins []measureInput, n int, rows []int32) error {
	defer g.mu.Unlock()
	if err := w.assign(ctx, g, cols, n, rows); err != nil {
		return err
	}
	for i, m := range w.s.op.Measures {
		if err := w.fold(ctx, g, i, ins[i], n, rows); err != nil {
			return fmt.Errorf("%s: %w", m, err)
		}
	}
	size := g.bytes
	for _, st := range g.states {
		size += st.Size()
	}
	g.size.Store(size)
	return nil
}

// assign fills w.ids with the group in g of each row (of rows, or of all n
// when rows is nil), creating groups for new keys.
// REQUIRES: g.mu is held; w.keys holds the encoded keys of the batch.
func (w *aggWorker) assign(ctx context.Context, g *groupTable, cols []arrow.Array, n int, rows []int32) error {
	m := n
	if rows != nil {
		m = len(rows)
	}
	w.ids = append(w.ids[:0], make([]uint32, m)...)
	if len(g.cols) == 0 {
		return nil
	}
	var fresh []int32 // rows that start a new group
	for j := 0; j < m; j++ {
		r := j
		if rows != nil {
			r = int(rows[j])
		}
		k := w.keys.key(r)
		id, ok := g.groups[string(k)]
		if !ok {
			id = uint32(g.ngroups)
			g.groups[string(k)] = id
			g.ngroups++
			g.bytes += int64(len(k)) + 64 // map entry overhead, roughly
			fresh = append(fresh, int32(r))
		}
		w.ids[j] = id
	}
	if len(fresh) == 0 {
		return nil
	}
	for k, c := range cols {
		taken, err := gather(ctx, w.s.t.Alloc, c, fresh)
		if err != nil {
			return fmt.Errorf("take keys: %w", err)
		}
		g.bytes += arrayBytes(taken.Data())
		g.keyParts[k] = append(g.keyParts[k], taken)
	}
	return nil
}

// fold updates measure i of table g with the rows (of rows, or all n when
// rows is nil) its filter keeps and, for a DISTINCT measure, whose argument
// tuple the group has not seen. w.ids holds the rows' groups.
// REQUIRES: g.mu is held.
func (w *aggWorker) fold(ctx context.Context, g *groupTable, i int, in measureInput, n int, rows []int32) error {
	st := g.states[i]
	if rows == nil && in.mask == nil && g.seen[i] == nil {
		return st.Update(w.ids, g.ngroups, in.args)
	}
	w.sel, w.subIDs = w.sel[:0], w.subIDs[:0]
	var vals, valid []byte
	var off int
	if in.mask != nil {
		vals, off = in.mask.Data().Buffers()[1].Bytes(), in.mask.Data().Offset()
		valid, _ = nullBits(in.mask)
	}
	seen := g.seen[i]
	for j := range w.ids {
		// INVARIANT: w.sel holds the selected rows before the j'th,
		// ascending, and w.subIDs their groups.
		r := j
		if rows != nil {
			r = int(rows[j])
		}
		if vals != nil && (!bitutil.BitIsSet(vals, off+r) || (valid != nil && !bitutil.BitIsSet(valid, off+r))) {
			continue
		}
		if seen != nil {
			w.dkey = binary.LittleEndian.AppendUint32(w.dkey[:0], w.ids[j])
			w.dkey = append(w.dkey, w.argKeys[i].key(r)...)
			if _, dup := seen[string(w.dkey)]; dup {
				continue
			}
			seen[string(w.dkey)] = struct{}{}
			g.bytes += int64(len(w.dkey)) + 48
		}
		w.sel = append(w.sel, int32(r))
		w.subIDs = append(w.subIDs, w.ids[j])
	}
	switch len(w.sel) {
	case 0:
		return nil
	case n:
		return st.Update(w.subIDs, g.ngroups, in.args)
	}
	args := make([]arrow.Array, len(in.args))
	defer func() { releaseArrays(args) }()
	for a, c := range in.args {
		var err error
		if args[a], err = gather(ctx, w.s.t.Alloc, c, w.sel); err != nil {
			return fmt.Errorf("take arguments: %w", err)
		}
	}
	return st.Update(w.subIDs, g.ngroups, args)
}

// int32Array wraps xs, without copying, as an Int32 array; xs must outlive
// it.
func int32Array(xs []int32) arrow.Array {
	buf := memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(xs))
	d := array.NewData(arrow.PrimitiveTypes.Int32, len(xs), []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// reserve resizes the reservation to what the tables hold.
func (s *aggStream) reserve() error {
	var total int64
	for _, tables := range s.sets {
		for _, g := range tables {
			total += g.size.Load()
		}
	}
	s.resMu.Lock()
	defer s.resMu.Unlock()
	return s.res.Resize(total)
}

// finish builds the output. REQUIRES: no worker runs.
func (s *aggStream) finish(ctx context.Context) error {
	var parts []arrow.RecordBatch
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for si, tables := range s.sets {
		for _, g := range tables {
			b, err := s.finishSet(si, g)
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
	for _, tables := range s.sets {
		for _, g := range tables {
			for k := range g.keyParts {
				releaseArrays(g.keyParts[k])
				g.keyParts[k] = nil
			}
		}
	}
	s.sets = nil
	s.out.release()
	s.res.Free()
	err := closeAll(s.ins)
	s.ins = nil
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
