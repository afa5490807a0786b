package op

import (
	"context"
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

// JoinType says which rows a join returns. Left is the probe input, right
// the build input.
type JoinType uint8

const (
	// InnerJoin returns the matching pairs.
	InnerJoin JoinType = iota
	// LeftJoin also returns unmatched left rows, with nulls on the right.
	LeftJoin
	// RightJoin also returns unmatched right rows, with nulls on the left.
	RightJoin
	// FullJoin returns the matching pairs and the unmatched rows of both
	// sides.
	FullJoin
	// LeftSemiJoin returns, once, each left row that has a match; only left
	// columns.
	LeftSemiJoin
	// LeftAntiJoin returns each left row that has no match (NOT EXISTS);
	// only left columns.
	LeftAntiJoin
	// RightSemiJoin returns, once, each right row that has a match; only
	// right columns.
	RightSemiJoin
	// RightAntiJoin returns each right row that has no match; only right
	// columns.
	RightAntiJoin
	// SingleJoin returns each left row with its match, or nulls when there
	// is none; more than one match is an error (a scalar subquery).
	SingleJoin
	// MarkJoin returns each left row with a boolean "mark": true when it has
	// a match; otherwise null when the left key or some right key is null
	// (and the right side is not empty), else false. It is x IN (subquery)
	// with SQL's null semantics.
	MarkJoin
)

var joinTypeNames = [...]string{"inner", "left", "right", "full", "left semi", "left anti", "right semi", "right anti", "single", "mark"}

func (t JoinType) String() string {
	if int(t) < len(joinTypeNames) {
		return joinTypeNames[t]
	}
	return fmt.Sprintf("JoinType(%d)", uint8(t))
}

// keepsLeftUnmatched and the like describe the join types.
func (t JoinType) keepsLeftUnmatched() bool { return t == LeftJoin || t == FullJoin }
func (t JoinType) tracksRight() bool {
	return t == RightJoin || t == FullJoin || t == RightSemiJoin || t == RightAntiJoin
}
func (t JoinType) emitsPairs() bool {
	return t == InnerJoin || t == LeftJoin || t == RightJoin || t == FullJoin
}

// HashJoin joins two inputs on equal keys, with an optional residual
// condition on the candidate pairs. It is a buffering operator on its right
// (build) input: the first Next reads all of it, under a reservation from
// the task's pool, and builds a hash table; the left (probe) input then
// streams through batch by batch. With no keys it is a nested-loop join.
// It is Partitioned like its left side, sharing one table among the
// partitions, unless the join type tracks matched right rows (see doc.go).
//
// Keys never match when null, unless NullEq marks the key as null-safe
// (IS NOT DISTINCT FROM). Left and right keys must have the same types (the
// planner casts them); their values are compared through the row-key
// encoding.
//
// Output columns: the left's then the right's for inner, outer and single
// joins; the left's for left semi and anti joins, plus a "mark" column for
// mark joins; the right's for right semi and anti joins.
type HashJoin struct {
	Meter
	Left, Right         Operator
	LeftKeys, RightKeys []expr.Expr
	// NullEq[i] makes key i match nulls with nulls; nil means none does.
	NullEq []bool
	// Residual, if not nil, is a boolean condition over the left's columns
	// followed by the right's; a pair matches only when it is true.
	Residual expr.Expr
	Type     JoinType
	schema   *arrow.Schema

	// Set on the joins of a grace hash join's partitions (hash_join_spill.go):
	// the join that spilled, the level of partitioning of the inputs, the
	// seeds of every level, and the mark join's facts about the whole
	// build side.
	parent *HashJoin
	level  int
	seeds  []maphash.Seed
	facts  *markFacts
}

// NewHashJoin returns a join of left (probe) and right (build).
func NewHashJoin(left, right Operator, leftKeys, rightKeys []expr.Expr, nullEq []bool, residual expr.Expr, typ JoinType) (*HashJoin, error) {
	if len(leftKeys) != len(rightKeys) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "hash join: %d left keys, %d right keys", len(leftKeys), len(rightKeys))
	}
	for i := range leftKeys {
		lt, rt := leftKeys[i].DataType(), rightKeys[i].DataType()
		if !arrow.TypeEqual(lt, rt) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "hash join: key %d: left is %s, right is %s", i, lt, rt)
		}
		if err := checkKeyType(lt); err != nil {
			return nil, fmt.Errorf("hash join: key %d: %w", i, err)
		}
	}
	if residual != nil && residual.DataType().ID() != arrow.BOOL {
		return nil, errkind.Errorf(errkind.InvalidArgument, "hash join: condition %s is %s, not boolean", residual, residual.DataType())
	}
	if int(typ) >= len(joinTypeNames) {
		return nil, errkind.Errorf(errkind.Unimplemented, "hash join: join type %d", typ)
	}
	nullable := func(fs []arrow.Field) []arrow.Field {
		out := make([]arrow.Field, len(fs))
		for i, f := range fs {
			f.Nullable = true
			out[i] = f
		}
		return out
	}
	lf, rf := left.Schema().Fields(), right.Schema().Fields()
	var fields []arrow.Field
	switch typ {
	case InnerJoin:
		fields = append(lf, rf...)
	case LeftJoin, SingleJoin:
		fields = append(lf, nullable(rf)...)
	case RightJoin:
		fields = append(nullable(lf), rf...)
	case FullJoin:
		fields = append(nullable(lf), nullable(rf)...)
	case LeftSemiJoin, LeftAntiJoin:
		fields = lf
	case RightSemiJoin, RightAntiJoin:
		fields = rf
	case MarkJoin:
		fields = append(lf, arrow.Field{Name: "mark", Type: arrow.FixedWidthTypes.Boolean, Nullable: true})
	}
	return &HashJoin{Left: left, Right: right, LeftKeys: leftKeys, RightKeys: rightKeys, NullEq: nullEq,
		Residual: residual, Type: typ, schema: arrow.NewSchema(fields, nil)}, nil
}

func (j *HashJoin) Schema() *arrow.Schema { return j.schema }
func (j *HashJoin) Children() []Operator  { return []Operator{j.Left, j.Right} }

func (j *HashJoin) String() string {
	var b strings.Builder
	if len(j.LeftKeys) == 0 {
		fmt.Fprintf(&b, "NestedLoopJoin %s", j.Type)
	} else {
		fmt.Fprintf(&b, "HashJoin %s on", j.Type)
		for i := range j.LeftKeys {
			op := "="
			if j.nullEq(i) {
				op = "<=>"
			}
			if i > 0 {
				b.WriteString(" and")
			}
			fmt.Fprintf(&b, " %s %s %s", j.LeftKeys[i], op, j.RightKeys[i])
		}
	}
	if j.Residual != nil {
		fmt.Fprintf(&b, " if %s", j.Residual)
	}
	return b.String()
}

func (j *HashJoin) nullEq(i int) bool { return i < len(j.NullEq) && j.NullEq[i] }

func (j *HashJoin) Open(ctx context.Context, t *Task) (Stream, error) {
	return openGathered(ctx, j, t)
}

// Partitions is the number of partitions of the left (probe) side. When
// the join type tracks matched right rows, the partitions mark them in the
// shared table, and the last partition to finish its probe emits the right
// rows the type keeps.
func (j *HashJoin) Partitions(t *Task) int {
	return partitions(j.Left, t)
}

// OpenPartition opens a probe of partition i of the left side. The
// partitions share one table, built from the right side read through one
// stream, by whichever partition needs it first.
func (j *HashJoin) OpenPartition(ctx context.Context, t *Task, i int) (Stream, error) {
	n := j.Partitions(t)
	v, err := t.share(j, n, func() (any, error) {
		right, err := j.Right.Open(ctx, t)
		if err != nil {
			return nil, err
		}
		return &joinTable{refs: n, probing: n, right: right, res: newReservation(t, "hash join", len(j.RightKeys) > 0)}, nil
	})
	if err != nil {
		return nil, err
	}
	tb := v.(*joinTable)
	var left Stream
	if n == 1 {
		left, err = j.Left.Open(ctx, t)
	} else {
		left, err = openPartition(ctx, j.Left, t, i)
	}
	if err != nil {
		tb.release()
		return nil, err
	}
	pairSchema := arrow.NewSchema(append(j.Left.Schema().Fields(), j.Right.Schema().Fields()...), nil)
	return j.Wrap(&hashJoinStream{op: j, t: t, left: left, tb: tb, pairSchema: pairSchema}), nil
}

// joinTable is the build side of a run of a HashJoin: built once, by the
// first of the run's probe streams to need it, under mu; read-only after
// that, except bMatched, which the probe streams of a join type that tracks
// right rows set concurrently, atomically. The last stream to finish its
// probe (probing counts them down under mu) reads bMatched and emits the
// tail of right rows.
type joinTable struct {
	mu      sync.Mutex
	refs    int    // probe streams not yet closed
	probing int    // probe streams not yet done probing
	right   Stream // nil once the build side is read and closed
	res     *spill.Reservation
	err     error // the build failed
	built   bool

	build    arrow.RecordBatch // all right rows
	index    *joinIndex
	bNullKey bool          // some right row has a null key
	bMatched []atomic.Bool // right rows matched, when the type tracks them
	// grace is set when the build side did not fit and was spilled.
	grace *graceJoin
}

// ensure builds tb with s's help unless it is built already, and reports
// whether the build failed.
func (tb *joinTable) ensure(ctx context.Context, s *hashJoinStream) error {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if tb.err != nil {
		return tb.err
	}
	if tb.built {
		return nil
	}
	if err := s.buildTable(ctx); err != nil {
		tb.err = err
		return err
	}
	return nil
}

// lastProbe records that a probe stream is done probing and reports
// whether it was the last.
func (tb *joinTable) lastProbe() bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.probing--
	return tb.probing == 0
}

// release drops a probe stream's reference; the last frees the table.
func (tb *joinTable) release() error {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.refs--
	if tb.refs > 0 {
		return nil
	}
	var err error
	if tb.right != nil {
		err = tb.right.Close()
		tb.right = nil
	}
	if tb.build != nil {
		tb.build.Release()
		tb.build = nil
	}
	tb.index, tb.bMatched = nil, nil
	tb.res.Close()
	if tb.grace != nil {
		err = errors.Join(err, tb.grace.close())
		tb.grace = nil
	}
	return err
}

// hashJoinStream is one run of a HashJoin, or the probe of one partition of
// its left side.
type hashJoinStream struct {
	op   *HashJoin
	t    *Task
	left Stream
	tb   *joinTable // shared with the other partitions' streams, if any

	pairSchema *arrow.Schema // left columns, then right columns

	ready     bool // tb is built
	rightTail int  // next right row the final phase looks at

	// The probe batch in progress.
	pb       arrow.RecordBatch
	pfirst   []int32 // the first build row matching each probe row, or -1
	pscratch probeScratch
	pnull    []bool // row has a null in a non-null-safe key
	prow     int    // next probe row
	pchain   int32  // where to resume prow's chain; chainStart to begin
	pMatched []bool
	pSingle  []int32 // single join: the match of each probe row, -1 for none

	pi, bi    []int32 // candidate pairs
	sel       []int32 // scratch: the pairs the residual keeps
	idx       []int32 // scratch for tails
	probeDone bool
	tailTurn  bool // this stream emits the right rows the type keeps
	// checkedEmpty: an empty build side's short cut was considered.
	checkedEmpty bool
	done         bool
	queue        []arrow.RecordBatch

	// Grace hash join: this stream's partitioned left rows (owned by the
	// stream until handed to the shared state), and, for the stream
	// joining the partitions, the join of the current one and the next.
	graceLeft *spill.Partitions
	graceOwn  bool
	graceOut  Stream
	gracePart int
}

const chainStart = -2

func (s *hashJoinStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	b, err := s.step(ctx)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("hash join: %w", err)
	}
	return b, err
}

func (s *hashJoinStream) step(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if len(s.queue) > 0 {
			b := s.queue[0]
			s.queue[0] = nil
			s.queue = s.queue[1:]
			return b, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.done {
			return nil, io.EOF
		}
		if !s.ready {
			if err := s.tb.ensure(ctx, s); err != nil {
				return nil, fmt.Errorf("build side: %w", err)
			}
			s.ready = true
		}
		if s.tb.grace != nil {
			if err := s.graceStep(ctx); err != nil {
				return nil, err
			}
			continue
		}
		if !s.checkedEmpty {
			s.checkedEmpty = true
			if s.tb.build.NumRows() == 0 {
				switch s.op.Type {
				case InnerJoin, RightJoin, LeftSemiJoin, RightSemiJoin, RightAntiJoin:
					s.done = true
					continue
				}
			}
		}
		if s.pb == nil {
			if s.probeDone {
				if !s.tailTurn {
					// Only the last stream to finish probing emits the right
					// rows: by then every match is marked.
					if !s.op.Type.tracksRight() || !s.tb.lastProbe() {
						s.done = true
						continue
					}
					s.tailTurn = true
				}
				if err := s.rightTailStep(ctx); err != nil {
					return nil, err
				}
				continue
			}
			b, err := s.left.Next(ctx)
			if err == io.EOF {
				s.probeDone = true
				continue
			}
			if err != nil {
				return nil, err
			}
			if err := s.startProbe(ctx, b); err != nil {
				return nil, fmt.Errorf("probe side: %w", err)
			}
			continue
		}
		if err := s.probeStep(ctx); err != nil {
			return nil, err
		}
	}
}

// buildTable reads the right input and indexes it.
func (s *hashJoinStream) buildTable(ctx context.Context) error {
	var parts []arrow.RecordBatch
	defer func() { releaseBatches(parts) }()
	// canSpill: a refusal turns the join into a grace hash join.
	canSpill := func(err error) bool { return mustSpill(s.t, err) && len(s.op.RightKeys) > 0 }
	var refused error
	err := forEachBatch(ctx, s.tb.right, func(b arrow.RecordBatch) error {
		if b.NumRows() == 0 {
			b.Release()
			return nil
		}
		if err := s.tb.res.Grow(BatchBytes(b)); err != nil {
			if canSpill(err) {
				parts = append(parts, b)
				refused = err
				return errStopReading
			}
			b.Release()
			return err
		}
		parts = append(parts, b)
		return nil
	})
	if refused != nil {
		pending := parts
		parts = nil
		return s.spillBuild(ctx, pending, refused)
	}
	if err != nil {
		return err
	}
	err = s.tb.right.Close()
	s.tb.right = nil
	if err != nil {
		return err
	}
	rs := s.op.Right.Schema()
	var build arrow.RecordBatch
	switch len(parts) {
	case 0:
		cols := make([]arrow.Array, rs.NumFields())
		for i, f := range rs.Fields() {
			cols[i] = array.MakeArrayOfNull(s.t.Alloc, f.Type, 0)
		}
		build = array.NewRecordBatch(rs, cols, 0)
		releaseArrays(cols)
	case 1:
		build = parts[0]
		build.Retain()
	default:
		var total int64
		for _, p := range parts {
			total += BatchBytes(p)
		}
		if err := s.tb.res.Grow(total); err != nil {
			if canSpill(err) {
				pending := parts
				parts = nil
				return s.spillBuild(ctx, pending, err)
			}
			return err
		}
		if build, err = concatBatches(s.t, rs, parts); err != nil {
			return err
		}
		releaseBatches(parts)
		parts = nil
		s.tb.res.Shrink(total)
	}
	s.tb.build = build
	s.tb.built = true
	n := int(build.NumRows())

	keys, err := evalAll(ctx, s.t, build, s.op.RightKeys)
	if err != nil {
		return err
	}
	defer releaseArrays(keys)
	nulls := s.nullRows(keys, n, nil)
	for _, null := range nulls {
		if null {
			s.tb.bNullKey = true
			break
		}
	}
	types := make([]arrow.DataType, len(keys))
	for i, k := range keys {
		types[i] = k.DataType()
	}
	x := newJoinIndex(types, s.op.nullEq)
	// spillTable answers a refusal once the build batch is made.
	spillTable := func(err error) error {
		if !canSpill(err) {
			return err
		}
		b := s.tb.build
		s.tb.build, s.tb.built, s.tb.bNullKey = nil, false, false
		return s.spillBuild(ctx, []arrow.RecordBatch{b}, err)
	}
	if err := s.tb.res.Grow(x.sizeFor(n)); err != nil {
		return spillTable(err)
	}
	x.build(keys, n, nulls)
	if err := s.tb.res.Grow(int64(len(x.bk.buf) + 8*len(x.bk.ends))); err != nil {
		return spillTable(err)
	}
	s.tb.index = x
	if s.op.Type.tracksRight() {
		if err := s.tb.res.Grow(4 * int64(n)); err != nil {
			s.tb.index = nil
			return spillTable(err)
		}
		s.tb.bMatched = make([]atomic.Bool, n)
	}
	return nil
}

// errStopReading ends a forEachBatch early, without an error.
var errStopReading = errors.New("stop reading")

// nullRows marks the rows with a null in a key that is not null-safe; it
// returns nil when there are none. dst is reused.
func (s *hashJoinStream) nullRows(keys []arrow.Array, n int, dst []bool) []bool {
	var out []bool
	for k, c := range keys {
		if s.op.nullEq(k) || c.NullN() == 0 {
			continue
		}
		if out == nil {
			out = append(dst[:0], make([]bool, n)...)
		}
		bm, off := nullBits(c)
		for i := range n {
			if !bitutil.BitIsSet(bm, off+i) {
				out[i] = true
			}
		}
	}
	return out
}

func (s *hashJoinStream) startProbe(ctx context.Context, b arrow.RecordBatch) error {
	n := int(b.NumRows())
	if n == 0 {
		b.Release()
		return nil
	}
	keys, err := evalAll(ctx, s.t, b, s.op.LeftKeys)
	if err != nil {
		b.Release()
		return err
	}
	defer releaseArrays(keys)
	s.pb = b
	s.pnull = s.nullRows(keys, n, s.pnull)
	s.pfirst = grow(s.pfirst, n)
	s.tb.index.lookup(keys, n, s.pnull, s.pfirst, &s.pscratch)
	s.pMatched = grow(s.pMatched, n)
	clear(s.pMatched)
	if s.op.Type == SingleJoin {
		s.pSingle = s.pSingle[:0]
		for range n {
			s.pSingle = append(s.pSingle, -1)
		}
	}
	s.prow, s.pchain = 0, chainStart
	return nil
}

// probeStep finds up to a batch of candidate pairs for the probe batch,
// processes them, and at the batch's end emits what depends on the whole
// batch.
func (s *hashJoinStream) probeStep(ctx context.Context) error {
	bs := s.t.batchSize()
	n := int(s.pb.NumRows())
	s.pi, s.bi = s.pi[:0], s.bi[:0]
	// Existence is enough when no residual must be checked per pair.
	exists := s.op.Residual == nil && (s.op.Type == LeftSemiJoin || s.op.Type == LeftAntiJoin || s.op.Type == MarkJoin)
	next, first := s.tb.index.next, s.pfirst
	if exists {
		// Existence is known from the lookup.
		for i := s.prow; i < n; i++ {
			if first[i] >= 0 {
				s.pMatched[i] = true
			}
		}
		s.prow = n
	}
	// Semi and anti joins need one match per row of their side: pairs
	// whose row is matched already are skipped.
	typ := s.op.Type
	rightOnce := typ == RightSemiJoin || typ == RightAntiJoin
	leftOnce := typ == LeftSemiJoin || typ == LeftAntiJoin || typ == MarkJoin
	bMatched := s.tb.bMatched
	if rightOnce && s.op.Residual == nil {
		// Every row of a key's chain matches: mark chains, once.
		for i := s.prow; i < n; i++ {
			j := first[i]
			if j < 0 || bMatched[j].Load() {
				continue
			}
			for ; j >= 0; j = next[j] {
				bMatched[j].Store(true)
			}
		}
		s.prow = n
	}
	full := false
	for s.prow < n && !full {
		i := s.prow
		j := s.pchain
		if j == chainStart {
			j = first[i]
			if leftOnce && s.pMatched[i] {
				j = -1
			}
		}
		// INVARIANT: pairs (i, j') for chain rows before j are recorded,
		// or their row was matched already; every row on the chain has
		// i's key.
		for ; j >= 0; j = next[j] {
			if rightOnce && bMatched[j].Load() {
				continue
			}
			if len(s.pi) == bs {
				full = true
				break
			}
			s.pi = append(s.pi, int32(i))
			s.bi = append(s.bi, j)
		}
		if full {
			s.pchain = j
			break
		}
		s.prow++
		s.pchain = chainStart
	}
	if len(s.pi) > 0 {
		if err := s.pairs(ctx); err != nil {
			return err
		}
	}
	if s.prow == n {
		err := s.probeTail(ctx)
		s.pb.Release()
		s.pb = nil
		return err
	}
	return nil
}

// pairs checks the candidate pairs against the residual, records matches
// and queues the output pairs.
func (s *hashJoinStream) pairs(ctx context.Context) error {
	var out arrow.RecordBatch
	if s.op.Residual != nil {
		var err error
		if out, err = s.residualPairs(ctx); err != nil {
			return err
		}
	}
	for r, i := range s.pi {
		if s.op.Type == SingleJoin {
			if s.pMatched[i] {
				if out != nil {
					out.Release()
				}
				return errkind.Errorf(errkind.Execution, "scalar subquery returned more than one row")
			}
			s.pSingle[i] = s.bi[r]
		}
		s.pMatched[i] = true
	}
	if s.tb.bMatched != nil {
		for _, j := range s.bi {
			if m := &s.tb.bMatched[j]; !m.Load() {
				m.Store(true)
			}
		}
	}
	if s.op.Type.emitsPairs() && out == nil && len(s.pi) > 0 {
		var err error
		if out, err = s.gatherPairs(ctx, s.op.schema); err != nil {
			return err
		}
	}
	if out != nil {
		s.emit(out)
	}
	return nil
}

// gatherPairs materialises the pairs (pi, bi) as left columns then right
// columns.
func (s *hashJoinStream) gatherPairs(ctx context.Context, schema *arrow.Schema) (arrow.RecordBatch, error) {
	lc, err := gatherColsMode(ctx, s.t.Alloc, s.pb.Columns(), s.pi, s.probeMode())
	if err != nil {
		return nil, err
	}
	rc, err := gatherColsMode(ctx, s.t.Alloc, s.tb.build.Columns(), s.bi, gatherValid)
	if err != nil {
		releaseArrays(lc)
		return nil, err
	}
	cols := append(lc, rc...)
	b := array.NewRecordBatch(schema, cols, int64(len(s.pi)))
	releaseArrays(cols)
	return b, nil
}

func (s *hashJoinStream) emit(b arrow.RecordBatch) {
	if b.NumRows() == 0 {
		b.Release()
		return
	}
	s.queue = append(s.queue, b)
}

// probeTail queues the output that needs the whole probe batch's matches.
func (s *hashJoinStream) probeTail(ctx context.Context) error {
	n := int(s.pb.NumRows())
	typ := s.op.Type
	switch typ {
	case LeftJoin, FullJoin, LeftSemiJoin, LeftAntiJoin:
		want := typ == LeftSemiJoin
		s.idx = s.idx[:0]
		for i := range n {
			if s.pMatched[i] == want {
				s.idx = append(s.idx, int32(i))
			}
		}
		if len(s.idx) == 0 {
			return nil
		}
		if (typ == LeftSemiJoin || typ == LeftAntiJoin) && len(s.idx) == n {
			s.pb.Retain()
			s.emit(array.NewRecordBatch(s.op.schema, s.pb.Columns(), int64(n)))
			s.pb.Release()
			return nil
		}
		cols, err := gatherColsMode(ctx, s.t.Alloc, s.pb.Columns(), s.idx, gatherSorted)
		if err != nil {
			return err
		}
		if typ.keepsLeftUnmatched() {
			cols = append(cols, s.nullCols(s.op.Right.Schema(), len(s.idx))...)
		}
		s.emit(array.NewRecordBatch(s.op.schema, cols, int64(len(s.idx))))
		releaseArrays(cols)
	case SingleJoin:
		rc, err := s.gatherCols(ctx, s.tb.build.Columns(), s.pSingle)
		if err != nil {
			return err
		}
		cols := append(append([]arrow.Array{}, s.pb.Columns()...), rc...)
		s.emit(array.NewRecordBatch(s.op.schema, cols, int64(n)))
		releaseArrays(rc)
	case MarkJoin:
		mark := s.markColumn(n)
		cols := append(append([]arrow.Array{}, s.pb.Columns()...), mark)
		s.emit(array.NewRecordBatch(s.op.schema, cols, int64(n)))
		mark.Release()
	}
	return nil
}

func (s *hashJoinStream) markColumn(n int) arrow.Array {
	alloc := s.t.Alloc
	vals := memory.NewResizableBuffer(alloc)
	vals.Resize(int(bitutil.BytesForBits(int64(n))))
	valid := memory.NewResizableBuffer(alloc)
	valid.Resize(int(bitutil.BytesForBits(int64(n))))
	vb, mb := vals.Bytes(), valid.Bytes()
	clear(vb)
	clear(mb)
	nonEmpty, nullKey := s.tb.build.NumRows() > 0, s.tb.bNullKey
	if f := s.op.facts; f != nil {
		nonEmpty, nullKey = f.nonEmpty, f.nullKey
	}
	nulls := 0
	for i := range n {
		switch {
		case s.pMatched[i]:
			bitutil.SetBit(vb, i)
			bitutil.SetBit(mb, i)
		case nonEmpty && (nullKey || (s.pnull != nil && s.pnull[i])):
			nulls++
		default:
			bitutil.SetBit(mb, i)
		}
	}
	bufs := []*memory.Buffer{valid, vals}
	if nulls == 0 {
		bufs[0] = nil
	}
	d := array.NewData(arrow.FixedWidthTypes.Boolean, n, bufs, nil, nulls, 0)
	valid.Release()
	vals.Release()
	a := array.MakeFromData(d)
	d.Release()
	return a
}

// nullCols returns all-null columns of schema's types.
func (s *hashJoinStream) nullCols(schema *arrow.Schema, n int) []arrow.Array {
	out := make([]arrow.Array, schema.NumFields())
	for i, f := range schema.Fields() {
		out[i] = array.MakeArrayOfNull(s.t.Alloc, f.Type, n)
	}
	return out
}

func (s *hashJoinStream) gatherCols(ctx context.Context, cols []arrow.Array, idx []int32) ([]arrow.Array, error) {
	return gatherColsMode(ctx, s.t.Alloc, cols, idx, modeOf(idx))
}

// rightTailStep queues up to a batch of the right rows the join type keeps
// after the probe side is done, and ends the join when there are no more.
func (s *hashJoinStream) rightTailStep(ctx context.Context) error {
	typ := s.op.Type
	if !typ.tracksRight() {
		s.done = true
		return nil
	}
	bs := s.t.batchSize()
	n := int(s.tb.build.NumRows())
	want := typ == RightSemiJoin
	s.idx = s.idx[:0]
	for s.rightTail < n && len(s.idx) < bs {
		if s.tb.bMatched[s.rightTail].Load() == want {
			s.idx = append(s.idx, int32(s.rightTail))
		}
		s.rightTail++
	}
	if s.rightTail == n {
		s.done = true
	}
	if len(s.idx) == 0 {
		return nil
	}
	rc, err := gatherColsMode(ctx, s.t.Alloc, s.tb.build.Columns(), s.idx, gatherSorted)
	if err != nil {
		return err
	}
	var cols []arrow.Array
	if typ == RightJoin || typ == FullJoin {
		cols = append(s.nullCols(s.op.Left.Schema(), len(s.idx)), rc...)
	} else {
		cols = rc
	}
	s.emit(array.NewRecordBatch(s.op.schema, cols, int64(len(s.idx))))
	releaseArrays(cols)
	return nil
}

func (s *hashJoinStream) Close() error {
	var err error
	if s.tb != nil {
		err = s.tb.release()
		s.tb = nil
	}
	if s.left != nil {
		if lerr := s.left.Close(); err == nil {
			err = lerr
		}
		s.left = nil
	}
	if s.pb != nil {
		s.pb.Release()
		s.pb = nil
	}
	releaseBatches(s.queue)
	s.queue = nil
	if s.graceOut != nil {
		err = errors.Join(err, s.graceOut.Close())
		s.graceOut = nil
	}
	if s.graceOwn {
		err = errors.Join(err, s.graceLeft.Close())
		s.graceOwn = false
	}
	return err
}

func releaseBatches(bs []arrow.RecordBatch) {
	for _, b := range bs {
		if b != nil {
			b.Release()
		}
	}
}
