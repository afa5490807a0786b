package op

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// WindowKind is what a window function computes for each row.
type WindowKind uint8

const (
	// WindowAggregate is an aggregate (sum, count, min, ...) over the
	// row's frame.
	WindowAggregate WindowKind = iota
	// WindowRowNumber numbers the rows of a partition from 1.
	WindowRowNumber
	// WindowRank is 1 plus the number of rows before the row's peers.
	WindowRank
	// WindowDenseRank is 1 plus the number of peer groups before the row's.
	WindowDenseRank
	// WindowPercentRank is (rank - 1) / (partition rows - 1), 0 for a
	// partition of one row.
	WindowPercentRank
	// WindowCumeDist is the fraction of the partition's rows up to the
	// last of the row's peers.
	WindowCumeDist
	// WindowNtile splits the partition into Args[0] buckets as equal as
	// possible, the larger ones first, and numbers them from 1.
	WindowNtile
	// WindowLag is Args[0] at Args[1] (default 1) rows before the row in
	// its partition, or Args[2] (default null) when there is none.
	WindowLag
	// WindowLead is WindowLag looking forward.
	WindowLead
	// WindowFirstValue is Args[0] at the first row of the frame.
	WindowFirstValue
	// WindowLastValue is Args[0] at the last row of the frame.
	WindowLastValue
	// WindowNthValue is Args[0] at row Args[1] (from 1) of the frame.
	WindowNthValue
)

var windowKindNames = [...]string{"aggregate", "row_number", "rank", "dense_rank", "percent_rank",
	"cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value"}

func (k WindowKind) String() string {
	if int(k) < len(windowKindNames) {
		return windowKindNames[k]
	}
	return fmt.Sprintf("WindowKind(%d)", k)
}

// FrameUnit says what a frame's offsets count.
type FrameUnit uint8

const (
	// FrameRows offsets count rows.
	FrameRows FrameUnit = iota
	// FrameRange offsets are distances between values of the one order
	// key; CURRENT ROW means the row's peers (rows equal on every order
	// key).
	FrameRange
)

// BoundKind is where a frame bound lies relative to the current row.
type BoundKind uint8

const (
	BoundUnboundedPreceding BoundKind = iota
	BoundPreceding
	BoundCurrentRow
	BoundFollowing
	BoundUnboundedFollowing
)

// FrameBound is one end of a frame; Offset (>= 0) is for BoundPreceding
// and BoundFollowing.
type FrameBound struct {
	Kind   BoundKind
	Offset int64
}

func (b FrameBound) String() string {
	switch b.Kind {
	case BoundUnboundedPreceding:
		return "UNBOUNDED PRECEDING"
	case BoundPreceding:
		return fmt.Sprintf("%d PRECEDING", b.Offset)
	case BoundCurrentRow:
		return "CURRENT ROW"
	case BoundFollowing:
		return fmt.Sprintf("%d FOLLOWING", b.Offset)
	}
	return "UNBOUNDED FOLLOWING"
}

// Frame is the set of rows of its partition an aggregate or value
// function sees for a row; both bounds are inclusive.
type Frame struct {
	Unit       FrameUnit
	Start, End FrameBound
}

// WholePartition is the frame of every row of the partition.
var WholePartition = Frame{Unit: FrameRows, Start: FrameBound{Kind: BoundUnboundedPreceding}, End: FrameBound{Kind: BoundUnboundedFollowing}}

// DefaultFrame is SQL's frame when a window names none: with order keys
// RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (a running aggregate
// over the row and its peers), else the whole partition.
func DefaultFrame(ordered bool) Frame {
	if !ordered {
		return WholePartition
	}
	return Frame{Unit: FrameRange, Start: FrameBound{Kind: BoundUnboundedPreceding}, End: FrameBound{Kind: BoundCurrentRow}}
}

func (f Frame) String() string {
	unit := "ROWS"
	if f.Unit == FrameRange {
		unit = "RANGE"
	}
	return fmt.Sprintf("%s BETWEEN %s AND %s", unit, f.Start, f.End)
}

func (f Frame) whole() bool {
	return f.Start.Kind == BoundUnboundedPreceding && f.End.Kind == BoundUnboundedFollowing
}

// WindowFunc is one function a Window computes.
type WindowFunc struct {
	Kind WindowKind
	// Agg is the aggregate of a WindowAggregate.
	Agg expr.AggFunc
	// Args are the arguments of the other kinds (see WindowKind).
	Args []expr.Expr
	// Frame bounds the rows an aggregate, first_value, last_value or
	// nth_value sees; the ranking functions and lag/lead ignore it.
	Frame Frame
	// Out, if set, is the declared result type; the natural one is cast
	// to it.
	Out arrow.DataType

	cast expr.Expr // natural to Out, over column 0; nil when they agree
}

func (f *WindowFunc) natural() arrow.DataType {
	switch f.Kind {
	case WindowAggregate:
		return f.Agg.DataType()
	case WindowRowNumber, WindowRank, WindowDenseRank, WindowNtile:
		return arrow.PrimitiveTypes.Int64
	case WindowPercentRank, WindowCumeDist:
		return arrow.PrimitiveTypes.Float64
	}
	return f.Args[0].DataType()
}

// DataType is the type of the function's result column.
func (f *WindowFunc) DataType() arrow.DataType {
	if f.Out != nil {
		return f.Out
	}
	return f.natural()
}

func (f *WindowFunc) usesFrame() bool {
	switch f.Kind {
	case WindowAggregate, WindowFirstValue, WindowLastValue, WindowNthValue:
		return true
	}
	return false
}

func (f *WindowFunc) String() string {
	var s string
	if f.Kind == WindowAggregate {
		s = f.Agg.String()
	} else {
		args := make([]string, len(f.Args))
		for i, a := range f.Args {
			args[i] = a.String()
		}
		s = fmt.Sprintf("%s(%s)", f.Kind, strings.Join(args, ", "))
	}
	if f.usesFrame() {
		s += " " + f.Frame.String()
	}
	return s
}

// check validates f's arguments and frame for a window ordered by order.
func (f *WindowFunc) check(order []SortKey) error {
	nargs := map[WindowKind][2]int{
		WindowRowNumber: {0, 0}, WindowRank: {0, 0}, WindowDenseRank: {0, 0}, WindowPercentRank: {0, 0},
		WindowCumeDist: {0, 0}, WindowNtile: {1, 1}, WindowLag: {1, 3}, WindowLead: {1, 3},
		WindowFirstValue: {1, 1}, WindowLastValue: {1, 1}, WindowNthValue: {2, 2},
	}
	switch {
	case f.Kind == WindowAggregate:
		if f.Agg == nil {
			return errkind.Errorf(errkind.InvalidArgument, "aggregate window function without an aggregate")
		}
	case int(f.Kind) >= len(windowKindNames):
		return errkind.Errorf(errkind.InvalidArgument, "unknown window function kind %d", f.Kind)
	default:
		if r := nargs[f.Kind]; len(f.Args) < r[0] || len(f.Args) > r[1] {
			return errkind.Errorf(errkind.InvalidArgument, "%s: want %d to %d arguments, got %d", f.Kind, r[0], r[1], len(f.Args))
		}
	}
	intArg := -1 // the argument that must be an integer
	switch f.Kind {
	case WindowNtile:
		intArg = 0
	case WindowLag, WindowLead, WindowNthValue:
		intArg = 1
	}
	if intArg >= 0 && intArg < len(f.Args) && !isIntegerType(f.Args[intArg].DataType()) {
		return errkind.Errorf(errkind.InvalidArgument, "%s: argument %d is %s, not an integer", f.Kind, intArg+1, f.Args[intArg].DataType())
	}
	if (f.Kind == WindowLag || f.Kind == WindowLead) && len(f.Args) == 3 && !arrow.TypeEqual(f.Args[2].DataType(), f.Args[0].DataType()) {
		c, err := expr.NewCast(f.Args[2], f.Args[0].DataType(), false)
		if err != nil {
			return fmt.Errorf("%s: default value: %w", f.Kind, err)
		}
		f.Args = []expr.Expr{f.Args[0], f.Args[1], c}
	}
	if f.usesFrame() {
		if err := f.Frame.check(order); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	if f.Out != nil && !arrow.TypeEqual(f.Out, f.natural()) {
		c, err := expr.NewCast(&expr.Column{Index: 0, Type: f.natural()}, f.Out, false)
		if err != nil {
			return fmt.Errorf("%s: declared type: %w", f.Kind, err)
		}
		f.cast = c
	}
	return nil
}

func (fr Frame) check(order []SortKey) error {
	if fr.Start.Kind == BoundUnboundedFollowing {
		return errkind.Errorf(errkind.InvalidArgument, "frame start cannot be UNBOUNDED FOLLOWING")
	}
	if fr.End.Kind == BoundUnboundedPreceding {
		return errkind.Errorf(errkind.InvalidArgument, "frame end cannot be UNBOUNDED PRECEDING")
	}
	for _, b := range []FrameBound{fr.Start, fr.End} {
		if b.Offset < 0 {
			return errkind.Errorf(errkind.InvalidArgument, "frame offset %d is negative", b.Offset)
		}
		offset := b.Kind == BoundPreceding || b.Kind == BoundFollowing
		if fr.Unit != FrameRange || !offset {
			continue
		}
		if len(order) != 1 {
			return errkind.Errorf(errkind.InvalidArgument, "RANGE frame with an offset needs exactly one order key, got %d", len(order))
		}
		if dt := order[0].Expr.DataType(); !isIntegerType(dt) && dt.ID() != arrow.FLOAT32 && dt.ID() != arrow.FLOAT64 {
			return errkind.Errorf(errkind.Unimplemented, "RANGE frame with an offset over an order key of type %s", dt)
		}
	}
	return nil
}

func isIntegerType(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32:
		return true
	}
	return false
}

// Window computes window functions: for each input row, functions of the
// rows of its partition (rows equal on every partition key) ordered by the
// order keys. Its output is the input's columns followed by one column per
// function, its rows ordered by partition and order keys.
//
// It is a buffering operator: the first Next reads all of its input,
// reserving its size from the task's pool, sorts it by partition and order
// keys with the sort operator's machinery, and evaluates every function
// over the sorted columns, partition by partition, with typed loops.
// Aggregates run on the expr.AggState of their aggregate function: over the
// whole partition with one update per row; over other frames through a
// segment tree of states (window_segtree.go), so a frame of any size costs
// O(log n) merges per row rather than a pass over the frame.
type Window struct {
	Input     Operator
	Partition []expr.Expr
	Order     []SortKey
	Funcs     []WindowFunc
	schema    *arrow.Schema
	Meter
}

// NewWindow returns a window over input partitioned by partition, ordered
// within partitions by order, computing funcs; names[i] names the column
// of funcs[i].
func NewWindow(input Operator, partition []expr.Expr, order []SortKey, funcs []WindowFunc, names []string) (*Window, error) {
	for _, k := range partition {
		if _, err := comparator(SortKey{Expr: k}, nil); err != nil {
			return nil, fmt.Errorf("window: partition key %s: %w", k, err)
		}
	}
	for _, k := range order {
		if _, err := comparator(k, nil); err != nil {
			return nil, fmt.Errorf("window: order key %s: %w", k.Expr, err)
		}
	}
	funcs = append([]WindowFunc(nil), funcs...)
	fields := append([]arrow.Field(nil), input.Schema().Fields()...)
	for i := range funcs {
		f := &funcs[i]
		if err := f.check(order); err != nil {
			return nil, fmt.Errorf("window: %w", err)
		}
		name := fmt.Sprintf("window%d", i)
		if i < len(names) && names[i] != "" {
			name = names[i]
		}
		fields = append(fields, arrow.Field{Name: name, Type: f.DataType(), Nullable: true})
	}
	return &Window{Input: input, Partition: partition, Order: order, Funcs: funcs, schema: arrow.NewSchema(fields, nil)}, nil
}

func (w *Window) Schema() *arrow.Schema { return w.schema }
func (w *Window) Children() []Operator  { return []Operator{w.Input} }

func (w *Window) String() string {
	ps := make([]string, len(w.Partition))
	for i, k := range w.Partition {
		ps[i] = k.String()
	}
	os := make([]string, len(w.Order))
	for i, k := range w.Order {
		os[i] = k.String()
	}
	fs := make([]string, len(w.Funcs))
	for i := range w.Funcs {
		fs[i] = w.Funcs[i].String()
	}
	return fmt.Sprintf("Window partition=[%s] order=[%s] funcs=[%s]", strings.Join(ps, ", "), strings.Join(os, ", "), strings.Join(fs, ", "))
}

func (w *Window) Open(ctx context.Context, t *Task) (Stream, error) {
	in, err := w.Input.Open(ctx, t)
	if err != nil {
		return nil, err
	}
	return w.Wrap(&windowStream{op: w, t: t, in: in, res: t.Pool.NewReservation("window")}), nil
}

type windowStream struct {
	op   *Window
	t    *Task
	in   Stream
	res  *spill.Reservation
	out  batchCursor
	done bool
}

func (s *windowStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !s.done {
		s.done = true
		if err := s.compute(ctx); err != nil {
			return nil, fmt.Errorf("window: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.out.next(s.t.batchSize())
}

func (s *windowStream) Close() error {
	s.out.release()
	s.res.Free()
	return s.in.Close()
}

// compute reads the input and builds the whole output.
func (s *windowStream) compute(ctx context.Context) error {
	var batches []arrow.RecordBatch
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	var inBytes int64
	err := forEachBatch(ctx, s.in, func(b arrow.RecordBatch) error {
		batches = append(batches, b)
		inBytes += BatchBytes(b)
		return s.res.Grow(BatchBytes(b))
	})
	if err != nil {
		return err
	}
	var rows int64
	for _, b := range batches {
		rows += b.NumRows()
	}
	if rows == 0 {
		return nil
	}
	all, err := concatBatches(s.t, s.op.Input.Schema(), batches)
	if err != nil {
		return err
	}
	for _, b := range batches {
		b.Release()
	}
	batches = nil
	defer all.Release()
	if all.NumRows() > math.MaxInt32 {
		return errkind.Errorf(errkind.ResourceExhausted, "%d rows in one window, more than %d", all.NumRows(), math.MaxInt32)
	}
	sorted := all
	keys := s.sortKeys()
	if len(keys) > 0 {
		if err := s.res.Grow(inBytes); err != nil { // the sorted copy
			return err
		}
		if sorted, err = sortBatch(ctx, s.t, all, keys, -1); err != nil {
			return err
		}
		defer sorted.Release()
	}
	p, err := s.layout(ctx, sorted, keys)
	if err != nil {
		return err
	}
	defer p.release()
	if err := s.res.Grow(p.size()); err != nil {
		return err
	}
	cols := append([]arrow.Array(nil), sorted.Columns()...)
	for _, c := range cols {
		c.Retain()
	}
	defer func() { releaseArrays(cols) }()
	for i := range s.op.Funcs {
		if err := ctx.Err(); err != nil {
			return err
		}
		f := &s.op.Funcs[i]
		c, err := s.evaluate(ctx, f, sorted, p)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		cols = append(cols, c)
		if err := s.res.Grow(arrayBytes(c.Data())); err != nil {
			return err
		}
	}
	s.out.b = array.NewRecordBatch(s.op.schema, cols, sorted.NumRows())
	return nil
}

// sortKeys orders rows by partition keys (any fixed order groups them),
// then by the order keys.
func (s *windowStream) sortKeys() []SortKey {
	keys := make([]SortKey, 0, len(s.op.Partition)+len(s.op.Order))
	for _, k := range s.op.Partition {
		keys = append(keys, SortKey{Expr: k})
	}
	return append(keys, s.op.Order...)
}

// partitionLayout locates the partitions and peer groups of the sorted
// rows.
type partitionLayout struct {
	n int
	// parts holds the first row of each partition, then n.
	parts []int32
	// peers holds the first row of each peer group (rows of a partition
	// equal on every order key), then n; every partition start is one.
	peers []int32
	// part and peer are each row's partition and peer group.
	part, peer []int32
	// order is the evaluated single order key, for RANGE offset frames
	// (nil otherwise), and orderDesc its direction.
	order     arrow.Array
	orderDesc bool
}

func (p *partitionLayout) release() {
	if p.order != nil {
		p.order.Release()
		p.order = nil
	}
}

func (p *partitionLayout) size() int64 {
	return int64(len(p.parts)+len(p.peers)+len(p.part)+len(p.peer)) * 4
}

// layout finds the partitions and peer groups of b, sorted by keys (the
// partition keys, then the order keys).
func (s *windowStream) layout(ctx context.Context, b arrow.RecordBatch, keys []SortKey) (*partitionLayout, error) {
	n := int(b.NumRows())
	p := &partitionLayout{n: n, part: make([]int32, n), peer: make([]int32, n)}
	cols, err := evalAll(ctx, s.t, b, keyExprs(keys))
	if err != nil {
		return nil, err
	}
	defer releaseArrays(cols)
	cmps := make([]func(i, j int) int, len(keys))
	for k, key := range keys {
		if cmps[k], err = comparator(key, cols[k]); err != nil {
			return nil, err
		}
	}
	np := len(s.op.Partition)
	for r := range n {
		newPart, newPeer := r == 0, r == 0
		if r > 0 {
			for k, c := range cmps {
				if c(r-1, r) != 0 {
					newPeer = true
					newPart = k < np
					break
				}
			}
		}
		if newPart {
			p.parts = append(p.parts, int32(r))
		}
		if newPeer {
			p.peers = append(p.peers, int32(r))
		}
		// INVARIANT: parts and peers hold the starts of the partitions
		// and peer groups up to row r.
		p.part[r] = int32(len(p.parts) - 1)
		p.peer[r] = int32(len(p.peers) - 1)
	}
	p.parts = append(p.parts, int32(n))
	p.peers = append(p.peers, int32(n))
	if len(s.op.Order) == 1 {
		p.order = cols[np]
		p.order.Retain()
		p.orderDesc = s.op.Order[0].Descending
	}
	return p, nil
}

// evaluate computes f for every row of b, which p describes.
func (s *windowStream) evaluate(ctx context.Context, f *WindowFunc, b arrow.RecordBatch, p *partitionLayout) (arrow.Array, error) {
	a, err := s.evaluateNatural(ctx, f, b, p)
	if err != nil || f.cast == nil {
		return a, err
	}
	defer a.Release()
	one := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "v", Type: a.DataType(), Nullable: true}}, nil), []arrow.Array{a}, int64(a.Len()))
	defer one.Release()
	return f.cast.Eval(ctx, s.t.Alloc, one)
}

func (s *windowStream) evaluateNatural(ctx context.Context, f *WindowFunc, b arrow.RecordBatch, p *partitionLayout) (arrow.Array, error) {
	alloc := s.t.Alloc
	switch f.Kind {
	case WindowRowNumber, WindowRank, WindowDenseRank:
		return rankColumn(alloc, f.Kind, p), nil
	case WindowPercentRank, WindowCumeDist:
		return distributionColumn(alloc, f.Kind, p), nil
	case WindowAggregate:
		return s.aggregate(ctx, f, b, p)
	}
	args, err := evalAll(ctx, s.t, b, f.Args)
	if err != nil {
		return nil, err
	}
	defer releaseArrays(args)
	switch f.Kind {
	case WindowNtile:
		return ntileColumn(alloc, args[0], p)
	case WindowLag, WindowLead:
		return s.shifted(ctx, f, args, p)
	}
	lo, hi, err := frameBounds(f.Frame, p)
	if err != nil {
		return nil, err
	}
	idx := make([]int32, p.n)
	switch f.Kind {
	case WindowFirstValue:
		for r := range idx {
			idx[r] = -1
			if lo[r] < hi[r] {
				idx[r] = lo[r]
			}
		}
	case WindowLastValue:
		for r := range idx {
			idx[r] = -1
			if lo[r] < hi[r] {
				idx[r] = hi[r] - 1
			}
		}
	case WindowNthValue:
		nth, valid := int64Values(args[1])
		for r := range idx {
			idx[r] = -1
			if !valid(r) {
				continue
			}
			if nth[r] <= 0 {
				return nil, errkind.Errorf(errkind.InvalidArgument, "nth_value: row %d is not positive", nth[r])
			}
			if nth[r] <= int64(hi[r]-lo[r]) {
				idx[r] = lo[r] + int32(nth[r]) - 1
			}
		}
	default:
		return nil, errkind.Errorf(errkind.Internal, "window function kind %s", f.Kind)
	}
	return gatherArray(ctx, alloc, args[0], idx, gatherAny)
}

// rankColumn computes row_number, rank or dense_rank.
func rankColumn(alloc memory.Allocator, kind WindowKind, p *partitionLayout) arrow.Array {
	buf, out := newInt64s(alloc, p.n)
	for r := range out {
		start := p.parts[p.part[r]]
		switch kind {
		case WindowRowNumber:
			out[r] = int64(int32(r)-start) + 1
		case WindowRank:
			out[r] = int64(p.peers[p.peer[r]]-start) + 1
		default:
			// The partition's first peer group is the one starting at
			// its first row.
			out[r] = int64(p.peer[r]-p.peer[start]) + 1
		}
	}
	return newArray(arrow.PrimitiveTypes.Int64, p.n, nil, buf, 0)
}

// distributionColumn computes percent_rank or cume_dist.
func distributionColumn(alloc memory.Allocator, kind WindowKind, p *partitionLayout) arrow.Array {
	buf := memory.NewResizableBuffer(alloc)
	buf.Resize(p.n * 8)
	out := arrow.Float64Traits.CastFromBytes(buf.Bytes())
	for r := range out {
		pi := p.part[r]
		start, size := p.parts[pi], p.parts[pi+1]-p.parts[pi]
		if kind == WindowPercentRank {
			if size > 1 {
				out[r] = float64(p.peers[p.peer[r]]-start) / float64(size-1)
			} else {
				out[r] = 0
			}
		} else {
			out[r] = float64(p.peers[p.peer[r]+1]-start) / float64(size)
		}
	}
	return newArray(arrow.PrimitiveTypes.Float64, p.n, nil, buf, 0)
}

// ntileColumn splits each partition into buckets (from the row's value of
// the argument, which is constant in practice): n rows into k buckets
// gives the first n%k buckets n/k+1 rows and the others n/k, as
// PostgreSQL does. A null bucket count gives null.
func ntileColumn(alloc memory.Allocator, arg arrow.Array, p *partitionLayout) (arrow.Array, error) {
	k, valid := int64Values(arg)
	bld := array.NewInt64Builder(alloc)
	defer bld.Release()
	bld.Reserve(p.n)
	for r := range p.n {
		if !valid(r) {
			bld.UnsafeAppendBoolToBitmap(false)
			continue
		}
		if k[r] <= 0 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "ntile: bucket count %d is not positive", k[r])
		}
		pi := p.part[r]
		size := int64(p.parts[pi+1] - p.parts[pi])
		i := int64(r) - int64(p.parts[pi])
		q, rem := size/k[r], size%k[r]
		var bucket int64
		if big := rem * (q + 1); i < big {
			bucket = i / (q + 1)
		} else {
			bucket = rem + (i-big)/q
		}
		bld.UnsafeAppend(bucket + 1)
	}
	return bld.NewArray(), nil
}

// shifted computes lag or lead: the value offset rows away within the
// partition, else the default (null without one). A null offset gives
// null.
func (s *windowStream) shifted(ctx context.Context, f *WindowFunc, args []arrow.Array, p *partitionLayout) (arrow.Array, error) {
	var off []int64
	valid := func(int) bool { return true }
	if len(args) > 1 {
		off, valid = int64Values(args[1])
	}
	src := args[0]
	if len(args) > 2 {
		// Rows n.. of the concatenation are the defaults.
		c, err := array.Concatenate([]arrow.Array{args[0], args[2]}, s.t.Alloc)
		if err != nil {
			return nil, errkind.Errorf(errkind.Internal, "concatenate: %w", err)
		}
		defer c.Release()
		src = c
	}
	idx := make([]int32, p.n)
	for r := range idx {
		idx[r] = -1
		if !valid(r) {
			continue
		}
		d := int64(1)
		if off != nil {
			d = off[r]
		}
		if f.Kind == WindowLag {
			d = -d
		}
		pi := p.part[r]
		if t := int64(r) + d; t >= int64(p.parts[pi]) && t < int64(p.parts[pi+1]) {
			idx[r] = int32(t)
		} else if len(args) > 2 {
			idx[r] = int32(p.n + r)
		}
	}
	return gatherArray(ctx, s.t.Alloc, src, idx, gatherAny)
}

// aggregate computes an aggregate over each row's frame.
func (s *windowStream) aggregate(ctx context.Context, f *WindowFunc, b arrow.RecordBatch, p *partitionLayout) (arrow.Array, error) {
	args, err := evalAll(ctx, s.t, b, f.Agg.Args())
	if err != nil {
		return nil, err
	}
	defer releaseArrays(args)
	// Without order keys every row of a partition is a peer of every
	// other, so any RANGE frame (offsets need an order key) is the whole
	// partition.
	if f.Frame.whole() || (len(s.op.Order) == 0 && f.Frame.Unit == FrameRange) {
		// One group per partition, then each row takes its partition's.
		nparts := len(p.parts) - 1
		st := f.Agg.NewState()
		if err := st.Update(asUint32s(p.part), nparts, args); err != nil {
			return nil, err
		}
		vals, err := st.Finish(s.t.Alloc, nparts)
		if err != nil {
			return nil, err
		}
		defer vals.Release()
		return gatherArray(ctx, s.t.Alloc, vals, p.part, gatherValid)
	}
	lo, hi, err := frameBounds(f.Frame, p)
	if err != nil {
		return nil, err
	}
	tree, err := newSegmentTree(f.Agg, args, p.n)
	if err != nil {
		return nil, err
	}
	if err := s.res.Grow(tree.size()); err != nil {
		return nil, err
	}
	defer s.res.Shrink(tree.size())
	st, err := tree.query(ctx, lo, hi)
	if err != nil {
		return nil, err
	}
	return st.Finish(s.t.Alloc, p.n)
}

// frameBounds returns each row's frame as [lo[r], hi[r]); an empty frame
// has lo == hi.
func frameBounds(fr Frame, p *partitionLayout) (lo, hi []int32, err error) {
	lo, hi = make([]int32, p.n), make([]int32, p.n)
	if err := boundRows(fr, fr.Start, false, p, lo); err != nil {
		return nil, nil, err
	}
	if err := boundRows(fr, fr.End, true, p, hi); err != nil {
		return nil, nil, err
	}
	for r := range lo {
		// Frames reaching past their partition were clipped; one whose
		// start is past its end is empty.
		hi[r] = max(hi[r], lo[r])
	}
	return lo, hi, nil
}

// boundRows sets out[r] to the first row of row r's frame (end false) or
// one past its last (end true), within r's partition.
func boundRows(fr Frame, b FrameBound, end bool, p *partitionLayout, out []int32) error {
	n := int64(p.n)
	for r := range out {
		pi := p.part[r]
		ps, pe := int64(p.parts[pi]), int64(p.parts[pi+1])
		var v int64
		switch b.Kind {
		case BoundUnboundedPreceding:
			v = ps
		case BoundUnboundedFollowing:
			v = pe
		case BoundCurrentRow:
			if fr.Unit == FrameRange {
				if end {
					v = int64(p.peers[p.peer[r]+1])
				} else {
					v = int64(p.peers[p.peer[r]])
				}
			} else {
				v = int64(r)
				if end {
					v++
				}
			}
		default:
			if fr.Unit == FrameRange {
				continue // rangeOffsetBounds fills these
			}
			d := min(b.Offset, n) // no overflow below
			if b.Kind == BoundPreceding {
				d = -d
			}
			v = int64(r) + d
			if end {
				v++
			}
		}
		out[r] = int32(min(max(v, ps), pe))
	}
	if fr.Unit == FrameRange && (b.Kind == BoundPreceding || b.Kind == BoundFollowing) {
		return rangeOffsetBounds(b, end, p, out)
	}
	return nil
}

// rangeOffsetBounds sets out[r] for a RANGE bound n PRECEDING or n
// FOLLOWING: the rows whose order key lies within n of row r's, in the
// order's direction. A row whose key is null has its peers (the other
// nulls) as that bound, and rows with null keys are never within an
// offset of a non-null key.
func rangeOffsetBounds(b FrameBound, end bool, p *partitionLayout, out []int32) error {
	key := p.order
	delta := b.Offset
	if b.Kind == BoundPreceding {
		delta = -delta
	}
	var dist func(j, r int) int // sign of (key[j] - key[r] in the order's direction) - delta
	switch key.DataType().ID() {
	case arrow.FLOAT32, arrow.FLOAT64:
		vals, _ := float64Values(key)
		fd := float64(delta)
		dist = func(j, r int) int {
			d := vals[j] - vals[r]
			if p.orderDesc {
				d = -d
			}
			switch {
			case d < fd:
				return -1
			case d > fd:
				return 1
			}
			return 0
		}
	default:
		vals, _ := int64Values(key)
		dist = func(j, r int) int {
			if p.orderDesc {
				return cmpDiff(vals[r], vals[j], delta)
			}
			return cmpDiff(vals[j], vals[r], delta)
		}
	}
	bm, off := nullBits(key)
	for r := range out {
		if !isValid(bm, off, r) {
			if end {
				out[r] = p.peers[p.peer[r]+1]
			} else {
				out[r] = p.peers[p.peer[r]]
			}
			continue
		}
		// The non-null rows of the partition: nulls sort at one end.
		pi := p.part[r]
		lo, hi := int(p.parts[pi]), int(p.parts[pi+1])
		for lo < hi && !isValid(bm, off, lo) {
			lo = int(p.peers[p.peer[lo]+1])
		}
		for hi > lo && !isValid(bm, off, hi-1) {
			hi = int(p.peers[p.peer[hi-1]])
		}
		// dist(j, r) is nondecreasing in j over [lo, hi): find the first
		// j with dist >= 0 (a start) or > 0 (an end).
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if c := dist(m, r); c < 0 || (end && c == 0) {
				lo = m + 1
			} else {
				hi = m
			}
		}
		out[r] = int32(lo)
	}
	return nil
}

// cmpDiff returns the sign of (a - b) - delta, exactly.
func cmpDiff(a, b, delta int64) int {
	// a - b fits in 65 bits; compare its magnitude and sign with delta's.
	if a >= b {
		d := uint64(a) - uint64(b)
		if delta < 0 {
			return 1
		}
		return cmpUint(d, uint64(delta))
	}
	d := uint64(b) - uint64(a) // a - b = -d < 0
	if delta >= 0 {
		return -1
	}
	// -d - delta = |delta| - d
	return cmpUint(uint64(-(delta+1))+1, d)
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// int64Values returns an integer column's values as int64s, and its
// validity.
func int64Values(a arrow.Array) ([]int64, func(int) bool) {
	out := make([]int64, a.Len())
	switch a.DataType().ID() {
	case arrow.INT8:
		widen(out, arrow.GetValues[int8](a.Data(), 1))
	case arrow.INT16:
		widen(out, arrow.GetValues[int16](a.Data(), 1))
	case arrow.INT32:
		widen(out, arrow.GetValues[int32](a.Data(), 1))
	case arrow.INT64:
		copy(out, arrow.GetValues[int64](a.Data(), 1))
	case arrow.UINT8:
		widen(out, arrow.GetValues[uint8](a.Data(), 1))
	case arrow.UINT16:
		widen(out, arrow.GetValues[uint16](a.Data(), 1))
	case arrow.UINT32:
		widen(out, arrow.GetValues[uint32](a.Data(), 1))
	}
	bm, off := nullBits(a)
	return out, func(i int) bool { return isValid(bm, off, i) }
}

func float64Values(a arrow.Array) ([]float64, func(int) bool) {
	out := make([]float64, a.Len())
	switch a.DataType().ID() {
	case arrow.FLOAT32:
		widen(out, arrow.GetValues[float32](a.Data(), 1))
	case arrow.FLOAT64:
		copy(out, arrow.GetValues[float64](a.Data(), 1))
	}
	bm, off := nullBits(a)
	return out, func(i int) bool { return isValid(bm, off, i) }
}

func widen[T, U int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | float32 | float64](dst []U, src []T) {
	for i, v := range src[:len(dst)] {
		dst[i] = U(v)
	}
}

// newInt64s returns a buffer of n int64s and the slice over it.
func newInt64s(alloc memory.Allocator, n int) (*memory.Buffer, []int64) {
	buf := memory.NewResizableBuffer(alloc)
	buf.Resize(n * 8)
	return buf, arrow.Int64Traits.CastFromBytes(buf.Bytes())
}

// asUint32s views non-negative int32s as uint32s.
func asUint32s(xs []int32) []uint32 {
	out := make([]uint32, len(xs))
	for i, x := range xs {
		out[i] = uint32(x)
	}
	return out
}
