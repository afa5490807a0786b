package expr

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// AggFunc is a bound aggregate function. It is immutable; each aggregation
// takes its own state from NewState.
type AggFunc interface {
	// DataType is the type of the values Finish returns.
	DataType() arrow.DataType
	// Args are the argument expressions, evaluated on the aggregate's input.
	Args() []Expr
	NewState() AggState
	String() string
}

// AggState accumulates an aggregate for many groups at once. It is used by
// one goroutine at a time.
type AggState interface {
	// Update folds row i of args into group groups[i]. ngroups is the number
	// of groups seen so far; every groups[i] is below it.
	Update(groups []uint32, ngroups int, args []arrow.Array) error
	// Finish returns one value per group, in group order, for ngroups groups
	// (groups never updated get the empty-input value: null, or 0 for count).
	Finish(alloc memory.Allocator, ngroups int) (arrow.Array, error)
	// Size estimates the bytes held, for memory reservations.
	Size() int64
}

type aggFunc struct {
	name    string
	args    []Expr
	natural arrow.DataType // the type the state produces
	out     arrow.DataType // the declared type, if any, else natural
	newSt   func(f *aggFunc) AggState
}

func (f *aggFunc) DataType() arrow.DataType { return f.out }
func (f *aggFunc) Args() []Expr             { return f.args }
func (f *aggFunc) NewState() AggState       { return &castingState{AggState: f.newSt(f), f: f} }

func (f *aggFunc) String() string {
	s := make([]string, len(f.args))
	for i, a := range f.args {
		s[i] = a.String()
	}
	return fmt.Sprintf("%s(%s)", f.name, strings.Join(s, ", "))
}

// castingState converts the natural result to the declared output type.
type castingState struct {
	AggState
	f *aggFunc
}

func (s *castingState) Finish(alloc memory.Allocator, ngroups int) (arrow.Array, error) {
	a, err := s.AggState.Finish(alloc, ngroups)
	if err != nil || arrow.TypeEqual(a.DataType(), s.f.out) {
		return a, err
	}
	defer a.Release()
	c := &Cast{To: s.f.out}
	return c.cast(context.Background(), alloc, a)
}

func oneArg(c *AggCall) error {
	if len(c.Args) != 1 {
		return errkind.Errorf(errkind.InvalidArgument, "want 1 argument, got %d", len(c.Args))
	}
	return nil
}

func newAgg(c *AggCall, natural arrow.DataType, st func(f *aggFunc) AggState) (AggFunc, error) {
	f := &aggFunc{name: c.Name, args: c.Args, natural: natural, out: natural, newSt: st}
	if c.Out != nil && !arrow.TypeEqual(c.Out, natural) {
		if _, err := NewCast(&Column{Type: natural}, c.Out, false); err != nil {
			return nil, fmt.Errorf("declared output type: %w", err)
		}
		f.out = c.Out
	}
	return f, nil
}

func bindSum(c *AggCall) (AggFunc, error) {
	if err := oneArg(c); err != nil {
		return nil, err
	}
	dt := c.Args[0].DataType()
	switch {
	case isInteger(dt):
		return newAgg(c, arrow.PrimitiveTypes.Int64, func(*aggFunc) AggState { return &sumInt{} })
	case isFloat(dt):
		return newAgg(c, arrow.PrimitiveTypes.Float64, func(*aggFunc) AggState { return &sumFloat{} })
	case isDecimal(dt):
		out := &arrow.Decimal128Type{Precision: maxDecimalPrecision, Scale: dt.(*arrow.Decimal128Type).Scale}
		return newAgg(c, out, func(*aggFunc) AggState { return &sumDecimal{dt: out} })
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "sum of %s", dt)
}

func bindAvg(c *AggCall) (AggFunc, error) {
	if err := oneArg(c); err != nil {
		return nil, err
	}
	dt := c.Args[0].DataType()
	switch {
	case isInteger(dt):
		// Substrait's avg of integers truncates to the input type; a
		// declared floating type asks for the exact mean instead.
		natural := dt
		if c.Out != nil && isFloat(c.Out) {
			natural = arrow.PrimitiveTypes.Float64
		}
		return newAgg(c, natural, func(f *aggFunc) AggState { return &sumInt{avg: true, dt: f.natural} })
	case isFloat(dt):
		return newAgg(c, arrow.PrimitiveTypes.Float64, func(*aggFunc) AggState { return &sumFloat{avg: true} })
	case isDecimal(dt):
		in := dt.(*arrow.Decimal128Type)
		natural := &arrow.Decimal128Type{Precision: maxDecimalPrecision, Scale: in.Scale}
		if d, ok := c.Out.(*arrow.Decimal128Type); ok {
			// Divide straight into the declared scale: one rounding, not two.
			natural = d
		}
		return newAgg(c, natural, func(*aggFunc) AggState { return &sumDecimal{dt: natural, in: in, avg: true} })
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "avg of %s", dt)
}

func bindCount(c *AggCall) (AggFunc, error) {
	if len(c.Args) > 1 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "want at most 1 argument, got %d", len(c.Args))
	}
	return newAgg(c, arrow.PrimitiveTypes.Int64, func(*aggFunc) AggState { return &count{} })
}

// Phase is the part of a split aggregation an aggregate call computes.
type Phase int

const (
	// PhaseComplete folds raw input into the result.
	PhaseComplete Phase = iota
	// PhasePartial folds raw input into an intermediate value.
	PhasePartial
	// PhaseMerge folds intermediate values into an intermediate value or
	// the result.
	PhaseMerge
)

func (p Phase) String() string {
	switch p {
	case PhaseComplete:
		return "complete"
	case PhasePartial:
		return "partial"
	}
	return "merge"
}

// AggregatePhase binds an aggregate call for one phase of a split
// aggregation. Only aggregates whose intermediate value is a single value of
// the result's kind split: sum, min and max merge with themselves, count
// merges by summing partial counts. Others are Unimplemented outside
// PhaseComplete.
func (r *Registry) AggregatePhase(c *AggCall, p Phase) (AggFunc, error) {
	if p == PhaseComplete {
		return r.Aggregate(c)
	}
	switch c.Name {
	case "sum", "min", "max":
		return r.Aggregate(c)
	case "count":
		if p == PhasePartial {
			return r.Aggregate(c)
		}
		if err := oneArg(c); err != nil {
			return nil, fmt.Errorf("aggregate %s(%s), %s phase: %w", c.Name, argTypes(c.Args), p, err)
		}
		if !isInteger(c.Args[0].DataType()) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "aggregate count, %s phase: partial counts are %s, not integers", p, c.Args[0].DataType())
		}
		return newAgg(c, arrow.PrimitiveTypes.Int64, func(*aggFunc) AggState { return &sumInt{zeroEmpty: true} })
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "aggregate %s: %s phase (its intermediate state is not supported)", c.Name, p)
}

func bindMinMax(isMin bool) aggBinder {
	return func(c *AggCall) (AggFunc, error) {
		if err := oneArg(c); err != nil {
			return nil, err
		}
		dt := c.Args[0].DataType()
		var st func(*aggFunc) AggState
		switch dt.ID() {
		case arrow.INT8:
			st = func(*aggFunc) AggState { return &minMax[int8]{dt: dt, isMin: isMin} }
		case arrow.INT16:
			st = func(*aggFunc) AggState { return &minMax[int16]{dt: dt, isMin: isMin} }
		case arrow.INT32, arrow.DATE32:
			st = func(*aggFunc) AggState { return &minMax[int32]{dt: dt, isMin: isMin} }
		case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP:
			st = func(*aggFunc) AggState { return &minMax[int64]{dt: dt, isMin: isMin} }
		case arrow.FLOAT32:
			st = func(*aggFunc) AggState { return &minMax[float32]{dt: dt, isMin: isMin} }
		case arrow.FLOAT64:
			st = func(*aggFunc) AggState { return &minMax[float64]{dt: dt, isMin: isMin} }
		case arrow.DECIMAL128:
			st = func(*aggFunc) AggState { return &minMaxDecimal{dt: dt, isMin: isMin} }
		case arrow.STRING:
			st = func(*aggFunc) AggState { return &minMaxString{isMin: isMin} }
		default:
			return nil, errkind.Errorf(errkind.Unimplemented, "%s of %s", c.Name, dt)
		}
		return newAgg(c, dt, st)
	}
}

// extend grows s to n elements.
func extend[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	var zero T
	for len(s) < n {
		s = append(s, zero)
	}
	return s
}

// finishFixed builds an array from per-group values and presence flags.
func finishFixed[T arrow.FixedWidthType](alloc memory.Allocator, dt arrow.DataType, vals []T, seen []bool, n int) arrow.Array {
	vals, seen = extend(vals, n), extend(seen, n)
	buf, out := newFixed[T](alloc, n)
	copy(out, vals[:n])
	var valid *memory.Buffer
	nulls := 0
	for i := 0; i < n; i++ {
		if !seen[i] {
			valid = setNull(alloc, valid, n, i)
			nulls++
		}
	}
	return makeArray(dt, n, valid, nulls, buf)
}

// forValid calls f for each valid row; the loop has no null checks when the
// array has no nulls.
func forValid(a arrow.Array, f func(i int)) {
	n := a.Len()
	if a.NullN() == 0 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	bm, off := a.NullBitmapBytes(), a.Data().Offset()
	for i := 0; i < n; i++ {
		if bitutil.BitIsSet(bm, off+i) {
			f(i)
		}
	}
}

// sumInt sums integers into int64, failing on overflow; with avg set it
// returns the mean as dt: float64 exactly, an integer type truncated. With
// zeroEmpty set, a group with no values sums to 0, not null (merging
// partial counts).
type sumInt struct {
	avg       bool
	zeroEmpty bool
	dt        arrow.DataType
	sums      []int64
	counts    []int64
}

func (s *sumInt) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.sums, s.counts = extend(s.sums, ngroups), extend(s.counts, ngroups)
	vals, err := int64Values(args[0])
	if err != nil {
		return err
	}
	var overflow bool
	forValid(args[0], func(i int) {
		g := groups[i]
		a, b := s.sums[g], vals[i]
		r := a + b
		overflow = overflow || ((a^r)&(b^r)) < 0
		s.sums[g] = r
		s.counts[g]++
	})
	if overflow {
		name := "sum"
		if s.avg {
			name = "avg"
		}
		return errkind.Errorf(errkind.Execution, "%s: int64 overflow", name)
	}
	return nil
}

func (s *sumInt) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	s.sums, s.counts = extend(s.sums, n), extend(s.counts, n)
	seen := make([]bool, n)
	for i := range seen {
		seen[i] = s.counts[i] > 0 || s.zeroEmpty
	}
	if !s.avg {
		return finishFixed(alloc, arrow.PrimitiveTypes.Int64, s.sums, seen, n), nil
	}
	if isFloat(s.dt) {
		means := make([]float64, n)
		for i := range means {
			if seen[i] {
				means[i] = float64(s.sums[i]) / float64(s.counts[i])
			}
		}
		return finishFixed(alloc, arrow.PrimitiveTypes.Float64, means, seen, n), nil
	}
	means := make([]int64, n)
	for i := range means {
		if seen[i] {
			means[i] = s.sums[i] / s.counts[i]
		}
	}
	a := finishFixed(alloc, arrow.PrimitiveTypes.Int64, means, seen, n)
	if arrow.TypeEqual(s.dt, arrow.PrimitiveTypes.Int64) {
		return a, nil
	}
	defer a.Release()
	return (&Cast{To: s.dt}).arrowCast(context.Background(), alloc, a)
}

func (s *sumInt) Size() int64 { return int64(cap(s.sums)+cap(s.counts)) * 8 }

// sumFloat sums float64 values; with avg set it returns the mean.
type sumFloat struct {
	avg    bool
	sums   []float64
	counts []int64
}

func (s *sumFloat) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.sums, s.counts = extend(s.sums, ngroups), extend(s.counts, ngroups)
	a := args[0]
	switch a.DataType().ID() {
	case arrow.FLOAT64:
		vals := arrow.GetValues[float64](a.Data(), 1)
		forValid(a, func(i int) { s.sums[groups[i]] += vals[i]; s.counts[groups[i]]++ })
	case arrow.FLOAT32:
		vals := arrow.GetValues[float32](a.Data(), 1)
		forValid(a, func(i int) { s.sums[groups[i]] += float64(vals[i]); s.counts[groups[i]]++ })
	default:
		return errkind.Errorf(errkind.Internal, "float sum of %s", a.DataType())
	}
	return nil
}

func (s *sumFloat) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	s.sums, s.counts = extend(s.sums, n), extend(s.counts, n)
	seen := make([]bool, n)
	vals := make([]float64, n)
	for i := range seen {
		seen[i] = s.counts[i] > 0
		vals[i] = s.sums[i]
		if s.avg && seen[i] {
			vals[i] /= float64(s.counts[i])
		}
	}
	return finishFixed(alloc, arrow.PrimitiveTypes.Float64, vals, seen, n), nil
}

func (s *sumFloat) Size() int64 { return int64(cap(s.sums)+cap(s.counts)) * 8 }

// sumDecimal sums decimals exactly at the input scale, failing past 38
// digits; with avg set it divides by the count into dt's scale.
type sumDecimal struct {
	dt     *arrow.Decimal128Type
	in     *arrow.Decimal128Type
	avg    bool
	sums   []decimal128.Num
	counts []int64
}

func (s *sumDecimal) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.sums, s.counts = extend(s.sums, ngroups), extend(s.counts, ngroups)
	a := args[0]
	vals := arrow.GetValues[decimal128.Num](a.Data(), 1)
	overflow := false
	forValid(a, func(i int) {
		g := groups[i]
		r, ok := addChecked(s.sums[g], vals[i])
		if !ok || !r.FitsInPrecision(maxDecimalPrecision) {
			overflow = true
		}
		s.sums[g] = r
		s.counts[g]++
	})
	if overflow {
		return errkind.Errorf(errkind.Execution, "sum: decimal overflow past %d digits", maxDecimalPrecision)
	}
	return nil
}

func (s *sumDecimal) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	s.sums, s.counts = extend(s.sums, n), extend(s.counts, n)
	seen := make([]bool, n)
	vals := make([]decimal128.Num, n)
	for i := range seen {
		seen[i] = s.counts[i] > 0
		vals[i] = s.sums[i]
		if s.avg && seen[i] {
			r, ok := decimalOp(opDiv, s.sums[i], decimal128.FromI64(s.counts[i]), s.in.Scale, 0, s.dt)
			if !ok {
				return nil, errkind.Errorf(errkind.Execution, "avg: result overflows %s", s.dt)
			}
			vals[i] = r
		}
	}
	return finishFixed(alloc, s.dt, vals, seen, n), nil
}

func (s *sumDecimal) Size() int64 { return int64(cap(s.sums))*16 + int64(cap(s.counts))*8 }

// count counts rows (no argument) or non-null values.
type count struct{ counts []int64 }

func (s *count) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.counts = extend(s.counts, ngroups)
	if len(args) == 0 {
		for _, g := range groups {
			s.counts[g]++
		}
		return nil
	}
	forValid(args[0], func(i int) { s.counts[groups[i]]++ })
	return nil
}

func (s *count) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	s.counts = extend(s.counts, n)
	buf, out := newFixed[int64](alloc, n)
	copy(out, s.counts[:n])
	return makeArray(arrow.PrimitiveTypes.Int64, n, nil, 0, buf), nil
}

func (s *count) Size() int64 { return int64(cap(s.counts)) * 8 }

type minMax[T integer | float] struct {
	dt    arrow.DataType
	isMin bool
	vals  []T
	seen  []bool
}

func (s *minMax[T]) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.vals, s.seen = extend(s.vals, ngroups), extend(s.seen, ngroups)
	in := arrow.GetValues[T](args[0].Data(), 1)
	forValid(args[0], func(i int) {
		g, v := groups[i], in[i]
		if !s.seen[g] || (s.isMin && v < s.vals[g]) || (!s.isMin && v > s.vals[g]) {
			s.vals[g], s.seen[g] = v, true
		}
	})
	return nil
}

func (s *minMax[T]) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	return finishFixed(alloc, s.dt, s.vals, s.seen, n), nil
}

func (s *minMax[T]) Size() int64 {
	return int64(cap(s.vals))*int64(sizeOf(*new(T))) + int64(cap(s.seen))
}

type minMaxDecimal struct {
	dt    arrow.DataType
	isMin bool
	vals  []decimal128.Num
	seen  []bool
}

func (s *minMaxDecimal) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.vals, s.seen = extend(s.vals, ngroups), extend(s.seen, ngroups)
	in := arrow.GetValues[decimal128.Num](args[0].Data(), 1)
	forValid(args[0], func(i int) {
		g, v := groups[i], in[i]
		if !s.seen[g] || (s.isMin && v.Less(s.vals[g])) || (!s.isMin && v.Greater(s.vals[g])) {
			s.vals[g], s.seen[g] = v, true
		}
	})
	return nil
}

func (s *minMaxDecimal) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	return finishFixed(alloc, s.dt, s.vals, s.seen, n), nil
}

func (s *minMaxDecimal) Size() int64 { return int64(cap(s.vals))*16 + int64(cap(s.seen)) }

type minMaxString struct {
	isMin bool
	vals  []string
	seen  []bool
	bytes int64
}

func (s *minMaxString) Update(groups []uint32, ngroups int, args []arrow.Array) error {
	s.vals, s.seen = extend(s.vals, ngroups), extend(s.seen, ngroups)
	in := args[0].(*array.String)
	forValid(in, func(i int) {
		g, v := groups[i], in.Value(i)
		if !s.seen[g] || (s.isMin && v < s.vals[g]) || (!s.isMin && v > s.vals[g]) {
			// Value aliases the batch's buffer; keep a copy that outlives it.
			s.bytes += int64(len(v) - len(s.vals[g]))
			s.vals[g], s.seen[g] = strings.Clone(v), true
		}
	})
	return nil
}

func (s *minMaxString) Finish(alloc memory.Allocator, n int) (arrow.Array, error) {
	s.vals, s.seen = extend(s.vals, n), extend(s.seen, n)
	b := array.NewStringBuilder(alloc)
	defer b.Release()
	b.AppendValues(s.vals[:n], s.seen[:n])
	return b.NewArray(), nil
}

func (s *minMaxString) Size() int64 { return int64(cap(s.vals))*16 + int64(cap(s.seen)) + s.bytes }
